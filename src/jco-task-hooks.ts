/**
 * jco's output, task events: the few lines `wit-ts gen x.wasm` adds to the JavaScript jco transpiles, so that
 * the SDK's task tracker (`runtime/tasks.ts`) learns when each component-model async task of the instance
 * starts and ends, and when a task's driver fails after its call returned (jco 1.35 only logs that failure).
 * Consumes jco's entry module as text; produces it with calls to the hooks the SDK puts in the import object
 * (under `Symbol.for("wit-ts.jco-task-hooks.v1")`); without that key the added lines do nothing. Each
 * insertion is anchored on a line of jco's own; an output where an anchor is missing is returned unchanged,
 * and the SDK then follows each task until its call settles.
 */

const HOOKS = `imports?.[Symbol.for("wit-ts.jco-task-hooks.v1")]`;

interface Insertion {
  /** A line of jco's output. */
  readonly anchor: string;
  /** Written after each occurrence of the anchor, on its indentation. */
  readonly code: string;
  /** Whether the anchor occurs exactly once (inside `class AsyncTask`), or once per async export (maybe none). */
  readonly once: boolean;
}

const insertions: readonly Insertion[] = [
  {
    // `AsyncTask`'s constructor: the task exists and knows its component.
    anchor: "this.#componentIdx = opts.componentIdx;",
    code: `${HOOKS}?.started?.(this, opts.componentIdx);`,
    once: true,
  },
  {
    // The end of `AsyncTask#exit()`.
    anchor: "this.#exited = true;",
    code: `${HOOKS}?.exited?.(this);`,
    once: true,
  },
  {
    // The driver loop of an async export: a failure here is a trap in the task's work.
    anchor: `_debugLog("[Instruction::AsyncTaskReturn] driver loop call failure", { err });`,
    code: `${HOOKS}?.failed?.(err, typeof task === "undefined" ? undefined : task);`,
    once: false,
  },
];

function occurrences(text: string, anchor: string): number[] {
  const positions: number[] = [];
  for (let at = text.indexOf(anchor); at >= 0; at = text.indexOf(anchor, at + anchor.length))
    positions.push(at);
  return positions;
}

/**
 * Adds the task events to jco's entry module, or returns it unchanged when an anchor is missing or (for the
 * task's own lines) not unique after `class AsyncTask {`.
 */
export function addTaskHooks(js: string): string {
  const start = js.indexOf("class AsyncTask {");
  if (start < 0) return js;
  const edits: { readonly at: number; readonly code: string }[] = [];
  for (const insertion of insertions) {
    const found = occurrences(js, insertion.anchor).filter((at) => !insertion.once || at > start);
    // The task's own lines must be there, once; a component without async exports has no driver loop.
    if (insertion.once && found.length !== 1) return js;
    for (const at of found) edits.push({ at: at + insertion.anchor.length, code: insertion.code });
  }
  let out = js;
  for (const edit of edits.sort((a, b) => b.at - a.at)) {
    // `edit.at` is where the anchor ends, often the line's own newline: look before it.
    const lineStart = out.lastIndexOf("\n", edit.at - 1) + 1;
    const indent = /^[ \t]*/.exec(out.slice(lineStart))?.[0] ?? "";
    out = `${out.slice(0, edit.at)}\n${indent}${edit.code}${out.slice(edit.at)}`;
  }
  return out;
}
