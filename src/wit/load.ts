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
import { readFileSync, readdirSync, statSync } from "node:fs";
import { codes } from "../diagnostics/codes.js";
import { error, type Diagnostic } from "../diagnostics/diagnostic.js";
import { SourceMap, UNKNOWN_SPAN } from "../diagnostics/source-map.js";
import type { PackageId, Resolve } from "./model.js";
import { parseFile } from "./parser.js";
import type { UnresolvedGroup } from "./resolve-merge.js";
import { GroupResolver, catchAbort, resolveGroups, type ResolveOptions } from "./resolve.js";

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
  const done = (r: { resolve: Resolve | undefined; packageIds: PackageId[]; diagnostics: Diagnostic[] }): ResolveResult => ({
    ...r,
    sources,
  });
  try {
    const kind = fs.kind(root);
    if (kind === undefined) {
      throw new LoadError([error(codes.PathNotFound, `failed to read path for WIT [${root}]`, UNKNOWN_SPAN)]);
    }
    const loader = new Loader(fs, sources);
    let main: UnresolvedGroup;
    let deps: UnresolvedGroup[] = [];
    if (kind === "dir") {
      main = loader.parseDir(root);
      deps = loader.parseDepsDir(join(root, "deps"));
    } else {
      main = loader.parseFiles([root]);
    }
    return done(resolveGroups(main, deps, options));
  } catch (e) {
    if (e instanceof LoadError) return done({ resolve: undefined, packageIds: [], diagnostics: e.diagnostics });
    throw e;
  }
}

class Loader {
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
  parseFiles(paths: readonly string[]): UnresolvedGroup {
    const texts = paths.map((p) => [p, this.read(p)] as const);
    texts.sort((a, b) => byteOrder(a[0], b[0]));
    const group = new GroupResolver();
    for (const [path, text] of texts) {
      this.sources.add(path, text);
      const file = this.sources.files[this.sources.files.length - 1]!;
      const parsed = parseFile(file);
      if (!parsed.ast || parsed.diagnostics.length > 0) throw new LoadError(parsed.diagnostics);
      const ast = parsed.ast;
      const r = catchAbort(() => group.addFile(ast));
      if (r.diagnostics.length > 0) throw new LoadError(r.diagnostics);
    }
    const r = catchAbort(() => group.finish());
    if (r.value === undefined) throw new LoadError(r.diagnostics);
    return r.value;
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
      if (ext === "wit") groups.push(this.parseFiles([path]));
      else if (ext === "wasm" || ext === "wat") {
        throw new LoadError([
          error(
            codes.WasmPackageUnsupported,
            `failed to parse dependency ${path}: wasm-encoded WIT packages are not supported; use the package's WIT text instead`,
            UNKNOWN_SPAN,
          ),
        ]);
      }
      // Anything else (a README, `.DS_Store`) is ignored.
    }
    return groups;
  }

  private readDir(dir: string): string[] {
    try {
      return this.fs.readDir(dir);
    } catch (e) {
      throw new LoadError([
        error(codes.ReadFailed, `failed to read directory ${dir}: ${e instanceof Error ? e.message : String(e)}`, UNKNOWN_SPAN),
      ]);
    }
  }

  private read(path: string): string {
    const r = this.fs.readText(path);
    if (typeof r === "string") return r;
    throw new LoadError([error(codes.ReadFailed, `failed to read file ${path}: ${r.error}`, UNKNOWN_SPAN)]);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

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
  readText(path) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
    try {
      return utf8.decode(bytes);
    } catch {
      return { error: "stream did not contain valid UTF-8" };
    }
  },
};

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
  };
}
