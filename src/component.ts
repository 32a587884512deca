/**
 * Component binaries as input to `wit-ts gen`. Consumes the bytes of a
 * `.wasm` component and produces (a) its WIT text, decoded by jco's
 * `componentWit`, for the front end, with the packages that world refers to
 * (WASI from jco's builtin WIT, the others decoded from the binary by
 * wit/decoding/component-packages.ts) as `deps/`, and (b) jco's instantiation-mode
 * transpilation of it, as output files placed under `component/` beside the
 * SDK so that the SDK is ready to run. jco is loaded lazily, only here, so
 * that `gen world.wit` never pays for it; it is an optional peer dependency.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { OutputFile } from "./output.js";
import { decodeComponentPackages } from "./wit/decoding/component-packages.js";
import { jcoAsyncOptions } from "./codegen/async-functions.js";
import { fixJcoOutput } from "./jco-output-fixes.js";
import { addTaskHooks } from "./jco-task-hooks.js";
import { endUntaskedImportTasks } from "./jco-untasked-imports.js";

interface JcoApi {
  componentWit(bytes: Uint8Array, document?: string): string;
  transpile(
    bytes: Uint8Array,
    options: Record<string, unknown>,
  ): Promise<{
    files: Record<string, Uint8Array | string>;
    imports: string[];
    exports: [string, string][];
  }>;
}

class MissingJcoError extends Error {
  constructor(cause: unknown) {
    super(
      "reading a component binary needs @bytecodealliance/jco; install it next to wit-ts: npm install -D @bytecodealliance/jco",
      { cause },
    );
    this.name = "MissingJcoError";
  }
}

let jco: Promise<JcoApi> | undefined;

async function loadJco(): Promise<JcoApi> {
  jco ??= import("@bytecodealliance/jco").then(
    (m) => m as unknown as JcoApi,
    (e: unknown) => {
      jco = undefined;
      throw new MissingJcoError(e);
    },
  );
  return jco;
}

/**
 * Decodes the WIT of a component binary. jco prints only the component's own world (`package root:component;`),
 * which refers to the packages it imports without defining them.
 */
export async function componentWitText(bytes: Uint8Array): Promise<string> {
  const api = await loadJco();
  return api.componentWit(bytes);
}

/**
 * The WASI packages a component's world refers to, taken from the WASI WIT that jco ships
 * (`lib/wit/builtin/<version>/wasi-<name>`, package `wasi:<name>@<version>`), as a `deps/` folder under `root`,
 * with the ids of the packages supplied. Whole packages, with their docs, where {@link componentPackageDeps}
 * could give only the part the component uses.
 */
export function componentDeps(
  witText: string,
  root: string,
): { files: Map<string, string>; packages: Set<string> } {
  const files = new Map<string, string>();
  const packages = new Set<string>();
  const builtin = jcoBuiltinWitDir();
  if (!builtin) return { files, packages };
  const versions = new Set<string>();
  for (const m of witText.matchAll(/\bwasi:[a-z0-9-]+\/[a-z0-9-]+@([0-9A-Za-z.+-]+)/g))
    versions.add(m[1]!);
  for (const version of [...versions].sort()) {
    const dir = join(builtin, version);
    if (!existsSync(dir)) continue;
    for (const pkg of readdirSync(dir).sort()) {
      const file = join(dir, pkg, "package.wit");
      if (!existsSync(file)) continue;
      files.set(`${root}/deps/${version}-${pkg}/package.wit`, readFileSync(file, "utf8"));
      packages.add(`${pkg.replace(/^wasi-/, "wasi:")}@${version}`);
    }
  }
  return { files, packages };
}

/**
 * The other packages a component's world refers to (any namespace, and WASI versions jco does not ship),
 * decoded from the component's binary by wit/decoding/component-packages.ts, as `deps/<ns>_<pkg>[@<version>]/package.wit`
 * files under `root` (`_` cannot occur in a WIT name, so no two packages share a folder). `supplied` holds the
 * ids (`ns:pkg@version`) of the packages already found (by {@link componentDeps}); they are not decoded again. Nothing is decoded
 * when the world names no other package, so a component that needs only WASI never depends on this decoder.
 */
export function componentPackageDeps(
  bytes: Uint8Array,
  witText: string,
  supplied: ReadonlySet<string>,
  root: string,
): { files: Map<string, string> } | { error: string } {
  const have = supplied;
  const files = new Map<string, string>();
  const named = referencedPackages(witText);
  if (![...named].some((id) => !have.has(id) && id.split("@")[0] !== "root:component"))
    return { files };
  const decoded = decodeComponentPackages(bytes, { skip: (id) => have.has(id) });
  if ("error" in decoded) return decoded;
  for (const [id, text] of decoded.packages) {
    files.set(`${root}/deps/${id.replace(":", "_")}/package.wit`, text);
  }
  return { files };
}

function packageId(namespace: string, name: string, version: string | undefined): string {
  return `${namespace}:${name}${version === undefined ? "" : `@${version}`}`;
}

/** The packages `ns:pkg/iface@v` paths in a WIT text name (a superset is harmless: it only decides whether to decode). */
function referencedPackages(witText: string): Set<string> {
  const out = new Set<string>();
  const path =
    /(?<![A-Za-z0-9%-])%?([A-Za-z][A-Za-z0-9-]*):%?([A-Za-z][A-Za-z0-9-]*)\/%?[A-Za-z][A-Za-z0-9-]*(?:@([0-9A-Za-z.+-]+))?/g;
  for (const m of witText.matchAll(path)) {
    // `use a:b/c@1.0.0.{t}`: the `.` before `{` is not part of the version.
    out.add(packageId(m[1]!, m[2]!, m[3]?.replace(/\.+$/, "")));
  }
  return out;
}

/** The version of the jco that transpiles (its `package.json`, found through its main module). */
export function installedJcoVersion(): string {
  const main = fileURLToPath(import.meta.resolve("@bytecodealliance/jco"));
  for (let dir = dirname(main); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
    if (pkg.name === "@bytecodealliance/jco") return pkg.version ?? "unknown";
  }
  return "unknown";
}

function jcoBuiltinWitDir(): string | undefined {
  try {
    // jco's package exports do not include package.json: locate it through its main module.
    const main = fileURLToPath(import.meta.resolve("@bytecodealliance/jco"));
    const dir = join(dirname(main), "..", "lib", "wit", "builtin");
    return existsSync(dir) ? dir : undefined;
  } catch {
    return undefined;
  }
}

export interface TranspileRequest {
  /** Base name of jco's entry module (`<name>.js`). */
  readonly name: string;
  /** Folder inside the output directory (`component`). */
  readonly folder: string;
  /**
   * Versioned interface imports (`ns:pkg/iface@1.2.3`): jco is told to read each from its own versioned key, so
   * that two versions of one interface stay two host implementations (jco alone merges them into one).
   */
  readonly versionedImports: readonly string[];
  /** The world's `async func`s: jco then transpiles for JSPI (`jcoAsyncOptions` says with which lists). */
  readonly asyncImports?: readonly string[];
  readonly asyncExports?: readonly string[];
  /** The SDK's `@generated` line, for the declaration file written beside jco's module. */
  readonly preamble: string;
}

/**
 * The declaration of jco's entry module, written by wit-ts instead of jco: jco's own `.d.ts` can fail to parse
 * (a world-level resource import becomes an `export class` inside an interface, a keyword-named function
 * `function _import`) or assume the DOM's `WebAssembly` namespace, and an app's `tsc` reads it whatever its
 * `skipLibCheck`. The SDK uses nothing of the module but `instantiate`, whose shape does not depend on the world.
 */
export function componentDeclaration(preamble: string): string {
  return [
    preamble,
    "/* eslint-disable */",
    "",
    "/**",
    " * Instantiates the component (jco's instantiation mode). The SDK's `instantiate` calls it; apps need not.",
    " */",
    "export declare function instantiate(",
    "  getCoreModule: ((path: string) => unknown) | undefined,",
    "  imports: object,",
    "  instantiateCore?: (module: unknown, imports: unknown) => unknown,",
    "): unknown;",
    "",
  ].join("\n");
}

/** jco's instantiation-mode output for a component, as files relative to the SDK's output directory. */
export async function transpileComponent(
  bytes: Uint8Array,
  request: TranspileRequest,
): Promise<OutputFile[]> {
  const api = await loadJco();
  const map: Record<string, string> = {};
  for (const id of request.versionedImports) map[id] = id;
  const asyncOptions = jcoAsyncOptions({
    imports: request.asyncImports ?? [],
    exports: request.asyncExports ?? [],
  });
  const jspi =
    asyncOptions === undefined
      ? {}
      : { asyncMode: asyncOptions.asyncMode, asyncExports: [...asyncOptions.asyncExports] };
  const result = await api.transpile(bytes, {
    name: request.name,
    instantiation: "async",
    map,
    // wit-ts declares the module itself (componentDeclaration): jco's declarations do not always compile.
    noTypescript: true,
    quiet: true,
    ...jspi,
  });
  const files: OutputFile[] = [];
  for (const name of Object.keys(result.files).sort()) {
    if (name.endsWith(".d.ts")) continue; // jco's API writes declarations whatever `noTypescript` says
    const data = result.files[name]!;
    // jco hands back bytes for every file; JS and .d.ts are UTF-8 text, core modules stay bytes.
    let content: string | Uint8Array = name.endsWith(".wasm")
      ? new Uint8Array(data as Uint8Array)
      : Buffer.from(data).toString("utf8");
    // The entry module, with jco's async bugs of its version fixed, reports its async tasks to the SDK
    // (runtime/tasks.ts) and lets directly called guests call its import trampolines.
    if (name === `${request.name}.js` && typeof content === "string")
      content = addTaskHooks(
        endUntaskedImportTasks(fixJcoOutput(content, installedJcoVersion())).js,
      );
    files.push({ path: `${request.folder}/${name.split("\\").join("/")}`, content });
  }
  files.push({
    path: `${request.folder}/${request.name}.d.ts`,
    content: componentDeclaration(request.preamble),
  });
  return files;
}
