/** The fixes `gen x.wasm` makes to jco 1.35's output: where they apply, and that a missing passage is loud. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { transpile } from "@bytecodealliance/jco";
import { describe, expect, it } from "vitest";
import { installedJcoVersion } from "../src/component.js";
import { fixJcoOutput, JcoOutputFixError } from "../src/jco-output-fixes.js";

/** The passages of jco 1.35's output that the fixes replace, as jco indents them. */
const jco = [
  "export async function instantiate(getCoreModule, imports) {",
  "  const STORE_ASYNC_STATE = { deadlockCheck: null, pendingHostOperations: 0 };",
  "  class ComponentError extends Error {",
  "  }",
  "  class AsyncTask {",
  "    async enter(opts) {",
  "      if (cstate.hasBackpressure()) {",
  "        cstate.addBackpressureWaiter();",
  "        ",
  "        const result = await this.waitUntil({",
  "          readyFn: () => {",
  "            return !cstate.hasBackpressure();",
  "          },",
  "          cancellable: true,",
  "        });",
  "        ",
  "        cstate.removeBackpressureWaiter();",
  "      }",
  "    }",
  "  }",
  "  async function foo$1(arg0) {",
  "          // An async lift without a callback completes when its core",
  "          // function returns; there is no callback protocol to drive.",
  "          if (!task.hasCallback()) {",
  "            ",
  "            task.resolve([ret]);",
  "            task.exit();",
  "            return ret;",
  "          }",
  "  }",
  "}",
].join("\n");

describe("fixJcoOutput", () => {
  it("lets a resolved stackful task return its value, and a host call wait for backpressure", () => {
    const out = fixJcoOutput(jco, "1.35.0").split("\n");
    const at = out.indexOf("          if (!task.hasCallback()) {");
    expect(out.slice(at, at + 3)).toEqual([
      "          if (!task.hasCallback()) {",
      "            // (wit-ts) A stackful lift gives its value through `task.return`, before its core function returns.",
      "            if (task.isResolvedState()) {",
    ]);
    // jco's own branch follows, unchanged.
    expect(out.slice(at + 10, at + 14).map((line) => line.trim())).toEqual([
      "}",
      "",
      "task.resolve([ret]);",
      "task.exit();",
    ]);
    expect(out).toContain("        if (hostWaits) { STORE_ASYNC_STATE.pendingHostOperations++; }");
    expect(out).toContain(
      "          if (hostWaits) { STORE_ASYNC_STATE.pendingHostOperations--; }",
    );
    expect(out).not.toContain("        const result = await this.waitUntil({");
  });

  it("changes nothing for another version of jco, or without jco's task machinery", () => {
    expect(fixJcoOutput(jco, "1.36.0")).toBe(jco);
    expect(fixJcoOutput(jco, "1.34.2")).toBe(jco);
    const sync = "export function instantiate(getCoreModule, imports) {}";
    expect(fixJcoOutput(sync, "1.35.0")).toBe(sync);
  });

  it("fails loudly when a passage it must fix is not there as written", () => {
    const enter = jco.replace("cancellable: true,", "cancellable: false,");
    expect(() => fixJcoOutput(enter, "1.35.0")).toThrow(JcoOutputFixError);
    expect(() => fixJcoOutput(enter, "1.35.0")).toThrow(
      /host-call-waits-for-backpressure.*occurs 0 time\(s\) where 1 were expected/,
    );
    const branch = jco.replace("if (!task.hasCallback()) {", "if (!task.hasCallback?.()) {");
    expect(() => fixJcoOutput(branch, "1.35.0")).toThrow(/stackful-task-return/);
    const noState = jco.replace(/.*const STORE_ASYNC_STATE.*\n/, "");
    expect(() => fixJcoOutput(noState, "1.35.0")).toThrow(/STORE_ASYNC_STATE/);
    const noError = jco.replace("class ComponentError extends Error {", "class Other {");
    expect(() => fixJcoOutput(noError, "1.35.0")).toThrow(/ComponentError/);
  });

  const fixture = join(
    import.meta.dirname,
    "..",
    "..",
    "shared",
    "fixtures",
    "jco-p3",
    "round-trip",
    "async-round-trip-stackful.wasm",
  );
  it.skipIf(!existsSync(fixture))("applies to the installed jco's real output", async () => {
    const version = installedJcoVersion();
    expect(version).toMatch(/^1\.35\./);
    const { files } = await transpile(readFileSync(fixture), {
      name: "component",
      instantiation: "async",
      asyncMode: "jspi",
      asyncExports: ["local:local/baz#foo"],
      noTypescript: true,
      quiet: true,
    });
    const js = Buffer.from(files["component.js"]!).toString("utf8");
    const fixed = fixJcoOutput(js, version);
    // Both exports' wrappers (`baz.foo` and `wasi:cli/run`'s is synchronous) and `AsyncTask#enter`.
    expect(fixed.split("(wit-ts) A stackful lift").length - 1).toBe(
      js.split("An async lift without a callback").length - 1,
    );
    expect(fixed).toContain("(wit-ts) The host may still turn backpressure off");
  });
});
