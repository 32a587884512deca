/**
 * src/config.ts: finding `wit-ts.config.*` (or package.json's `"wit-ts"` key) from a folder upwards,
 * loading each format (JSON, ES module, TypeScript through jiti with `defineConfig` imported from the
 * package as a user would), and the exact messages for every kind of bad config.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defineConfig, loadConfig, validateConfig } from "../src/config.js";
import { renderDiagnostics } from "../src/diagnostics/render.js";
import { SourceMap } from "../src/diagnostics/source-map.js";

const ROOT = resolve(import.meta.dirname, "..");
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A scratch folder holding `files` (path -> text). */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "wit-ts-config-"));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** The rendered diagnostics of a failed load, one string per diagnostic. */
async function loadErrors(cwd: string): Promise<string[]> {
  const r = await loadConfig({ cwd });
  expect(r.config).toBeUndefined();
  return r.diagnostics.map((d) => renderDiagnostics([d], new SourceMap()));
}

describe("loadConfig", () => {
  it("reads wit-ts.config.json with one entry", async () => {
    const dir = project({
      "wit-ts.config.json": '{ "input": "wit", "out": "src/sdk", "world": "w" }',
    });
    const r = await loadConfig({ cwd: dir });
    expect(r.diagnostics).toEqual([]);
    expect(r.config).toEqual({
      path: join(dir, "wit-ts.config.json"),
      dir,
      entries: [{ input: "wit", out: "src/sdk", world: "w" }],
    });
  });

  it("searches upwards from a subfolder and stops at the nearest config", async () => {
    const dir = project({
      "wit-ts.config.json":
        '[{ "input": "a", "out": "x" }, { "input": "b", "out": "y", "allFeatures": true }]',
      "pkg/inner/keep.txt": "",
    });
    const r = await loadConfig({ cwd: join(dir, "pkg", "inner") });
    expect(r.config?.dir).toBe(dir);
    expect(r.config?.entries).toEqual([
      { input: "a", out: "x" },
      { input: "b", out: "y", allFeatures: true },
    ]);
  });

  it('reads the "wit-ts" key of package.json, and skips a package.json without one', async () => {
    const dir = project({
      "package.json": JSON.stringify({
        name: "app",
        "wit-ts": { input: "wit", out: "gen", features: ["a", "b"] },
      }),
      "sub/package.json": JSON.stringify({ name: "sub" }),
    });
    const r = await loadConfig({ cwd: join(dir, "sub") });
    expect(r.config?.path).toBe(join(dir, "package.json"));
    expect(r.config?.entries).toEqual([{ input: "wit", out: "gen", features: ["a", "b"] }]);
  });

  it("imports an .mjs config's default export", async () => {
    const dir = project({
      "wit-ts.config.mjs":
        'export default [{ input: "wit", out: "one" }, { input: "wit", out: "two", autodropBorrows: true }];\n',
    });
    const r = await loadConfig({ cwd: dir });
    expect(r.config?.entries).toEqual([
      { input: "wit", out: "one" },
      { input: "wit", out: "two", autodropBorrows: true },
    ]);
  });

  it("loads a .ts config with jiti, importing defineConfig from the installed package", async () => {
    const dir = project({
      "wit-ts.config.ts": [
        'import { defineConfig } from "wit-ts/config";',
        'const out: string = "src/" + "sdk";',
        'export default defineConfig({ input: "wit", out, runtimeImport: "@acme/runtime" });',
        "",
      ].join("\n"),
    });
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(ROOT, join(dir, "node_modules", "wit-ts"), "dir");
    const r = await loadConfig({ cwd: dir });
    expect(r.diagnostics).toEqual([]);
    expect(r.config?.entries).toEqual([
      { input: "wit", out: "src/sdk", runtimeImport: "@acme/runtime" },
    ]);
  });

  it("loads an explicit file given with `file`", async () => {
    const dir = project({ "configs/sdk.json": '{ "input": "../wit", "out": "../gen" }' });
    const r = await loadConfig({ cwd: dir, file: "configs/sdk.json" });
    expect(r.config?.dir).toBe(join(dir, "configs"));
    expect(r.config?.entries).toEqual([{ input: "../wit", out: "../gen" }]);
  });

  it("defineConfig returns its argument unchanged", () => {
    const config = [{ input: "a", out: "b" }] as const;
    expect(defineConfig(config)).toBe(config);
  });
});

describe("bad configs", () => {
  it("no config anywhere above the folder", async () => {
    const dir = project({ "deep/er/x.txt": "" });
    // tmpdir() and / hold no config; if this machine had one there, the search would find it.
    expect(await loadErrors(join(dir, "deep", "er"))).toEqual([
      [
        `error[CLI5004]: no wit-ts config found in \`${join(dir, "deep", "er")}\` or any folder above it`,
        "give an input (`wit-ts gen <input> -o <dir>`) or create wit-ts.config.json, e.g.",
        '  { "input": "wit", "out": "src/sdk" }',
      ].join("\n"),
    ]);
  });

  it("two configs in one folder", async () => {
    const dir = project({ "wit-ts.config.json": "{}", "wit-ts.config.mjs": "export default {}" });
    expect(await loadErrors(dir)).toEqual([
      `error[CLI5003]: several wit-ts configs in \`${dir}\`: \`wit-ts.config.mjs\`, \`wit-ts.config.json\`\nkeep one of them`,
    ]);
  });

  it("unknown keys (with a suggestion), wrong types and a missing input, all at once, naming file and key", async () => {
    const dir = project({
      "wit-ts.config.json": JSON.stringify([
        { input: "wit", out: "a", wrld: "w" },
        { out: "b", features: "x,y", allFeatures: "yes" },
        { input: "", out: 3, bogus: 1 },
        "wit",
      ]),
    });
    expect(await loadErrors(dir)).toEqual([
      "error[CLI5003]: invalid config in wit-ts.config.json: `[0].wrld` is not a known key\ndid you mean `world`?",
      'error[CLI5003]: invalid config in wit-ts.config.json: `[1].features` must be an array of strings, found the string "x,y"',
      'error[CLI5003]: invalid config in wit-ts.config.json: `[1].allFeatures` must be true or false, found the string "yes"',
      "error[CLI5003]: invalid config in wit-ts.config.json: `[1].input` is missing\nit names a .wit file, a WIT folder or a .wasm component",
      "error[CLI5003]: invalid config in wit-ts.config.json: `[2].input` must not be empty",
      "error[CLI5003]: invalid config in wit-ts.config.json: `[2].out` must be a string, found the number 3",
      "error[CLI5003]: invalid config in wit-ts.config.json: `[2].bogus` is not a known key\nknown keys: input, out, world, features, allFeatures, autodropBorrows, runtimeImport, directCalls, format",
      'error[CLI5003]: invalid config in wit-ts.config.json: `[3]` must be an object, found the string "wit"',
    ]);
  });

  it("a single entry's keys have no index; package.json errors name the key", async () => {
    const dir = project({ "package.json": JSON.stringify({ "wit-ts": { input: "wit" } }) });
    expect(await loadErrors(dir)).toEqual([
      'error[CLI5003]: invalid config in package.json (key "wit-ts"): `out` is missing\nit names the output folder',
    ]);
  });

  it("malformed JSON, an empty list, a module without a default export, a module that throws", async () => {
    expect(await loadErrors(project({ "wit-ts.config.json": "{ input: wit }" }))).toEqual([
      expect.stringMatching(/^error\[CLI5003\]: config `wit-ts\.config\.json` is not valid JSON: /),
    ]);
    expect(await loadErrors(project({ "wit-ts.config.json": "[]" }))).toEqual([
      "error[CLI5003]: invalid config in wit-ts.config.json: lists no entries",
    ]);
    expect(
      await loadErrors(project({ "wit-ts.config.mjs": "export const config = {};\n" })),
    ).toEqual([
      "error[CLI5003]: config `wit-ts.config.mjs` has no default export (write `export default defineConfig({ ... })`)",
    ]);
    expect(
      await loadErrors(project({ "wit-ts.config.mjs": 'throw new Error("boom");\n' })),
    ).toEqual(["error[CLI5003]: cannot load config `wit-ts.config.mjs`: boom"]);
  });

  it("a missing explicit file", async () => {
    const r = await loadConfig({ cwd: project({}), file: "nope.json" });
    expect(renderDiagnostics(r.diagnostics, new SourceMap())).toBe(
      "error[CLI5004]: config file `nope.json` does not exist",
    );
  });

  it("validateConfig names its source (the plugin passes its own)", () => {
    const r = validateConfig(42, "witTs() options");
    expect(r.entries).toEqual([]);
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      "invalid config in witTs() options: must be an entry object or an array of them, found the number 42",
    ]);
  });
});
