/**
 * Test support, where a test file's generated SDKs live: a folder of its own inside this repository's
 * `node_modules/.cache`, so that the bare imports of a generated SDK and of jco's output
 * (`@bytecodealliance/preview2-shim`) resolve against this repository's packages. Produces the folder's path
 * (removed after the file's tests) and {@link generateFromWasm}, which generates an SDK the way
 * `wit-ts gen x.wasm` does.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll } from "vitest";
import { generateSdk, writeSdk, type GenerateSdkResult } from "../../../src/index.js";

/** A fresh folder for this test file (and process), removed after its tests. */
export function sdkWorkspace(label: string): string {
  const root = join(
    import.meta.dirname,
    "..",
    "..",
    "..",
    "node_modules",
    ".cache",
    "wit-ts-e2e",
    `${label}-${process.pid}`,
  );
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

/**
 * Writes the component to `<root>/<name>/<name>.wasm`, generates its SDK as `wit-ts gen x.wasm` does, and writes
 * the SDK to `<root>/<name>/sdk` when generation succeeded.
 */
export async function generateFromWasm(
  root: string,
  name: string,
  bytes: Uint8Array,
): Promise<{ result: GenerateSdkResult; out: string }> {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const wasm = join(dir, `${name}.wasm`);
  writeFileSync(wasm, bytes);
  const result = await generateSdk({ input: wasm });
  const out = join(dir, "sdk");
  if (result.diagnostics.length === 0) writeSdk(out, result);
  return { result, out };
}
