/**
 * Writing generated files safely. Consumes a list of generated files (paths
 * relative to the output directory) and produces them on disk so that a
 * failed run leaves the previous output untouched, nothing is ever written
 * outside the output directory, and files that an earlier run of the same
 * world generated but this run did not are removed (files wit-ts did not
 * write are never touched). A manifest, `.wit-ts-manifest.json`, records
 * which files each world generated.
 *
 * Files whose bytes change are first written to a staging directory beside
 * the output directory (same file system, so each rename is atomic) and then
 * moved in; unchanged files are not touched, so bundler watchers and editors
 * see exactly what changed. A first generation into a folder that does not
 * exist yet renames the whole staging directory into place instead.
 *
 * Every `gen` runs this once in a fresh process, so it keeps to the file
 * system calls the job needs: one `mkdir` per folder, no reads of an output
 * directory that does not exist yet, and no `node:crypto` (loading it costs
 * more than the whole write of a small SDK).
 */
import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

export interface OutputFile {
  readonly path: string;
  /** Text (generated TypeScript) or bytes (core wasm modules of a transpiled component). */
  readonly content: string | Uint8Array;
}

export const MANIFEST = ".wit-ts-manifest.json";

interface Manifest {
  /** World key (`ns:pkg/world`) to the files generated for it, sorted. */
  readonly worlds: Record<string, string[]>;
}

export interface OutputDiff {
  /** Files whose content would change or that are missing. */
  readonly changed: string[];
  /** Files an earlier run of this world generated that this run would remove. */
  readonly stale: string[];
}

/** Rejects paths that could escape the output directory (a bug in the generator if it ever happens). */
function checkedPath(outDir: string, file: string): string {
  const normalized = file.split("/").join(sep);
  const full = resolve(outDir, normalized);
  const rel = relative(outDir, full);
  if (
    file.length === 0 ||
    isAbsolute(file) ||
    file.includes("\\") ||
    rel.startsWith("..") ||
    isAbsolute(rel) ||
    rel === ""
  ) {
    throw new Error(
      `internal: refusing to write outside the output directory: ${JSON.stringify(file)}`,
    );
  }
  return full;
}

function readManifest(outDir: string): Manifest {
  try {
    const parsed = JSON.parse(readFileSync(join(outDir, MANIFEST), "utf8")) as Partial<Manifest>;
    if (parsed && typeof parsed.worlds === "object" && parsed.worlds !== null)
      return { worlds: { ...parsed.worlds } };
  } catch {
    // No manifest or an unreadable one: treat every existing file as the user's.
  }
  return { worlds: {} };
}

/** What writing `files` for `worldKey` would change (for `gen --check`). Writes nothing. */
export function diffOutput(
  outDir: string,
  worldKey: string,
  files: readonly OutputFile[],
): OutputDiff {
  const dir = resolve(outDir);
  const changed: string[] = [];
  // A first generation into a new folder: every file is new, and there is nothing to read.
  const exists = existsSync(dir);
  for (const f of files) {
    const full = checkedPath(dir, f.path);
    if (!exists || !sameContent(full, f.content)) changed.push(f.path);
  }
  if (!exists) return { changed: changed.sort(), stale: [] };
  const next = new Set(files.map((f) => f.path));
  const previous = readManifest(dir).worlds[worldKey] ?? [];
  const stale = previous.filter((p) => !next.has(p) && existsSync(checkedPath(dir, p)));
  return { changed: changed.sort(), stale: stale.sort() };
}

/** Whether the file at `full` holds exactly `content` (false when it cannot be read). */
function sameContent(full: string, content: string | Uint8Array): boolean {
  let current: Buffer;
  try {
    current = readFileSync(full);
  } catch {
    return false;
  }
  const wanted = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  return current.equals(wanted);
}

/**
 * Writes `files` into `outDir` for `worldKey` as described in the file header and
 * returns what changed. Throws only on file-system errors (reported by the caller as user errors).
 */
export function writeOutput(
  outDir: string,
  worldKey: string,
  files: readonly OutputFile[],
): OutputDiff {
  const dir = resolve(outDir);
  const manifest = readManifest(dir);
  const previous = manifest.worlds[worldKey] ?? [];
  const next = files.map((f) => f.path).sort();
  manifest.worlds[worldKey] = next;
  const manifestText = JSON.stringify(sortManifest(manifest), null, 2) + "\n";
  // Only files whose bytes change are staged and moved, so bundler watchers see exactly what changed.
  const diff = diffOutput(dir, worldKey, files);
  const { changed } = diff;
  const byPath = new Map(files.map((f) => [f.path, f]));
  const staged = [...changed];
  let manifestChanged: boolean;
  try {
    manifestChanged = readFileSync(join(dir, MANIFEST), "utf8") !== manifestText;
  } catch {
    manifestChanged = true;
  }
  if (staged.length === 0 && !manifestChanged && previous.every((p) => byPath.has(p))) return diff;

  // The process id keeps concurrent runs apart; the random part, a leftover of an earlier process with the same id.
  const staging = `${dir}.wit-ts-staging-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  const stagingDirs = new Folders();
  let moved: "whole" | "files" | undefined;
  try {
    // Stage everything first: a failure here leaves the output directory exactly as it was.
    stagingDirs.make(staging);
    for (const p of staged) {
      const target = checkedPath(staging, p);
      stagingDirs.make(dirname(target));
      writeFileSync(target, byPath.get(p)!.content);
    }
    writeFileSync(join(staging, MANIFEST), manifestText);
    // A first generation: the staged folder becomes the output folder in one rename, so the whole SDK appears at
    // once. When something made the folder meanwhile, the files move one by one as below.
    if (!existsSync(dir)) {
      try {
        renameSync(staging, dir);
        moved = "whole";
        return diff;
      } catch {
        // The folder exists now.
      }
    }
    // Then move into place: renames within one file system, each atomic.
    const outputDirs = new Folders();
    for (const p of [...staged, MANIFEST]) {
      const target = checkedPath(dir, p);
      outputDirs.make(dirname(target));
      renameSync(join(staging, p), target);
    }
    const removed: string[] = [];
    for (const p of previous) {
      if (byPath.has(p)) continue;
      const full = checkedPath(dir, p);
      rmSync(full, { force: true });
      removed.push(full);
    }
    removeEmptyDirs(dir, removed);
    moved = "files";
  } finally {
    // Once every file has moved, staging holds only the empty folders made for it; after a failure, anything.
    if (moved === undefined || (moved === "files" && !stagingDirs.removeAll()))
      rmSync(staging, { recursive: true, force: true });
  }
  return diff;
}

/** Folders made during one write, each with one `mkdir`. */
class Folders {
  readonly #made = new Set<string>();

  make(folder: string): void {
    if (this.#made.has(folder)) return;
    mkdirSync(folder, { recursive: true });
    this.#made.add(folder);
  }

  /** Removes the folders made, deepest first, when they are empty; false when one could not be removed. */
  removeAll(): boolean {
    try {
      for (const folder of [...this.#made].sort((a, b) => b.length - a.length)) rmdirSync(folder);
      return true;
    } catch {
      return false;
    }
  }
}

function sortManifest(m: Manifest): Manifest {
  const worlds: Record<string, string[]> = {};
  for (const k of Object.keys(m.worlds).sort()) worlds[k] = m.worlds[k]!;
  return { worlds };
}

/**
 * Removes the folders that removing `files` (stale files of the world) left empty, from the deepest up to the
 * output directory, which stays. Folders emptied by anything else, the user's among them, are not touched.
 */
function removeEmptyDirs(dir: string, files: readonly string[]): void {
  const folders = new Set<string>();
  for (const file of files) {
    for (
      let folder = dirname(file);
      folder !== dir && !folders.has(folder);
      folder = dirname(folder)
    ) {
      if (relative(dir, folder).startsWith("..")) break;
      folders.add(folder);
    }
  }
  // A folder is longer than its parent: deepest first, so that a parent is tried once its children are gone.
  for (const folder of [...folders].sort((a, b) => b.length - a.length)) {
    try {
      rmdirSync(folder);
    } catch {
      // Not empty (or not ours to remove): it stays.
    }
  }
}
