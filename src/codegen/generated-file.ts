/**
 * The printing framework of the code generator (codegen phase), in the
 * manner of protobuf-es's `GeneratedFile`. Emitters consume it: they print
 * one line per `print` call, refer to anything from another module through
 * import symbols, and build width-dependent constructs with the layout
 * helpers. It produces the text of one TypeScript file (the caller's
 * `@generated` preamble, `/* eslint-disable *\/`, the imports, the body),
 * already formatted exactly as prettier 3 formats it with default options,
 * because running prettier on the generation path would be far too slow.
 */
import { posix } from "node:path";
import { jsDocLines, type JsDocInput } from "./jsdoc.js";
import {
  isIdentifierName,
  JS_RESERVED_WORDS,
  quotePropertyKey,
  stringLiteral,
} from "./names.js";

/** Columns prettier lays out for by default. */
const PRINT_WIDTH = 80;
/** Spaces per indentation level. */
const TAB_WIDTH = 2;

// ---------------------------------------------------------------------------
// Symbols
//
// Anything declared in another module is an ImportSymbol value, never a
// string, so the import list, renames on collision and type-only imports
// follow from what was printed.
//
// Type-only imports, the rule: a use of a symbol is in type position when
// the symbol was created with `typeOnly: true` (use this for interfaces and
// type aliases, which have no value to import) or is printed through
// `f.typeRef(sym)` / `sym.toTypeOnly()` (use this for classes and enums
// named in a type). Every other use is a value use. A module all of whose
// printed uses are type-only is imported with `import type { ... }`; a
// module with both kinds gets inline `type` modifiers on the names only
// ever used as types (`import { type A, b }`). This is what
// `verbatimModuleSyntax` requires: a type imported without `type` is an
// error, and a class imported with `type` cannot be used as a value.
// ---------------------------------------------------------------------------

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

/**
 * A name declared in the file being printed. Printing one tells the file
 * the name is taken, so an import of the same name gets an alias.
 */
export interface LocalSymbol {
  readonly kind: "local";
  readonly name: string;
}

export type SymbolRef = ImportSymbol | LocalSymbol;

/**
 * A named export `name` of the module `from` (a relative specifier such as
 * `./types.js`, or a package). `typeOnly` marks a type-only export.
 * Symbols are plain values: create them once and print them anywhere.
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
  const typeOnly = options.typeOnly ?? false;
  const symbol: ImportSymbol = {
    kind: "import",
    name,
    from,
    typeOnly,
    toTypeOnly: () =>
      typeOnly ? symbol : createImportSymbol(name, from, { typeOnly: true }),
  };
  return symbol;
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

// ---------------------------------------------------------------------------
// Printables and layout helpers
//
// Constructs whose layout depends on the line width (parameter and argument
// lists, unions, object types and literals, type argument lists,
// assignments) are Layout values. At toString() each printed line is
// lowered to a small document language (groups of soft line breaks,
// indentation, break-dependent text) and laid out by the algorithm
// prettier's printer uses: a group is printed flat when it fits in what is
// left of the line, counting the text after it up to the next possible line
// break, and broken otherwise. Each helper builds the document prettier's
// TypeScript printer builds for that construct (checked against prettier
// 3.10's `--debug-print-doc` output), so the two agree; tests format the
// output with the installed prettier and expect no change.
//
// Generation prints megabytes, so the common cases take shortcuts with the
// same result: a line is first printed flat, straight from the printables
// (FlatPrinter), and when that fits, which is most lines, no document is
// built; in a line that does not fit, a part that contains no forced break
// stays a LazyDoc (its flat text) until the layout needs to break it.
// ---------------------------------------------------------------------------

/**
 * What `print` accepts: code text (one line's worth, no line breaks),
 * numbers and bigints (printed as literals), symbols, layout helpers, and
 * arrays of these, which are concatenated.
 */
export type Printable =
  | string
  | number
  | bigint
  | boolean
  | SymbolRef
  | Layout
  | readonly Printable[];

/** A construct whose line breaks depend on the width; built by the helpers below. */
export type Layout =
  | UnionLayout
  | TypeArgsLayout
  | TypeParamsLayout
  | SignatureLayout
  | CallArgsLayout
  | ArrayLayout
  | ArrayTypeLayout
  | ObjectTypeLayout
  | ObjectLayout
  | AssignmentLayout;

export interface UnionLayout {
  readonly kind: "union";
  readonly types: readonly Printable[];
}
export interface TypeArgsLayout {
  readonly kind: "type-args";
  readonly types: readonly Printable[];
}
export interface TypeParamsLayout {
  readonly kind: "type-params";
  readonly params: readonly Printable[];
}
export interface SignatureLayout {
  readonly kind: "signature";
  readonly params: readonly Printable[];
  readonly returnType: Printable | undefined;
  readonly arrow: boolean;
}
export interface CallArgsLayout {
  readonly kind: "call-args";
  readonly args: readonly Printable[];
}
export interface ArrayLayout {
  readonly kind: "array";
  readonly items: readonly Printable[];
}
export interface ArrayTypeLayout {
  readonly kind: "array-type";
  readonly element: Printable;
}
export interface ObjectTypeLayout {
  readonly kind: "object-type";
  readonly members: readonly Printable[];
  readonly expand: boolean;
}
export interface ObjectLayout {
  readonly kind: "object";
  readonly entries: readonly (readonly [key: string, value: Printable])[];
  readonly expand: boolean;
}
export interface AssignmentLayout {
  readonly kind: "assignment";
  readonly left: Printable;
  readonly right: Printable;
  readonly target: "type-alias" | "variable";
}

/**
 * A union type `A | B | C`. Where it stands decides how it breaks, as in
 * prettier: after `: ` or `= ` (a field, parameter, return type or, through
 * {@link typeAlias}, an alias) it first moves to the next line and then
 * puts each member on its own line behind a leading `|`; inside
 * {@link typeArgs} it breaks in place; inside {@link arrayType} it is
 * parenthesized. A union of one object type or type reference with only
 * `null`/`void` (`Foo | null`) never breaks, like prettier's "hugged"
 * unions. No members prints `never`; one member prints just that member.
 */
export function union(types: readonly Printable[]): UnionLayout {
  // A union member that is itself a union is the same type as its members
  // spliced in, and that is how TypeScript (and so prettier) reads it back.
  return {
    kind: "union",
    types: types.flatMap((t) => {
      const member = unwrap(t);
      return isUnion(member) ? member.types : [t];
    }),
  };
}

/**
 * Type arguments `<A, B>` of a type reference (`Promise<T>`). Broken, one
 * per line and without a trailing comma (prettier leaves it out for type
 * arguments). A single argument that is a keyword, a literal, a type name
 * without arguments or an object type is never broken around.
 */
export function typeArgs(types: readonly Printable[]): TypeArgsLayout {
  return { kind: "type-args", types };
}

/** Type parameters `<T, U extends X>` of a declaration; a trailing comma when broken. */
export function typeParams(params: readonly Printable[]): TypeParamsLayout {
  return { kind: "type-params", params };
}

/**
 * A parameter list with its return type: `(a: A, b: B): R` for functions
 * and methods, `(a: A) => R` with `arrow: true` for function types. Print
 * the name (and `async`, `static`, ...) before it and ` {` or `;` after.
 * When the whole signature does not fit, the parameters go one per line
 * with a trailing comma (none after a `...rest` parameter), then the
 * return type breaks on its own if it still does not fit. A sole parameter
 * whose type is an {@link objectType} is hugged: `(options: {` ... `})`.
 */
export function signature(
  params: readonly Printable[],
  returnType?: Printable,
  options: { readonly arrow?: boolean } = {},
): SignatureLayout {
  return {
    kind: "signature",
    params,
    returnType,
    arrow: options.arrow ?? false,
  };
}

/**
 * Call (or `new`) arguments `(a, b)`. Broken one per line with a trailing
 * comma. When the last argument is a non-empty {@link object} or
 * {@link array} literal (and the one before it is not the same kind),
 * prettier's last-argument hugging applies: `f(a, {` ... `})` is preferred
 * to breaking every argument. Function arguments are not modelled: print
 * callbacks as lines of their own.
 */
export function callArgs(args: readonly Printable[]): CallArgsLayout {
  return { kind: "call-args", args };
}

/**
 * An array literal `[a, b]`; broken one per line with a trailing comma.
 * Prettier fills arrays of numbers several to a line; that layout is not
 * modelled, so use this for short number arrays only.
 */
export function array(items: readonly Printable[]): ArrayLayout {
  return { kind: "array", items };
}

/** An array type `T[]`, parenthesizing a union or function type element. */
export function arrayType(element: Printable): ArrayTypeLayout {
  return { kind: "array-type", element };
}

/**
 * An object type literal `{ a: A; b?: B }`; members are printed pieces such
 * as `[key, ": ", type]`. Broken, one member per line each ending in `;`.
 * `expand: true` always breaks it (prettier keeps an object broken when it
 * finds it broken, so both forms are stable).
 */
export function objectType(
  members: readonly Printable[],
  options: { readonly expand?: boolean } = {},
): ObjectTypeLayout {
  return { kind: "object-type", members, expand: options.expand ?? false };
}

/**
 * An object literal `{ a: 1, "b-c": x }`. Keys are property names, quoted
 * only when needed ({@link quotePropertyKey}). Broken one entry per line
 * with a trailing comma; `expand: true` always breaks it. An entry whose
 * value does not fit behind its key moves the value to the next line the
 * way prettier does for long keys.
 */
export function object(
  entries: readonly (readonly [key: string, value: Printable])[],
  options: { readonly expand?: boolean } = {},
): ObjectLayout {
  return { kind: "object", entries, expand: options.expand ?? false };
}

/**
 * A type alias without its `;`: `head = type`, where `head` is, say,
 * `export type Foo`. A union breaks after the `=` and then one member per
 * line; any other type first breaks inside itself and moves to the next
 * line only when even its first line does not fit behind the `=`.
 */
export function typeAlias(head: Printable, type: Printable): AssignmentLayout {
  return { kind: "assignment", left: head, right: type, target: "type-alias" };
}

/**
 * An assignment without its `;`: `left = value`, for `const x = value`
 * (left `const x` or `const x: T`), `x = value` and class fields. Laid out
 * as prettier lays out variable declarators: a string literal or a call
 * with at most one short argument moves to the next line when it does not
 * fit; anything else breaks inside itself first. Assignments of arrow
 * functions and left sides with complex type annotations are not modelled.
 */
export function assignment(
  left: Printable,
  value: Printable,
): AssignmentLayout {
  return { kind: "assignment", left, right: value, target: "variable" };
}

/** `/*@__PURE__*\/ call`: marks a call bundlers may drop when its result is unused. */
export function pure(call: Printable): Printable {
  return ["/*@__PURE__*/ ", call];
}

/**
 * The `@generated` preamble line: `// @generated by wit-ts <version> from
 * <input> (world <world>)`. Line breaks in the parts are replaced so the
 * comment stays one line.
 */
export function generatedByComment(parts: {
  readonly version: string;
  readonly input: string;
  readonly world: string;
}): string {
  const oneLine = (s: string): string => s.replace(/[\r\n\u2028\u2029]+/g, " ");
  return `// @generated by wit-ts ${oneLine(parts.version)} from ${oneLine(parts.input)} (world ${oneLine(parts.world)})`;
}

// ---------------------------------------------------------------------------
// The generated file
// ---------------------------------------------------------------------------

export interface GeneratedFileOptions {
  /**
   * The comment lines at the top of the file, without a final newline; by
   * convention one line made by {@link generatedByComment}.
   */
  readonly preamble: string;
}

export interface GeneratedFile {
  /** The output path, relative to the output directory. */
  readonly path: string;
  /**
   * Prints one line at the current indentation: ``f.print`export type ${a} = ${b};` ``
   * or `f.print(piece, piece, ...)`. With no arguments prints an empty line.
   * Text must not contain line breaks: one call is one line.
   */
  print(fragments: TemplateStringsArray, ...values: Printable[]): void;
  print(...pieces: Printable[]): void;
  /** Prints what `body` prints one level (two spaces) deeper. */
  indent(body: () => void): void;
  /** Prints a JSDoc block (see `jsdoc.ts`) at the current indentation; nothing when empty. */
  jsDoc(input: JsDocInput): void;
  /** A string literal for `value`, escaped and quoted as prettier would. */
  string(value: string): string;
  /** A property key: bare when an identifier name, quoted otherwise. */
  propertyKey(name: string): string;
  /** The symbol for a use in type position (see the rule at the top of this file). */
  typeRef<S extends SymbolRef>(symbol: S): S;
  /** `/*@__PURE__*\/ call`. */
  pure(call: Printable): Printable;
  /** Marks names as declared in this file by plain text, so imports step around them. */
  reserve(...names: string[]): void;
  /** The file's text: preamble, `/* eslint-disable *\/`, imports, body; ends in one newline. */
  toString(): string;
}

interface BodyLine {
  readonly depth: number;
  /** Undefined for an empty line. */
  readonly content: Printable | undefined;
}

/** One imported name of one module, as collected from the printed body. */
interface ImportUse {
  readonly from: string;
  readonly name: string;
  valueUse: boolean;
  /** The name it is bound to in the file, chosen when the file is rendered. */
  local: string;
}

/**
 * What a file's lines use, collected as they are printed so that rendering
 * does not walk every line once more for it.
 */
interface SymbolUses {
  /** Names the file declares: reserved, printed local symbols, imports of the file itself. */
  readonly locals: Set<string>;
  /** Imported names, by module and then by name. */
  readonly imports: Map<string, Map<string, ImportUse>>;
  /** Whether a module specifier names the file itself. */
  readonly isSelf: (from: string) => boolean;
  /** The symbols noted so far. */
  readonly noted: Set<SymbolRef>;
}

/** Creates an empty file at `path` (used to recognize imports of itself). */
export function createGeneratedFile(
  path: string,
  options: GeneratedFileOptions,
): GeneratedFile {
  const lines: BodyLine[] = [];
  const uses: SymbolUses = {
    locals: new Set(),
    imports: new Map(),
    isSelf: selfImportTest(path),
    noted: new Set(),
  };
  let depth = 0;

  function print(...args: unknown[]): void {
    const first = args[0];
    let content: Printable[] | undefined;
    if (isTemplateStringsArray(first)) {
      content = [];
      for (let i = 0; i < first.length; i++) {
        content.push(first[i]!);
        if (i + 1 < args.length) {
          content.push(args[i + 1] as Printable);
        }
      }
    } else if (args.length > 0) {
      content = args as Printable[];
    }
    if (content !== undefined) {
      // Checking the pieces here reports a bad one (a line break in the
      // text, `undefined`) where it was printed rather than in toString().
      scan(content, uses);
    }
    lines.push({ depth, content });
  }

  return {
    path,
    print: print as GeneratedFile["print"],
    indent(body) {
      depth++;
      try {
        body();
      } finally {
        depth--;
      }
    },
    jsDoc(input) {
      for (const line of jsDocLines(input, depth * TAB_WIDTH)) {
        lines.push({ depth, content: line });
      }
    },
    string: stringLiteral,
    propertyKey: quotePropertyKey,
    typeRef<S extends SymbolRef>(symbol: S): S {
      return (symbol.kind === "import" ? symbol.toTypeOnly() : symbol) as S;
    },
    pure,
    reserve(...names) {
      for (const name of names) {
        uses.locals.add(name);
      }
    },
    toString() {
      return renderFile(options.preamble, lines, uses);
    },
  };
}

function isTemplateStringsArray(value: unknown): value is TemplateStringsArray {
  return (
    Array.isArray(value) && Object.prototype.hasOwnProperty.call(value, "raw")
  );
}

/** Whether a specifier imported from `path` is `path` itself, memoized per specifier. */
function selfImportTest(path: string): (from: string) => boolean {
  const selfPath = stripExtension(posix.normalize(path));
  const dir = posix.dirname(path);
  const known = new Map<string, boolean>();
  return (from) => {
    let self = known.get(from);
    if (self === undefined) {
      self =
        (from.startsWith("./") || from.startsWith("../")) &&
        stripExtension(posix.join(dir, from)) === selfPath;
      known.set(from, self);
    }
    return self;
  };
}

const LINE_BREAK = /[\n\r\u2028\u2029]/;

/** Checks that `p` can be printed on one line and notes the symbols it uses. */
function scan(p: Printable, uses: SymbolUses): void {
  switch (typeof p) {
    case "string":
      if (LINE_BREAK.test(p)) {
        throw new Error(
          `printed text contains a line break (${JSON.stringify(p)}); print one line per call and use f.string() for string literals`,
        );
      }
      return;
    case "number":
      if (!Number.isFinite(p)) {
        throw new Error(`cannot print the number ${p} as a literal`);
      }
      return;
    case "bigint":
    case "boolean":
      return;
    case "object":
      if ((p as unknown) === null) {
        throw new Error("cannot print null");
      }
      break;
    default:
      throw new Error(`cannot print ${String(p)}`);
  }
  if (isPrintableArray(p)) {
    scanEach(p, uses);
    return;
  }
  switch (p.kind) {
    case "import":
    case "local":
      noteSymbol(p, uses);
      return;
    case "union":
    case "type-args":
      scanEach(p.types, uses);
      return;
    case "type-params":
      scanEach(p.params, uses);
      return;
    case "signature":
      scanEach(p.params, uses);
      if (p.returnType !== undefined) {
        scan(p.returnType, uses);
      }
      return;
    case "call-args":
      scanEach(p.args, uses);
      return;
    case "array":
      scanEach(p.items, uses);
      return;
    case "array-type":
      scan(p.element, uses);
      return;
    case "object-type":
      scanEach(p.members, uses);
      return;
    case "object":
      for (const entry of p.entries) {
        scan(entry[1], uses);
      }
      return;
    case "assignment":
      scan(p.left, uses);
      scan(p.right, uses);
      return;
    default: {
      const unreachable: never = p;
      throw new Error(`unknown printable ${JSON.stringify(unreachable)}`);
    }
  }
}

function scanEach(items: readonly Printable[], uses: SymbolUses): void {
  for (let i = 0; i < items.length; i++) {
    scan(items[i]!, uses);
  }
}

function noteSymbol(symbol: SymbolRef, uses: SymbolUses): void {
  // Symbols are values made once and printed often: each is noted once.
  if (uses.noted.has(symbol)) {
    return;
  }
  uses.noted.add(symbol);
  if (symbol.kind === "local" || uses.isSelf(symbol.from)) {
    uses.locals.add(symbol.name);
    return;
  }
  let byName = uses.imports.get(symbol.from);
  if (byName === undefined) {
    byName = new Map();
    uses.imports.set(symbol.from, byName);
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

// ---------------------------------------------------------------------------
// Rendering: imports
// ---------------------------------------------------------------------------

function renderFile(
  preamble: string,
  body: readonly BodyLine[],
  uses: SymbolUses,
): string {
  const sorted: ImportUse[] = [];
  for (const byName of uses.imports.values()) {
    sorted.push(...byName.values());
  }
  sorted.sort((a, b) => compare(a.from, b.from) || compare(a.name, b.name));
  assignImportNames(sorted, uses.locals);
  const resolve = (symbol: SymbolRef): string =>
    symbol.kind === "local" || uses.isSelf(symbol.from)
      ? symbol.name
      : uses.imports.get(symbol.from)!.get(symbol.name)!.local;

  const out: string[] = [
    ...(preamble === "" ? [] : preamble.split("\n")),
    "/* eslint-disable */",
    "",
  ];
  const importLines = renderImports(sorted);
  if (importLines.length > 0) {
    out.push(...importLines, "");
  }
  const lines = new BodyLines(out);
  const flat = new FlatPrinter(resolve);
  for (const line of body) {
    if (line.content === undefined) {
      lines.add("");
      continue;
    }
    const indent = line.depth * TAB_WIDTH;
    lines.add(indentation(indent) + layoutLine(line.content, flat, indent));
  }
  while (out.length > 0 && out[out.length - 1] === "") {
    out.pop();
  }
  return `${out.join("\n")}\n`;
}

/** `text.trim() === ""`, without copying the usual line that ends in code. */
function isBlank(text: string): boolean {
  const last = text.charCodeAt(text.length - 1);
  if (last > 0x20 && last < 0x7f) {
    return false;
  }
  return text.trim() === "";
}

/**
 * Lays out one printed line. Most lines fit in the width as they are: the
 * flat text, measured first, is then the answer and no document is built.
 * Otherwise the line is lowered to a document and laid out.
 *
 * Prettier keeps an object literal or object type broken when there is a
 * line break after its `{`, which changes how the code around it is laid
 * out; so the layout we print must be a fixed point of that rule. Objects
 * that break are marked as broken and the line is laid out again, until
 * every object that breaks was marked. Marks only grow, so this ends.
 * Objects that break in every layout are marked from the start (see
 * FlatPrinter), so one pass is usually enough.
 */
function layoutLine(
  content: Printable,
  flat: FlatPrinter,
  indent: number,
): string {
  const width = PRINT_WIDTH - indent;
  const text = flat.print(content, width);
  if (!flat.breakable) {
    return text;
  }
  let ascii: boolean | undefined;
  if (!flat.forced) {
    if (text.length * 2 <= width) {
      return text;
    }
    ascii = PRINTABLE_ASCII.test(text);
    if ((ascii ? text.length : stringWidth(text)) <= width) {
      return text;
    }
  }
  ascii ??= PRINTABLE_ASCII.test(text);
  for (;;) {
    const cx: LowerContext = {
      resolve: flat.resolve,
      expanded: flat.expanded,
      flat: flat.layouts,
      forced: flat.forcedParts,
      ascii,
    };
    const doc = lower(content, cx, "annotation");
    const broken = new Set<Layout>();
    const result = layoutDoc(doc, indent, PRINT_WIDTH, broken, ascii);
    const before = flat.expanded.size;
    for (const layout of broken) {
      flat.expanded.add(layout);
    }
    if (flat.expanded.size === before) {
      return result;
    }
    flat.reprint(content);
  }
}

function stripExtension(path: string): string {
  return path.replace(/\.(d\.)?[cm]?[jt]sx?$/, "");
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Picks the local name of every import. Names declared in the file win;
 * then, in the sorted order of the imports, each import keeps its own name
 * if it is still free; the rest get the smallest free `Name2`, `Name3`, ...
 * Two passes, so an import that is really called `Foo2` keeps its name
 * rather than losing it to an alias.
 */
function assignImportNames(
  imports: readonly ImportUse[],
  locals: ReadonlySet<string>,
): void {
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
 * Import declarations, one per module in sorted order, laid out as
 * prettier lays them out: on one line when it fits in 80 columns or has a
 * single name, otherwise one name per line with a trailing comma.
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
    if (specifiers.length === 1 || stringWidth(flat) <= PRINT_WIDTH) {
      lines.push(flat);
    } else {
      lines.push(
        `${keyword} {`,
        ...specifiers.map((s) => `${" ".repeat(TAB_WIDTH)}${s},`),
        `} from ${source};`,
      );
    }
  }
  return lines;
}

/**
 * Collects the physical lines of the body into `out`, with blank lines as
 * prettier leaves them: never two in a row, none at the start or end of the
 * body, none just inside a block, object, argument or parameter list (after
 * a line ending in `{`, `(` or `[`, before a line starting with `}`, `)` or
 * `]`). Comment lines are not taken as openers or closers. A line of only
 * spaces is blank.
 */
class BodyLines {
  /** Where the body starts in `out`. */
  private readonly start: number;
  /** Whether blank lines since the last line ask for one, if the next line allows it. */
  private blank = false;

  constructor(private readonly out: string[]) {
    this.start = out.length;
  }

  /**
   * Adds a printed line, laid out on one or more physical lines. Lines are
   * kept together when none of them is blank (the usual case), so that
   * opensBlock and closesBlock look at the first and last of them.
   */
  add(text: string): void {
    const lastBreak = text.lastIndexOf("\n");
    if (
      lastBreak >= 0 &&
      (text.includes("\n\n") ||
        isBlank(text.slice(0, text.indexOf("\n"))) ||
        isBlank(text.slice(lastBreak + 1)))
    ) {
      for (const physical of text.split("\n")) {
        this.add(physical);
      }
      return;
    }
    const out = this.out;
    if (isBlank(text)) {
      const previous =
        out.length > this.start ? out[out.length - 1]! : undefined;
      this.blank ||= previous !== undefined && !opensBlock(previous);
      return;
    }
    if (this.blank && !closesBlock(text)) {
      out.push("");
    }
    this.blank = false;
    out.push(text);
  }
}

/** `n` spaces. */
function indentation(n: number): string {
  let spaces = INDENTATION[n];
  if (spaces === undefined) {
    spaces = " ".repeat(n);
    if (n < 64) {
      INDENTATION[n] = spaces;
    }
  }
  return spaces;
}

const INDENTATION: string[] = [];

/** Whether the code at `i` is a comment, or the inside of a block comment. */
function isCommentAt(text: string, i: number): boolean {
  return (
    text.startsWith("//", i) ||
    text.startsWith("/*", i) ||
    text.startsWith("*", i)
  );
}

const NON_SPACE = /\S/g;

/** Where the first character that is not white space is, from `from` on; -1 if none. */
function firstNonSpace(text: string, from: number): number {
  NON_SPACE.lastIndex = from;
  return NON_SPACE.exec(text)?.index ?? -1;
}

/** Whether the last physical line of `text` ends in `{`, `(` or `[` (and is not a comment). */
function opensBlock(text: string): boolean {
  const start = firstNonSpace(text, text.lastIndexOf("\n") + 1);
  return (
    start >= 0 &&
    !isCommentAt(text, start) &&
    /[{([]\s*$/.test(text.slice(start))
  );
}

/** Whether the first physical line of `text` starts with `}`, `)` or `]`. */
function closesBlock(text: string): boolean {
  const start = firstNonSpace(text, 0);
  const c = text[start];
  return (c === "}" || c === ")" || c === "]") && !isCommentAt(text, start);
}

// ---------------------------------------------------------------------------
// Rendering: printables to documents
// ---------------------------------------------------------------------------

type ObjectEntry = ObjectLayout["entries"][number];

/** What a line's flat text is kept for: each layout, and each entry of an object literal. */
type FlatPart = Layout | ObjectEntry;


/** Text prettier measures one column per character. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Prints a line flat, the way its document prints when no group breaks,
 * without building the document; most lines fit and this is all they need.
 * Alongside it reports whether the line contains a place where it could
 * break at all (a layout) and whether something in it must break (an
 * expanded object, an array of objects), and keeps what
 * {@link layoutLine} needs when the line does not fit: the flat text of
 * every layout, and which objects are wider than the line. Each case
 * mirrors the flat form of what {@link lower} builds for that layout.
 */
class FlatPrinter {
  /** Whether the line has a layout: somewhere it could break. */
  breakable = false;
  /** Whether the line has a group that must break. */
  forced = false;
  /** The flat text of each layout (and object entry) of the line, for {@link LazyDoc}s. */
  readonly layouts = new Map<FlatPart, string>();
  /** The layouts (and entries) of the line that contain a group that must break. */
  readonly forcedParts = new Set<FlatPart>();
  /**
   * The objects of the line to print broken besides those with `expand`:
   * the ones wider than the line (they break in every layout, see
   * mustBreak) and the ones {@link layoutLine} adds when a layout breaks
   * them.
   */
  readonly expanded = new Set<Layout>();
  /** The columns the line has, after its indentation. */
  private width = PRINT_WIDTH;

  constructor(readonly resolve: (s: SymbolRef) => string) {}

  /** The flat text of a line with `width` columns after its indentation. */
  print(p: Printable, width: number): string {
    this.expanded.clear();
    this.width = width;
    return this.reprint(p);
  }

  /** The same line again, after objects were added to {@link expanded}. */
  reprint(p: Printable): string {
    this.breakable = false;
    this.forced = false;
    // (Clearing an empty collection still allocates.)
    if (this.layouts.size > 0) {
      this.layouts.clear();
    }
    if (this.forcedParts.size > 0) {
      this.forcedParts.clear();
    }
    return this.text(p);
  }

  private text(p: Printable): string {
    switch (typeof p) {
      case "string":
        return p;
      case "number":
      case "boolean":
        return String(p);
      case "bigint":
        return `${p}n`;
      default:
        break;
    }
    if (isPrintableArray(p)) {
      let text = "";
      for (const item of p) {
        text += this.text(item);
      }
      return text;
    }
    if (p.kind === "import" || p.kind === "local") {
      return this.resolve(p);
    }
    this.breakable = true;
    // A layout printed twice (emitters share pieces) is measured once.
    const known = this.layouts.get(p);
    if (known !== undefined) {
      this.forced ||= this.forcedParts.has(p);
      return known;
    }
    const outer = this.forced;
    this.forced = false;
    const text = this.layout(p);
    this.note(p, text, outer);
    return text;
  }

  /** Keeps the flat text of a part just printed; `outer` is `forced` from before it. */
  private note(part: FlatPart, text: string, outer: boolean): void {
    this.layouts.set(part, text);
    if (this.forced) {
      this.forcedParts.add(part);
    }
    this.forced ||= outer;
  }

  private layout(p: Layout): string {
    switch (p.kind) {
      case "union":
        return this.union(p);
      case "type-args":
        return p.types.length === 0 ? "" : `<${this.join(p.types, ", ")}>`;
      case "type-params":
        return p.params.length === 0 ? "" : `<${this.join(p.params, ", ")}>`;
      case "signature":
        return this.signature(p);
      case "call-args":
        return `(${this.join(p.args, ", ")})`;
      case "array":
        if (p.items.length === 0) {
          return "[]";
        }
        if (isArrayOfObjects(p)) {
          this.forced = true;
        }
        return `[${this.join(p.items, ", ")}]`;
      case "array-type": {
        const element = unwrap(p.element);
        if (isUnion(element) && element.types.length > 1) {
          return `(${this.union(element)})[]`;
        }
        const inner = this.text(element);
        return isLayout(element, "signature") ? `(${inner})[]` : `${inner}[]`;
      }
      case "object-type": {
        if (p.members.length === 0) {
          return "{}";
        }
        const text = this.objectTypeContents(p);
        this.forced ||= this.mustBreak(p, text);
        return text;
      }
      case "object": {
        if (p.entries.length === 0) {
          return "{}";
        }
        let text = "{ ";
        p.entries.forEach((entry, i) => {
          const outer = this.forced;
          this.forced = false;
          const entryText = `${quotePropertyKey(entry[0])}: ${this.text(entry[1])}`;
          this.note(entry, entryText, outer);
          text += i > 0 ? `, ${entryText}` : entryText;
        });
        text += " }";
        this.forced ||= this.mustBreak(p, text);
        return text;
      }
      case "assignment":
        return `${this.text(p.left)} = ${this.text(p.right)}`;
      default: {
        const unreachable: never = p;
        throw new Error(`unknown printable ${JSON.stringify(unreachable)}`);
      }
    }
  }

  /**
   * Whether an object must print broken. One wider than the line is marked
   * expanded at once: it starts at the line's indentation or further right,
   * so it breaks in every layout, and marking it now usually saves
   * {@link layoutLine} a second pass. (A width is at most twice the length.)
   */
  private mustBreak(o: ObjectLayout | ObjectTypeLayout, text: string): boolean {
    if (text.length * 2 > this.width && stringWidth(text) > this.width) {
      this.expanded.add(o);
    }
    return o.expand || this.expanded.has(o);
  }

  private join(items: readonly Printable[], separator: string): string {
    let text = "";
    for (let i = 0; i < items.length; i++) {
      if (i > 0) {
        text += separator;
      }
      text += this.text(items[i]!);
    }
    return text;
  }

  private union(u: UnionLayout): string {
    if (u.types.length === 0) {
      return "never";
    }
    if (u.types.length === 1) {
      return this.text(u.types[0]!);
    }
    let text = "";
    u.types.forEach((t, i) => {
      const member = this.text(t);
      text += i > 0 ? " | " : "";
      text += isLayout(unwrap(t), "signature") ? `(${member})` : member;
    });
    return text;
  }

  /** The object type without its group: `expand` plays no part (see lowerSignature). */
  private objectTypeContents(o: ObjectTypeLayout): string {
    return o.members.length === 0 ? "{}" : `{ ${this.join(o.members, "; ")} }`;
  }

  private signature(s: SignatureLayout): string {
    let params: string;
    const hugged =
      s.params.length === 1 ? huggedObjectType(s.params[0]!) : undefined;
    if (hugged !== undefined) {
      const [head, objectType] = hugged;
      params = `(${this.join(head, "")}${this.objectTypeContents(objectType)})`;
    } else {
      params = `(${this.join(s.params, ", ")})`;
    }
    return s.returnType === undefined
      ? params
      : `${params}${s.arrow ? " => " : ": "}${this.text(s.returnType)}`;
  }
}

function isPrintableArray(p: Printable): p is readonly Printable[] {
  return Array.isArray(p);
}

/**
 * What lowering needs besides the printable: the local name of each symbol,
 * and which object literals and object types to print broken whatever the
 * width. Prettier keeps an object broken when it finds a line break after
 * its `{`, so every object we print broken must be one we asked to break,
 * or prettier would lay out its surroundings differently; see
 * {@link layoutLine}.
 */
interface LowerContext {
  readonly resolve: (s: SymbolRef) => string;
  readonly expanded: ReadonlySet<Layout>;
  /** The flat text of every layout of the line, for {@link LazyDoc}s. */
  readonly flat: ReadonlyMap<FlatPart, string>;
  /** The layouts of the line that contain a group that must break. */
  readonly forced: ReadonlySet<FlatPart>;
  /** Whether the line is printable ASCII (one column per character). */
  readonly ascii: boolean;
}

/**
 * Where a printable stands, for the few constructs (unions) whose document
 * depends on their parent. `annotation` is the default: after `: ` or `= `.
 */
type Position = "annotation" | "type-arg" | "array-element";

function lower(p: Printable, cx: LowerContext, position: Position): Doc {
  // The pieces were checked when printed (see scan).
  switch (typeof p) {
    case "string":
      return p;
    case "number":
    case "boolean":
      return String(p);
    case "bigint":
      return `${p}n`;
    default:
      break;
  }
  if (isPrintableArray(p)) {
    // Position applies to a lone child only: `[sym, typeArgs(...)]` is a reference.
    if (p.length === 1) {
      return lower(p[0]!, cx, position);
    }
    return lowerConcat(p, cx);
  }
  if (p.kind === "import" || p.kind === "local") {
    return cx.resolve(p);
  }
  const text = cx.flat.get(p);
  if (text !== undefined && !cx.forced.has(p) && isGroupRooted(p)) {
    return lazyDoc(text, p, position, cx);
  }
  return lowerLayout(p, cx, position);
}

/** The document of a layout (its parts lowered lazily where they can be). */
function lowerLayout(p: Layout, cx: LowerContext, position: Position): Doc {
  const each = (
    items: readonly Printable[],
    at: Position = "annotation",
  ): Doc[] => items.map((item) => lower(item, cx, at));
  switch (p.kind) {
    case "union":
      return lowerUnion(p, cx, position);
    case "type-args":
      return lowerTypeArgs(p, cx);
    case "type-params":
      if (p.params.length === 0) {
        return "";
      }
      return group([
        "<",
        indent([
          softline,
          join(
            COMMA_LINE,
            each(p.params).map((d) => group(d)),
          ),
        ]),
        ifBreak(","),
        softline,
        ">",
      ]);
    case "signature":
      return lowerSignature(p, cx);
    case "call-args":
      return lowerCallArgs(p, cx);
    case "array":
      return lowerArray(p, cx);
    case "array-type": {
      const element = unwrap(p.element);
      if (isUnion(element) && element.types.length > 1) {
        return isHuggedUnion(element)
          ? ["(", lowerUnion(element, cx, "annotation"), ")[]"]
          : [lowerUnion(element, cx, "array-element"), "[]"];
      }
      const inner = lower(element, cx, "annotation");
      return isLayout(element, "signature")
        ? ["(", inner, ")[]"]
        : [inner, "[]"];
    }
    case "object-type": {
      const contents = objectTypeContents(p, cx);
      return p.members.length === 0
        ? contents
        : group(contents, {
            shouldBreak: p.expand || cx.expanded.has(p),
            origin: p,
          });
    }
    case "object":
      return lowerObject(p, cx);
    case "assignment":
      return lowerAssignment(p, cx);
    default: {
      const unreachable: never = p;
      throw new Error(`unknown printable ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * A concatenation, with runs of plain text joined into one string: the
 * layout treats text the same whether it comes in one piece or several,
 * and fewer pieces are faster to lay out.
 */
function lowerConcat(items: readonly Printable[], cx: LowerContext): Doc {
  const docs: Doc[] = [];
  let text = "";
  for (const item of items) {
    const doc = lower(item, cx, "annotation");
    if (typeof doc === "string") {
      text += doc;
      continue;
    }
    if (text !== "") {
      docs.push(text);
      text = "";
    }
    docs.push(doc);
  }
  if (docs.length === 0) {
    return text;
  }
  if (text !== "") {
    docs.push(text);
  }
  return docs.length === 1 ? docs[0]! : docs;
}

/**
 * Whether the document of `p` (in the positions `lower` passes, annotation
 * or type argument) is a single group, which a {@link LazyDoc} requires.
 */
function isGroupRooted(p: Layout): boolean {
  switch (p.kind) {
    case "union":
      return p.types.length > 1 && !isHuggedUnion(p);
    case "type-args":
      return (
        p.types.length > 1 ||
        (p.types.length === 1 && !isUnbreakableTypeArg(unwrap(p.types[0]!)))
      );
    case "type-params":
      return p.params.length > 0;
    case "call-args":
      return p.args.length > 0;
    case "array":
      return p.items.length > 0;
    case "object-type":
      return p.members.length > 0;
    case "object":
      return p.entries.length > 0;
    case "signature":
    case "assignment":
      return true;
    case "array-type":
      return false;
    default: {
      const unreachable: never = p;
      throw new Error(`unknown layout ${JSON.stringify(unreachable)}`);
    }
  }
}

/** The object type without its group, which a hugged parameter leaves out. */
function objectTypeContents(o: ObjectTypeLayout, cx: LowerContext): Doc {
  if (o.members.length === 0) {
    return "{}";
  }
  const members = o.members.map((m) => group(lower(m, cx, "annotation")));
  return [
    "{",
    indent([line, join(SEMICOLON_LINE, members)]),
    ifBreak(";"),
    line,
    "}",
  ];
}

/** Looks through one-element arrays, which only wrap. */
function unwrap(p: Printable): Printable {
  let current = p;
  while (isPrintableArray(current) && current.length === 1) {
    current = current[0]!;
  }
  return current;
}

function isLayout<K extends Layout["kind"]>(
  p: Printable,
  kind: K,
): p is Extract<Layout, { kind: K }> {
  return typeof p === "object" && !isPrintableArray(p) && p.kind === kind;
}

function isUnion(p: Printable): p is UnionLayout {
  return isLayout(p, "union");
}

/**
 * The text of `p` when it is plain text (strings, numbers, symbols; symbol
 * names unresolved, which is enough to classify), else undefined.
 */
function plainText(p: Printable): string | undefined {
  switch (typeof p) {
    case "string":
      return p;
    case "number":
    case "bigint":
    case "boolean":
      return String(p);
    default:
      break;
  }
  if (isPrintableArray(p)) {
    let text = "";
    for (const item of p) {
      const part = plainText(item);
      if (part === undefined) {
        return undefined;
      }
      text += part;
    }
    return text;
  }
  return p.kind === "import" || p.kind === "local" ? p.name : undefined;
}

/** TypeScript's keyword types: prettier's "simple" types that are not references. */
const KEYWORD_TYPES = new Set([
  "any",
  "bigint",
  "boolean",
  "never",
  "null",
  "number",
  "object",
  "string",
  "symbol",
  "this",
  "undefined",
  "unknown",
  "void",
]);

const TYPE_NAME =
  /^[\p{ID_Start}$_][\p{ID_Continue}$]*(?:\.[\p{ID_Start}$_][\p{ID_Continue}$]*)*$/u;
const LITERAL_TYPE =
  /^(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|-?\d[\d_.eExXa-fA-FnN]*|true|false)$/;

/**
 * Prettier's `isSimpleType`: a keyword type, a literal type, or a type
 * reference without type arguments.
 */
function isSimpleType(p: Printable): boolean {
  const text = plainText(p);
  return (
    text !== undefined && (TYPE_NAME.test(text) || LITERAL_TYPE.test(text))
  );
}

/** A type reference, with or without type arguments: `Foo`, `ns.Foo`, `Foo<T>`. */
function isTypeReference(p: Printable): boolean {
  const unwrapped = unwrap(p);
  const text = plainText(unwrapped);
  if (text !== undefined) {
    return TYPE_NAME.test(text) && !KEYWORD_TYPES.has(text);
  }
  if (isPrintableArray(unwrapped) && unwrapped.length === 2) {
    const [name, args] = unwrapped;
    return isTypeReference(name!) && isLayout(args!, "type-args");
  }
  return false;
}

/** Prettier's `shouldHugUnionType`: one object-like member, the rest `null`/`void`. */
function isHuggedUnion(u: UnionLayout): boolean {
  if (u.types.length < 2) {
    return false;
  }
  const objectLike = u.types.filter(
    (t) => isLayout(unwrap(t), "object-type") || isTypeReference(t),
  );
  if (objectLike.length !== 1) {
    return false;
  }
  return u.types.every((t) => t === objectLike[0] || isVoidType(t));
}

function isVoidType(p: Printable): boolean {
  const text = plainText(p);
  return text === "null" || text === "void";
}

/** The union's own group: `| A` lines when broken, `A | B` when flat. */
function unionCore(u: UnionLayout, cx: LowerContext): Doc {
  const members = u.types.map((t) => align(2, lowerUnionMember(t, cx)));
  return group([ifBreak("| "), join(LINE_BAR, members)]);
}

/** A union member; a function type needs parentheses to stay one member. */
function lowerUnionMember(t: Printable, cx: LowerContext): Doc {
  const doc = lower(t, cx, "annotation");
  return isLayout(unwrap(t), "signature") ? ["(", doc, ")"] : doc;
}

function lowerUnion(u: UnionLayout, cx: LowerContext, position: Position): Doc {
  if (u.types.length === 0) {
    return "never";
  }
  if (u.types.length === 1) {
    return lower(u.types[0]!, cx, position);
  }
  if (isHuggedUnion(u)) {
    return join(
      " | ",
      u.types.map((t) => lowerUnionMember(t, cx)),
    );
  }
  const core = unionCore(u, cx);
  switch (position) {
    case "annotation":
      return group(indent([softline, core]));
    case "type-arg":
      return core;
    case "array-element":
      return ["(", group([indent([softline, core]), softline]), ")"];
    default: {
      const unreachable: never = position;
      throw new Error(`unknown position ${String(unreachable)}`);
    }
  }
}

/** A lone type argument prettier never breaks around (see {@link typeArgs}). */
function isUnbreakableTypeArg(only: Printable): boolean {
  return (
    isSimpleType(only) ||
    isLayout(only, "object-type") ||
    (isUnion(only) && isHuggedUnion(only))
  );
}

function lowerTypeArgs(t: TypeArgsLayout, cx: LowerContext): Doc {
  if (t.types.length === 0) {
    return "";
  }
  if (t.types.length === 1) {
    const only = unwrap(t.types[0]!);
    if (isUnbreakableTypeArg(only)) {
      return ["<", lower(only, cx, "type-arg"), ">"];
    }
  }
  return group([
    "<",
    indent([
      softline,
      join(
        COMMA_LINE,
        t.types.map((ty) => lower(ty, cx, "type-arg")),
      ),
    ]),
    softline,
    ">",
  ]);
}

function lowerSignature(s: SignatureLayout, cx: LowerContext): Doc {
  const returnDoc: Doc =
    s.returnType === undefined
      ? ""
      : [s.arrow ? " => " : ": ", lower(s.returnType, cx, "annotation")];
  if (s.params.length === 0) {
    return group(["()", returnDoc]);
  }
  let paramsDoc: Doc;
  const hugged =
    s.params.length === 1 ? huggedObjectType(s.params[0]!) : undefined;
  if (hugged !== undefined) {
    // Prettier hugs a sole parameter typed with an object literal type: the
    // object's lines belong to the signature's group (it has none of its
    // own, so `expand` does not apply).
    const [head, objectType] = hugged;
    paramsDoc = [
      "(",
      head.map((h) => lower(h, cx, "annotation")),
      objectTypeContents(objectType, cx),
      ")",
    ];
  } else {
    const params = s.params.map((p) => lower(p, cx, "annotation"));
    const isRest = plainPrefix(s.params[s.params.length - 1]!).startsWith(
      "...",
    );
    paramsDoc = [
      "(",
      indent([softline, join(COMMA_LINE, params)]),
      ifBreak(isRest ? "" : ","),
      softline,
      ")",
    ];
  }
  // Prettier's shouldGroupFunctionParameters: with one parameter and a
  // return type that is an object type or must break, the parameters get a
  // group of their own, so the return type breaks first.
  const groupParams =
    s.params.length === 1 &&
    s.returnType !== undefined &&
    (isLayout(unwrap(s.returnType), "object-type") || willBreak(returnDoc));
  return group([groupParams ? group(paramsDoc) : paramsDoc, returnDoc]);
}

/** For a parameter `[name, ": ", objectType(...)]`: its head and the object type. */
function huggedObjectType(
  p: Printable,
): readonly [readonly Printable[], ObjectTypeLayout] | undefined {
  const unwrapped = unwrap(p);
  if (isPrintableArray(unwrapped) && unwrapped.length > 1) {
    const last = unwrap(unwrapped[unwrapped.length - 1]!);
    if (isLayout(last, "object-type")) {
      return [unwrapped.slice(0, -1), last];
    }
  }
  return undefined;
}

/** The leading plain text of `p` (up to its first layout node). */
function plainPrefix(p: Printable): string {
  const text = plainText(p);
  if (text !== undefined) {
    return text;
  }
  if (isPrintableArray(p) && p.length > 0) {
    return plainPrefix(p[0]!);
  }
  return "";
}

function lowerCallArgs(c: CallArgsLayout, cx: LowerContext): Doc {
  if (c.args.length === 0) {
    return "()";
  }
  const docs = c.args.map((a) => lower(a, cx, "annotation"));
  const printed = docs.map((d, i) =>
    i < docs.length - 1 ? [d, ",", line] : d,
  );
  const allBroken = (): Doc =>
    group(["(", indent([line, ...printed]), ",", line, ")"], {
      shouldBreak: true,
    });

  const last = unwrap(c.args[c.args.length - 1]!);
  const penultimate =
    c.args.length > 1 ? unwrap(c.args[c.args.length - 2]!) : undefined;
  // Prettier does not hug an array of numbers (it fills those several to a
  // line) unless it is the only argument.
  const expandable =
    (isLayout(last, "object") && last.entries.length > 0) ||
    (isLayout(last, "array") &&
      last.items.length > 0 &&
      !(
        c.args.length > 1 && last.items.every((item) => isNumberLiteral(item))
      ));
  const sameKind =
    penultimate !== undefined &&
    typeof penultimate === "object" &&
    !isPrintableArray(penultimate) &&
    typeof last === "object" &&
    !isPrintableArray(last) &&
    penultimate.kind === last.kind;
  if (expandable && !sameKind) {
    // Prettier's last-argument expansion (printCallArguments).
    const head = printed.slice(0, -1);
    if (head.some(willBreak)) {
      return allBroken();
    }
    const lastDoc = docs[docs.length - 1]!;
    if (willBreak(lastDoc)) {
      return [
        breakParent,
        conditionalGroup([
          ["(", ...head, group(lastDoc, { shouldBreak: true }), ")"],
          allBroken(),
        ]),
      ];
    }
    return conditionalGroup([
      ["(", ...head, lastDoc, ")"],
      ["(", ...head, group(lastDoc, { shouldBreak: true }), ")"],
      allBroken(),
    ]);
  }
  return group(
    ["(", indent([softline, ...printed]), ifBreak(","), softline, ")"],
    {
      shouldBreak: docs.some(willBreak),
    },
  );
}

function isNumberLiteral(p: Printable): boolean {
  const text = plainText(p);
  return text !== undefined && /^[-+]?(?:\d|\.\d)/.test(text);
}

function lowerArray(a: ArrayLayout, cx: LowerContext): Doc {
  if (a.items.length === 0) {
    return "[]";
  }
  return group(
    [
      "[",
      indent([
        softline,
        join(
          COMMA_LINE,
          a.items.map((i) => lower(i, cx, "annotation")),
        ),
      ]),
      ifBreak(","),
      softline,
      "]",
    ],
    { shouldBreak: isArrayOfObjects(a) },
  );
}

/**
 * Prettier always breaks an array of two or more objects (or arrays) that
 * each have more than one entry.
 */
function isArrayOfObjects(a: ArrayLayout): boolean {
  if (a.items.length < 2) {
    return false;
  }
  const first = unwrap(a.items[0]!);
  return a.items.every((p) => {
    const item = unwrap(p);
    return (
      (isLayout(item, "object") &&
        isLayout(first, "object") &&
        item.entries.length > 1) ||
      (isLayout(item, "array") &&
        isLayout(first, "array") &&
        item.items.length > 1)
    );
  });
}

function lowerObject(o: ObjectLayout, cx: LowerContext): Doc {
  if (o.entries.length === 0) {
    return "{}";
  }
  const props = o.entries.map((entry) => {
    // An entry's document is a group too, often left flat.
    const text = cx.flat.get(entry);
    return text !== undefined && !cx.forced.has(entry)
      ? lazyDoc(text, entry, "annotation", cx)
      : lowerEntry(entry, cx);
  });
  return group(
    ["{", indent([line, join(COMMA_LINE, props)]), ifBreak(","), line, "}"],
    {
      shouldBreak: o.expand || cx.expanded.has(o),
      origin: o,
    },
  );
}

/** An entry of an object literal: `key: value`. */
function lowerEntry(entry: ObjectEntry, cx: LowerContext): Doc {
  return layoutAssignment(
    quotePropertyKey(entry[0]),
    ":",
    entry[1],
    cx,
    "property",
  );
}

function lowerAssignment(a: AssignmentLayout, cx: LowerContext): Doc {
  return layoutAssignment(a.left, " =", a.right, cx, a.target);
}

/** What stands on the left of an assignment-like construct. */
type AssignmentTarget = "type-alias" | "variable" | "property";

/**
 * `left op right` with prettier's assignment layouts (printAssignment's
 * chooseLayout), for the cases generated code has:
 * - "break-after-operator": a union type; a string literal or a call with
 *   at most one short argument (nothing inside to break) in an expression,
 *   unless behind a short object key;
 * - "never-break-after-operator": behind an object key narrower than 5
 *   columns, or before a number or boolean literal in an expression;
 * - "fluid" otherwise: break inside the right side first, and after the
 *   operator only when the right side's first line does not fit.
 */
function layoutAssignment(
  left: Printable,
  operator: string,
  right: Printable,
  cx: LowerContext,
  target: AssignmentTarget,
): Doc {
  const leftDoc = group(lower(left, cx, "annotation"));
  const rightUnwrapped = unwrap(right);
  if (
    isUnion(rightUnwrapped) &&
    rightUnwrapped.types.length > 1 &&
    !isHuggedUnion(rightUnwrapped)
  ) {
    return group([
      leftDoc,
      operator,
      group(indent([line, unionCore(rightUnwrapped, cx)])),
    ]);
  }
  const rightDoc = lower(right, cx, "annotation");
  const breakAfterOperator = (): Doc =>
    group([leftDoc, operator, group(indent([line, rightDoc]))]);
  const neverBreak = (): Doc => group([leftDoc, operator, " ", rightDoc]);
  // The literal and call rules are about expressions; in a type alias a
  // literal is a literal type, laid out fluidly.
  if (target !== "type-alias") {
    const leftText = plainText(left);
    const rightText = plainText(rightUnwrapped);
    // Prettier: a key narrower than tabWidth + 3 is not worth a line break.
    const hasShortKey =
      target === "property" &&
      leftText !== undefined &&
      stringWidth(leftText) < TAB_WIDTH + 3;
    if (
      !hasShortKey &&
      ((rightText !== undefined && /^["']/.test(rightText)) ||
        isPoorlyBreakableCall(rightUnwrapped))
    ) {
      return breakAfterOperator();
    }
    const canBreakLeft = willBreakOrCanBreak(leftDoc);
    if (
      !canBreakLeft &&
      (hasShortKey ||
        (rightText !== undefined && /^(?:-?\d|true$|false$)/.test(rightText)))
    ) {
      return neverBreak();
    }
  }
  const id = Symbol("assignment");
  return group([
    leftDoc,
    operator,
    group(indent(line), { id }),
    indentIfBreak(rightDoc, id),
  ]);
}

/** True when `doc` contains a line break, taken or not (prettier's canBreak). */
function willBreakOrCanBreak(doc: Doc): boolean {
  return someDoc(doc, (node) => {
    switch (node.kind) {
      case "line":
      case "break-parent":
        return true;
      case "lazy":
        return willBreakOrCanBreak(expandLazy(node));
      case "group":
        return (node.expandedStates ?? [node.contents]).some(
          willBreakOrCanBreak,
        );
      default:
        return undefined;
    }
  });
}

/**
 * False when the last piece of `p` is certainly not call arguments: a quick
 * test before flattening `p` (an empty array at the end would be skipped by
 * flattening, so it cannot tell).
 */
function mayEndInCallArgs(p: readonly Printable[]): boolean {
  let last: Printable = p;
  while (isPrintableArray(last)) {
    if (last.length === 0) {
      return true;
    }
    last = last[last.length - 1]!;
  }
  return isLayout(last, "call-args");
}

/**
 * Prettier's isPoorlyBreakableMemberOrCallChain for the one-call case:
 * `callee(...)` where the callee is a plain name or member chain and there
 * is no argument or one short one (a name or string of at most 20 columns,
 * a number, a keyword literal). Breaking inside such a call helps little,
 * so prettier breaks after the `=` instead. `await` and a `/*@__PURE__*\/`
 * comment in front do not change this; `new` does (it is not a call).
 */
function isPoorlyBreakableCall(p: Printable): boolean {
  if (!isPrintableArray(p) || !mayEndInCallArgs(p)) {
    return false;
  }
  const parts = p.flatMap(function flatten(part: Printable): Printable[] {
    return isPrintableArray(part) ? part.flatMap(flatten) : [part];
  });
  const args = parts[parts.length - 1];
  if (args === undefined || !isLayout(args, "call-args")) {
    return false;
  }
  const callee = plainText(parts.slice(0, -1));
  if (callee === undefined) {
    return false;
  }
  const bareCallee = callee.replace(/^(?:\/\*@__PURE__\*\/ |await )+/, "");
  if (
    !/^[\p{ID_Start}$_][\p{ID_Continue}$]*(?:\.[\p{ID_Start}$_][\p{ID_Continue}$]*)*$/u.test(
      bareCallee,
    )
  ) {
    return false;
  }
  if (args.args.length === 0) {
    return true;
  }
  if (args.args.length > 1) {
    return false;
  }
  const arg = plainText(args.args[0]!);
  const threshold = PRINT_WIDTH / 4;
  return (
    arg !== undefined &&
    ((/^[\p{ID_Start}$_][\p{ID_Continue}$]*$/u.test(arg) &&
      arg.length <= threshold) ||
      (/^["']/.test(arg) && stringWidth(arg) <= threshold) ||
      /^-?\d/.test(arg))
  );
}

// ---------------------------------------------------------------------------
// Layout: a small document printer, after prettier's (and Wadler's)
// ---------------------------------------------------------------------------

type Doc =
  | string
  | readonly Doc[]
  | GroupDoc
  | IndentDoc
  | AlignDoc
  | LineDoc
  | IfBreakDoc
  | IndentIfBreakDoc
  | BreakParentDoc
  | LazyDoc;

interface GroupDoc {
  readonly kind: "group";
  readonly contents: Doc;
  /** The object layout this group prints, to record whether it broke. */
  readonly origin: Layout | undefined;
  /** Set when the group must break, by request or because of what it holds (see forcesBreak). */
  readonly shouldBreak: boolean;
  readonly id: symbol | undefined;
  /** Alternatives from most to least flat (prettier's conditionalGroup). */
  readonly expandedStates: readonly Doc[] | undefined;
}
interface IndentDoc {
  readonly kind: "indent";
  readonly contents: Doc;
}
interface AlignDoc {
  readonly kind: "align";
  readonly width: number;
  readonly contents: Doc;
}
/** A space (`soft: false`) or nothing (`soft: true`) when flat; a newline when broken. */
interface LineDoc {
  readonly kind: "line";
  readonly soft: boolean;
}
interface IfBreakDoc {
  readonly kind: "if-break";
  readonly breakContents: Doc;
  readonly flatContents: Doc;
}
interface IndentIfBreakDoc {
  readonly kind: "indent-if-break";
  readonly contents: Doc;
  readonly groupId: symbol;
}
interface BreakParentDoc {
  readonly kind: "break-parent";
}
/**
 * The document of a layout, built only when needed. It stands for a single
 * group (or conditional group) containing nothing that must break, so
 * wherever the layout prints it flat it prints `text` (of `width` columns),
 * the same as the group's flat form; most groups of a long line do fit.
 * The document is built (by {@link expandLazy}) when it is laid out broken
 * or when something looks inside it while it breaks.
 */
interface LazyDoc {
  readonly kind: "lazy";
  readonly text: string;
  readonly width: number;
  /** What the document is of: a layout (at `position`) or an object entry. */
  readonly part: FlatPart;
  readonly position: Position;
  readonly cx: LowerContext;
  doc: Doc | undefined;
}

function lazyDoc(
  text: string,
  part: FlatPart,
  position: Position,
  cx: LowerContext,
): LazyDoc {
  const width = cx.ascii ? text.length : stringWidth(text);
  return { kind: "lazy", text, width, part, position, cx, doc: undefined };
}

/** A group that is not conditional and not forced to break. */
function isPlainGroup(doc: Doc): doc is GroupDoc {
  return (
    typeof doc === "object" &&
    !isDocArray(doc) &&
    doc.kind === "group" &&
    doc.expandedStates === undefined &&
    !doc.shouldBreak
  );
}

function expandLazy(lazy: LazyDoc): Doc {
  if (lazy.doc === undefined) {
    const part = lazy.part;
    lazy.doc = isObjectEntry(part)
      ? lowerEntry(part, lazy.cx)
      : lowerLayout(part, lazy.cx, lazy.position);
  }
  return lazy.doc;
}

function isObjectEntry(part: FlatPart): part is ObjectEntry {
  return Array.isArray(part);
}

const line: LineDoc = { kind: "line", soft: false };
const softline: LineDoc = { kind: "line", soft: true };
const breakParent: BreakParentDoc = { kind: "break-parent" };
// Separators, shared (documents are never changed once built).
const COMMA_LINE: Doc = [",", line];
const SEMICOLON_LINE: Doc = [";", line];
const LINE_BAR: Doc = [line, "| "];

function group(
  contents: Doc,
  options: {
    readonly shouldBreak?: boolean;
    readonly id?: symbol;
    readonly origin?: Layout;
  } = {},
): GroupDoc {
  return {
    kind: "group",
    contents,
    origin: options.origin,
    shouldBreak: (options.shouldBreak ?? false) || forcesBreak(contents),
    id: options.id,
    expandedStates: undefined,
  };
}

function conditionalGroup(states: readonly Doc[]): GroupDoc {
  return {
    kind: "group",
    contents: states[0]!,
    origin: undefined,
    shouldBreak: false,
    id: undefined,
    expandedStates: states,
  };
}

function indent(contents: Doc): IndentDoc {
  return { kind: "indent", contents };
}

function align(width: number, contents: Doc): AlignDoc {
  return { kind: "align", width, contents };
}

function ifBreak(breakContents: Doc, flatContents: Doc = ""): IfBreakDoc {
  return { kind: "if-break", breakContents, flatContents };
}

function indentIfBreak(contents: Doc, groupId: symbol): IndentIfBreakDoc {
  return { kind: "indent-if-break", contents, groupId };
}

function join(separator: Doc, docs: readonly Doc[]): Doc[] {
  const out: Doc[] = [];
  docs.forEach((doc, i) => {
    if (i > 0) {
      out.push(separator);
    }
    out.push(doc);
  });
  return out;
}

/** True when `doc` contains a group that must break (prettier's willBreak). */
function willBreak(doc: Doc): boolean {
  return someDoc(doc, (node) =>
    node.kind === "group" && node.shouldBreak ? true : undefined,
  );
}

/** A document that is neither text nor a concatenation. */
type DocNode = Exclude<Doc, string | readonly Doc[]>;

/**
 * Whether some part of `doc` satisfies `decide`, the one walk behind
 * prettier's willBreak, canBreak and propagateBreaks: texts never do;
 * `decide` answers for a node (true or false) or returns undefined to look
 * inside it, at a group's contents, both branches of an if-break, the
 * contents of an indentation. Line, break-parent and lazy nodes have no
 * inside: undefined for those means false, except that a break-parent is
 * always true.
 */
function someDoc(
  doc: Doc,
  decide: (node: DocNode) => boolean | undefined,
): boolean {
  if (typeof doc === "string") {
    return false;
  }
  if (isDocArray(doc)) {
    for (const child of doc) {
      if (someDoc(child, decide)) {
        return true;
      }
    }
    return false;
  }
  const decided = decide(doc);
  if (decided !== undefined) {
    return decided;
  }
  switch (doc.kind) {
    case "group":
    case "indent":
    case "align":
    case "indent-if-break":
      return someDoc(doc.contents, decide);
    case "if-break":
      return (
        someDoc(doc.breakContents, decide) || someDoc(doc.flatContents, decide)
      );
    case "break-parent":
      return true;
    case "line":
    case "lazy":
      return false;
    default: {
      const unreachable: never = doc;
      throw new Error(`unknown doc ${JSON.stringify(unreachable)}`);
    }
  }
}

function isDocArray(doc: Doc): doc is readonly Doc[] {
  return Array.isArray(doc);
}

/**
 * Whether `doc` forces the group around it to break: whether it holds a
 * break-parent or a group that must break outside any group of its own.
 * Groups take this on when built (see {@link group}), which is what
 * prettier's propagateBreaks does before printing; conditional groups stop
 * the propagation (they choose between their states instead).
 */
function forcesBreak(doc: Doc): boolean {
  return someDoc(doc, (node) =>
    node.kind === "group" ? node.shouldBreak : undefined,
  );
}

type Mode = "flat" | "break";

/**
 * Lays out `doc` starting at column `indent` (which is also the base
 * indentation of its broken lines) for `width` columns. The first line of
 * the text returned lacks that indentation (the caller has printed it);
 * later lines carry their full indentation. `ascii` says every piece of
 * text is printable ASCII, one column per character. Groups of objects that
 * break are added to `broken`.
 */
function layoutDoc(
  doc: Doc,
  indent: number,
  width: number,
  broken: Set<Layout>,
  ascii: boolean,
): string {
  const out: string[] = [];
  let column = indent;
  let groupModes: Map<symbol, Mode> | undefined;
  // The commands still to print, as three parallel stacks (document,
  // indentation, mode): one object per command would be most of the garbage.
  const docs: Doc[] = [doc];
  const indents: number[] = [indent];
  const modes: Mode[] = ["break"];
  const push = (d: Doc, ind: number, mode: Mode): void => {
    docs.push(d);
    indents.push(ind);
    modes.push(mode);
  };
  while (docs.length > 0) {
    const current = docs.pop()!;
    const ind = indents.pop()!;
    const mode = modes.pop()!;
    if (typeof current === "string") {
      out.push(current);
      column += ascii ? current.length : stringWidth(current);
      continue;
    }
    if (isDocArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) {
        push(current[i]!, ind, mode);
      }
      continue;
    }
    switch (current.kind) {
      case "indent":
        push(current.contents, ind + TAB_WIDTH, mode);
        break;
      case "align":
        push(current.contents, ind + current.width, mode);
        break;
      case "group": {
        let chosenDoc = current.contents;
        let chosenMode: Mode;
        if (mode === "flat") {
          chosenMode = current.shouldBreak ? "break" : "flat";
        } else {
          const remaining = width - column;
          if (
            !current.shouldBreak &&
            fits(current.contents, "flat", docs, modes, remaining, ascii)
          ) {
            chosenMode = "flat";
          } else if (current.expandedStates !== undefined) {
            const states = current.expandedStates;
            chosenDoc = states[states.length - 1]!;
            chosenMode = "break";
            if (!current.shouldBreak) {
              for (let i = 1; i < states.length; i++) {
                if (fits(states[i]!, "flat", docs, modes, remaining, ascii)) {
                  chosenDoc = states[i]!;
                  chosenMode = "flat";
                  break;
                }
              }
            }
          } else {
            chosenMode = "break";
          }
        }
        push(chosenDoc, ind, chosenMode);
        if (chosenMode === "break" && current.origin !== undefined) {
          broken.add(current.origin);
        }
        if (current.id !== undefined) {
          (groupModes ??= new Map()).set(current.id, chosenMode);
        }
        break;
      }
      case "if-break":
        push(
          mode === "break" ? current.breakContents : current.flatContents,
          ind,
          mode,
        );
        break;
      case "indent-if-break": {
        const groupMode = groupModes?.get(current.groupId) ?? "flat";
        push(
          current.contents,
          groupMode === "break" ? ind + TAB_WIDTH : ind,
          mode,
        );
        break;
      }
      case "line":
        if (mode === "flat") {
          if (!current.soft) {
            out.push(" ");
            column += 1;
          }
        } else {
          trimTrailingWhitespace(out);
          out.push(`\n${" ".repeat(ind)}`);
          column = ind;
        }
        break;
      case "break-parent":
        break;
      case "lazy":
        // As its group would: flat when in flat mode or when it fits.
        if (
          mode === "flat" ||
          fits(current, "flat", docs, modes, width - column, ascii)
        ) {
          out.push(current.text);
          column += current.width;
        } else {
          const doc = expandLazy(current);
          if (isPlainGroup(doc)) {
            // The group's flat form was just measured and does not fit.
            push(doc.contents, ind, "break");
            if (doc.origin !== undefined) {
              broken.add(doc.origin);
            }
            if (doc.id !== undefined) {
              (groupModes ??= new Map()).set(doc.id, "break");
            }
          } else {
            push(doc, ind, mode);
          }
        }
        break;
      default: {
        const unreachable: never = current;
        throw new Error(`unknown doc ${JSON.stringify(unreachable)}`);
      }
    }
  }
  return out.join("");
}

/** The work stacks of {@link fits}, reused from call to call. */
const fitsDocs: Doc[] = [];
const fitsModes: Mode[] = [];

/**
 * Whether `next`, printed in `mode`, fits in `width` columns: measures it,
 * then the commands still to print (`restDocs`/`restModes`, a stack) in
 * their own modes, up to the first line break that would be taken
 * (prettier's `fits` with `mustBeFlat` false).
 */
function fits(
  next: Doc,
  mode: Mode,
  restDocs: readonly Doc[],
  restModes: readonly Mode[],
  width: number,
  ascii: boolean,
): boolean {
  let remaining = width;
  let restIndex = restDocs.length;
  const docs = fitsDocs;
  const modes = fitsModes;
  docs.length = 0;
  modes.length = 0;
  docs.push(next);
  modes.push(mode);
  while (remaining >= 0) {
    if (docs.length === 0) {
      if (restIndex === 0) {
        return true;
      }
      restIndex--;
      docs.push(restDocs[restIndex]!);
      modes.push(restModes[restIndex]!);
      continue;
    }
    const doc = docs.pop()!;
    const docMode = modes.pop()!;
    if (typeof doc === "string") {
      remaining -= ascii ? doc.length : stringWidth(doc);
      continue;
    }
    if (isDocArray(doc)) {
      for (let i = doc.length - 1; i >= 0; i--) {
        docs.push(doc[i]!);
        modes.push(docMode);
      }
      continue;
    }
    switch (doc.kind) {
      case "indent":
      case "align":
      case "indent-if-break":
        docs.push(doc.contents);
        modes.push(docMode);
        break;
      case "group": {
        const groupMode: Mode = doc.shouldBreak ? "break" : docMode;
        docs.push(
          doc.expandedStates !== undefined && groupMode === "break"
            ? doc.expandedStates[doc.expandedStates.length - 1]!
            : doc.contents,
        );
        modes.push(groupMode);
        break;
      }
      case "if-break":
        docs.push(docMode === "break" ? doc.breakContents : doc.flatContents);
        modes.push(docMode);
        break;
      case "line":
        if (docMode === "break") {
          return true;
        }
        if (!doc.soft) {
          remaining -= 1;
        }
        break;
      case "break-parent":
        break;
      case "lazy":
        if (docMode === "flat") {
          remaining -= doc.width;
        } else {
          docs.push(expandLazy(doc));
          modes.push(docMode);
        }
        break;
      default: {
        const unreachable: never = doc;
        throw new Error(`unknown doc ${JSON.stringify(unreachable)}`);
      }
    }
  }
  return false;
}

function trimTrailingWhitespace(out: string[]): void {
  while (out.length > 0) {
    const last = out[out.length - 1]!;
    const end = last.charCodeAt(last.length - 1);
    if (last !== "" && end !== 0x20 && end !== 0x09) {
      return;
    }
    const trimmed = last.replace(/[\t ]+$/, "");
    if (trimmed !== "") {
      out[out.length - 1] = trimmed;
      return;
    }
    out.pop();
  }
}

/**
 * Display width as prettier counts it: one column per character, none for
 * combining marks, two for East Asian wide and fullwidth characters (an
 * approximation of the Unicode East Asian Width table by its main blocks).
 */
function stringWidth(text: string): number {
  if (/^[\x20-\x7e]*$/.test(text)) {
    return text.length;
  }
  let width = 0;
  for (const c of text) {
    const cp = c.codePointAt(0)!;
    if (
      cp <= 0x1f ||
      (cp >= 0x7f && cp <= 0x9f) ||
      (cp >= 0x300 && cp <= 0x36f)
    ) {
      continue;
    }
    width += isWide(cp) ? 2 : 1;
  }
  return width;
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}
