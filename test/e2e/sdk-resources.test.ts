/**
 * End to end, resources and the call gate: a componentize-js guest for wit-samples/resources, driven
 * through the generated SDK. The host implements `request` and `body` (created by the guest, returned to
 * the host, lent to it, disposed by it); the guest implements `counter` (created, borrowed, moved and
 * disposed by the host). Also the gate's guarantees on a real guest: a call from inside an import is
 * refused with `ReentranceError` (through jco alone the nested call runs and kills the instance), a host
 * import that throws poisons the instance, and `restart` brings it back.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  InstancePoisonedError,
  ReentranceError,
  ResourceDisposedError,
  ResultError,
  TrapError,
} from "../../templates/runtime/errors.js";
import type { BorrowHandle } from "../../templates/runtime/borrow.js";
import { readFixture } from "./support/fixtures.js";
import { removeTempDirs } from "./support/temp-dirs.js";
import { loadGuest, rejection, type LoadedGuest } from "./fixtures/sdk-support/sdk.js";

const WIT = readFileSync(
  new URL("../../wit-samples/resources/resources.wit", import.meta.url),
  "utf8",
);

interface Counter extends Disposable {
  increment(by: number): Promise<number>;
  value(): Promise<number>;
}

interface Instance extends AsyncDisposable {
  readonly store: {
    peek(c: Counter): Promise<number>;
    consume(c: Counter): Promise<number>;
    readonly Counter: {
      create(start: number): Promise<Counter>;
      merge(a: Counter, b: Counter): Promise<Counter>;
    };
  };
  fetch(url: string): Promise<number>;
  readonly poisoned: boolean;
}

type Instantiate = (options: object) => Promise<Instance>;

/** What the host sees of the guest's use of its resources. */
class HostLog {
  readonly events: string[] = [];
  readonly requests: HostRequest[] = [];
  readonly inspected: unknown[] = [];
  /** Called from inside `inspect`, while `fetch` runs. */
  duringInspect: (() => void) | undefined;
}

class HostBody {
  readonly bytes: number[] = [];
  constructor(private readonly log: HostLog) {}
  write(chunk: Uint8Array): void {
    this.bytes.push(...chunk);
  }
  size(): bigint {
    return BigInt(this.bytes.length);
  }
  [Symbol.dispose](): void {
    this.log.events.push("body disposed");
  }
}

class HostRequest {
  body_: HostBody | undefined;
  constructor(
    readonly target: string,
    readonly log: HostLog,
  ) {
    log.requests.push(this);
  }
  url(): string {
    return this.target;
  }
  body(): HostBody {
    return (this.body_ ??= new HostBody(this.log));
  }
}

/** What a handler sees through a borrow handle: the host request's class and `url()`, run on the request. */
function viewed(req: BorrowHandle<HostRequest>): string {
  const view = req.get();
  return `${view instanceof HostRequest ? "HostRequest" : "?"} ${view.url()}`;
}

/** The host's `example:resources/http`, for the SDK: `Request` is a class bound to one log. */
function httpImports(log: HostLog) {
  return {
    Request: class extends HostRequest {
      constructor(url: string) {
        super(url, log);
      }
      static send(req: HostRequest): number {
        log.events.push(`send ${req.url()}`);
        if (!req.url().startsWith("https:")) throw new ResultError("insecure url");
        return 200;
      }
    },
    // Borrows arrive as explicit handles (issue #5), whose views stand for the host's own objects.
    inspect(req: BorrowHandle<HostRequest>): string {
      log.inspected.push(viewed(req));
      log.duringInspect?.();
      req.drop();
      return "seen";
    },
    inspectAll(reqs: BorrowHandle<HostRequest>[]): number {
      log.inspected.push(reqs.map(viewed));
      for (const req of reqs) req.drop();
      return reqs.length;
    },
  };
}

let guest: LoadedGuest;
let instantiate: Instantiate;
const instances: Instance[] = [];

async function start(log: HostLog, extra: object = {}): Promise<Instance> {
  const app = await instantiate({
    imports: { "example:resources/http": httpImports(log) },
    component: guest.component,
    getCoreModule: guest.getCoreModule,
    ...extra,
  });
  instances.push(app);
  return app;
}

beforeAll(async () => {
  guest = await loadGuest({
    name: "sdk-resources",
    wit: WIT,
    world: "resources",
    js: readFixture("sdk-resources/guest.js"),
  });
  instantiate = guest.sdk["instantiate"] as Instantiate;
});

afterAll(async () => {
  for (const app of instances) await app[Symbol.asyncDispose]();
  await removeTempDirs();
});

describe("host resources (imported)", () => {
  it("are constructed by the guest, used, lent back and disposed, as the host's own objects", async () => {
    const log = new HostLog();
    const app = await start(log);
    expect(await app.fetch("https://example.com")).toBe(200);
    expect(log.requests).toHaveLength(1);
    const [request] = log.requests;
    expect(request!.body_!.bytes).toEqual([1, 2, 3]);
    // A borrow arrives as a handle to the host's object, alone and in a list.
    const seen = "HostRequest https://example.com";
    expect(log.inspected).toEqual([seen, [seen, seen]]);
    expect(log.events).toEqual(["body disposed", "send https://example.com"]);
  });

  it("turn a ResultError thrown by a host static into the guest's `err`", async () => {
    const log = new HostLog();
    const app = await start(log);
    const error = await rejection(app.fetch("http://example.com"));
    expect(error).toBeInstanceOf(ResultError);
    expect(error).toMatchObject({ payload: "insecure url", functionName: "fetch" });
    expect(app.poisoned).toBe(false);
    expect(await app.fetch("https://ok")).toBe(200);
  });
});

describe("guest resources (exported)", () => {
  it("are created, called, borrowed and merged through the gate", async () => {
    const app = await start(new HostLog());
    const counter = await app.store.Counter.create(5);
    expect(await counter.increment(2)).toBe(7);
    expect(await counter.value()).toBe(7);
    expect(await app.store.peek(counter)).toBe(7);
    const other = await app.store.Counter.create(10);
    const merged = await app.store.Counter.merge(counter, other);
    expect(await merged.value()).toBe(17);
    // Borrowing left both usable.
    expect(await counter.value()).toBe(7);
    expect(await other.value()).toBe(10);
  });

  it("move into the guest when passed as `own`, and refuse use after that or after dispose", async () => {
    const app = await start(new HostLog());
    const counter = await app.store.Counter.create(3);
    expect(await app.store.consume(counter)).toBe(3);
    expect(await rejection(counter.value())).toBeInstanceOf(ResourceDisposedError);
    expect(await rejection(app.store.peek(counter))).toBeInstanceOf(ResourceDisposedError);
    const disposed = await app.store.Counter.create(4);
    disposed[Symbol.dispose]();
    disposed[Symbol.dispose]();
    const error = await rejection(disposed.increment(1));
    expect(error).toBeInstanceOf(ResourceDisposedError);
    expect((error as Error).message).toBe(
      "`example:resources/store#counter` used after it was disposed",
    );
    expect(app.poisoned).toBe(false);
    expect(await (await app.store.Counter.create(1)).value()).toBe(1);
  });

  it("belong to their instance: another instance and plain objects are refused before the call", async () => {
    const first = await start(new HostLog());
    const second = await start(new HostLog());
    const counter = await first.store.Counter.create(1);
    const foreign = await rejection(second.store.peek(counter));
    expect(foreign).toBeInstanceOf(TypeError);
    expect((foreign as Error).message).toBe(
      "`c` is a `example:resources/store#counter` of another instance",
    );
    const fake = await rejection(second.store.peek({} as Counter));
    expect((fake as Error).message).toBe(
      "`c` must be a `example:resources/store#counter` that this SDK returned, got [object Object]",
    );
    expect(second.poisoned).toBe(false);
  });
});

describe("the call gate on a real guest (issue #4)", () => {
  it("refuses a call into the instance from inside one of its imports; the outer call succeeds", async () => {
    const log = new HostLog();
    const app = await start(log);
    const counter = await app.store.Counter.create(1);
    let nested: Promise<number> | undefined;
    log.duringInspect = () => {
      nested = app.store.peek(counter);
      log.duringInspect = undefined;
    };
    expect(await app.fetch("https://a")).toBe(200);
    const error = await rejection(nested!);
    expect(error).toBeInstanceOf(ReentranceError);
    expect(error).toMatchObject({
      outerFunction: "fetch",
      innerFunction: "example:resources/store#peek",
      importName: "example:resources/http#inspect",
    });
    expect(app.poisoned).toBe(false);
    expect(await app.store.peek(counter)).toBe(1);
  });

  it("through jco alone, the same nested call enters the guest and kills the instance", async () => {
    class Body {
      write(): void {}
      size(): bigint {
        return 3n;
      }
    }
    class Request {
      constructor(readonly target: string) {}
      url(): string {
        return this.target;
      }
      body(): Body {
        return new Body();
      }
      static send(): number {
        return 200;
      }
    }
    let nested: unknown = "not called";
    const raw = (await guest.component.instantiate(guest.getCoreModule, {
      "example:resources/http": {
        Request,
        Body,
        inspect(): string {
          try {
            nested = store.peek(counter);
          } catch (error) {
            nested = error;
          }
          return "seen";
        },
        inspectAll: (reqs: unknown[]) => reqs.length,
      },
    })) as Record<string, unknown>;
    const store = raw["example:resources/store"] as {
      peek(c: object): number;
      Counter: new (n: number) => object;
    };
    const counter = new store.Counter(1);
    let outer: unknown;
    try {
      (raw["fetch"] as (url: string) => number)("https://a");
    } catch (error) {
      outer = error;
    }
    // No gate: the nested call entered the guest while it was running, and the guest trapped.
    expect((nested as Error).constructor.name).toBe("RuntimeError");
    expect((nested as Error).message).toBe("wasm trap: wasm `unreachable` instruction executed");
    expect(outer).toBeUndefined();
    expect(() => store.peek(counter)).toThrow("wasm trap: cannot enter component instance");
  });

  it("a host import that throws traps the call and poisons the instance", async () => {
    const log = new HostLog();
    const app = await start(log);
    const boom = new Error("boom");
    log.duringInspect = () => {
      throw boom;
    };
    const error = await rejection(app.fetch("https://a"));
    expect(error).toBeInstanceOf(TrapError);
    expect(error).toMatchObject({ functionName: "fetch", cause: boom });
    expect(app.poisoned).toBe(true);
    log.duringInspect = undefined;
    const refused = await rejection(app.fetch("https://a"));
    expect(refused).toBeInstanceOf(InstancePoisonedError);
    expect(refused).toMatchObject({ functionName: "fetch", trapFunctionName: "fetch" });
  });

  it("with `restart`, instantiates again before the next call; old guest resources are gone", async () => {
    const log = new HostLog();
    const app = await start(log, { restart: true });
    const before = await app.store.Counter.create(5);
    log.duringInspect = () => {
      log.duringInspect = undefined;
      throw new Error("once");
    };
    expect(await rejection(app.fetch("https://a"))).toBeInstanceOf(TrapError);
    expect(app.poisoned).toBe(true);
    expect(await app.fetch("https://b")).toBe(200);
    expect(app.poisoned).toBe(false);
    expect(await rejection(before.value())).toBeInstanceOf(ResourceDisposedError);
    expect(await (await app.store.Counter.create(2)).value()).toBe(2);
  });
});
