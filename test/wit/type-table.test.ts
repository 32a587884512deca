/**
 * Tests for the flat tables of the parser (src/wit/type-table.ts, src/wit/param-table.ts) through the
 * resolver: the values a row holds in full (a fixed-length list's u32 length), tables grown past their
 * first allocation (many rows, many tuple elements, many parameters), and every kind of type expression
 * read back into the model.
 */
import { describe, expect, it } from "vitest";
import { resolveFiles } from "../../src/wit/load.js";
import type { Resolve, Type } from "../../src/wit/model.js";

function resolveOne(text: string): Resolve {
  const r = resolveFiles(new Map([["t.wit", text]]), "t.wit");
  expect(r.diagnostics.map((d) => d.message)).toEqual([]);
  return r.resolve!;
}

/** The model's definition of a type, by id, or the primitive's name. */
function describeType(resolve: Resolve, t: Type | undefined): unknown {
  if (t === undefined) return undefined;
  if (typeof t === "string") return t;
  const def = resolve.types[t.id]!;
  if (def.name !== undefined) return def.name;
  const k = def.kind;
  switch (k.kind) {
    case "list":
      return { list: describeType(resolve, k.element) };
    case "fixed-length-list":
      return { list: describeType(resolve, k.element), size: k.size };
    case "option":
      return { option: describeType(resolve, k.type) };
    case "result":
      return { ok: describeType(resolve, k.ok), err: describeType(resolve, k.err) };
    case "tuple":
      return { tuple: k.types.map((e) => describeType(resolve, e)) };
    case "map":
      return { key: describeType(resolve, k.key), value: describeType(resolve, k.value) };
    case "handle":
      return { [k.handle.kind]: resolve.types[k.handle.resource]!.name };
    case "future":
    case "stream":
      return { [k.kind]: describeType(resolve, k.type) };
    default:
      return k.kind;
  }
}

function functionsOf(resolve: Resolve) {
  const iface = resolve.interfaces.find((i) => i.name === "i")!;
  return iface.functions;
}

describe("flat type and parameter tables", () => {
  it("keeps a fixed-length list's length in full, up to the largest u32", () => {
    const resolve = resolveOne(
      "package a:b;\ninterface i { f: func(x: list<u8, 4294967295>, y: list<u8, 2147483648>); }",
    );
    const f = functionsOf(resolve).get("f")!;
    expect(f.params.map((p) => describeType(resolve, p.type))).toEqual([
      { list: "u8", size: 4294967295 },
      { list: "u8", size: 2147483648 },
    ]);
  });

  it("reads back every kind of type expression", () => {
    const resolve = resolveOne(
      [
        "package a:b;",
        "interface i {",
        "  resource r;",
        "  record p { x: u32 }",
        "  f: func(a: p, b: borrow<r>, c: own<r>, d: option<list<string>>, e: result<_, s8>,",
        "    g: result<u8>, h: result, k: tuple<u8, tuple<>, p>, m: map<string, p>, n: future<u8>,",
        "    o: stream, q: error-context) -> tuple<char, bool>;",
        "}",
      ].join("\n"),
    );
    const f = functionsOf(resolve).get("f")!;
    expect(
      Object.fromEntries(f.params.map((p) => [p.name, describeType(resolve, p.type)])),
    ).toEqual({
      a: "p",
      b: { borrow: "r" },
      c: { own: "r" },
      d: { option: { list: "string" } },
      e: { ok: undefined, err: "s8" },
      g: { ok: "u8", err: undefined },
      h: { ok: undefined, err: undefined },
      k: { tuple: ["u8", { tuple: [] }, "p"] },
      m: { key: "string", value: "p" },
      n: { future: "u8" },
      o: { stream: undefined },
      q: "error-context",
    });
    expect(describeType(resolve, f.result)).toEqual({ tuple: ["char", "bool"] });
  });

  it("grows its tables past their first allocation without losing rows", () => {
    // 600 functions of 3 parameters: about 3,000 type rows, 1,800 parameter rows, 1,200 tuple elements; a table is
    // sized from the file's length, so a tuple of 4,000 elements at 3 characters each makes it grow.
    const n = 600;
    const wide = 4000;
    const lines = [
      "package a:b;",
      "interface i {",
      `  type wide = tuple<${Array(wide).fill("u8").join(",")}>;`,
    ];
    for (let k = 0; k < n; k++)
      lines.push(
        `  fn${k}: func(a${k}: tuple<u${8 << (k % 4)}, string>, b: list<u8, ${k + 1}>, c: s32) -> u64;`,
      );
    lines.push("}");
    const resolve = resolveOne(lines.join("\n"));
    const functions = functionsOf(resolve);
    expect(functions.size).toBe(n);
    for (let k = 0; k < n; k++) {
      const f = functions.get(`fn${k}`)!;
      expect(f.params.map((p) => [p.name, describeType(resolve, p.type)])).toEqual([
        [`a${k}`, { tuple: [`u${8 << (k % 4)}`, "string"] }],
        ["b", { list: "u8", size: k + 1 }],
        ["c", "s32"],
      ]);
      expect(f.result).toBe("u64");
    }
    const wideDef = resolve.types[resolve.interfaces[0]!.types.get("wide")!]!;
    expect(wideDef.kind).toEqual({ kind: "tuple", types: Array<string>(wide).fill("u8") });
  });
});
