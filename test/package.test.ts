/**
 * The package as npm would install it: `npm pack` (scripts off: `npm test` has built `dist/`), the tarball
 * unpacked into a temp folder next to a link to this repository's `node_modules` (the dependencies an install
 * would bring), and the unpacked `bin/wit-ts.js` run on a sample. Catches files that the code reads at run
 * time but `package.json#files` leaves out: the SDK runtime sources were once missing, so that a user's
 * first `npx wit-ts gen` crashed while every test in the repository passed.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const tmp = mkdtempSync(join(tmpdir(), "wit-ts-package-"));
const unpacked = join(tmp, "package");
let packed: string[] = [];

beforeAll(() => {
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const out = execFileSync(npm, ["pack", "--json", "--ignore-scripts", "--pack-destination", tmp], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  packed = info!.files.map((f) => f.path);
  execFileSync("tar", ["-xzf", join(tmp, info!.filename), "-C", tmp]);
  symlinkSync(join(ROOT, "node_modules"), join(unpacked, "node_modules"), "dir");
}, 60_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("the npm package", () => {
  it("ships the CLI, the library and the runtime sources, and no tests", () => {
    expect(packed).toContain("bin/wit-ts.js");
    expect(packed).toContain("bin/package.json");
    expect(packed).toContain("dist/bundle/cli.cjs");
    expect(packed).toContain("dist/index.d.ts");
    expect(packed).toContain("templates/runtime/export-calls.ts");
    expect(packed.filter((p) => p.startsWith("test/") || p.includes("__generated__"))).toEqual([]);
  });

  it("generates an SDK from the unpacked tarball", () => {
    const out = join(tmp, "sdk");
    const r = spawnSync(
      process.execPath,
      [join(unpacked, "bin", "wit-ts.js"), "gen", join(ROOT, "wit-samples", "greeter"), "-o", out],
      { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    for (const file of ["index.ts", "runtime/export-calls.ts", "runtime/call-gate.ts"]) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    // The copied runtime is the repository's, byte for byte after the generated header.
    const copied = readFileSync(join(out, "runtime", "call-gate.ts"), "utf8");
    expect(copied).toContain(
      readFileSync(join(ROOT, "templates", "runtime", "call-gate.ts"), "utf8").slice(0, 200),
    );
  });

  it("reports its version", () => {
    const r = spawnSync(process.execPath, [join(unpacked, "bin", "wit-ts.js"), "--version"], {
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(r.stdout.trim()).toBe(pkg.version);
  });
});
