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
  /** The name it is bound to in the file, chosen when the file is rendered. */
  local: string;
}

/** What a file's lines use, collected as they are printed so that rendering does not walk every line again. */
export class SymbolUses {
  /** Names the file declares: reserved, printed local symbols, imports of the file itself. */
  readonly locals = new Set<string>();
  /** Imported names, by module and then by name. */
  private readonly imports = new Map<string, Map<string, ImportUse>>();
  /** The symbols noted so far: each is noted once, since symbols are made once and printed often. */
  private readonly noted = new Set<SymbolRef>();
  /** Whether a module specifier names the file itself, memoized per specifier. */
  private readonly selfByFrom = new Map<string, boolean>();
  private readonly selfPath: string;
  private readonly dir: string;

  /** `path` is the file's own path, to recognize imports of itself. */
  constructor(path: string) {
    this.selfPath = stripExtension(posix.normalize(path));
    this.dir = posix.dirname(path);
  }

  note(symbol: SymbolRef): void {
    if (this.noted.has(symbol)) {
      return;
    }
    this.noted.add(symbol);
    if (symbol.kind === "local" || this.isSelf(symbol.from)) {
      this.locals.add(symbol.name);
      return;
    }
    let byName = this.imports.get(symbol.from);
    if (byName === undefined) {
      byName = new Map();
      this.imports.set(symbol.from, byName);
    }
    const use = byName.get(symbol.name);
    if (use === undefined) {
      byName.set(symbol.name, {
        from: symbol.from,
        name: symbol.name,
        valueUse: !symbol.typeOnly,
        local: symbol.name,
      });
    } else if (!symbol.typeOnly) {
      use.valueUse = true;
    }
  }

  /**
   * Chooses every import's local name and returns the import declarations. Call once, after the body is
   * printed; {@link localName} answers from then on.
   */
  render(): string[] {
    const sorted: ImportUse[] = [];
    for (const byName of this.imports.values()) {
      sorted.push(...byName.values());
    }
    sorted.sort((a, b) => compare(a.from, b.from) || compare(a.name, b.name));
    assignImportNames(sorted, this.locals);
    return renderImports(sorted);
  }

  /** The name a symbol is printed as in this file. */
  localName(symbol: SymbolRef): string {
    return symbol.kind === "local" || this.isSelf(symbol.from)
      ? symbol.name
      : this.imports.get(symbol.from)!.get(symbol.name)!.local;
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

/** One declaration per module in sorted order: on one line when it fits in {@link WIDTH} or has a single name, else one name per line. */
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
      lines.push(`${keyword} {`, ...specifiers.map((s) => `  ${s},`), `} from ${source};`);
    }
  }
  return lines;
}
