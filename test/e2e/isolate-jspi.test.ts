/**
 * End to end, async (JSPI) imports of an isolated instance: the WAT adder transpiled by jco with
 * `asyncImports: ["callback"]` runs in a worker under a Node that has `WebAssembly.Suspending` (a child process,
 * fixtures/isolate/jspi-driver.mjs, as the driver of calls.test.ts does), through the SDK wit-ts generates for
 * it. The host's handler returns a promise: the guest stays suspended in the worker until it settles and then
 * gets its value; overlapping calls run one at a time in order; a trap poisons; a guest suspended on a promise
 * that never settles is ended at its deadline and `restart` recovers.
 * Skipped, saying why, when no such Node is found (`npm run jspi-node` installs one).
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { componentFromWat } from "./support/components.js";
import { FIXTURES_DIR, readFixture } from "./support/fixtures.js";
import { findJspiNode } from "./support/jspi-node.js";
import { removeTempDirs } from "./support/temp-dirs.js";
import { prepareComponent } from "./fixtures/sdk-support/sdk.js";

const execFileAsync = promisify(execFile);
const jspi = findJspiNode();

afterAll(async () => {
  await removeTempDirs();
});

describe("isolated instances: async (JSPI) imports across the boundary", () => {
  if (!("path" in jspi)) {
    console.warn(`isolated JSPI tests skipped: ${jspi.reason}`);
    it.skip(`skipped: ${jspi.reason}`, () => {});
    return;
  }
  const node = jspi.path;
  let args: string[];

  beforeAll(async () => {
    const wit = readFixture("adder/adder.wit");
    const adder = await prepareComponent({
      name: "isolate-adder-jspi",
      wit,
      world: "adder",
      bytes: await componentFromWat(readFixture("adder/adder.wat"), wit, "adder"),
      jco: {
        asyncMode: "jspi",
        asyncImports: ["callback"],
        asyncExports: ["add", "trap", "reenter"],
      },
    });
    args = [adder.sdkIndex, adder.transpiled.entryPath];
  });

  it("an async import called from inside the worker returns its value; order, traps and deadlines hold", async () => {
    const driver = join(FIXTURES_DIR, "isolate", "jspi-driver.mjs");
    const { stdout } = await execFileAsync(node, [driver, ...args], { timeout: 60_000 });
    const line = stdout.split("\n").find((l) => l.startsWith("@@result "));
    expect(line, stdout).toBeDefined();
    const result = JSON.parse(line!.slice("@@result ".length)) as Record<string, unknown>;

    expect(result["importCalledWith"]).toEqual([5]);
    expect(result["settledWhileImportPending"]).toBe(false);
    expect(result["afterRelease"]).toBe(10);

    expect(result["serialResults"]).toEqual(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? i + 1000 : 2 * i)),
    );
    expect(result["serialOrder"]).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(result["maxImportsRunning"]).toBe(1);

    expect(result["trap"]).toMatchObject({
      error: { is: "TrapError", functionName: "trap", cause: { name: "RuntimeError" } },
    });
    expect(result["poisoned"]).toBe(true);

    expect(result["hung"]).toEqual({
      error: {
        name: "CallTimeoutError",
        is: "CallTimeoutError",
        message:
          "`reenter` was still running after its deadline of 300 ms: the worker running the guest was terminated",
        functionName: "reenter",
        timeoutMs: 300,
      },
    });
    expect(result["afterRestart"]).toEqual({ value: 42 });
  });
});
