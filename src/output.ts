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
 * see exactly what changed.
 */
import { randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
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
  for (const f of files) {
    const full = checkedPath(dir, f.path);
    let current: Buffer | undefined;
    try {
      current = readFileSync(full);
    } catch {
      current = undefined;
    }
    const wanted = typeof f.content === "string" ? Buffer.from(f.content, "utf8") : f.content;
    if (!current || !current.equals(wanted)) changed.push(f.path);
  }
  const next = new Set(files.map((f) => f.path));
  const previous = readManifest(dir).worlds[worldKey] ?? [];
  const stale = previous.filter((p) => !next.has(p) && existsSync(checkedPath(dir, p)));
  return { changed: changed.sort(), stale: stale.sort() };
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

  const staging = `${dir}.wit-ts-staging-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    // Stage everything first: a failure here leaves the output directory exactly as it was.
    for (const p of staged) {
      const target = checkedPath(staging, p);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, byPath.get(p)!.content);
    }
    mkdirSync(staging, { recursive: true });
    writeFileSync(join(staging, MANIFEST), manifestText);
    // Then move into place: renames within one file system, each atomic.
    for (const p of [...staged, MANIFEST]) {
      const target = checkedPath(dir, p);
      mkdirSync(dirname(target), { recursive: true });
      renameSync(join(staging, p), target);
    }
    for (const p of previous) {
      if (!byPath.has(p)) rmSync(checkedPath(dir, p), { force: true });
    }
    removeEmptyDirs(dir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return diff;
}

function sortManifest(m: Manifest): Manifest {
  const worlds: Record<string, string[]> = {};
  for (const k of Object.keys(m.worlds).sort()) worlds[k] = m.worlds[k]!;
  return { worlds };
}

/** Removes directories left empty by stale-file removal (never the output directory itself). */
function removeEmptyDirs(dir: string): boolean {
  let empty = true;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      const sub = join(dir, entry.name);
      if (removeEmptyDirs(sub)) rmSync(sub, { recursive: true, force: true });
      else empty = false;
    } else {
      empty = false;
    }
  }
  return empty && statSync(dir).isDirectory();
}
