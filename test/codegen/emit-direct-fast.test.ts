/**
 * Fast forms of direct calls (`src/codegen/emit-direct-fast.ts`), as text: a UTF-8 string is packed into a
 * slot of its own before the call enters the gate and written from it after `realloc`, so no getter may run
 * between a packing and its write (a getter may call the SDK, whose next fast form packs into the same
 * slots). Every field read comes before the first string is packed, and each string keeps its slot.
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

  it("reads every field of every record argument before it packs any string", () => {
    const firstPack = text.indexOf("d.utf8Size(");
    expect(firstPack).toBeGreaterThan(0);
    const reads = [...text.matchAll(/\(p1(?:_1)? as Record<string, unknown>\)\["(\w+)"\]/g)];
    expect(reads.map((read) => read[1])).toEqual(["s", "inner", "n", "t"]);
    for (const read of reads) expect(read.index, read[0]).toBeLessThan(firstPack);
  });

  it("gives each string a slot of its own and writes it from that slot", () => {
    expect([...text.matchAll(/d\.utf8Size\((\w+), (\d)\)/g)].map((m) => [m[1], m[2]])).toEqual([
      ["p0", "0"],
      ["p1_0", "1"],
      ["p1_1_0", "2"],
    ]);
    for (const [name, slot] of [
      ["p0", 0],
      ["p1_0", 1],
      ["p1_1_0", 2],
    ])
      expect(text).toContain(`m.lowerMeasured(${name}, ${name}z, ${slot})`);
  });
});
