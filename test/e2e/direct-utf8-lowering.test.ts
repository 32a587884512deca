/**
 * End to end, UTF-8 strings lowered by direct calls: a WAT guest whose `realloc` records every call it gets
 * (old pointer, old size, alignment, new size) and moves what the old allocation held, as a realloc does. Each
 * string is passed through the synchronous fast form and the awaited form and echoed back; the guest's record
 * must be the sequence of the canonical ABI's `store_string_to_utf8` for a UTF-16 source (CanonicalABI.md) for
 * strings up to 48 units (one byte a unit first, then the worst case at the first unit that is not ASCII, then
 * a shrink to what was written), a single exact allocation for longer ones, and nothing at all for the empty
 * string and for a string with a lone surrogate, which is refused before the guest's `realloc` runs.
 */
import { componentEmbed, componentNew, parse } from "@bytecodealliance/jco";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPair, type DifferentialPair } from "./support/differential.js";
import { removeTempDirs } from "./support/temp-dirs.js";

afterAll(removeTempDirs);

const WIT = `package t:utf8;
world w {
  export echo: func(s: string) -> string;
  export reallocs: func() -> list<u32>;
}`;

/** The guest's allocations start here, each `size + 8` bytes after the last; `reallocs` starts them again. */
const HEAP = 4096;
const WAT = `(module
  (memory (export "memory") 4)
  (global $bump (mut i32) (i32.const ${HEAP}))
  (global $logged (mut i32) (i32.const 0))
  (func (export "cabi_realloc") (param $old i32) (param $oldSize i32) (param $align i32) (param $size i32)
    (result i32)
    (local $at i32) (local $ptr i32)
    (local.set $at (i32.add (i32.const 1024) (i32.shl (global.get $logged) (i32.const 2))))
    (i32.store (local.get $at) (local.get $old))
    (i32.store offset=4 (local.get $at) (local.get $oldSize))
    (i32.store offset=8 (local.get $at) (local.get $align))
    (i32.store offset=12 (local.get $at) (local.get $size))
    (global.set $logged (i32.add (global.get $logged) (i32.const 4)))
    (local.set $ptr (global.get $bump))
    (global.set $bump (i32.add (local.get $ptr) (i32.add (local.get $size) (i32.const 8))))
    (memory.copy (local.get $ptr) (local.get $old)
      (select (local.get $oldSize) (local.get $size) (i32.lt_u (local.get $oldSize) (local.get $size))))
    (local.get $ptr))
  (func (export "echo") (param i32 i32) (result i32)
    (i32.store (i32.const 16) (local.get 0)) (i32.store (i32.const 20) (local.get 1)) (i32.const 16))
  (func (export "reallocs") (result i32)
    (i32.store (i32.const 16) (i32.const 1024)) (i32.store (i32.const 20) (global.get $logged))
    (global.set $logged (i32.const 0)) (global.set $bump (i32.const ${HEAP}))
    (i32.const 16)))`;

/**
 * The `realloc` calls `store_string_to_utf8` makes for `text` against the guest above (whose answers are
 * known: a bump from {@link HEAP}), flattened as the guest records them.
 */
function specCalls(text: string): number[] {
  const units = text.length;
  const size = new TextEncoder().encode(text).length;
  let bump = HEAP;
  const calls: number[] = [];
  const realloc = (old: number, oldSize: number, newSize: number): number => {
    calls.push(old, oldSize, 1, newSize);
    const ptr = bump;
    bump = ptr + newSize + 8;
    return ptr;
  };
  let ptr = realloc(0, 0, units);
  if (size > units) {
    const worst = units * 3;
    ptr = realloc(ptr, units, worst);
    if (worst > size) realloc(ptr, worst, size);
  }
  return calls;
}

const ascii = (n: number): string =>
  Array.from({ length: n }, (_, i) => String.fromCharCode(97 + (i % 26))).join("");
const put = (text: string, at: number, unit: string): string =>
  text.slice(0, at) + unit + text.slice(at + 1);

type Api = Record<string, (...args: unknown[]) => unknown>;
/** The guest's record (a `list<u32>` comes back as a `Uint32Array`) as an array. */
const log = (list: unknown): number[] => [...(list as Uint32Array)];

describe("UTF-8 strings lowered as the canonical ABI's store_string_to_utf8 (a WAT guest that records its realloc calls)", () => {
  let pair: DifferentialPair;
  let api: Api;

  beforeAll(async () => {
    const bytes = await componentNew(
      await componentEmbed({ binary: await parse(WAT), witSource: WIT, world: "w" }),
    );
    pair = await loadPair("direct-utf8-lowering", bytes, {});
    expect(pair.report).toEqual({ total: 2, direct: 2, viaJco: [] });
    api = pair.direct as Api;
  }, 120_000);

  const short: string[] = [];
  for (const length of [1, 2, 13, 47, 48]) {
    const base = ascii(length);
    short.push(base);
    for (const at of [...new Set([0, length >> 1, length - 1])]) {
      short.push(put(base, at, "é"), put(base, at, "✓"));
      if (at + 1 < length) short.push(put(put(base, at, "\ud83d"), at + 1, "\ude00"));
    }
  }
  short.push("😀", "é".repeat(48), "✓".repeat(48));

  it("makes the algorithm's realloc calls for ASCII and non-ASCII strings of 1 to 48 units, both forms", async () => {
    for (const text of short) {
      const label = JSON.stringify(text);
      expect(api["echoSync"]!(text), label).toBe(text);
      expect(log(api["reallocsSync"]!()), label).toEqual(specCalls(text));
      expect(await api["echo"]!(text), label).toBe(text);
      expect(log(await api["reallocs"]!()), label).toEqual(specCalls(text));
    }
  });

  it("passes the empty string as (1, 0) without an allocation, and allocates longer ones once, exactly", async () => {
    expect(api["echoSync"]!("")).toBe("");
    expect(log(api["reallocsSync"]!())).toEqual([]);
    for (const text of [ascii(49), `${ascii(48)}é`, `é${ascii(60)}`, "✓".repeat(49), ascii(1000)]) {
      const size = new TextEncoder().encode(text).length;
      expect(api["echoSync"]!(text)).toBe(text);
      expect(log(api["reallocsSync"]!()), JSON.stringify(text)).toEqual([0, 0, 1, size]);
      expect(await api["echo"]!(text)).toBe(text);
      expect(log(await api["reallocs"]!())).toEqual([0, 0, 1, size]);
    }
  });

  it("refuses a lone surrogate at every position with its path before the guest's realloc runs, both forms", async () => {
    for (const length of [1, 2, 13, 47, 48, 49]) {
      for (let at = 0; at < length; at++) {
        for (const unit of ["\ud800", "\udbff", "\udc00", "\udfff"]) {
          const text = put(ascii(length), at, unit);
          const label = `${length} units, ${unit.charCodeAt(0).toString(16)} at ${at}`;
          const refusal = /^`s` must be a string of Unicode scalar values \(no lone surrogates\)/;
          expect(() => api["echoSync"]!(text), label).toThrow(TypeError);
          expect(() => api["echoSync"]!(text), label).toThrow(refusal);
          await expect(api["echo"]!(text), label).rejects.toThrow(refusal);
          expect(log(api["reallocsSync"]!()), label).toEqual([]);
        }
      }
    }
    // The instance is not poisoned: the next call runs.
    expect(api["echoSync"]!("ok")).toBe("ok");
  });
});
