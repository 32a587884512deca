/**
 * The import block of a generated file. Consumes the symbols a file printed, noted as they are printed, and the
 * names the file declares; produces each import's local name (an alias where it collides) and the sorted
 * `import` declarations: one per module, `import type` when every use is in type position, inline `type`
 * modifiers when uses are mixed (see `symbols.ts` for the rule).
 */
import { posix } from "node:path";
import { stringLiteral } from "../names.js";
import { WIDTH } from "./print-line.js";
import type { SymbolRef } from "./symbols.js";

/** One imported name of one module, as collected from the printed body. */
interface ImportUse {
  readonly from: string;
  readonly name: string;
  valueUse: boolean;
  /** The name it was printed as: chosen when it was first printed, from what was known then. */
  readonly printed: string;
  /** The name it is bound to in the file, chosen when every import and local name is known. */
  local: string;
}

/** The local name of each import, by module and then by name: what a finished file settled on. */
export type ImportNames = ReadonlyMap<string, ReadonlyMap<string, string>>;

/**
 * What a file's lines use, noted as they are printed. A symbol is printed as soon as its line is, so its name
 * is chosen when it is first printed, from the names known then; {@link settle} says whether every choice held
 * once all names are known, and if not, the names a second printing of the same lines must use.
 */
export class SymbolUses {
  /** Names the file declares: reserved, printed local symbols, imports of the file itself. */
  readonly locals = new Set<string>();
  /** Imported names, by module and then by name. */
  private readonly imports = new Map<string, Map<string, ImportUse>>();
  /** Names imports were printed as so far. */
  private readonly importNames = new Set<string>();
  /** Each symbol's name in the file: symbols are made once and printed often. */
  private readonly names = new Map<SymbolRef, string>();
  /** Whether a module specifier names the file itself, memoized per specifier. */
  private readonly selfByFrom = new Map<string, boolean>();
  /** The imports in their sorted order, as {@link settle} sorted them (none is noted after it). */
  private order: ImportUse[] | undefined;
  private readonly selfPath: string;
  private readonly dir: string;

  /**
   * `path` is the file's own path, to recognize imports of itself; `settled` are the names a first printing of
   * the same lines settled on (see {@link settle}), which imports are then printed as from the start.
   */
  constructor(
    path: string,
    private readonly settled?: ImportNames,
  ) {
    this.selfPath = stripExtension(posix.normalize(path));
    this.dir = posix.dirname(path);
  }

  /** Notes a use of `symbol` and returns the name it is printed as. */
  nameOf(symbol: SymbolRef): string {
    const known = this.names.get(symbol);
    // A symbol's uses are all of one kind (its `typeOnly`), so its first use says all.
    if (known !== undefined) return known;
    const name = this.note(symbol);
    this.names.set(symbol, name);
    return name;
  }

  private note(symbol: SymbolRef): string {
    if (symbol.kind === "local" || this.isSelf(symbol.from)) {
      this.locals.add(symbol.name);
      return symbol.name;
    }
    let byName = this.imports.get(symbol.from);
    if (byName === undefined) {
      byName = new Map();
      this.imports.set(symbol.from, byName);
    }
    let use = byName.get(symbol.name);
    if (use === undefined) {
      const printed =
        this.settled?.get(symbol.from)?.get(symbol.name) ?? this.freeName(symbol.name);
      this.importNames.add(printed);
      use = {
        from: symbol.from,
        name: symbol.name,
        valueUse: !symbol.typeOnly,
        printed,
        local: printed,
      };
      byName.set(symbol.name, use);
    } else if (!symbol.typeOnly) {
      use.valueUse = true;
    }
    return use.printed;
  }

  /** `name`, or the smallest free `name2`, `name3`, ... given what is known so far. */
  private freeName(name: string): string {
    if (!this.taken(name)) return name;
    let n = 2;
    while (this.taken(`${name}${n}`)) n++;
    return `${name}${n}`;
  }

  private taken(name: string): boolean {
    return this.locals.has(name) || this.importNames.has(name);
  }

  /**
   * Chooses every import's local name now that all are known (the rule in {@link assignImportNames}). Returns
   * undefined when every import was printed under that name, and otherwise the names to print the file again
   * with. Call once, after the body is printed.
   */
  settle(): ImportNames | undefined {
    const uses = (this.order = this.sorted());
    assignImportNames(uses, this.locals);
    if (uses.every((use) => use.local === use.printed)) return undefined;
    const names = new Map<string, Map<string, string>>();
    for (const use of uses) {
      let byName = names.get(use.from);
      if (byName === undefined) names.set(use.from, (byName = new Map()));
      byName.set(use.name, use.local);
    }
    return names;
  }

  /** The import declarations, after {@link settle}. */
  render(): string[] {
    return renderImports(this.order ?? this.sorted());
  }

  private sorted(): ImportUse[] {
    const sorted: ImportUse[] = [];
    for (const byName of this.imports.values()) {
      for (const use of byName.values()) sorted.push(use);
    }
    return sorted.sort((a, b) => compare(a.from, b.from) || compare(a.name, b.name));
  }

  private isSelf(from: string): boolean {
    let self = this.selfByFrom.get(from);
    if (self === undefined) {
      self =
        (from.startsWith("./") || from.startsWith("../")) &&
        stripExtension(posix.join(this.dir, from)) === this.selfPath;
      this.selfByFrom.set(from, self);
    }
    return self;
  }
}

function stripExtension(path: string): string {
  return path.replace(/\.(d\.)?[cm]?[jt]sx?$/, "");
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Picks the local name of every import. Names declared in the file win; then, in the sorted order of the
 * imports, each import keeps its own name if it is still free; the rest get the smallest free `Name2`, `Name3`,
 * ... Two passes, so an import that is really called `Foo2` keeps its name rather than losing it to an alias.
 */
function assignImportNames(imports: readonly ImportUse[], locals: ReadonlySet<string>): void {
  const taken = new Set(locals);
  const aliased: ImportUse[] = [];
  for (const use of imports) {
    if (taken.has(use.name)) {
      aliased.push(use);
    } else {
      taken.add(use.name);
      use.local = use.name;
    }
  }
  // Where each name's search for a free suffix goes on: an index importing one name from thousands of
  // modules would otherwise try 2, 3, ... again for every one of them.
  const nextSuffix = new Map<string, number>();
  for (const use of aliased) {
    let n = nextSuffix.get(use.name) ?? 2;
    while (taken.has(`${use.name}${n}`)) {
      n++;
    }
    taken.add(`${use.name}${n}`);
    use.local = `${use.name}${n}`;
    nextSuffix.set(use.name, n + 1);
  }
}

/**
 * One declaration per module in sorted order: on one line when it fits in {@link WIDTH} or has a single name,
 * else its names packed into lines that fill the width ({@link packSpecifiers}).
 */
function renderImports(imports: readonly ImportUse[]): string[] {
  const byModule = new Map<string, ImportUse[]>();
  for (const use of imports) {
    const group = byModule.get(use.from) ?? [];
    group.push(use);
    byModule.set(use.from, group);
  }
  const lines: string[] = [];
  for (const [from, group] of byModule) {
    const typeOnly = group.every((use) => !use.valueUse);
    const specifiers = group.map((use) => {
      const modifier = !typeOnly && !use.valueUse ? "type " : "";
      return use.local === use.name
        ? `${modifier}${use.name}`
        : `${modifier}${use.name} as ${use.local}`;
    });
    const keyword = typeOnly ? "import type" : "import";
    const source = stringLiteral(from);
    const flat = `${keyword} { ${specifiers.join(", ")} } from ${source};`;
    if (specifiers.length === 1 || flat.length <= WIDTH) {
      lines.push(flat);
    } else {
      lines.push(`${keyword} {`, ...packSpecifiers(specifiers), `} from ${source};`);
    }
  }
  return lines;
}

/**
 * The names of a long import list, indented and each followed by a comma, as many to a line as fit in
 * {@link WIDTH}. An import list is read by scanning, not line by line, and one name per line made the runtime
 * import of each interface file dozens of lines long.
 */
function packSpecifiers(specifiers: readonly string[]): string[] {
  const lines: string[] = [];
  let line = "";
  for (const specifier of specifiers) {
    if (line !== "" && line.length + 1 + specifier.length + 1 > WIDTH) {
      lines.push(line);
      line = "";
    }
    line = line === "" ? `  ${specifier},` : `${line} ${specifier},`;
  }
  if (line !== "") lines.push(line);
  return lines;
}
