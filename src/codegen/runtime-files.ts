/**
 * Code generation, runtime files: the SDK runtime (`templates/runtime`, the files `runtime-symbols.ts` lists) as
 * output files, and the module specifier generated code imports runtime symbols from. Consumes the runtime's
 * sources, read on first use from the package's `templates/runtime/` (shipped in the npm package), and the
 * runtime symbols one generation's files ask for; produces the `runtime/*.ts` files that SDK can reach (the files
 * its code imports, what they import, and the isolation worker they start), each after the SDK's preamble, and
 * a `runtime/index.ts` of its own that re-exports exactly those. Generated files import every runtime symbol from
 * that index, one import per file, as they do from the shared copy `--runtime-import` names (then no runtime
 * files are produced).
 */
import { readFileSync } from "node:fs";
import { posix } from "node:path";
import {
  runtimeFileNeeds,
  runtimeSymbol,
  runtimeSymbols,
  typeOnlyRuntimeFiles,
  type RuntimeFile,
  type RuntimeSymbolName,
} from "./runtime-symbols.js";
import { packageFile } from "../package-root.js";
import { createImportSymbol, type ImportSymbol } from "./printer/index.js";

type StampedFile = Exclude<RuntimeFile, "index.ts">;

const sources = new Map<StampedFile, string>();

/** A runtime file's source, read on first use. */
function runtimeSource(file: StampedFile): string {
  let text = sources.get(file);
  if (text === undefined) {
    text = readFileSync(new URL(file, packageFile("templates/runtime/")), "utf8");
    sources.set(file, text);
  }
  return text;
}

/** Makes import symbols for runtime names, as seen from one generated file. */
export interface RuntimeImports {
  /** A runtime value (function, constant, class). */
  value(name: RuntimeSymbolName): ImportSymbol;
  /** A runtime type, imported with `import type`. */
  type(name: RuntimeSymbolName): ImportSymbol;
}

/** The runtime of one generation: the imports its files make, and the runtime files they need. */
export interface SdkRuntime {
  /** Runtime symbols for the file at `fromPath` (relative to the output root). */
  importsFor(fromPath: string): RuntimeImports;
  /**
   * `runtime/<file>` for every runtime file the SDK can reach from the symbols its files asked for, and its
   * `runtime/index.ts`; each after `preamble` (the SDK's `@generated` line). None with `--runtime-import`.
   * Call once every file is printed.
   */
  outputFiles(preamble: string): { path: string; content: string }[];
}

/**
 * The runtime of one generation: symbols from `runtime/index.js` beside the output root, or all from
 * `runtimeImport` when given.
 */
export function createSdkRuntime(runtimeImport: string | undefined): SdkRuntime {
  const used = new Set<StampedFile>();
  // Every file of a directory imports the runtime by the same specifier, so they share one set of symbols
  // (hundreds of files share a directory); a symbol is made once per directory, which is when its file is noted.
  const byDir = new Map<string, RuntimeImports>();
  const importsFrom = (dir: string): RuntimeImports => {
    let specifier = runtimeImport;
    if (specifier === undefined) {
      const relative = posix.relative(dir, "runtime/index.js");
      specifier = relative.startsWith(".") ? relative : `./${relative}`;
    }
    return new DirectoryImports(specifier, used);
  };
  return {
    importsFor(fromPath) {
      const dir = posix.dirname(fromPath);
      let imports = byDir.get(dir);
      if (imports === undefined) byDir.set(dir, (imports = importsFrom(dir)));
      return imports;
    },
    outputFiles(preamble) {
      if (runtimeImport !== undefined) return [];
      const files = reachableFiles(used);
      const head = `${preamble}\n/* eslint-disable */\n\n`;
      return [
        ...files.map((file) => ({ path: `runtime/${file}`, content: head + runtimeSource(file) })),
        { path: "runtime/index.ts", content: head + runtimeIndex(files) },
      ];
    },
  };
}

/** `files` and everything they need, in the order of `runtimeFileNeeds`. */
function reachableFiles(files: Iterable<StampedFile>): StampedFile[] {
  const reached = new Set<StampedFile>();
  const visit = (file: StampedFile): void => {
    if (reached.has(file)) return;
    reached.add(file);
    for (const need of runtimeFileNeeds[file]) if (need !== "index.ts") visit(need);
  };
  for (const file of files) visit(file);
  return (Object.keys(runtimeFileNeeds) as StampedFile[]).filter((file) => reached.has(file));
}

/** The runtime files generated code may import from (the others only serve their siblings). */
const importedFiles: ReadonlySet<RuntimeFile> = new Set(
  runtimeSymbols.map((symbol) => symbol.file),
);

/** The SDK's `runtime/index.ts`: what generated code imports, re-exported from the files the SDK has. */
function runtimeIndex(files: readonly StampedFile[]): string {
  let text =
    "/**\n" +
    " * Runtime, entry point of this SDK: re-exports what its generated code imports from the runtime files\n" +
    " * it has. Written by wit-ts for this SDK; the files beside it are copied as they are.\n" +
    " */\n\n";
  for (const file of files) {
    if (!importedFiles.has(file)) continue;
    const keyword = typeOnlyRuntimeFiles.has(file) ? "export type *" : "export *";
    text += `${keyword} from "./${file.replace(/\.ts$/, ".js")}";\n`;
  }
  return text;
}

/**
 * The runtime symbols of the files of one directory, made once each. A class, not an object of closures per
 * directory: the emitters call `value` and `type` from every line, and one prototype method is one call target.
 */
class DirectoryImports implements RuntimeImports {
  private readonly values = new Map<string, ImportSymbol>();
  private readonly types = new Map<string, ImportSymbol>();

  /** `from` is the runtime's module specifier from the directory; `used` collects the runtime files asked for. */
  constructor(
    private readonly from: string,
    private readonly used: Set<StampedFile>,
  ) {}

  value(name: RuntimeSymbolName): ImportSymbol {
    return this.values.get(name) ?? this.make(name, false);
  }

  type(name: RuntimeSymbolName): ImportSymbol {
    return this.types.get(name) ?? this.make(name, true);
  }

  private make(name: RuntimeSymbolName, typeOnly: boolean): ImportSymbol {
    const entry = runtimeSymbol(name);
    if (!typeOnly && entry.kind === "type")
      throw new Error(`runtime symbol \`${name}\` is a type, not a value`);
    if (entry.file !== "index.ts") this.used.add(entry.file);
    const symbol = createImportSymbol(name, this.from, {
      typeOnly: typeOnly || entry.kind === "type",
    });
    (typeOnly ? this.types : this.values).set(name, symbol);
    return symbol;
  }
}
