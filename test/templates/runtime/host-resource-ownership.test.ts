/**
 * Who owns a host resource's entry, and what a handle the guest holds stands for (`host-resources.ts` with the
 * adapters of `values.ts`), driven as jco drives them: a handle the host deleted stays stale for the guest even
 * when the host enters the same object again; the guest never gets two owning handles on one entry; an `own`
 * result refused by checking enters nothing; `has` never throws; the leak report counts every entry disposal
 * found alive. A fake component stands in for the guest.
 */
import { describe, expect, it } from "vitest";
import { createBorrowScope } from "../../../templates/runtime/borrow.js";
import { ReentranceError, StaleHandleError } from "../../../templates/runtime/errors.js";
import {
  createHostResources,
  type HostResourcesBase,
  type ResourceTableView,
} from "../../../templates/runtime/host-resources.js";
import { createResourceTable } from "../../../templates/runtime/resource-table.js";
import { list } from "../../../templates/runtime/compound-types.js";
import { string } from "../../../templates/runtime/leaf-types.js";
import {
  createInstanceCore,
  startInstance,
  type ComponentModule,
} from "../../../templates/runtime/instance-core.js";
import { borrow, hostResource, own } from "../../../templates/runtime/guest-resources.js";
import { callExport, exportSpec } from "../../../templates/runtime/export-calls.js";
import {
  adaptImport,
  hostResourceClass,
  importSpec,
  type ImportCall,
} from "../../../templates/runtime/import-adapters.js";
import { rejection, thrown } from "../../support/outcomes.js";

const requestType = hostResource("t:t/http#request");

interface Resources extends HostResourcesBase {
  readonly request: ResourceTableView<HostRequest>;
}

class HostRequest {
  constructor(
    readonly url: string,
    readonly log: string[],
  ) {}
  fetch(): string {
    return this.url;
  }
  self(): this {
    return this;
  }
  [Symbol.dispose](): void {
    this.log.push(`dispose ${this.url}`);
  }
}

/** What jco sees of the adapter: the guest's handle. */
interface RequestAdapter {
  fetch(): string;
  [Symbol.dispose](): void;
}

const fakeComponent: ComponentModule = { instantiate: () => Promise.resolve({}) };

const fetchSpec = importSpec({
  name: "t:t/http#[method]request.fetch",
  member: "fetch",
  returns: string,
});
const createSpec = importSpec({
  name: "t:t/http#[constructor]request",
  member: "create",
  params: [string],
  returns: own(requestType),
});

/** An instance whose host gives the guest `requests` (an import returning `own<request>`). */
async function setUp(hostClass?: unknown) {
  const log: string[] = [];
  const core = await createInstanceCore({ component: fakeComponent });
  const resources = createHostResources<Resources>(core, { request: requestType });
  const Adapter = hostResourceClass(core, requestType, hostClass, {
    ...(hostClass === undefined ? {} : { create: createSpec }),
    methods: { fetch: fetchSpec },
  }) as new (url: string) => RequestAdapter;
  await startInstance(core);
  let next: () => unknown = () => undefined;
  const give = adaptImport(
    core,
    importSpec({ name: "t:t/http#give", member: "give", returns: own(requestType) }),
    {
      give: () => next(),
    },
  );
  return {
    core,
    log,
    resources,
    Adapter,
    /** The guest calls `give`, which returns what `host` returns. */
    give: (host: () => unknown) => {
      next = host;
      return give() as RequestAdapter;
    },
  };
}

describe("host resources: a handle the host deleted stays stale for the guest", () => {
  it("when the host pushes the same object again: the old handle is stale, and its drop deletes nothing", async () => {
    const { resources, log, give } = await setUp();
    const object = new HostRequest("a", log);
    const guestHandle = give(() => object);
    resources.request.delete(object);
    expect(log).toEqual(["dispose a"]);
    const hostHandle = resources.request.push(object);
    expect(thrown(() => guestHandle.fetch())).toBeInstanceOf(StaleHandleError);
    guestHandle[Symbol.dispose]();
    expect(resources.request.has(hostHandle)).toBe(true);
    expect(log).toEqual(["dispose a"]);
  });

  it("when the host gives the object to the guest again: the new handle works, the old one stays stale", async () => {
    const { resources, log, give } = await setUp();
    const object = new HostRequest("a", log);
    const first = give(() => object);
    resources.request.delete(object);
    const second = give(() => object);
    expect(second).not.toBe(first);
    expect(second.fetch()).toBe("a");
    expect(thrown(() => first.fetch())).toBeInstanceOf(StaleHandleError);
    first[Symbol.dispose]();
    expect(resources.request.count).toBe(1);
    second[Symbol.dispose]();
    expect(resources.request.count).toBe(0);
    expect(log).toEqual(["dispose a", "dispose a"]);
  });
});

describe("host resources: the guest gets at most one owning handle on an entry", () => {
  it("an import that returns an object the guest already owns fails with a TypeError (a trap for the guest)", async () => {
    const { resources, log, give } = await setUp();
    const cached = new HostRequest("cached", log);
    const first = give(() => cached);
    const error = thrown(() => give(() => cached));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(/already owns/);
    expect(resources.request.count).toBe(1);
    first[Symbol.dispose]();
    expect(log).toEqual(["dispose cached"]);
  });

  it("a host constructor that returns an object the guest already owns fails with a TypeError", async () => {
    const log: string[] = [];
    const shared = new HostRequest("flyweight", log);
    const { Adapter, resources } = await setUp(function Flyweight() {
      return shared;
    });
    const a = new Adapter("1");
    expect(thrown(() => new Adapter("2"))).toBeInstanceOf(TypeError);
    expect(resources.request.count).toBe(1);
    a[Symbol.dispose]();
    expect(log).toEqual(["dispose flyweight"]);
  });

  it("an object the host pushed itself may be given to the guest once", async () => {
    const { resources, log, give } = await setUp();
    const object = new HostRequest("pushed", log);
    const handle = resources.request.push(object);
    const guestHandle = give(() => object);
    expect(resources.request.handleOf(object)).toBe(handle);
    expect(thrown(() => give(() => object))).toBeInstanceOf(TypeError);
    guestHandle[Symbol.dispose]();
    expect(log).toEqual(["dispose pushed"]);
  });

  it("a handler returning the real object behind its borrow (`view.self()`) where `own` is required fails", async () => {
    const log: string[] = [];
    class Request extends HostRequest {
      constructor(url: string) {
        super(url, log);
      }
    }
    const { core, Adapter, resources } = await setUp(Request);
    const clone = adaptImport(
      core,
      importSpec({
        name: "t:t/http#clone",
        member: "clone",
        params: [borrow(requestType)],
        returns: own(requestType),
        invoke: ((host: { clone(r: HostRequest): HostRequest }, call: ImportCall) => {
          using r = call.borrow<HostRequest>(0);
          return host.clone(r.value);
        }) as never,
      }),
      { clone: (r: HostRequest) => r.self() },
    );
    const original = new Adapter("a");
    expect(thrown(() => clone(original))).toBeInstanceOf(TypeError);
    expect(resources.request.count).toBe(1);
    original[Symbol.dispose]();
    expect(log).toEqual(["dispose a"]);
  });

  it("returning an expired view where `own` is required is a TypeError, as the contract says", async () => {
    const { give } = await setUp();
    const scope = createBorrowScope("t:t/http#inspect");
    const view = scope.view(new HostRequest("a", []), "request");
    scope.close();
    const error = thrown(() => give(() => view));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(/borrowed/);
  });
});

describe("host resources: an `own` result refused by checking enters nothing", () => {
  it("list<own<request>> whose second item is not a request: the first stays the host's", async () => {
    const { core, resources, log } = await setUp();
    const first = new HostRequest("first", log);
    const make = adaptImport(
      core,
      importSpec({ name: "t:t/http#make", member: "make", returns: list(own(requestType)) }),
      { make: () => [first, 42] },
    );
    expect(thrown(() => make())).toBeInstanceOf(TypeError);
    expect(resources.request.count).toBe(0);
    expect(resources.request.handleOf(first)).toBeUndefined();
    // Not entered, so pushing it is fine (no "already in the table").
    resources.request.push(first);
    expect(log).toEqual([]);
  });

  it("an object the host had pushed stays the host's entry, and the host may give it again", async () => {
    const { core, resources, log, give } = await setUp();
    const first = new HostRequest("first", log);
    const handle = resources.request.push(first);
    const make = adaptImport(
      core,
      importSpec({ name: "t:t/http#make", member: "make", returns: list(own(requestType)) }),
      { make: () => [first, 42] },
    );
    expect(thrown(() => make())).toBeInstanceOf(TypeError);
    expect(resources.request.has(handle)).toBe(true);
    give(() => first)[Symbol.dispose]();
    expect(log).toEqual(["dispose first"]);
  });
});

describe("resource table: `has` never throws, and the leak report counts what disposal found", () => {
  it("`has` with a type of another table is false", () => {
    const a = createResourceTable();
    const b = createResourceTable();
    const handle = a.push("x", {});
    expect(a.has(handle, b.defineType("x"))).toBe(false);
    expect(a.has(handle, {} as never)).toBe(false);
    expect(a.has(handle, "x")).toBe(true);
  });

  it("an entry deleted by another entry's destructor during disposal is counted", () => {
    const table = createResourceTable();
    const log: string[] = [];
    const parent = table.push("a", { [Symbol.dispose]: () => log.push("a") });
    table.pushChild(
      "b",
      {
        [Symbol.dispose]: () => {
          log.push("b");
          table.delete(parent, "a");
        },
      },
      parent,
    );
    const report = table.disposeAll();
    expect(log).toEqual(["b", "a"]);
    expect(report.total).toBe(2);
    expect([...report.byType]).toEqual([
      ["b", 1],
      ["a", 1],
    ]);
  });
});

describe("host resources: a refused call gives back what it entered, unless another call lends it meanwhile", () => {
  it("an import handler's reentrant `own` call is refused while a queued call borrows the object: the borrow works", async () => {
    const log: string[] = [];
    let finishSlow = (): void => {};
    const core = await createInstanceCore({
      component: {
        instantiate(_getCoreModule, imports) {
          const host = (imports as Record<string, Record<string, () => unknown>>)["t:t/host"]!;
          return Promise.resolve({
            api: {
              callback: () => host["cb"]!(),
              slow: () => new Promise<void>((resolve) => (finishSlow = resolve)),
              take: () => undefined,
              peek: (adapter: RequestAdapter) => adapter.fetch(),
            },
          });
        },
      },
    });
    const resources = createHostResources<Resources>(core, { request: requestType });
    hostResourceClass(core, requestType, undefined, { methods: { fetch: fetchSpec } });
    const take = exportSpec<void>({
      name: "take",
      path: ["api", "take"],
      params: { r: own(requestType) },
    });
    const peek = exportSpec<string>({
      name: "peek",
      path: ["api", "peek"],
      params: { r: borrow(requestType) },
      returns: string,
    });
    const object = new HostRequest("a", log);
    let refused: Promise<void> | undefined;
    await startInstance(core, undefined, {
      "t:t/host": {
        cb: adaptImport(core, importSpec({ name: "t:t/host#cb", member: "cb" }), {
          cb: () => void (refused = callExport(core, take, [object])),
        }),
      },
    });
    // In one job: the callback runs at once (its handler's call is refused, and gives the object back a moment
    // later), then a borrow of the object waits behind a slow call.
    const called = callExport(
      core,
      exportSpec<void>({ name: "callback", path: ["api", "callback"] }),
      [],
    );
    const slow = callExport(core, exportSpec<void>({ name: "slow", path: ["api", "slow"] }), []);
    const peeked = callExport(core, peek, [object]);
    await called;
    expect(await rejection(refused!)).toBeInstanceOf(ReentranceError);
    finishSlow();
    await slow;
    expect(await peeked).toBe("a");
    expect(core.gate.poisoned).toBe(false);
    // The host owns the entry now, and deletes it as any entry it pushed.
    expect(resources.request.count).toBe(1);
    resources.request.delete(object);
    expect(log).toEqual(["dispose a"]);
  });
});
