/**
 * `gen --format` as a user meets it: the CLI spawned through bin/wit-ts.js (built by `npm test`) in scratch
 * projects outside the repository, so that the prettier found is the project's own (linked into its
 * node_modules) and never wit-ts's devDependency. With the project's prettier config (`printWidth: 120`,
 * `semi: false`) the written SDK is what that prettier makes of the plain output; `--check` compares formatted
 * output; `format: true` in a config file works like the flag; watch mode formats before comparing; without a
 * prettier to find, `--format` is a user error with a hint and no stack trace.
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as prettier from "prettier";
import { afterAll, describe, expect, it } from "vitest";
import { regenerate } from "../src/watch.js";

const ROOT = join(import.meta.dirname, "..");
const bin = join(ROOT, "bin", "wit-ts.js");
const GREETER = join(ROOT, "test", "dx", "fixtures", "app", "wit");
const tmp = mkdtempSync(join(tmpdir(), "wit-ts-format-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const USER_CONFIG = { printWidth: 120, semi: false };

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: "utf8",
    cwd,
    env: { ...process.env, NO_COLOR: "" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A scratch project with the greeter WIT in `wit/`; with `prettier`, prettier in its node_modules and a config. */
function project(options: { readonly prettier: boolean }): string {
  const dir = mkdtempSync(join(tmp, "project-"));
  cpSync(GREETER, join(dir, "wit"), { recursive: true });
  if (options.prettier) {
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(
      join(ROOT, "node_modules", "prettier"),
      join(dir, "node_modules", "prettier"),
      "dir",
    );
    writeFileSync(join(dir, ".prettierrc.json"), JSON.stringify(USER_CONFIG));
  }
  return dir;
}

const readOut = (dir: string, file: string): string => readFileSync(join(dir, "sdk", file), "utf8");

describe("gen --format", () => {
  it("formats the output with the project's prettier and prettier config", async () => {
    const dir = project({ prettier: true });
    const plain = run(["gen", "wit", "-o", "plain"], dir);
    expect(plain.code, plain.stderr).toBe(0);
    const r = run(["gen", "wit", "-o", "sdk", "--format"], dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    for (const file of ["index.ts", "runtime/errors.ts"]) {
      const unformatted = readFileSync(join(dir, "plain", file), "utf8");
      const expected = await prettier.format(unformatted, {
        ...USER_CONFIG,
        filepath: join(dir, "sdk", file),
      });
      expect(readOut(dir, file), file).toBe(expected);
    }
    // The config took effect: no statement ends in a semicolon, and lines up to 120 columns were kept.
    const index = readOut(dir, "index.ts");
    expect(index).not.toMatch(/;\n/);
    expect(index).not.toBe(readFileSync(join(dir, "plain", "index.ts"), "utf8"));
  });

  it("--check compares the formatted output", () => {
    const dir = project({ prettier: true });
    expect(run(["gen", "wit", "-o", "sdk", "--format"], dir).code).toBe(0);
    const formatted = run(["gen", "wit", "-o", "sdk", "--format", "--check"], dir);
    expect(formatted.stderr).toBe("");
    expect(formatted.code).toBe(0);
    const plain = run(["gen", "wit", "-o", "sdk", "--check"], dir);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain("changed: index.ts");
  });

  it("takes `format: true` from a config file", () => {
    const dir = project({ prettier: true });
    writeFileSync(
      join(dir, "wit-ts.config.json"),
      JSON.stringify({ input: "wit", out: "sdk", format: true }),
    );
    const r = run(["gen"], dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(readOut(dir, "index.ts")).not.toMatch(/;\n/);
  });

  it("formats before watch mode compares and writes", async () => {
    const dir = project({ prettier: true });
    const out = join(dir, "sdk");
    const target = { options: { input: join(dir, "wit") }, out, format: { searchFrom: [dir] } };
    const first = await regenerate(target, undefined);
    expect(first.kind).toBe("written");
    expect(readOut(dir, "index.ts")).not.toMatch(/;\n/);
    // Unchanged input: the formatted output equals what is on disk, so nothing is written.
    expect((await regenerate(target, undefined)).kind).toBe("unchanged");
  });

  it("is a user error, with a hint and no stack trace, when the project has no prettier", () => {
    const dir = project({ prettier: false });
    const r = run(["gen", "wit", "-o", "sdk", "--format"], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /^error\[CLI5006\]: `--format` needs prettier, and none is installed for `.*sdk`/,
    );
    expect(r.stderr).toContain("npm install --save-dev prettier");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
