/**
 * End to end, jco alone (no SDK): the root causes of component-model async failures that `wit-ts gen x.wasm`
 * works around, each shown against jco 1.35's own output for a shared fixture (`../shared/fixtures/jco-p3/`),
 * and that the workaround is what makes the call succeed. When a jco upgrade fixes one of them, its "fails
 * with jco alone" expectation fails here: the workaround can then go.
 *
 * - A guest that calls an `async func` import synchronously (a sync-lowered async import) never gets its
 *   result when the import is listed in jco's `asyncImports` ("manually async"): the SDK does not list them.
 * - A stackful async lift: jco resolves the task twice ("is already resolved"): fixed in jco's output.
 * - A host call while the guest has backpressure on: jco's deadlock detector fails it ("failed to enter
 *   task") although the host can still turn backpressure off: fixed in jco's output.
 *
 * jco's output is written by the test (Node 20) and run in one child process under a Node with JSPI
 * (`fixtures/p3/plain-jco.mjs`); without one the test skips with a visible reason.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { installedJcoVersion } from "../../src/component.js";
import { fixJcoOutput } from "../../src/jco-output-fixes.js";
import { transpileInstantiation } from "./support/components.js";
import { findJspiNode } from "./support/jspi-node.js";
import { sdkWorkspace } from "./support/sdk-workspace.js";

const FIXTURES = join(import.meta.dirname, "..", "..", "..", "shared", "fixtures", "jco-p3");
const present = existsSync(FIXTURES);
if (!present) console.warn(`jco root-cause tests skipped: ${FIXTURES} is absent`);

const root = sdkWorkspace("p3-plain");

interface Case {
  readonly fixture: string;
  readonly asyncImports?: readonly string[];
  readonly asyncExports: readonly string[];
  readonly fixed?: boolean;
}

const BAZ = "local:local/baz#foo";
const cases: Readonly<Record<string, Case>> = {
  "synchronous-listed": {
    fixture: "round-trip/async-round-trip-synchronous.wasm",
    asyncImports: [BAZ],
    asyncExports: [BAZ],
  },
  "synchronous-unlisted": {
    fixture: "round-trip/async-round-trip-synchronous.wasm",
    asyncExports: [BAZ],
  },
  "stackful-plain": { fixture: "round-trip/async-round-trip-stackful.wasm", asyncExports: [BAZ] },
  "stackful-fixed": {
    fixture: "round-trip/async-round-trip-stackful.wasm",
    asyncExports: [BAZ],
    fixed: true,
  },
  "backpressure-plain": {
    fixture: "backpressure/async-backpressure-callee.wasm",
    asyncExports: ["local:local/run#run"],
  },
  "backpressure-fixed": {
    fixture: "backpressure/async-backpressure-callee.wasm",
    asyncExports: ["local:local/run#run"],
    fixed: true,
  },
};

const jspi = findJspiNode();
const execFileAsync = promisify(execFile);

describe.skipIf(!present)("component-model async failures of jco 1.35 alone", () => {
  if (!("path" in jspi)) {
    console.warn(`jco root-cause tests skipped: ${jspi.reason}`);
    it.skip(`skipped: ${jspi.reason}`, () => {});
    return;
  }
  const node = jspi.path;
  let results: Record<string, { value?: unknown; error?: string; thrown?: string }>;

  beforeAll(async () => {
    const version = installedJcoVersion();
    for (const [name, c] of Object.entries(cases)) {
      const outDir = join(root, name);
      mkdirSync(outDir, { recursive: true });
      const transpiled = await transpileInstantiation(readFileSync(join(FIXTURES, c.fixture)), {
        name: "component",
        outDir,
        asyncMode: "jspi",
        asyncImports: c.asyncImports ?? [],
        asyncExports: c.asyncExports,
        emitTypes: false,
      });
      if (c.fixed === true) {
        const js = readFileSync(transpiled.entryPath, "utf8");
        writeFileSync(transpiled.entryPath, fixJcoOutput(js, version));
      }
    }
    const driver = join(import.meta.dirname, "fixtures", "p3", "plain-jco.mjs");
    const { stdout } = await execFileAsync(node, [driver, root], {
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    const line = stdout.split("\n").find((l) => l.startsWith("@@result "));
    if (line === undefined) throw new Error(`the driver printed no result:\n${stdout}`);
    results = JSON.parse(line.slice("@@result ".length)) as typeof results;
  }, 300_000);

  const roundTrip = "hello, world! - entered guest - entered host - exited host - exited guest";

  it("a sync-lowered async import listed in asyncImports never delivers its result to the guest", () => {
    // The guest reads its result from memory jco never wrote: what comes back is not the round trip.
    expect(results["synchronous-listed"]).toHaveProperty("value");
    expect(results["synchronous-listed"]!.value).not.toBe(roundTrip);
    expect(results["synchronous-unlisted"]).toEqual({ value: roundTrip });
  });

  it("a stackful async lift is resolved twice; the fixed output returns the task.return value", () => {
    expect(results["stackful-plain"]).toEqual({
      error: expect.stringMatching(/task \[\d+\] +is already resolved/),
    });
    expect(results["stackful-fixed"]).toEqual({ value: roundTrip });
  });

  it("a host call waiting for backpressure is taken for a deadlock; the fixed output waits", () => {
    expect(results["backpressure-plain"]).toEqual({ error: "failed to enter task" });
    expect(results["backpressure-fixed"]).toEqual({ value: null });
  });
});
