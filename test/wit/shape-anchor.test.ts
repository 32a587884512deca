/**
 * Tests for src/wit/shape-anchor.ts: optimized front-end code stays valid across a full garbage collection
 * between runs. A child Node process (V8's natives syntax, `--expose-gc`) loads the built front end (`dist/`,
 * which `npm test` builds first), has chosen parser and resolver methods optimized during a few runs, drops
 * every result, collects, and reports which of them are still optimized. Without the anchors the collector frees
 * the hidden classes of the per-run objects and V8 discards the code specialized for them.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const DIST = join(import.meta.dirname, "..", "..", "dist");
const built = existsSync(join(DIST, "wit", "shape-anchor.js"));
if (!built)
  console.warn("shape-anchor.test.ts: SKIPPED, dist/ has no built front end (run `npm run build`)");

/** The child: `%` calls are V8 natives (`--allow-natives-syntax`); status bit 16 is "optimized". */
const CHILD = `
const dist = process.argv[1];
const { resolveFiles } = await import(dist + "/wit/load.js");
const { Cursor } = await import(dist + "/wit/parser/cursor.js");
const { Scanner } = await import(dist + "/wit/lexer.js");
const { PackageState } = await import(dist + "/wit/resolve-package-state.js");
const { GroupResolver } = await import(dist + "/wit/resolve.js");
const lines = ["package a:b;"];
for (let i = 0; i < 50; i++)
  lines.push("interface i" + i + " { record r { x: u32, y: list<string> } f: func(a: r, b: u8) -> option<r>; }");
const files = new Map([["t.wit", lines.join("\\n")]]);
const run = () => {
  if (resolveFiles(files, "t.wit").diagnostics.length > 0) throw new Error("the input does not resolve");
};
const fns = {
  "Cursor.peek": Cursor.prototype.peek,
  "Scanner.scan": Scanner.prototype.scan,
  "PackageState.defineName": PackageState.prototype.defineName,
  "GroupResolver.addFile": GroupResolver.prototype.addFile,
};
for (const f of Object.values(fns)) %PrepareFunctionForOptimization(f);
run();
run();
for (const f of Object.values(fns)) %OptimizeFunctionOnNextCall(f);
run();
const optimized = () =>
  Object.entries(fns).filter(([, f]) => (%GetOptimizationStatus(f) & 16) !== 0).map(([name]) => name);
const before = optimized();
gc();
gc();
console.log(JSON.stringify({ before, after: optimized() }));
`;

describe.skipIf(!built)("shape anchors", () => {
  it("keep the parser's and the resolver's optimized code valid across a full collection", () => {
    const child = spawnSync(
      process.execPath,
      // Optimization is synchronous: on a loaded machine a compile that tiering had already queued on a
      // background thread could otherwise still be unfinished when the child reads the status.
      [
        "--allow-natives-syntax",
        "--expose-gc",
        "--no-concurrent-recompilation",
        "--input-type=module",
        "-e",
        CHILD,
        DIST,
      ],
      { encoding: "utf8" },
    );
    expect(child.stderr).toBe("");
    const { before, after } = JSON.parse(child.stdout) as { before: string[]; after: string[] };
    const all = ["Cursor.peek", "Scanner.scan", "PackageState.defineName", "GroupResolver.addFile"];
    expect(before).toEqual(all);
    expect(after).toEqual(all);
  });
});
