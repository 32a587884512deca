/**
 * Tests for the WIT parser (src/wit/parser.ts): every AST node kind from a
 * small snippet (whole trees compared, spans stripped), exact spans in a
 * second file and at end of file, rendered error frames, nesting limits, and
 * wit-parser's own UI suite: every positive input (and every file of a
 * multi-file case) must parse, every syntactic parse-fail case must give
 * wit-parser's message at wit-parser's line:col, and every other parse-fail
 * case (a resolver error) must parse.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { renderDiagnostic } from "../../src/diagnostics/render.js";
import { SourceMap } from "../../src/diagnostics/source-map.js";
import {
  docsContents,
  externSpan,
  type Import,
  type Interface,
  type TypeAlias,
  type WitFile,
  type World,
} from "../../src/wit/ast.js";
import { FuncTable } from "../../src/wit/func-table.js";
import { ParamTable } from "../../src/wit/param-table.js";
import { parseFile } from "../../src/wit/parser.js";
import {
  NO_TYPE,
  PRIMITIVE_NAMES,
  Ty,
  typeErrorSpan,
  TypeTable,
  type TyKind,
  type TypeRef,
} from "../../src/wit/type-table.js";

/** The tables of the file `parseOk` parsed last, for `strip` to read type expressions, functions and parameters from. */
let lastTypes = new TypeTable();
let lastFuncs = new FuncTable();
let lastParams = new ParamTable();

const FUNC_KIND_NAMES = ["func", "method", "static", "constructor"] as const;

/**
 * A function's row as the nodes it stands for in wit-parser's tree, stripped: the signature (`async`,
 * parameters, result) and, with `item`, the item around it (kind, name, docs, gates).
 */
function funcNode(row: number, item: boolean): unknown {
  const f = lastFuncs;
  const result = f.result[row]!;
  const firstParam = f.firstParam[row]!;
  const func = strip({
    async: f.isAsync(row),
    params: Array.from({ length: f.paramCount[row]! }, (_, i) => ({
      name: lastParams.names[firstParam + i],
      type: typeNode(lastTypes, lastParams.type[firstParam + i]!),
    })),
    result: result === NO_TYPE ? undefined : typeNode(lastTypes, result),
  });
  if (!item) return func;
  const docs = f.docs[row]!;
  const attributes = f.attributes[row]!;
  return {
    kind: FUNC_KIND_NAMES[f.kind(row)],
    name: f.names[row],
    ...(docs.comments.length === 0 ? {} : { docs: docs.comments }),
    ...(attributes.length === 0 ? {} : { attributes: strip(attributes) }),
    func,
  };
}

/** An interface's items with its freestanding functions (rows) put back among them in source order. */
function itemsWithFuncs(o: Record<string, unknown>): unknown[] {
  const items = [...(o.items as { start: number }[])];
  const placed: { start: number; node: unknown }[] = items.map((i) => ({
    start: i.start,
    node: i,
  }));
  const first = o.firstFunc as number;
  for (let row = first; row < first + (o.funcCount as number); row++) {
    if (lastFuncs.resources[row] !== undefined) continue;
    placed.push({ start: lastFuncs.nameStart[row]!, node: funcNode(row, true) });
  }
  placed.sort((a, b) => a.start - b.start);
  return placed.map((p) => (items.includes(p.node as { start: number }) ? strip(p.node) : p.node));
}

/**
 * A row of the type table as the tree it stands for, without spans (a handle's resource and a
 * named type's name as strings, absent operands left out), so that types compare by value.
 */
function typeNode(t: TypeTable, ref: TypeRef): unknown {
  const opt = (r: number) => (r === NO_TYPE ? undefined : typeNode(t, r));
  const kind = t.kind[ref] as TyKind;
  const a = t.a[ref]!;
  const b = t.b[ref]!;
  switch (kind) {
    case Ty.Primitive:
      return { kind: "primitive", name: PRIMITIVE_NAMES[a] };
    case Ty.Name:
      return { kind: "name", name: t.names[a] };
    case Ty.Own:
    case Ty.Borrow:
      return { kind: kind === Ty.Own ? "own" : "borrow", resource: t.names[a] };
    case Ty.List:
      return { kind: "list", element: typeNode(t, a) };
    case Ty.FixedLengthList:
      return { kind: "fixed-length-list", element: typeNode(t, a), size: b };
    case Ty.Map:
      return { kind: "map", key: typeNode(t, a), value: typeNode(t, b) };
    case Ty.Option:
      return { kind: "option", element: typeNode(t, a) };
    case Ty.Result:
      return strip({ kind: "result", ok: opt(a), err: opt(b) });
    case Ty.Tuple:
      return { kind: "tuple", types: [...t.elems.subarray(a, a + b)].map((e) => typeNode(t, e)) };
    case Ty.Future:
    case Ty.Stream:
      return strip({ kind: kind === Ty.Future ? "future" : "stream", element: opt(a) });
    default: {
      const never: never = kind;
      throw new Error(`unknown type kind ${String(never)}`);
    }
  }
}

function parseIn(sources: SourceMap, path: string, text: string) {
  sources.add(path, text);
  return parseFile(sources.files[sources.files.length - 1]!);
}

/** Parses `text` and fails the test on any diagnostic. */
function parseOk(text: string): WitFile {
  const sources = new SourceMap();
  const r = parseIn(sources, "t.wit", text);
  expect(r.diagnostics.map((d) => renderDiagnostic(d, sources))).toEqual([]);
  lastTypes = r.ast!.types;
  lastFuncs = r.ast!.funcs;
  lastParams = r.ast!.params;
  return r.ast!;
}

/** Parses `text`, expects exactly one diagnostic and returns it rendered. */
function parseErr(text: string, path = "t.wit"): string {
  const sources = new SourceMap();
  const r = parseIn(sources, path, text);
  expect(r.ast).toBeUndefined();
  expect(r.diagnostics).toHaveLength(1);
  return renderDiagnostic(r.diagnostics[0]!, sources);
}

const SPAN_KEYS = new Set([
  "start",
  "end",
  "useSpan",
  "packageSpan",
  "funcStart",
  "funcEnd",
  "sizeSpan",
]);

/**
 * The tree without spans (every node is a span: `start` and `end`): an `Id`
 * becomes its name, `Docs` its comments (dropped when empty), so whole trees
 * can be compared by value.
 */
function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strip);
  if (node === null || typeof node !== "object") return node;
  const o = node as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 3 && "name" in o && "start" in o && typeof o.name === "string") return o.name;
  if (keys.length === 3 && "comments" in o && "start" in o) return o.comments;
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    if (SPAN_KEYS.has(k)) continue;
    // Functions are rows: an interface's go back among its items, a resource's members into `funcs`.
    if (k === "funcCount" || (k === "items" && "firstFunc" in o)) continue;
    if (k === "firstFunc") {
      if (o.kind === "resource") {
        out.funcs = Array.from({ length: o.funcCount as number }, (_, i) =>
          funcNode((o.firstFunc as number) + i, true),
        );
      } else {
        out.items = itemsWithFuncs(o);
      }
      continue;
    }
    if (k === "func" && typeof o[k] === "number") {
      out.func = funcNode(o[k], false);
      continue;
    }
    const v = o[k];
    if (v === undefined) continue;
    if (
      v instanceof TypeTable ||
      v instanceof FuncTable ||
      v instanceof ParamTable ||
      k === "paramCount"
    )
      continue;
    if (k === "firstParam") {
      const rows = Array.from({ length: o.paramCount as number }, (_, i) => (v as number) + i);
      out.params = rows.map((row) => ({
        name: lastParams.names[row],
        type: typeNode(lastTypes, lastParams.type[row]!),
      }));
      continue;
    }
    if ((k === "type" || k === "result") && typeof v === "number") {
      out[k] = typeNode(lastTypes, v);
      continue;
    }
    if (
      k === "docs" &&
      Array.isArray((v as { comments: unknown[] }).comments) &&
      (v as { comments: unknown[] }).comments.length === 0
    )
      continue;
    if (k === "attributes" && Array.isArray(v) && v.length === 0) continue;
    out[k] = strip(v);
  }
  return out;
}

/** The first item of the first interface of `text`'s body, stripped. */
function firstInterfaceItems(text: string): unknown {
  const ast = parseOk(`interface i {\n${text}\n}`);
  return (strip(ast.items[0] as Interface) as { items: unknown }).items;
}

/** The type of `type t = <ty>;`, stripped. */
function ty(text: string): unknown {
  const ast = parseOk(`interface i { type t = ${text}; }`);
  return typeNode(ast.types, ((ast.items[0] as Interface).items[0] as TypeAlias).type);
}

const V = (text: string, major: number, minor: number, patch: number, pre = "", build = "") => ({
  text,
  major,
  minor,
  patch,
  pre,
  build,
});

describe("files and packages", () => {
  test("an empty file", () => {
    expect(strip(parseOk(""))).toEqual({ kind: "file", path: "t.wit", items: [] });
  });

  test("a package header with docs and a version", () => {
    expect(strip(parseOk("/// the docs\npackage a:b@1.2.3-rc.1+b7;"))).toEqual({
      kind: "file",
      path: "t.wit",
      package: {
        docs: ["/// the docs"],
        namespace: "a",
        name: "b",
        version: V("1.2.3-rc.1+b7", 1, 2, 3, "rc.1", "b7"),
      },
      items: [],
    });
  });

  test("nested package blocks, a top-level use, and docs reparsed for the first item", () => {
    const ast = parseOk(
      "// c\npackage a:b { interface i {} }\nuse x:y/z@1.0.0 as w;\npackage c:d@2.0.0 { world w {} }",
    );
    expect(strip(ast)).toEqual({
      kind: "file",
      path: "t.wit",
      items: [
        {
          kind: "package",
          docs: ["// c"],
          name: { docs: ["// c"], namespace: "a", name: "b" },
          items: [{ kind: "interface", name: "i", items: [] }],
        },
        {
          kind: "toplevel-use",
          item: {
            kind: "package",
            package: { namespace: "x", name: "y", version: V("1.0.0", 1, 0, 0) },
            name: "z",
          },
          as: "w",
        },
        {
          kind: "package",
          name: { namespace: "c", name: "d", version: V("2.0.0", 2, 0, 0) },
          items: [{ kind: "world", name: "w", items: [] }],
        },
      ],
    });
  });

  test("packages nested in nested packages parse (the resolver rejects them)", () => {
    const ast = parseOk("package a:b;\npackage a:c { package a:d { } }");
    expect(strip(ast)).toEqual({
      kind: "file",
      path: "t.wit",
      package: { namespace: "a", name: "b" },
      items: [
        {
          kind: "package",
          name: { namespace: "a", name: "c" },
          items: [{ kind: "package", name: { namespace: "a", name: "d" }, items: [] }],
        },
      ],
    });
  });

  test("gates on items", () => {
    const ast = parseOk(
      "package a:b@1.0.0;\n@since(version = 1.0.0)\n@deprecated(version = 1.1.0)\ninterface i {}\n@unstable(feature = fancy-x)\nworld w {}",
    );
    expect(strip(ast.items)).toEqual([
      {
        kind: "interface",
        attributes: [
          { kind: "since", version: V("1.0.0", 1, 0, 0) },
          { kind: "deprecated", version: V("1.1.0", 1, 1, 0) },
        ],
        name: "i",
        items: [],
      },
      {
        kind: "world",
        attributes: [{ kind: "unstable", feature: "fancy-x" }],
        name: "w",
        items: [],
      },
    ]);
  });

  test("versions as wit-parser gathers them", () => {
    const version = (v: string) => strip(parseOk(`package a:b@${v};`).package!.version);
    expect(version("1.0.1--")).toEqual(V("1.0.1--", 1, 0, 1, "-"));
    expect(version("1.0.1-1a+1a")).toEqual(V("1.0.1-1a+1a", 1, 0, 1, "1a", "1a"));
    expect(version("1.0.0-a1.1-a")).toEqual(V("1.0.0-a1.1-a", 1, 0, 0, "a1.1-a"));
    // A `.` not followed by a version part belongs to the `use` syntax.
    const use = firstInterfaceItems("use a:b/c@1.0.0-rc.{x};") as {
      from: { package: { version: unknown } };
    }[];
    expect(use[0]!.from.package.version).toEqual(V("1.0.0-rc", 1, 0, 0, "rc"));
  });
});

describe("interfaces", () => {
  test("type definitions of every kind, with member docs and trailing commas", () => {
    expect(
      firstInterfaceItems(
        [
          "type a = u32;",
          "record r { /// x doc\n x: u8, y: string, }",
          "flags f { p, q }",
          "variant v { none, some(u32), }",
          "enum e { x, %y }",
          "resource r1;",
          "resource r2 {}",
        ].join("\n"),
      ),
    ).toEqual([
      { kind: "type", name: "a", type: { kind: "primitive", name: "u32" } },
      {
        kind: "record",
        name: "r",
        fields: [
          { docs: ["/// x doc"], name: "x", type: { kind: "primitive", name: "u8" } },
          { name: "y", type: { kind: "primitive", name: "string" } },
        ],
      },
      { kind: "flags", name: "f", flags: [{ name: "p" }, { name: "q" }] },
      {
        kind: "variant",
        name: "v",
        cases: [{ name: "none" }, { name: "some", type: { kind: "primitive", name: "u32" } }],
      },
      { kind: "enum", name: "e", cases: [{ name: "x" }, { name: "y" }] },
      { kind: "resource", name: "r1", hasBody: false, funcs: [] },
      { kind: "resource", name: "r2", hasBody: true, funcs: [] },
    ]);
  });

  test("resources with constructor, methods, static and async functions", () => {
    expect(
      firstInterfaceItems(
        "resource r {\n constructor(a: u32) -> result<r, string>;\n m: func();\n @since(version = 1.0.0)\n s: static async func() -> r;\n a: async func(x: borrow<r>,);\n}",
      ),
    ).toEqual([
      {
        kind: "resource",
        name: "r",
        hasBody: true,
        funcs: [
          {
            kind: "constructor",
            name: "constructor",
            func: {
              async: false,
              params: [{ name: "a", type: { kind: "primitive", name: "u32" } }],
              result: {
                kind: "result",
                ok: { kind: "name", name: "r" },
                err: { kind: "primitive", name: "string" },
              },
            },
          },
          { kind: "method", name: "m", func: { async: false, params: [] } },
          {
            kind: "static",
            attributes: [{ kind: "since", version: V("1.0.0", 1, 0, 0) }],
            name: "s",
            func: { async: true, params: [], result: { kind: "name", name: "r" } },
          },
          {
            kind: "method",
            name: "a",
            func: { async: true, params: [{ name: "x", type: { kind: "borrow", resource: "r" } }] },
          },
        ],
      },
    ]);
  });

  test("functions and uses with renames", () => {
    expect(
      firstInterfaceItems(
        "use a.{b, c as d};\nuse x:y/z.{};\nf: func(a: u8, b: own<r>) -> u8;\ng: async func();",
      ),
    ).toEqual([
      {
        kind: "use",
        from: { kind: "id", id: "a" },
        names: [{ name: "b" }, { name: "c", as: "d" }],
      },
      {
        kind: "use",
        from: { kind: "package", package: { namespace: "x", name: "y" }, name: "z" },
        names: [],
      },
      {
        kind: "func",
        name: "f",
        func: {
          async: false,
          params: [
            { name: "a", type: { kind: "primitive", name: "u8" } },
            { name: "b", type: { kind: "own", resource: "r" } },
          ],
          result: { kind: "primitive", name: "u8" },
        },
      },
      { kind: "func", name: "g", func: { async: true, params: [] } },
    ]);
  });
});

describe("type expressions", () => {
  test("every primitive", () => {
    for (const p of [
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
      "error-context",
    ]) {
      expect(ty(p)).toEqual({ kind: "primitive", name: p });
    }
  });

  test("named types, plain and escaped", () => {
    expect(ty("my-type")).toEqual({ kind: "name", name: "my-type" });
    expect(ty("%record")).toEqual({ kind: "name", name: "record" });
  });

  test("lists, fixed-length lists, maps, options, tuples", () => {
    expect(ty("list<u8>")).toEqual({ kind: "list", element: { kind: "primitive", name: "u8" } });
    expect(ty("list<u8, 4>")).toEqual({
      kind: "fixed-length-list",
      element: { kind: "primitive", name: "u8" },
      size: 4,
    });
    expect(ty("map<string, list<x>>")).toEqual({
      kind: "map",
      key: { kind: "primitive", name: "string" },
      value: { kind: "list", element: { kind: "name", name: "x" } },
    });
    expect(ty("option<bool>")).toEqual({
      kind: "option",
      element: { kind: "primitive", name: "bool" },
    });
    expect(ty("tuple<u8, s8,>")).toEqual({
      kind: "tuple",
      types: [
        { kind: "primitive", name: "u8" },
        { kind: "primitive", name: "s8" },
      ],
    });
    expect(ty("tuple<>")).toEqual({ kind: "tuple", types: [] });
  });

  test("result in all four forms", () => {
    expect(ty("result")).toEqual({ kind: "result" });
    expect(ty("result<u8>")).toEqual({ kind: "result", ok: { kind: "primitive", name: "u8" } });
    expect(ty("result<_, e>")).toEqual({ kind: "result", err: { kind: "name", name: "e" } });
    expect(ty("result<u8, e>")).toEqual({
      kind: "result",
      ok: { kind: "primitive", name: "u8" },
      err: { kind: "name", name: "e" },
    });
  });

  test("handles, futures and streams", () => {
    expect(ty("own<r>")).toEqual({ kind: "own", resource: "r" });
    expect(ty("borrow<r>")).toEqual({ kind: "borrow", resource: "r" });
    expect(ty("future")).toEqual({ kind: "future" });
    expect(ty("future<u8>")).toEqual({
      kind: "future",
      element: { kind: "primitive", name: "u8" },
    });
    expect(ty("stream")).toEqual({ kind: "stream" });
    expect(ty("stream<future<u8>>")).toEqual({
      kind: "stream",
      element: { kind: "future", element: { kind: "primitive", name: "u8" } },
    });
  });
});

describe("worlds", () => {
  test("every kind of world item", () => {
    const ast = parseOk(
      [
        "world w {",
        "  import a;",
        "  import x:y/z@1.0.0;",
        "  export f: func(a: u8) -> string;",
        "  export g: async func();",
        "  import i: interface { h: func(); }",
        "  import primary: store;",
        "  export handler: wasi:http/handler@0.2.0;",
        "  use t.{u};",
        "  type q = u8;",
        "  record rr { a: u8 }",
        "  include other;",
        "  include x:y/other with { a as b, c as d }",
        "}",
      ].join("\n"),
    );
    expect(strip((ast.items[0] as World).items)).toEqual([
      { kind: "import", extern: { kind: "path", path: { kind: "id", id: "a" } } },
      {
        kind: "import",
        extern: {
          kind: "path",
          path: {
            kind: "package",
            package: { namespace: "x", name: "y", version: V("1.0.0", 1, 0, 0) },
            name: "z",
          },
        },
      },
      {
        kind: "export",
        extern: {
          kind: "func",
          name: "f",
          func: {
            async: false,
            params: [{ name: "a", type: { kind: "primitive", name: "u8" } }],
            result: { kind: "primitive", name: "string" },
          },
        },
      },
      { kind: "export", extern: { kind: "func", name: "g", func: { async: true, params: [] } } },
      {
        kind: "import",
        extern: {
          kind: "interface",
          name: "i",
          items: [{ kind: "func", name: "h", func: { async: false, params: [] } }],
        },
      },
      {
        kind: "import",
        extern: { kind: "named-path", name: "primary", path: { kind: "id", id: "store" } },
      },
      {
        kind: "export",
        extern: {
          kind: "named-path",
          name: "handler",
          path: {
            kind: "package",
            package: { namespace: "wasi", name: "http", version: V("0.2.0", 0, 2, 0) },
            name: "handler",
          },
        },
      },
      { kind: "use", from: { kind: "id", id: "t" }, names: [{ name: "u" }] },
      { kind: "type", name: "q", type: { kind: "primitive", name: "u8" } },
      {
        kind: "record",
        name: "rr",
        fields: [{ name: "a", type: { kind: "primitive", name: "u8" } }],
      },
      { kind: "include", from: { kind: "id", id: "other" }, names: [] },
      {
        kind: "include",
        from: { kind: "package", package: { namespace: "x", name: "y" }, name: "other" },
        names: [
          { name: "a", as: "b" },
          { name: "c", as: "d" },
        ],
      },
    ]);
  });
});

describe("spans", () => {
  test("spans in a second file are global and locate to that file", () => {
    const sources = new SourceMap();
    parseIn(sources, "one.wit", "package a:b;\n");
    const r = parseIn(sources, "two.wit", "interface i {\n  type t = list<u8>;\n}\n");
    const base = sources.files[1]!.base;
    expect(base).toBe(14);
    const iface = r.ast!.items[0] as Interface;
    const alias = iface.items[0] as TypeAlias;
    const text = (s: { start: number; end: number }) => sources.text(s);
    expect(text(iface)).toBe("interface i {\n  type t = list<u8>;\n}");
    expect(text(iface.name)).toBe("i");
    expect(text(alias)).toBe("type t = list<u8>;");
    expect(text(alias.name)).toBe("t");
    const types = r.ast!.types;
    expect(text({ start: types.start[alias.type]!, end: types.end[alias.type]! })).toBe("list<u8>");
    expect(text(typeErrorSpan(types, alias.type))).toBe("list");
    expect(sources.locate(types.start[alias.type]!)).toMatchObject({
      path: "two.wit",
      line: 2,
      column: 12,
    });
    expect({ start: r.ast!.start, end: r.ast!.end }).toEqual({ start: base, end: base + 37 });
  });

  test("error spans of items, handles, externs and docs", () => {
    const sources = new SourceMap();
    const r = parseIn(
      sources,
      "t.wit",
      "// one\n  /* two */  \ninterface i { type t = borrow<r>; type m = map<u8, u8>; }\nworld w { import x: func(); import a:b/c; }",
    );
    const iface = r.ast!.items[0] as Interface;
    expect(sources.text(iface.docs)).toBe("// one\n  /* two */");
    expect(docsContents(iface.docs)).toBe(" one\n* two */");
    const types = r.ast!.types;
    expect(sources.text(typeErrorSpan(types, (iface.items[0] as TypeAlias).type))).toBe("r");
    expect(sources.text(typeErrorSpan(types, (iface.items[1] as TypeAlias).type))).toBe("map");
    const world = r.ast!.items[1] as World;
    const [imp1, imp2] = world.items as readonly Import[];
    expect(sources.text(externSpan(imp1!.extern))).toBe("x");
    expect(sources.text(externSpan(imp2!.extern))).toBe("c");
    expect(sources.text(imp2!.extern)).toBe("a:b/c;");
  });

  test("an error at end of file points just past the last character", () => {
    expect(parseErr("interface i {\n  type t = u32;\n")).toBe(
      [
        "error[WIT1010]: expected `type`, `resource` or `func`, found eof",
        "     --> t.wit:3:1",
        "      |",
        "    3 | ",
        "      | ^",
      ].join("\n"),
    );
    expect(parseErr("interface i { x: func() -> ")).toBe(
      [
        "error[WIT1010]: expected a type, found eof",
        "     --> t.wit:1:28",
        "      |",
        "    1 | interface i { x: func() -> ",
        "      |                            ^",
      ].join("\n"),
    );
  });
});

describe("errors", () => {
  test("an expected token marks one character; a looked-ahead token is marked whole", () => {
    expect(parseErr("interface i {\n  type t = list<u32 u8>;\n}")).toBe(
      [
        "error[WIT1010]: expected '>', found keyword `u8`",
        "     --> t.wit:2:21",
        "      |",
        "    2 |   type t = list<u32 u8>;",
        "      |                     ^",
      ].join("\n"),
    );
    expect(parseErr("interface i {\n  type record = u32;\n}")).toBe(
      [
        "error[WIT1010]: expected an identifier or string, found keyword `record`",
        "     --> t.wit:2:8",
        "      |",
        "    2 |   type record = u32;",
        "      |        ^-----",
      ].join("\n"),
    );
  });

  test("a top-level item of the wrong kind", () => {
    expect(parseErr("package a:b;\n\nrecord r {}\n")).toBe(
      [
        "error[WIT1010]: expected `world`, `interface` or `use`, found keyword `record`",
        "     --> t.wit:3:1",
        "      |",
        "    3 | record r {}",
        "      | ^-----",
      ].join("\n"),
    );
  });

  test("async needs func", () => {
    // wit-parser's parse-fail/async1.wit, whose input is not in the suite.
    expect(parseErr("interface i {\na: async()\n}")).toBe(
      [
        "error[WIT1010]: expected keyword `func`, found '('",
        "     --> t.wit:2:9",
        "      |",
        "    2 | a: async()",
        "      |         ^",
      ].join("\n"),
    );
  });

  test("identifier validation errors point at the identifier's first character", () => {
    expect(parseErr("interface i {\n  type my_type = u8;\n}")).toBe(
      [
        "error[WIT1005]: invalid character in identifier '_'",
        "     --> t.wit:2:8",
        "      |",
        "    2 |   type my_type = u8;",
        "      |        ^",
      ].join("\n"),
    );
    expect(parseErr("interface i { type t = %a--b; }")).toBe(
      [
        "error[WIT1005]: identifiers must have characters between '-'s",
        "     --> t.wit:1:24",
        "      |",
        "    1 | interface i { type t = %a--b; }",
        "      |                        ^",
      ].join("\n"),
    );
  });

  test("attributes: unknown names and misplaced ones", () => {
    expect(parseErr("@foo(version = 1.0.0)\ninterface i {}")).toBe(
      [
        "error[WIT1011]: unknown attribute `foo`",
        "     --> t.wit:1:2",
        "      |",
        "    1 | @foo(version = 1.0.0)",
        "      |  ^--",
      ].join("\n"),
    );
    expect(parseErr("@since(version = 1.0.0)\npackage a:b {}")).toBe(
      [
        "error[WIT1016]: cannot place attributes on nested packages",
        "     --> t.wit:2:1",
        "      |",
        "    2 | package a:b {}",
        "      | ^------",
      ].join("\n"),
    );
  });

  test("bad versions get the semver crate's messages over the whole version", () => {
    expect(parseErr("package a:b@01.0.0;")).toBe(
      [
        "error[WIT1012]: invalid leading zero in major version number",
        "     --> t.wit:1:13",
        "      |",
        "    1 | package a:b@01.0.0;",
        "      |             ^-----",
      ].join("\n"),
    );
    expect(parseErr("package a:b@1.0.0-01;").split("\n")[0]).toBe(
      "error[WIT1012]: invalid leading zero in pre-release identifier",
    );
    expect(parseErr("package a:b@1.0.0 -rc;").split("\n")[0]).toBe(
      "error[WIT1012]: unexpected character ' ' after patch version number",
    );
    expect(parseErr("package a:b@1.0;").split("\n")[0]).toBe(
      "error[WIT1010]: expected '.', found ';'",
    );
    expect(parseErr("package a:b@99999999999999999999.0.0;").split("\n")[0]).toBe(
      "error[WIT1012]: value of major version number exceeds u64::MAX",
    );
  });

  test("a fixed-length list size must fit in a u32", () => {
    expect(ty("list<u8, 4294967295>")).toMatchObject({ size: 4294967295 });
    expect(
      parseErr("interface i { type t = list<u8, 4294967296>; }").split("\n").slice(0, 2),
    ).toEqual(["error[WIT1013]: number too large to fit in target type", "     --> t.wit:1:33"]);
  });

  test("cases whose .wit.result is in the suite without their input", () => {
    // parse-fail/async.wit.result
    expect(parseErr("interface i {\n  a: async\n").split("\n").slice(0, 2)).toEqual([
      "error[WIT1010]: expected keyword `func`, found eof",
      "     --> t.wit:3:1",
    ]);
    // parse-fail/unterminated-string.wit.result
    expect(parseErr('// parse-fail\n\n"\n')).toBe(
      [
        "error[WIT1004]: unterminated string literal",
        "     --> t.wit:3:1",
        "      |",
        '    3 | "',
        "      | ^",
      ].join("\n"),
    );
  });

  test("a forbidden codepoint anywhere fails the file before any syntax error", () => {
    expect(parseErr("interface { \n// \u2066\n").split("\n").slice(0, 2)).toEqual([
      "error[WIT1001]: Input contains bidirectional override codepoint '\\u{2066}'",
      "     --> t.wit:2:4",
    ]);
  });

  test("a lexical error after a syntax error is not reached", () => {
    expect(parseErr("interface i { type }\n#").split("\n")[0]).toBe(
      "error[WIT1010]: expected an identifier or string, found '}'",
    );
    expect(parseErr("interface i { type t = u8; }\n#").split("\n")[0]).toBe(
      "error[WIT1002]: unexpected character '#'",
    );
  });
});

describe("nesting limits", () => {
  const nestedLists = (n: number) =>
    `interface i { type t = ${"list<".repeat(n)}u8${">".repeat(n)}; }`;

  test("100 nested types parse; the 101st constructor is too deep", () => {
    expect(parseOk(nestedLists(100)).items).toHaveLength(1);
    expect(parseErr(nestedLists(101)).split("\n").slice(0, 2)).toEqual([
      "error[WIT1014]: type nesting too deep",
      "     --> t.wit:1:524",
    ]);
  });

  test("100,000 nested lists give a diagnostic, not a stack overflow", () => {
    expect(parseErr(nestedLists(100_000)).split("\n")[0]).toBe(
      "error[WIT1014]: type nesting too deep",
    );
    expect(
      parseErr(`interface i { type t = ${"tuple<option<".repeat(50_000)}`).split("\n")[0],
    ).toBe("error[WIT1014]: type nesting too deep");
  });

  test("100 nested packages parse; the 101st is too deep, even 100,000 deep", () => {
    const nested = (n: number) => `${"package a:b {\n".repeat(n)}${"}\n".repeat(n)}`;
    expect(parseOk(nested(100)).items).toHaveLength(1);
    expect(parseErr(nested(101)).split("\n").slice(0, 2)).toEqual([
      "error[WIT1015]: package nesting too deep",
      "     --> t.wit:101:1",
    ]);
    expect(parseErr(nested(100_000)).split("\n")[0]).toBe(
      "error[WIT1015]: package nesting too deep",
    );
  });
});

// ---------------------------------------------------------------------------
// wit-parser's UI suite
// ---------------------------------------------------------------------------

const SUITE = new URL("../../../shared/conformance/wit-parser-ui/", import.meta.url).pathname;
const suitePresent = existsSync(SUITE);
if (!suitePresent)
  console.warn(`conformance suite not found at ${SUITE}: skipping the data-driven parser tests`);

/**
 * The parse-fail cases whose expected error is a syntax error, i.e. one the
 * parser itself must report. Every other parse-fail case is a resolver error
 * and must parse cleanly here.
 */
const SYNTACTIC = [
  "async-bad1.wit",
  "async-bad2.wit",
  "bad-deprecated1.wit",
  "bad-deprecated2.wit",
  "bad-deprecated3.wit",
  "bad-deprecated4.wit",
  "bad-list.wit",
  "bad-list2.wit",
  "bad-list3.wit",
  "bad-list4.wit",
  "bad-resource1.wit",
  "bad-resource10.wit",
  "bad-resource9.wit",
  "bad-since1.wit",
  "bad-since3.wit",
  "dangling-type.wit",
  "include-with-id.wit",
  "invalid-toplevel.wit",
  "keyword.wit",
  "multi-file-missing-delimiter",
  "multiple-packages-no-scope-blocks.wit",
  "package-nesting-too-deep.wit",
  "resources-multiple-returns-borrow.wit",
  "resources-return-borrow.wit",
  "type-nesting-too-deep.wit",
  "very-large-column.wit",
];

/** Every `.wit` file of a case: the file itself, or all of a directory's (its `deps/` included), sorted. */
function caseFiles(path: string): string[] {
  if (statSync(path).isFile()) return [path];
  const out: string[] = [];
  for (const entry of readdirSync(path).sort()) {
    const p = join(path, entry);
    if (statSync(p).isDirectory()) out.push(...caseFiles(p));
    else if (entry.endsWith(".wit")) out.push(p);
  }
  return out;
}

function casesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter(
      (e) => e !== "parse-fail" && (e.endsWith(".wit") || statSync(join(dir, e)).isDirectory()),
    )
    .sort();
}

/** Parses every file of a case into one source map; returns the first diagnostic (if any) as `path:line:col: message`. */
function parseCase(casePath: string): { files: number; first: string | undefined } {
  const sources = new SourceMap();
  const files = caseFiles(casePath);
  for (const f of files) {
    const r = parseIn(sources, f.slice(SUITE.length), readFileSync(f, "utf8"));
    if (r.diagnostics.length > 0) {
      const d = r.diagnostics[0]!;
      const loc = sources.locate(d.span.start)!;
      return { files: files.length, first: `${loc.path}:${loc.line}:${loc.column}: ${d.message}` };
    }
  }
  return { files: files.length, first: undefined };
}

/** The reference message and location of a `.wit.result`, in the same `path:line:col: message` form. */
function expectedFailure(name: string): string {
  const text = readFileSync(
    join(SUITE, "parse-fail", `${name.replace(/\.wit$/, "")}.wit.result`),
    "utf8",
  );
  const firstLine = text.split("\n")[0]!;
  // A line too long for a frame is printed as `path:line:col: message`.
  const inline = /^tests\/ui\/(\S+):(\d+):(\d+): (.*)$/.exec(firstLine);
  if (inline) return `${inline[1]}:${inline[2]}:${inline[3]}: ${inline[4]}`;
  const where = /--> tests\/ui\/(\S+)/.exec(text)![1];
  // Directory cases prefix the message with how the directory was read.
  const message = firstLine.replace(
    /^failed to resolve directory .*?: failed to parse package: \S+: /,
    "",
  );
  return `${where}: ${message}`;
}

describe.skipIf(!suitePresent)("wit-parser UI suite", () => {
  const positive = suitePresent ? casesIn(SUITE) : [];
  const failing = suitePresent ? casesIn(join(SUITE, "parse-fail")) : [];

  test("the suite has the expected shape", () => {
    expect(positive.length).toBeGreaterThan(60);
    expect(failing.length).toBeGreaterThan(140);
    for (const name of SYNTACTIC) expect(failing, name).toContain(name);
  });

  test.each(positive)("positive case %s parses", (name) => {
    const r = parseCase(join(SUITE, name));
    expect(r.files).toBeGreaterThan(0);
    expect(r.first).toBeUndefined();
  });

  test.each(failing.filter((n) => SYNTACTIC.includes(n)))(
    "syntax error %s matches wit-parser",
    (name) => {
      expect(parseCase(join(SUITE, "parse-fail", name)).first).toBe(expectedFailure(name));
    },
  );

  test.each(failing.filter((n) => !SYNTACTIC.includes(n)))("resolver error %s parses", (name) => {
    const r = parseCase(join(SUITE, "parse-fail", name));
    expect(r.files).toBeGreaterThan(0);
    expect(r.first).toBeUndefined();
  });

  test("docs text matches the resolved JSON for comments.wit and random.wit", () => {
    const docsOf = (file: string) => {
      const ast = parseOk(readFileSync(join(SUITE, file), "utf8"));
      return ast.items.filter((i): i is Interface => i.kind === "interface");
    };
    const comments = JSON.parse(readFileSync(join(SUITE, "comments.wit.json"), "utf8"));
    expect(docsContents(docsOf("comments.wit")[0]!.docs)).toBe(
      comments.interfaces[0].docs.contents,
    );
    const random = JSON.parse(readFileSync(join(SUITE, "random.wit.json"), "utf8"));
    const iface = docsOf("random.wit")[0]!;
    expect(docsContents(iface.docs)).toBe(random.interfaces[0].docs.contents);
    expect(lastFuncs.names[iface.firstFunc]).toBe("get-random-bytes");
    expect(docsContents(lastFuncs.docs[iface.firstFunc]!)).toBe(
      random.interfaces[0].functions["get-random-bytes"].docs.contents,
    );
  });
});
