/**
 * Fast forms of direct calls (`src/codegen/emit-direct-fast.ts`), as text: every record field is read once,
 * before any check; every string is checked (a lone surrogate refused) before the call enters the gate, and a
 * UTF-8 string lowered by `m.lowerUtf8` inside it, after the gate is entered.
 */
import { describe, expect, it } from "vitest";
import { fastForm } from "../../src/codegen/emit-direct-fast.js";
import type { Resolve, Type } from "../../src/wit/model.js";

/** Two records, the first holding a string and the second, the second a string (the model's shape). */
const resolve = {
  types: [
    {
      kind: {
        kind: "record",
        fields: [
          { name: "s", type: "string" },
          { name: "inner", type: { kind: "id", id: 1 } },
          { name: "n", type: "u32" },
        ],
      },
    },
    { kind: { kind: "record", fields: [{ name: "t", type: "string" }] } },
  ],
} as unknown as Resolve;

describe("fast forms with UTF-8 strings", () => {
  const text = fastForm(
    resolve,
    ["string", { kind: "id", id: 0 } as unknown as Type],
    "string",
    true,
    "utf8",
  )!;

  it("reads every field of every record argument before any check, and checks every string before the gate", () => {
    const firstCheck = text.indexOf("is.string(");
    expect(firstCheck).toBeGreaterThan(0);
    const reads = [...text.matchAll(/\(p1(?:_1)? as Record<string, unknown>\)\["(\w+)"\]/g)];
    expect(reads.map((read) => read[1])).toEqual(["s", "inner", "n", "t"]);
    for (const read of reads) expect(read.index, read[0]).toBeLessThan(firstCheck);
    const enter = text.indexOf("d.enter(core)");
    for (const name of ["p0", "p1_0", "p1_1_0"]) {
      expect(text.indexOf(`!is.string(${name})`), name).toBeLessThan(enter);
      expect(text.indexOf(`m.lowerUtf8(${name})`), name).toBeGreaterThan(enter);
    }
  });
});

describe("fast forms' checks", () => {
  // The record of five scalars the bench calls, then a string followed by numbers.
  const rec5 = {
    types: [
      {
        kind: {
          kind: "record",
          fields: ["u32", "u64", "f32", "f64", "bool"].map((type, index) => ({
            name: "abcde"[index],
            type,
          })),
        },
      },
    ],
  } as unknown as Resolve;

  it("refuses a record of numbers in one check after its object check (a form small enough to inline)", () => {
    const text = fastForm(rec5, [{ kind: "id", id: 0 } as unknown as Type], "u32", false, "utf8")!;
    expect([...text.matchAll(/return d\.slow\(/g)]).toHaveLength(2);
    expect(text).toContain(
      "if (!is.u32(p0_0) || !is.u64(p0_1) || !is.f32(p0_2) || !is.f64(p0_3) || !is.bool(p0_4)) return",
    );
  });

  it("checks a string and the numbers after it in one check", () => {
    const text = fastForm(rec5, ["string", "u32", "s64"], undefined, true, "utf8")!;
    expect(text).toContain("if (!is.string(p0) || !is.u32(p1) || !is.s64(p2)) return");
    expect([...text.matchAll(/return d\.slow\(/g)]).toHaveLength(1);
  });
});
