/**
 * Project configuration for `wit-ts gen` without arguments and for the build
 * plugin. Consumes a working directory (or an explicit file) and produces the
 * list of SDKs to generate, each a {@link ConfigEntry}, with paths still as
 * the user wrote them (relative to the config file's folder). A config is one
 * of, searched for from the working directory up to the file-system root:
 * `wit-ts.config.ts` / `.mts` (loaded with jiti, only when present),
 * `wit-ts.config.mjs` / `.js` (imported), `wit-ts.config.json`, or a
 * `"wit-ts"` key in `package.json`. Its value is one entry or an array of
 * entries. Problems (no config, two configs in one folder, unknown keys,
 * wrong types, a missing `input`) come back as diagnostics that name the file
 * and the key; nothing here throws for a user error.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { codes, type DiagnosticCode } from "./diagnostics/codes.js";
import { error, type Diagnostic } from "./diagnostics/diagnostic.js";
import { UNKNOWN_SPAN } from "./diagnostics/source-map.js";

/** One SDK to generate: the options of `wit-ts gen <input> -o <out> ...` as data. */
export interface ConfigEntry {
  /** A `.wit` file, a folder holding a WIT package (with `deps/`), or a `.wasm` component. */
  readonly input: string;
  /** Output folder for the generated `.ts` files. */
  readonly out: string;
  /** The world to generate; needed only when the input has several. */
  readonly world?: string;
  /** `@unstable` features to enable. */
  readonly features?: readonly string[];
  /** Enable every `@unstable` feature. */
  readonly allFeatures?: boolean;
  /** Hand import handlers scoped `Borrowed<T>` views (see `--autodrop-borrows`). */
  readonly autodropBorrows?: boolean;
  /** Import the SDK runtime from this module instead of copying it into the output. */
  readonly runtimeImport?: string;
  /** For a `.wasm` input: call core exports directly with the SDK's own canonical ABI (default true). */
  readonly directCalls?: boolean;
  /** Format the output with the prettier installed in the project and its prettier config (see `--format`). */
  readonly format?: boolean;
}

/** What a config file holds: one entry, or several. */
export type WitTsConfig = ConfigEntry | readonly ConfigEntry[];

/**
 * Returns its argument: it exists so that a `wit-ts.config.ts` or `.mjs` gets
 * type checking and completion (`export default defineConfig({ ... })`).
 */
export function defineConfig(config: WitTsConfig): WitTsConfig {
  return config;
}

/** A config as loaded: where it was found and its entries. */
export interface LoadedConfig {
  /** Absolute path of the file the config came from (a `package.json` for the `"wit-ts"` key). */
  readonly path: string;
  /** Its folder: the relative paths in the entries are relative to it. */
  readonly dir: string;
  readonly entries: readonly ConfigEntry[];
}

export interface LoadConfigResult {
  /** Undefined exactly when there are diagnostics. */
  readonly config: LoadedConfig | undefined;
  readonly diagnostics: Diagnostic[];
}

export interface LoadConfigOptions {
  /** Where the search starts; default `process.cwd()`. Also the base for showing file names. */
  readonly cwd?: string;
  /** Load this file instead of searching (any of the supported names or a `package.json`). */
  readonly file?: string;
}

/** How a config file is read. */
type ConfigFormat = "module" | "typescript" | "json" | "package-json";

/** The file names searched in each folder, in order of preference; two in one folder is an error. */
const CONFIG_FILES: readonly (readonly [string, ConfigFormat])[] = [
  ["wit-ts.config.ts", "typescript"],
  ["wit-ts.config.mts", "typescript"],
  ["wit-ts.config.mjs", "module"],
  ["wit-ts.config.js", "module"],
  ["wit-ts.config.json", "json"],
];

const PACKAGE_KEY = "wit-ts";

/** The keys an entry may have, with the type each must be. */
const ENTRY_KEYS = {
  input: "string",
  out: "string",
  world: "string",
  features: "string[]",
  allFeatures: "boolean",
  autodropBorrows: "boolean",
  runtimeImport: "string",
  directCalls: "boolean",
  format: "boolean",
} as const satisfies Record<keyof ConfigEntry, "string" | "boolean" | "string[]">;

const REQUIRED_KEYS = ["input", "out"] as const;

/** Finds and loads the config; see the file header. */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadConfigResult> {
  const cwd = resolve(options.cwd ?? process.cwd());
  let found: { path: string; format: ConfigFormat } | undefined;
  if (options.file !== undefined) {
    const path = resolve(cwd, options.file);
    if (!existsSync(path))
      return failed(codes.ConfigNotFound, `config file \`${options.file}\` does not exist`);
    found = { path, format: formatOf(path) };
  } else {
    const search = findConfig(cwd);
    if (search.kind === "error") return { config: undefined, diagnostics: [search.diagnostic] };
    if (search.kind === "none") {
      return failed(
        codes.ConfigNotFound,
        `no wit-ts config found in \`${cwd}\` or any folder above it`,
        "give an input (`wit-ts gen <input> -o <dir>`) or create wit-ts.config.json, e.g.\n" +
          '  { "input": "wit", "out": "src/sdk" }',
      );
    }
    found = search;
  }
  const shown = displayName(found.path, cwd);
  const value = await readConfigValue(found.path, found.format, shown);
  if (value.kind === "error") return { config: undefined, diagnostics: [value.diagnostic] };
  const checked = validateConfig(
    value.value,
    found.format === "package-json" ? `${shown} (key "${PACKAGE_KEY}")` : shown,
  );
  if (checked.diagnostics.length > 0)
    return { config: undefined, diagnostics: checked.diagnostics };
  return {
    config: { path: found.path, dir: dirname(found.path), entries: checked.entries },
    diagnostics: [],
  };
}

type FindResult =
  | { readonly kind: "found"; readonly path: string; readonly format: ConfigFormat }
  | { readonly kind: "none" }
  | { readonly kind: "error"; readonly diagnostic: Diagnostic };

/**
 * The nearest folder at or above `cwd` holding a config file (or a
 * package.json with a `"wit-ts"` key), like prettier and eslint search.
 */
export function findConfig(cwd: string): FindResult {
  let dir = resolve(cwd);
  for (;;) {
    const present = CONFIG_FILES.filter(([name]) => existsSync(join(dir, name)));
    if (present.length > 1) {
      const names = present.map(([n]) => `\`${n}\``).join(", ");
      return {
        kind: "error",
        diagnostic: error(
          codes.ConfigInvalid,
          `several wit-ts configs in \`${dir}\`: ${names}`,
          UNKNOWN_SPAN,
          {
            hint: "keep one of them",
          },
        ),
      };
    }
    if (present.length === 1)
      return { kind: "found", path: join(dir, present[0]![0]), format: present[0]![1] };
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && packageHasKey(pkg))
      return { kind: "found", path: pkg, format: "package-json" };
    const parent = dirname(dir);
    if (parent === dir) return { kind: "none" };
    dir = parent;
  }
}

/** True when a package.json has a `"wit-ts"` key; an unreadable one has none (it is not ours to judge). */
function packageHasKey(path: string): boolean {
  try {
    const pkg = JSON.parse(readFileSync(path, "utf8")) as unknown;
    return isPlainObject(pkg) && Object.hasOwn(pkg, PACKAGE_KEY);
  } catch {
    return false;
  }
}

function formatOf(path: string): ConfigFormat {
  const base = path.split(/[\\/]/).pop() ?? path;
  if (base === "package.json") return "package-json";
  if (base.endsWith(".json")) return "json";
  if (base.endsWith(".ts") || base.endsWith(".mts") || base.endsWith(".cts")) return "typescript";
  return "module";
}

type ReadResult =
  | { readonly kind: "ok"; readonly value: unknown }
  | { readonly kind: "error"; readonly diagnostic: Diagnostic };

async function readConfigValue(
  path: string,
  format: ConfigFormat,
  shown: string,
): Promise<ReadResult> {
  const bad = (message: string): ReadResult => ({
    kind: "error",
    diagnostic: error(codes.ConfigInvalid, message, UNKNOWN_SPAN),
  });
  switch (format) {
    case "json":
    case "package-json": {
      let text: string;
      try {
        text = readFileSync(path, "utf8");
      } catch (e) {
        return bad(`cannot read config \`${shown}\`: ${(e as Error).message}`);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        return bad(`config \`${shown}\` is not valid JSON: ${(e as Error).message}`);
      }
      if (format === "json") return { kind: "ok", value: parsed };
      if (!isPlainObject(parsed) || !Object.hasOwn(parsed, PACKAGE_KEY)) {
        return bad(`\`${shown}\` has no "${PACKAGE_KEY}" key`);
      }
      return { kind: "ok", value: parsed[PACKAGE_KEY] };
    }
    case "module":
    case "typescript": {
      let mod: unknown;
      try {
        if (format === "typescript") {
          // jiti is loaded only here: a JSON or .mjs config never pays for the TypeScript loader.
          const { createJiti } = await import("jiti");
          const jiti = createJiti(import.meta.url, { moduleCache: false, fsCache: false });
          mod = await jiti.import(path);
        } else {
          mod = await import(pathToFileURL(path).href);
        }
      } catch (e) {
        // The user's code threw or did not compile: show its message, not our stack.
        const message = e instanceof Error ? e.message : String(e);
        return bad(`cannot load config \`${shown}\`: ${message}`);
      }
      if (!isPlainObject(mod) || !Object.hasOwn(mod, "default")) {
        return bad(
          `config \`${shown}\` has no default export (write \`export default defineConfig({ ... })\`)`,
        );
      }
      return { kind: "ok", value: mod["default"] };
    }
    default:
      return assertNever(format);
  }
}

export interface ValidateConfigResult {
  readonly entries: ConfigEntry[];
  readonly diagnostics: Diagnostic[];
}

/**
 * Checks a config value (one entry or an array of them) and returns the
 * entries, or one diagnostic per problem: each names `source` (a file name,
 * or "witTs() options" for the plugin) and the key, as `[1].world`.
 */
export function validateConfig(value: unknown, source: string): ValidateConfigResult {
  const diagnostics: Diagnostic[] = [];
  const problem = (key: string, message: string, hint?: string): void => {
    const where = key === "" ? "" : `\`${key}\` `;
    diagnostics.push(
      error(
        codes.ConfigInvalid,
        `invalid config in ${source}: ${where}${message}`,
        UNKNOWN_SPAN,
        hint ? { hint } : {},
      ),
    );
  };
  const list: readonly unknown[] | undefined = Array.isArray(value)
    ? value
    : isPlainObject(value)
      ? [value]
      : undefined;
  if (list === undefined) {
    problem("", `must be an entry object or an array of them, found ${describe(value)}`);
    return { entries: [], diagnostics };
  }
  if (list.length === 0) {
    problem("", "lists no entries");
    return { entries: [], diagnostics };
  }
  const entries: ConfigEntry[] = [];
  list.forEach((item, index) => {
    const prefix = Array.isArray(value) ? `[${index}]` : "";
    const keyPath = (key: string) => (prefix === "" ? key : `${prefix}.${key}`);
    if (!isPlainObject(item)) {
      problem(prefix, `must be an object, found ${describe(item)}`);
      return;
    }
    const before = diagnostics.length;
    for (const key of Object.keys(item)) {
      if (!Object.hasOwn(ENTRY_KEYS, key)) {
        const near = closest(key, Object.keys(ENTRY_KEYS));
        problem(
          keyPath(key),
          "is not a known key",
          near ? `did you mean \`${near}\`?` : `known keys: ${Object.keys(ENTRY_KEYS).join(", ")}`,
        );
        continue;
      }
      const want = ENTRY_KEYS[key as keyof typeof ENTRY_KEYS];
      const got = item[key];
      if (got === undefined) continue;
      switch (want) {
        case "string":
          if (typeof got !== "string")
            problem(keyPath(key), `must be a string, found ${describe(got)}`);
          else if (got.length === 0) problem(keyPath(key), "must not be empty");
          break;
        case "boolean":
          if (typeof got !== "boolean")
            problem(keyPath(key), `must be true or false, found ${describe(got)}`);
          break;
        case "string[]":
          if (!Array.isArray(got) || got.some((f) => typeof f !== "string")) {
            problem(keyPath(key), `must be an array of strings, found ${describe(got)}`);
          }
          break;
        default:
          assertNever(want);
      }
    }
    for (const key of REQUIRED_KEYS) {
      if (item[key] === undefined)
        problem(
          keyPath(key),
          "is missing",
          key === "input"
            ? "it names a .wit file, a WIT folder or a .wasm component"
            : "it names the output folder",
        );
    }
    if (diagnostics.length === before) entries.push(item as unknown as ConfigEntry);
  });
  return { entries: diagnostics.length === 0 ? entries : [], diagnostics };
}

function failed(code: DiagnosticCode, message: string, hint?: string): LoadConfigResult {
  return {
    config: undefined,
    diagnostics: [error(code, message, UNKNOWN_SPAN, hint ? { hint } : {})],
  };
}

/** A path as the user thinks of it: relative to the working folder when inside it. */
function displayName(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel.split("\\").join("/") : path;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  switch (typeof v) {
    case "string":
      return `the string ${JSON.stringify(v)}`;
    case "number":
    case "bigint":
      return `the number ${String(v)}`;
    case "boolean":
      return String(v);
    case "object":
      return "an object";
    case "undefined":
      return "nothing";
    case "function":
      return "a function";
    case "symbol":
      return "a symbol";
    default:
      return assertNever(typeof v as never);
  }
}

/** The known key nearest to a misspelt one (edit distance at most 2, or the same letters in another case). */
function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = k.toLowerCase() === key.toLowerCase() ? 0 : editDistance(k, key);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        prev[j]! + 1,
        row[j - 1]! + 1,
        prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = row;
  }
  return prev[b.length]!;
}

function assertNever(x: never): never {
  throw new Error(`internal: unexpected ${String(x)}`);
}
