/**
 * Unit tests for the resolver and the loader: one test per diagnostic kind
 * (code, wit-parser's message, location; whole rendered frames for a few),
 * and the model produced for the main resolution rules. Inputs are
 * in-memory files through `resolveFiles`; one test reads from disk.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { codes } from "../../src/diagnostics/codes.js";
import { renderDiagnostic } from "../../src/diagnostics/render.js";
import { formatLocation } from "../../src/diagnostics/render.js";
import { toJson } from "../../src/wit/json.js";
import {
  resolveFiles,
  resolvePath,
  type ResolveOptions,
  type ResolveResult,
} from "../../src/wit/load.js";
import type { Resolve, WorldItem } from "../../src/wit/model.js";
import { compareVersions } from "../../src/wit/resolve-version.js";

function files(
  entries: Record<string, string>,
  root: string,
  options?: ResolveOptions,
): ResolveResult {
  return resolveFiles(new Map(Object.entries(entries)), root, options);
}

function one(text: string, options?: ResolveOptions): ResolveResult {
  return files({ "test.wit": text }, "test.wit", options);
}

/** The single diagnostic of a failed resolution as `code message @ file:line:col`. */
function failure(r: ResolveResult): string {
  expect(r.resolve).toBeUndefined();
  expect(r.diagnostics).toHaveLength(1);
  const d = r.diagnostics[0]!;
  return `${d.code} ${d.message} @ ${formatLocation(d.span, r.sources) ?? "-"}`;
}

function ok(r: ResolveResult): Resolve {
  expect(r.diagnostics.map((d) => d.message)).toEqual([]);
  return r.resolve!;
}

describe("rendered frames", () => {
  it("points at an unknown type", () => {
    const r = one("package a:b;\ninterface i {\n  type foo = bar;\n}\n");
    expect(renderDiagnostic(r.diagnostics[0]!, r.sources)).toBe(
      [
        "error[WIT2001]: type `bar` does not exist",
        "     --> test.wit:3:14",
        "      |",
        "    3 |   type foo = bar;",
        "      |              ^--",
      ].join("\n"),
    );
  });

  it("prints the old-float hint before the location", () => {
    const r = one("package a:b;\ninterface i {\n  type t1 = float32;\n}\n");
    expect(renderDiagnostic(r.diagnostics[0]!, r.sources)).toBe(
      [
        "error[WIT2001]: type `float32` does not exist",
        "the `float32` type has been renamed to `f32` and is no longer accepted, but the `WIT_REQUIRE_F32_F64=0` environment variable can be used to temporarily disable this error",
        "     --> test.wit:3:13",
        "      |",
        "    3 |   type t1 = float32;",
        "      |             ^------",
      ].join("\n"),
    );
  });

  it("points into the right file of a directory", () => {
    const r = files(
      { "pkg/a.wit": "package foo:a;\ninterface x {}\n", "pkg/b.wit": "package foo:b;\n" },
      "pkg",
    );
    expect(renderDiagnostic(r.diagnostics[0]!, r.sources)).toBe(
      [
        "error[WIT2010]: package identifier `foo:b` does not match previous package name of `foo:a`",
        "     --> pkg/b.wit:1:9",
        "      |",
        "    1 | package foo:b;",
        "      |         ^----",
      ].join("\n"),
    );
  });

  it("renders a world conflict at the import name", () => {
    const r = one("package a:b;\nworld w {\n  import x: func();\n  import x: func();\n}\n");
    expect(renderDiagnostic(r.diagnostics[0]!, r.sources)).toBe(
      [
        "error[WIT2016]: import `x` conflicts with prior func of same name",
        "     --> test.wit:4:10",
        "      |",
        "    4 |   import x: func();",
        "      |          ^",
      ].join("\n"),
    );
  });
});

describe("names", () => {
  it("reports names that do not exist", () => {
    expect(failure(one("package a:b;\ninterface i {\n  f: func(x: nope);\n}\n"))).toBe(
      `${codes.UnknownName} name \`nope\` does not exist @ test.wit:3:14`,
    );
    expect(failure(one("package a:b;\nworld w {\n  import nope;\n}\n"))).toBe(
      `${codes.UnknownName} interface or world \`nope\` does not exist @ test.wit:3:10`,
    );
    expect(failure(one("package a:b;\ninterface i {\n  use j.{t};\n}\ninterface j {}\n"))).toBe(
      `${codes.UnknownName} name \`t\` does not exist @ test.wit:3:10`,
    );
  });

  it("reports cycles between types and between interfaces", () => {
    expect(
      failure(one("package a:b;\ninterface i {\n  type a = b;\n  type b = list<a>;\n}\n")),
    ).toBe(`${codes.DependencyCycle} type \`b\` depends on itself @ test.wit:3:12`);
    expect(
      failure(
        one("package a:b;\ninterface i {\n  use j.{x};\n}\ninterface j {\n  use i.{y};\n}\n"),
      ),
    ).toBe(`${codes.DependencyCycle} interface or world \`j\` depends on itself @ test.wit:5:11`);
  });

  it("reports names defined twice", () => {
    expect(failure(one("package a:b;\ninterface i {\n  type t = u8;\n  type t = u16;\n}\n"))).toBe(
      `${codes.DuplicateName} name \`t\` is defined more than once @ test.wit:4:8`,
    );
    expect(failure(one("package a:b;\ninterface i {}\nworld i {}\n"))).toBe(
      `${codes.DuplicateName} duplicate item named \`i\` @ test.wit:3:7`,
    );
    expect(failure(one("package a:b;\nuse i as j;\ninterface i {}\ninterface j {}\n"))).toBe(
      `${codes.DuplicateName} duplicate name \`j\` in this file @ test.wit:4:11`,
    );
    expect(failure(one("package a:b;\ninterface i {\n  f: func(a: u8, a: u8);\n}\n"))).toBe(
      `${codes.DuplicateName} param \`a\` is defined more than once @ test.wit:3:18`,
    );
    expect(
      failure(
        one(
          "package a:b;\ninterface i {\n  resource r {\n    f: func();\n    f: static func();\n  }\n}\n",
        ),
      ),
    ).toBe(`${codes.DuplicateName} duplicate function name \`f\` @ test.wit:5:5`);
    expect(
      failure(
        one(
          "package a:b;\ninterface i {\n  resource r {\n    constructor();\n    constructor();\n  }\n}\n",
        ),
      ),
    ).toBe(`${codes.DuplicateName} duplicate constructors @ test.wit:5:5`);
  });

  it("reports names of the wrong kind", () => {
    expect(failure(one("package a:b;\nworld w {}\nworld v {\n  import w;\n}\n"))).toBe(
      `${codes.WrongItemKind} name \`w\` is defined as a world, not an interface @ test.wit:4:10`,
    );
    expect(failure(one("package a:b;\ninterface i {}\nworld v {\n  include i;\n}\n"))).toBe(
      `${codes.WrongItemKind} name \`i\` is defined as an interface, not a world @ test.wit:4:11`,
    );
    expect(
      failure(
        one("package a:b;\ninterface i {\n  f: func();\n}\ninterface j {\n  use i.{f};\n}\n"),
      ),
    ).toBe(`${codes.WrongItemKind} cannot import function \`f\` @ test.wit:6:10`);
    expect(failure(one("package a:b;\ninterface i {\n  f: func();\n  g: func() -> f;\n}\n"))).toBe(
      `${codes.WrongItemKind} cannot use function \`f\` as a type @ test.wit:4:16`,
    );
    // A function's own name is defined while its signature is read; a later function's is not yet.
    expect(failure(one("package a:b;\ninterface i {\n  f: func(x: f);\n}\n"))).toBe(
      `${codes.WrongItemKind} cannot use function \`f\` as a type @ test.wit:3:14`,
    );
    expect(failure(one("package a:b;\ninterface i {\n  f: func(x: g);\n  g: func();\n}\n"))).toBe(
      `${codes.UnknownName} name \`g\` does not exist @ test.wit:3:14`,
    );
    expect(
      failure(
        one("package a:b;\ninterface i {\n  resource r { m: func(x: f); }\n  f: func();\n}\n"),
      ),
    ).toBe(`${codes.UnknownName} name \`f\` does not exist @ test.wit:3:27`);
    expect(failure(one("package a:b;\ninterface i {\n  f: func();\n  type f = u8;\n}\n"))).toBe(
      `${codes.DuplicateName} name \`f\` is defined more than once @ test.wit:3:3`,
    );
  });
});

describe("types", () => {
  it("requires handles of resources", () => {
    expect(
      failure(one("package a:b;\ninterface i {\n  type t = u32;\n  type h = borrow<t>;\n}\n")),
    ).toBe(
      `${codes.HandleNotResource} type \`t\` used in a handle must be a resource @ test.wit:4:19`,
    );
    const r = files(
      {
        "p/root.wit": "package a:b;\ninterface i {\n  use c:d/j.{t};\n  type h = own<t>;\n}\n",
        "p/deps/d.wit": "package c:d;\ninterface j {\n  type t = u32;\n}\n",
      },
      "p",
    );
    expect(failure(r)).toBe(
      `${codes.HandleNotResource} type used in a handle must be a resource @ p/root.wit:4:16`,
    );
  });

  it("checks constructor results", () => {
    expect(
      failure(
        one("package a:b;\ninterface i {\n  resource r {\n    constructor() -> u32;\n  }\n}\n"),
      ),
    ).toBe(
      `${codes.InvalidConstructor} if a constructor return type is declared it must be a \`result\` @ test.wit:4:22`,
    );
    expect(
      failure(
        one(
          "package a:b;\ninterface i {\n  resource r {\n    constructor() -> result<u8, string>;\n  }\n}\n",
        ),
      ),
    ).toBe(
      `${codes.InvalidConstructor} the \`ok\` type must be the resource being constructed @ test.wit:4:29`,
    );
  });

  it("rejects empty enums and variants and bad map keys", () => {
    expect(failure(one("package a:b;\ninterface i {\n  enum e {}\n}\n"))).toBe(
      `${codes.InvalidType} empty enum @ test.wit:3:8`,
    );
    expect(failure(one("package a:b;\ninterface i {\n  variant v {}\n}\n"))).toBe(
      `${codes.InvalidType} empty variant @ test.wit:3:11`,
    );
    expect(failure(one("package a:b;\ninterface i {\n  type m = map<f32, u8>;\n}\n"))).toBe(
      `${codes.InvalidType} invalid map key type: map keys must be bool, u8, u16, u32, u64, s8, s16, s32, s64, char, or string @ test.wit:3:12`,
    );
  });

  it("rejects functions returning borrows", () => {
    expect(
      failure(
        one(
          "package a:b;\ninterface i {\n  resource r;\n  type t = tuple<borrow<r>>;\n  f: func() -> t;\n}\n",
        ),
      ),
    ).toBe(
      `${codes.BorrowInResult} function \`f\` returns a type which contains a \`borrow<T>\` which is not supported @ test.wit:5:3`,
    );
  });

  it("interns anonymous types and makes resource references own handles", () => {
    const r = ok(
      one(
        "package a:b;\ninterface i {\n  resource r;\n  f: func(a: list<u8>, b: list<u8>, c: r) -> option<r>;\n  g: func(x: borrow<r>, y: borrow<r>);\n}\n",
      ),
    );
    const kinds = r.types.map((t) => [t.name ?? null, JSON.stringify(t.kind)]);
    expect(kinds).toEqual([
      ["r", '{"kind":"resource"}'],
      [null, '{"kind":"list","element":"u8"}'],
      [null, '{"kind":"handle","handle":{"kind":"own","resource":0}}'],
      [null, '{"kind":"option","type":{"kind":"id","id":2}}'],
      [null, '{"kind":"handle","handle":{"kind":"borrow","resource":0}}'],
    ]);
    const f = r.interfaces[0]!.functions.get("f")!;
    expect(f.params.map((p) => p.type)).toEqual([
      { kind: "id", id: 1 },
      { kind: "id", id: 1 },
      { kind: "id", id: 2 },
    ]);
  });

  it("shares equal parameters, parameter lists, function kinds and type owners", () => {
    const r = ok(
      one(
        [
          "package a:b;",
          "interface i {",
          "  resource r { m: func(); n: func(); s: static func(k: string); }",
          "  record p { x: u8 }",
          "  f: func(k: string, v: p);",
          "  g: func(k: string, v: p);",
          "  h: func(k: string, v: u8);",
          "}",
          "interface j {",
          "  f: func(k: string, v: u8);",
          "}",
        ].join("\n"),
      ),
    );
    const [i, j] = r.interfaces;
    const fn = (iface: typeof i, name: string) => iface!.functions.get(name)!;
    const [f, g, h] = [fn(i, "f"), fn(i, "g"), fn(i, "h")];
    // Shared across functions and across interfaces, and still what each declares.
    expect(g.params).toBe(f.params);
    expect(fn(j, "f").params).toBe(h.params);
    expect(h.params[0]).toBe(f.params[0]);
    expect(h.params).not.toBe(f.params);
    expect(h.params[1]).toEqual({ name: "v", type: "u8" });
    const [m, n, s] = [fn(i, "[method]r.m"), fn(i, "[method]r.n"), fn(i, "[static]r.s")];
    expect(n.params).toBe(m.params);
    expect(n.kind).toBe(m.kind);
    expect(s.kind).toEqual({
      kind: "static",
      resource: m.kind.kind === "method" && m.kind.resource,
    });
    expect(s.params[0]).toBe(f.params[0]);
    const owned = r.types.filter((t) => t.owner.kind === "interface" && t.owner.id === 0);
    expect(owned.length).toBeGreaterThan(1);
    for (const t of owned) expect(t.owner).toBe(owned[0]!.owner);
  });

  it("makes every type definition with its fields in one order, so that readers see one shape", () => {
    const r = ok(
      files(
        {
          "main/a.wit":
            "package a:b;\ninterface i {\n  use c:d/j.{t};\n  resource r;\n  record p { x: u8 }\n  type q = p;\n  f: func(x: r, y: list<t>);\n}\n",
          "main/deps/c.wit": "package c:d;\ninterface j {\n  type t = u32;\n}\n",
        },
        "main",
      ),
    );
    const orders = new Set(r.types.map((t) => Object.keys(t).join()));
    expect([...orders]).toEqual(["name,kind,owner,docs,stability"]);
  });

  it("keeps types in dependency order", () => {
    const r = ok(
      one("package a:b;\ninterface i {\n  type a = b;\n  record b { c: c }\n  type c = u8;\n}\n"),
    );
    expect(r.types.map((t) => t.name)).toEqual(["c", "b", "a"]);
  });
});

describe("packages", () => {
  it("requires a package header", () => {
    expect(failure(one("interface i {}\n"))).toBe(
      `${codes.PackageDeclaration} no \`package\` header was found in any WIT file for this package @ -`,
    );
  });

  it("rejects packages nested in nested packages", () => {
    expect(failure(one("package a:b;\npackage c:d {\n  package e:f {}\n}\n"))).toBe(
      `${codes.PackageDeclaration} nested packages must be placed at the top-level @ test.wit:3:11`,
    );
  });

  it("rejects docs on two package headers", () => {
    const r = files(
      { "p/a.wit": "/// one\npackage a:b;\n", "p/b.wit": "/// two\npackage a:b;\n" },
      "p",
    );
    expect(failure(r)).toBe(
      `${codes.PackageDeclaration} found doc comments on multiple 'package' items @ p/b.wit:1:1`,
    );
  });

  it("reports missing packages and items with the known packages", () => {
    expect(failure(one("package a:b;\nworld w {\n  import x:y/z;\n}\n"))).toBe(
      `${codes.PackageItemNotFound} package 'x:y' not found. known packages:\n    a:b @ test.wit:3:10`,
    );
    const deps = { "p/deps/c.wit": "package c:d;\ninterface j {}\nworld v {}\n" };
    expect(
      failure(
        files({ ...deps, "p/r.wit": "package a:b;\nworld w {\n  import c:d/nope;\n}\n" }, "p"),
      ),
    ).toBe(
      `${codes.PackageItemNotFound} interface 'nope' not found in package 'c:d' @ p/r.wit:3:14`,
    );
    expect(
      failure(
        files({ ...deps, "p/r.wit": "package a:b;\nworld w {\n  include c:d/nope;\n}\n" }, "p"),
      ),
    ).toBe(`${codes.PackageItemNotFound} world 'nope' not found in package 'c:d' @ p/r.wit:3:15`);
    expect(
      failure(
        files({ ...deps, "p/r.wit": "package a:b;\ninterface i {\n  use c:d/j.{t};\n}\n" }, "p"),
      ),
    ).toBe(`${codes.PackageItemNotFound} type \`t\` not defined in interface @ p/r.wit:3:14`);
  });

  it("rejects cycles between packages", () => {
    const r = files(
      {
        "p/r.wit": "package a:a;\ninterface i {\n  use b:b/j.{};\n}\n",
        "p/deps/b.wit": "package b:b;\ninterface j {\n  use a:a/i.{};\n}\n",
      },
      "p",
    );
    expect(failure(r)).toBe(
      `${codes.PackageCycle} package \`b:b\` creates a dependency cycle @ p/r.wit:3:7`,
    );
  });

  it("rejects a package defined twice", () => {
    const r = files({ "p/r.wit": "package a:a;\n", "p/deps/x.wit": "package a:a;\n" }, "p");
    expect(failure(r)).toBe(
      `${codes.DuplicatePackage} package \`a:a\` is defined in two different locations @ p/deps/x.wit:1:9`,
    );
    expect(formatLocation(r.diagnostics[0]!.related![0]!.span, r.sources)).toBe("p/r.wit:1:9");
  });

  it("adds packages by name, each after its dependencies in use order, and returns the main package", () => {
    const r = files(
      {
        "p/r.wit": "package a:main;\nworld w {\n  import z:z/i;\n  import b:b/i;\n}\n",
        "p/deps/one/x.wit": "package z:z;\ninterface i {}\n",
        "p/deps/two.wit": "package b:b;\ninterface i {}\n",
        "p/deps/README.md": "ignored",
      },
      "p",
    );
    const resolve = ok(r);
    // `a:main` sorts first, so its dependencies come first, in the order it uses them.
    expect(resolve.packages.map((p) => p.name.namespace)).toEqual(["z", "b", "a"]);
    expect(r.packageIds).toEqual([2]);
  });

  it("resolves nested packages before the main one", () => {
    const r = one(
      "package a:main;\npackage x:y {\n  interface i {\n    type t = u8;\n  }\n}\ninterface j {\n  use x:y/i.{t};\n}\n",
    );
    const resolve = ok(r);
    expect(resolve.packages.map((p) => `${p.name.namespace}:${p.name.name}`)).toEqual([
      "x:y",
      "a:main",
    ]);
    expect(r.packageIds).toEqual([1]);
  });
});

describe("feature gates", () => {
  const gated =
    "package a:b@1.0.0;\ninterface i {\n  @unstable(feature = f)\n  type t = u32;\n  @since(version = 1.0.0)\n  g: func();\n}\n";

  it("drops unstable items unless their feature is on", () => {
    expect([...ok(one(gated)).interfaces[0]!.types.keys()]).toEqual([]);
    expect([...ok(one(gated, { features: ["f"] })).interfaces[0]!.types.keys()]).toEqual(["t"]);
    expect([...ok(one(gated, { allFeatures: true })).interfaces[0]!.types.keys()]).toEqual(["t"]);
  });

  it("rejects references to gated-out items", () => {
    const text =
      "package a:b;\ninterface i {\n  @unstable(feature = f)\n  type t = u32;\n  record r {\n    x: t,\n  }\n}\n";
    expect(failure(one(text))).toBe(
      `${codes.FeatureGate} found a reference to a type which is excluded due to its feature not being activated @ test.wit:6:5`,
    );
  });

  it("checks @since against the package version", () => {
    expect(failure(one("package a:b@0.1.0;\n@since(version = 0.2.0)\ninterface i {}\n"))).toBe(
      `${codes.FeatureGate} feature gate cannot reference unreleased version 0.2.0 of package [a:b@0.1.0] (current version 0.1.0) @ test.wit:3:11`,
    );
    expect(failure(one("package a:b;\n@since(version = 0.2.0)\ninterface i {}\n"))).toBe(
      `${codes.FeatureGate} package [a:b] contains a feature gate with a version specifier, so it must have a version @ test.wit:3:11`,
    );
  });

  it("rejects attribute combinations", () => {
    expect(failure(one("package a:b@1.0.0;\n@deprecated(version = 1.0.0)\ninterface i {}\n"))).toBe(
      `${codes.InvalidAttributes} must pair @deprecated with either @since or @unstable @ test.wit:2:2`,
    );
    expect(
      failure(
        one(
          "package a:b@1.0.0;\n@since(version = 1.0.0)\n@unstable(feature = x)\ninterface i {}\n",
        ),
      ),
    ).toBe(`${codes.InvalidAttributes} unsupported combination of attributes @ test.wit:3:2`);
    expect(
      failure(one("package a:b;\n@since(version = 1.0.0)\nuse i as j;\ninterface i {}\n")),
    ).toBe(`${codes.InvalidAttributes} attributes not allowed on top-level use @ test.wit:3:1`);
  });

  it("records stability and deprecation", () => {
    const r = ok(
      one(
        "package a:b@2.0.0;\ninterface i {\n  @since(version = 1.0.0)\n  @deprecated(version = 2.0.0)\n  f: func();\n}\n",
      ),
    );
    expect(r.interfaces[0]!.functions.get("f")!.stability).toEqual({
      kind: "stable",
      since: "1.0.0",
      deprecated: "2.0.0",
    });
  });
});

describe("worlds", () => {
  it("reports conflicting and repeated imports", () => {
    expect(
      failure(one("package a:b;\ninterface i {}\nworld w {\n  import i;\n  import i;\n}\n")),
    ).toBe(
      `${codes.WorldItemConflict} interface cannot be imported more than once @ test.wit:5:10`,
    );
    expect(failure(one("package a:b;\nworld w {\n  type t = u8;\n  import t: func();\n}\n"))).toBe(
      `${codes.WorldItemConflict} import \`t\` conflicts with prior type of same name @ test.wit:4:10`,
    );
    expect(
      failure(
        one(
          "package a:b;\nworld v {\n  import x: func();\n}\nworld w {\n  import x: func();\n  include v;\n}\n",
        ),
      ),
    ).toBe(
      `${codes.WorldItemConflict} import of \`x\` shadows previously imported items @ test.wit:7:11`,
    );
    expect(
      failure(one("package a:b;\nworld w {\n  export f: func();\n  export F: func();\n}\n")),
    ).toBe(
      `${codes.WorldItemConflict} export \`F\` in world \`w\` conflicts with export \`f\` (kebab-case identifiers are case-insensitive) @ test.wit:2:7`,
    );
  });

  it("renames included items and rejects unknown renames", () => {
    const r = ok(
      one(
        "package a:b;\nworld v {\n  import x: func();\n  resource r;\n}\nworld w {\n  include v with { x as y, r as s }\n}\n",
      ),
    );
    const w = r.worlds[1]!;
    expect([...w.imports.keys()]).toEqual(["s", "y"]);
    const y = w.imports.get("y") as Extract<WorldItem, { kind: "function" }>;
    expect(y.func.name).toBe("y");
    const s = w.imports.get("s") as Extract<WorldItem, { kind: "type" }>;
    expect(r.types[s.id]!.owner).toEqual({ kind: "world", id: 1 });
    expect(
      failure(one("package a:b;\nworld v {}\nworld w {\n  include v with { x as y }\n}\n")),
    ).toBe(
      `${codes.IncludeNameNotFound} no import or export kebab-name \`x\`. Note that an ID does not support renaming @ test.wit:4:11`,
    );
  });

  it("imports what imports and exports depend on", () => {
    const r = ok(
      one(
        "package a:b;\ninterface base {\n  type t = u8;\n}\ninterface mid {\n  use base.{t};\n}\nworld w {\n  export mid;\n  import f: func();\n}\n",
      ),
    );
    const w = r.worlds[0]!;
    expect([...w.imports.keys()]).toEqual([0, "f"]);
    expect([...w.exports.keys()]).toEqual([1]);
  });

  it("keeps one interface imported and exported under several names", () => {
    const r = ok(
      one(
        "package a:b;\ninterface base {\n  type t = u8;\n}\ninterface store {\n  use base.{t};\n  get: func() -> t;\n}\nworld w {\n  import primary: store;\n  import secondary: store;\n  import store;\n  export mirror: store;\n  export backup: store;\n  export store;\n}\n",
      ),
    );
    const w = r.worlds[0]!;
    expect([...w.imports.keys()]).toEqual([0, "primary", "secondary", 1]);
    // A named export's dependencies are imports: only an export by path serves other exports.
    expect([...w.exports.keys()]).toEqual(["mirror", "backup", 1]);
    expect([...w.exports.values()].map((item) => item.kind === "interface" && item.id)).toEqual([
      1, 1, 1,
    ]);
  });

  it("rejects exports that need an interface both ways", () => {
    const text =
      "package a:b;\ninterface i1 {\n  type t = u8;\n}\ninterface i2 {\n  use i1.{t};\n}\ninterface i3 {\n  use i2.{t};\n}\nworld w {\n  export i1;\n  export i3;\n}\n";
    expect(failure(one(text))).toBe(
      `${codes.InvalidTransitiveDependency} interface \`a:b/i3\` transitively depends on an interface in incompatible ways @ test.wit:11:7`,
    );
  });

  it("rejects one interface included with two stabilities", () => {
    const text =
      "package a:b@1.0.0;\ninterface i {}\nworld v1 {\n  @since(version = 1.0.0)\n  import i;\n}\nworld v2 {\n  @unstable(feature = f)\n  import i;\n}\nworld w {\n  include v1;\n  include v2;\n}\n";
    expect(failure(one(text, { features: ["f"] }))).toBe(
      `${codes.StabilityMismatch} mismatch in stability from 'Unstable { feature: "f", deprecated: None }' to 'Stable { since: Version { major: 1, minor: 0, patch: 0 }, deprecated: None }' @ test.wit:13:11`,
    );
  });
});

describe("loading", () => {
  it("reports a missing path without throwing", () => {
    const r = resolvePath("/definitely/not/here.wit");
    expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      `${codes.PathNotFound} failed to read path for WIT [/definitely/not/here.wit]`,
    ]);
  });

  it("reads a directory from disk, skipping non-WIT files and subdirectories", () => {
    const dir = mkdtempSync(join(tmpdir(), "wit-ts-load-"));
    try {
      writeFileSync(join(dir, "a.wit"), "package a:b;\ninterface i {}\n");
      writeFileSync(join(dir, "notes.txt"), "not wit");
      const r = resolvePath(dir);
      expect(ok(r).interfaces.map((i) => i.name)).toEqual(["i"]);
      writeFileSync(join(dir, "bad.wit"), Buffer.from([0xff, 0xfe]));
      expect(resolvePath(dir).diagnostics.map((d) => d.code)).toEqual([codes.ReadFailed]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("decodes wasm-encoded dependencies, binary and text, before the other packages", () => {
    // `e.wasm`: a binary WIT package with one empty interface `e:e/e`.
    const binary = Buffer.from(
      "0061736d0d000100071001410201420004010565 3a652f650500 0b070100016503 0000".replace(/ /g, ""),
      "hex",
    );
    const r = files(
      {
        "p/r.wit":
          "package a:a;\nworld w {\n  import e:e/e;\n  import d:d/d;\n  import b:b/b;\n}\n",
        "p/deps/b.wit": "package b:b;\ninterface b {}\n",
        "p/deps/d.wat":
          '(component\n  (type $d (component\n    (export "d:d/d" (instance))\n  ))\n  (export "d" (type $d))\n)\n',
        "p/deps/e.wasm": binary.toString("latin1"),
      },
      "p",
    );
    const resolve = ok(r);
    expect(resolve.packages.map((p) => `${p.name.namespace}:${p.name.name}`)).toEqual([
      "d:d",
      "e:e",
      "b:b",
      "a:a",
    ]);
    expect(resolve.interfaces.map((i) => i.name)).toEqual(["d", "e", "b"]);
  });

  it("decodes types, resources, functions and uses like the WIT they encode", () => {
    // As wasm-tools prints it: every type by index, no inline definitions.
    const wat = `(component
  (type (;0;)
    (component
      (type (;0;)
        (instance
          (type (;0;) (list string))
          (type (;1;) (record (field "x" u32) (field "y" 0)))
          (export (;2;) "point" (type (eq 1)))
          (export (;3;) "r" (type (sub resource)))
          (type (;4;) (own 3))
          (type (;5;) (func (param "name" string) (result 4)))
          (export (;0;) "[constructor]r" (func (type 5)))
          (type (;6;) (borrow 3))
          (type (;7;) (func (param "self" 6) (result 2)))
          (export (;1;) "[method]r.get" (func (type 7)))
          (type (;8;) (option 2))
          (type (;9;) (func (param "p" 2) (result 8)))
          (export (;2;) "f" (func (type 9)))
        )
      )
      (export (;0;) "t:p/i" (instance (type 0)))
    )
  )
  (export (;1;) "i" (type 0))
  (type (;2;)
    (component
      (type (;0;)
        (instance
          (type (;0;) (list string))
          (type (;1;) (record (field "x" u32) (field "y" 0)))
          (export (;2;) "point" (type (eq 1)))
        )
      )
      (import "t:p/i" (instance (;0;) (type 0)))
      (alias export 0 "point" (type (;1;)))
      (type (;2;)
        (instance
          (alias outer 1 1 (type (;0;)))
          (export (;1;) "point" (type (eq 0)))
          (type (;2;) (func (result 1)))
          (export (;0;) "g" (func (type 2)))
        )
      )
      (export (;1;) "t:p/j" (instance (type 2)))
    )
  )
  (export (;3;) "j" (type 2))
)
`;
    const wit = [
      "package t:p;",
      "interface i {",
      "  record point { x: u32, y: list<string> }",
      "  resource r {",
      "    constructor(name: string);",
      "    get: func() -> point;",
      "  }",
      "  f: func(p: point) -> option<point>;",
      "}",
      "interface j {",
      "  use i.{point};",
      "  g: func() -> point;",
      "}",
      "",
    ].join("\n");
    const world = "package a:a;\nworld w {\n  import t:p/j;\n}\n";
    const fromWat = ok(files({ "p/r.wit": world, "p/deps/p.wat": wat }, "p"));
    const fromWit = ok(files({ "p/r.wit": world, "p/deps/p.wit": wit }, "p"));
    expect(JSON.stringify(toJson(fromWat))).toBe(JSON.stringify(toJson(fromWit)));
  });

  it("reports wasm it cannot decode", () => {
    const r = files(
      { "p/r.wit": "package a:b;\n", "p/deps/x.wasm": "\0asm\x0d\0\x01\0\x63\x00" },
      "p",
    );
    expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      `${codes.WasmPackageUnsupported} failed to decode the WIT package in p/deps/x.wasm: a WIT package has no section 99`,
    ]);
  });

  // Fuzzer finds: each of these once looped (or filled the heap) instead of failing.
  it.each([
    ["(a;", "unexpected character `;`"],
    ['(component "\\u', "invalid unicode escape"],
    ['(component "\\u{d800}")', "invalid unicode escape"],
    ['(component "\\zz")', "invalid string escape"],
    ["(alias outer 0 0 (type))", "invalid outer alias to type index 0"],
    ["(alias outer 4294967295 0 (type))", "alias to an unknown outer scope"],
  ])("fails fast on WebAssembly text %j", (text, expected) => {
    const wat = text.startsWith("(alias")
      ? `(component (type (component (type (instance ${text} (type (func (result 0))) ` +
        `(export "g" (func (type 1))))) (export "t:p/i" (instance (type 0))))) (export "i" (type 0)))`
      : text;
    for (const [path, root] of [
      ["a.wit", "a.wit"],
      ["p/deps/a.wat", "p"],
    ] as const) {
      const r = files({ "p/r.wit": "package a:b;\n", [path]: wat }, root);
      expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
        `${codes.WasmPackageUnsupported} failed to decode the WIT package in ${path}: ${expected}`,
      ]);
    }
  });

  it("reports a package defined both in wasm and elsewhere like any duplicate package", () => {
    // The bytes of the UI suite's `kinds-of-deps/deps/e.wasm` (package `e:e`, empty interface `e`).
    const e = Buffer.from(
      "0061736d0d0001000710014102014200040105653a652f6505000b0701000165030000",
      "hex",
    ).toString("latin1");
    const world = "package a:a; world a { import e:e/e; }";
    const message = `${codes.DuplicatePackage} package \`e:e\` is defined in two different locations`;
    const others: Record<string, string>[] = [
      { "m/deps/f.wasm": e },
      { "m/deps/f.wit": "package e:e; interface e {}" },
    ];
    for (const other of others) {
      const r = files({ "m/a.wit": world, "m/deps/e.wasm": e, ...other }, "m");
      expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([message]);
    }
    // The same on disk.
    const dir = mkdtempSync(join(tmpdir(), "wit-ts-dup-wasm-"));
    try {
      mkdirSync(join(dir, "deps"));
      writeFileSync(join(dir, "a.wit"), world);
      writeFileSync(join(dir, "deps/e.wasm"), Buffer.from(e, "latin1"));
      writeFileSync(join(dir, "deps/f.wasm"), Buffer.from(e, "latin1"));
      expect(resolvePath(dir).diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([message]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("versions", () => {
  it("orders versions like the semver crate", () => {
    const sorted = [
      "1.0.0",
      "1.0.0-alpha",
      "0.2.0",
      "1.0.0-alpha.1",
      "1.0.0-beta",
      "1.0.0-alpha.beta",
      "10.0.0",
      "2.0.0",
    ].sort(compareVersions);
    expect(sorted).toEqual([
      "0.2.0",
      "1.0.0-alpha",
      "1.0.0-alpha.1",
      "1.0.0-alpha.beta",
      "1.0.0-beta",
      "1.0.0",
      "2.0.0",
      "10.0.0",
    ]);
  });

  it("compares numbers of any length as numbers", () => {
    // Numeric identifiers by value, build metadata's leading zeros only as a tie-breaker.
    expect(
      ["1.0.0-10", "1.0.0-9", "1.0.0-18446744073709551616", "1.0.0-18446744073709551615"].sort(
        compareVersions,
      ),
    ).toEqual(["1.0.0-9", "1.0.0-10", "1.0.0-18446744073709551615", "1.0.0-18446744073709551616"]);
    expect(["1.0.0+010", "1.0.0+9", "1.0.0+10", "1.0.0+0"].sort(compareVersions)).toEqual([
      "1.0.0+0",
      "1.0.0+9",
      "1.0.0+10",
      "1.0.0+010",
    ]);
    // Numbers far past any machine integer (a fuzzer's two-million-digit pre-releases), compared digit by
    // digit; how fast is for the benchmark to say, not this test.
    const n = 2_000_000;
    const low = `1.0.0-${"1".repeat(n)}`;
    const high = `1.0.0-${"1".repeat(n - 1)}2`;
    const r = files(
      {
        "m/a.wit": `package a:a; world a { import b:b/i@${high}; }`,
        "m/deps/x/a.wit": `package b:b@${low}; interface i {}`,
        "m/deps/y/a.wit": `package b:b@${high}; interface i {}`,
      },
      "m",
    );
    expect(ok(r).packages.map((p) => p.name.version)).toEqual([high, undefined, low]);
    expect(compareVersions(low, high)).toBe(-1);
    expect(compareVersions(high, low)).toBe(1);
    expect(compareVersions(low, `${low}`)).toBe(0);
  });
});
