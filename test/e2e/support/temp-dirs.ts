/**
 * Scratch directories for the end-to-end suite. Tests transpile real components into folders under
 * `os.tmpdir()`; this module creates them with unique names (so parallel test files never share one)
 * and removes every folder it created when a test file asks, typically from `afterAll`. It consumes a
 * short label and produces absolute directory paths.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const created = new Set<string>();

/** Creates an empty directory `wit-ts-e2e-<label>-XXXXXX` under the OS temp dir. */
export async function createTempDir(label: string): Promise<string> {
  const safeLabel = label.replace(/[^A-Za-z0-9_-]/g, "_");
  const dir = await mkdtemp(join(tmpdir(), `wit-ts-e2e-${safeLabel}-`));
  created.add(dir);
  return dir;
}

/** Removes every directory made by {@link createTempDir} in this process so far. */
export async function removeTempDirs(): Promise<void> {
  const dirs = [...created];
  created.clear();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
}
