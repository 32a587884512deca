/**
 * `wit-ts gen --watch` as a user runs it: the CLI is spawned on a scratch WIT package (with a `deps/`
 * dependency), then files are edited the ways editors do (in place, and by renaming a temporary file
 * over the original) and the test waits for each output line: a regeneration with its timing, the code
 * frame of a broken file with the previous output left intact, the recovery once it is fixed, an
 * edit that changes no output, and a clean exit on SIGINT.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";

const bin = join(import.meta.dirname, "..", "bin", "wit-ts.js");
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const MAIN_WIT = `package example:app;

interface api {
  use example:names/names.{name};
  record card { who: name, count: u32 }
  make: func(who: name) -> card;
}

world app {
  export api;
}
`;

const NAMES_WIT = `package example:names;

interface names {
  type name = string;
}
`;

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "wit-ts-watch-"));
  dirs.push(dir);
  mkdirSync(join(dir, "wit", "deps", "names"), { recursive: true });
  writeFileSync(join(dir, "wit", "app.wit"), MAIN_WIT);
  writeFileSync(join(dir, "wit", "deps", "names", "names.wit"), NAMES_WIT);
  return dir;
}

/** The spawned watcher, with its output so far and a way to wait for the next line matching a pattern. */
function startWatch(cwd: string, args: string[]) {
  const child = spawn(process.execPath, [bin, "gen", ...args, "--watch"], {
    cwd,
    env: { ...process.env, NO_COLOR: "1" },
  });
  children.push(child);
  const out = { stdout: "", stderr: "" };
  child.stdout.setEncoding("utf8").on("data", (t: string) => (out.stdout += t));
  child.stderr.setEncoding("utf8").on("data", (t: string) => (out.stderr += t));
  let stdoutSeen = 0;
  let stderrSeen = 0;
  /** Waits until the output written since the last wait contains `pattern`; returns that new output. */
  async function next(stream: "stdout" | "stderr", pattern: RegExp | string): Promise<string> {
    const end = Date.now() + 10_000;
    for (;;) {
      const from = stream === "stdout" ? stdoutSeen : stderrSeen;
      const fresh = out[stream].slice(from);
      const hit = typeof pattern === "string" ? fresh.includes(pattern) : pattern.test(fresh);
      if (hit && fresh.endsWith("\n")) {
        if (stream === "stdout") stdoutSeen = out.stdout.length;
        else stderrSeen = out.stderr.length;
        return fresh;
      }
      if (Date.now() > end || child.exitCode !== null) {
        throw new Error(
          `no ${JSON.stringify(String(pattern))} on ${stream}; stdout:\n${out.stdout}\nstderr:\n${out.stderr}`,
        );
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  async function stop(): Promise<number | null> {
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    child.kill("SIGINT");
    return exited;
  }
  return { out, next, stop };
}

/** Saves the way many editors do: write a temporary file, then rename it over the original. */
function saveByRename(path: string, text: string): void {
  writeFileSync(`${path}.tmp~`, text);
  renameSync(`${path}.tmp~`, path);
}

const REGENERATED =
  /^regenerated sdk \(world example:app\/app\): (\d+) of (\d+) files changed in (\d+) ms\n$/;

describe("wit-ts gen --watch", () => {
  it("regenerates on edits (deps/ included), shows code frames, keeps the output whole, recovers", async () => {
    const dir = project();
    const w = startWatch(dir, ["wit", "-o", "sdk"]);
    const first = await w.next("stdout", "watching wit for changes (Ctrl-C to stop)\n");
    const [initial, watching] = first.split(/(?<=\n)/);
    const [, changed, total] = REGENERATED.exec(initial!)!;
    expect(changed).toBe(total);
    expect(watching).toBe("watching wit for changes (Ctrl-C to stop)\n");
    const apiFile = join(dir, "sdk", "interfaces", "example-app-api.ts");
    expect(readFileSync(apiFile, "utf8")).toContain("count: number");

    // An in-place edit of the main package.
    const main = join(dir, "wit", "app.wit");
    writeFileSync(main, MAIN_WIT.replace("count: u32", "count: u64"));
    const line = await w.next("stdout", "regenerated");
    expect(line).toMatch(REGENERATED);
    expect(REGENERATED.exec(line)![1]).toBe("1");
    expect(readFileSync(apiFile, "utf8")).toContain("count: bigint");

    // A broken file: the frame on stderr, the output untouched.
    const before = readFileSync(apiFile, "utf8");
    const manifest = readFileSync(join(dir, "sdk", ".wit-ts-manifest.json"), "utf8");
    saveByRename(main, MAIN_WIT.replace("count: u32", "count: nope"));
    expect(await w.next("stderr", "Waiting for changes")).toBe(
      [
        "error[WIT2001]: type `nope` does not exist",
        "     --> wit/app.wit:5:35",
        "      |",
        "    5 |   record card { who: name, count: nope }",
        "      |                                   ^---",
        "wit has errors; sdk was left as it was. Waiting for changes...",
        "",
      ].join("\n"),
    );
    expect(readFileSync(apiFile, "utf8")).toBe(before);
    expect(readFileSync(join(dir, "sdk", ".wit-ts-manifest.json"), "utf8")).toBe(manifest);

    // Fixed again (saved by rename a second time: the watcher must still see the file).
    saveByRename(main, MAIN_WIT);
    expect(await w.next("stdout", "regenerated")).toMatch(REGENERATED);
    expect(readFileSync(apiFile, "utf8")).toContain("count: number");

    // A dependency edit that changes the output, then one that does not.
    const names = join(dir, "wit", "deps", "names", "names.wit");
    saveByRename(
      names,
      NAMES_WIT.replace("type name = string;", "/// A person's name.\n  type name = string;"),
    );
    expect(await w.next("stdout", "regenerated")).toMatch(REGENERATED);
    writeFileSync(names, `// just a comment\n${readFileSync(names, "utf8")}`);
    expect(await w.next("stdout", "checked in")).toMatch(
      /^sdk is up to date \(world example:app\/app\), checked in \d+ ms\n$/,
    );

    expect(await w.stop()).toBe(0);
    expect(w.out.stderr.match(/error\[/g)).toHaveLength(1);
  });

  it("watches a single-file input through editors' rename saves", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wit-ts-watch-"));
    dirs.push(dir);
    const file = join(dir, "app.wit");
    const text =
      "package example:app;\n\nworld app {\n  export add: func(a: u32, b: u32) -> u32;\n}\n";
    writeFileSync(file, text);
    const w = startWatch(dir, ["app.wit", "-o", "sdk"]);
    await w.next("stdout", "watching app.wit for changes");
    for (const type of ["u64", "s8", "u32"]) {
      saveByRename(file, text.replace("b: u32", `b: ${type}`));
      expect(await w.next("stdout", "regenerated")).toMatch(
        /^regenerated sdk \(world example:app\/app\): 1 of \d+ files changed in \d+ ms\n$/,
      );
    }
    // A neighbouring file is not an input: no regeneration follows (given well over the debounce).
    const quiet = w.out.stdout;
    writeFileSync(join(dir, "other.wit"), "garbage");
    await new Promise((r) => setTimeout(r, 200));
    expect(w.out.stdout).toBe(quiet);
    expect(await w.stop()).toBe(0);
    expect(w.out.stderr).toBe("");
  });

  it("refuses to watch an input that does not exist", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wit-ts-watch-"));
    dirs.push(dir);
    const w = startWatch(dir, ["missing", "-o", "sdk"]);
    await w.next("stderr", "cannot watch");
    expect(w.out.stderr).toBe(
      "error[WIT3001]: cannot watch `missing`: no such file or directory\n",
    );
  });
});
