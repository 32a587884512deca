/**
 * The runtime helpers that generated SDKs call (`templates/runtime/`'s value types, instance core, export calls
 * and import adapters), against a fake jco module, so
 * that what no componentize-js guest can show is pinned too: conversions of resources nested in records,
 * lists and variants, the explicit `{ tag, val }` handed to jco for host `result`s, the checks on values a
 * host returns, synchronous instantiation for worlds that export `then`, and the preview2-shim defaults.
 * The real-guest behaviour is in test/e2e/sdk-*.test.ts.
 */
import { describe, expect, it } from "vitest";
import { ReentranceError, ResultError, TrapError } from "../../templates/runtime/errors.js";
import { wasm } from "../e2e/support/wasm.js";
import {
  fixedList,
  list,
  map,
  option,
  record,
  result,
  tuple,
  variant,
} from "../../templates/runtime/compound-types.js";
import { enumeration, s32, string, u32, u8List } from "../../templates/runtime/leaf-types.js";
import { type LowerContext, type ValueType } from "../../templates/runtime/value-types.js";
import {
  createInstanceCore,
  createWorldInstance,
  startInstance,
  wasiImport,
  type ComponentModule,
  type InstanceCore,
} from "../../templates/runtime/instance-core.js";
import {
  borrow,
  GuestResource,
  hostResource,
  own,
} from "../../templates/runtime/guest-resources.js";
import { guestResource } from "../../templates/runtime/guest-resource-classes.js";
import { callExport, exportSpec } from "../../templates/runtime/export-calls.js";
import {
  adaptImport,
  hostResourceClass,
  importSpec,
} from "../../templates/runtime/import-adapters.js";

/** A jco-like module whose `instantiate` returns `exports(imports)`. */
function fakeComponent(
  exports: (imports: Record<string, Record<string, unknown>>) => object,
): ComponentModule {
  return {
    instantiate(_getCoreModule, imports) {
      return Promise.resolve(exports(imports as Record<string, Record<string, unknown>>));
    },
  };
}

/** What jco throws for a `result` error: a class of its own per instance, with `payload`. */
class ComponentError extends Error {
  constructor(readonly payload: unknown) {
    super(typeof payload === "string" ? payload : `${String(payload)} (see error.payload)`);
  }
}

async function started(
  exports: (imports: Record<string, Record<string, unknown>>) => object,
  imports: Readonly<Record<string, object>> = {},
) {
  const core = await createInstanceCore({ component: fakeComponent(exports) });
  await startInstance(core, undefined, imports);
  return core;
}

function lowerError(type: ValueType, value: unknown, core: InstanceCore): unknown {
  try {
    type.lower(value, "v", { core, moves: [] });
  } catch (error) {
    return error;
  }
  return undefined;
}

class ThingResource extends GuestResource {}
const thingType = guestResource("t:t/api#thing", ThingResource);

describe("value types", () => {
  it("check containers element by element, naming the path", async () => {
    const core = await started(() => ({}));
    const point = record("point", { x: s32, y: s32 });
    const cases: [ValueType, unknown, string][] = [
      [
        list(point),
        [{ x: 1, y: 2 }, { x: 1 }],
        "`v[1].y` must be an s32 (an integer from -2147483648 to 2147483647), got undefined",
      ],
      [
        tuple([u32, string]),
        [1],
        "`v` must be an array of 2 elements (tuple<u32, string>), got 1 element",
      ],
      [
        fixedList(u32, 2),
        [1, 2, 3],
        "`v` must be an array of 2 elements (list<u32, 2>), got 3 elements",
      ],
      [
        map(string, u32),
        new Map([["a", -1]]),
        '`v.get("a")` must be a u32 (an integer from 0 to 4294967295), got -1',
      ],
      [
        option(option(u32)),
        undefined,
        '`v` must be { tag: "some", val } or { tag: "none" } (option<option<u32>>), got undefined',
      ],
      [option(u32), null, "`v` must be a u32 (an integer from 0 to 4294967295), got null"],
      [result(u32, string), { tag: "err", val: 1 }, "`v.val` must be a string, got 1"],
      [
        variant("v", { a: undefined }),
        { tag: "b" },
        '`v.tag` must be one of the cases of variant `v` ("a"), got "b"',
      ],
      [enumeration("e", ["x-y"]), "x", '`v` must be one of the cases of enum `e` ("x-y"), got "x"'],
      [u8List, new Uint16Array(1), "`v` must be a Uint8Array (list<u8>), got [object Uint16Array]"],
    ];
    for (const [type, value, message] of cases) {
      expect((lowerError(type, value, core) as Error).message).toBe(message);
    }
  });

  it("pass values without handles through untouched, both ways", async () => {
    const core = await started(() => ({}));
    const value = [{ tag: "some", val: { x: 1 } }];
    const type = list(option(option(record("r", { x: u32 }))));
    expect(type.lower(value, "v", { core, moves: [] })).toBe(value);
    expect(type.lift(value, core)).toBe(value);
  });

  it("swap guest resources nested in records, lists, variants and results, and record the moves", async () => {
    const core = await started(() => ({}));
    const holder = record("holder", {
      things: list(own(thingType)),
      maybe: option(own(thingType)),
      n: u32,
    });
    const raws = [{ id: 1 }, { id: 2 }];
    const lifted = holder.lift({ things: raws, maybe: undefined, n: 3 }, core) as {
      things: ThingResource[];
      maybe: undefined;
      n: number;
    };
    expect(lifted.things.map((t) => t instanceof ThingResource)).toEqual([true, true]);
    expect(lifted.n).toBe(3);
    const context: LowerContext = { core, moves: [] };
    const lowered = holder.lower(
      { things: [lifted.things[1]], maybe: lifted.things[0], n: 4 },
      "h",
      context,
    );
    expect(lowered).toEqual({ things: [raws[1]], maybe: raws[0], n: 4 });
    expect(context.moves).toEqual([lifted.things[1], lifted.things[0]]);
    const shape = variant<{ tag: "one"; val: unknown } | { tag: "none" }>("s", {
      one: borrow(thingType),
      none: undefined,
    });
    const borrowed: LowerContext = { core, moves: [] };
    expect(shape.lower({ tag: "one", val: lifted.things[0] }, "s", borrowed)).toEqual({
      tag: "one",
      val: raws[0],
    });
    expect(borrowed.moves).toEqual([]);
    const liftedResult = result(tuple([own(thingType), u32]), undefined).lift(
      { tag: "ok", val: [{ id: 9 }, 1] },
      core,
    );
    expect((liftedResult as { val: [unknown, number] }).val[0]).toBeInstanceOf(ThingResource);
  });
});

describe("callExport", () => {
  it("reads the function from jco's exports at call time, and maps ComponentError to ResultError", async () => {
    const core = await started(() => ({
      "t:t/api": {
        div: (a: number, b: number) => {
          if (b === 0) throw new ComponentError("division by zero");
          return a / b;
        },
      },
    }));
    const spec = exportSpec<number>({
      name: "t:t/api#div",
      path: ["t:t/api", "div"],
      params: { a: u32, b: u32 },
      returns: result(u32, string),
    });
    expect(await callExport(core, spec, [6, 3])).toBe(2);
    const error = await callExport(core, spec, [1, 0]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ResultError);
    expect(error).toMatchObject({ payload: "division by zero", functionName: "t:t/api#div" });
    expect(core.gate.poisoned).toBe(false);
  });

  it("never lets the gate await a guest resource whose jco object has a `then` method", async () => {
    let thenCalls = 0;
    class RawThing {
      then(): number {
        return ++thenCalls;
      }
    }
    const core = await started(() => ({ "t:t/api": { Thing: RawThing } }));
    const create = exportSpec<ThingResource>({
      name: "t:t/api#[constructor]thing",
      path: ["t:t/api", "Thing"],
      kind: "constructor",
      returns: own(thingType),
    });
    expect(await callExport(core, create, [])).toBeInstanceOf(ThingResource);
    expect(thenCalls).toBe(0);
  });

  it("refuses bad arguments without calling, and treats anything else thrown as a trap", async () => {
    let calls = 0;
    const core = await started(() => ({
      f: () => {
        calls++;
        throw new Error("unreachable");
      },
    }));
    const spec = exportSpec<void>({ name: "f", path: ["f"], params: { n: u32 } });
    await expect(callExport(core, spec, [-1])).rejects.toThrow(RangeError);
    expect(calls).toBe(0);
    const trap = await callExport(core, spec, [1]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(trap).toBeInstanceOf(TrapError);
    expect(calls).toBe(1);
    expect(core.gate.poisoned).toBe(true);
  });
});

describe("host imports", () => {
  it("hand jco an explicit `{ tag, val }` for a `result` and check what the host returns", async () => {
    let jco: Record<string, Record<string, unknown>> = {};
    const core = await createInstanceCore({
      component: fakeComponent((imports) => {
        jco = imports;
        return {};
      }),
    });
    const fallible = importSpec({
      name: "t:t/host#f",
      member: "f",
      params: [u32],
      returns: result(u32, string),
    });
    const plain = importSpec({ name: "t:t/host#g", member: "g", returns: u32 });
    const host = {
      f(n: number): number {
        if (n === 0) throw new ResultError("zero");
        // A value that looks like a result must still arrive as the `ok` value.
        return n;
      },
      g: (): unknown => -1,
    };
    await startInstance(core, undefined, {
      host: { f: adaptImport(core, fallible, host), g: adaptImport(core, plain, host) },
    });
    const f = jco["host"]!["f"] as (n: number) => unknown;
    expect(f(2)).toEqual({ tag: "ok", val: 2 });
    expect(f(0)).toEqual({ tag: "err", val: "zero" });
    expect(() => (jco["host"]!["g"] as () => unknown)()).toThrow(
      "`t:t/host#g` returned an invalid value: `result` must be a u32 (an integer from 0 to 4294967295), got -1",
    );
    host.g = () => Promise.resolve(1);
    expect(() => (jco["host"]!["g"] as () => unknown)()).toThrow(
      "`t:t/host#g` returned a promise: jco calls host imports synchronously, so handlers must return a value",
    );
  });

  it("refuse at instantiation a host that lacks a function", async () => {
    const core = await createInstanceCore({ component: fakeComponent(() => ({})) });
    const spec = importSpec({ name: "t:t/host#log", member: "log" });
    expect(() => adaptImport(core, spec, {})).toThrow(
      "the host did not provide `t:t/host#log` (`log`)",
    );
    expect(() => adaptImport(core, spec, undefined)).toThrow(
      "the host did not provide the object that implements `t:t/host#log`",
    );
  });

  it("give jco one adapter class per resource that maps to and from the host's objects", async () => {
    const blobType = hostResource("t:t/host#blob");
    const events: string[] = [];
    class Blob {
      constructor(readonly n: number) {}
      size(): number {
        return this.n;
      }
      static join(a: Blob, b: Blob): Blob {
        return new Blob(a.n + b.n);
      }
      [Symbol.dispose](): void {
        events.push(`dispose ${this.n}`);
      }
    }
    const core = await createInstanceCore({ component: fakeComponent(() => ({})) });
    const Adapter = hostResourceClass(core, blobType, Blob, {
      create: importSpec({
        name: "t:t/host#[constructor]blob",
        member: "create",
        params: [u32],
        returns: own(blobType),
      }),
      methods: {
        size: importSpec({ name: "t:t/host#[method]blob.size", member: "size", returns: u32 }),
      },
      statics: {
        join: importSpec({
          name: "t:t/host#[static]blob.join",
          member: "join",
          params: [borrow(blobType), own(blobType)],
          returns: own(blobType),
        }),
      },
    }) as new (n: number) => { size(): number; [Symbol.dispose](): void };
    const statics = Adapter as unknown as { join(a: object, b: object): object };
    const a = new Adapter(2);
    const b = new Adapter(3);
    expect(a.size()).toBe(2);
    const joined = statics.join(a, b);
    expect(joined).toBeInstanceOf(Adapter);
    expect((joined as { size(): number }).size()).toBe(5);
    // The same host object always crosses as the same adapter, until the guest drops it.
    const blob = own(blobType);
    const host = blob.lift(joined, core);
    expect(host).toBeInstanceOf(Blob);
    expect(blob.lower(host, "b", { core, moves: [] })).toBe(joined);
    (joined as { [Symbol.dispose](): void })[Symbol.dispose]();
    expect(events).toEqual(["dispose 5"]);
    expect(blob.lower(host, "b", { core, moves: [] })).not.toBe(joined);
  });

  it("run handlers through the gate: a call back into the instance is refused", async () => {
    let reentered: Promise<unknown> | undefined;
    let jco: Record<string, Record<string, unknown>> = {};
    const core = await createInstanceCore({
      component: fakeComponent((imports) => {
        jco = imports;
        return { run: () => (jco["host"]!["cb"] as () => void)(), other: () => 1 };
      }),
    });
    const other = exportSpec<number>({ name: "other", path: ["other"] });
    const host = {
      cb(): void {
        reentered = callExport(core, other, []);
      },
    };
    await startInstance(core, undefined, {
      host: { cb: adaptImport(core, importSpec({ name: "cb", member: "cb" }), host) },
    });
    await callExport(core, exportSpec<void>({ name: "run", path: ["run"] }), []);
    await expect(reentered).rejects.toBeInstanceOf(ReentranceError);
    expect(await callExport(core, other, [])).toBe(1);
  });
});

describe("instances", () => {
  it("never resolve a promise with exports that are a thenable: worlds exporting `then`", async () => {
    const module = new wasm.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
    let thenCalls = 0;
    const asked: string[] = [];
    const component: ComponentModule = {
      // jco's order: every core module first, then the core instances, then the exports object.
      instantiate(getCoreModule, _imports, instantiateCore) {
        const core = getCoreModule!("x.core.wasm");
        instantiateCore!(core, {});
        return { then: () => thenCalls++, value: () => 42 };
      },
    };
    const core = await createInstanceCore(
      { component, getCoreModule: (name) => (asked.push(name), Promise.resolve(module)) },
      { synchronous: true },
    );
    await startInstance(core);
    expect(asked).toEqual(["x.core.wasm"]);
    expect(thenCalls).toBe(0);
    expect(await callExport(core, exportSpec<number>({ name: "value", path: ["value"] }), [])).toBe(
      42,
    );
    const withoutLoader = await createInstanceCore({ component }, { synchronous: true });
    await expect(startInstance(withoutLoader)).rejects.toThrow("pass `getCoreModule`");
  });

  it("expose `poisoned` and `[Symbol.asyncDispose]` on the world instance", async () => {
    const core = await started(() => ({
      boom: () => {
        throw new Error("trap");
      },
    }));
    const instance = createWorldInstance(core, { x: 1 });
    expect(instance.poisoned).toBe(false);
    await callExport(core, exportSpec<void>({ name: "boom", path: ["boom"] }), []).catch(
      () => undefined,
    );
    expect(instance.poisoned).toBe(true);
    await instance[Symbol.asyncDispose]();
    expect(core.gate.disposed).toBe(true);
  });

  it("default `wasi:*` imports to the interface of preview2-shim's package module", async () => {
    const environment = { getEnvironment: () => [] };
    const load = () => Promise.resolve({ environment, wallClock: {} });
    const given = { now: () => 1 };
    expect(
      await wasiImport({ "wasi:clocks/wall-clock": given }, "wasi:clocks/wall-clock", load),
    ).toBe(given);
    const imports: { "wasi:cli/environment@0.2.3"?: object } = {};
    expect(await wasiImport(imports, "wasi:cli/environment@0.2.3", load)).toBe(environment);
    await expect(wasiImport({ "wasi:cli/nope": undefined }, "wasi:cli/nope", load)).rejects.toThrow(
      "`wasi:cli/nope` was not provided and @bytecodealliance/preview2-shim has no default for it",
    );
  });

  it("find the interfaces the generated loaders import in the real preview2-shim", async () => {
    const cli = () => import("@bytecodealliance/preview2-shim/cli");
    const clocks = () => import("@bytecodealliance/preview2-shim/clocks");
    const environment = (await wasiImport(
      {},
      "wasi:cli/environment@0.2.3" as never,
      cli,
    )) as Record<string, unknown>;
    expect(typeof environment["getEnvironment"]).toBe("function");
    const wallClock = (await wasiImport(
      {},
      "wasi:clocks/wall-clock@0.2.3" as never,
      clocks,
    )) as Record<string, unknown>;
    expect(typeof wallClock["now"]).toBe("function");
  });
});
