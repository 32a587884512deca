/**
 * The public library API of wit-ts, used by the CLI and the build plugin:
 * resolve WIT (`resolveWit`), generate an SDK as files in memory
 * (`generateSdk`), and write them safely (`writeSdk`). It wires the phases
 * together (input reading, front end, generator, output) and returns user
 * errors as diagnostics; only bugs throw.
 */
import { basename, extname, isAbsolute, relative, resolve as resolvePathname } from "node:path";
import { readFileSync, statSync } from "node:fs";
import { codes } from "./diagnostics/codes.js";
import { error, type Diagnostic } from "./diagnostics/diagnostic.js";
import { SourceMap, UNKNOWN_SPAN } from "./diagnostics/source-map.js";
import { generate, selectWorld } from "./codegen/generate.js";
import { directCallReport, type DirectCallReport } from "./codegen/emit-direct.js";
import { decodeCanonicalOptions, type ComponentCanon } from "./wit/decoding/canonical-options.js";
import { asyncFunctionNames, hasAsyncFunctions } from "./codegen/async-functions.js";
import { jcoTranspileCommand, versionMaps } from "./codegen/jco-transpile.js";
import { diffOutput, writeOutput, type OutputDiff, type OutputFile } from "./output.js";
import { resolveFiles, resolvePath, type ResolveOptions, type ResolveResult } from "./wit/load.js";
import { interfaceIdentifier, type Resolve, type WorldId } from "./wit/model.js";
import { version } from "./version.js";
import { UNTASKED_IMPORTS_MARK } from "./jco-untasked-imports.js";

export { renderDiagnostic, renderDiagnostics, formatLocation } from "./diagnostics/render.js";
export { toJson } from "./wit/json.js";
export type { Diagnostic } from "./diagnostics/diagnostic.js";
export type { SourceMap, Span } from "./diagnostics/source-map.js";
export type { Resolve, WorldId, PackageId } from "./wit/model.js";
export type { OutputFile, OutputDiff } from "./output.js";
export type { DirectCallReport } from "./codegen/emit-direct.js";
export type { ResolveOptions, ResolveResult } from "./wit/load.js";
export { version } from "./version.js";
export { defineConfig, loadConfig } from "./config.js";
export type {
  ConfigEntry,
  WitTsConfig,
  LoadedConfig,
  LoadConfigOptions,
  LoadConfigResult,
} from "./config.js";

/** Parses and resolves a WIT file or directory (with its `deps/`). */
export function resolveWit(path: string, options: ResolveOptions = {}): ResolveResult {
  return resolvePath(path, options);
}

export interface GenerateSdkOptions extends ResolveOptions {
  /** A `.wit` file, a directory holding a WIT package, or a `.wasm` component. */
  readonly input: string;
  /** The world to generate; needed only when the input has several. */
  readonly world?: string;
  /** Wrap borrowed handler arguments in scoped disposables, revoked when the handler returns. */
  readonly autodropBorrows?: boolean;
  /** Import the runtime from this module specifier instead of copying it into the output. */
  readonly runtimeImport?: string;
  /**
   * For a `.wasm` input: call the component's core exports directly with the SDK's own canonical ABI where its
   * canonical options allow (default true); false sends every call through jco.
   */
  readonly directCalls?: boolean;
  /**
   * The folder the SDK is written to. The `@generated` header names the input relative to it, so that the same
   * input and output folder give the same bytes from any working folder (a sub-folder, a config file's folder,
   * a build plugin's project root). Without it, the input is named relative to the working folder.
   */
  readonly out?: string;
}

export interface GenerateSdkResult {
  /** The generated files, relative to the output directory; empty when there are errors. */
  readonly files: OutputFile[];
  /** `ns:pkg/world` of the generated world (it keys the output manifest). */
  readonly worldKey: string | undefined;
  readonly diagnostics: Diagnostic[];
  readonly sources: SourceMap;
  /** For a `.wasm` input: how many exported functions are called directly, and why the others are not. */
  readonly directCalls?: DirectCallReport;
  /**
   * For a WIT input whose component needs more than `jco transpile component.wasm --instantiation async`: the
   * command with a `--map` per versioned import that meets another version of its interface, and JSPI with
   * the async imports and exports named, for the CLI to print. A `.wasm` input is transpiled that way already.
   */
  readonly jcoCommand?: string;
}

/** The input path as shown in generated headers: relative as given, `/` separators. */
function displayPath(input: string): string {
  return input.split("\\").join("/");
}

/**
 * The input path as written into the `@generated` header: relative to the output folder (without one, to the
 * working folder) however it was spelled (absolute, `./`, a trailing `/`, `\\`), so that the same input gives the
 * same bytes wherever `gen` runs.
 */
function headerPath(input: string, out: string | undefined): string {
  const from = out === undefined ? process.cwd() : resolvePathname(out);
  const rel = relative(from, resolvePathname(input));
  if (isAbsolute(rel)) return basename(input); // another drive: no relative path exists
  return rel === "" ? "." : rel.split("\\").join("/");
}

/** Generates an SDK in memory. Reads the input (and, for a `.wasm`, transpiles it with jco); writes nothing. */
export async function generateSdk(options: GenerateSdkOptions): Promise<GenerateSdkResult> {
  const isComponent = extname(options.input) === ".wasm" && isFile(options.input);
  let resolved: ResolveResult;
  let bytes: Uint8Array | undefined;
  if (isComponent) {
    const { componentWitText } = await import("./component.js");
    try {
      bytes = readFileSync(options.input);
    } catch (e) {
      return failure(`failed to read component \`${options.input}\`: ${(e as Error).message}`);
    }
    let text: string;
    try {
      text = await componentWitText(bytes);
    } catch (e) {
      return failure(
        `failed to read the WIT of component \`${options.input}\`: ${(e as Error).message}`,
      );
    }
    // The component's world as a package folder, with the packages it refers to as its deps/: WASI from jco's
    // builtin WIT, the others decoded from the component's own imports and exports.
    const { componentDeps, componentPackageDeps } = await import("./component.js");
    const root = `${displayPath(options.input)}.wit`;
    const wasi = componentDeps(text, root);
    const decoded = componentPackageDeps(bytes, text, wasi.packages, root);
    if ("error" in decoded) {
      return failure(
        `failed to decode the interfaces of component \`${options.input}\`: ${decoded.error}`,
      );
    }
    const files = new Map([[`${root}/component.wit`, text], ...wasi.files, ...decoded.files]);
    resolved = resolveFiles(files, root, options);
  } else {
    resolved = resolvePath(options.input, options);
  }
  const { resolve, sources } = resolved;
  if (resolved.diagnostics.length > 0 || !resolve) {
    return { files: [], worldKey: undefined, diagnostics: resolved.diagnostics, sources };
  }
  const selected = selectWorld(resolve, resolved.packageIds, options.world);
  if (typeof selected !== "number") {
    return { files: [], worldKey: undefined, diagnostics: [selected], sources };
  }
  const worldId = selected;
  const componentName = isComponent ? basename(options.input, ".wasm") : undefined;
  let canon: ComponentCanon | undefined;
  if (bytes !== undefined && options.directCalls !== false) {
    const decoded = decodeCanonicalOptions(bytes);
    // A binary the reader cannot follow is not an error: every call then goes through jco.
    canon =
      "error" in decoded
        ? {
            exports: new Map(),
            imports: new Map(),
            lowered: [],
            instantiations: 0,
            unsupported: decoded.error,
          }
        : decoded;
  }
  const files: OutputFile[] = generate(resolve, worldId, {
    ...(canon === undefined ? {} : { canon }),
    input: headerPath(options.input, options.out),
    version: version(),
    ...(options.runtimeImport === undefined ? {} : { runtimeImport: options.runtimeImport }),
    ...(options.autodropBorrows === undefined ? {} : { autodropBorrows: options.autodropBorrows }),
    ...(componentName === undefined
      ? {}
      : { component: { entry: `component/${componentName}.js` } }),
  });
  if (bytes && componentName) {
    const { transpileComponent } = await import("./component.js");
    // `async func`s are transpiled for JSPI, each named to jco, so that the SDK never needs the lists by hand.
    const asyncNames = asyncFunctionNames(resolve, worldId);
    try {
      files.push(
        ...(await transpileComponent(bytes, {
          name: componentName,
          folder: "component",
          versionedImports: versionedImports(resolve, worldId),
          preamble: String(files.find((f) => f.path === "index.ts")!.content).split("\n", 1)[0]!,
          asyncImports: asyncNames.imports,
          asyncExports: asyncNames.exports,
        })),
      );
    } catch (e) {
      return failure(`jco failed to transpile \`${options.input}\`: ${(e as Error).message}`);
    }
  }
  const asyncNames = asyncFunctionNames(resolve, worldId);
  const maps = bytes === undefined ? versionMaps(resolve, worldId) : [];
  const jcoCommand =
    bytes === undefined && (maps.length > 0 || hasAsyncFunctions(asyncNames))
      ? jcoTranspileCommand("component.wasm", asyncNames, maps)
      : undefined;
  return {
    files,
    worldKey: worldKey(resolve, worldId),
    diagnostics: [],
    sources,
    ...(bytes === undefined
      ? {}
      : { directCalls: directCallReport(resolve, worldId, canon, untaskedImports(files)) }),
    ...(jcoCommand === undefined ? {} : { jcoCommand }),
  };

  /** Whether the transpiled entry module lets its import trampolines be called outside jco's tasks. */
  function untaskedImports(output: readonly OutputFile[]): boolean {
    const entry = output.find((f) => f.path === `component/${componentName}.js`)?.content;
    return typeof entry === "string" && entry.includes(UNTASKED_IMPORTS_MARK);
  }

  function failure(message: string): GenerateSdkResult {
    return {
      files: [],
      worldKey: undefined,
      diagnostics: [error(codes.ComponentUnreadable, message, UNKNOWN_SPAN)],
      sources: new SourceMap(),
    };
  }
}

/** Writes generated files into `outDir` (staged; only changed files; stale files of the same world removed) and returns what changed. */
export function writeSdk(outDir: string, result: GenerateSdkResult): OutputDiff {
  if (!result.worldKey) throw new Error("writeSdk: nothing to write (the generation had errors)");
  return writeOutput(outDir, result.worldKey, result.files);
}

/**
 * The SDK formatted by the prettier installed in the user's project, with the user's prettier config, as it will
 * be written to `outDir` (`gen --format`). prettier is looked for from `outDir`, then from the folders in
 * `searchFrom` (the config file's folder). When none is found or it fails, the result has no files and a
 * diagnostic saying why.
 */
export async function formatSdk(
  outDir: string,
  result: GenerateSdkResult,
  options: { readonly searchFrom?: readonly string[] } = {},
): Promise<GenerateSdkResult> {
  if (result.diagnostics.length > 0) return result;
  const { formatOutput } = await import("./format.js");
  const formatted = await formatOutput(result.files, outDir, options.searchFrom);
  if (formatted.kind === "error")
    return { ...result, files: [], worldKey: undefined, diagnostics: [formatted.diagnostic] };
  return { ...result, files: formatted.files };
}

/** What `writeSdk` would change, without writing (for `gen --check`). */
export function checkSdk(outDir: string, result: GenerateSdkResult): OutputDiff {
  if (!result.worldKey) throw new Error("checkSdk: nothing to compare (the generation had errors)");
  return diffOutput(outDir, result.worldKey, result.files);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function worldKey(resolve: Resolve, id: WorldId): string {
  const world = resolve.worlds[id]!;
  if (world.package === undefined) return world.name;
  const p = resolve.packages[world.package]!.name;
  return `${p.namespace}:${p.name}/${world.name}`;
}

/** Identifiers of the versioned interfaces a world imports (jco is told to read each from its own key). */
function versionedImports(resolve: Resolve, id: WorldId): string[] {
  const out: string[] = [];
  for (const item of resolve.worlds[id]!.imports.values()) {
    if (item.kind !== "interface") continue;
    const ident = interfaceIdentifier(resolve, item.id);
    if (ident?.includes("@")) out.push(ident);
  }
  return out.sort();
}
