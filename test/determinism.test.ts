/**
 * Determinism (issue #9): the same input gives byte-identical output whatever the run, the working
 * folder, and the spelling of the input path. Every sample in `wit-samples/` is generated through the
 * CLI as a process (`node bin/wit-ts.js gen`, built by `npm test`) from copies in two temp folders: with
 * relative paths in one, absolute paths in the other, and again with the input spelled `./<sample>/`. The
 * output trees (manifest included, nothing ignored) must be equal byte for byte and must hold no temp
 * path, timestamp or backslash path. In process, each sample is also resolved from its files given to
 * `resolveFiles` in opposite insertion orders, which must not change a byte either. And for two samples laid out as
 * a project (`wit/<sample>`, output `sdk/`), `gen` from the project's root, from a sub-folder, through a config
 * file, through the build plugin, must write the same bytes, whose header names the input relative to the output
 * folder, and `--check` must find them current from anywhere.
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generate, selectWorld } from "../src/codegen/generate.js";
import { witTs } from "../src/plugin/index.js";
import { resolveFiles } from "../src/wit/load.js";

const ROOT = join(import.meta.dirname, "..");
const BIN = join(ROOT, "bin", "wit-ts.js");
const SAMPLES_DIR = join(ROOT, "wit-samples");
const SAMPLES = readdirSync(SAMPLES_DIR)
  .filter((name) => statSync(join(SAMPLES_DIR, name)).isDirectory())
  .sort();

// Real paths, so that a symlinked temp folder (macOS) cannot hide a leaked path behind its other spelling.
const TMP = realpathSync(mkdtempSync(join(tmpdir(), "wit-ts-determinism-")));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** The sample's WIT files (deps included, goldens left out), by `/`-separated path relative to it. */
function witFiles(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix))
    .filter((entry) => !entry.startsWith("__generated"))
    .flatMap((entry) => {
      const path = prefix === "" ? entry : `${prefix}/${entry}`;
      return statSync(join(dir, path)).isDirectory() ? witFiles(dir, path) : [path];
    });
}

/** Every file under `dir`, by `/`-separated relative path, in sorted order, with its bytes. */
function readTree(dir: string): [string, Buffer][] {
  const out: [string, Buffer][] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current)) {
      const path = join(current, entry);
      if (statSync(path).isDirectory()) walk(path);
      else out.push([relative(dir, path).split("\\").join("/"), readFileSync(path)]);
    }
  };
  walk(dir);
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A fresh working folder holding a copy of the sample (WIT only) under its own name. */
function workspace(sample: string, label: string): string {
  const dir = mkdtempSync(join(TMP, `${sample}-${label}-`));
  for (const file of witFiles(join(SAMPLES_DIR, sample))) {
    cpSync(join(SAMPLES_DIR, sample, file), join(dir, sample, file), { recursive: true });
  }
  return dir;
}

/** Runs `wit-ts gen <input> -o <out>` in `cwd` and returns the output tree. */
function gen(cwd: string, input: string, out: string): [string, Buffer][] {
  const r = spawnSync(process.execPath, [BIN, "gen", input, "-o", out], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return readTree(join(cwd, out.startsWith(cwd) ? relative(cwd, out) : out));
}

const TIMESTAMP = [
  /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/, // ISO 8601 date and time
  /\b\d{1,2}:\d{2}:\d{2}\b/, // a clock time
  /\b1[5-9]\d{11}\b/, // milliseconds since 1970, 2017 to 2033
  /\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)/, // Date#toUTCString
];

describe.each(SAMPLES)("wit-samples/%s", (sample) => {
  it("generates the same bytes from relative, absolute and `./…/` input paths in two folders", () => {
    const a = workspace(sample, "a");
    const b = workspace(sample, "b");
    const relativeRun = gen(a, sample, "out");
    const absoluteRun = gen(b, join(b, sample), join(b, "out"));
    const dottedRun = gen(b, `./${sample}/`, "./out2/");

    expect(relativeRun.length).toBeGreaterThan(1);
    expect(relativeRun.map(([path]) => path)).toContain(".wit-ts-manifest.json");
    expect(absoluteRun.map(([path]) => path)).toEqual(relativeRun.map(([path]) => path));
    expect(dottedRun.map(([path]) => path)).toEqual(relativeRun.map(([path]) => path));
    for (const [index, [path, bytes]] of relativeRun.entries()) {
      expect(absoluteRun[index]![1].equals(bytes), `${path}, absolute input`).toBe(true);
      expect(dottedRun[index]![1].equals(bytes), `${path}, ./${sample}/ input`).toBe(true);
    }
    const header = relativeRun
      .find(([path]) => path === "index.ts")![1]
      .toString("utf8")
      .split("\n")[0];
    expect(header).toMatch(
      new RegExp(`^// @generated by wit-ts \\S+ from \\.\\./${sample} \\(world [\\w-]+\\)$`),
    );

    for (const [path, bytes] of relativeRun) {
      const text = bytes.toString("utf8");
      for (const leak of [TMP, a, b, tmpdir(), ROOT])
        expect(text.includes(leak), `${path} holds ${leak}`).toBe(false);
      for (const pattern of TIMESTAMP)
        expect(pattern.exec(text)?.[0], `${path}: timestamp`).toBeUndefined();
      const backslashPath =
        /[A-Za-z]:\\|(?:wit-samples|deps|interfaces|runtime|component|out)\\/.exec(text);
      expect(backslashPath?.[0], `${path}: backslash path`).toBeUndefined();
      expect(text.includes(`${sample}\\`), `${path}: backslash path`).toBe(false);
    }
  });

  it("generates the same bytes whatever order its files are given to `resolveFiles` in", () => {
    const dir = join(SAMPLES_DIR, sample);
    const files = witFiles(dir).map(
      (path) => [`${sample}/${path}`, readFileSync(join(dir, path), "utf8")] as const,
    );
    const run = (entries: readonly (readonly [string, string])[]): string[] => {
      const resolved = resolveFiles(new Map(entries), sample);
      expect(resolved.diagnostics).toEqual([]);
      const world = selectWorld(resolved.resolve!, resolved.packageIds);
      if (typeof world !== "number") throw new Error(world.message);
      return generate(resolved.resolve!, world, {
        input: sample,
        version: "0.0.0-determinism",
      }).map((file) => `${file.path}\n${file.content}`);
    };
    const forward = run(files);
    expect(run([...files].reverse())).toEqual(forward);
    // And a second time in the same process (memo tables and name caches warm).
    expect(run(files)).toEqual(forward);
  });
});

/** Runs the CLI in `cwd`; it must succeed silently on stderr. Returns its stdout. */
function cli(cwd: string, args: readonly string[]): string {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  expect(r.stderr, `wit-ts ${args.join(" ")} in ${cwd}`).toBe("");
  expect(r.status, `wit-ts ${args.join(" ")} in ${cwd}`).toBe(0);
  return r.stdout;
}

/** The shape of the Vite plugin the tests drive by hand: the project root, then one build start. */
interface VitePluginLike {
  configResolved(config: { readonly root: string }): void;
  buildStart(this: { addWatchFile(id: string): void }): Promise<void>;
}

describe.each(["greeter", "nested-packages"])("wit-samples/%s as a project", (sample) => {
  it("writes the same bytes from the root, a sub-folder, a config file and the build plugin; --check agrees", async () => {
    const project = mkdtempSync(join(TMP, `${sample}-project-`));
    for (const file of witFiles(join(SAMPLES_DIR, sample)))
      cpSync(join(SAMPLES_DIR, sample, file), join(project, "wit", sample, file), {
        recursive: true,
      });
    const deep = join(project, "src", "deep");
    mkdirSync(deep, { recursive: true });
    const sdk = join(project, "sdk");
    const take = (): [string, Buffer][] => {
      const tree = readTree(sdk);
      rmSync(sdk, { recursive: true });
      return tree;
    };

    cli(project, ["gen", `wit/${sample}`, "-o", "sdk"]);
    const fromRoot = take();
    cli(deep, ["gen", `../../wit/${sample}/`, "-o", "../../sdk"]);
    const fromSubFolder = take();
    cli(deep, ["gen", join(project, "wit", sample), "-o", sdk]);
    const absolute = take();
    writeFileSync(
      join(project, "wit-ts.config.json"),
      JSON.stringify({ input: `wit/${sample}`, out: "sdk" }),
    );
    cli(deep, ["gen"]);
    const fromConfig = readTree(sdk);
    expect(cli(deep, ["gen", "--check"])).toContain("is up to date");
    expect(cli(project, ["gen", `wit/${sample}`, "-o", "sdk", "--check"])).toContain(
      "is up to date",
    );
    expect(cli(deep, ["gen", `../../wit/${sample}`, "-o", "../../sdk", "--check"])).toContain(
      "is up to date",
    );
    rmSync(sdk, { recursive: true });
    const plugin = witTs.vite([{ input: `wit/${sample}`, out: "sdk" }]) as VitePluginLike;
    plugin.configResolved({ root: project });
    await plugin.buildStart.call({ addWatchFile: () => undefined });
    const fromPlugin = take();

    const header = fromRoot
      .find(([path]) => path === "index.ts")![1]
      .toString("utf8")
      .split("\n")[0];
    expect(header).toMatch(
      new RegExp(`^// @generated by wit-ts \\S+ from \\.\\./wit/${sample} \\(world [\\w-]+\\)$`),
    );
    const runs = { fromSubFolder, absolute, fromConfig, fromPlugin };
    for (const [name, run] of Object.entries(runs)) {
      expect(
        run.map(([path]) => path),
        name,
      ).toEqual(fromRoot.map(([path]) => path));
      for (const [index, [path, bytes]] of fromRoot.entries())
        expect(run[index]![1].equals(bytes), `${path}, ${name}`).toBe(true);
    }
  });
});
