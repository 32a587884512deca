/**
 * End to end, the host resource table (issue #6): a componentize-js guest of world `host-table` (the
 * `http` interface of wit-samples/resources, whose `request` makes a `body`, plus exports that drive one
 * step each) creates, borrows, sends and drops the host's requests and bodies through the generated SDK,
 * and the test watches `instance.resources` between the steps: entries, the body as a child of its request
 * (declared by the host's `body()` with `pushChild`), destructors that run exactly once, every typed error
 * of the table from the host's side and from the guest's, capacity, and the leak report on disposal.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  HasChildrenError,
  InvalidHandleError,
  ResourceLentError,
  ResultError,
  StaleHandleError,
  TableFullError,
  TrapError,
  WrongTypeError,
} from "../../templates/runtime/errors.js";
import type { BorrowHandle, Borrowed } from "../../templates/runtime/borrow.js";
import type {
  HostResourcesBase,
  ResourceTableView,
} from "../../templates/runtime/host-resources.js";
import type { Handle, LeakReport } from "../../templates/runtime/resource-table.js";
import { readFixture } from "./support/fixtures.js";
import { removeTempDirs } from "./support/temp-dirs.js";
import { loadGuest, rejection, type LoadedGuest } from "./fixtures/sdk-support/sdk.js";

const WIT =
  readFileSync(new URL("../../wit-samples/resources/resources.wit", import.meta.url), "utf8") +
  `
world host-table {
  import http;
  use http.{request};
  export open: func(url: string);
  export open-body: func();
  export drop-body: func();
  export drop-request: func();
  export url: func() -> string;
  export check: func() -> string;
  export send: func() -> result<u16, string>;
  export take: func(req: request) -> string;
  export peek: func(req: borrow<request>) -> string;
}
`;

/** Destructor calls and other host events, in order. */
type Log = string[];

class HostBody {
  readonly bytes: number[] = [];
  constructor(
    readonly of: string,
    readonly log: Log,
  ) {}
  write(chunk: Uint8Array): void {
    this.bytes.push(...chunk);
  }
  size(): bigint {
    return BigInt(this.bytes.length);
  }
  [Symbol.dispose](): void {
    this.log.push(`dispose body of ${this.of}`);
  }
}

class HostRequest {
  constructor(
    readonly target: string,
    readonly log: Log,
  ) {}
  url(): string {
    return this.target;
  }
  [Symbol.dispose](): void {
    this.log.push(`dispose ${this.target}`);
  }
}

interface Resources extends HostResourcesBase {
  readonly request: ResourceTableView<HostRequest>;
  readonly body: ResourceTableView<HostBody>;
}

interface Instance extends AsyncDisposable {
  readonly resources: Resources;
  readonly poisoned: boolean;
  open(url: string): Promise<void>;
  openBody(): Promise<void>;
  dropBody(): Promise<void>;
  dropRequest(): Promise<void>;
  url(): Promise<string>;
  check(): Promise<string>;
  send(): Promise<number>;
  take(req: HostRequest): Promise<string>;
  peek(req: HostRequest): Promise<string>;
}

type Instantiate = (options: object) => Promise<Instance>;

/** What the host saw: its log, the requests the guest made and sent, and what `inspect` ran into. */
interface Host {
  readonly log: Log;
  readonly requests: HostRequest[];
  readonly sent: HostRequest[];
  /** Runs inside `inspect`, with the borrowed request and the table. */
  onInspect?: (req: Borrowed<HostRequest>, resources: Resources) => void;
}

/** The host's `example:resources/http`, as a function of the instance's resources (for `pushChild`). */
function httpImports(host: Host) {
  return ({ resources }: { resources: Resources }) => ({
    "example:resources/http": {
      Request: class extends HostRequest {
        constructor(url: string) {
          super(url, host.log);
          host.requests.push(this);
        }
        body(): HostBody {
          const body = new HostBody(this.target, host.log);
          resources.body.pushChild(body, this);
          return body;
        }
        static send(req: HostRequest): number {
          host.sent.push(req);
          if (!req.url().startsWith("https:")) throw new ResultError("insecure url");
          return 200;
        }
      },
      inspect(req: BorrowHandle<HostRequest>): string {
        try {
          host.onInspect?.(req.get(), resources);
        } finally {
          req.drop();
        }
        return "seen";
      },
      inspectAll(reqs: BorrowHandle<HostRequest>[]): number {
        for (const req of reqs) req.drop();
        return reqs.length;
      },
    },
  });
}

let guest: LoadedGuest;
let instantiate: Instantiate;
const instances: Instance[] = [];

async function start(
  options: object = {},
): Promise<{ app: Instance; host: Host; leaks: LeakReport[] }> {
  const host: Host = { log: [], requests: [], sent: [] };
  const leaks: LeakReport[] = [];
  const app = await instantiate({
    imports: httpImports(host),
    component: guest.component,
    getCoreModule: guest.getCoreModule,
    onLeak: (report: LeakReport) => leaks.push(report),
    ...options,
  });
  instances.push(app);
  return { app, host, leaks };
}

/** What a call that must fail did to the instance: the trap and its cause. */
async function trapCause(promise: Promise<unknown>): Promise<unknown> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(TrapError);
  return (error as TrapError).cause;
}

beforeAll(async () => {
  guest = await loadGuest({
    name: "sdk-host-resources",
    wit: WIT,
    world: "host-table",
    js: readFixture("sdk-host-resources/guest.js"),
  });
  instantiate = guest.sdk["instantiate"] as Instantiate;
});

afterAll(async () => {
  for (const app of instances) await app[Symbol.asyncDispose]();
  await removeTempDirs();
});

describe("host resources in a real instance", () => {
  it("enter what the guest creates, the body as a child of its request, and run each destructor once", async () => {
    const { app, host } = await start();
    const { resources } = app;
    expect(resources.size).toBe(0);
    await app.open("https://a");
    await app.openBody();
    const [request] = host.requests;
    const requestHandle = resources.request.handleOf(request!)!;
    const [bodyHandle] = resources.request.children(requestHandle);
    const body = resources.body.get(bodyHandle as Handle<HostBody>);
    expect(body.bytes).toEqual([1, 2, 3]);
    expect(resources.body.parentOf(body)).toBe(requestHandle);
    expect(resources.counts()).toEqual(
      new Map([
        ["example:resources/http#body", 1],
        ["example:resources/http#request", 1],
      ]),
    );
    expect(await app.url()).toBe("https://a");
    await app.dropBody();
    expect(host.log).toEqual(["dispose body of https://a"]);
    await app.dropRequest();
    expect(host.log).toEqual(["dispose body of https://a", "dispose https://a"]);
    expect(resources.size).toBe(0);
    // From the host's side, the handles are stale now; numbers never issued and other types are refused too.
    expect(() => resources.request.get(requestHandle)).toThrow(StaleHandleError);
    expect(() => resources.request.delete(request!)).toThrow(StaleHandleError);
    expect(() => resources.request.get(987_654 as Handle<HostRequest>)).toThrow(InvalidHandleError);
    await app.open("https://b");
    await app.openBody();
    const otherBody = resources.request.children(
      host.requests[1]!,
    )[0] as Handle<unknown> as Handle<HostRequest>;
    let wrong: unknown;
    try {
      resources.request.get(otherBody);
    } catch (error) {
      wrong = error;
    }
    expect(wrong).toBeInstanceOf(WrongTypeError);
    expect(wrong).toMatchObject({
      expectedType: "example:resources/http#request",
      actualType: "example:resources/http#body",
    });
    expect(app.poisoned).toBe(false);
  });

  it("lend a request to the import that borrows it: deleting it there throws ResourceLentError", async () => {
    const { app, host } = await start();
    const seen: unknown[] = [];
    host.onInspect = (req, resources) => {
      seen.push(resources.table.lendCount(resources.request.handleOf(req)!));
      try {
        resources.request.delete(req);
      } catch (error) {
        seen.push(error);
      }
    };
    await app.open("https://a");
    expect(await app.check()).toBe("seen");
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(1);
    expect(seen[1]).toBeInstanceOf(ResourceLentError);
    expect(seen[1]).toMatchObject({ resourceType: "example:resources/http#request", lendCount: 1 });
    expect(app.resources.table.lendCount(app.resources.request.handleOf(host.requests[0]!)!)).toBe(
      0,
    );
    expect(host.log).toEqual([]);
    await app.dropRequest();
    expect(host.log).toEqual(["dispose https://a"]);
  });

  it("trap with HasChildrenError when the guest drops a request before its body, and change nothing", async () => {
    const { app, host, leaks } = await start();
    await app.open("https://a");
    await app.openBody();
    const cause = await trapCause(app.dropRequest());
    expect(cause).toBeInstanceOf(HasChildrenError);
    expect(cause).toMatchObject({ resourceType: "example:resources/http#request", childCount: 1 });
    expect(app.poisoned).toBe(true);
    expect(app.resources.size).toBe(2);
    expect(host.log).toEqual([]);
    // Disposal deletes what is left, children first, and reports it.
    await app[Symbol.asyncDispose]();
    expect(host.log).toEqual(["dispose body of https://a", "dispose https://a"]);
    expect(leaks).toHaveLength(1);
    expect(app.resources.leaks).toBe(leaks[0]);
    expect(leaks[0]!.total).toBe(2);
    expect(leaks[0]!.byType).toEqual(
      new Map([
        ["example:resources/http#body", 1],
        ["example:resources/http#request", 1],
      ]),
    );
  });

  it("trap with StaleHandleError when the guest uses a request the host deleted under it", async () => {
    const { app, host } = await start();
    await app.open("https://a");
    const handle = app.resources.request.handleOf(host.requests[0]!)!;
    app.resources.request.delete(handle);
    expect(host.log).toEqual(["dispose https://a"]);
    const cause = await trapCause(app.url());
    expect(cause).toBeInstanceOf(StaleHandleError);
    expect(cause).toMatchObject({ handle, resourceType: "example:resources/http#request" });
    expect(host.log).toEqual(["dispose https://a"]);
  });

  it("keep a request the guest sends to the host until the host deletes it; disposal reports the rest", async () => {
    const { app, host, leaks } = await start();
    await app.open("https://deleted");
    expect(await app.send()).toBe(200);
    await app.open("https://kept");
    expect(await app.send()).toBe(200);
    await app.open("http://refused");
    const refused = await rejection(app.send());
    expect(refused).toMatchObject({ name: "ResultError", payload: "insecure url" });
    expect(host.sent.map((req) => req.url())).toEqual([
      "https://deleted",
      "https://kept",
      "http://refused",
    ]);
    // The guest no longer holds them: the host owns all three.
    expect(app.resources.request.count).toBe(3);
    app.resources.request.delete(host.sent[0]!);
    expect(host.log).toEqual(["dispose https://deleted"]);
    await app[Symbol.asyncDispose]();
    expect(host.log).toEqual([
      "dispose https://deleted",
      "dispose http://refused",
      "dispose https://kept",
    ]);
    expect(leaks.map((report) => [report.total, [...report.byType]])).toEqual([
      [2, [["example:resources/http#request", 2]]],
    ]);
  });

  it("enter a request the host gives the guest as `own`, and leave one it only lends out of the table", async () => {
    const { app, host } = await start();
    const lent = new HostRequest("https://lent", host.log);
    expect(await app.peek(lent)).toBe("https://lent");
    expect(app.resources.request.has(lent)).toBe(false);
    const given = new HostRequest("https://given", host.log);
    const handle = app.resources.request.push(given);
    expect(await app.take(given)).toBe("https://given");
    expect(app.resources.request.handleOf(given)).toBe(handle);
    expect(await app.url()).toBe("https://given");
    await app.dropRequest();
    expect(host.log).toEqual(["dispose https://given"]);
    expect(app.resources.size).toBe(0);
  });

  it("refuse to delete an entry the host lends to a running export call (ResourceLentError)", async () => {
    const { app, host } = await start();
    const attempts: unknown[] = [];
    // `url` runs while `peek` borrows the request: deleting it there is refused.
    class SelfDeleting extends HostRequest {
      override url(): string {
        try {
          app.resources.request.delete(this);
        } catch (error) {
          attempts.push(error);
        }
        return super.url();
      }
    }
    const request = new SelfDeleting("https://lent", host.log);
    app.resources.request.push(request);
    expect(await app.peek(request)).toBe("https://lent");
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toBeInstanceOf(ResourceLentError);
    expect(attempts[0]).toMatchObject({ lendCount: 1 });
    expect(host.log).toEqual([]);
    app.resources.request.delete(request);
    expect(host.log).toEqual(["dispose https://lent"]);
  });

  it("throw TableFullError past `resourceCapacity`; the table is left as it was", async () => {
    const { app, host } = await start({ resourceCapacity: 1 });
    expect(app.resources.table.capacity).toBe(1);
    await app.open("https://one");
    const cause = await trapCause(app.openBody());
    expect(cause).toBeInstanceOf(TableFullError);
    expect(cause).toMatchObject({ capacity: 1 });
    expect(app.resources.size).toBe(1);
    expect(host.log).toEqual([]);
  });
});

describe("an interface the host does not provide", () => {
  it("is named by its key in `imports`, not by the first function or class it lacks", async () => {
    for (const imports of [{}, () => ({}), { "example:resources/http": null }]) {
      const error = await rejection(
        instantiate({ imports, component: guest.component, getCoreModule: guest.getCoreModule }),
      );
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toBe(
        'the host did not provide "example:resources/http": `imports` has no object under that key',
      );
    }
  });
});
