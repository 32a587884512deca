/**
 * jco's output, fixes: small corrections `wit-ts gen x.wasm` makes to the JavaScript jco 1.35 transpiles,
 * for component-model async behaviour that jco gets wrong there. Consumes jco's entry module as text and
 * the version of jco that wrote it; produces the module with each fix applied. Each fix replaces an exact
 * passage of jco's own code (compared line by line, indentation aside) and is written for one jco version:
 * for another version nothing is changed, and for that version a passage that is not where it must be is an
 * error ({@link JcoOutputFixError}) rather than a silently unfixed SDK.
 *
 * - `stackful-task-return`: an async export lifted without a callback (a "stackful" lift) returns its value
 *   through `task.return` before its core function returns; jco then resolves the task a second time with
 *   the core function's (empty) result and fails the call with "task ... is already resolved". Fixed: a task
 *   already resolved by `task.return` ends, and the call settles with that value.
 * - `host-call-waits-for-backpressure`: a call from the host into an instance whose guest has backpressure on
 *   waits to start, as the component model says; jco's deadlock detector sees only suspended tasks and no
 *   host operation in flight, declares a deadlock and fails the call ("failed to enter task"), though the
 *   host may still turn backpressure off. Fixed: such a waiting call counts as a host operation in flight
 *   (so jco checks for deadlocks again once no host call waits for backpressure).
 */

/** The jco version these fixes were written for and checked against. */
const FIXED_JCO_VERSION = /^1\.35\./;

/** jco's output no longer has a passage a fix for its version expects: the fix must be revisited. */
export class JcoOutputFixError extends Error {
  constructor(fix: string, version: string, detail: string) {
    super(
      `wit-ts cannot fix jco ${version}'s output (${fix}): ${detail}; the SDK would misbehave, so it is not generated`,
    );
    this.name = "JcoOutputFixError";
  }
}

interface Fix {
  readonly name: string;
  /** jco's lines, without indentation. */
  readonly find: readonly string[];
  /** The lines that replace them, indented relative to the first one. */
  readonly replace: readonly string[];
  /**
   * How many times the passage must occur in a module: a count derived from the module (a fix of each
   * async export's wrapper occurs once per such wrapper, maybe never).
   */
  readonly expected: (js: string) => number;
  /** What else the replacement needs from the module, as the error when it is missing. */
  readonly needs?: { readonly text: string; readonly missing: string };
}

const count = (text: string, part: string): number => text.split(part).length - 1;

const STACKFUL_MARKER = "// An async lift without a callback completes when its core";

const fixes: readonly Fix[] = [
  {
    name: "stackful-task-return",
    // The branch for a lift without a callback, which goes on to resolve the task with what the core
    // function returned (lifting a stream or future from it first, where the result is one).
    find: [
      STACKFUL_MARKER,
      "// function returns; there is no callback protocol to drive.",
      "if (!task.hasCallback()) {",
    ],
    replace: [
      STACKFUL_MARKER,
      "// function returns; there is no callback protocol to drive.",
      "if (!task.hasCallback()) {",
      "  // (wit-ts) A stackful lift gives its value through `task.return`, before its core function returns.",
      "  if (task.isResolvedState()) {",
      "    task.exit();",
      "    let taskRes = await task.completionPromise();",
      "    if (task.getErrHandling() === 'throw-result-err' && typeof taskRes === 'object' && taskRes !== null) {",
      "      if (taskRes.tag === 'err') { throw new ComponentError(taskRes.val); }",
      "      if (taskRes.tag === 'ok') { taskRes = taskRes.val; }",
      "    }",
      "    return taskRes;",
      "  }",
    ],
    expected: (js) => count(js, STACKFUL_MARKER),
    needs: {
      text: "class ComponentError extends Error {",
      missing: "its `ComponentError` class is missing",
    },
  },
  {
    name: "host-call-waits-for-backpressure",
    find: [
      "cstate.addBackpressureWaiter();",
      "const result = await this.waitUntil({",
      "readyFn: () => {",
      "return !cstate.hasBackpressure();",
      "},",
      "cancellable: true,",
      "});",
      "cstate.removeBackpressureWaiter();",
    ],
    replace: [
      "cstate.addBackpressureWaiter();",
      "// (wit-ts) The host may still turn backpressure off: while its call waits, that is no deadlock.",
      "const hostWaits = this.#parentSubtask === null;",
      "if (hostWaits) { STORE_ASYNC_STATE.pendingHostOperations++; }",
      "let result;",
      "try {",
      "  result = await this.waitUntil({",
      "    readyFn: () => {",
      "      return !cstate.hasBackpressure();",
      "    },",
      "    cancellable: true,",
      "  });",
      "} finally {",
      "  if (hostWaits) { STORE_ASYNC_STATE.pendingHostOperations--; }",
      "}",
      "cstate.removeBackpressureWaiter();",
    ],
    // `AsyncTask#enter`: once in every module that has jco's task machinery.
    expected: (js) => (js.includes("class AsyncTask {") ? 1 : 0),
    needs: {
      text: "const STORE_ASYNC_STATE = { deadlockCheck: null, pendingHostOperations: 0 };",
      missing: "its store's async state (`STORE_ASYNC_STATE.pendingHostOperations`) is missing",
    },
  },
];

/** The fix's lines as a pattern: each line exactly, any indentation and blank lines between them. */
function pattern(lines: readonly string[]): RegExp {
  const escaped = lines.map((line) => line.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^([ \\t]*)${escaped.join("[ \\t]*\\n(?:[ \\t]*\\n)*[ \\t]*")}[ \\t]*$`, "gm");
}

/**
 * jco's entry module with the fixes for its version applied; unchanged for another version of jco.
 * @throws {JcoOutputFixError} when a passage a fix expects is missing, repeated or misplaced.
 */
export function fixJcoOutput(js: string, jcoVersion: string): string {
  if (!FIXED_JCO_VERSION.test(jcoVersion)) return js;
  let out = js;
  for (const fix of fixes) {
    const expected = fix.expected(out);
    const re = pattern(fix.find);
    const found = [...out.matchAll(re)].length;
    if (found !== expected) {
      throw new JcoOutputFixError(
        fix.name,
        jcoVersion,
        `its passage occurs ${found} time(s) where ${expected} were expected`,
      );
    }
    if (found === 0) continue;
    if (fix.needs !== undefined && !out.includes(fix.needs.text))
      throw new JcoOutputFixError(fix.name, jcoVersion, fix.needs.missing);
    out = out.replace(re, (_match, indent: string) =>
      fix.replace.map((line) => indent + line).join("\n"),
    );
  }
  return out;
}
