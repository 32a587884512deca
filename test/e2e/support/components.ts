/**
 * Real WebAssembly components for the end-to-end suite, and jco's instantiation-mode output for them.
 * It consumes WIT text plus either guest JavaScript (built with componentize-js, cached on disk by
 * content hash because a build takes seconds), hand-written core WAT (wrapped with jco's `parse`,
 * `componentEmbed` and `componentNew`, milliseconds), or nothing at all (a dummy core module that only
 * has the right shape). It produces component bytes, transpiled file trees in a caller-chosen folder,
 * and the `getCoreModule` callback that jco's `instantiate` needs under Node. See docs/jco-notes.md for
 * the jco behaviour these helpers were written against.
 */
import { execFile } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { componentEmbed, componentNew, parse, transpile } from "@bytecodealliance/jco";
import { createTempDir } from "./temp-dirs.js";
import { wasm, type CoreImports, type CoreInstance, type CoreModule } from "./wasm.js";

const PROJECT_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** Where built guests are cached; `WIT_TS_E2E_CACHE` overrides it (e.g. for a CI cache step). */
export const COMPONENT_CACHE_DIR =
  process.env["WIT_TS_E2E_CACHE"] ?? join(PROJECT_ROOT, "node_modules", ".cache", "wit-ts-e2e");

/** Bumped when the way cached bytes are produced changes, so stale entries are never reused. */
const CACHE_FORMAT = 1;

/** The WASI-backed features of componentize-js's engine (its `disableFeatures` vocabulary). */
export type GuestFeature = "stdio" | "random" | "clocks" | "http" | "fetch-event";

const ALL_FEATURES: readonly GuestFeature[] = ["stdio", "random", "clocks", "http", "fetch-event"];

/** What {@link buildComponent} builds a componentize-js guest from. */
export interface GuestSource {
  /**
   * WIT text. Dependencies go in the same text as nested `package ns:name { ... }` blocks:
   * componentize-js cannot read WIT folders here (see {@link componentizeGuest}).
   */
  readonly wit: string;
  /** The guest's ES module source; it implements the world's exports. */
  readonly js: string;
  /** World to target; may be omitted when the WIT has exactly one. */
  readonly world?: string;
  /**
   * Names the cache entry and error messages. Writing an entry deletes older entries of the same
   * name, so give each distinct guest its own name.
   */
  readonly name?: string;
  /**
   * WASI features the guest keeps. Default none: the component then imports nothing from WASI, so
   * tests supply only the world's own imports, and builds are smaller and faster.
   */
  readonly features?: readonly GuestFeature[];
}

const inFlight = new Map<string, Promise<Uint8Array>>();
let componentizeVersionCache: string | undefined;

function componentizeVersion(): string {
  // Read from disk rather than from the module's `version` export so that a cache hit never has to
  // load componentize-js (and its embedded engine) at all.
  componentizeVersionCache ??= (
    JSON.parse(
      readFileSync(
        join(PROJECT_ROOT, "node_modules", "@bytecodealliance", "componentize-js", "package.json"),
        "utf8",
      ),
    ) as { version: string }
  ).version;
  return componentizeVersionCache;
}

/** The cache key: everything that can change the bytes componentize-js produces. */
function cacheKey(source: GuestSource, features: readonly GuestFeature[]): string {
  const material = JSON.stringify({
    format: CACHE_FORMAT,
    componentizeJs: componentizeVersion(),
    wit: source.wit,
    js: source.js,
    world: source.world ?? null,
    features: [...features].sort(),
  });
  return createHash("sha256").update(material).digest("hex");
}

/** True when the bytes start like a component (not a core module, not a truncated file). */
function looksLikeComponent(bytes: Uint8Array): boolean {
  // `\0asm`, then version 0x0d and layer 1: the component binary preamble.
  const preamble = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];
  return bytes.length > preamble.length && preamble.every((b, i) => bytes[i] === b);
}

async function readCached(file: string): Promise<Uint8Array | undefined> {
  try {
    const bytes = new Uint8Array(await readFile(file));
    return looksLikeComponent(bytes) ? bytes : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** Writes under a unique temporary name, then renames: readers see the whole file or none. */
async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  try {
    await writeFile(temp, bytes);
    await rename(temp, file);
  } finally {
    await rm(temp, { force: true });
  }
}

/**
 * componentize-js's call as its JavaScript actually behaves. Its `.d.ts` omits `witWorld` (WIT given
 * as text), and `witPath` is useless here: the splicer reads it through preview2-shim 0.26, which
 * starts with no preopened directories, so every path fails with "os error 44".
 */
type ComponentizeWithInlineWit = (options: {
  sourcePath: string;
  witWorld: string;
  worldName?: string;
  disableFeatures: GuestFeature[];
}) => Promise<{ component: Uint8Array }>;

async function componentizeGuest(
  source: GuestSource,
  features: readonly GuestFeature[],
): Promise<Uint8Array> {
  // Loaded lazily: importing componentize-js costs time even when every build is a cache hit.
  const { componentize } = await import("@bytecodealliance/componentize-js");
  const work = await createTempDir(`componentize-${source.name ?? "guest"}`);
  const sourcePath = join(work, "guest.js");
  await writeFile(sourcePath, source.js);
  try {
    const { component } = await (componentize as unknown as ComponentizeWithInlineWit)({
      sourcePath,
      witWorld: source.wit,
      ...(source.world === undefined ? {} : { worldName: source.world }),
      disableFeatures: ALL_FEATURES.filter((f) => !features.includes(f)),
    });
    return component;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(
      `componentize-js could not build guest \`${source.name ?? "guest"}\`: ${message}`,
      { cause: err },
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Deletes cached builds of an earlier version of the same guest (about 13 MB each). */
async function pruneStaleEntries(prefix: string, keep: string): Promise<void> {
  // Exactly `<prefix><24 hex>.wasm`, so a guest named `a` never prunes one named `a-b`.
  const isEntry = (f: string) =>
    f.startsWith(prefix) && /^[0-9a-f]{24}\.wasm$/.test(f.slice(prefix.length));
  const stale = (await readdir(COMPONENT_CACHE_DIR)).filter((f) => isEntry(f) && f !== keep);
  await Promise.all(stale.map((f) => rm(join(COMPONENT_CACHE_DIR, f), { force: true })));
}

/**
 * Builds a guest component from WIT and JavaScript with componentize-js, or returns the cached bytes
 * of an identical earlier build. Concurrent callers in one process share one build; concurrent
 * processes may both build, and the last rename wins with identical content.
 */
export async function buildComponent(source: GuestSource): Promise<Uint8Array> {
  const features = source.features ?? [];
  const key = cacheKey(source, features);
  const pending = inFlight.get(key);
  if (pending) return pending;
  const prefix = `${(source.name ?? "guest").replace(/[^A-Za-z0-9_-]/g, "_")}-`;
  const fileName = `${prefix}${key.slice(0, 24)}.wasm`;
  const file = join(COMPONENT_CACHE_DIR, fileName);
  const build = (async () => {
    const cached = await readCached(file);
    if (cached) return cached;
    const bytes = await componentizeGuest(source, features);
    await writeAtomically(file, bytes);
    await pruneStaleEntries(prefix, fileName);
    return bytes;
  })();
  inFlight.set(key, build);
  try {
    return await build;
  } finally {
    inFlight.delete(key);
  }
}

/**
 * Wraps a hand-written core module as a component. The WAT must follow the canonical ABI's names:
 * world-level imports come from module `$root`, interface imports from `pkg:ns/iface@ver`, exports are
 * named after the WIT function (`pkg:ns/iface@ver#name` for interface exports).
 */
export async function componentFromWat(
  watText: string,
  witText: string,
  world: string,
): Promise<Uint8Array> {
  const core = await parse(watText);
  const embedded = await componentEmbed({
    binary: core,
    witSource: witText,
    world,
  });
  return componentNew(embedded);
}

/**
 * A component with the world's exact imports and exports whose every function traps: enough to see
 * what jco generates and which import keys it reads, without writing a guest.
 */
export async function dummyComponent(witText: string, world: string): Promise<Uint8Array> {
  return componentNew(await componentEmbed({ dummy: true, witSource: witText, world }));
}

/** Options for {@link transpileInstantiation}; the jco option of the same name is noted per field. */
export interface TranspileOptions {
  /** Base name of the output files: `<name>.js`, `<name>.d.ts`, `<name>.core.wasm`, `<name>.core2.wasm`... */
  readonly name: string;
  /** Folder to write into (created if missing). */
  readonly outDir: string;
  /**
   * jco `instantiation`. `async` (default): `instantiate` returns a promise unless `getCoreModule` and
   * `instantiateCore` both answer synchronously. `sync`: it always returns the exports object.
   */
  readonly instantiation?: "async" | "sync";
  /** jco `asyncMode`; `jspi` needs `WebAssembly.Suspending`, which Node 20 lacks. */
  readonly asyncMode?: "sync" | "jspi";
  readonly asyncImports?: readonly string[];
  readonly asyncExports?: readonly string[];
  /** jco `map`: WIT import name (may end in `*` or carry a version) -> import specifier or key. */
  readonly map?: Readonly<Record<string, string>>;
  /** jco `strict`: throw on out-of-range numbers instead of wrapping them. */
  readonly strict?: boolean;
  /**
   * Throw a `result` error payload as is instead of a `ComponentError`. Undefined keeps jco's CLI
   * default (wrap); note that `@bytecodealliance/jco-transpile`'s own default is the opposite.
   */
  readonly noComponentErrorWrapping?: boolean;
  /** Write jco's `.d.ts` files too (default true; jco always generates them, this only skips writing). */
  readonly emitTypes?: boolean;
}

/** What {@link transpileInstantiation} wrote. */
export interface TranspiledComponent {
  readonly outDir: string;
  /** Absolute path of the ES module that exports `instantiate`. */
  readonly entryPath: string;
  /** Written files, relative to `outDir`, sorted. */
  readonly files: readonly string[];
  /** Import keys jco reports (unversioned interface names and world-level import names). */
  readonly imports: readonly string[];
  /** Export names jco reports, with their kind. */
  readonly exports: readonly (readonly [string, "function" | "instance"])[];
}

/**
 * Transpiles a component with jco's JS API in instantiation mode and writes the result to disk. This
 * is jco's own `transpile` (the CLI's code path), so defaults match `jco transpile --instantiation`.
 */
export async function transpileInstantiation(
  bytes: Uint8Array,
  options: TranspileOptions,
): Promise<TranspiledComponent> {
  // jco mutates the options object it is given (it fills in defaults), so hand it a fresh one.
  const result = await transpile(bytes, {
    name: options.name,
    instantiation: options.instantiation ?? "async",
    ...(options.asyncMode === undefined ? {} : { asyncMode: options.asyncMode }),
    ...(options.asyncImports === undefined ? {} : { asyncImports: [...options.asyncImports] }),
    ...(options.asyncExports === undefined ? {} : { asyncExports: [...options.asyncExports] }),
    ...(options.map === undefined ? {} : { map: { ...options.map } }),
    ...(options.strict === undefined ? {} : { strict: options.strict }),
    ...(options.noComponentErrorWrapping === undefined
      ? {}
      : { noComponentErrorWrapping: options.noComponentErrorWrapping }),
    quiet: true,
  });
  const outDir = resolve(options.outDir);
  const files: string[] = [];
  for (const [name, content] of Object.entries(result.files)) {
    if (options.emitTypes === false && name.endsWith(".d.ts")) continue;
    const target = resolve(outDir, name);
    if (!target.startsWith(outDir + sep))
      throw new Error(`jco produced a file outside the output folder: ${name}`);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
    files.push(normalize(name));
  }
  files.sort();
  const entry = `${options.name}.js`;
  if (!files.includes(entry)) throw new Error(`jco wrote no ${entry}; files: ${files.join(", ")}`);
  return {
    outDir,
    entryPath: join(outDir, entry),
    files,
    imports: [...result.imports],
    exports: result.exports.map(([name, kind]) => [name, kind] as const),
  };
}

/** `getCoreModule` as jco's `instantiate` calls it: a core file name relative to the output folder. */
export type GetCoreModule = (path: string) => CoreModule;

/**
 * jco's `getCoreModule` for Node: compiles `<name>.core<N>.wasm` from `outDir` synchronously, once
 * per file, so the same callback serves `sync` and `async` instantiation and many instances.
 */
export function loadCoreModuleFactory(outDir: string): GetCoreModule {
  const modules = new Map<string, CoreModule>();
  return (path: string) => {
    if (!/^[^/\\]+\.core\d*\.wasm$/.test(path))
      throw new Error(`not a core module file name: ${path}`);
    let module = modules.get(path);
    if (!module) {
      module = new wasm.Module(readFileSync(join(outDir, path)));
      modules.set(path, module);
    }
    return module;
  };
}

/** The shape of a jco instantiation-mode entry module, before any generated typing. */
export interface InstantiationModule {
  instantiate(
    getCoreModule: (path: string) => CoreModule | Promise<CoreModule>,
    imports: object,
    instantiateCore?: (
      module: CoreModule,
      imports: CoreImports,
    ) => CoreInstance | Promise<CoreInstance>,
  ): unknown;
}

/** Imports a transpiled entry module (outside the project, so by file URL). */
export async function importEntry(entryPath: string): Promise<InstantiationModule> {
  const module = (await import(pathToFileURL(entryPath).href)) as Partial<InstantiationModule>;
  if (typeof module.instantiate !== "function")
    throw new Error(`${entryPath} does not export instantiate`);
  return module as InstantiationModule;
}

/** `instantiateCore` that never awaits: with it, jco's async-mode `instantiate` finishes synchronously. */
export function instantiateCoreSync(module: CoreModule, imports: CoreImports): CoreInstance {
  return new wasm.Instance(module, imports);
}

/** Outcome of one transpile in {@link transpileInFreshProcess}. */
export type IsolatedTranspileOutcome =
  | { readonly ok: true; readonly exports: readonly string[] }
  | { readonly ok: false; readonly message: string };

/** What {@link transpileInFreshProcess} saw: one outcome per component, and the process's stderr. */
export interface IsolatedTranspileRun {
  readonly outcomes: readonly IsolatedTranspileOutcome[];
  /** jco's transpiler prints Rust panic messages here; the thrown error only says "unreachable". */
  readonly stderr: string;
}

const execFileAsync = promisify(execFile);

/**
 * Transpiles each component in turn inside one new Node process. A panic in jco's transpiler leaves
 * that process's transpiler unusable ("cannot enter component instance"), so tests that expect a
 * panic run here, where it cannot poison the test worker.
 */
export async function transpileInFreshProcess(
  components: readonly Uint8Array[],
): Promise<IsolatedTranspileRun> {
  const dir = await createTempDir("isolated");
  const paths: string[] = [];
  for (const [i, bytes] of components.entries()) {
    const path = join(dir, `component-${i}.wasm`);
    await writeFile(path, bytes);
    paths.push(path);
  }
  const jcoApi = pathToFileURL(
    join(PROJECT_ROOT, "node_modules", "@bytecodealliance", "jco", "dist", "api.js"),
  ).href;
  const script = `
    import { readFileSync } from "node:fs";
    const { transpile } = await import(${JSON.stringify(jcoApi)});
    const outcomes = [];
    for (const path of ${JSON.stringify(paths)}) {
      try {
        const result = await transpile(readFileSync(path), { name: "c", instantiation: "async", quiet: true });
        outcomes.push({ ok: true, exports: result.exports.map(([name]) => name) });
      } catch (err) {
        outcomes.push({ ok: false, message: String(err && err.message ? err.message : err) });
      }
    }
    process.stdout.write("\\n@@outcomes " + JSON.stringify(outcomes) + "\\n");
  `;
  const { stdout, stderr } = await execFileAsync(
    process.execPath,
    ["--input-type=module", "-e", script],
    {
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const line = stdout.split("\n").find((l) => l.startsWith("@@outcomes "));
  if (!line) throw new Error(`isolated transpile printed no outcome; stdout: ${stdout}`);
  const outcomes = JSON.parse(line.slice("@@outcomes ".length)) as IsolatedTranspileOutcome[];
  return { outcomes, stderr };
}
