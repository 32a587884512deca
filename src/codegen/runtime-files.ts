/**
 * Code generation, runtime files: the SDK runtime (`templates/runtime`, the files `runtime-symbols.ts` lists) as output
 * files, and the module specifiers generated code imports runtime symbols from. Consumes the runtime's
 * sources, read once per process from the package's `templates/runtime/` (shipped in the npm package), and produces `runtime/*.ts` files with the SDK's preamble. With
 * `--runtime-import` the SDK imports a shared copy instead and no files are produced.
 */
import { readFileSync } from "node:fs";
import { posix } from "node:path";
import { runtimeFiles, runtimeSymbol, type RuntimeSymbolName } from "./runtime-symbols.js";
import { packageFile } from "../package-root.js";
import { createImportSymbol, type ImportSymbol } from "./printer/index.js";

let sources: ReadonlyMap<string, string> | undefined;

/** The runtime's sources by file name, read on first use. */
function runtimeSources(): ReadonlyMap<string, string> {
  if (sources === undefined) {
    const read = new Map<string, string>();
    const runtimeDir = packageFile("templates/runtime/");
    for (const file of runtimeFiles)
      read.set(file, readFileSync(new URL(file, runtimeDir), "utf8"));
    sources = read;
  }
  return sources;
}

/** `runtime/<file>` for every runtime file, each after `preamble` (the SDK's `@generated` line). */
export function runtimeOutputFiles(preamble: string): { path: string; content: string }[] {
  return [...runtimeSources()].map(([file, text]) => ({
    path: `runtime/${file}`,
    content: `${preamble}\n/* eslint-disable */\n\n${text}`,
  }));
}

/** Makes import symbols for runtime names, as seen from one generated file. */
export interface RuntimeImports {
  /** A runtime value (function, constant, class). */
  value(name: RuntimeSymbolName): ImportSymbol;
  /** A runtime type, imported with `import type`. */
  type(name: RuntimeSymbolName): ImportSymbol;
}

/**
 * Runtime symbols for the file at `fromPath` (relative to the output root): from `runtime/<file>.js`
 * beside it, or all from `runtimeImport` when given.
 */
export function createRuntimeImports(
  fromPath: string,
  runtimeImport: string | undefined,
): RuntimeImports {
  // Every file of a directory imports the runtime by the same specifiers, so
  // they share one set of symbols (hundreds of files share a directory).
  const dir = posix.dirname(fromPath);
  const key = `${runtimeImport ?? ""}\u0000${dir}`;
  let imports = sharedImports.get(key);
  if (imports === undefined) {
    imports = runtimeImportsFrom(dir, runtimeImport);
    sharedImports.set(key, imports);
  }
  return imports;
}

const sharedImports = new Map<string, RuntimeImports>();

function runtimeImportsFrom(dir: string, runtimeImport: string | undefined): RuntimeImports {
  const values = new Map<string, ImportSymbol>();
  const types = new Map<string, ImportSymbol>();
  const specifier = (file: string): string => {
    if (runtimeImport !== undefined) return runtimeImport;
    const target = `runtime/${file.replace(/\.ts$/, ".js")}`;
    const relative = posix.relative(dir, target);
    return relative.startsWith(".") ? relative : `./${relative}`;
  };
  const make = (name: RuntimeSymbolName, typeOnly: boolean): ImportSymbol => {
    const cache = typeOnly ? types : values;
    let symbol = cache.get(name);
    if (symbol === undefined) {
      const entry = runtimeSymbol(name);
      if (!typeOnly && entry.kind === "type")
        throw new Error(`runtime symbol \`${name}\` is a type, not a value`);
      symbol = createImportSymbol(name, specifier(entry.file), {
        typeOnly: typeOnly || entry.kind === "type",
      });
      cache.set(name, symbol);
    }
    return symbol;
  };
  return {
    value: (name) => make(name, false),
    type: (name) => make(name, true),
  };
}
