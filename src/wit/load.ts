/**
 * The file-system side of resolution (wit-parser's `resolve/fs.rs` and
 * `UnresolvedPackageGroup::parse_dir`). Consumes a path, on disk or in an
 * in-memory file map, and produces a {@link ResolveResult}: the resolved
 * model, the main package ids, diagnostics and the source map they point
 * into. A path is either
 *
 * - a `.wit` file: one package (possibly with nested `package a:b { }`
 *   blocks), whose dependencies must be nested in it; or
 * - a directory: every `*.wit` file directly in it forms one package, and
 *   `deps/` holds its dependencies, each a directory (a package of its
 *   files; no recursive `deps`) or a single `.wit` file. Other entries are
 *   ignored.
 *
 * Files are read in byte order of their paths, and resolution stops at the
 * first error, in wit-parser's order: the main package first, then the
 * dependencies, then the merge. Displayed paths are the caller's path joined
 * with the file names, relative paths staying relative.
 */
import { isUtf8 } from "node:buffer";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { codes } from "../diagnostics/codes.js";
import { error, type Diagnostic } from "../diagnostics/diagnostic.js";
import { SourceMap, UNKNOWN_SPAN } from "../diagnostics/source-map.js";
import type { PackageId, Resolve } from "./model.js";
import { parseFile } from "./parser.js";
import type { FuncTable } from "./func-table.js";
import type { ParamTable } from "./param-table.js";
import type { TypeTable } from "./type-table.js";
import type { UnresolvedGroup } from "./resolve-merge.js";
import { GroupResolver, catchAbort, resolveGroups, type ResolveOptions } from "./resolve.js";
import { decodeWitPackage } from "./decoding/wit-packages.js";
import { anchorShape } from "./shape-anchor.js";

export type { ResolveOptions } from "./resolve.js";

export interface ResolveResult {
  readonly resolve: Resolve | undefined;
  /** The main package of the input (what wit-parser's `push_path` returns). */
  readonly packageIds: PackageId[];
  readonly diagnostics: Diagnostic[];
  readonly sources: SourceMap;
}

/** What the loader needs from a file system; the disk and an in-memory map implement it. */
interface FileSystem {
  kind(path: string): "file" | "dir" | undefined;
  /** Entry names of a directory. */
  readDir(path: string): string[];
  /** The text of a file, or an error message. */
  readText(path: string): string | { error: string };
  /** The bytes of a file, or an error message. */
  readBytes(path: string): Uint8Array | { error: string };
}

/** Reads and resolves a WIT file or directory from disk. Never throws for user errors (missing path included). */
export function resolvePath(path: string, options: ResolveOptions = {}): ResolveResult {
  return load(diskFs, path, options);
}

/** Same, from in-memory files (path -> text); `root` names the main file or directory. */
export function resolveFiles(
  files: ReadonlyMap<string, string>,
  root: string,
  options: ResolveOptions = {},
): ResolveResult {
  return load(memoryFs(files), root, options);
}

/** Rust's `Path::join` for our purposes: one separator between the parts. */
function join(dir: string, name: string): string {
  return dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}

/** Paths and file names sort by their UTF-8 bytes, as Rust's `Path` and `OsString` do. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

class LoadError {
  constructor(readonly diagnostics: Diagnostic[]) {}
}

function load(fs: FileSystem, root: string, options: ResolveOptions): ResolveResult {
  const sources = new SourceMap();
  const done = (r: {
    resolve: Resolve | undefined;
    packageIds: PackageId[];
    diagnostics: Diagnostic[];
  }): ResolveResult => ({
    ...r,
    sources,
  });
  let loader: Loader | undefined;
  try {
    const kind = fs.kind(root);
    if (kind === undefined) {
      throw new LoadError([
        error(codes.PathNotFound, `failed to read path for WIT [${root}]`, UNKNOWN_SPAN),
      ]);
    }
    loader = new Loader(fs, sources);
    let main: UnresolvedGroup;
    let deps: UnresolvedGroup[] = [];
    if (kind === "dir") {
      main = loader.parseDir(root);
      deps = loader.parseDepsDir(join(root, "deps"));
    } else {
      const file = loader.parseFile(root);
      main = file.group;
    }
    return done(resolveGroups(main, deps, options, loader.decoded));
  } catch (e) {
    if (e instanceof LoadError)
      return done({ resolve: undefined, packageIds: [], diagnostics: e.diagnostics });
    throw e;
  } finally {
    // The model and the diagnostics hold copies of what they read from the files' tables.
    loader?.releaseTables();
  }
}

class Loader {
  /** Packages decoded from wasm: wit-parser adds them as soon as it reads them, before all others. */
  readonly decoded: UnresolvedGroup[] = [];
  /** The type, function and parameter tables of the files this loader parsed, released once the load is done. */
  private readonly tables: (TypeTable | FuncTable | ParamTable)[] = [];

  constructor(
    private readonly fs: FileSystem,
    private readonly sources: SourceMap,
  ) {}

  /** One package group from the `.wit` files directly in `dir`. */
  parseDir(dir: string): UnresolvedGroup {
    const files: string[] = [];
    for (const name of this.readDir(dir)) {
      const path = join(dir, name);
      // Subdirectories (and links to them) are not part of the package.
      if (this.fs.kind(path) !== "file") continue;
      if (!name.endsWith(".wit")) continue;
      files.push(path);
    }
    return this.parseFiles(files);
  }

  /** Parses and stage-1 resolves files as one package group, in byte order of their paths. */
  parseFiles(
    paths: readonly string[],
    texts0?: readonly (readonly [string, string])[],
  ): UnresolvedGroup {
    const texts = texts0 ? texts0.slice() : paths.map((p) => [p, this.read(p)] as const);
    texts.sort((a, b) => byteOrder(a[0], b[0]));
    const group = new GroupResolver();
    for (const [path, text] of texts) this.addFile(group, path, text);
    const r = catchAbort(() => group.finish());
    if (r.value === undefined) throw new LoadError(r.diagnostics);
    return r.value;
  }

  /**
   * Parses one file into `group`. A method of its own so that no frame holds
   * on to the file's tree once `group` has it: `finish()` lets go of the tree
   * part by part as it builds the model (see `PackageResolver.resolve`).
   */
  private addFile(group: GroupResolver, path: string, text: string): void {
    this.sources.add(path, text);
    const file = this.sources.files[this.sources.files.length - 1]!;
    const parsed = parseFile(file);
    if (!parsed.ast || parsed.diagnostics.length > 0) throw new LoadError(parsed.diagnostics);
    const ast = parsed.ast;
    this.tables.push(ast.types, ast.funcs, ast.params);
    const r = catchAbort(() => group.addFile(ast));
    if (r.diagnostics.length > 0) throw new LoadError(r.diagnostics);
  }

  /** Gives the columns of this load's tables back for later loads (see `column-pool.ts`). */
  releaseTables(): void {
    for (const t of this.tables) t.release();
    this.tables.length = 0;
  }

  /** The groups of a `deps/` directory, by entry name; a missing `deps/` is no dependencies. */
  parseDepsDir(dir: string): UnresolvedGroup[] {
    if (this.fs.kind(dir) === undefined) return [];
    const groups: UnresolvedGroup[] = [];
    const names = this.readDir(dir).sort(byteOrder);
    for (const name of names) {
      const path = join(dir, name);
      if (this.fs.kind(path) === "dir") {
        groups.push(this.parseDir(path));
        continue;
      }
      const dot = name.lastIndexOf(".");
      const ext = dot > 0 ? name.slice(dot + 1) : "";
      if (ext === "wit" || ext === "wasm" || ext === "wat") {
        const file = this.parseFile(path);
        (file.wasm ? this.decoded : groups).push(file.group);
      }
      // Anything else (a README, `.DS_Store`) is ignored.
    }
    return groups;
  }

  /**
   * One file as a package group. Like wit-parser, the content decides: a
   * wasm binary or WebAssembly text is a WIT package encoded as a
   * component; anything else is WIT.
   */
  parseFile(path: string): { group: UnresolvedGroup; wasm: boolean } {
    const bytes = this.fs.readBytes(path);
    if (!(bytes instanceof Uint8Array)) {
      throw new LoadError([
        error(codes.ReadFailed, `failed to read file ${path}: ${bytes.error}`, UNKNOWN_SPAN),
      ]);
    }
    const kind = wasmKind(bytes);
    if (kind !== undefined)
      return { group: this.parseWasm(path, bytes, kind === "text"), wasm: true };
    const text = decodeUtf8(bytes);
    if (text === undefined) {
      throw new LoadError([
        error(
          codes.ReadFailed,
          `failed to read file ${path}: stream did not contain valid UTF-8`,
          UNKNOWN_SPAN,
        ),
      ]);
    }
    return { group: this.parseFiles([path], [[path, text]]), wasm: false };
  }

  /**
   * A WIT package encoded as a component: decoded to WIT text, which is
   * then parsed like any file (shown as `<path> (as WIT)` in diagnostics).
   */
  private parseWasm(path: string, bytes: Uint8Array, text: boolean): UnresolvedGroup {
    const r = decodeWitPackage(bytes, text);
    if ("error" in r) {
      throw new LoadError([
        error(
          codes.WasmPackageUnsupported,
          `failed to decode the WIT package in ${path}: ${r.error}`,
          UNKNOWN_SPAN,
        ),
      ]);
    }
    const shown = `${path} (as WIT)`;
    return this.parseFiles([shown], [[shown, r.wit]]);
  }

  private readDir(dir: string): string[] {
    try {
      return this.fs.readDir(dir);
    } catch (e) {
      throw new LoadError([
        error(
          codes.ReadFailed,
          `failed to read directory ${dir}: ${e instanceof Error ? e.message : String(e)}`,
          UNKNOWN_SPAN,
        ),
      ]);
    }
  }

  private read(path: string): string {
    const r = this.fs.readText(path);
    if (typeof r === "string") return r;
    throw new LoadError([
      error(codes.ReadFailed, `failed to read file ${path}: ${r.error}`, UNKNOWN_SPAN),
    ]);
  }
}

/**
 * The text of UTF-8 bytes without a leading byte order mark, or undefined when the bytes are not UTF-8 (what a
 * fatal `TextDecoder` gives, at half its cost: the validation is one vectorized pass, and ASCII text becomes a
 * one-byte string directly).
 */
function decodeUtf8(bytes: Uint8Array): string | undefined {
  if (!isUtf8(bytes)) return undefined;
  const text = (
    Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  ).toString("utf8");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Whether a file is a wasm binary or WebAssembly text (wit-parser asks the
 * `wat` crate): the binary magic, or `(` as the first thing after
 * whitespace and `;;` / `(; ;)` comments. WIT never starts with `(`.
 */
function wasmKind(bytes: Uint8Array): "binary" | "text" | undefined {
  if (bytes[0] === 0x00 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d)
    return "binary";
  let i = 0;
  while (i < bytes.length) {
    const c = bytes[i]!;
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
    else if (c === 0x3b && bytes[i + 1] === 0x3b) {
      while (i < bytes.length && bytes[i] !== 0x0a) i++;
    } else if (c === 0x28 && bytes[i + 1] === 0x3b) {
      const end = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(
        ";)",
        i + 2,
      );
      if (end < 0) return undefined;
      i = end + 2;
    } else return c === 0x28 ? "text" : undefined;
  }
  return undefined;
}

const diskFs: FileSystem = {
  kind(path) {
    try {
      const st = statSync(path);
      return st.isDirectory() ? "dir" : "file";
    } catch {
      return undefined;
    }
  },
  readDir(path) {
    return readdirSync(path);
  },
  readBytes(path) {
    try {
      return readFileSync(path);
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  },
  readText(path) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
    return decodeUtf8(bytes) ?? { error: "stream did not contain valid UTF-8" };
  },
};

/** Keeps the maps of a loader and its source map alive between runs (see `shape-anchor.ts`). */
anchorShape(new Loader(diskFs, new SourceMap()));

function memoryFs(files: ReadonlyMap<string, string>): FileSystem {
  // Directory index: every proper prefix of a file path (at `/`) is a directory.
  const dirs = new Map<string, Set<string>>();
  for (const path of files.keys()) {
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join("/");
      let entries = dirs.get(dir);
      if (!entries) dirs.set(dir, (entries = new Set()));
      entries.add(parts[i]!);
    }
  }
  const norm = (p: string): string => (p.length > 1 && p.endsWith("/") ? p.slice(0, -1) : p);
  return {
    kind(path) {
      const p = norm(path);
      if (files.has(p)) return "file";
      return dirs.has(p) ? "dir" : undefined;
    },
    readDir(path) {
      return [...(dirs.get(norm(path)) ?? [])];
    },
    readText(path) {
      const t = files.get(norm(path));
      return t === undefined ? { error: "No such file or directory" } : t;
    },
    readBytes(path) {
      // In-memory files are text, encoded as UTF-8 like a file on disk; only a component binary (it starts with
      // the wasm magic `\0asm`) is a string of byte values (latin1).
      const t = files.get(norm(path));
      if (t === undefined) return { error: "No such file or directory" };
      return Buffer.from(t, t.startsWith("\0asm") ? "latin1" : "utf8");
    },
  };
}
