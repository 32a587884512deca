/**
 * Tests for src/wit/shape-anchor.ts: optimized front-end code stays valid across a full garbage collection
 * between runs. A child Node process (support/optimized-across-runs.ts) has chosen parser and resolver methods
 * optimized during a few runs, drops every result, collects, and reports which of them are still optimized.
 * Without the anchors the collector frees the hidden classes of the per-run objects and V8 discards the code
 * specialized for them.
 */
import { describe, expect, it } from "vitest";
import { isBuilt, optimizedAcrossRuns } from "./support/optimized-across-runs.js";

const built = isBuilt("wit/shape-anchor.js");
if (!built)
  console.warn("shape-anchor.test.ts: SKIPPED, dist/ has no built front end (run `npm run build`)");

const lines = ["package a:b;"];
for (let i = 0; i < 50; i++) {
  lines.push(
    `interface i${i} { record r { x: u32, y: list<string> } f: func(a: r, b: u8) -> option<r>; }`,
  );
}

describe.skipIf(!built)("shape anchors", () => {
  it("keep the parser's and the resolver's optimized code valid across a full collection", () => {
    const { before, after } = optimizedAcrossRuns({
      wit: lines.join("\n"),
      watched: [
        { module: "wit/parser/cursor.js", owner: "Cursor", method: "peek" },
        { module: "wit/lexer.js", owner: "Scanner", method: "scan" },
        { module: "wit/resolve-package-state.js", owner: "PackageState", method: "defineName" },
        { module: "wit/resolve.js", owner: "GroupResolver", method: "addFile" },
      ],
      between: "gc(); gc();",
    });
    const all = ["Cursor.peek", "Scanner.scan", "PackageState.defineName", "GroupResolver.addFile"];
    expect(before).toEqual(all);
    expect(after).toEqual(all);
  });
});
