/** The lines `gen x.wasm` changes in jco's output so that its import trampolines work outside its tasks. */
import { describe, expect, it } from "vitest";
import { endUntaskedImportTasks } from "../src/jco-untasked-imports.js";

const jco = [
  "export function instantiate(getCoreModule, imports) {",
  "    const INSTANCE_FLAGS = new Map();",
  "  function _lowerImportBackwardsCompat(args) {",
  "    if (!isManualAsync && !isAsync && !funcTypeIsAsync) {",
  "      if (createdTask) { createdTask.enterSync(); }",
  "      ",
  "      const res = importFn(...params);",
  "      ",
  "      // TODO(breaking): remove once we get rid of manual async import specification,",
  "      // as func types cannot be detected in that case only (and we don't need that w/ p3)",
  "      if (!funcTypeIsAsync && !subtask.isReturned()) {",
  "        throw new Error('post-execution subtasks must either be async or returned');",
  "      }",
  "      ",
  "      const syncRes = subtask.getResult();",
  "      if (createdTask) { createdTask.resolve([syncRes]); }",
  "      ",
  "      return syncRes;",
  "    }",
  "  }",
  "  function next() {}",
  "}",
].join("\n");

describe("endUntaskedImportTasks", () => {
  it("ends the task made for a call outside any task, and announces itself with jco's instance flags", () => {
    const { js, patched } = endUntaskedImportTasks(jco);
    expect(patched).toBe(true);
    const lines = js.split("\n");
    expect(lines[2]).toBe(
      '  imports?.[Symbol.for("wit-ts.jco-untasked-imports.v1")]?.(INSTANCE_FLAGS);',
    );
    expect(lines[3]).toBe("  function _lowerImportBackwardsCompat(args) {");
    expect(lines).toContain("        if (createdTask && returned) { createdTask.exit(); }");
    expect(lines).toContain("            if (!createdTask.isExited()) { createdTask.exit(); }");
    expect(lines.filter((line) => line.includes("importFn(...params)"))).toEqual([
      "        const res = importFn(...params);",
    ]);
    // Still JavaScript: the patched function parses.
    const body = js.slice(
      js.indexOf("  function _lowerImportBackwardsCompat"),
      js.indexOf("  function next"),
    );
    expect(() => new Function(body)).not.toThrow();
  });

  it("leaves output whose passages are missing or repeated unchanged, and says so", () => {
    const cases = [
      jco.replace("const res = importFn(...params);", "const res = await importFn(...params);"),
      jco.replace("const INSTANCE_FLAGS = new Map();", ""),
      jco.replace("function _lowerImportBackwardsCompat(args) {", "function lowerImport(args) {"),
      `${jco}\n${jco}`,
      // The branch outside the wrapper.
      jco
        .replace("  function _lowerImportBackwardsCompat(args) {\n", "")
        .replace(
          "  function next() {}",
          "  function _lowerImportBackwardsCompat(args) {}\n  function next() {}",
        ),
    ];
    for (const text of cases)
      expect(endUntaskedImportTasks(text)).toEqual({ js: text, patched: false });
  });
});
