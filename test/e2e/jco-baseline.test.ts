/**
 * Pins the jco 1.35 behaviours that wit-ts's generated host SDK relies on, by driving real components
 * through jco's raw instantiation-mode output: one componentize-js guest (fixtures/guest), one
 * hand-written WAT component (fixtures/adder) and dummy components built from fixtures/naming. Each
 * test states a fact that docs/jco-notes.md records; when jco changes, the failing test names the
 * fact that moved. Consumes the fixtures, produces only assertions (and temp dirs it removes).
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  COMPONENT_CACHE_DIR,
  buildComponent,
  componentFromWat,
  dummyComponent,
  importEntry,
  instantiateCoreSync,
  loadCoreModuleFactory,
  transpileInFreshProcess,
  transpileInstantiation,
  type GetCoreModule,
  type InstantiationModule,
  type TranspiledComponent,
} from "./support/components.js";
import { readFixture } from "./support/fixtures.js";
import { createTempDir, removeTempDirs } from "./support/temp-dirs.js";
import { wasm } from "./support/wasm.js";

const TRAP_UNREACHABLE = "wasm trap: wasm `unreachable` instruction executed";
const TRAP_CANNOT_ENTER = "wasm trap: cannot enter component instance";

/** Returns what `f` throws; fails the test if it returns. */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to throw");
}

/** Constructor name and message of a thrown value, for exact comparison. */
function describeError(err: unknown): { type: string; message: string } {
  if (err instanceof Error) return { type: err.constructor.name, message: err.message };
  return { type: typeof err, message: String(err) };
}

/** Wraps an import object so every top-level and second-level property read is logged. */
function recordReads<T extends object>(imports: T, reads: string[]): T {
  return new Proxy(imports, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof key !== "string") return value;
      reads.push(key);
      if (value === null || typeof value !== "object") return value;
      return new Proxy(value, {
        get(inner, innerKey, innerReceiver) {
          if (typeof innerKey === "string") reads.push(`${key}.${innerKey}`);
          return Reflect.get(inner, innerKey, innerReceiver);
        },
      });
    },
  });
}

afterAll(removeTempDirs);

// ---------------------------------------------------------------------------------------------------
// The componentize-js guest.

interface Counter {
  get(): number;
  increment(by: number): void;
  absorb(other: Counter): number;
  [Symbol.dispose](): void;
}
interface CounterClass {
  new (start: number): Counter;
  pair(a: number, b: number): Counter;
}
interface GuestApi {
  echo(s: string): string;
  movePoint(p: { x: number; y: number }, dx: number): { x: number; y: number };
  area(
    s:
      | { tag: "circle"; val: number }
      | { tag: "rect"; val: { x: number; y: number } }
      | { tag: "empty" },
  ): number;
  nextColor(c: string): string;
  toggle(p: { read?: boolean; write?: boolean; exec?: boolean }): {
    read: boolean;
    write: boolean;
    exec: boolean;
  };
  swap(p: [number, string]): [string, number];
  reverseBytes(b: Uint8Array | number[]): Uint8Array;
  doubleAll(l: Uint32Array | number[]): Uint32Array;
  maybeLen(s: string | undefined): number | undefined;
  nested(o: { tag: "some"; val: number | undefined } | { tag: "none" }): unknown;
  checkedDiv(a: number, b: number): number;
  big(a: bigint, b: bigint): bigint;
  charCode(c: string): number;
  logWith(l: object, msg: string): number;
  loggerInfo(l: object): string;
  newLogger(prefix: string): object;
  callReenter(x: number): number;
  callTry(mode: string): string;
  failHard(msg: string): void;
  Counter: CounterClass;
  consume(c: Counter): number;
  peek(c: Counter): number;
}
interface GuestLists {
  s8s(l: number[]): Int8Array;
  u16s(l: number[]): Uint16Array;
  s16s(l: number[]): Int16Array;
  s32s(l: number[]): Int32Array;
  u64s(l: bigint[]): BigUint64Array;
  s64s(l: bigint[]): BigInt64Array;
  f32s(l: number[]): Float32Array;
  f64s(l: number[]): Float64Array;
  bools(l: unknown[]): boolean[];
  chars(l: string[]): string[];
  strings(l: string[]): string[];
  results(l: number[]): unknown[];
  unitResult(ok: boolean): void;
  enumError(ok: boolean): string;
}
interface GuestExports {
  api: GuestApi;
  lists: GuestLists;
  add(a: number, b: number): number;
  blobSize(n: number): number;
  tempLogger(prefix: string): string;
  envProbe(): string[];
  perfNow(): number;
  "wit-ts:e2e/api@0.1.0": GuestApi;
  "wit-ts:e2e/lists@0.1.0": GuestLists;
}

const GUEST = {
  name: "e2e-guest",
  wit: readFixture("guest/guest.wit"),
  js: readFixture("guest/guest.js"),
  world: "guest",
} as const;

/** A fresh host for one guest instance: its own resource classes and event log. */
function createHost() {
  const events: string[] = [];
  const made: object[] = [];
  const seen: { described?: unknown } = {};
  const calls: { reenter: (x: number) => number; log: (msg: string) => void } = {
    reenter: (x) => x,
    log: (msg) => {
      events.push(`log ${msg}`);
    },
  };
  class Logger {
    readonly label: string;
    writes = 0;
    constructor(prefix: string) {
      this.label = prefix;
      events.push(`new Logger(${prefix})`);
    }
    write(msg: string): number {
      events.push(`${this.label}${msg}`);
      return ++this.writes;
    }
    prefix(): string {
      return this.label;
    }
    static make(prefix: string): Logger {
      const logger = new Logger(`made:${prefix}`);
      made.push(logger);
      return logger;
    }
    [Symbol.dispose](): void {
      events.push(`dispose ${this.label}`);
    }
  }
  class Blob {
    constructor(readonly n: number) {
      events.push(`new Blob(${n})`);
    }
    size(): number {
      return this.n * 2;
    }
  }
  const host = {
    log: (msg: string) => calls.log(msg),
    Logger,
    describe: (l: unknown) => {
      seen.described = l;
      return l instanceof Logger ? `Logger ${l.label}` : "not a Logger";
    },
    reenter: (x: number) => calls.reenter(x),
    tryThing: (mode: string): unknown => {
      switch (mode) {
        case "plain":
          return 7;
        case "ok-object":
          return { tag: "ok", val: 8 };
        case "err-object":
          return { tag: "err", val: "e1" };
        case "throw-payload":
          throw Object.assign(new Error("ignored message"), { payload: "e2" });
        case "throw-string":
          throw "e3";
        case "throw-error":
          throw new Error("e4");
        default:
          throw new Error(`unknown mode ${mode}`);
      }
    },
  };
  const imports = {
    "wit-ts:e2e/host": host,
    now: { default: () => 42n },
    blob: { default: Blob },
  };
  return { events, made, seen, calls, Logger, Blob, host, imports };
}

describe("componentize-js guest through raw jco (instantiation async)", () => {
  let transpiled: TranspiledComponent;
  let entry: InstantiationModule;
  let getCoreModule: GetCoreModule;
  let bytes: Uint8Array;

  beforeAll(async () => {
    bytes = await buildComponent(GUEST);
    transpiled = await transpileInstantiation(bytes, {
      name: "guest",
      outDir: await createTempDir("guest"),
    });
    entry = await importEntry(transpiled.entryPath);
    getCoreModule = loadCoreModuleFactory(transpiled.outDir);
  });

  async function instantiate(imports: object): Promise<GuestExports> {
    return (await entry.instantiate(getCoreModule, imports)) as GuestExports;
  }

  it("serves a repeated build from the on-disk cache", async () => {
    // componentize-js output is not byte-for-byte reproducible (the guest's clock is frozen at build
    // time), so identical bytes can only come from the cache.
    const again = await buildComponent(GUEST);
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
    const cached = (await readdir(COMPONENT_CACHE_DIR)).filter(
      (f) => f.startsWith("e2e-guest-") && f.endsWith(".wasm"),
    );
    expect(cached.length).toBeGreaterThanOrEqual(1);
  });

  it("writes one JS entry, one .d.ts per interface and three core modules", () => {
    expect(transpiled.files).toEqual([
      "guest.core.wasm",
      "guest.core2.wasm",
      "guest.core3.wasm",
      "guest.d.ts",
      "guest.js",
      "interfaces/wit-ts-e2e-api.d.ts",
      "interfaces/wit-ts-e2e-host.d.ts",
      "interfaces/wit-ts-e2e-lists.d.ts",
      "interfaces/wit-ts-e2e-types.d.ts",
    ]);
    expect(transpiled.imports).toEqual(["blob", "now", "wit-ts:e2e/host"]);
    expect(transpiled.exports).toEqual([
      ["api", "instance"],
      ["lists", "instance"],
      ["add", "function"],
      ["blobSize", "function"],
      ["envProbe", "function"],
      ["perfNow", "function"],
      ["tempLogger", "function"],
      ["wit-ts:e2e/api@0.1.0", "instance"],
      ["wit-ts:e2e/lists@0.1.0", "instance"],
    ]);
  });

  it("reads unversioned interface keys, and `.default` for world-level functions and resources", async () => {
    const reads: string[] = [];
    await instantiate(recordReads(createHost().imports, reads));
    expect([...reads].sort()).toEqual([
      "blob",
      "blob.default",
      "now",
      "now.default",
      "wit-ts:e2e/host",
      "wit-ts:e2e/host.Logger",
      "wit-ts:e2e/host.describe",
      "wit-ts:e2e/host.log",
      "wit-ts:e2e/host.reenter",
      "wit-ts:e2e/host.tryThing",
    ]);
  });

  it("fails to instantiate when only the versioned interface key is given", async () => {
    const { host } = createHost();
    const imports = {
      "wit-ts:e2e/host@0.1.0": host,
      now: { default: () => 0n },
      blob: { default: class {} },
    };
    await expect(instantiate(imports)).rejects.toThrow(TypeError);
  });

  it("declares versioned import keys and garbled world-resource keys in its .d.ts", async () => {
    const dts = await readFile(join(transpiled.outDir, "guest.d.ts"), "utf8");
    expect(dts).toContain("  'wit-ts:e2e/host@0.1.0': typeof WitTsE2eHost,\n");
    // A record-only interface is declared although jco never reads it.
    expect(dts).toContain("  'wit-ts:e2e/types@0.1.0': typeof WitTsE2eTypes,\n");
    expect(dts).not.toContain("'wit-ts:e2e/host':");
    // The world-level resource is declared under its canonical-ABI function names, with a class
    // declaration inside an interface body (not valid TypeScript); the JS reads `imports.blob.default`.
    expect(dts).toContain("  '[constructor]blob': {\n");
    expect(dts).toContain("  '[method]blob.size': {\n");
    expect(dts).not.toContain("  blob: {");
  });

  it("exports interface aliases first, then every export by name in sorted order", async () => {
    const inst = await instantiate(createHost().imports);
    expect(Object.keys(inst)).toEqual([
      "api",
      "lists",
      "add",
      "blobSize",
      "envProbe",
      "perfNow",
      "tempLogger",
      "wit-ts:e2e/api@0.1.0",
      "wit-ts:e2e/lists@0.1.0",
    ]);
    expect(inst.api).toBe(inst["wit-ts:e2e/api@0.1.0"]);
    expect(Object.keys(inst.api).sort()).toEqual([
      "Counter",
      "area",
      "big",
      "callReenter",
      "callTry",
      "charCode",
      "checkedDiv",
      "consume",
      "doubleAll",
      "echo",
      "failHard",
      "logWith",
      "loggerInfo",
      "maybeLen",
      "movePoint",
      "nested",
      "newLogger",
      "nextColor",
      "peek",
      "reverseBytes",
      "swap",
      "toggle",
    ]);
  });

  it("calls world-level imports and exports with plain numbers", async () => {
    const host = createHost();
    const inst = await instantiate(host.imports);
    expect(inst.add(2, 3)).toBe(5);
    expect(host.events).toEqual(["log add 2 3 at 42"]);
  });

  it("passes strings, records, variants, enums, flags and tuples as plain JS values", async () => {
    const { api } = await instantiate(createHost().imports);
    expect(api.echo("héllo 🌍")).toBe("héllo 🌍");
    expect(api.movePoint({ x: 1, y: 2 }, 3)).toEqual({ x: 4, y: 2 });
    expect(api.movePoint({ x: 1, y: 2, z: 9 } as { x: number; y: number }, 3)).toEqual({
      x: 4,
      y: 2,
    });
    expect(api.area({ tag: "circle", val: 2.5 })).toBe(2.5);
    expect(api.area({ tag: "rect", val: { x: 2, y: 3 } })).toBe(6);
    expect(api.area({ tag: "empty" })).toBe(0);
    expect(api.nextColor("green")).toBe("dark-blue");
    expect(describeError(thrown(() => api.nextColor("purple")))).toEqual({
      type: "TypeError",
      message: '"purple" is not one of the cases of color',
    });
    // Flags: an object of booleans; missing members are false, unknown members are ignored.
    expect(api.toggle({ read: true })).toEqual({
      read: false,
      write: true,
      exec: true,
    });
    expect(api.toggle({ read: true, bogus: true } as { read: boolean })).toEqual({
      read: false,
      write: true,
      exec: true,
    });
    expect(api.swap([7, "x"])).toEqual(["x", 7]);
    expect(api.charCode("🌍")).toBe(0x1f30d);
  });

  it("wraps out-of-range scalars silently but rejects a non-string where a string is due", async () => {
    const { api } = await instantiate(createHost().imports);
    expect(api.movePoint({ x: "3" as unknown as number, y: 1.7 }, 2 ** 32 + 1)).toEqual({
      x: 4,
      y: 1,
    });
    expect(describeError(thrown(() => api.echo(42 as unknown as string)))).toEqual({
      type: "TypeError",
      message: "expected a string, received [number]",
    });
  });

  it("returns typed arrays for numeric lists and plain arrays for the rest", async () => {
    const { api, lists } = await instantiate(createHost().imports);
    const bytes = api.reverseBytes(new Uint8Array([1, 2, 3]));
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect([...bytes]).toEqual([3, 2, 1]);
    expect(api.reverseBytes([1, 2, 3])).toBeInstanceOf(Uint8Array);
    expect(api.doubleAll([1, 2, 3])).toEqual(new Uint32Array([2, 4, 6]));
    expect(lists.u16s([1, 65535])).toEqual(new Uint16Array([1, 65535]));
    expect(lists.s16s([1, -1])).toEqual(new Int16Array([1, -1]));
    expect(lists.s32s([1, -1])).toEqual(new Int32Array([1, -1]));
    expect(lists.u64s([1n, 2n])).toEqual(new BigUint64Array([1n, 2n]));
    expect(lists.s64s([-1n])).toEqual(new BigInt64Array([-1n]));
    expect(lists.f32s([1.5, 0.1])).toEqual(new Float32Array([1.5, 0.1]));
    expect(lists.f64s([1.5, 0.1])).toEqual(new Float64Array([1.5, 0.1]));
    expect(lists.bools([true, false, 1])).toEqual([true, false, true]);
    expect(lists.chars(["a", "🌍"])).toEqual(["a", "🌍"]);
    // A char is lowered from the first code point of the string.
    expect(lists.chars(["ab"])).toEqual(["a"]);
    expect(lists.strings(["a", "bc"])).toEqual(["a", "bc"]);
    // Unlike scalar numbers, list elements are range-checked and u64 elements must be bigints.
    expect(describeError(thrown(() => lists.s8s([1, -2, 300])))).toEqual({
      type: "TypeError",
      message: "invalid s8 value [300]",
    });
    expect(describeError(thrown(() => lists.u64s([1, 2] as unknown as bigint[])))).toEqual({
      type: "TypeError",
      message: "invalid u64 value [1]",
    });
  });

  it("maps option to undefined, but nested options to { tag } objects on the outer level", async () => {
    const { api } = await instantiate(createHost().imports);
    expect(api.maybeLen("abcd")).toBe(4);
    expect(api.maybeLen(undefined)).toBe(undefined);
    expect(api.maybeLen(null as unknown as undefined)).toBe(undefined);
    expect(api.nested({ tag: "some", val: 5 })).toEqual({
      tag: "some",
      val: 5,
    });
    expect(api.nested({ tag: "some", val: undefined })).toEqual({
      tag: "some",
      val: undefined,
    });
    expect(api.nested({ tag: "none" })).toEqual({ tag: "none" });
    expect(describeError(thrown(() => api.nested(5 as never)))).toEqual({
      type: "TypeError",
      message: "invalid variant specified for option",
    });
  });

  it("returns the ok value of a top-level result and throws a per-instance ComponentError for err", async () => {
    const first = await instantiate(createHost().imports);
    const second = await instantiate(createHost().imports);
    expect(first.api.checkedDiv(7, 2)).toBe(3);
    const err = thrown(() => first.api.checkedDiv(7, 0)) as Error & {
      payload: unknown;
    };
    expect(err).toBeInstanceOf(Error);
    expect(err.constructor.name).toBe("ComponentError");
    expect(err.name).toBe("Error");
    expect(err.message).toBe("division by zero");
    expect(err.payload).toBe("division by zero");
    // A string payload is the message and a non-enumerable `payload`; any other payload is enumerable
    // and the message is `${String(payload)} (see error.payload)`.
    expect(Object.keys(err)).toEqual([]);
    const unit = thrown(() => first.lists.unitResult(false)) as Error & {
      payload: unknown;
    };
    expect(unit.message).toBe("undefined (see error.payload)");
    expect(Object.keys(unit)).toEqual(["payload"]);
    expect(unit.payload).toBe(undefined);
    expect((thrown(() => first.lists.enumError(false)) as { payload: unknown }).payload).toBe(
      "too-late",
    );
    expect(first.lists.enumError(true)).toBe("fine");
    // The class is created inside `instantiate`, so `instanceof` cannot recognise another instance's.
    const other = thrown(() => second.api.checkedDiv(1, 0)) as Error;
    expect(other.constructor).not.toBe(err.constructor);
    // Results below the top level are plain { tag, val } objects.
    expect(first.lists.results([1, 2])).toEqual([
      { tag: "err", val: "odd 1" },
      { tag: "ok", val: 2 },
    ]);
  });

  it("passes u64 and s64 as bigint, accepting a number argument for a scalar u64", async () => {
    const { api } = await instantiate(createHost().imports);
    expect(api.big(1n, -1n)).toBe(0n);
    expect(api.big(2n ** 64n - 1n, 0n)).toBe(18446744073709551615n);
    expect(api.big(1 as unknown as bigint, 2 as unknown as bigint)).toBe(3n);
  });

  it("exposes exported resources as per-instance classes with an own Symbol.dispose", async () => {
    const inst = await instantiate(createHost().imports);
    const { Counter } = inst.api;
    const counter = new Counter(5);
    expect(counter).toBeInstanceOf(Counter);
    expect(Object.getOwnPropertyNames(Counter.prototype)).toEqual([
      "constructor",
      "get",
      "increment",
      "absorb",
    ]);
    expect(Object.getOwnPropertyNames(Counter)).toEqual(["length", "name", "prototype", "pair"]);
    expect(Object.getOwnPropertySymbols(Counter.prototype)).toEqual([]);
    expect(Object.getOwnPropertySymbols(counter)).toContain(Symbol.dispose);
    counter.increment(3);
    expect(counter.get()).toBe(8);
    const pair = Counter.pair(1, 2);
    expect(pair).toBeInstanceOf(Counter);
    expect(counter.absorb(pair)).toBe(11);
    expect(inst.api.peek(counter)).toBe(11);
    // Passing `own` moves the handle: the JS object is dead afterwards.
    expect(inst.api.consume(pair)).toBe(3);
    const dead = {
      type: "TypeError",
      message: 'Resource error: Not a valid "Counter" resource.',
    };
    expect(describeError(thrown(() => pair.get()))).toEqual(dead);
    counter[Symbol.dispose]();
    expect(describeError(thrown(() => counter.get()))).toEqual(dead);
    expect(() => counter[Symbol.dispose]()).not.toThrow();
    expect(describeError(thrown(() => inst.api.peek({} as Counter)))).toEqual(dead);
    // Each instance has its own class; another instance's objects are rejected.
    const other = await instantiate(createHost().imports);
    expect(other.api.Counter).not.toBe(Counter);
    expect(describeError(thrown(() => other.api.peek(new Counter(1))))).toEqual(dead);
  });

  it("drives host resources through the host's class: new, statics, methods, Symbol.dispose", async () => {
    const host = createHost();
    const inst = await instantiate(host.imports);
    const logger = new host.Logger("p:");
    host.events.length = 0;
    expect(inst.api.logWith(logger, "hi")).toBe(1);
    expect(host.events).toEqual(["p:hi"]);
    // A borrow handed back to the host is the host's own object.
    expect(inst.api.loggerInfo(logger)).toBe("Logger p:|p:");
    expect(host.seen.described).toBe(logger);
    // An own<logger> created by the host's static and returned through the guest is the same object.
    const made = inst.api.newLogger("q");
    expect(made).toBe(host.made[0]);
    // The guest's constructor call becomes `new Logger(...)`; dropping its handle calls dispose.
    host.events.length = 0;
    expect(inst.tempLogger("t")).toBe("t|function");
    expect(host.events).toEqual(["new Logger(t)", "dispose t"]);
    // A world-level resource import is the class under `imports.<name>.default`.
    host.events.length = 0;
    expect(inst.blobSize(21)).toBe(42);
    expect(host.events).toEqual(["new Blob(21)"]);
  });

  it("rejects a host resource object that is not an instance of the supplied class", async () => {
    const host = createHost();
    const imports = {
      ...host.imports,
      "wit-ts:e2e/host": {
        ...host.host,
        Logger: class extends host.Logger {
          static override make() {
            return {} as never;
          }
        },
      },
    };
    const inst = await instantiate(imports);
    expect(describeError(thrown(() => inst.api.newLogger("z")))).toEqual({
      type: "TypeError",
      message: 'Resource error: Not a valid "Logger" resource.',
    });
    expect(describeError(thrown(() => inst.api.logWith({}, "x")))).toEqual({
      type: "TypeError",
      message: 'Resource error: Not a valid "Logger" resource.',
    });
  });

  it("reads a host import's result from its return value or from what it throws", async () => {
    const inst = await instantiate(createHost().imports);
    expect(inst.api.callTry("plain")).toBe("ok:7");
    expect(inst.api.callTry("ok-object")).toBe("ok:8");
    expect(inst.api.callTry("err-object")).toBe("err:e1");
    expect(inst.api.callTry("throw-payload")).toBe("err:e2");
    expect(inst.api.callTry("throw-string")).toBe("err:e3");
    // An Error without `payload` is not an `err`: it propagates out of the export unchanged.
    expect(describeError(thrown(() => inst.api.callTry("throw-error")))).toEqual({
      type: "Error",
      message: "e4",
    });
  });

  it("traps on a reentrant call from a host import, and the instance is dead afterwards", async () => {
    const host = createHost();
    const inst = await instantiate(host.imports);
    host.calls.reenter = (x) => inst.add(x, 1);
    expect(describeError(thrown(() => inst.api.callReenter(1)))).toEqual({
      type: "RuntimeError",
      message: TRAP_UNREACHABLE,
    });
    expect(describeError(thrown(() => inst.add(1, 1)))).toEqual({
      type: "RuntimeError",
      message: TRAP_CANNOT_ENTER,
    });
  });

  it("traps when the guest throws from a function without a result", async () => {
    const inst = await instantiate(createHost().imports);
    const err = thrown(() => inst.api.failHard("kaboom"));
    expect(err).toBeInstanceOf(wasm.RuntimeError);
    expect(describeError(err)).toEqual({
      type: "RuntimeError",
      message: TRAP_UNREACHABLE,
    });
    expect(describeError(thrown(() => inst.api.echo("x")))).toEqual({
      type: "RuntimeError",
      message: TRAP_CANNOT_ENTER,
    });
  });

  it("rethrows a host import's error as is, then the guest traps on its next call", async () => {
    const host = createHost();
    const inst = await instantiate(host.imports);
    const boom = new Error("host boom");
    host.calls.log = () => {
      throw boom;
    };
    expect(thrown(() => inst.add(1, 2))).toBe(boom);
    host.calls.log = () => {};
    // The guest's JS engine was unwound mid-call; it is not marked dead but cannot run again.
    expect(describeError(thrown(() => inst.add(1, 2)))).toEqual({
      type: "RuntimeError",
      message: TRAP_UNREACHABLE,
    });
    expect(describeError(thrown(() => inst.add(1, 2)))).toEqual({
      type: "RuntimeError",
      message: TRAP_CANNOT_ENTER,
    });
  });

  it("freezes randomness and the clock at build time when every WASI feature is disabled", async () => {
    const first = (await instantiate(createHost().imports)).envProbe();
    const second = (await instantiate(createHost().imports)).envProbe();
    // Same sequence in every instance: the values were fixed when the guest was built.
    expect(second).toEqual(first);
    const [random1, random2, date1, date2, cryptoBytes, consoleLog, fetchType] = first;
    expect(random1).not.toBe(random2);
    expect(date1).toBe(date2);
    expect(cryptoBytes).toMatch(/^crypto=\d+,\d+,\d+,\d+$/);
    expect([consoleLog, fetchType]).toEqual(["console=undefined", "fetch=function"]);
    const inst = await instantiate(createHost().imports);
    expect(describeError(thrown(() => inst.perfNow()))).toEqual({
      type: "RuntimeError",
      message: TRAP_UNREACHABLE,
    });
  });

  it("throws the bare payload when ComponentError wrapping is off (jco-transpile's own default)", async () => {
    const raw = await transpileInstantiation(bytes, {
      name: "guest",
      outDir: await createTempDir("guest-raw"),
      noComponentErrorWrapping: true,
      emitTypes: false,
    });
    const rawEntry = await importEntry(raw.entryPath);
    const inst = (await rawEntry.instantiate(
      loadCoreModuleFactory(raw.outDir),
      createHost().imports,
    )) as GuestExports;
    expect(thrown(() => inst.api.checkedDiv(1, 0))).toBe("division by zero");
    expect(raw.files.some((f) => f.endsWith(".d.ts"))).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------
// The hand-written WAT component.

interface AdderExports {
  add(a: number, b: number): number;
  trap(): void;
  reenter(x: number): number;
}

describe("WAT component (add, trap, reenter)", () => {
  let asyncEntry: InstantiationModule;
  let asyncCore: GetCoreModule;
  let syncEntry: InstantiationModule;
  let syncCore: GetCoreModule;
  let strictEntry: InstantiationModule;
  let strictCore: GetCoreModule;
  let asyncFiles: readonly string[];

  beforeAll(async () => {
    const bytes = await componentFromWat(
      readFixture("adder/adder.wat"),
      readFixture("adder/adder.wit"),
      "adder",
    );
    const asyncOut = await transpileInstantiation(bytes, {
      name: "adder",
      outDir: await createTempDir("adder"),
    });
    const syncOut = await transpileInstantiation(bytes, {
      name: "adder",
      outDir: await createTempDir("adder-sync"),
      instantiation: "sync",
    });
    const strictOut = await transpileInstantiation(bytes, {
      name: "adder",
      outDir: await createTempDir("adder-strict"),
      strict: true,
    });
    asyncFiles = asyncOut.files;
    [asyncEntry, syncEntry, strictEntry] = await Promise.all([
      importEntry(asyncOut.entryPath),
      importEntry(syncOut.entryPath),
      importEntry(strictOut.entryPath),
    ]);
    asyncCore = loadCoreModuleFactory(asyncOut.outDir);
    syncCore = loadCoreModuleFactory(syncOut.outDir);
    strictCore = loadCoreModuleFactory(strictOut.outDir);
  });

  /** Instantiates synchronously through the async-mode module (see the test below). */
  function adder(callback: (x: number) => number = (x) => x): AdderExports {
    return asyncEntry.instantiate(
      asyncCore,
      { callback: { default: callback } },
      instantiateCoreSync,
    ) as AdderExports;
  }

  it("keeps even a 162-byte core module in its own file in instantiation mode", () => {
    expect(asyncFiles).toEqual(["adder.core.wasm", "adder.d.ts", "adder.js"]);
  });

  it("async mode: instantiate returns a promise with the default instantiateCore", async () => {
    const pending = asyncEntry.instantiate(asyncCore, {
      callback: { default: (x: number) => x },
    });
    expect(pending).toBeInstanceOf(Promise);
    const inst = (await pending) as AdderExports;
    expect(inst.add(2, 3)).toBe(5);
  });

  it("async mode: instantiate returns the exports directly when both callbacks are synchronous", () => {
    const inst = adder();
    expect(inst).not.toBeInstanceOf(Promise);
    expect(inst.add(40, 2)).toBe(42);
  });

  it("sync mode: instantiate returns the exports, using new WebAssembly.Instance by default", () => {
    const inst = syncEntry.instantiate(syncCore, {
      callback: { default: (x: number) => x },
    }) as AdderExports;
    expect(inst).not.toBeInstanceOf(Promise);
    expect(inst.add(2, 3)).toBe(5);
  });

  it("wraps u32 arguments and import results silently, unless transpiled with strict", () => {
    const inst = adder(() => -1);
    expect(inst.add(-1, 0)).toBe(4294967295);
    expect(inst.add(4294967295, 2)).toBe(1);
    expect(inst.reenter(1)).toBe(4294967295);
    expect(adder(() => "abc" as unknown as number).reenter(1)).toBe(0);
    const strict = strictEntry.instantiate(
      strictCore,
      { callback: { default: (x: number) => x } },
      instantiateCoreSync,
    ) as AdderExports;
    expect(describeError(thrown(() => strict.add(-1, 0)))).toEqual(STRICT_U32_ERROR);
  });

  it("reads each import once, at instantiation: replacing it afterwards changes nothing", () => {
    const imports = { callback: { default: (x: number) => x + 1 } };
    const inst = asyncEntry.instantiate(asyncCore, imports, instantiateCoreSync) as AdderExports;
    imports.callback.default = (x: number) => x + 100;
    expect(inst.reenter(1)).toBe(2);
  });

  it("runs a reentrant call from a host import nested, and the instance stays usable", () => {
    const inst: AdderExports = adder((x) => inst.add(x, 1));
    expect(inst.reenter(5)).toBe(6);
    expect(inst.add(1, 1)).toBe(2);
  });

  it("reports a trap as RuntimeError, then refuses every later call; other instances are unaffected", () => {
    const inst = adder();
    const err = thrown(() => inst.trap());
    expect(err).toBeInstanceOf(wasm.RuntimeError);
    expect(describeError(err)).toEqual({
      type: "RuntimeError",
      message: TRAP_UNREACHABLE,
    });
    expect(describeError(thrown(() => inst.add(1, 2)))).toEqual({
      type: "RuntimeError",
      message: TRAP_CANNOT_ENTER,
    });
    expect(adder().add(1, 2)).toBe(3);
  });

  it("rethrows a host Error as is and keeps the instance; a host RuntimeError kills it", () => {
    const boom = new Error("host boom");
    const survivor = adder(() => {
      throw boom;
    });
    expect(thrown(() => survivor.reenter(1))).toBe(boom);
    expect(survivor.add(1, 2)).toBe(3);

    const killed = adder(() => {
      throw new wasm.RuntimeError("host-made trap");
    });
    expect(describeError(thrown(() => killed.reenter(1)))).toEqual({
      type: "RuntimeError",
      message: "host-made trap",
    });
    expect(describeError(thrown(() => killed.add(1, 2)))).toEqual({
      type: "RuntimeError",
      message: TRAP_CANNOT_ENTER,
    });
  });

  it("kills an instance whose host import calls into a dead instance", () => {
    const dead = adder();
    thrown(() => dead.trap());
    const victim = adder((x) => dead.add(x, 1));
    expect(describeError(thrown(() => victim.reenter(1)))).toEqual({
      type: "RuntimeError",
      message: TRAP_CANNOT_ENTER,
    });
    expect(describeError(thrown(() => victim.add(1, 2)))).toEqual({
      type: "RuntimeError",
      message: TRAP_CANNOT_ENTER,
    });
  });
});

const STRICT_U32_ERROR = {
  type: "TypeError",
  message: "invalid u32 value [-1]",
};

// ---------------------------------------------------------------------------------------------------
// Dummy components: names and shapes only.

describe("dummy components: how jco names things", () => {
  const naming = readFixture("naming/naming.wit");
  let names: TranspiledComponent;
  let namesEntry: InstantiationModule;
  let namesCore: GetCoreModule;

  beforeAll(async () => {
    names = await transpileInstantiation(await dummyComponent(naming, "names"), {
      name: "names",
      outDir: await createTempDir("names"),
    });
    namesEntry = await importEntry(names.entryPath);
    namesCore = loadCoreModuleFactory(names.outDir);
  });

  /** Every import the names world has, as functions that record their calls. */
  function namesImports(reads: string[]): object {
    const fn = () => {};
    return recordReads(
      {
        "wit-ts:naming/class": {
          new: fn,
          then: fn,
          toString: fn,
          getHttpUrl: fn,
          with: fn,
          enum: fn,
          take: fn,
          MyThing: class {},
        },
        import: { default: fn },
        then: { default: fn },
        "get-thing": { default: fn },
        "to-JSON": { default: fn },
        "inline-dep": { ping: fn },
      },
      reads,
    );
  }

  function instantiateNames(reads: string[] = []): Record<string, unknown> {
    return namesEntry.instantiate(namesCore, namesImports(reads), instantiateCoreSync) as Record<
      string,
      unknown
    >;
  }

  it("reads world-level imports by their raw WIT name and interface members in lowerCamelCase", () => {
    const reads: string[] = [];
    instantiateNames(reads);
    expect([...reads].sort()).toEqual([
      "get-thing",
      "get-thing.default",
      "import",
      "import.default",
      "inline-dep",
      "inline-dep.ping",
      "then",
      "then.default",
      "to-JSON",
      "to-JSON.default",
      "wit-ts:naming/class",
      "wit-ts:naming/class.MyThing",
      "wit-ts:naming/class.enum",
      "wit-ts:naming/class.getHttpUrl",
      "wit-ts:naming/class.new",
      "wit-ts:naming/class.take",
      "wit-ts:naming/class.then",
      "wit-ts:naming/class.toString",
      "wit-ts:naming/class.with",
    ]);
    expect(names.imports).toEqual([
      "get-thing",
      "import",
      "inline-dep",
      "then",
      "to-JSON",
      "wit-ts:naming/class",
    ]);
  });

  it("exports keep JS reserved words as property names and camelCase the rest", () => {
    const inst = instantiateNames();
    // Interface aliases (last path segment, camelCased) first, then full ids and functions, sorted.
    // An inline (unnamed-package) interface export has only its camelCased name.
    expect(Object.keys(inst)).toEqual([
      "class",
      "myApi",
      "delete",
      "getThing",
      "inlineApi",
      "new",
      "static",
      "wit-ts:naming/class",
      "wit-ts:naming/my-api",
    ]);
    expect(inst["class"]).toBe(inst["wit-ts:naming/class"]);
    expect(Object.keys(inst["class"] as object).sort()).toEqual([
      "MyThing",
      "enum",
      "getHttpUrl",
      "new",
      "take",
      "then",
      "toString",
      "with",
    ]);
    expect(Object.keys(inst["inlineApi"] as object)).toEqual(["pong"]);
    expect(names.exports).toEqual([
      ["class", "instance"],
      ["myApi", "instance"],
      ["delete", "function"],
      ["getThing", "function"],
      ["inlineApi", "instance"],
      ["new", "function"],
      ["static", "function"],
      ["wit-ts:naming/class", "instance"],
      ["wit-ts:naming/my-api", "instance"],
    ]);
  });

  it("renames reserved-word functions in the interface .d.ts and re-exports them under the WIT name", async () => {
    const dts = await readFile(
      join(names.outDir, "interfaces", "wit-ts-naming-class.d.ts"),
      "utf8",
    );
    const lines = dts.split("\n");
    expect(lines.slice(0, 10)).toEqual([
      "/** @module Interface wit-ts:naming/class **/",
      "export { _new as new };",
      "function _new(): void;",
      "export function then(): void;",
      "export function toString(): void;",
      "export function getHttpUrl(): void;",
      "export { _with as with };",
      "function _with(): void;",
      "export { _enum as enum };",
      "function _enum(): void;",
    ]);
    // Resource methods and statics keep the camelCased name, quoted when it is a reserved word.
    expect(dts).toContain(
      "export class MyThing {\n  constructor()\n  toString(): string;\n  static 'new'(): MyThing;\n}",
    );
    expect(dts).toContain(
      "export interface ShapeInfo {\n  httpCode: number,\n  toJson: number,\n}",
    );
  });

  it("lowers record fields and flags by camelCased property, variant and enum cases by raw WIT name", () => {
    const reads: string[] = [];
    const record = recordReads({ httpCode: 1, toJson: 2 }, reads);
    const flags = recordReads({ darkMode: true, httpOnly: false }, reads);
    const take = (instantiateNames()["class"] as { take: (...args: unknown[]) => void }).take;
    // Accepted lowering ends in the dummy body's trap; rejected lowering throws before entering wasm.
    expect(describeError(thrown(() => take(record, flags, { tag: "HTTP-x" }, "HTTP-y")))).toEqual({
      type: "RuntimeError",
      message: TRAP_UNREACHABLE,
    });
    expect(reads).toEqual(["httpCode", "toJson", "darkMode", "httpOnly"]);
    const take2 = (instantiateNames()["class"] as { take: (...args: unknown[]) => void }).take;
    expect(describeError(thrown(() => take2(record, flags, { tag: "httpX" }, "HTTP-y")))).toEqual(
      TAKE_BAD_VARIANT,
    );
    const take3 = (instantiateNames()["class"] as { take: (...args: unknown[]) => void }).take;
    expect(describeError(thrown(() => take3(record, flags, { tag: "HTTP-x" }, "httpY")))).toEqual(
      TAKE_BAD_ENUM,
    );
  });

  it("gives an interface alias only to the first of equal last segments, and never over a function", async () => {
    const wit = [
      "package t:main;",
      "package t:one { interface api { f: func(); } }",
      "package t:two { interface api { g: func(); } }",
      "world both { export t:one/api; export t:two/api; }",
      "world clash { export t:one/api; export t:two/api; export api: func(); }",
    ].join("\n");
    const exportsOf = async (world: string) => {
      const out = await transpileInstantiation(await dummyComponent(wit, world), {
        name: world,
        outDir: await createTempDir(world),
      });
      const entry = await importEntry(out.entryPath);
      const inst = entry.instantiate(
        loadCoreModuleFactory(out.outDir),
        {},
        instantiateCoreSync,
      ) as Record<string, unknown>;
      return Object.fromEntries(
        Object.entries(inst).map(([k, v]) => [
          k,
          typeof v === "function" ? "function" : Object.keys(v as object),
        ]),
      );
    };
    expect(await exportsOf("both")).toEqual({
      api: ["f"],
      "t:one/api": ["f"],
      "t:two/api": ["g"],
    });
    expect(await exportsOf("clash")).toEqual({
      api: "function",
      "t:one/api": ["f"],
      "t:two/api": ["g"],
    });
  });

  it("reads two versions of one imported interface from one unversioned key unless mapped apart", async () => {
    const wit = [
      "package t:main;",
      "package t:dep@0.1.0 { interface api { f: func(); } }",
      "package t:dep@0.2.0 { interface api { f: func(); } }",
      "world w { import t:dep/api@0.1.0; import t:dep/api@0.2.0; export run: func(); }",
    ].join("\n");
    const bytes = await dummyComponent(wit, "w");
    const readsOf = async (map?: Record<string, string>) => {
      const out = await transpileInstantiation(bytes, {
        name: "versions",
        outDir: await createTempDir("versions"),
        ...(map ? { map } : {}),
      });
      const entry = await importEntry(out.entryPath);
      const reads: string[] = [];
      const api = { f: () => {} };
      const imports = recordReads({ "t:dep/api": api, "dep-v1": api, "dep-v2": api }, reads);
      entry.instantiate(loadCoreModuleFactory(out.outDir), imports, instantiateCoreSync);
      return [...reads].sort();
    };
    expect(await readsOf()).toEqual(["t:dep/api", "t:dep/api.f"]);
    expect(
      await readsOf({
        "t:dep/api@0.1.0": "dep-v1",
        "t:dep/api@0.2.0": "dep-v2",
      }),
    ).toEqual(["dep-v1", "dep-v1.f", "dep-v2", "dep-v2.f"]);
  });

  it("makes the exports object a thenable when the world exports `then`, so awaiting it calls the guest", async () => {
    const bytes = await dummyComponent(naming, "thenable");
    const out = await transpileInstantiation(bytes, {
      name: "thenable",
      outDir: await createTempDir("thenable"),
    });
    const entry = await importEntry(out.entryPath);
    const core = loadCoreModuleFactory(out.outDir);
    // Synchronous instantiation hands the object over untouched...
    const inst = entry.instantiate(core, {}, instantiateCoreSync) as {
      then: unknown;
    };
    expect(typeof inst.then).toBe("function");
    // ...but resolving a promise with it runs the export (here: the dummy body's trap).
    await expect(entry.instantiate(core, {})).rejects.toThrow(TRAP_UNREACHABLE);
  });

  it("panics on a world-level export whose name has an upper-case word, and the transpiler stays broken", async () => {
    const acronym = await dummyComponent(naming, "acronym");
    const fine = await dummyComponent(naming, "thenable");
    const run = await transpileInFreshProcess([fine, acronym, fine]);
    expect(run.outcomes).toEqual([
      { ok: true, exports: ["then"] },
      { ok: false, message: TRAP_UNREACHABLE },
      { ok: false, message: TRAP_CANNOT_ENTER },
    ]);
    expect(run.stderr).toContain("failed to find component export [to-json] (original 'to-JSON')");
  });

  it("rejects names that differ only in case, and more than 32 flags", async () => {
    const caseClash =
      "package t:c;\ninterface i { foo-bar: func(); FOO-bar: func(); }\nworld w { export i; }\n";
    await expect(dummyComponent(caseClash, "w")).rejects.toThrow(
      "export name `FOO-bar` conflicts with previous name `foo-bar`",
    );
    const flags = Array.from({ length: 33 }, (_, i) => `g${i}`).join(", ");
    const tooManyFlags = `package t:c;\ninterface i { flags f { ${flags} } m: func(a: f); }\nworld w { export i; }\n`;
    await expect(dummyComponent(tooManyFlags, "w")).rejects.toThrow(
      "cannot have more than 32 flags",
    );
  });

  it("requires a Map for a WIT map and declares a fixed-length list as a tuple", async () => {
    const wit =
      "package t:m;\ninterface i { m: func(a: map<string, u32>); f: func(a: list<u8, 4>); }\nworld w { export i; }\n";
    const out = await transpileInstantiation(await dummyComponent(wit, "w"), {
      name: "maps",
      outDir: await createTempDir("maps"),
    });
    const entry = await importEntry(out.entryPath);
    const core = loadCoreModuleFactory(out.outDir);
    const api = () =>
      (
        entry.instantiate(core, {}, instantiateCoreSync) as {
          i: { m(a: unknown): void; f(a: unknown): void };
        }
      ).i;
    expect(describeError(thrown(() => api().m({ a: 1 })))).toEqual({
      type: "TypeError",
      message: "expected a Map",
    });
    expect(await readFile(join(out.outDir, "interfaces", "t-m-i.d.ts"), "utf8")).toBe(
      "/** @module Interface t:m/i **/\n" +
        "export function m(a: Map<string, number>): void;\n" +
        "export function f(a: [number,number,number,number]): void;\n",
    );
  });
});

const TAKE_BAD_VARIANT = {
  type: "TypeError",
  message: 'invalid variant tag value `"httpX"` (received `[object Object]`) specified for `Pick`',
};
const TAKE_BAD_ENUM = {
  type: "TypeError",
  message: '"httpY" is not one of the cases of level',
};
