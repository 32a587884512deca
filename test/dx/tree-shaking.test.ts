/**
 * Tree-shaking of a generated SDK under real bundlers: an app that imports one error guard of one exported
 * interface is bundled by Rollup, Vite (Rolldown) and esbuild, and what it does not use must be left out. The
 * runtime's descriptor and table constructors are declared `#__NO_SIDE_EFFECTS__` (no call site is annotated
 * but the guards'): Rollup and Rolldown drop every unused descriptor, table and guard; esbuild (0.28) honours
 * that annotation only within one file, so it keeps the descriptors and tables and drops the unused guards,
 * whose calls stay annotated `/*@__PURE__*\/`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import ts from "typescript";
import type { Plugin as RollupPlugin } from "rollup";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSdk } from "../../src/index.js";

const WIT = `package t:shake;

interface used {
  record spot { x: u32, label: option<string> }
  fail: func(s: spot) -> result<u32, string>;
}

interface unused {
  record far-away { ys: list<u32>, tag: option<string> }
  enum shade { light, dark }
  broken: func(f: far-away, s: shade) -> result<_, string>;
}

world w {
  export used;
  export unused;
}
`;

/** The app: one guard of `used`, nothing of `unused` and no instance. */
const APP = `import { isFailError } from "./sdk/index.js";
export const check = (e: unknown): boolean => isFailError(e);
`;

let dir = "";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "wit-ts-shake-"));
  writeFileSync(join(dir, "world.wit"), WIT);
  const result = await generateSdk({ input: join(dir, "world.wit") });
  expect(result.diagnostics).toEqual([]);
  for (const file of result.files) {
    const path = join(dir, "sdk", file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
  }
  writeFileSync(join(dir, "app.ts"), APP);
});

afterAll(() => {
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
});

/** Lets Rollup read the generated .ts: `./x.js` imports resolve to `x.ts`, and types are stripped. */
function stripTypes(): RollupPlugin {
  return {
    name: "strip-types",
    resolveId(source, importer) {
      if (!importer || !source.startsWith(".") || !source.endsWith(".js")) return null;
      return resolve(dirname(importer), `${source.slice(0, -3)}.ts`);
    },
    transform(code, id) {
      if (!id.endsWith(".ts")) return null;
      return ts.transpileModule(code, {
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
        fileName: id,
      }).outputText;
    },
  };
}

/** What every bundle must keep: the guard the app uses and the name its table derives it from. */
function expectUsedKept(code: string): void {
  expect(code).toContain('"t:shake/used"');
  expect(code).toContain("fail");
}

/** What a bundler that honours `#__NO_SIDE_EFFECTS__` across modules must drop. */
function expectUnusedDropped(code: string): void {
  expect(code).not.toContain("t:shake/unused");
  expect(code).not.toContain("far-away");
  expect(code).not.toContain('"shade"');
  expect(code).not.toContain("isBrokenError");
}

describe("tree-shaking of a generated SDK", () => {
  it("Rollup leaves out every descriptor, table and guard the app does not use", async () => {
    const { rollup } = await import("rollup");
    const bundle = await rollup({ input: join(dir, "app.ts"), plugins: [stripTypes()] });
    const { output } = await bundle.generate({ format: "es" });
    await bundle.close();
    expectUsedKept(output[0].code);
    expectUnusedDropped(output[0].code);
  });

  it("Vite (Rolldown) leaves out every descriptor, table and guard the app does not use", async () => {
    const { build } = await import("vite");
    const result = await build({
      root: dir,
      configFile: false,
      logLevel: "silent",
      build: {
        write: false,
        minify: false,
        lib: { entry: join(dir, "app.ts"), formats: ["es"], fileName: "app" },
      },
    });
    const outputs = Array.isArray(result) ? result : [result];
    const code = outputs
      .flatMap((o) => ("output" in o ? o.output : []))
      .map((chunk) => ("code" in chunk ? chunk.code : ""))
      .join("\n");
    expectUsedKept(code);
    expectUnusedDropped(code);
  });

  it("esbuild leaves out the guards the app does not use", async () => {
    const esbuild = await import("esbuild");
    const result = await esbuild.build({
      entryPoints: [join(dir, "app.ts")],
      bundle: true,
      format: "esm",
      write: false,
      logLevel: "silent",
    });
    const code = result.outputFiles[0]!.text;
    expectUsedKept(code);
    expect(code).not.toContain("isBrokenError");
  });
});
