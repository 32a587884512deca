/**
 * Import and local symbols of the code generator's printer. Emitters create them for anything declared in
 * another module (an import symbol: exported name plus module specifier) or in the file being printed (a local
 * symbol), and print them instead of names as text; the printed file derives its import list and its renames on
 * collision from them (see `imports.ts`), so both are right by construction.
 *
 * Type-only imports, the rule: a use of a symbol is in type position when the symbol was created with
 * `typeOnly: true` (interfaces and type aliases, which have no value to import) or is printed through
 * `f.typeRef(sym)` / `sym.toTypeOnly()` (classes and enums named in a type). Every other use is a value use. A
 * module all of whose printed uses are type-only is imported with `import type { ... }`; a module with both kinds
 * gets inline `type` modifiers on the names only ever used as types (`import { type A, b }`). This is what
 * `verbatimModuleSyntax` requires: a type imported without `type` is an error, and a class imported with `type`
 * cannot be used as a value.
 */
import { isIdentifierName, JS_RESERVED_WORDS } from "../names.js";

/** A named export of another module, printed as its (possibly aliased) local name. */
export interface ImportSymbol {
  readonly kind: "import";
  /** The exported name. */
  readonly name: string;
  /** The module specifier as written in the import: `./types.js` or `pkg`. */
  readonly from: string;
  /** True when this use of the symbol is in type position. */
  readonly typeOnly: boolean;
  /** The same symbol, for a use in type position. */
  toTypeOnly(): ImportSymbol;
}

/** A name declared in the file being printed. Printing one tells the file the name is taken, so an import of the same name gets an alias. */
export interface LocalSymbol {
  readonly kind: "local";
  readonly name: string;
}

export type SymbolRef = ImportSymbol | LocalSymbol;

/**
 * A named export `name` of the module `from` (a relative specifier such as `./types.js`, or a package).
 * `typeOnly` marks a type-only export. Symbols are plain values: create them once and print them anywhere.
 */
export function createImportSymbol(
  name: string,
  from: string,
  options: { readonly typeOnly?: boolean } = {},
): ImportSymbol {
  assertBindingName(name);
  if (from === "") {
    throw new Error(`import symbol \`${name}\` needs a module specifier`);
  }
  return new ImportSym(name, from, options.typeOnly ?? false);
}

/** An import symbol; a class so that every symbol has one shape and `toTypeOnly` one target. */
class ImportSym implements ImportSymbol {
  readonly kind = "import";
  /** The type-only twin, made once: printing the same symbol as a type many times then notes one symbol. */
  private twin: ImportSymbol | undefined = undefined;

  constructor(
    readonly name: string,
    readonly from: string,
    readonly typeOnly: boolean,
  ) {}

  toTypeOnly(): ImportSymbol {
    if (this.typeOnly) return this;
    return (this.twin ??= new ImportSym(this.name, this.from, true));
  }
}

/** A name declared in the file itself (class, function, type, constant). */
export function createLocalSymbol(name: string): LocalSymbol {
  assertBindingName(name);
  return { kind: "local", name };
}

function assertBindingName(name: string): void {
  if (!isIdentifierName(name) || JS_RESERVED_WORDS.has(name)) {
    throw new Error(`\`${name}\` cannot be bound as an identifier`);
  }
}
