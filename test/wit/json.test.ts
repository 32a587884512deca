/**
 * The JSON of a resolved model must be wit-parser's serde output exactly:
 * key order, omitted-when-empty fields, `null`s, `interface-N` world keys,
 * handle and stability shapes. Each test resolves a small WIT text and
 * compares whole JSON texts.
 */
import { describe, expect, it } from "vitest";
import { toJson } from "../../src/wit/json.js";
import { resolveFiles } from "../../src/wit/load.js";
import type { ResolveOptions } from "../../src/wit/load.js";

function json(text: string, options?: ResolveOptions): string {
  const r = resolveFiles(new Map([["test.wit", text]]), "test.wit", options);
  expect(r.diagnostics.map((d) => d.message)).toEqual([]);
  return JSON.stringify(toJson(r.resolve!));
}

describe("toJson", () => {
  it("writes an empty package", () => {
    expect(json("package a:b;\n")).toBe(
      '{"worlds":[],"interfaces":[],"types":[],"packages":[{"name":"a:b","interfaces":{},"worlds":{}}]}',
    );
  });

  it("writes package docs and versions", () => {
    expect(json("/// The package.\npackage a:b@1.2.3-rc.1;\n")).toBe(
      '{"worlds":[],"interfaces":[],"types":[],"packages":[{"name":"a:b@1.2.3-rc.1","docs":{"contents":"The package."},"interfaces":{},"worlds":{}}]}',
    );
  });

  it("writes interfaces, functions and their optional fields in serde order", () => {
    const text = [
      "package a:b@1.0.0;",
      "/// An interface.",
      "@since(version = 1.0.0)",
      "interface i {",
      "  /// Does f.",
      "  @unstable(feature = x)",
      "  @deprecated(version = 1.0.0)",
      "  f: func(a: u32) -> string;",
      "  g: func();",
      "}",
      "",
    ].join("\n");
    expect(json(text, { features: ["x"] })).toBe(
      JSON.stringify({
        worlds: [],
        interfaces: [
          {
            name: "i",
            types: {},
            functions: {
              f: {
                name: "f",
                kind: "freestanding",
                params: [{ name: "a", type: "u32" }],
                result: "string",
                docs: { contents: "Does f." },
                stability: { unstable: { feature: "x", deprecated: "1.0.0" } },
              },
              g: { name: "g", kind: "freestanding", params: [] },
            },
            docs: { contents: "An interface." },
            stability: { stable: { since: "1.0.0" } },
            package: 0,
          },
        ],
        types: [],
        packages: [{ name: "a:b@1.0.0", interfaces: { i: 0 }, worlds: {} }],
      }),
    );
  });

  it("writes every kind of type definition", () => {
    const text = [
      "package a:b;",
      "interface i {",
      "  resource r {",
      "    constructor();",
      "    m: async func();",
      "    s: static func() -> u8;",
      "  }",
      "  /// A record.",
      "  record rec {",
      "    /// Field.",
      "    x: u8,",
      "  }",
      "  flags fl { a }",
      "  variant v { none, some(u8) }",
      "  enum e { a }",
      "  type t = tuple<u8, char>;",
      "  type o = option<bool>;",
      "  type res = result<_, string>;",
      "  type l = list<u8>;",
      "  type fl4 = list<u8, 4>;",
      "  type m = map<string, u8>;",
      "  type fu = future;",
      "  type st = stream<u8>;",
      "  type al = u64;",
      "  type own-r = own<r>;",
      "  type ec = error-context;",
      "}",
      "",
    ].join("\n");
    const out = JSON.parse(json(text));
    expect(out.types.map((t: unknown) => JSON.stringify(t))).toEqual([
      '{"name":"r","kind":"resource","owner":{"interface":0}}',
      '{"name":"rec","kind":{"record":{"fields":[{"name":"x","type":"u8","docs":{"contents":"Field."}}]}},"owner":{"interface":0},"docs":{"contents":"A record."}}',
      '{"name":"fl","kind":{"flags":{"flags":[{"name":"a"}]}},"owner":{"interface":0}}',
      '{"name":"v","kind":{"variant":{"cases":[{"name":"none","type":null},{"name":"some","type":"u8"}]}},"owner":{"interface":0}}',
      '{"name":"e","kind":{"enum":{"cases":[{"name":"a"}]}},"owner":{"interface":0}}',
      '{"name":"t","kind":{"tuple":{"types":["u8","char"]}},"owner":{"interface":0}}',
      '{"name":"o","kind":{"option":"bool"},"owner":{"interface":0}}',
      '{"name":"res","kind":{"result":{"ok":null,"err":"string"}},"owner":{"interface":0}}',
      '{"name":"l","kind":{"list":"u8"},"owner":{"interface":0}}',
      '{"name":"fl4","kind":{"fixed-length-list":["u8",4]},"owner":{"interface":0}}',
      '{"name":"m","kind":{"map":["string","u8"]},"owner":{"interface":0}}',
      '{"name":"fu","kind":{"future":null},"owner":{"interface":0}}',
      '{"name":"st","kind":{"stream":"u8"},"owner":{"interface":0}}',
      '{"name":"al","kind":{"type":"u64"},"owner":{"interface":0}}',
      '{"name":"own-r","kind":{"handle":{"own":0}},"owner":{"interface":0}}',
      '{"name":"ec","kind":{"type":"error-context"},"owner":{"interface":0}}',
      '{"name":null,"kind":{"handle":{"borrow":0}},"owner":null}',
      '{"name":null,"kind":{"handle":{"own":0}},"owner":null}',
    ]);
    // The constructor's result (17) is the implicit `own<r>` made when functions are mapped, after the types.
    expect(JSON.stringify(out.interfaces[0].functions)).toBe(
      JSON.stringify({
        "[constructor]r": {
          name: "[constructor]r",
          kind: { constructor: 0 },
          params: [],
          result: 17,
        },
        "[method]r.m": {
          name: "[method]r.m",
          kind: { "async-method": 0 },
          params: [{ name: "self", type: 16 }],
        },
        "[static]r.s": { name: "[static]r.s", kind: { static: 0 }, params: [], result: "u8" },
      }),
    );
  });

  it("writes world keys, items and stability", () => {
    const text = [
      "package a:b@1.0.0;",
      "interface i {}",
      "/// A world.",
      "world w {",
      "  @since(version = 1.0.0)",
      "  import i;",
      "  import x: interface {}",
      "  type t = u8;",
      "  export f: async func(a: t);",
      "}",
      "",
    ].join("\n");
    const out = JSON.parse(json(text));
    expect(JSON.stringify(out.worlds)).toBe(
      JSON.stringify([
        {
          name: "w",
          imports: {
            "interface-0": { interface: { id: 0, stability: { stable: { since: "1.0.0" } } } },
            x: { interface: { id: 1 } },
            t: { type: 0 },
          },
          exports: {
            f: {
              function: { name: "f", kind: "async-freestanding", params: [{ name: "a", type: 0 }] },
            },
          },
          package: 0,
          docs: { contents: "A world." },
        },
      ]),
    );
    expect(JSON.stringify(out.interfaces[1])).toBe(
      '{"name":null,"types":{},"functions":{},"package":0}',
    );
    expect(JSON.stringify(out.types[0])).toBe(
      '{"name":"t","kind":{"type":"u8"},"owner":{"world":0}}',
    );
  });
});
