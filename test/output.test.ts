/**
 * Output safety (issue #9): staged writes, stale-file removal limited to files wit-ts wrote, user files left alone,
 * nothing written outside the output directory, previous output intact when writing fails.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  statSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MANIFEST, diffOutput, writeOutput } from "../src/output.js";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "wit-ts-out-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const read = (p: string) => readFileSync(join(root, p), "utf8");

describe("writeOutput", () => {
  it("creates the directory and a manifest", () => {
    writeOutput(join(root, "out"), "a:b/w", [
      { path: "index.ts", content: "x\n" },
      { path: "interfaces/i.ts", content: "y\n" },
    ]);
    expect(read("out/index.ts")).toBe("x\n");
    expect(read("out/interfaces/i.ts")).toBe("y\n");
    expect(JSON.parse(read(`out/${MANIFEST}`))).toEqual({
      worlds: { "a:b/w": ["index.ts", "interfaces/i.ts"] },
    });
    expect(readdirSync(root)).toEqual(["out"]);
  });

  it("removes stale files of the same world, keeps other worlds' and the user's files", () => {
    const out = join(root, "out");
    writeOutput(out, "a:b/w", [
      { path: "index.ts", content: "1\n" },
      { path: "interfaces/old.ts", content: "old\n" },
    ]);
    writeOutput(out, "a:b/other", [{ path: "other/index.ts", content: "o\n" }]);
    writeFileSync(join(out, "user-notes.md"), "mine\n");
    writeOutput(out, "a:b/w", [{ path: "index.ts", content: "2\n" }]);
    expect(read("out/index.ts")).toBe("2\n");
    expect(existsSync(join(out, "interfaces/old.ts"))).toBe(false);
    expect(existsSync(join(out, "interfaces"))).toBe(false);
    expect(read("out/other/index.ts")).toBe("o\n");
    expect(read("out/user-notes.md")).toBe("mine\n");
  });

  it("removes the folders that stale files leave empty, nested ones too, and no empty folder of the user's", () => {
    const out = join(root, "out");
    writeOutput(out, "a:b/w", [
      { path: "index.ts", content: "1\n" },
      { path: "a/b/x.ts", content: "x\n" },
      { path: "a/c/y.ts", content: "y\n" },
    ]);
    mkdirSync(join(out, "mine"));
    writeOutput(out, "a:b/w", [{ path: "index.ts", content: "2\n" }]);
    expect(readdirSync(out).sort()).toEqual([MANIFEST, "index.ts", "mine"]);
    expect(readdirSync(root)).toEqual(["out"]);
  });

  it("rewrites only files whose bytes change", () => {
    const out = join(root, "out");
    writeOutput(out, "a:b/w", [
      { path: "same.ts", content: "s\n" },
      { path: "c.ts", content: "1\n" },
    ]);
    const before = statSync(join(out, "same.ts")).ino;
    writeOutput(out, "a:b/w", [
      { path: "same.ts", content: "s\n" },
      { path: "c.ts", content: "2\n" },
    ]);
    expect(statSync(join(out, "same.ts")).ino).toBe(before);
    expect(read("out/c.ts")).toBe("2\n");
  });

  it("drops files that the same world no longer generates", () => {
    const out = join(root, "out");
    writeOutput(out, "a:b/w", [
      { path: "a.ts", content: "1\n" },
      { path: "b.ts", content: "1\n" },
    ]);
    writeOutput(out, "a:b/w", [{ path: "a.ts", content: "2\n" }]);
    expect(readdirSync(out).sort()).toEqual([MANIFEST, "a.ts"]);
    expect(readdirSync(root)).toEqual(["out"]);
  });

  it("refuses paths that escape the output directory and writes nothing", () => {
    const out = join(root, "out");
    for (const bad of ["../evil.ts", "/abs.ts", "a/../../evil.ts", "a\\b.ts", ""]) {
      expect(() => writeOutput(out, "a:b/w", [{ path: bad, content: "x" }])).toThrow(
        /outside the output directory/,
      );
    }
    expect(readdirSync(root)).toEqual([]);
  });

  it("leaves the previous output untouched when writing fails", () => {
    const out = join(root, "out");
    writeOutput(out, "a:b/w", [{ path: "index.ts", content: "good\n" }]);
    // A file and a directory of the same name in one output: the staging write fails midway.
    expect(() =>
      writeOutput(out, "a:b/w", [
        { path: "index.ts", content: "new\n" },
        { path: "x", content: "file\n" },
        { path: "x/y.ts", content: "under a file\n" },
      ]),
    ).toThrow();
    expect(read("out/index.ts")).toBe("good\n");
    expect(readdirSync(root)).toEqual(["out"]);
  });
});

describe("diffOutput", () => {
  it("lists changed, missing and stale files without writing", () => {
    const out = join(root, "out");
    writeOutput(out, "a:b/w", [
      { path: "same.ts", content: "s\n" },
      { path: "changed.ts", content: "c1\n" },
      { path: "stale.ts", content: "x\n" },
    ]);
    const diff = diffOutput(out, "a:b/w", [
      { path: "same.ts", content: "s\n" },
      { path: "changed.ts", content: "c2\n" },
      { path: "new.ts", content: "n\n" },
    ]);
    expect(diff).toEqual({ changed: ["changed.ts", "new.ts"], stale: ["stale.ts"] });
    expect(read("out/changed.ts")).toBe("c1\n");
    expect(existsSync(join(out, "new.ts"))).toBe(false);
  });
});
