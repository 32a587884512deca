/** The lines `gen x.wasm` adds to jco's output so that the SDK sees tasks start, end and fail. */
import { describe, expect, it } from "vitest";
import { addTaskHooks } from "../src/jco-task-hooks.js";

const jco = [
  "export function instantiate(getCoreModule, imports) {",
  "    class AsyncSubtask {",
  "      constructor(opts) {",
  "        this.#componentIdx = opts.componentIdx;",
  "      }",
  "    }",
  "    class AsyncTask {",
  "      constructor(opts) {",
  "        this.#componentIdx = opts.componentIdx;",
  "      }",
  "      exit() {",
  "        this.#exited = true;",
  "      }",
  "    }",
  "              } catch (err) {",
  '                _debugLog("[Instruction::AsyncTaskReturn] driver loop call failure", { err });',
  "              }",
  "}",
].join("\n");

describe("addTaskHooks", () => {
  it("reports a task's start (in AsyncTask only), its exit and driver failures, on the anchors' indentation", () => {
    const out = addTaskHooks(jco).split("\n");
    const hooks = 'imports?.[Symbol.for("wit-ts.jco-task-hooks.v1")]';
    expect(out.filter((line) => line.includes(hooks))).toEqual([
      `        ${hooks}?.started?.(this, opts.componentIdx);`,
      `        ${hooks}?.exited?.(this);`,
      `                ${hooks}?.failed?.(err, typeof task === "undefined" ? undefined : task);`,
    ]);
    expect(out.indexOf(`        ${hooks}?.started?.(this, opts.componentIdx);`)).toBe(9);
  });

  it("leaves output without async tasks, or with ambiguous anchors, unchanged", () => {
    expect(addTaskHooks("export function instantiate() {}")).toBe(
      "export function instantiate() {}",
    );
    const twice = jco.replace("this.#exited = true;", "this.#exited = true;\nthis.#exited = true;");
    expect(addTaskHooks(twice)).toBe(twice);
  });

  it("hooks a component without async exports (no driver loop)", () => {
    const syncOnly = jco.replace(/.*driver loop call failure.*\n/, "");
    expect(addTaskHooks(syncOnly)).toContain("?.exited?.(this);");
  });
});
