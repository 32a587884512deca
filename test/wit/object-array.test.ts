/**
 * Tests for src/wit/object-array.ts: the front end's per-run tables start as arrays of any value, so that code V8
 * optimized in one run keeps working in the next. A child Node process (V8's natives syntax, `--expose-gc`) loads
 * the built front end (`dist/`, which `npm test` builds first), has the tables' writers optimized during a few
 * runs, collects, runs again over fresh tables, and reports which writers are still optimized. With tables made
 * as `[]` or `new Array(n)` (arrays of small integers until their first string or object), the next run's first
 * write deoptimizes each of them ("wrong map").
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const DIST = join(import.meta.dirname, "..", "..", "dist");
const built = existsSync(join(DIST, "wit", "object-array.js"));
if (!built)
  console.warn("object-array.test.ts: SKIPPED, dist/ has no built front end (run `npm run build`)");

/** The child: `%` calls are V8 natives (`--allow-natives-syntax`); status bit 16 is "optimized". */
const CHILD = `
const dist = process.argv[1];
const { resolveFiles } = await import(dist + "/wit/load.js");
const { PackageState } = await import(dist + "/wit/resolve-package-state.js");
const { TypeTable } = await import(dist + "/wit/type-table.js");
const { ParamTable } = await import(dist + "/wit/param-table.js");
const { FuncTable } = await import(dist + "/wit/func-table.js");
const { objectArray, sizedObjectArray } = await import(dist + "/wit/object-array.js");
const lines = ["package a:b;"];
for (let i = 0; i < 50; i++)
  lines.push("interface i" + i + " { type t = list<string>; record r { x: u32 } f: func(a: r, b: t) -> option<r>; }");
const files = new Map([["t.wit", lines.join("\\n")]]);
const run = () => {
  if (resolveFiles(files, "t.wit").diagnostics.length > 0) throw new Error("the input does not resolve");
};
const fns = {
  "PackageState.allocType": PackageState.prototype.allocType,
  "PackageState.allocInterface": PackageState.prototype.allocInterface,
  "TypeTable.addName": TypeTable.prototype.addName,
  "ParamTable.add": ParamTable.prototype.add,
  "FuncTable.add": FuncTable.prototype.add,
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
run();
const kinds = [objectArray(), sizedObjectArray(4)].map((a) => %HasObjectElements(a));
console.log(JSON.stringify({ before, after: optimized(), kinds }));
`;

describe.skipIf(!built)("per-run tables as arrays of any value", () => {
  it("are made so, and keep their writers optimized from one run to the next", () => {
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
    const result = JSON.parse(child.stdout) as {
      before: string[];
      after: string[];
      kinds: boolean[];
    };
    const all = [
      "PackageState.allocType",
      "PackageState.allocInterface",
      "TypeTable.addName",
      "ParamTable.add",
      "FuncTable.add",
    ];
    expect(result).toEqual({ before: all, after: all, kinds: [true, true] });
  });
});
