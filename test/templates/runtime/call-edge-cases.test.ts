/**
 * Edge cases of export calls and the resources they pass, found by a read of `templates/runtime/export-calls.ts`
 * (with `guest-resources.ts`, `borrow.ts`, `host-resources.ts`) as a whole: a call the gate refuses gives back what it was to move or
 * enter, a restart between queueing and running refuses resources of the dead instance, a throwing deferred
 * destructor never decides a call, one call cannot pass a resource twice. One `describe` per case (numbered
 * as the review listed them), each driven through the runtime against a fake jco module as in
 * borrow-calls.test.ts and host-resources.test.ts. A guest export `slow` settles (or traps) when the test
 * says, so that later calls wait in the gate's queue; `callback` and `wait` call the host's `cb` import, so that
 * a test can run code inside an import handler.
 */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { guardDispose, lendCount } from "../../../templates/runtime/loans.js";
import { createCallGate } from "../../../templates/runtime/call-gate.js";
import {
  InstancePoisonedError,
  ReentranceError,
  ResourceDisposedError,
  ResourceLentError,
  TrapError,
} from "../../../templates/runtime/errors.js";
import {
  createHostResources,
  type HostResourcesBase,
  type ResourceTableView,
} from "../../../templates/runtime/host-resources.js";
import { fixedList, tuple } from "../../../templates/runtime/compound-types.js";
import { u32 } from "../../../templates/runtime/leaf-types.js";
import { type ValueType } from "../../../templates/runtime/value-types.js";
import {
  createInstanceCore,
  startInstance,
  type ComponentModule,
  type InstanceCore,
} from "../../../templates/runtime/instance-core.js";
import {
  borrow,
  GuestResource,
  hostResource,
  own,
} from "../../../templates/runtime/guest-resources.js";
import { guestResource } from "../../../templates/runtime/guest-resource-classes.js";
import {
  callExport,
  callMethod,
  exportSpec,
  type ExportSpec,
} from "../../../templates/runtime/export-calls.js";
import {
  adaptImport,
  hostResourceClass,
  importSpec,
} from "../../../templates/runtime/import-adapters.js";
import { rejection, thrown } from "../../support/outcomes.js";

type Log = string[];

/** A host resource whose destructor is wrapped by `guardDispose`, as a host class may do it itself. */
class HostThing {
  constructor(
    readonly id: string,
    readonly log: Log,
    readonly failure?: Error,
  ) {}
  [Symbol.dispose] = guardDispose<HostThing>("host-thing", function (this: HostThing) {
    this.log.push(`dispose ${this.id}`);
    if (this.failure !== undefined) throw this.failure;
  });
}

const hostThingType = hostResource("t:t/api#host-thing");

class GuestThing extends GuestResource {}
const guestThingType = guestResource("t:t/api#thing", GuestThing);

interface Resources extends HostResourcesBase {
  readonly thing: ResourceTableView<HostThing>;
}

/** Lets microtasks and one macrotask turn run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 5));
}

/** Errors the runtime reports through `queueMicrotask` (as uncaught errors), captured while a test runs. */
const reported: unknown[] = [];
const originalQueueMicrotask = globalThis.queueMicrotask;
globalThis.queueMicrotask = (callback: () => void): void =>
  originalQueueMicrotask(() => {
    try {
      callback();
    } catch (error) {
      reported.push(error);
    }
  });

/** Unhandled rejections seen while a test runs (vitest fails the run on them as well). */
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
process.on("unhandledRejection", onUnhandled);

afterEach(() => {
  reported.length = 0;
  unhandled.length = 0;
});

afterAll(() => {
  globalThis.queueMicrotask = originalQueueMicrotask;
  process.off("unhandledRejection", onUnhandled);
});

/**
 * One instance with a host resource `host-thing` (entered in `resources.thing`) and a guest resource
 * `thing`. Every export but `slow`, `callback` and `wait` records the arguments jco got and returns 42.
 */
async function world(options: { restart?: boolean; asyncImports?: string[] } = {}) {
  const log: Log = [];
  const drops: string[] = [];
  const seen: unknown[][] = [];
  const hooks: { cb: () => unknown } = { cb: () => undefined };
  let finishSlow: () => void = () => {};
  let failSlow: (error: Error) => void = () => {};
  let finishWait: () => void = () => {};
  let instances = 0;
  const component: ComponentModule = {
    instantiate(_getCoreModule, imports) {
      instances++;
      const host = (imports as Record<string, Record<string, (...args: unknown[]) => unknown>>)[
        "t:t/host"
      ]!;
      const record = (...args: unknown[]): number => {
        seen.push(args);
        return 42;
      };
      return Promise.resolve({
        api: {
          slow: () =>
            new Promise<void>((resolve, reject) => {
              finishSlow = resolve;
              failSlow = reject;
            }),
          callback: () => host["cb"]!(),
          wait: () => {
            host["cb"]!();
            return new Promise<void>((resolve) => (finishWait = resolve));
          },
          f: record,
        },
      });
    },
  };
  const core: InstanceCore = await createInstanceCore({
    component,
    restart: options.restart,
    asyncImports: options.asyncImports,
  });
  const resources = createHostResources<Resources>(core, { thing: hostThingType });
  const Adapter = hostResourceClass(core, hostThingType, HostThing);
  const host = { cb: () => hooks.cb() };
  await startInstance(core, undefined, {
    "t:t/api": { HostThing: Adapter },
    "t:t/host": {
      cb: adaptImport(core, importSpec({ name: "t:t/host#cb", member: "cb" }), host),
    },
  });
  const make = (id: string): GuestThing =>
    own(guestThingType).lift(
      { id, consume: () => 7, [Symbol.dispose]: () => drops.push(`drop ${id}`) },
      core,
    ) as GuestThing;
  const spec = (params: Readonly<Record<string, ValueType>>): ExportSpec<number> =>
    exportSpec<number>({ name: "f", path: ["api", "f"], params, returns: u32 });
  return {
    core,
    resources,
    log,
    drops,
    seen,
    hooks,
    make,
    spec,
    instances: () => instances,
    hostThing: (id: string, failure?: Error) => new HostThing(id, log, failure),
    slow: () => callExport(core, exportSpec<void>({ name: "slow", path: ["api", "slow"] }), []),
    callback: () =>
      callExport(core, exportSpec<void>({ name: "callback", path: ["api", "callback"] }), []),
    wait: () => callExport(core, exportSpec<void>({ name: "wait", path: ["api", "wait"] }), []),
    finishSlow: () => finishSlow(),
    failSlow: (error: Error) => failSlow(error),
    finishWait: () => finishWait(),
  };
}

describe("1. a host destructor that throws after a call lent its object", () => {
  it("does not fail or poison the call: `using r = new Thing(); return sdk.f(r)` queued behind a running call", async () => {
    const w = await world();
    const boom = new Error("destructor failed");
    const slow = w.slow();
    const call = ((): Promise<number> => {
      const thing = w.hostThing("r", boom);
      try {
        return callExport(w.core, w.spec({ a: borrow(hostThingType) }), [thing]);
      } finally {
        thing[Symbol.dispose]();
      }
    })();
    expect(w.log).toEqual([]);
    w.finishSlow();
    await slow;
    expect(await call).toBe(42);
    await settle();
    expect(w.log).toEqual(["dispose r"]);
    expect(w.core.gate.poisoned).toBe(false);
    expect(reported).toEqual([boom]);
    expect(unhandled).toEqual([]);
  });

  it("is reported, not an unhandled rejection, when the gate refuses the queued call", async () => {
    const w = await world();
    const boom = new Error("destructor failed");
    const slow = w.slow();
    const call = ((): Promise<number> => {
      const thing = w.hostThing("r", boom);
      try {
        return callExport(w.core, w.spec({ a: borrow(hostThingType) }), [thing]);
      } finally {
        thing[Symbol.dispose]();
      }
    })();
    w.failSlow(new Error("trap"));
    expect(await rejection(slow)).toBeInstanceOf(TrapError);
    expect(await rejection(call)).toBeInstanceOf(InstancePoisonedError);
    await settle();
    expect(w.log).toEqual(["dispose r"]);
    expect(reported).toEqual([boom]);
    expect(unhandled).toEqual([]);
  });

  it("does not stop the other loans of the call from ending and their disposals from running", async () => {
    const w = await world();
    const boom = new Error("destructor failed");
    const slow = w.slow();
    const first = w.hostThing("first", boom);
    const second = w.hostThing("second");
    const call = ((): Promise<number> => {
      try {
        return callExport(w.core, w.spec({ a: borrow(hostThingType), b: borrow(hostThingType) }), [
          first,
          second,
        ]);
      } finally {
        first[Symbol.dispose]();
        second[Symbol.dispose]();
      }
    })();
    w.finishSlow();
    await slow;
    expect(await call).toBe(42);
    await settle();
    expect(w.log).toEqual(["dispose first", "dispose second"]);
    expect([lendCount(first), lendCount(second)]).toEqual([0, 0]);
    expect(reported).toEqual([boom]);
  });
});

describe("4. a host `own` argument of a call that does not run", () => {
  it("is not left in the resource table when a later argument fails lowering", async () => {
    const w = await world();
    const thing = w.hostThing("t");
    const error = await rejection(
      callExport(w.core, w.spec({ a: own(hostThingType), b: u32 }), [thing, -1]),
    );
    expect(error).toBeInstanceOf(RangeError);
    expect(w.resources.thing.count).toBe(0);
    expect(w.resources.thing.handleOf(thing)).toBeUndefined();
    w.resources.thing.push(thing);
    expect(w.resources.thing.count).toBe(1);
  });

  it("is taken out of the table again when the gate refuses the call, and stays when the host had entered it", async () => {
    const w = await world();
    const slow = w.slow();
    w.failSlow(new Error("trap"));
    await rejection(slow);
    const fresh = w.hostThing("fresh");
    const pushed = w.hostThing("pushed");
    const handle = w.resources.thing.push(pushed);
    const call = callExport(w.core, w.spec({ a: own(hostThingType), b: own(hostThingType) }), [
      fresh,
      pushed,
    ]);
    expect(await rejection(call)).toBeInstanceOf(InstancePoisonedError);
    expect(w.resources.thing.count).toBe(1);
    expect(w.resources.thing.handleOf(fresh)).toBeUndefined();
    expect(w.resources.thing.handleOf(pushed)).toBe(handle);
    expect(w.log).toEqual([]);
  });

  it("is entered when the call runs", async () => {
    const w = await world();
    const thing = w.hostThing("t");
    expect(await callExport(w.core, w.spec({ a: own(hostThingType) }), [thing])).toBe(42);
    expect(w.resources.thing.count).toBe(1);
    expect(w.resources.thing.handleOf(thing)).toBeDefined();
  });
});

describe("5. a guest resource passed as `own` to a call the gate refuses", () => {
  it("stays live: a retry outside the import handler moves it", async () => {
    const w = await world();
    const thing = w.make("r");
    const consume = w.spec({ a: own(guestThingType) });
    let refused: Promise<number> | undefined;
    w.hooks.cb = () => {
      refused = callExport(w.core, consume, [thing]);
    };
    await w.callback();
    expect(await rejection(refused!)).toBeInstanceOf(ReentranceError);
    expect(await callExport(w.core, consume, [thing])).toBe(42);
    expect(w.seen).toHaveLength(1);
    expect(await rejection(callExport(w.core, consume, [thing]))).toBeInstanceOf(
      ResourceDisposedError,
    );
  });
});

describe("3. resource arguments of a call queued across a restart", () => {
  for (const kind of ["own", "borrow"] as const) {
    it(`refuse a \`${kind}\` argument of the dead instance with ResourceDisposedError, without poisoning`, async () => {
      const w = await world({ restart: true });
      const thing = w.make("r");
      const slow = w.slow();
      const call = callExport(
        w.core,
        w.spec({ a: kind === "own" ? own(guestThingType) : borrow(guestThingType) }),
        [thing],
      );
      w.failSlow(new Error("trap"));
      expect(await rejection(slow)).toBeInstanceOf(TrapError);
      expect(await rejection(call)).toBeInstanceOf(ResourceDisposedError);
      expect(w.instances()).toBe(2);
      expect(w.seen).toEqual([]);
      expect(w.core.gate.poisoned).toBe(false);
      expect(lendCount(thing)).toBe(0);
    });
  }
});

describe("2. a guest resource drop queued before a restart", () => {
  it("is forgotten instead of running against the new instance", async () => {
    const w = await world({ restart: true });
    const thing = w.make("r");
    const slow = w.slow();
    thing[Symbol.dispose]();
    w.failSlow(new Error("trap"));
    await rejection(slow);
    expect(await callExport(w.core, w.spec({}), [])).toBe(42);
    await settle();
    expect(w.instances()).toBe(2);
    expect(w.drops).toEqual([]);
  });
});

describe("9. promises that the runtime refuses", () => {
  it("a synchronous import handler's promise is refused with a TypeError and cannot reject unhandled", async () => {
    const w = await world();
    const late = new Error("late");
    const cb = adaptImport(w.core, importSpec({ name: "t:t/host#cb", member: "cb" }), {
      cb: () => Promise.reject(late),
    });
    const error = thrown(() => cb()) as TypeError;
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain("returned a promise");
    await settle();
    expect(unhandled).toEqual([]);
  });

  it("jco's promise, when a synchronous instantiation did not happen, cannot reject unhandled", async () => {
    let calls = 0;
    const component: ComponentModule = {
      instantiate(getCoreModule, _imports, instantiateCore) {
        calls++;
        if (calls === 1) {
          getCoreModule!("a.core.wasm");
          instantiateCore!({}, {});
        }
        return Promise.reject(new Error("async after all"));
      },
    };
    const core = await createInstanceCore(
      { component, getCoreModule: () => ({}) },
      { synchronous: true },
    );
    const error = await rejection(startInstance(core));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe("jco did not instantiate the component synchronously");
    await settle();
    expect(unhandled).toEqual([]);
  });
});

describe("10. arrays of the wrong length", () => {
  it("are a RangeError naming the path, with the counts spelled right, for tuples and fixed-length lists", async () => {
    const w = await world();
    const context = { core: w.core, moves: [] };
    const cases: [ValueType, unknown[], string][] = [
      [
        tuple([u32, u32, u32]),
        [1],
        "`v` must be an array of 3 elements (tuple<u32, u32, u32>), got 1 element",
      ],
      [tuple([u32]), [1, 2], "`v` must be an array of 1 element (tuple<u32>), got 2 elements"],
      [fixedList(u32, 1), [], "`v` must be an array of 1 element (list<u32, 1>), got 0 elements"],
      [
        fixedList(u32, 2),
        [1, 2, 3],
        "`v` must be an array of 2 elements (list<u32, 2>), got 3 elements",
      ],
    ];
    for (const [type, value, message] of cases) {
      const error = thrown(() => type.lower(value, "v", context)) as Error;
      expect(error).toBeInstanceOf(RangeError);
      expect(error.message).toBe(message);
    }
  });
});

describe("8. one resource passed twice in one call", () => {
  it("refuses a guest resource as `own` twice, or as `own` and `borrow`, and leaves it live", async () => {
    const w = await world();
    const thing = w.make("s");
    const cases: [Readonly<Record<string, ValueType>>, string][] = [
      [
        { a: own(guestThingType), b: own(guestThingType) },
        "`b` is a `t:t/api#thing` that this call already moves (`own`)",
      ],
      [
        { a: borrow(guestThingType), b: own(guestThingType) },
        "`b` is a `t:t/api#thing` that this call also borrows",
      ],
      [
        { a: own(guestThingType), b: borrow(guestThingType) },
        "`b` is a `t:t/api#thing` that this call moves (`own`)",
      ],
    ];
    for (const [params, message] of cases) {
      const error = (await rejection(callExport(w.core, w.spec(params), [thing, thing]))) as Error;
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toContain(message);
    }
    expect(lendCount(thing)).toBe(0);
    expect(
      await callExport(w.core, w.spec({ a: borrow(guestThingType), b: borrow(guestThingType) }), [
        thing,
        thing,
      ]),
    ).toBe(42);
    expect(await callExport(w.core, w.spec({ a: own(guestThingType) }), [thing])).toBe(42);
    expect(w.seen).toHaveLength(2);
  });

  it("refuses a method's own resource as its `own` argument (`r.consume(r)`)", async () => {
    const w = await world();
    const thing = w.make("r");
    const consume = exportSpec<number>({
      name: "[method]thing.consume",
      path: ["consume"],
      kind: "method",
      params: { other: own(guestThingType) },
    });
    const error = (await rejection(callMethod(thing, consume, [thing]))) as Error;
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain("`other` is a `t:t/api#thing` that this call also borrows");
    expect(lendCount(thing)).toBe(0);
  });

  it("refuses a host resource as `own` twice, or as `own` and `borrow`, entering nothing", async () => {
    const w = await world();
    const thing = w.hostThing("h");
    const cases: [Readonly<Record<string, ValueType>>, string][] = [
      [
        { a: own(hostThingType), b: own(hostThingType) },
        "`b` is a `t:t/api#host-thing` that this call already moves (`own`)",
      ],
      [
        { a: borrow(hostThingType), b: own(hostThingType) },
        "`b` is a `t:t/api#host-thing` that this call also borrows",
      ],
      [
        { a: own(hostThingType), b: borrow(hostThingType) },
        "`b` is a `t:t/api#host-thing` that this call moves (`own`)",
      ],
    ];
    for (const [params, message] of cases) {
      const error = (await rejection(callExport(w.core, w.spec(params), [thing, thing]))) as Error;
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toContain(message);
    }
    expect([lendCount(thing), w.resources.thing.count]).toEqual([0, 0]);
    expect(
      await callExport(w.core, w.spec({ a: borrow(hostThingType), b: borrow(hostThingType) }), [
        thing,
        thing,
      ]),
    ).toBe(42);
  });
});

describe("6. a guest drop refused inside an import handler", () => {
  it("runs once the call in flight has settled, also when that call is asynchronous", async () => {
    const w = await world();
    const thing = w.make("r");
    w.hooks.cb = () => thing[Symbol.dispose]();
    const wait = w.wait();
    await settle();
    expect(w.drops).toEqual([]);
    w.finishWait();
    await wait;
    await settle();
    expect(w.drops).toEqual(["drop r"]);
  });
});

describe("7. the table lend of a host entry borrowed by an awaited (JSPI) import", () => {
  it("lasts until the handler's promise settles", async () => {
    const w = await world({ asyncImports: ["t:t/host#read"] });
    const thing = w.hostThing("t");
    w.resources.thing.push(thing);
    const adapter = own(hostThingType).lower(thing, "t", { core: w.core, moves: [] }) as object;
    let finish: () => void = () => {};
    const read = adaptImport(
      w.core,
      importSpec({
        name: "t:t/host#read",
        member: "read",
        params: [borrow(hostThingType)],
        paramNames: ["thing"],
      }),
      {
        read: (handle: { drop(): void }) => {
          handle.drop();
          return new Promise<void>((resolve) => (finish = resolve));
        },
      },
    );
    const pending = read(adapter) as Promise<unknown>;
    expect(thrown(() => w.resources.thing.delete(thing))).toBeInstanceOf(ResourceLentError);
    finish();
    expect(await pending).toBeUndefined();
    w.resources.thing.delete(thing);
    expect(w.log).toEqual(["dispose t"]);
  });
});

describe("6. the gate's afterCurrentCall hook", () => {
  it("runs at once when no call is in flight, else after the call in flight settled, its calls queued in order", async () => {
    const gate = createCallGate();
    const log: string[] = [];
    gate.afterCurrentCall(() => log.push("idle hook"));
    expect(log).toEqual(["idle hook"]);
    let finish: () => void = () => {};
    const first = gate.call("first", () => new Promise<void>((resolve) => (finish = resolve)));
    const queued = gate.call("queued", () => log.push("queued"));
    gate.afterCurrentCall(() => {
      log.push("hook");
      void gate.call("from hook", () => log.push("from hook"));
    });
    await settle();
    expect(log).toEqual(["idle hook"]);
    finish();
    await first;
    await queued;
    await settle();
    expect(log).toEqual(["idle hook", "queued", "hook", "from hook"]);
  });
});
