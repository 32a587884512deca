/**
 * The host resources of an instance (`templates/runtime/host-resources.ts` with the adapters of `values.ts`),
 * driven the way jco drives them: constructing the adapter class, calling its methods and statics, lowering
 * and lifting `own`/`borrow` values and calling `[Symbol.dispose]` when the guest drops a handle. A fake
 * component stands in for the guest; test/e2e/sdk-host-resources.test.ts does the same with a real one.
 */
import { describe, expect, it } from "vitest";
import { lend, release } from "../../../templates/runtime/loans.js";
import {
  HasChildrenError,
  InvalidHandleError,
  ResourceLentError,
  StaleHandleError,
  TableFullError,
  WrongTypeError,
} from "../../../templates/runtime/errors.js";
import {
  createHostResources,
  type HostResourceOptions,
  type HostResourcesBase,
  type ResourceTableView,
} from "../../../templates/runtime/host-resources.js";
import type { Handle, LeakReport } from "../../../templates/runtime/resource-table.js";
import { string, u32 } from "../../../templates/runtime/leaf-types.js";
import {
  createInstanceCore,
  createWorldInstance,
  startInstance,
  type ComponentModule,
  type InstanceCore,
} from "../../../templates/runtime/instance-core.js";
import { borrow, hostResource, own } from "../../../templates/runtime/guest-resources.js";
import { hostResourceClass, importSpec } from "../../../templates/runtime/import-adapters.js";
import { thrown } from "../../support/outcomes.js";

const requestType = hostResource("t:t/http#request");
const bodyType = hostResource("t:t/http#body");

interface Resources extends HostResourcesBase {
  readonly request: ResourceTableView<HostRequest>;
  readonly body: ResourceTableView<HostBody>;
}

/** Destructor calls, in order, shared by every object of one test. */
type Log = string[];

class HostBody {
  constructor(
    readonly id: string,
    readonly log: Log,
  ) {}
  size(): number {
    return 3;
  }
  [Symbol.dispose](): void {
    this.log.push(`dispose ${this.id}`);
  }
}

class HostRequest {
  constructor(
    readonly url: string,
    readonly log: Log,
  ) {}
  [Symbol.dispose](): void {
    this.log.push(`dispose ${this.url}`);
  }
}

/** What jco sees of the adapter classes. */
interface RequestAdapter {
  body(): BodyAdapter;
  [Symbol.dispose](): void;
}
interface BodyAdapter {
  size(): number;
  [Symbol.dispose](): void;
}
interface RequestStatics {
  new (url: string): RequestAdapter;
  inspect(req: RequestAdapter): string;
  send(req: RequestAdapter): number;
}

const fakeComponent: ComponentModule = { instantiate: () => Promise.resolve({}) };

/**
 * One instance with `request` (constructor, `body()` returning a child `body`, statics `inspect` taking a
 * borrow and `send` taking an own) and `body` (`size()`), as the generated `instantiate` sets them up.
 * `onInspect` runs inside `inspect`, with the borrowed request.
 */
async function setUp(
  options: HostResourceOptions & { onInspect?: (req: HostRequest) => void } = {},
) {
  const log: Log = [];
  const core: InstanceCore = await createInstanceCore({ component: fakeComponent });
  const resources = createHostResources<Resources>(
    core,
    { request: requestType, body: bodyType },
    options,
  );
  const sent: HostRequest[] = [];
  /** Every object the guest made the host create, in order. */
  const created: (HostRequest | HostBody)[] = [];
  class Request extends HostRequest {
    constructor(url: string) {
      super(url, log);
      created.push(this);
    }
    body(): HostBody {
      // Parentage is declared by the host: the body is a child of this request.
      const body = new HostBody(`body of ${this.url}`, log);
      resources.body.pushChild(body, this);
      created.push(body);
      return body;
    }
    static inspect(req: HostRequest): string {
      options.onInspect?.(req);
      return req.url;
    }
    static send(req: HostRequest): number {
      sent.push(req);
      return 200;
    }
  }
  const RequestAdapter = hostResourceClass(core, requestType, Request, {
    create: importSpec({
      name: "t:t/http#[constructor]request",
      member: "create",
      params: [string],
      returns: own(requestType),
    }),
    methods: {
      body: importSpec({
        name: "t:t/http#[method]request.body",
        member: "body",
        returns: own(bodyType),
      }),
    },
    statics: {
      inspect: importSpec({
        name: "t:t/http#[static]request.inspect",
        member: "inspect",
        params: [borrow(requestType)],
        returns: string,
      }),
      send: importSpec({
        name: "t:t/http#[static]request.send",
        member: "send",
        params: [own(requestType)],
        returns: u32,
      }),
    },
  }) as RequestStatics;
  hostResourceClass(core, bodyType, undefined, {
    methods: {
      size: importSpec({ name: "t:t/http#[method]body.size", member: "size", returns: u32 }),
    },
  });
  await startInstance(core);
  const instance = createWorldInstance(core, { resources });
  return { core, resources, log, sent, created, RequestAdapter, instance };
}

describe("host resources: entries for what the guest owns", () => {
  it("enter an object the guest constructs, and delete it with one destructor call when the guest drops it", async () => {
    const { resources, log, created, RequestAdapter } = await setUp();
    const adapter = new RequestAdapter("https://a");
    expect(resources.request.count).toBe(1);
    const handle = resources.request.handleOf(created[0] as HostRequest)!;
    expect(resources.request.get(handle)).toBe(created[0]);
    resources.request.push(new HostRequest("https://host", log));
    expect(resources.size).toBe(2);
    expect(resources.counts()).toEqual(
      new Map([
        ["t:t/http#request", 2],
        ["t:t/http#body", 0],
      ]),
    );
    adapter[Symbol.dispose]();
    adapter[Symbol.dispose]();
    expect(log).toEqual(["dispose https://a"]);
    expect(resources.request.count).toBe(1);
    expect(resources.request.has(handle)).toBe(false);
  });

  it("make a body the host declares a child: the request cannot go first, and nothing changes when it tries", async () => {
    const { resources, log, created, RequestAdapter } = await setUp();
    const request = new RequestAdapter("https://a");
    const body = request.body();
    expect(body.size()).toBe(3);
    const [requestHost, bodyHost] = created as [HostRequest, HostBody];
    const bodyHandle = resources.body.handleOf(bodyHost)!;
    expect(resources.request.children(requestHost)).toEqual([bodyHandle]);
    expect(resources.body.parentOf(bodyHandle)).toBe(resources.request.handleOf(requestHost));
    const error = thrown(() => request[Symbol.dispose]());
    expect(error).toBeInstanceOf(HasChildrenError);
    expect(error).toMatchObject({ resourceType: "t:t/http#request", childCount: 1 });
    expect(resources.size).toBe(2);
    expect(log).toEqual([]);
    body[Symbol.dispose]();
    request[Symbol.dispose]();
    expect(log).toEqual(["dispose body of https://a", "dispose https://a"]);
    expect(resources.size).toBe(0);
  });

  it("keep an `own` the guest gives the host: the host deletes it (once), or disposal reports it", async () => {
    const { resources, log, sent, RequestAdapter } = await setUp();
    expect(RequestAdapter.send(new RequestAdapter("https://kept"))).toBe(200);
    expect(RequestAdapter.send(new RequestAdapter("https://deleted"))).toBe(200);
    expect(resources.request.count).toBe(2);
    const [kept, deleted] = sent;
    resources.request.delete(deleted!);
    expect(log).toEqual(["dispose https://deleted"]);
    expect(() => resources.request.delete(deleted!)).toThrow(StaleHandleError);
    expect(resources.request.handleOf(kept!)).toBeDefined();
    expect(log).toEqual(["dispose https://deleted"]);
  });

  it("refuse the guest's use of an entry the host deleted under it, and never run the destructor twice", async () => {
    const { resources, log, created, RequestAdapter } = await setUp();
    const request = new RequestAdapter("https://a");
    const host = created[0] as HostRequest;
    const handle = resources.request.handleOf(host)!;
    resources.request.delete(host);
    const error = thrown(() => RequestAdapter.inspect(request));
    expect(error).toBeInstanceOf(StaleHandleError);
    expect(error).toMatchObject({ handle, resourceType: "t:t/http#request" });
    request[Symbol.dispose]();
    expect(log).toEqual(["dispose https://a"]);
  });

  it("lend an entry to the import it is borrowed by: deleting it there fails, and works after", async () => {
    let inside: unknown;
    let lendCount = -1;
    const setup = await setUp({
      onInspect: (req) => {
        lendCount = setup.resources.table.lendCount(setup.resources.request.handleOf(req)!);
        inside = thrown(() => setup.resources.request.delete(req));
      },
    });
    const { resources, log, created, RequestAdapter } = setup;
    const request = new RequestAdapter("https://a");
    expect(RequestAdapter.inspect(request)).toBe("https://a");
    expect(lendCount).toBe(1);
    expect(inside).toBeInstanceOf(ResourceLentError);
    expect(inside).toMatchObject({ resourceType: "t:t/http#request", lendCount: 1 });
    const handle = resources.request.handleOf(created[0] as HostRequest)!;
    expect(resources.table.lendCount(handle)).toBe(0);
    resources.request.delete(handle);
    expect(log).toEqual(["dispose https://a"]);
  });

  it("refuse to delete what the host lent to the guest (borrow.ts) or lent itself", async () => {
    const { resources, log } = await setUp();
    const request = new HostRequest("https://a", log);
    resources.request.push(request);
    lend(request, "request");
    expect(thrown(() => resources.request.delete(request))).toBeInstanceOf(ResourceLentError);
    release(request, "request");
    resources.request.lend(request);
    expect(thrown(() => resources.request.delete(request))).toMatchObject({
      name: "ResourceLentError",
      lendCount: 1,
    });
    resources.request.release(request);
    resources.request.delete(request);
    expect(log).toEqual(["dispose https://a"]);
  });
});

describe("host resources: typed errors of the views", () => {
  it("tell never-issued, stale and wrong-type handles apart, and refuse an object entered twice", async () => {
    const { resources, log } = await setUp();
    const request = new HostRequest("https://a", log);
    const handle = resources.request.push(request);
    const body = resources.body.pushChild(new HostBody("b", log), handle);
    expect(thrown(() => resources.request.get(12345 as Handle<HostRequest>))).toBeInstanceOf(
      InvalidHandleError,
    );
    expect(
      thrown(() => resources.request.delete(new HostRequest("never entered", log))),
    ).toBeInstanceOf(InvalidHandleError);
    const wrong = thrown(() => resources.request.get(body as unknown as Handle<HostRequest>));
    expect(wrong).toBeInstanceOf(WrongTypeError);
    expect(wrong).toMatchObject({ expectedType: "t:t/http#request", actualType: "t:t/http#body" });
    expect(thrown(() => resources.request.push(request))).toMatchObject({
      name: "TypeError",
      message: `this object is already in the resource table (\`t:t/http#request\` handle ${handle})`,
    });
    expect(resources.request.parentOf(request)).toBeUndefined();
    expect(resources.body.parentOf(body)).toBe(handle);
    resources.body.delete(body);
    const stale = thrown(() => resources.body.get(body));
    expect(stale).toBeInstanceOf(StaleHandleError);
    expect(stale).toMatchObject({ handle: body, resourceType: "t:t/http#body" });
    expect(resources.body.has(body)).toBe(false);
    expect(resources.request.has(handle)).toBe(true);
    expect(resources.request.has(request)).toBe(true);
    expect(resources.body.has(handle)).toBe(false);
    expect(resources.request.has("1")).toBe(false);
  });

  it("throw TableFullError at the configured capacity and change nothing, for the guest's objects too", async () => {
    const { resources, log, RequestAdapter } = await setUp({ resourceCapacity: 2 });
    const first = new RequestAdapter("https://1");
    resources.request.push(new HostRequest("https://2", log));
    expect(resources.table.capacity).toBe(2);
    const full = thrown(() => new RequestAdapter("https://3"));
    expect(full).toBeInstanceOf(TableFullError);
    expect(full).toMatchObject({ capacity: 2 });
    expect(thrown(() => first.body())).toBeInstanceOf(TableFullError);
    expect(resources.size).toBe(2);
    first[Symbol.dispose]();
    expect(resources.size).toBe(1);
    expect(log).toEqual(["dispose https://1"]);
  });
});

describe("host resources: disposal of the instance", () => {
  it("disposes what is left, children before parents, and reports the leak once", async () => {
    const reports: LeakReport[] = [];
    const { resources, log, RequestAdapter, instance } = await setUp({
      onLeak: (report) => reports.push(report),
    });
    const first = new RequestAdapter("https://1");
    first.body();
    const second = new HostRequest("https://2", log);
    resources.request.push(second);
    resources.body.pushChild(new HostBody("host body", log), second);
    new RequestAdapter("https://gone")[Symbol.dispose]();
    log.length = 0;
    expect(resources.leaks).toBeUndefined();
    await instance[Symbol.asyncDispose]();
    expect(log).toEqual([
      "dispose host body",
      "dispose https://2",
      "dispose body of https://1",
      "dispose https://1",
    ]);
    expect(reports).toHaveLength(1);
    expect(resources.leaks).toBe(reports[0]);
    expect(reports[0]!.total).toBe(4);
    expect(reports[0]!.byType).toEqual(
      new Map([
        ["t:t/http#body", 2],
        ["t:t/http#request", 2],
      ]),
    );
    expect(resources.size).toBe(0);
    // The guest's drop after disposal finds nothing left to delete.
    first[Symbol.dispose]();
    expect(log).toHaveLength(4);
    await instance[Symbol.asyncDispose]();
    expect(reports).toHaveLength(1);
  });

  it("collects what destructors throw, and does not call onLeak when nothing was left", async () => {
    const clean: LeakReport[] = [];
    const quiet = await setUp({ onLeak: (report) => clean.push(report) });
    await quiet.instance[Symbol.asyncDispose]();
    expect(clean).toEqual([]);
    expect(quiet.resources.leaks).toEqual({ total: 0, byType: new Map(), errors: [] });

    const { resources, instance } = await setUp();
    const boom = new Error("boom");
    resources.request.push(
      Object.assign(new HostRequest("https://a", []), {
        [Symbol.dispose]: () => {
          throw boom;
        },
      }),
    );
    await instance[Symbol.asyncDispose]();
    expect(resources.leaks?.errors).toEqual([boom]);
    expect(resources.leaks?.total).toBe(1);
  });

  it("refuse a view key that would hide a member of the base", async () => {
    const core = await createInstanceCore({ component: fakeComponent });
    expect(() => createHostResources(core, { size: requestType })).toThrow(
      "`size` cannot name a resource view",
    );
    const other = await createInstanceCore({ component: fakeComponent });
    createHostResources(other, {});
    expect(() => createHostResources(other, {})).toThrow("already created");
  });
});
