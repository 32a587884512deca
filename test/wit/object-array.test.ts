/**
 * Tests for src/wit/object-array.ts: the front end's per-run tables start as arrays of any value, so that code V8
 * optimized in one run keeps working in the next. A child Node process (support/optimized-across-runs.ts) has
 * the tables' writers optimized during a few runs, collects, runs again over fresh tables, and reports which
 * writers are still optimized. With tables made as `[]` or `new Array(n)` (arrays of small integers until their
 * first string or object), the next run's first write deoptimizes each of them ("wrong map").
 */
import { describe, expect, it } from "vitest";
import { isBuilt, optimizedAcrossRuns } from "./support/optimized-across-runs.js";

const built = isBuilt("wit/object-array.js");
if (!built)
  console.warn("object-array.test.ts: SKIPPED, dist/ has no built front end (run `npm run build`)");

const lines = ["package a:b;"];
for (let i = 0; i < 50; i++) {
  lines.push(
    `interface i${i} { type t = list<string>; record r { x: u32 } f: func(a: r, b: t) -> option<r>; }`,
  );
}

describe.skipIf(!built)("per-run tables as arrays of any value", () => {
  it("are made so, and keep their writers optimized from one run to the next", () => {
    const result = optimizedAcrossRuns({
      wit: lines.join("\n"),
      watched: [
        { module: "wit/resolve-package-state.js", owner: "PackageState", method: "allocType" },
        { module: "wit/resolve-package-state.js", owner: "PackageState", method: "allocInterface" },
        { module: "wit/type-table.js", owner: "TypeTable", method: "addName" },
        { module: "wit/param-table.js", owner: "ParamTable", method: "add" },
        { module: "wit/func-table.js", owner: "FuncTable", method: "add" },
      ],
      between: "gc(); gc(); run();",
      report:
        "await import(dist + '/wit/object-array.js').then(({ objectArray, sizedObjectArray }) =>" +
        " [objectArray(), sizedObjectArray(4)].map((a) => %HasObjectElements(a)))",
    });
    const all = [
      "PackageState.allocType",
      "PackageState.allocInterface",
      "TypeTable.addName",
      "ParamTable.add",
      "FuncTable.add",
    ];
    expect(result).toEqual({ before: all, after: all, report: [true, true] });
  });
});
