/**
 * `index.ts` is the one module an app imports from: the runtime's public API, every interface's types under a
 * namespace per interface file, flat names where they are unambiguous, and types shared by the import and
 * export side of one interface declared once. Checked on the generated text and by compiling an app that
 * imports only from `index.js` under strict settings.
 */
import { describe, expect, it } from "vitest";
import { generate, selectWorld } from "../../src/codegen/generate.js";
import { resolveFiles } from "../../src/wit/load.js";
import { typeCheck } from "../support/typecheck.js";

const WIT = `package test:app@1.0.0;

interface shapes {
  record point { x: u32, y: u32 }
  enum color { red, green }
  resource canvas {
    constructor();
    draw: func(p: point) -> color;
    open: static func(name: string) -> result<canvas, string>;
  }
  record drawing { canvas: borrow<canvas>, at: point }
  area: func(p: point) -> result<u32, string>;
}

interface other {
  use shapes.{color};
  record point { z: u32 }
  paint: func(p: point, c: color) -> result<color, u8>;
}

interface labels {
  variant label { text(string), none }
  get: func() -> option<option<label>>;
  pair: func() -> result<u32, label>;
}

world app {
  import shapes;
  export shapes;
  export other;
  import labels;
  export run: func(c: borrow<canvas>) -> result<string, u8>;
  use shapes.{canvas};
}
`;

function generateApp(): Map<string, string> {
  const resolved = resolveFiles(new Map([["app.wit", WIT]]), "app.wit");
  expect(resolved.diagnostics).toEqual([]);
  const world = selectWorld(resolved.resolve!, resolved.packageIds);
  if (typeof world !== "number") throw new Error(world.message);
  const files = generate(resolved.resolve!, world, { input: "app.wit", version: "0.0.0-test" });
  return new Map(files.map((f) => [f.path, f.content]));
}

describe("index.ts re-exports", () => {
  const files = generateApp();
  const index = files.get("index.ts")!;

  it("re-exports the runtime's public API", () => {
    const values = /^export \{([^}]*)\} from "\.\/runtime\/index\.js";$/m.exec(index)?.[1];
    for (const name of [
      "TrapError",
      "ResultError",
      "ReentranceError",
      "BorrowExpiredError",
      "WitTsError",
    ]) {
      expect(values).toMatch(new RegExp(`\\b${name},`));
    }
    // From the SDK's own runtime entry point, as from a shared runtime (`--runtime-import`).
    const types = /^export type \{([^}]*)\} from "\.\/runtime\/index\.js";$/m.exec(index)?.[1];
    for (const name of ["BorrowHandle", "Borrowed", "Handle", "LeakReport", "Option", "Result"])
      expect(types).toMatch(new RegExp(`\\b${name},`));
  });

  it("gives each interface file a namespace, and re-exports flat only the names one interface declares", () => {
    // Imported as the namespace it re-exports, through which the index names the file's declarations.
    expect(index).toContain('import * as shapes from "./interfaces/test-app-shapes.js";');
    expect(index).toContain(
      'import * as shapesExports from "./interfaces/test-app-shapes-exports.js";',
    );
    expect(index).toContain('import * as other from "./interfaces/test-app-other.js";');
    expect(index).toContain('import * as labels from "./interfaces/test-app-labels.js";');
    expect(index).toContain("export { labels, other, shapes, shapesExports };");
    expect(index).toContain("shapes: shapesExports.createShapesExports(core),");
    const flat = [...index.matchAll(/^export type \{([^}]*)\} from "\.\/interfaces\/[^"]+";$/gms)]
      .flatMap((m) => m[1]!.split(",").map((n) => n.trim()))
      .filter((n) => n !== "");
    // `Point` is two types (shapes and other) and `Canvas` two sides: namespaces only.
    expect(flat).not.toContain("Point");
    expect(flat).not.toContain("Canvas");
    // `Color` is one type, `use`d by `other`: one flat name.
    expect(flat.filter((n) => n === "Color")).toHaveLength(1);
    expect(flat).toEqual(
      expect.arrayContaining(["Label", "ShapesImports", "ShapesExports", "OtherExports"]),
    );
  });

  it("declares the types of an interface both imported and exported once", () => {
    const count = (pattern: RegExp): number =>
      [...files.values()].reduce((n, text) => n + [...text.matchAll(pattern)].length, 0);
    // `Point` of shapes and `Point` of other; `Color` once; `Drawing` holds a resource: one per side.
    expect(count(/^export interface Point \{/gm)).toBe(2);
    expect(count(/^export type Color = "red" \| "green";/gm)).toBe(1);
    expect(count(/^export interface Drawing \{/gm)).toBe(2);
  });

  it("lets an app import everything it names from index.js and compile under strict settings", async () => {
    const app = `import {
  instantiate,
  shapes,
  shapesExports,
  other,
  labels,
  TrapError,
  ResultError,
  type Borrowed,
  type BorrowHandle,
  type LeakReport,
  type Result,
  type Option,
  type Color,
  type Label,
  type ShapesImports,
  type ShapesExports,
  type OtherExports,
  type RunError,
  type Imports,
  type InstantiateOptions,
  type WorldInstance,
  type Canvas,
} from "./sdk/index.js";

export const color: Color = "red";
export const point: shapes.Point = { x: 1, y: 2 };
export const otherPoint: other.Point = { z: 3 };
export const label: Label = { tag: "text", val: "hi" };
export const nested: Option<labels.Label | undefined> = { tag: "none" };
export const result: Result<number, string> = { tag: "ok", val: 1 };
export type Views = [Borrowed<Canvas>, BorrowHandle<shapes.Canvas>, shapesExports.Canvas, LeakReport];
export type Contracts = [ShapesImports, ShapesExports, OtherExports, Imports, InstantiateOptions, WorldInstance];
export function payload(e: shapes.AreaError | RunError): string | number {
  return e.payload;
}
export function isSdkError(e: unknown): boolean {
  return e instanceof TrapError || e instanceof ResultError;
}
export { instantiate };
`;
    const project = new Map<string, string>([["app.ts", app]]);
    for (const [path, content] of files) project.set(`sdk/${path}`, content);
    expect(await typeCheck(project)).toBe("");
  }, 180_000);
});
