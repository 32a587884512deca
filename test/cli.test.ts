/**
 * The CLI as a user meets it: spawned as a process through bin/wit-ts.js (built by `npm test`), checking
 * exit codes, stdout/stderr and that user errors never show a stack trace.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const bin = join(import.meta.dirname, "..", "bin", "wit-ts.js");
const tmp = mkdtempSync(join(tmpdir(), "wit-ts-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: "utf8",
    cwd: tmp,
    env: { ...process.env, NO_COLOR: "", ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("wit-ts resolve", () => {
  it("prints the Resolve JSON of a sample and exits 0", () => {
    const r = run(["resolve", join(import.meta.dirname, "..", "wit-samples", "greeter"), "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { packages: { name: string }[]; worlds: { name: string }[] };
    expect(json.packages.map((p) => p.name)).toEqual(["example:greeter@0.1.0"]);
    expect(json.worlds.map((w) => w.name)).toEqual(["greeter"]);
  });

  it("reports a WIT error with file:line:col and a code frame, exit 1, no stack trace", () => {
    writeFileSync(join(tmp, "bad.wit"), "package a:b;\n\ninterface i {\n  type foo = bar;\n}\n");
    const r = run(["resolve", "bad.wit"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^error\[WIT\d{4}\]: type `bar` does not exist$/);
    expect(lines.slice(1)).toEqual([
      "     --> bad.wit:4:14",
      "      |",
      "    4 |   type foo = bar;",
      "      |              ^--",
    ]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("colours diagnostics only when asked by a TTY, never with NO_COLOR", () => {
    writeFileSync(join(tmp, "bad2.wit"), "package a:b;\ninterface i { x: func() -> nope; }\n");
    const r = run(["resolve", "bad2.wit"], { NO_COLOR: "1" });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain("\x1b[");
  });

  it("reports a missing path as a user error", () => {
    const r = run(["resolve", "does-not-exist.wit"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("does-not-exist.wit");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("wit-ts manners", () => {
  it("--version prints the package version", () => {
    const r = run(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("--help lists commands and examples", () => {
    const r = run(["resolve", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: wit-ts resolve [options] <path>");
    expect(r.stdout).toContain("$ wit-ts resolve wit-samples/greeter --json");
  });

  it("an unknown option is a user error with exit 1", () => {
    const r = run(["resolve", "--bogus", "x.wit"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unknown option '--bogus'");
  });
});
