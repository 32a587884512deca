/**
 * The CLI's code cache as a user meets it: `bin/wit-ts.js` spawned as a process (built by `npm test`) with
 * `WIT_TS_COMPILE_CACHE` pointing at a scratch folder. Checks that the first run writes one cache file, that later
 * runs read it without writing again and print the same SDK (and can still `import()` a config file), that a damaged or unwritable cache changes nothing a
 * user sees, and that `off` writes nothing.
 */
import { spawnSync } from "node:child_process";
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  mkdirSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const bin = join(ROOT, "bin", "wit-ts.js");
const tmp = mkdtempSync(join(tmpdir(), "wit-ts-compile-cache-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let runs = 0;
/** Runs `gen` on the greeter sample with the cache setting given; returns the generated index.ts. */
function gen(cache: string): string {
  const out = join(tmp, `sdk-${runs++}`);
  const r = spawnSync(
    process.execPath,
    [bin, "gen", join(ROOT, "wit-samples", "greeter"), "-o", out],
    {
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1", WIT_TS_COMPILE_CACHE: cache },
    },
  );
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return readFileSync(join(out, "index.ts"), "utf8");
}

function cacheFiles(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

describe("the CLI's code cache", () => {
  it("is written by the first run and read, not rewritten, by the next", () => {
    const dir = join(tmp, "fresh");
    const first = gen(dir);
    const files = cacheFiles(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^cli-[0-9a-f]{32}-.*\.v8cache$/);
    const file = join(dir, files[0]!);
    const written = statSync(file).mtimeMs;
    expect(statSync(file).size).toBeGreaterThan(10_000);
    expect(gen(dir)).toBe(first);
    expect(cacheFiles(dir)).toEqual(files);
    expect(statSync(file).mtimeMs).toBe(written);
  });

  it("keeps one file per kind of command, so that a first `--help` does not stand in for `gen`", () => {
    const dir = join(tmp, "kinds");
    const help = spawnSync(process.execPath, [bin, "--help"], {
      encoding: "utf8",
      env: { ...process.env, WIT_TS_COMPILE_CACHE: dir },
    });
    expect(help.status).toBe(0);
    const [helpCache] = cacheFiles(dir);
    gen(dir);
    const files = cacheFiles(dir);
    expect(files).toHaveLength(2);
    const genCache = files.find((name) => name !== helpCache)!;
    // The generator's functions are in gen's cache only.
    expect(statSync(join(dir, genCache)).size).toBeGreaterThan(
      2 * statSync(join(dir, helpCache!)).size,
    );
  });

  it("leaves import() working in code read from it (a config file is imported)", () => {
    const dir = join(tmp, "import");
    const project = join(tmp, "project");
    mkdirSync(project);
    writeFileSync(
      join(project, "wit-ts.config.mjs"),
      `export default { input: ${JSON.stringify(join(ROOT, "wit-samples", "greeter"))}, out: "sdk" };\n`,
    );
    for (let i = 0; i < 2; i++) {
      const r = spawnSync(process.execPath, [bin, "gen"], {
        cwd: project,
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1", WIT_TS_COMPILE_CACHE: dir },
      });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(cacheFiles(dir)).toHaveLength(1);
    }
  });

  it("is replaced when damaged, and the run is unaffected", () => {
    const dir = join(tmp, "damaged");
    const expected = gen(dir);
    const [name] = cacheFiles(dir);
    const file = join(dir, name!);
    writeFileSync(file, Buffer.alloc(4096, 0x5a));
    expect(gen(dir)).toBe(expected);
    expect(readFileSync(file).subarray(0, 64).equals(Buffer.alloc(64, 0x5a))).toBe(false);
  });

  it("is skipped when its folder cannot be written", () => {
    const blocker = join(tmp, "not-a-folder");
    writeFileSync(blocker, "");
    const expected = gen(join(tmp, "reference"));
    expect(gen(join(blocker, "cache"))).toBe(expected);
  });

  it("is off with WIT_TS_COMPILE_CACHE=off", () => {
    const home = join(tmp, "home");
    mkdirSync(home);
    const r = spawnSync(process.execPath, [bin, "--version"], {
      encoding: "utf8",
      env: { ...process.env, WIT_TS_COMPILE_CACHE: "off", HOME: home, XDG_CACHE_HOME: home },
    });
    expect(r.status).toBe(0);
    expect(readdirSync(home)).toEqual([]);
  });
});
