/**
 * Tests for src/wit/column-pool.ts: the columns of a finished load's type, function and parameter tables are
 * emptied and given to the next load's tables. Checks the pool itself (a column comes back only once, emptied,
 * only to a table of the same length, and only when it is large enough to be kept; typed columns come back
 * zeroed), and that loads of large files that reuse each other's columns
 * give the same model as a load with fresh ones.
 */
import { describe, expect, it } from "vitest";
import { giveBackColumn, takeColumn, takeFloat64, takeInt32 } from "../../src/wit/column-pool.js";
import { toJson } from "../../src/wit/json.js";
import { resolveFiles } from "../../src/wit/load.js";

/** A package of `n` interfaces whose names, parameters and docs all carry `tag`. */
function bigWit(tag: string, n: number): string {
  const lines = [`package ${tag}:big;`];
  for (let i = 0; i < n; i++) {
    lines.push(`/// ${tag} ${i}`, `interface ${tag}-i${i} {`, `  record ${tag}-r { x: u32 }`);
    for (let f = 0; f < 10; f++) {
      lines.push(`  /// ${tag} f${f}`);
      lines.push(`  ${tag}-f${f}: func(${tag}-a: ${tag}-r, ${tag}-b: string, c${f}: u8) -> u32;`);
    }
    lines.push("}");
  }
  return lines.join("\n");
}

function modelOf(text: string): string {
  const r = resolveFiles(new Map([["big.wit", text]]), "big.wit");
  expect(r.diagnostics).toEqual([]);
  return JSON.stringify(toJson(r.resolve!));
}

describe("column pool", () => {
  it("gives a large column back once, emptied, to a table of the same length, and keeps no small one", () => {
    const big = takeColumn<string>(10_000);
    big[0] = "a";
    big[9_999] = "b";
    giveBackColumn(big, 10_000);
    expect(takeColumn<string>(9_000)).not.toBe(big);
    const again = takeColumn<string>(10_000);
    expect(again).toBe(big);
    expect(again[0]).toBeUndefined();
    expect(again[9_999]).toBeUndefined();
    expect(takeColumn<string>(10_000)).not.toBe(big);

    const small = takeColumn<string>(100);
    giveBackColumn(small, 0);
    expect(takeColumn<string>(100)).not.toBe(small);
  });

  it("gives typed columns back zeroed, past the rows a table used too", () => {
    const ints = takeInt32(20_000);
    ints[5] = 7;
    ints[19_999] = 9;
    giveBackColumn(ints, 6);
    const again = takeInt32(20_000);
    expect(again).toBe(ints);
    expect(again.some((x) => x !== 0)).toBe(false);
    const doubles = takeFloat64(20_000);
    doubles[1] = 0.5;
    giveBackColumn(doubles, 2);
    expect(takeInt32(20_000)).not.toBe(doubles);
    expect(takeFloat64(20_000)[1]).toBe(0);
  });

  it("leaves the model of a load that reuses another load's columns as with fresh ones", () => {
    // 2,000 interfaces of 10 functions of 3 parameters: about 1 MB, enough rows for columns the pool keeps.
    const a = bigWit("aa", 2000);
    const b = bigWit("bbbb", 2000);
    const first = modelOf(b);
    modelOf(a);
    expect(modelOf(b)).toBe(first);
    expect(first).toContain("bbbb-f9");
    expect(first).not.toContain("aa-");
  });
});
