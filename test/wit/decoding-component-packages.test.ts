/**
 * Unit tests of src/wit/decoding/component-packages.ts (the packages a runnable component imports and exports, decoded
 * from its binary) and of its use in src/component.ts. Inputs are components built in memory with jco's JS API:
 * a hand-written WAT component whose every section kind and index space the decoder must walk (core module,
 * core instance, core type, alias, type, canon, nested component, instance, import, export), and components
 * that wit-component encodes from WIT (`componentEmbed --dummy` + `componentNew`), the encoding real guests
 * have. Each decoded package is checked as text and by resolving it, with jco's own world text of the same
 * component, the way `generateSdk` does for a `.wasm` input.
 */
import { componentEmbed, componentNew, componentWit, parse } from "@bytecodealliance/jco";
import { describe, expect, it } from "vitest";
import { componentPackageDeps } from "../../src/component.js";
import { decodeComponentPackages } from "../../src/wit/decoding/component-packages.js";
import { resolveFiles } from "../../src/wit/load.js";

/** Types and a resource in one interface; a second interface `use`s two of them (one renamed); an export. */
const WAT = `(component
  (core module $m
    (func (export "f") (param i32) (result i32) local.get 0)
  )
  (core instance $mi (instantiate $m))
  (core type $unused (func (param i32)))
  (type $defs-type (instance
    (type $point (record (field "x" s32) (field "y" s32)))
    (export "point" (type $point-e (eq $point)))
    (type $shape (variant (case "circle" f64) (case "rect" $point-e) (case "empty")))
    (export "shape" (type $shape-e (eq $shape)))
    (type $color (enum "red" "dark-green"))
    (export "color" (type (eq $color)))
    (type $perms (flags "read" "write"))
    (export "perms" (type (eq $perms)))
    (export "file" (type $file (sub resource)))
    (type $file-own (own $file))
    (type $file-borrow (borrow $file))
    (export "[constructor]file" (func (param "name" string) (result $file-own)))
    (export "[method]file.size" (func (param "self" $file-borrow) (result u64)))
    (export "[static]file.open" (func (param "name" string) (result $file-own)))
    (type $list (list $point-e))
    (export "bounds" (func (param "points" $list) (result $shape-e)))
  ))
  (import "t:types/defs" (instance $defs (type $defs-type)))
  (alias export $defs "point" (type $point))
  (alias export $defs "file" (type $file))
  (type $api-type (instance
    (alias outer 1 $point (type $p))
    (export "point" (type $point-e (eq $p)))
    (alias outer 1 $file (type $f))
    (export "handle" (type $handle (eq $f)))
    (type $handle-borrow (borrow $handle))
    (export "measure" (func (param "at" $point-e) (param "h" $handle-borrow) (result u32)))
  ))
  (import "t:app/api@1.0.0" (instance $api (type $api-type)))
  (alias export $api "measure" (func $measure))
  (core func $measure-lowered (canon lower (func $measure)))
  (type $gadget (resource (rep i32)))
  (core func $gadget-drop (canon resource.drop $gadget))
  (alias export $defs "color" (type $color))
  (type $gadget-own (own $gadget))
  (type $make-type (func (param "c" $color) (result $gadget-own)))
  (alias core export $mi "f" (core func $f))
  (func $make (type $make-type) (canon lift (core func $f)))
  (component $shim
    (import "import-type-gadget" (type $g (sub resource)))
    (type $c0 (enum "red" "dark-green"))
    (import "import-type-color" (type $c (eq $c0)))
    (type $g-own (own $g))
    (import "import-func-make" (func $make (param "c" $c) (result $g-own)))
    (export $ge "gadget" (type $g))
    (export $ce "color" (type $c))
    (type $ge-own (own $ge))
    (export "make" (func $make) (func (param "c" $ce) (result $ge-own)))
  )
  (instance $tools (instantiate $shim
    (with "import-type-gadget" (type $gadget))
    (with "import-type-color" (type $color))
    (with "import-func-make" (func $make))
  ))
  (export "t:app/tools@1.0.0" (instance $tools))
)`;

const DEFS = `package t:types;

interface defs {
  record point { x: s32, y: s32 }
  variant shape { circle(f64), rect(point), empty }
  enum color { red, dark-green }
  flags perms { read, write }
  resource file {
    constructor(name: string);
    size: func() -> u64;
    open: static func(name: string) -> own<file>;
  }
  bounds: func(points: list<point>) -> shape;
}
`;

const APP = `package t:app@1.0.0;

interface tools {
  resource gadget;
  use t:types/defs.{color};
  make: func(c: color) -> own<gadget>;
}

interface api {
  use t:types/defs.{point};
  use t:types/defs.{file as handle};
  measure: func(at: point, h: borrow<handle>) -> u32;
}
`;

async function fromWat(wat: string): Promise<Uint8Array> {
  return parse(wat);
}

/** A component that wit-component encodes for `world` of `wit`, with a core module that only has the right shape. */
async function fromWit(wit: string, world: string): Promise<Uint8Array> {
  return componentNew(await componentEmbed({ dummy: true, witSource: wit, world }));
}

function decode(bytes: Uint8Array): Map<string, string> {
  const r = decodeComponentPackages(bytes);
  if ("error" in r) throw new Error(r.error);
  return r.packages;
}

/** Resolves jco's world text of the component with the decoded packages as deps/, as generateSdk does. */
async function resolveWithDeps(bytes: Uint8Array, packages: ReadonlyMap<string, string>) {
  const root = "c.wasm.wit";
  const files = new Map([[`${root}/component.wit`, await componentWit(bytes)]]);
  for (const [id, text] of packages)
    files.set(`${root}/deps/${id.replace(":", "_")}/package.wit`, text);
  return resolveFiles(files, root);
}

describe("decodeComponentPackages on a hand-written component", () => {
  it("rebuilds every package the imports and exports name, with types, resources, functions and uses", async () => {
    const packages = decode(await fromWat(WAT));
    expect([...packages.keys()]).toEqual(["t:app@1.0.0", "t:types"]);
    expect(packages.get("t:types")).toBe(DEFS);
    expect(packages.get("t:app@1.0.0")).toBe(APP);
  });

  it("gives packages that resolve with the component's own world", async () => {
    const bytes = await fromWat(WAT);
    const r = await resolveWithDeps(bytes, decode(bytes));
    expect(r.diagnostics.map((d) => d.message)).toEqual([]);
    const api = r.resolve!.interfaces.find((i) => i.name === "api")!;
    expect([...api.types.keys()]).toEqual(["point", "handle"]);
    expect([...api.functions.keys()]).toEqual(["measure"]);
  });

  it("leaves out the packages the caller supplies", async () => {
    const r = decodeComponentPackages(await fromWat(WAT), { skip: (id) => id === "t:types" });
    expect("packages" in r && [...r.packages.keys()]).toEqual(["t:app@1.0.0"]);
  });
});

describe("decodeComponentPackages on wit-component's encoding", () => {
  const wit = `package ex:shapes@0.2.0;

interface types {
  record size { w: u32, h: u32 }
  enum unit { px, em }
  flags style { bold, italic }
  variant fill { none, solid(u32), pattern(string) }
}

interface canvas {
  use types.{size, unit, fill};
  resource surface {
    constructor(s: size, u: unit);
    paint: func(f: fill) -> result<u32, string>;
    blank: static func() -> surface;
  }
  area: func(s: borrow<surface>) -> u64;
}

interface render {
  use types.{style};
  use canvas.{surface};
  resource frame {
    constructor(on: borrow<surface>);
    styled: func(s: style) -> bool;
  }
  draw: func(f: borrow<frame>) -> list<u8>;
}

world app {
  import canvas;
  export render;
  export run: func() -> u32;
}
`;

  it("rebuilds imported and exported interfaces and uses between them", async () => {
    const bytes = await fromWit(wit, "app");
    const packages = decode(bytes);
    expect([...packages.keys()]).toEqual(["ex:shapes@0.2.0"]);
    const text = packages.get("ex:shapes@0.2.0")!;
    expect(text).toContain("record size { w: u32, h: u32 }");
    expect(text).toContain("enum unit { px, em }");
    expect(text).toContain("flags style { bold, italic }");
    expect(text).toContain("variant fill { none, solid(u32), pattern(string) }");
    expect(text).toContain("    paint: func(f: fill) -> result<u32, string>;");
    expect(text).toContain("    blank: static func() -> own<surface>;");
    expect(text).toContain("use canvas.{surface};");
    expect(text).toContain("    styled: func(s: style) -> bool;");
    const r = await resolveWithDeps(bytes, packages);
    expect(r.diagnostics.map((d) => d.message)).toEqual([]);
    const names = r.resolve!.interfaces.map((i) => i.name).sort();
    expect(names).toEqual(["canvas", "render", "types"]);
  });
});

describe("decodeComponentPackages refuses what it cannot read", () => {
  it("reports a core module, a truncated binary and an unknown section as errors", async () => {
    const core = await parse("(module)");
    expect(decodeComponentPackages(core)).toEqual({ error: "a core module, not a component" });
    const bytes = await fromWat(WAT);
    const cut = decodeComponentPackages(bytes.subarray(0, 40));
    expect("error" in cut && cut.error).toMatch(/end of the binary/);
    const odd = Uint8Array.from([...bytes.subarray(0, 8), 0x63, 0x00]);
    expect(decodeComponentPackages(odd)).toEqual({
      error: "unknown section 99 (in section 99 at byte 10)",
    });
  });

  it("names an exported instance whose type it cannot tell", async () => {
    // An instance of an imported component: its definition, and so its exports' origin, is not in the binary.
    const bytes = await fromWat(`(component
      (import "c" (component $c (export "g" (func))))
      (instance $i (instantiate $c))
      (export "a:b/c" (instance $i))
    )`);
    expect(decodeComponentPackages(bytes)).toEqual({
      error:
        "the type of `a:b/c` cannot be told: component 0 is an imported component `c`, whose definition is not in the binary",
    });
  });

  it("types an instance of inline exports by the items it bundles", async () => {
    const bytes = await fromWat(`(component
      (import "f" (func $f (param "x" u32)))
      (instance $i (export "g" (func $f)))
      (export "a:b/c" (instance $i))
    )`);
    expect(decode(bytes).get("a:b")).toBe("package a:b;\n\ninterface c {\n  g: func(x: u32);\n}\n");
  });

  it("takes an exported instance's type from its ascription", async () => {
    const bytes = await fromWat(`(component
      (import "f" (func $f))
      (instance $i (export "g" (func $f)))
      (export "a:b/c" (instance $i) (instance (export "g" (func))))
    )`);
    expect(decode(bytes).get("a:b")).toBe("package a:b;\n\ninterface c {\n  g: func();\n}\n");
  });
});

describe("componentPackageDeps", () => {
  it("decodes only the packages not supplied, into deps/ folders", async () => {
    const bytes = await fromWat(WAT);
    const world = await componentWit(bytes);
    const supplied = new Set(["t:types"]);
    const r = componentPackageDeps(bytes, world, supplied, "r");
    expect("files" in r && [...r.files.keys()]).toEqual(["r/deps/t_app@1.0.0/package.wit"]);
  });

  it("decodes nothing when the world names no other package", () => {
    // Not a component at all: decoding it would fail, so an empty result shows it was never decoded.
    const r = componentPackageDeps(
      Uint8Array.of(0),
      "package root:component;\nworld root {\n  import t:types/defs;\n}\n",
      new Set(["t:types"]),
      "r",
    );
    expect(r).toEqual({ files: new Map() });
    const missing = componentPackageDeps(
      Uint8Array.of(1, 2, 3, 4),
      "package root:component;\nworld root {\n  import t:other/defs;\n}\n",
      new Set(),
      "r",
    );
    expect(missing).toEqual({ error: "not a WebAssembly binary" });
  });
});

// ---------------------------------------------------------------------------
// Mutated binaries (issue #9 for `.wasm` inputs): whatever the bytes, the decoder returns packages or an error
// message; it never throws, and what it returns goes through the front end without an exception either.
// ---------------------------------------------------------------------------

interface Random {
  below(n: number): number;
  chance(p: number): boolean;
}
/** The fuzzer's seeded PRNG (scripts/fuzz/random.js; a non-literal specifier, as in test/fuzz). */
const randomPath = new URL("../../scripts/fuzz/random.js", import.meta.url).href;
const { createRandom } = (await import(randomPath)) as { createRandom(seed: number): Random };

/** One seeded mutation of `bytes`: byte flips, a cut, a run of bytes repeated or dropped, or a LEB128 widened. */
function mutate(bytes: Uint8Array, random: Random): Uint8Array {
  const out = Array.from(bytes);
  const at = (): number => 8 + random.below(Math.max(1, out.length - 8)); // keep the magic and version mostly
  switch (random.below(5)) {
    case 0:
      for (let i = 0, n = 1 + random.below(4); i < n; i++) out[at()] = random.below(256);
      break;
    case 1:
      out.length = at();
      break;
    case 2: {
      const from = at();
      out.splice(from, 0, ...out.slice(from, from + 1 + random.below(16)));
      break;
    }
    case 3:
      out.splice(at(), 1 + random.below(16));
      break;
    default: {
      // A LEB128 with a continuation bit and a zero byte more: the same number, one byte longer, so that sizes
      // and counts around it no longer match.
      const i = at();
      out.splice(i, 1, (out[i]! | 0x80) & 0xff, 0x00);
      break;
    }
  }
  if (random.chance(0.05)) out[random.below(8)] = random.below(256);
  return Uint8Array.from(out);
}

describe("decodeComponentPackages on mutated binaries", () => {
  it("returns packages or an error for 3,000 mutations of two components (seed 2026), never throws", async () => {
    const world = `package ex:fz@0.1.0;
interface types {
  record size { w: u32, h: u32 }
  enum unit { px, em }
  resource surface { constructor(s: size); area: func(u: unit) -> u64; }
}
interface api { use types.{size, surface}; make: func(s: size) -> surface; }
world app { import api; export types; export run: func() -> u32; }
`;
    const seeds = [await fromWat(WAT), await fromWit(world, "app")];
    expect(seeds.map((bytes) => "packages" in decodeComponentPackages(bytes))).toEqual([
      true,
      true,
    ]);
    const random = createRandom(2026);
    const outcomes = { packages: 0, error: 0 };
    for (let index = 0; index < 3000; index++) {
      const bytes = mutate(seeds[index % seeds.length]!, random);
      let result: ReturnType<typeof decodeComponentPackages>;
      try {
        result = decodeComponentPackages(bytes);
      } catch (error) {
        throw new Error(`seed 2026, case ${index}: the decoder threw ${String(error)}`, {
          cause: error,
        });
      }
      if ("error" in result) {
        expect(typeof result.error, `case ${index}`).toBe("string");
        expect(result.error.length, `case ${index}`).toBeGreaterThan(0);
        outcomes.error++;
        continue;
      }
      outcomes.packages++;
      for (const [id, text] of result.packages) {
        // Decoded text is parsed and resolved like any WIT: diagnostics are fine, exceptions are not.
        expect(
          () => resolveFiles(new Map([["p.wit", text]]), "p.wit"),
          `case ${index}, ${id}`,
        ).not.toThrow();
      }
    }
    // Both outcomes happen: the mutations reach past the first section, and some still decode.
    expect(outcomes.error).toBeGreaterThan(100);
    expect(outcomes.packages).toBeGreaterThan(100);
  });
});
