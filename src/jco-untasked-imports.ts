/**
 * jco's output, imports called outside a task: the lines `wit-ts gen x.wasm` changes in the JavaScript jco
 * transpiles so that the guest of an export the SDK calls directly (with no jco task around it) may call one
 * of jco's import trampolines. Consumes jco's entry module as text; produces it patched, or unchanged when a
 * passage is not found exactly once, and says which.
 *
 * jco 1.35 lowers every import through one wrapper (`_lowerImportBackwardsCompat`). Called outside a task, it
 * makes a task for the call, but a synchronous call resolves that task without ever ending it: the task stays
 * in jco's list of the component's current tasks for good, and the SDK's task tracker waits for it forever.
 * The patch ends that task when the call returns, and also when the import throws (jco then left it both
 * unresolved and current, so that later calls nested under it). It also announces itself at instantiation
 * through the import object (key `Symbol.for("wit-ts.jco-untasked-imports.v1")`), handing the SDK jco's
 * instance flags (`may_leave`, which jco clears while the guest's post-return runs): an SDK whose direct
 * calls need jco's trampolines calls directly only when the announcement came, and the imports the SDK lowers
 * itself refuse to leave when jco's flags say so.
 */

/** The key's description: in the output exactly when it was patched. */
export const UNTASKED_IMPORTS_MARK = "wit-ts.jco-untasked-imports.v1";

const KEY = `Symbol.for(${JSON.stringify(UNTASKED_IMPORTS_MARK)})`;

/** jco's declaration of the wrapper: the announcement goes before it (run at instantiation, flags defined). */
const WRAPPER = "function _lowerImportBackwardsCompat(args) {";

/** The wrapper's branch for a synchronously lowered synchronous import, without indentation. */
const SYNC_BRANCH: readonly string[] = [
  "if (!isManualAsync && !isAsync && !funcTypeIsAsync) {",
  "if (createdTask) { createdTask.enterSync(); }",
  "const res = importFn(...params);",
  "// TODO(breaking): remove once we get rid of manual async import specification,",
  "// as func types cannot be detected in that case only (and we don't need that w/ p3)",
  "if (!funcTypeIsAsync && !subtask.isReturned()) {",
  "throw new Error('post-execution subtasks must either be async or returned');",
  "}",
  "const syncRes = subtask.getResult();",
  "if (createdTask) { createdTask.resolve([syncRes]); }",
  "return syncRes;",
  "}",
];

/** The branch as the SDK needs it, indented relative to its first line. */
const SYNC_BRANCH_ENDING_ITS_TASK: readonly string[] = [
  "if (!isManualAsync && !isAsync && !funcTypeIsAsync) {",
  "  if (createdTask) { createdTask.enterSync(); }",
  "  // (wit-ts) The task made for a call from outside any task ends with the call, whatever its outcome.",
  "  let returned = false;",
  "  try {",
  "    const res = importFn(...params);",
  "    if (!funcTypeIsAsync && !subtask.isReturned()) {",
  "      throw new Error('post-execution subtasks must either be async or returned');",
  "    }",
  "    const syncRes = subtask.getResult();",
  "    if (createdTask) { createdTask.resolve([syncRes]); }",
  "    returned = true;",
  "    return syncRes;",
  "  } finally {",
  "    if (createdTask && returned) { createdTask.exit(); }",
  "    else if (createdTask) {",
  "      // The import's own exception is what the guest sees; ending the task must not replace it.",
  "      try {",
  "        if (!createdTask.isResolvedState()) { createdTask.resolve([undefined]); }",
  "        if (!createdTask.isExited()) { createdTask.exit(); }",
  "      } catch {}",
  "    }",
  "  }",
  "}",
];

/** The lines as a pattern: each line exactly, any indentation and blank lines between them. */
function pattern(lines: readonly string[]): RegExp {
  const escaped = lines.map((line) => line.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^([ \\t]*)${escaped.join("[ \\t]*\\n(?:[ \\t]*\\n)*[ \\t]*")}[ \\t]*$`, "gm");
}

function occurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}

/** jco's entry module, patched; `patched` false when a passage was missing or repeated (text unchanged). */
export function endUntaskedImportTasks(js: string): {
  readonly js: string;
  readonly patched: boolean;
} {
  const unchanged = { js, patched: false };
  if (occurrences(js, WRAPPER) !== 1) return unchanged;
  // The flags jco clears during post-return must exist where the announcement hands them over.
  if (!js.includes("const INSTANCE_FLAGS = new Map();")) return unchanged;
  const branch = pattern(SYNC_BRANCH);
  const found = [...js.matchAll(branch)];
  if (found.length !== 1) return unchanged;
  const wrapperAt = js.indexOf(WRAPPER);
  const branchAt = found[0]!.index;
  // The branch must be the wrapper's: after it, before the next function declaration at its level.
  const next = js.indexOf("\n  function ", wrapperAt + WRAPPER.length);
  if (branchAt < wrapperAt || (next >= 0 && branchAt > next)) return unchanged;
  let out = js.replace(branch, (_match, indent: string) =>
    SYNC_BRANCH_ENDING_ITS_TASK.map((line) => indent + line).join("\n"),
  );
  const at = out.indexOf(WRAPPER);
  const lineStart = out.lastIndexOf("\n", at) + 1;
  const indent = out.slice(lineStart, at);
  const announce = `${indent}imports?.[${KEY}]?.(INSTANCE_FLAGS);\n`;
  out = out.slice(0, lineStart) + announce + out.slice(lineStart);
  return { js: out, patched: true };
}
