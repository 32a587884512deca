/**
 * End to end, direct calls: an SDK generated from a component binary calls the component's core exports
 * directly with its own canonical ABI; the same SDK with `directCalls: false` calls through jco. Every direct
 * function is called with thousands of generated values (seeded; the seed is printed, `WIT_TS_DIFF_SEED`
 * replays one, `WIT_TS_DIFF_CALLS` scales the count: `scripts/direct-differential.js` runs a million) through
 * both, and results, rejections and traps must be identical, except where jco departs from the canonical ABI
 * (`hitsJcoSignExtension`): there the direct path must give the canonical result, or, for a componentize-js
 * guest passing the value on to a host import, the trap its own bindings make (`guestPassesNegativeI64`).
 * Guests: the hand-written WAT guest of fixtures/direct in the three string encodings (UTF-8, UTF-16,
 * latin1+UTF-16), a componentize-js guest that echoes every kind of value type (scalars, `char`, strings, typed
 * and other lists, records, tuples, variants, enums, flags, options, results, parameters spilled to memory,
 * return areas) and one that passes them through host imports, and a WAT guest that shows the flat values of
 * variants as the SDK lowers and lifts them. Also: the synchronous forms, trap poisoning and restart,
 * reentrance refused on the direct path, and what `gen` reports.
 */
import { componentEmbed, componentNew, parse } from "@bytecodealliance/jco";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildComponent } from "./support/components.js";
import {
  canonicalValue,
  createRandom,
  guestPassesNegativeI64,
  hitsJcoSignExtension,
  loadPair,
  outcomeOf,
  randomValue,
  same,
  show,
  witType,
  type DifferentialPair,
  type Outcome,
  type TestType,
} from "./support/differential.js";
import { readFixture } from "./support/fixtures.js";
import { removeTempDirs } from "./support/temp-dirs.js";

const SEED = Number(process.env["WIT_TS_DIFF_SEED"] ?? Math.floor(Math.random() * 2 ** 31));
/** Calls per suite (split over its functions). */
const CALLS = Number(process.env["WIT_TS_DIFF_CALLS"] ?? 1500);
const TIMEOUT = Math.max(120_000, CALLS * 40);
/**
 * Traps per function after which `compare` stops calling it. A trap costs a restart of both instances (for a
 * componentize-js guest, a new SpiderMonkey instance each: a large part of a second on a loaded machine), so a
 * function that traps on a share of its inputs (`boom`, the guest's echo of a negative s64) would otherwise
 * take hours of a million-call run; `npm test`'s few thousand calls never reach the limit.
 */
const TRAP_LIMIT = 100;

afterAll(removeTempDirs);

beforeAll(() => {
  console.log(
    `direct-call differential tests: seed ${SEED}, ${CALLS} calls per suite (WIT_TS_DIFF_SEED=${SEED} replays)`,
  );
});

type Fn = (...args: unknown[]) => Promise<unknown>;
type SyncFn = (...args: unknown[]) => unknown;

/**
 * Calls `member` of both instances with `count` random argument lists and expects identical outcomes; the
 * synchronous form, when `syncMember` is given, must agree too (it runs on the direct instance).
 */
async function compare(
  pair: DifferentialPair,
  path: readonly string[],
  params: readonly TestType[],
  count: number,
  random: () => number,
  fixed?: (random: () => number) => unknown[],
  echo = false,
  hostCalls?: () => number,
): Promise<number> {
  const at = (root: Record<string, unknown>, name: string): unknown => {
    let holder: Record<string, unknown> = root;
    for (const key of path.slice(0, -1)) holder = holder[key] as Record<string, unknown>;
    const fn = holder[name] as ((...args: unknown[]) => unknown) | undefined;
    return fn?.bind(holder);
  };
  const member = path[path.length - 1]!;
  const direct = at(pair.direct, member) as Fn;
  const viaJco = at(pair.viaJco, member) as Fn;
  const sync = at(pair.direct, `${member}Sync`) as SyncFn | undefined;
  expect(sync, `${path.join(".")}Sync`).toBeTypeOf("function");
  let calls = 0;
  let traps = 0;
  for (let index = 0; index < count; index++) {
    if (traps === TRAP_LIMIT) {
      console.log(
        `${path.join(".")}: stopped after ${TRAP_LIMIT} traps, at call ${index} of ${count} [seed ${SEED}]`,
      );
      break;
    }
    const args = fixed?.(random) ?? params.map((type) => randomValue(type, random));
    // A synchronous call cannot wait for a restart, which the next awaited call starts: after a trap, the
    // awaited form goes first.
    const poisoned = (pair.direct as { readonly poisoned: boolean }).poisoned;
    const c0 = poisoned ? undefined : await outcomeOf(async () => sync!(...args));
    // The jco instance gets each call the direct one gets, in the same order, so both guests are always in the
    // same state: a guest that keeps what it is given (componentize-js's do) runs out of memory after the same
    // number of calls through either path, and that trap must fall on the same call of both.
    const d0 = poisoned ? undefined : await outcomeOf(() => viaJco(...args));
    const before = hostCalls?.();
    let directError: unknown;
    const a = await outcomeOf(() =>
      direct(...args).catch((error: unknown) => {
        directError = error;
        throw error;
      }),
    );
    const hostRan = before !== hostCalls?.();
    const b = await outcomeOf(() => viaJco(...args));
    const c = c0 ?? (await outcomeOf(async () => sync!(...args)));
    const d = d0 ?? (await outcomeOf(() => viaJco(...args)));
    calls += 4;
    if (a.kind === "error" && a.name === "TrapError") traps++;
    const where = `${path.join(".")}(${args.map(show).join(", ")}) [seed ${SEED}, call ${index}]`;
    // A known jco divergence: the direct path must then give the canonical result, the echoed argument.
    const knownJcoBug = echo && hitsJcoSignExtension(params[0]!, args[0]);
    if (knownJcoBug) {
      const expected = canonicalValue(params[0]!, args[0]);
      // Given the canonical value, a componentize-js guest that passes it on to a host import may trap in its
      // own code before the import runs (see guestPassesNegativeI64); jco's corrupted value spares it that.
      const defect = hostCalls === undefined ? "no" : guestPassesNegativeI64(params[0]!, expected);
      const guestTrapped =
        a.kind === "error" && a.name === "TrapError" && !hostRan && isGuestTrap(directError);
      if (defect === "yes" && !guestTrapped)
        expect.fail(
          `the guest should trap before calling the host (a negative 64-bit value it passes on) for ${where}: ${show(a)}`,
        );
      if (defect === "no" || !guestTrapped) {
        if (a.kind === "value") {
          if (!same(a.value, expected))
            expect.fail(`direct echo differs from its argument for ${where}: ${show(a)}`);
        } else if (!same(a, b))
          expect.fail(
            `direct and jco differ for ${where}:\n  direct: ${show(a)}\n  jco:    ${show(b)}`,
          );
      }
    } else if (!same(a, b))
      expect.fail(
        `direct and jco differ for ${where}:\n  direct: ${show(a)}\n  jco:    ${show(b)}`,
      );
    // A trap leaves the instance poisoned until the next awaited call restarts it; a synchronous call cannot.
    const bothTrapped =
      a.kind === "error" &&
      a.name === "TrapError" &&
      c.kind === "error" &&
      c.name === "InstancePoisonedError";
    if (bothTrapped) continue;
    if (knownJcoBug) {
      // jco is no oracle here: the synchronous form must agree with the awaited one, unless both instances
      // trapped on it alike (the guest's own state).
      const alike = isTrap(c) && isTrap(d);
      if (!alike && !same(a, c))
        expect.fail(
          `awaited and sync differ for ${where}:\n  awaited: ${show(a)}\n  sync:    ${show(c)}`,
        );
    } else if (!same(c, d))
      // The synchronous form's partner is the jco call made with both guests in the same state.
      expect.fail(
        `the synchronous form and jco differ for ${where}:\n  sync: ${show(c)}\n  jco:  ${show(d)}`,
      );
  }
  return calls;
}

function isTrap(outcome: Outcome): boolean {
  return outcome.kind === "error" && outcome.name === "TrapError";
}

/** Whether `error` is a trap in the guest's own code (`unreachable`), not one the SDK raised by the ABI's rules. */
function isGuestTrap(error: unknown): boolean {
  const cause = (error as { readonly cause?: unknown } | undefined)?.cause;
  // WebAssembly.RuntimeError, by name: the test's TypeScript libraries do not declare WebAssembly's values.
  return (
    cause instanceof Error && cause.name === "RuntimeError" && cause.message.includes("unreachable")
  );
}

const DIRECT_WIT = readFixture("direct/direct.wit");
const DIRECT_WAT = readFixture("direct/direct.wat");
const REC5: TestType = {
  record: "rec5",
  fields: [
    ["a", "u32"],
    ["b", "u64"],
    ["c", "f32"],
    ["d", "f64"],
    ["e", "bool"],
  ],
};

async function watGuest(encoding: "utf8" | "utf16" | "compact-utf16"): Promise<Uint8Array> {
  const binary = await parse(DIRECT_WAT);
  return componentNew(
    await componentEmbed({
      binary,
      witSource: DIRECT_WIT,
      world: "direct",
      stringEncoding: encoding,
    }),
  );
}

// latin1+UTF-16 has no jco side to compare with: jco 1.35 cannot transpile such a component (its transpiler
// traps), so the runtime's unit tests check that encoding against the canonical ABI's definition instead.
describe.each(["utf8", "utf16"] as const)("the WAT guest with %s strings", (encoding) => {
  let pair: DifferentialPair;
  beforeAll(async () => {
    pair = await loadPair(`direct-${encoding}`, await watGuest(encoding), {});
  });

  it("is called directly in full", () => {
    expect(pair.report).toEqual({ total: 7, direct: 7, viaJco: [] });
  });

  it(
    "gives identical outcomes through both paths for every function",
    async () => {
      const random = createRandom(SEED ^ encoding.length);
      const per = Math.max(10, Math.floor(CALLS / 2 / 7 / 3));
      let calls = 0;
      calls += await compare(pair, ["api", "add"], ["u32", "u32"], per, random);
      calls += await compare(pair, ["api", "echoString"], ["string"], per, random);
      calls += await compare(pair, ["api", "echoBytes"], [{ list: "u8" }], per, random);
      calls += await compare(pair, ["api", "echoRec5"], [REC5], per, random);
      calls += await compare(pair, ["api", "lenBytes"], [{ list: "u8" }], per, random);
      calls += await compare(pair, ["api", "makeBytes"], ["u32"], per, random, (r) => [
        Math.floor(r() * 300_000),
      ]);
      calls += await compare(pair, ["api", "trapIf"], ["u32"], per, random, (r) => [
        r() < 0.2 ? 13 : Math.floor(r() * 20),
      ]);
      // Every function but `trapIf` makes all its calls (see TRAP_LIMIT).
      expect(calls).toBeGreaterThanOrEqual(per * 6 * 4);
    },
    TIMEOUT,
  );

  it("gives jco's outcomes through the fast forms of strings and records, at their edges", async () => {
    const ascii = (n: number): string =>
      Array.from({ length: n }, (_, i) => String.fromCharCode(32 + ((i * 7) % 95))).join("");
    const strings = [
      "",
      "a",
      // Around the lengths up to which short strings are read and written by loops (16 and 48), and up to
      // which a scratch buffer is used (16,384).
      ...[12, 13, 15, 16, 17, 47, 48, 49, 1000, 16_384, 16_385].map(ascii),
      ...[0, 3, 13, 15, 16, 17, 47, 48, 1000].flatMap((n) => [
        `${ascii(n)}é`,
        `${ascii(n)}✓${ascii(2)}`,
        `${ascii(n)}😀`,
      ]),
      "\u0000\u007f\u0080\u00ff\u0100",
      // Longer than the guest's free memory: its realloc grows memory (the buffer detaches) mid-call.
      ascii(200_000),
      `${ascii(100_000)}✓`,
      // Lone surrogates: refused with the argument's path, before anything runs (the fast forms check every
      // string with `isWellFormed` before the gate).
      "\ud800",
      `${ascii(20)}\udc00`,
      `ab\udc00c`,
      `${ascii(13)}\ud83d`,
      `${ascii(60)}\ud800${ascii(3)}`,
    ];
    const records: unknown[] = [
      { a: 0, b: 0n, c: 0, d: 0, e: false },
      { a: 4_294_967_295, b: 2n ** 64n - 1n, c: -1.5, d: Number.NaN, e: true },
      { a: 1, b: 2n, c: 3.25, d: -0, e: true, extra: "ignored" },
      Object.create({ a: 7, b: 8n, c: 9, d: 10, e: false }) as unknown,
      { a: -1, b: 0n, c: 0, d: 0, e: false },
      { a: 1, b: 1, c: 0, d: 0, e: false },
      { a: 1, b: 1n, c: 0, d: 0, e: 1 },
      { a: 1, b: 1n, c: "0", d: 0, e: false },
      null,
      "rec",
    ];
    const api = pair.direct["api"] as Record<string, Fn & SyncFn>;
    const jco = pair.viaJco["api"] as Record<string, Fn>;
    // The test before may leave the instance poisoned (`trapIf`): an awaited call restarts it.
    expect(await api["add"]!(1, 2)).toBe(3);
    for (const [name, values] of [
      ["echoString", strings],
      ["echoRec5", records],
    ] as const) {
      for (const value of values) {
        const sync = await outcomeOf(async () => api[`${name}Sync`]!(value));
        const awaited = await outcomeOf(() => api[name]!(value));
        const viaJco = await outcomeOf(() => jco[name]!(value));
        const where = `${name}(${show(value).slice(0, 80)})`;
        expect(same(sync, awaited), `${where}: sync ${show(sync)}, awaited ${show(awaited)}`).toBe(
          true,
        );
        // jco lowers a lone surrogate as U+FFFD; the SDK refuses it (its value type) on both paths.
        if (
          typeof value === "string" &&
          /[\ud800-\udfff]/.test(value.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ""))
        ) {
          expect(sync).toMatchObject({ kind: "error", name: "TypeError" });
          continue;
        }
        expect(same(sync, viaJco), `${where}: direct ${show(sync)}, jco ${show(viaJco)}`).toBe(
          true,
        );
      }
    }
    expect(() => api["echoStringSync"]!("a\ud800")).toThrow(
      /^`s` must be a string of Unicode scalar values/,
    );
    expect(() => api["echoRec5Sync"]!({ a: 1, b: 2n, c: 1, d: 1, e: "yes" })).toThrow(
      '`r.e` must be a boolean, got "yes"',
    );
  });
});

describe("a guest whose state changes with each call", () => {
  // Stateless but for one thing: its fifth call traps (as a guest that keeps what it is given runs out of memory
  // after so many calls). Both instances must see the same calls in the same order for their traps to agree.
  const WIT =
    "package wit-ts:worn;\ninterface api {\n  tick: func() -> u32;\n}\nworld worn {\n  export api;\n}\n";
  const WAT = `(module
    (memory (export "memory") 1)
    (global $calls (mut i32) (i32.const 0))
    (func (export "wit-ts:worn/api#tick") (result i32)
      (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
      (if (i32.eq (global.get $calls) (i32.const 5)) (then unreachable))
      (i32.const 7)))`;

  it("traps on the same call through both paths", async () => {
    const bytes = await componentNew(
      await componentEmbed({ binary: await parse(WAT), witSource: WIT, world: "worn" }),
    );
    const pair = await loadPair("direct-worn", bytes, {});
    expect(pair.report.direct).toBe(1);
    expect(await compare(pair, ["api", "tick"], [], 6, createRandom(SEED))).toBe(24);
  });
});

describe("the direct path keeps the call protocol", () => {
  let pair: DifferentialPair;
  beforeAll(async () => {
    pair = await loadPair("direct-protocol", await watGuest("utf8"), {});
  });

  it("survives memory.grow between calls (views are refreshed)", async () => {
    const api = pair.direct["api"] as Record<string, Fn & SyncFn>;
    const rec = { a: 1, b: 2n ** 64n - 1n, c: 0.5, d: -2, e: true };
    // Views made before memory grows, then refreshed.
    expect(api["echoRec5Sync"]!(rec)).toEqual(rec);
    const big = await api["makeBytes"]!(5_000_000);
    expect((big as Uint8Array).length).toBe(5_000_000);
    expect((big as Uint8Array)[4_999_999]).toBe(5_000_000 & 0xff);
    const echoed = (await api["echoBytes"]!(new Uint8Array(3_000_000).fill(7))) as Uint8Array;
    expect(echoed.length).toBe(3_000_000);
    expect(api["echoStringSync"]!("after growing ✓")).toBe("after growing ✓");
    // The fast form of a record reads its 64-bit fields through typed-array views, refreshed with the others.
    expect(api["echoRec5Sync"]!(rec)).toEqual(rec);
  });

  it("poisons on a trap (synchronously too), and restarts before the next call", async () => {
    const api = pair.direct["api"] as Record<string, Fn & SyncFn>;
    await expect(api["trapIf"]!(13)).rejects.toMatchObject({ name: "TrapError" });
    expect(await api["add"]!(1, 2)).toBe(3);
    expect(() => api["trapIfSync"]!(13)).toThrow(expect.objectContaining({ name: "TrapError" }));
    // The restart is asynchronous: a synchronous call cannot wait for it.
    expect(() => api["addSync"]!(1, 2)).toThrow(
      expect.objectContaining({ name: "InstancePoisonedError" }),
    );
    expect(await api["add"]!(2, 2)).toBe(4);
    expect(api["addSync"]!(2, 3)).toBe(5);
  });

  it("refuses a synchronous call while awaited calls are queued", async () => {
    const api = pair.direct["api"] as Record<string, Fn & SyncFn>;
    await expect(api["trapIf"]!(13)).rejects.toMatchObject({ name: "TrapError" });
    // Queued behind the restart.
    const queued = api["add"]!(5, 5);
    expect(() => api["addSync"]!(1, 1)).toThrow(
      expect.objectContaining({ name: "InstanceBusyError" }),
    );
    expect(await queued).toBe(10);
  });

  it("checks arguments with paths in the messages before anything runs", async () => {
    const api = pair.direct["api"] as Record<string, Fn & SyncFn>;
    await expect(api["echoRec5"]!({ a: 1, b: 2n, c: 1, d: 1, e: "yes" })).rejects.toThrow(
      '`r.e` must be a boolean, got "yes"',
    );
    expect(() => api["addSync"]!(-1, 0)).toThrow(RangeError);
    // A bigint where a u32 belongs is named too, awaited and synchronous alike (not the engine's own words).
    await expect(api["add"]!(1, 2n)).rejects.toThrow(/^`b` must be a u32/);
    expect(() => api["addSync"]!(1n, 2)).toThrow(/^`a` must be a u32/);
    expect(() => api["trapIfSync"]!("13")).toThrow(/^`x` must be a u32/);
    expect(api["addSync"]!(-0, 4_294_967_295)).toBe(4_294_967_295);
  });

  it("calls functions of numbers through a fast path of their own", () => {
    const api = [...pair.files.entries()].find(([path]) => path.includes("direct-api"))![1];
    expect(api).toMatch(/const addDirect = .*fast: \(d, is, lift\) => \(core, p0, p1\) =>/s);
    expect(api).toMatch(/const trapIfDirect = .*fast: /s);
    // Strings and records (and a post-return) have fast forms of their own too; lists do not.
    expect(api).toMatch(/const echoStringDirect = [^;]*fast: \(d, is, _lift\) => \(core, p0\) =>/s);
    expect(api).toMatch(/const echoRec5Direct = [^;]*fast: /s);
    expect(api).toContain('v = { "a": w.getUint32(q, true), "b": m.u64[(q + 8) >>> 3]');
    expect(api).not.toMatch(/const echoBytesDirect = [^;]*fast: /s);
    // Records are read and made field by field, by name.
    expect(api).toContain('read: (r) => [r["a"], r["b"], r["c"], r["d"], r["e"]]');
    expect(api).toContain(
      'make: (v) => ({ "a": v[0], "b": v[1], "c": v[2], "d": v[3], "e": v[4] })',
    );
    expect(api).toContain("return addDirect.sync(core, a, b);");
  });
});

describe("reentrance on the direct path", () => {
  it("is refused from a host import, awaited and synchronous alike", async () => {
    const wit = readFixture("adder/adder.wit");
    const wat = readFixture("adder/adder.wat");
    const bytes = await componentNew(
      await componentEmbed({ binary: await parse(wat), witSource: wit, world: "adder" }),
    );
    let inner: unknown;
    const pair = await loadPair("direct-adder", bytes, {
      callback: (x: number) => {
        try {
          inner = app["addSync"]!(1, 2);
        } catch (error) {
          inner = error;
        }
        return x;
      },
    });
    const app = pair.direct as Record<string, Fn & SyncFn>;
    expect(pair.report.direct).toBe(3);
    expect(await app["reenter"]!(7)).toBe(7);
    expect(inner).toMatchObject({ name: "ReentranceError", innerFunction: "add" });
    expect(app["reenterSync"]!(8)).toBe(8);
    expect(inner).toMatchObject({ name: "ReentranceError" });
    expect(await app["add"]!(2, 3)).toBe(5);
  });
});

describe("variant payloads in a 64-bit slot shared with wider cases (a WAT guest)", () => {
  // `slots` hands back the flat values it was called with; `forward` calls the host's `h` with the flat
  // values it is given and returns the host's answer. So the host sees the SDK's own lowering and lifting.
  const wit = `package t:slots;
world w {
  record point { x: s32, y: f64 }
  variant shape { circle(f32), rect(point), empty, label(string), big(u64), real(f64) }
  import h: func(x: shape) -> shape;
  export slots: func(x: shape) -> tuple<u32, u64, u64>;
  export forward: func(d: u32, a: u64, b: u64) -> shape;
}`;
  const wat = `(module
    (import "$root" "h" (func $h (param i32 i64 i64 i32)))
    (memory (export "memory") 1)
    (global $next (mut i32) (i32.const 1024))
    (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
      (local $at i32)
      (local.set $at (i32.and (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
        (i32.sub (i32.const 0) (local.get 2))))
      (global.set $next (i32.add (local.get $at) (local.get 3)))
      (local.get $at))
    (func (export "slots") (param i32 i64 i64) (result i32)
      (i32.store (i32.const 16) (local.get 0)) (i64.store (i32.const 24) (local.get 1))
      (i64.store (i32.const 32) (local.get 2)) (i32.const 16))
    (func (export "forward") (param i32 i64 i64) (result i32)
      (call $h (local.get 0) (local.get 1) (local.get 2) (i32.const 64)) (i32.const 64)))`;
  const bits32 = (x: number): bigint => {
    const view = new DataView(new ArrayBuffer(4));
    view.setFloat32(0, x);
    return BigInt(view.getUint32(0));
  };
  const bits64 = (x: number): bigint => {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, x);
    return view.getBigUint64(0);
  };
  let pair: DifferentialPair;
  const received: unknown[] = [];
  beforeAll(async () => {
    const bytes = await componentNew(
      await componentEmbed({ binary: await parse(wat), witSource: wit, world: "w" }),
    );
    pair = await loadPair("direct-slots", bytes, {
      h: (x: unknown) => {
        received.push(x);
        return x;
      },
    });
  });

  it("lowers a payload as lower_flat_variant does: an s32 zero-extended, floats as their bits", async () => {
    expect(pair.report).toEqual({ total: 2, direct: 2, viaJco: [] });
    const slots = pair.direct["slots"] as Fn;
    expect(await slots({ tag: "rect", val: { x: -1, y: 1.5 } })).toEqual([
      1,
      0xffff_ffffn,
      bits64(1.5),
    ]);
    expect(await slots({ tag: "rect", val: { x: -2147483648, y: -0 } })).toEqual([
      1,
      0x8000_0000n,
      2n ** 63n,
    ]);
    expect(await slots({ tag: "circle", val: -1.5 })).toEqual([0, bits32(-1.5), 0n]);
    expect(await slots({ tag: "real", val: -1 })).toEqual([5, bits64(-1), 0n]);
    expect(await slots({ tag: "big", val: 2n ** 64n - 1n })).toEqual([4, 2n ** 64n - 1n, 0n]);
    expect(await slots({ tag: "empty" })).toEqual([2, 0n, 0n]);
    // jco 1.35 sign-extends the s32 instead (the differential's `hitsJcoSignExtension`).
    expect(await (pair.viaJco["slots"] as Fn)({ tag: "rect", val: { x: -1, y: 1.5 } })).toEqual([
      1,
      2n ** 64n - 1n,
      bits64(1.5),
    ]);
  });

  it("lifts a payload as lift_flat_variant does: the low 32 bits of the slot, whatever the high ones", async () => {
    const forward = pair.direct["forward"] as Fn;
    const cases: readonly (readonly [number, bigint, bigint, unknown])[] = [
      [1, 0xffff_ffffn, bits64(1.5), { tag: "rect", val: { x: -1, y: 1.5 } }],
      [1, 2n ** 64n - 1n, bits64(-2.5), { tag: "rect", val: { x: -1, y: -2.5 } }],
      [1, 0x1_0000_0005n, 0n, { tag: "rect", val: { x: 5, y: 0 } }],
      // Beyond 2^53: the slot as a JavaScript number would have lost the low bits.
      [1, 0x7654_3210_8000_0005n, 0n, { tag: "rect", val: { x: -2147483643, y: 0 } }],
      [0, 0xffff_ffff_0000_0000n | bits32(-1.5), 0n, { tag: "circle", val: -1.5 }],
      [5, 2n ** 63n, 0n, { tag: "real", val: -0 }],
      [4, 2n ** 64n - 1n, 0n, { tag: "big", val: 2n ** 64n - 1n }],
    ];
    for (const [d, a, b, value] of cases) {
      received.length = 0;
      expect(await forward(d, a, b)).toEqual(value);
      expect(received).toEqual([value]);
    }
    // A discriminant out of range is the ABI's trap, and the host is not called.
    received.length = 0;
    await expect(forward(6, 0n, 0n)).rejects.toMatchObject({ name: "TrapError" });
    expect(received).toEqual([]);
  });
});

describe("fixed-length lists (a WAT guest)", () => {
  it(
    "gives identical outcomes through both paths",
    async () => {
      const wit = `package t:fixed;
interface api { f: func(x: list<u32, 4>) -> list<u32, 4>; }
world w { export api; }`;
      const wat = `(module (memory (export "memory") 1)
        (func (export "t:fixed/api#f") (param i32 i32 i32 i32) (result i32)
          (i32.store (i32.const 16) (local.get 0)) (i32.store (i32.const 20) (local.get 1))
          (i32.store (i32.const 24) (local.get 2)) (i32.store (i32.const 28) (local.get 3)) (i32.const 16)))`;
      const bytes = await componentNew(
        await componentEmbed({
          binary: await parse(wat),
          witSource: wit,
          world: "w",
          features: { tag: "all" },
        }),
      );
      const pair = await loadPair("direct-fixed", bytes, {});
      expect(pair.report).toEqual({ total: 1, direct: 1, viaJco: [] });
      const calls = await compare(
        pair,
        ["api", "f"],
        [{ fixed: "u32", size: 4 }],
        Math.max(20, Math.floor(CALLS / 20)),
        createRandom(SEED + 1),
      );
      expect(calls).toBeGreaterThan(0);
    },
    TIMEOUT,
  );
});

// ---------------------------------------------------------------------------------------------------------
// Every kind of value type, echoed by a componentize-js guest

const POINT: TestType = {
  record: "point",
  fields: [
    ["x", "s32"],
    ["y-coord", "f64"],
  ],
};
const COLOR: TestType = { enum: "color", cases: ["red", "green", "dark-blue"] };
const PERMS: TestType = { flags: "perms", names: ["read", "write", "exec-now"] };
const MANY_NAMES = Array.from({ length: 32 }, (_, i) => `m${i}`);
const MANY: TestType = { flags: "many", names: MANY_NAMES };
const SHAPE: TestType = {
  variant: "shape",
  cases: [
    ["circle", "f32"],
    ["rect", POINT],
    ["empty", null],
    ["label", "string"],
    ["big", "u64"],
    ["tiny", "u8"],
    ["real", "f64"],
  ],
};
const WIDE: TestType = {
  record: "wide",
  fields: [
    ["a", "u8"],
    ["b", "u64"],
    ["c", "string"],
    ["d", { list: "u16" }],
    ["e", "bool"],
    ["f", "char"],
    ["g", COLOR],
  ],
};

const SHAPE_PERMS_MANY: TestType = { tuple: [SHAPE, { option: PERMS }, MANY] };

/** `aa`, `ab`, ...: WIT name segments may not start with a digit. */
function letters(index: number): string {
  return String.fromCharCode(97 + Math.floor(index / 26)) + String.fromCharCode(97 + (index % 26));
}

/** Echoed types: `echo-<letters>: func(x: T) -> T`. */
const ECHOES: readonly TestType[] = [
  "bool",
  "u8",
  "u16",
  "u32",
  "u64",
  "s8",
  "s16",
  "s32",
  "s64",
  "f32",
  "f64",
  "char",
  "string",
  { list: "u8" },
  { list: "s16" },
  { list: "u32" },
  { list: "s64" },
  { list: "f32" },
  { list: "f64" },
  { list: "bool" },
  { list: "char" },
  { list: "string" },
  { list: POINT },
  { list: { list: "string" } },
  POINT,
  WIDE,
  { tuple: ["u8", "string", "f64"] },
  SHAPE,
  { list: SHAPE },
  COLOR,
  PERMS,
  MANY,
  { option: "u32" },
  { option: "string" },
  { option: { option: "s8" } },
  { list: { option: POINT } },
  {
    tuple: [
      { result: ["u32", "string"] },
      { result: [null, COLOR] },
      { result: [null, null] },
      { result: ["string", null] },
    ],
  },
  SHAPE_PERMS_MANY,
];

/** Functions besides the echoes, with the guest's code and the parameters to generate. */
const EXTRAS: readonly {
  readonly wit: string;
  readonly js: string;
  readonly params: readonly TestType[];
  readonly name: string;
}[] = [
  {
    // 1 + 1 + 2 + 2 + 2 + 1 + 2 + 1 + 1 + 1 + 1 + 1 + 1 = 17 flat values: spilled to memory.
    name: "spill",
    wit: "spill: func(a: u64, b: f64, c: string, d: list<u8>, e: point, f: u32, g: wide2, h: f32, i: u16, j: char, k: bool, l: s64, m: color) -> tuple<string, u64, point>;",
    js: "spill(...args) { return [args.map((v) => typeof v === 'object' ? JSON.stringify(v, (k, x) => typeof x === 'bigint' ? String(x) : ArrayBuffer.isView(x) ? Array.from(x) : x) : String(v)).join('|'), args[0], args[4]]; }",
    params: [
      "u64",
      "f64",
      "string",
      { list: "u8" },
      POINT,
      "u32",
      {
        record: "wide2",
        fields: [
          ["p", "u8"],
          ["q", "s64"],
        ],
      },
      "f32",
      "u16",
      "char",
      "bool",
      "s64",
      COLOR,
    ],
  },
  {
    name: "check",
    wit: "check: func(x: s32) -> result<s32, string>;",
    js: "check(x) { if (x < 0) throw 'negative: ' + x; return x * 2 | 0; }",
    params: ["s32"],
  },
  {
    name: "echo-result",
    wit: "echo-result: func(x: result<u32, color>) -> result<u32, color>;",
    js: "echoResult(x) { if (x.tag === 'err') throw x.val; return x.val; }",
    params: [{ result: ["u32", COLOR] }],
  },
  {
    name: "boom",
    wit: "boom: func(x: u32) -> u32;",
    js: "boom(x) { if (x % 7 === 3) throw new Error('boom'); return x; }",
    params: ["u32"],
  },
  {
    name: "pair",
    wit: "pair: func(a: string, b: list<string>, c: option<string>) -> tuple<list<string>, string>;",
    js: "pair(a, b, c) { return [[...b, a], c ?? 'none']; }",
    params: ["string", { list: "string" }, { option: "string" }],
  },
  {
    name: "nothing",
    wit: "nothing: func();",
    js: "nothing() {}",
    params: [],
  },
];

function echoGuest(): { wit: string; js: string } {
  const decls = new Map<string, string>();
  const functions = ECHOES.map(
    (type, index) =>
      `echo-${letters(index)}: func(x: ${witType(type, decls)}) -> ${witType(type, decls)};`,
  );
  witType(
    {
      record: "wide2",
      fields: [
        ["p", "u8"],
        ["q", "s64"],
      ],
    },
    decls,
  );
  const wit = [
    "package wit-ts:diff;",
    "interface echo {",
    ...[...decls.values()].map((d) => `  ${d}`),
    ...functions.map((f) => `  ${f}`),
    ...EXTRAS.map((e) => `  ${e.wit}`),
    "}",
    "world guest { export echo; }",
  ].join("\n");
  const js = [
    "export const echo = {",
    ...ECHOES.map(
      (_, index) =>
        `  echo${letters(index)[0]!.toUpperCase()}${letters(index)[1]}(x) { return x; },`,
    ),
    ...EXTRAS.map((e) => `  ${e.js},`),
    "};",
  ].join("\n");
  return { wit, js };
}

describe("every kind of value, echoed by a componentize-js guest", () => {
  let pair: DifferentialPair;
  beforeAll(async () => {
    const { wit, js } = echoGuest();
    const bytes = await buildComponent({ name: "direct-echo", wit, js, world: "guest" });
    pair = await loadPair("direct-echo", bytes, {});
  }, 300_000);

  it("is called directly in full", () => {
    expect(pair.report.viaJco).toEqual([]);
    expect(pair.report.direct).toBe(ECHOES.length + EXTRAS.length);
  });

  it(
    "gives identical outcomes through both paths for every function",
    async () => {
      const random = createRandom(SEED);
      const per = Math.max(8, Math.floor(CALLS / 3 / (ECHOES.length + EXTRAS.length)));
      for (const [index, type] of ECHOES.entries()) {
        const member = `echo${letters(index)[0]!.toUpperCase()}${letters(index)[1]}`;
        await compare(pair, ["echo", member], [type], per, random, undefined, true);
      }
      for (const extra of EXTRAS) {
        const member = extra.name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
        await compare(pair, ["echo", member], extra.params, per, random);
      }
    },
    TIMEOUT,
  );
});

// ---------------------------------------------------------------------------------------------------------
// Every kind of value through a host import the SDK lowers itself

/**
 * A componentize-js guest whose exports `via-<letters>` pass their argument to the host's `h-<letters>` and
 * return what it answers; the host echoes. With direct calls the guest calls the SDK's own lowered host
 * functions (arguments lifted from flat values and from memory, results lowered into return areas); through
 * jco it calls jco's trampolines.
 */
function viaHostGuest(): { wit: string; js: string } {
  const hostDecls = new Map<string, string>();
  const echoDecls = new Map<string, string>();
  const spill = EXTRAS.find((e) => e.name === "spill")!;
  const signature = (type: TestType, decls: Map<string, string>): string =>
    `func(x: ${witType(type, decls)}) -> ${witType(type, decls)};`;
  const hostFns = ECHOES.map((type, index) => `h-${letters(index)}: ${signature(type, hostDecls)}`);
  const viaFns = ECHOES.map(
    (type, index) => `via-${letters(index)}: ${signature(type, echoDecls)}`,
  );
  for (const decls of [hostDecls, echoDecls]) {
    for (const param of spill.params) witType(param, decls);
  }
  const spillType = spill.wit.slice(spill.wit.indexOf(":") + 1);
  const wit = [
    "package wit-ts:via;",
    "interface host {",
    ...[...hostDecls.values()].map((d) => `  ${d}`),
    ...hostFns.map((f) => `  ${f}`),
    `  h-spill:${spillType}`,
    "}",
    "interface echo {",
    ...[...echoDecls.values()].map((d) => `  ${d}`),
    ...viaFns.map((f) => `  ${f}`),
    `  via-spill:${spillType}`,
    "}",
    "world guest { import host; export echo; }",
  ].join("\n");
  const upper = (index: number): string =>
    `${letters(index)[0]!.toUpperCase()}${letters(index)[1]}`;
  const js = [
    `import { ${ECHOES.map((_, index) => `h${upper(index)}`).join(", ")}, hSpill } from "wit-ts:via/host";`,
    "export const echo = {",
    ...ECHOES.map((_, index) => `  via${upper(index)}(x) { return h${upper(index)}(x); },`),
    "  viaSpill(...args) { return hSpill(...args); },",
    "};",
  ].join("\n");
  return { wit, js };
}

/**
 * The host side of {@link viaHostGuest}: echoes, and the spilled function as the echo guest computes it;
 * `calls.count` counts the calls of the echoes.
 */
function viaHostImports(calls: { count: number }): object {
  const host: Record<string, (...args: unknown[]) => unknown> = {};
  for (const [index] of ECHOES.entries())
    host[`h${letters(index)[0]!.toUpperCase()}${letters(index)[1]}`] = (x) => {
      calls.count++;
      return x;
    };
  host["hSpill"] = (...args) => [
    args
      .map((v) =>
        typeof v === "object"
          ? JSON.stringify(v, (_k, x: unknown) =>
              typeof x === "bigint"
                ? String(x)
                : ArrayBuffer.isView(x)
                  ? Array.from(x as Uint8Array)
                  : x,
            )
          : String(v),
      )
      .join("|"),
    args[0],
    args[4],
  ];
  return { "wit-ts:via/host": host };
}

describe("every kind of value through a host import the SDK lowers", () => {
  let pair: DifferentialPair;
  const calls = { count: 0 };
  beforeAll(async () => {
    const { wit, js } = viaHostGuest();
    const bytes = await buildComponent({ name: "direct-via-host", wit, js, world: "guest" });
    pair = await loadPair("direct-via-host", bytes, viaHostImports(calls));
  }, 300_000);

  it("is called directly in full, its imports lowered by the SDK", () => {
    expect(pair.report.viaJco).toEqual([]);
    expect(pair.report.direct).toBe(ECHOES.length + 1);
    expect(pair.files.get("index.ts")).toContain('directImports: [{ name: "wit-ts:via/host#h-aa"');
  });

  it(
    "gives identical outcomes through both paths for every function",
    async () => {
      const random = createRandom(SEED ^ 0x5a5a);
      const per = Math.max(8, Math.floor(CALLS / 3 / (ECHOES.length + 1)));
      for (const [index, type] of ECHOES.entries()) {
        const member = `via${letters(index)[0]!.toUpperCase()}${letters(index)[1]}`;
        await compare(
          pair,
          ["echo", member],
          [type],
          per,
          random,
          undefined,
          true,
          () => calls.count,
        );
      }
      const spill = EXTRAS.find((e) => e.name === "spill")!;
      await compare(pair, ["echo", "viaSpill"], spill.params, per, random);
    },
    TIMEOUT,
  );

  it("hands the guest the canonical value of a negative s32 in a shared 64-bit slot; the guest then traps passing it on", async () => {
    // `x` of `rect` travels in an i64 slot shared with wider cases. The direct path passes it zero-extended, as
    // the ABI says; the guest, passing it on to the host's import, traps in its own code before the host runs
    // (see guestPassesNegativeI64). jco sign-extends it instead; the guest reads that as 0 and passes 0 on.
    const index = ECHOES.indexOf(SHAPE_PERMS_MANY);
    const via = (pair.direct["echo"] as Record<string, Fn>)[
      `via${letters(index)[0]!.toUpperCase()}${letters(index)[1]}`
    ]!;
    const perms = { read: true, write: false };
    const many = { m0: true, m3: true, m5: true, m13: true, m18: true, m21: true, m28: true };
    const trapped = async (value: unknown): Promise<void> => {
      const before = calls.count;
      const error: unknown = await via(value).then(
        () => "no trap",
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ name: "TrapError" });
      expect(isGuestTrap(error)).toBe(true);
      expect(calls.count).toBe(before);
    };
    await trapped([{ tag: "rect", val: { x: -1, yCoord: NaN } }, perms, many]);
    await trapped([{ tag: "rect", val: { x: -2147483648, yCoord: 0.5 } }, undefined, {}]);
    await trapped([{ tag: "real", val: -0.5 }, undefined, {}]);
    await trapped([{ tag: "rect", val: { x: 1, yCoord: -0.5 } }, undefined, {}]);
    // The next call restarts the instance; values the guest can pass on come back as they went.
    for (const value of [
      [{ tag: "rect", val: { x: 7, yCoord: 0.5 } }, perms, many],
      [{ tag: "rect", val: { x: 2147483647, yCoord: 0.25 } }, undefined, {}],
      [{ tag: "real", val: 0.5 }, perms, {}],
    ]) {
      expect(await via(value)).toEqual(canonicalValue(SHAPE_PERMS_MANY, value));
    }
  });

  it("leaves no task behind: idle() and disposal settle after calls of imports", async () => {
    const echo = pair.direct["echo"] as Record<string, Fn>;
    expect(await echo["viaAd"]!(7)).toBe(7);
    const idle = (pair.direct as { idle(): Promise<void> }).idle();
    const late = new Promise((resolve) => setTimeout(() => resolve("still waiting"), 5_000));
    expect(await Promise.race([idle.then(() => "idle"), late])).toBe("idle");
  });
});

describe("a componentize-js guest passing a negative 64-bit integer to an import (guestPassesNegativeI64)", () => {
  // The guest makes the values itself, so jco's own lowering plays no part: the trap is the guest's.
  const wit = `package t:neg;
interface host {
  record point { x: s32, y: f64 }
  variant shape { circle(f32), rect(point), real(f64) }
  h-shape: func(x: shape) -> u32;
  h-s64: func(x: s64) -> u32;
}
world guest {
  import host;
  export rect: func(x: s32) -> u32;
  export circle: func(x: f32) -> u32;
  export wide: func(x: s64) -> u32;
}`;
  const js = `import { hShape, hS64 } from "t:neg/host";
export function rect(x) { return hShape({ tag: "rect", val: { x, y: 0.5 } }); }
export function circle(x) { return hShape({ tag: "circle", val: x }); }
export function wide(x) { return hS64(x); }`;

  it("traps in the guest before the host runs, through jco and directly alike", async () => {
    const bytes = await buildComponent({ name: "direct-negative-i64", wit, js, world: "guest" });
    let hostCalls = 0;
    const host = {
      hShape: () => ++hostCalls,
      hS64: () => ++hostCalls,
    };
    const pair = await loadPair("direct-negative-i64", bytes, { "t:neg/host": host });
    for (const app of [pair.viaJco, pair.direct] as Record<string, Fn>[]) {
      for (const [name, ok, negative] of [
        ["rect", 1, -1],
        ["circle", 1.5, -1.5],
        ["wide", 1n, -1n],
      ] as const) {
        const before = hostCalls;
        expect(await app[name]!(ok)).toBe(before + 1);
        const error: unknown = await app[name]!(negative).then(
          () => "no trap",
          (e: unknown) => e,
        );
        expect(error, name).toMatchObject({ name: "TrapError" });
        expect(isGuestTrap(error), name).toBe(true);
        expect(hostCalls, name).toBe(before + 1);
      }
    }
  }, 300_000);
});

describe("the guest may not leave during its realloc or post-return (the canonical ABI's may_leave)", () => {
  const wit = `package t:leave;
world w {
  import ping: func(x: u32) -> u32;
  export calls-ping: func(x: u32) -> u32;
  export pings-in-post-return: func(x: u32) -> string;
  export pings-in-realloc: func(s: string) -> u32;
}`;
  // The realloc and the post-return call the host; \`calls-ping\` calls it from the call itself.
  const wat = `(module
    (import "$root" "ping" (func $ping (param i32) (result i32)))
    (memory (export "memory") 1)
    (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
      (drop (call $ping (i32.const 2)))
      (i32.const 1024))
    (func (export "calls-ping") (param i32) (result i32) (call $ping (local.get 0)))
    (func (export "pings-in-post-return") (param i32) (result i32)
      (i32.store (i32.const 16) (i32.const 64)) (i32.store (i32.const 20) (i32.const 0)) (i32.const 16))
    (func (export "cabi_post_pings-in-post-return") (param i32) (drop (call $ping (i32.const 3))))
    (func (export "pings-in-realloc") (param i32 i32) (result i32) (local.get 1)))`;

  it("traps when the guest calls a host import then, and lets it call one otherwise", async () => {
    const bytes = await componentNew(
      await componentEmbed({ binary: await parse(wat), witSource: wit, world: "w" }),
    );
    const pings: number[] = [];
    const pair = await loadPair("direct-leave", bytes, {
      ping: (x: number) => {
        pings.push(x);
        return x + 1;
      },
    });
    expect(pair.report).toEqual({ total: 3, direct: 3, viaJco: [] });
    const app = pair.direct as Record<string, Fn & SyncFn>;
    expect(await app["callsPing"]!(1)).toBe(2);
    expect(pings).toEqual([1]);
    await expect(app["pingsInPostReturn"]!(0)).rejects.toMatchObject({ name: "TrapError" });
    expect(() => app["callsPingSync"]!(1)).toThrow(
      expect.objectContaining({ name: "InstancePoisonedError" }),
    );
    // The next awaited call restarts the instance.
    expect(await app["callsPing"]!(5)).toBe(6);
    await expect(app["pingsInRealloc"]!("abc")).rejects.toMatchObject({ name: "TrapError" });
    expect(await app["callsPing"]!(7)).toBe(8);
    expect(() => app["pingsInReallocSync"]!("abc")).toThrow(
      expect.objectContaining({ name: "TrapError" }),
    );
    expect(pings).toEqual([1, 5, 7]);
  });
});

describe("a synchronous fast form with a post-return, when lifting or the post-return traps", () => {
  const wit = `package t:stages;
world w {
  import ping: func(x: u32) -> u32;
  export calls-ping: func(x: u32) -> u32;
  export pings-in-post-return: func(x: u32) -> string;
  export misaligned-then-pings: func(x: u32) -> string;
  export misaligned: func(x: u32) -> string;
}`;
  // \`misaligned*\` return a return area at 3 (a string's is aligned to 4): lifting traps; the first one's
  // post-return then calls the host, which the canonical ABI forbids (a second trap).
  const wat = `(module
    (import "$root" "ping" (func $ping (param i32) (result i32)))
    (memory (export "memory") 1)
    (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024))
    (func (export "calls-ping") (param i32) (result i32) (call $ping (local.get 0)))
    (func (export "pings-in-post-return") (param i32) (result i32)
      (i32.store (i32.const 16) (i32.const 64)) (i32.store (i32.const 20) (i32.const 0)) (i32.const 16))
    (func (export "cabi_post_pings-in-post-return") (param i32) (drop (call $ping (i32.const 3))))
    (func (export "misaligned-then-pings") (param i32) (result i32) (i32.const 3))
    (func (export "cabi_post_misaligned-then-pings") (param i32) (drop (call $ping (i32.const 4))))
    (func (export "misaligned") (param i32) (result i32) (i32.const 3))
    (func (export "cabi_post_misaligned") (param i32)))`;

  it("runs the post-return after a failed lifting (its trap wins), and lets the guest leave again after a trap in it", async () => {
    const bytes = await componentNew(
      await componentEmbed({ binary: await parse(wat), witSource: wit, world: "w" }),
    );
    const pings: number[] = [];
    const pair = await loadPair("direct-stages", bytes, {
      ping: (x: number) => {
        pings.push(x);
        return x + 1;
      },
    });
    expect(pair.report).toEqual({ total: 4, direct: 4, viaJco: [] });
    const app = pair.direct as Record<string, Fn & SyncFn>;
    const trapOf = (run: () => unknown): { name: string; cause: unknown } => {
      try {
        run();
      } catch (error) {
        return error as { name: string; cause: unknown };
      }
      throw new Error("no trap");
    };
    // Lifting traps, the post-return runs and returns: the lifting's error is the trap.
    const lifting = trapOf(() => app["misalignedSync"]!(0));
    expect(lifting.name).toBe("TrapError");
    expect(String(lifting.cause)).toMatch(/not aligned to 4/);
    // Lifting traps, then the post-return calls the host: it ran, and its trap is the call's.
    expect(await app["callsPing"]!(1)).toBe(2);
    const both = trapOf(() => app["misalignedThenPingsSync"]!(0));
    expect(both.name).toBe("TrapError");
    expect(String(both.cause)).not.toMatch(/not aligned/);
    expect(String(both.cause)).toMatch(/ping/);
    // The post-return traps after a good lifting: once the instance restarted, the guest may leave again.
    expect(await app["callsPing"]!(5)).toBe(6);
    expect(trapOf(() => app["pingsInPostReturnSync"]!(0)).name).toBe("TrapError");
    expect(await app["callsPing"]!(7)).toBe(8);
    expect(app["callsPingSync"]!(9)).toBe(10);
    expect(pings).toEqual([1, 5, 7, 9]);
  });
});
