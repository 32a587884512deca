/**
 * The WIT parser. Phase: tokens -> AST. Consumes one {@link SourceFile} of
 * the source map (lexed by `lexer.ts`) and produces a {@link WitFile} plus
 * diagnostics; it resolves no names and reads no other file.
 *
 * A hand-written recursive-descent parser with one `parseX` method per
 * production of the WIT grammar (`design/mvp/WIT.md`), each quoting its
 * production. Where wit-parser (`crates/wit-parser/src/ast.rs`) accepts more
 * or less than the grammar, or reports an error in its own words, we follow
 * wit-parser, because users compare our messages and `file:line:col` with
 * it. Two families of errors exist there and here:
 * - "expected X, found Y" from `expect` marks a single character at the found
 *   token (wit-parser's lexer reports a position);
 * - the same message from a production that looked ahead (`errExpected`)
 *   marks the whole found token.
 * At end of file both point just past the last character.
 *
 * Recursion is bounded: type expressions nest at most {@link MAX_TYPE_DEPTH}
 * deep and packages {@link MAX_PACKAGE_DEPTH} deep, as in wit-parser, so no
 * input can overflow the JavaScript stack.
 */
import { codes, type DiagnosticCode } from "../diagnostics/codes.js";
import { abort, DiagnosticAbort, error, type Diagnostic } from "../diagnostics/diagnostic.js";
import { UNKNOWN_SPAN, type SourceFile, type Span } from "../diagnostics/source-map.js";
import type {
  AstItem,
  Attribute,
  Case,
  Docs,
  EnumCase,
  EnumDef,
  Export,
  ExternKind,
  Field,
  Flag,
  FlagsDef,
  Func,
  Id,
  Import,
  Include,
  IncludeName,
  Interface,
  InterfaceItem,
  NamedFunc,
  NestedPackage,
  PackageName,
  RecordDef,
  ResourceDef,
  ResourceFunc,
  ToplevelUse,
  Type,
  TypeAlias,
  TypeDef,
  Use,
  UseName,
  UsePath,
  VariantDef,
  Version,
  WitFile,
  World,
  WorldItem,
} from "./ast.js";
import {
  at,
  describeToken,
  forbiddenCodepoint,
  Scanner,
  Tok,
  validateId,
  type TokenKind,
} from "./lexer.js";
import { parseSemver } from "./parser-semver.js";
import { ParamTable } from "./param-table.js";
import { NO_TYPE, Ty, TypeTable } from "./type-table.js";

/** The deepest nesting of type expressions (`list<list<...>>`) accepted: the 101st level is an error, as in wit-parser. */
const MAX_TYPE_DEPTH = 100;
/** The deepest nesting of `package x:y { ... }` blocks accepted: the 101st is an error, as in wit-parser. */
const MAX_PACKAGE_DEPTH = 100;

export interface ParseResult {
  readonly ast: WitFile | undefined;
  readonly diagnostics: Diagnostic[];
}

/**
 * Parses one file of the source map. User errors come back as diagnostics
 * (wit-parser stops at the first one, and so do we); only bugs throw.
 */
export function parseFile(file: SourceFile): ParseResult {
  try {
    const ast = new Parser(file).parseWitFile();
    return { ast, diagnostics: [] };
  } catch (e) {
    if (e instanceof DiagnosticAbort) return { ast: undefined, diagnostics: [e.diagnostic] };
    throw e;
  }
}

const EMPTY_DOCS: Docs = Object.freeze({
  comments: Object.freeze([]) as readonly string[],
  start: UNKNOWN_SPAN.start,
  end: UNKNOWN_SPAN.end,
});
const NO_ATTRIBUTES: readonly Attribute[] = Object.freeze([]);

/** The one empty list of the tree (lists are read-only, see `ast.ts`). */
const EMPTY: readonly never[] = Object.freeze([]);

/** The primitive type keywords, as indices into `PRIMITIVE_NAMES`. */
const PRIMITIVES: Partial<Record<TokenKind, number>> = {
  [Tok.Bool]: 0,
  [Tok.U8]: 1,
  [Tok.U16]: 2,
  [Tok.U32]: 3,
  [Tok.U64]: 4,
  [Tok.S8]: 5,
  [Tok.S16]: 6,
  [Tok.S32]: 7,
  [Tok.S64]: 8,
  [Tok.F32]: 9,
  [Tok.F64]: 10,
  [Tok.Char]: 11,
  [Tok.String_]: 12,
  [Tok.ErrorContext]: 13,
};

/** Slots of the parser's identifier cache (a power of two). */
const NAME_SLOTS = 1024;

function span(start: number, end: number): Span {
  return { start, end };
}

class Parser {
  readonly #file: SourceFile;
  readonly #sc: Scanner;
  readonly #text: string;
  readonly #base: number;
  /** File offset of the next unread character (comments not yet read included). */
  #pos = 0;
  /** End offset (global) of the last token consumed, for node spans. */
  #lastEnd: number;
  /** The next non-comment token after `#peekAt`: its kind and global bounds (a one-token cache). */
  #peekAt = -1;
  #pk: TokenKind = Tok.Eof;
  #ps = 0;
  #pe = 0;
  #ph = 0;
  /** Global bounds (and identifier hash) of the token consumed last by `#next`, `#eat` or `#expect`. */
  #ts = 0;
  #te = 0;
  #th = 0;
  /**
   * Identifier names seen lately in this file, by their scanner hash, so a
   * repeated name is neither sliced nor validated again and its uses share
   * one string. Direct-mapped (a slot keeps the last name hashed to it):
   * identifiers are a third of all tokens, and an array read is cheaper than
   * a `Map` lookup, while names mostly recur close to each other.
   */
  readonly #names = new Array<string | undefined>(NAME_SLOTS).fill(undefined);

  /**
   * The items of the lists being parsed, innermost list last (see
   * `#listStart`); `#listTop` is one past the last item, and entries above it
   * are leftovers.
   */
  readonly #list: unknown[] = [];
  #listTop = 0;

  /** The file's type expressions (see `type-table.ts`). */
  readonly #types = new TypeTable();
  /** The file's function parameters (see `param-table.ts`). */
  readonly #params = new ParamTable();

  constructor(file: SourceFile) {
    this.#file = file;
    this.#sc = new Scanner(file);
    this.#text = file.text;
    this.#base = file.base;
    this.#lastEnd = file.base;
  }

  // -------------------------------------------------------------------------
  // Token cursor (wit-parser's `Tokenizer::{next, eat, expect}`)
  // -------------------------------------------------------------------------

  /** The kind of the next token that is not a comment (bounds in `#ps`/`#pe`); a lexical error there aborts. */
  #peek(): TokenKind {
    if (this.#peekAt !== this.#pos) {
      const sc = this.#sc;
      let k = sc.scan(this.#pos);
      while (k === Tok.Comment) k = sc.scan(sc.end);
      this.#pk = k;
      this.#ps = this.#base + sc.start;
      this.#pe = this.#base + sc.end;
      this.#ph = sc.hash;
      this.#peekAt = this.#pos;
    }
    return this.#pk;
  }

  /** Records the token the scanner just read as the next non-comment token after `#pos`. */
  #cachePeek(k: TokenKind): void {
    this.#pk = k;
    this.#ps = this.#base + this.#sc.start;
    this.#pe = this.#base + this.#sc.end;
    this.#ph = this.#sc.hash;
    this.#peekAt = this.#pos;
  }

  /** The kind of the non-comment token after the next one. */
  #peekKind2(): TokenKind {
    if (this.#peek() === Tok.Eof) return Tok.Eof;
    const sc = this.#sc;
    let k = sc.scan(this.#pe - this.#base);
    while (k === Tok.Comment) k = sc.scan(sc.end);
    return k;
  }

  /** Consumes the peeked token (not past end of file). */
  #advance(): void {
    this.#ts = this.#ps;
    this.#te = this.#pe;
    this.#th = this.#ph;
    if (this.#pk !== Tok.Eof) {
      this.#pos = this.#pe - this.#base;
      this.#lastEnd = this.#pe;
    }
  }

  #next(): TokenKind {
    const k = this.#peek();
    this.#advance();
    return k;
  }

  #eat(kind: TokenKind): boolean {
    if (this.#peek() !== kind) return false;
    this.#advance();
    return true;
  }

  /** Consumes a token of `kind`, or reports "expected X, found Y" at the found token's first character. */
  #expect(kind: TokenKind): void {
    if (this.#peek() !== kind) {
      abort(
        error(
          codes.UnexpectedToken,
          `expected ${describeToken(kind)}, found ${describeToken(this.#pk)}`,
          at(this.#ps, 1),
        ),
      );
    }
    this.#advance();
  }

  #expectSpan(kind: TokenKind): Span {
    this.#expect(kind);
    return span(this.#ts, this.#te);
  }

  /** wit-parser's `err_expected` for the peeked token: the error covers the whole token (an empty span at end of file). */
  #errExpected(expected: string): never {
    this.#peek();
    return this.#errExpectedAt(expected, this.#pk, this.#ps, this.#pe);
  }

  #errExpectedAt(expected: string, kind: TokenKind, start: number, end: number): never {
    abort(
      error(
        codes.UnexpectedToken,
        `expected ${expected}, found ${describeToken(kind)}`,
        span(start, end),
      ),
    );
  }

  /** Reports at `s`, which may be a node of the tree (its bounds are copied). */
  #fail(code: DiagnosticCode, message: string, s: Span): never {
    abort(error(code, message, span(s.start, s.end)));
  }

  /** Source text between two global offsets. */
  #slice(start: number, end: number): string {
    return this.#text.slice(start - this.#base, end - this.#base);
  }

  /** The validated name of the identifier token just consumed (`%` dropped), shared with earlier equal names. */
  #idName(kind: TokenKind): string {
    const start = this.#ts;
    const from = kind === Tok.ExplicitId ? start + 1 : start;
    const slot = this.#th & (NAME_SLOTS - 1);
    const seen = this.#names[slot];
    if (
      seen !== undefined &&
      seen.length === this.#te - from &&
      this.#text.startsWith(seen, from - this.#base)
    )
      return seen;
    const name = this.#slice(from, this.#te);
    validateId(name, start);
    this.#names[slot] = name;
    return name;
  }

  #startOfNext(): number {
    this.#peek();
    return this.#ps;
  }

  /** Moves the cursor back to a saved place (wit-parser clones its tokenizer instead). */
  #save(): number {
    return this.#pos;
  }

  #restore(pos: number, lastEnd: number): void {
    this.#pos = pos;
    this.#lastEnd = lastEnd;
  }

  // -------------------------------------------------------------------------
  // Lists
  // -------------------------------------------------------------------------

  /**
   * Starts a list: its items go on one stack shared by all the lists being
   * parsed (an inner list ends before its outer one takes its next item), and
   * `#listEnd` takes them off as an array exactly as long as the list. An
   * array of its own per list would be grown by `push`, keeping room for 17
   * items, and left as garbage besides the exact copy the tree keeps (or kept
   * as it is: a tenth of the tree, over the millions of short lists of a big
   * input). Returns where the list starts on the stack.
   */
  #listStart(): number {
    return this.#listTop;
  }

  #listPush<T>(item: T): void {
    this.#list[this.#listTop++] = item;
  }

  /** The items pushed since `start` (the list's `#listStart`), off the stack. */
  #listEnd<T>(start: number): readonly T[] {
    const end = this.#listTop;
    this.#listTop = start;
    // The items were pushed as `T` by the list's production (`#listPush<T>`).
    return start === end ? EMPTY : (this.#list.slice(start, end) as T[]);
  }

  // -------------------------------------------------------------------------
  // Leaves: identifiers, docs, versions, attributes
  // -------------------------------------------------------------------------

  /**
   * An identifier, plain or `%`-escaped, validated as kebab-case.
   *
   * ```ebnf
   * id ::= label | '%' label
   * ```
   */
  parseId(): Id {
    const kind = this.#peek();
    if (kind === Tok.Id || kind === Tok.ExplicitId) {
      this.#advance();
      const name = this.#idName(kind);
      return { name, start: this.#ts, end: this.#te };
    }
    return this.#errExpected("an identifier or string");
  }

  /**
   * The comments directly before the next token. wit-parser keeps every kind
   * of comment here; the resolver turns them into doc text.
   *
   * ```ebnf
   * docs ::= comment*
   * comment ::= '//' <any character but a line end>*
   *           | '/*' <any text, with nested block comments balanced> '*' '/'
   * ```
   */
  parseDocs(): Docs {
    const sc = this.#sc;
    let k = sc.scan(this.#pos);
    if (k !== Tok.Comment) {
      this.#cachePeek(k);
      return EMPTY_DOCS;
    }
    const comments = this.#listStart();
    const start = this.#base + sc.start;
    let end: number;
    let i: number;
    do {
      const text = this.#text.slice(sc.start, sc.end);
      this.#listPush<string>(text);
      // The docs span ends at the last comment without its trailing whitespace.
      let len = text.length;
      while (len > 0 && isAsciiWhitespace(text.charCodeAt(len - 1))) len--;
      end = this.#base + sc.start + len;
      i = sc.end;
    } while ((k = sc.scan(i)) === Tok.Comment);
    this.#pos = i;
    this.#cachePeek(k);
    return { comments: this.#listEnd<string>(comments), start, end };
  }

  /**
   * A semver version, gathered from tokens as wit-parser does: three
   * integers separated by `.`, then an optional `-` pre-release and `+` build
   * part made of identifiers, integers, `-` and `.`. A `.` not followed by one
   * of those is left alone (it belongs to `use a:b/c@1.0.0.{...}`).
   *
   * ```ebnf
   * valid-semver ::= <a semver 2.0 version>
   * ```
   */
  parseVersion(): Version {
    this.#expect(Tok.Integer);
    const start = this.#ts;
    this.#expect(Tok.Period);
    this.#expect(Tok.Integer);
    this.#expect(Tok.Period);
    this.#expect(Tok.Integer);
    let end = this.#te;
    end = this.#eatVersionPart(Tok.Minus, end);
    end = this.#eatVersionPart(Tok.Plus, end);
    const s = span(start, end);
    const text = this.#text.slice(start - this.#base, end - this.#base);
    const parts = parseSemver(text);
    if (typeof parts === "string") this.#fail(codes.InvalidVersion, parts, s);
    return { text, start, end, ...parts };
  }

  #eatVersionPart(prefix: TokenKind, end: number): number {
    if (!this.#eat(prefix)) return end;
    for (;;) {
      const k = this.#peek();
      if (k === Tok.Id || k === Tok.Integer || k === Tok.Minus) {
        this.#advance();
        end = this.#te;
        continue;
      }
      if (k === Tok.Period) {
        const save = this.#save();
        const saveEnd = this.#lastEnd;
        this.#advance();
        const k2 = this.#peek();
        if (k2 === Tok.Id || k2 === Tok.Integer || k2 === Tok.Minus) {
          this.#advance();
          end = this.#te;
          continue;
        }
        this.#restore(save, saveEnd);
      }
      return end;
    }
  }

  /** `('@' valid-semver)?` */
  #parseOptVersion(): Version | undefined {
    return this.#eat(Tok.At) ? this.parseVersion() : undefined;
  }

  /**
   * Feature gates before an item.
   *
   * ```ebnf
   * gate ::= gate-item*
   * gate-item ::= unstable-gate | since-gate | deprecated-gate
   * unstable-gate ::= '@unstable' '(' feature-field ')'
   * since-gate ::= '@since' '(' version-field ')'
   * deprecated-gate ::= '@deprecated' '(' version-field ')'
   * feature-field ::= 'feature' '=' id
   * version-field ::= 'version' '=' <valid semver>
   * ```
   */
  parseGate(): readonly Attribute[] {
    if (this.#peek() !== Tok.At) return NO_ATTRIBUTES;
    const out = this.#listStart();
    while (this.#eat(Tok.At)) {
      const id = this.parseId();
      switch (id.name) {
        case "since": {
          this.#expect(Tok.LeftParen);
          this.#eatNamedId("version");
          this.#expect(Tok.Equals);
          const version = this.parseVersion();
          this.#expect(Tok.RightParen);
          this.#listPush<Attribute>({ kind: "since", start: id.start, end: id.end, version });
          break;
        }
        case "unstable": {
          this.#expect(Tok.LeftParen);
          this.#eatNamedId("feature");
          this.#expect(Tok.Equals);
          const feature = this.parseId();
          this.#expect(Tok.RightParen);
          this.#listPush<Attribute>({ kind: "unstable", start: id.start, end: id.end, feature });
          break;
        }
        case "deprecated": {
          this.#expect(Tok.LeftParen);
          this.#eatNamedId("version");
          this.#expect(Tok.Equals);
          const version = this.parseVersion();
          this.#expect(Tok.RightParen);
          this.#listPush<Attribute>({ kind: "deprecated", start: id.start, end: id.end, version });
          break;
        }
        default:
          this.#fail(codes.UnknownAttribute, `unknown attribute \`${id.name}\``, id);
      }
    }
    return this.#listEnd<Attribute>(out);
  }

  /** The field name inside a gate: `version` or `feature`, nothing else. */
  #eatNamedId(expected: string): void {
    const id = this.parseId();
    if (id.name !== expected) {
      this.#fail(codes.UnexpectedToken, `expected \`${expected}\`, found \`${id.name}\``, id);
    }
  }

  // -------------------------------------------------------------------------
  // Files and packages
  // -------------------------------------------------------------------------

  /**
   * A whole file. `package a:b;` is the header only when a `;` follows the
   * name; otherwise the tokens are read again as a nested package block, as
   * wit-parser does (so `package a:b {` at the top is an item).
   *
   * ```ebnf
   * wit-file ::= (package-decl ';')? (package-items | nested-package-definition)*
   * ```
   */
  parseWitFile(): WitFile {
    const bad = forbiddenCodepoint(this.#file);
    if (bad) abort(bad);
    const file = this.#file;
    let header: PackageName | undefined;
    const save = this.#save();
    const saveEnd = this.#lastEnd;
    const docs = this.parseDocs();
    if (this.#eat(Tok.Package)) {
      const name = this.parsePackageDecl(docs);
      if (this.#eat(Tok.Semicolon)) header = name;
    }
    if (header === undefined) this.#restore(save, saveEnd);
    const items = this.#parsePackageItemList(false, 0);
    return {
      kind: "file",
      path: file.path,
      start: file.base,
      end: file.base + file.text.length,
      package: header,
      items,
      types: this.#types,
      params: this.#params,
    };
  }

  /**
   * Items up to the end of the file, or up to the `}` closing a nested
   * package (`inBlock`).
   *
   * ```ebnf
   * package-items ::= toplevel-use-item | interface-item | world-item
   * ```
   */
  #parsePackageItemList(inBlock: boolean, depth: number): readonly AstItem[] {
    const items = this.#listStart();
    let docs = this.parseDocs();
    for (;;) {
      if (inBlock) {
        if (this.#eat(Tok.RightBrace)) break;
      } else if (this.#peek() === Tok.Eof) {
        break;
      }
      this.#listPush<AstItem>(this.parsePackageItem(docs, depth));
      docs = this.parseDocs();
    }
    return this.#listEnd<AstItem>(items);
  }

  /**
   * One top-level item, after its docs.
   *
   * ```ebnf
   * package-items ::= toplevel-use-item | interface-item | world-item
   * ```
   */
  parsePackageItem(docs: Docs, depth: number): AstItem {
    const start = this.#startOfNext();
    const attributes = this.parseGate();
    switch (this.#peek()) {
      case Tok.Interface:
        return this.parseInterfaceItem(docs, attributes, start);
      case Tok.World:
        return this.parseWorldItem(docs, attributes, start);
      case Tok.Use:
        return this.parseToplevelUseItem(docs, attributes, start);
      case Tok.Package:
        return this.parseNestedPackageDefinition(docs, attributes, start, depth);
      default:
        return this.#errExpected("`world`, `interface` or `use`");
    }
  }

  /**
   * A package block. Packages nested inside nested packages are parsed (the
   * resolver rejects them) up to {@link MAX_PACKAGE_DEPTH} levels.
   *
   * ```ebnf
   * nested-package-definition ::= package-decl '{' package-items* '}'
   * ```
   */
  parseNestedPackageDefinition(
    docs: Docs,
    attributes: readonly Attribute[],
    start: number,
    depth: number,
  ): NestedPackage {
    const packageSpan = this.#expectSpan(Tok.Package);
    if (depth + 1 > MAX_PACKAGE_DEPTH)
      this.#fail(codes.PackageNestingTooDeep, "package nesting too deep", packageSpan);
    if (attributes.length > 0) {
      this.#fail(
        codes.AttributesOnNestedPackage,
        "cannot place attributes on nested packages",
        packageSpan,
      );
    }
    const name = this.parsePackageDecl(docs);
    this.#expect(Tok.LeftBrace);
    const items = this.#parsePackageItemList(true, depth + 1);
    return {
      kind: "package",
      start,
      end: this.#lastEnd,
      packageSpan,
      docs,
      attributes,
      name,
      items,
    };
  }

  /**
   * A package name after the `package` keyword (wit-parser's
   * `PackageName::parse`; nested namespaces 🪺 are not supported).
   *
   * ```ebnf
   * package-decl ::= 'package' ( id ':' )+ id ( '/' id )* ('@' valid-semver)?
   * ```
   */
  parsePackageDecl(docs: Docs): PackageName {
    const namespace = this.parseId();
    this.#expect(Tok.Colon);
    const name = this.parseId();
    const version = this.#parseOptVersion();
    const end = version ? version.end : name.end;
    return { start: namespace.start, end, docs, namespace, name, version };
  }

  /**
   * ```ebnf
   * toplevel-use-item ::= 'use' use-path ('as' id)? ';'
   * ```
   */
  parseToplevelUseItem(docs: Docs, attributes: readonly Attribute[], start: number): ToplevelUse {
    const useSpan = this.#expectSpan(Tok.Use);
    const item = this.parseUsePath();
    const as = this.#eat(Tok.As) ? this.parseId() : undefined;
    this.#expect(Tok.Semicolon);
    return { kind: "toplevel-use", start, end: this.#lastEnd, useSpan, docs, attributes, item, as };
  }

  /**
   * ```ebnf
   * use-path ::= id
   *            | id ':' id '/' id ('@' valid-semver)?
   * ```
   */
  parseUsePath(): UsePath {
    const id = this.parseId();
    if (!this.#eat(Tok.Colon)) return { kind: "id", start: id.start, end: id.end, id };
    const pkg = this.parseId();
    this.#expect(Tok.Slash);
    const name = this.parseId();
    const version = this.#parseOptVersion();
    // As in wit-parser, the package's span stops at the package name.
    const pkgName: PackageName = {
      start: id.start,
      end: pkg.end,
      docs: EMPTY_DOCS,
      namespace: id,
      name: pkg,
      version,
    };
    return { kind: "package", start: id.start, end: this.#lastEnd, package: pkgName, name };
  }

  // -------------------------------------------------------------------------
  // Interfaces
  // -------------------------------------------------------------------------

  /**
   * ```ebnf
   * interface-item ::= gate 'interface' id '{' interface-items* '}'
   * ```
   */
  parseInterfaceItem(docs: Docs, attributes: readonly Attribute[], start: number): Interface {
    this.#expect(Tok.Interface);
    const name = this.parseId();
    const items = this.parseInterfaceBody();
    return { kind: "interface", start, end: this.#lastEnd, docs, attributes, name, items };
  }

  /**
   * The braces and items of an interface (also of `import x: interface { ... }`).
   *
   * ```ebnf
   * '{' interface-items* '}'
   * interface-items ::= gate interface-definition
   * ```
   */
  parseInterfaceBody(): readonly InterfaceItem[] {
    this.#expect(Tok.LeftBrace);
    const items = this.#listStart();
    for (;;) {
      const docs = this.parseDocs();
      if (this.#eat(Tok.RightBrace)) break;
      const start = this.#startOfNext();
      const attributes = this.parseGate();
      this.#listPush<InterfaceItem>(this.parseInterfaceDefinition(docs, attributes, start));
    }
    return this.#listEnd<InterfaceItem>(items);
  }

  /**
   * ```ebnf
   * interface-definition ::= use-item | typedef-item | func-item
   * ```
   */
  parseInterfaceDefinition(
    docs: Docs,
    attributes: readonly Attribute[],
    start: number,
  ): InterfaceItem {
    switch (this.#peek()) {
      case Tok.Type:
      case Tok.Flags:
      case Tok.Enum:
      case Tok.Variant:
      case Tok.Resource:
      case Tok.Record:
        return this.parseTypedefItem(docs, attributes, start);
      case Tok.Id:
      case Tok.ExplicitId:
        return this.parseFuncItem(docs, attributes, start);
      case Tok.Use:
        return this.parseUseItem(docs, attributes, start);
      default:
        return this.#errExpected("`type`, `resource` or `func`");
    }
  }

  /**
   * ```ebnf
   * use-item ::= 'use' use-path '.' '{' use-names-list '}' ';'
   * use-names-list ::= use-names-item | use-names-item ',' use-names-list?
   * use-names-item ::= id | id 'as' id
   * ```
   * As in wit-parser the list may be empty (`use foo.{};`).
   */
  parseUseItem(docs: Docs, attributes: readonly Attribute[], start: number): Use {
    this.#expect(Tok.Use);
    const from = this.parseUsePath();
    this.#expect(Tok.Period);
    this.#expect(Tok.LeftBrace);
    const names = this.#listStart();
    while (!this.#eat(Tok.RightBrace)) {
      const name = this.parseId();
      const as = this.#eat(Tok.As) ? this.parseId() : undefined;
      this.#listPush<UseName>({ start: name.start, end: this.#lastEnd, name, as });
      if (!this.#eat(Tok.Comma)) {
        this.#expect(Tok.RightBrace);
        break;
      }
    }
    this.#expect(Tok.Semicolon);
    return {
      kind: "use",
      start,
      end: this.#lastEnd,
      docs,
      attributes,
      from,
      names: this.#listEnd<UseName>(names),
    };
  }

  /**
   * ```ebnf
   * func-item ::= id ':' func-type ';'
   * ```
   */
  parseFuncItem(docs: Docs, attributes: readonly Attribute[], start: number): NamedFunc {
    const name = this.parseId();
    this.#expect(Tok.Colon);
    const func = this.parseFuncType();
    this.#expect(Tok.Semicolon);
    return { kind: "func", start, end: this.#lastEnd, docs, attributes, name, func };
  }

  /**
   * ```ebnf
   * func-type ::= 'async'? 'func' param-list result-list
   * result-list ::= ϵ | '->' ty
   * ```
   */
  parseFuncType(): Func {
    const start = this.#startOfNext();
    const isAsync = this.#eat(Tok.Async);
    this.#expect(Tok.Func);
    const funcStart = this.#ts;
    const funcEnd = this.#te;
    const firstParam = this.parseParamList();
    const paramCount = this.#params.length - firstParam;
    const result = this.#eat(Tok.RArrow) ? this.parseTy(0) : undefined;
    return {
      start,
      end: this.#lastEnd,
      funcStart,
      funcEnd,
      async: isAsync,
      firstParam,
      paramCount,
      result,
    };
  }

  /**
   * ```ebnf
   * param-list ::= '(' named-type-list ')'
   * named-type-list ::= ϵ | named-type ( ',' named-type )*
   * ```
   * As in wit-parser, a trailing comma is allowed. The parameters go to the file's parameter table, one
   * row each and one list's rows in a run (a type cannot hold a function); returns the first row.
   */
  parseParamList(): number {
    this.#expect(Tok.LeftParen);
    const first = this.#params.length;
    // `#parseListTrailer` written out: this list is the most frequent one.
    for (;;) {
      this.parseDocs();
      if (this.#eat(Tok.RightParen)) break;
      this.parseNamedType();
      if (!this.#eat(Tok.Comma)) {
        this.#expect(Tok.RightParen);
        break;
      }
    }
    return first;
  }

  /**
   * A parameter, written to the file's parameter table.
   *
   * ```ebnf
   * named-type ::= id ':' ty
   * ```
   */
  parseNamedType(): void {
    const kind = this.#peek();
    if (kind !== Tok.Id && kind !== Tok.ExplicitId)
      return this.#errExpected("an identifier or string");
    this.#advance();
    const name = this.#idName(kind);
    const start = this.#ts;
    const end = this.#te;
    this.#expect(Tok.Colon);
    const type = this.parseTy(0);
    this.#params.add(name, start, end, type);
  }

  /**
   * wit-parser's `parse_list_trailer`: items separated by commas, an optional
   * trailing comma, up to `end`; each item may be preceded by docs.
   *
   * ```ebnf
   * list-trailer(item, end) ::= docs end | docs item (',' list-trailer(item, end) | end)
   * ```
   */
  #parseListTrailer(end: TokenKind, item: (docs: Docs) => void): void {
    for (;;) {
      const docs = this.parseDocs();
      if (this.#eat(end)) return;
      item(docs);
      if (!this.#eat(Tok.Comma)) {
        this.#expect(end);
        return;
      }
    }
  }

  // -------------------------------------------------------------------------
  // Type definitions
  // -------------------------------------------------------------------------

  /**
   * ```ebnf
   * typedef-item ::= resource-item | variant-items | record-item | flags-items | enum-items | type-item
   * ```
   */
  parseTypedefItem(docs: Docs, attributes: readonly Attribute[], start: number): TypeDef {
    switch (this.#peek()) {
      case Tok.Type:
        return this.parseTypeItem(docs, attributes, start);
      case Tok.Record:
        return this.parseRecordItem(docs, attributes, start);
      case Tok.Flags:
        return this.parseFlagsItems(docs, attributes, start);
      case Tok.Variant:
        return this.parseVariantItems(docs, attributes, start);
      case Tok.Enum:
        return this.parseEnumItems(docs, attributes, start);
      case Tok.Resource:
        return this.parseResourceItem(docs, attributes, start);
      default:
        return this.#errExpected("a type definition");
    }
  }

  /**
   * ```ebnf
   * type-item ::= 'type' id '=' ty ';'
   * ```
   */
  parseTypeItem(docs: Docs, attributes: readonly Attribute[], start: number): TypeAlias {
    this.#expect(Tok.Type);
    const name = this.parseId();
    this.#expect(Tok.Equals);
    const type = this.parseTy(0);
    this.#expect(Tok.Semicolon);
    return { kind: "type", start, end: this.#lastEnd, docs, attributes, name, type };
  }

  /**
   * ```ebnf
   * record-item ::= 'record' id '{' record-fields '}'
   * record-fields ::= record-field | record-field ',' record-fields?
   * record-field ::= id ':' ty
   * ```
   * As in wit-parser the field list may be empty (the resolver decides).
   */
  parseRecordItem(docs: Docs, attributes: readonly Attribute[], start: number): RecordDef {
    this.#expect(Tok.Record);
    const name = this.parseId();
    this.#expect(Tok.LeftBrace);
    const fields = this.#listStart();
    this.#parseListTrailer(Tok.RightBrace, (fieldDocs) => {
      const fieldName = this.parseId();
      this.#expect(Tok.Colon);
      const type = this.parseTy(0);
      this.#listPush<Field>({
        start: fieldName.start,
        end: this.#lastEnd,
        docs: fieldDocs,
        name: fieldName,
        type,
      });
    });
    return {
      kind: "record",
      start,
      end: this.#lastEnd,
      docs,
      attributes,
      name,
      fields: this.#listEnd<Field>(fields),
    };
  }

  /**
   * ```ebnf
   * flags-items ::= 'flags' id '{' flags-fields '}'
   * flags-fields ::= id | id ',' flags-fields?
   * ```
   */
  parseFlagsItems(docs: Docs, attributes: readonly Attribute[], start: number): FlagsDef {
    this.#expect(Tok.Flags);
    const name = this.parseId();
    this.#expect(Tok.LeftBrace);
    const flags = this.#listStart();
    this.#parseListTrailer(Tok.RightBrace, (flagDocs) => {
      const flagName = this.parseId();
      this.#listPush<Flag>({
        start: flagName.start,
        end: flagName.end,
        docs: flagDocs,
        name: flagName,
      });
    });
    return {
      kind: "flags",
      start,
      end: this.#lastEnd,
      docs,
      attributes,
      name,
      flags: this.#listEnd<Flag>(flags),
    };
  }

  /**
   * ```ebnf
   * variant-items ::= 'variant' id '{' variant-cases '}'
   * variant-cases ::= variant-case | variant-case ',' variant-cases?
   * variant-case ::= id | id '(' ty ')'
   * ```
   */
  parseVariantItems(docs: Docs, attributes: readonly Attribute[], start: number): VariantDef {
    this.#expect(Tok.Variant);
    const name = this.parseId();
    this.#expect(Tok.LeftBrace);
    const cases = this.#listStart();
    this.#parseListTrailer(Tok.RightBrace, (caseDocs) => {
      const caseName = this.parseId();
      let type: Type | undefined;
      if (this.#eat(Tok.LeftParen)) {
        type = this.parseTy(0);
        this.#expect(Tok.RightParen);
      }
      this.#listPush<Case>({
        start: caseName.start,
        end: this.#lastEnd,
        docs: caseDocs,
        name: caseName,
        type,
      });
    });
    return {
      kind: "variant",
      start,
      end: this.#lastEnd,
      docs,
      attributes,
      name,
      cases: this.#listEnd<Case>(cases),
    };
  }

  /**
   * ```ebnf
   * enum-items ::= 'enum' id '{' enum-cases '}'
   * enum-cases ::= id | id ',' enum-cases?
   * ```
   */
  parseEnumItems(docs: Docs, attributes: readonly Attribute[], start: number): EnumDef {
    this.#expect(Tok.Enum);
    const name = this.parseId();
    this.#expect(Tok.LeftBrace);
    const cases = this.#listStart();
    this.#parseListTrailer(Tok.RightBrace, (caseDocs) => {
      const caseName = this.parseId();
      this.#listPush<EnumCase>({
        start: caseName.start,
        end: caseName.end,
        docs: caseDocs,
        name: caseName,
      });
    });
    return {
      kind: "enum",
      start,
      end: this.#lastEnd,
      docs,
      attributes,
      name,
      cases: this.#listEnd<EnumCase>(cases),
    };
  }

  /**
   * ```ebnf
   * resource-item ::= 'resource' id ';'
   *                 | 'resource' id '{' resource-method* '}'
   * ```
   */
  parseResourceItem(docs: Docs, attributes: readonly Attribute[], start: number): ResourceDef {
    this.#expect(Tok.Resource);
    const name = this.parseId();
    const funcs = this.#listStart();
    let hasBody = false;
    if (this.#eat(Tok.LeftBrace)) {
      hasBody = true;
      while (!this.#eat(Tok.RightBrace)) {
        const funcDocs = this.parseDocs();
        const funcStart = this.#startOfNext();
        const funcAttributes = this.parseGate();
        this.#listPush<ResourceFunc>(this.parseResourceMethod(funcDocs, funcAttributes, funcStart));
      }
    } else {
      this.#expect(Tok.Semicolon);
    }
    const list = this.#listEnd<ResourceFunc>(funcs);
    return {
      kind: "resource",
      start,
      end: this.#lastEnd,
      docs,
      attributes,
      name,
      hasBody,
      funcs: list,
    };
  }

  /**
   * ```ebnf
   * resource-method ::= func-item
   *                   | id ':' 'static' func-type ';'
   *                   | 'constructor' param-list ';'
   * ```
   * As in wit-parser a constructor may declare `-> result<...>`.
   */
  parseResourceMethod(docs: Docs, attributes: readonly Attribute[], start: number): ResourceFunc {
    switch (this.#peek()) {
      case Tok.Constructor: {
        const keyword = this.#expectSpan(Tok.Constructor);
        const firstParam = this.parseParamList();
        const paramCount = this.#params.length - firstParam;
        const result = this.#eat(Tok.RArrow) ? this.parseTy(0) : undefined;
        const func: Func = {
          start: keyword.start,
          end: this.#lastEnd,
          funcStart: keyword.start,
          funcEnd: keyword.end,
          async: false,
          firstParam,
          paramCount,
          result,
        };
        this.#expect(Tok.Semicolon);
        const name: Id = { name: "constructor", start: keyword.start, end: keyword.end };
        return { kind: "constructor", start, end: this.#lastEnd, docs, attributes, name, func };
      }
      case Tok.Id:
      case Tok.ExplicitId: {
        const name = this.parseId();
        this.#expect(Tok.Colon);
        const kind = this.#eat(Tok.Static) ? "static" : "method";
        const func = this.parseFuncType();
        this.#expect(Tok.Semicolon);
        return { kind, start, end: this.#lastEnd, docs, attributes, name, func };
      }
      default:
        return this.#errExpected("`constructor` or identifier");
    }
  }

  // -------------------------------------------------------------------------
  // Type expressions
  // -------------------------------------------------------------------------

  /**
   * A type expression. `depth` counts the enclosing type constructors; a
   * constructor at depth {@link MAX_TYPE_DEPTH} is "type nesting too deep".
   *
   * ```ebnf
   * ty ::= 'u8' | 'u16' | 'u32' | 'u64'
   *      | 's8' | 's16' | 's32' | 's64'
   *      | 'f32' | 'f64'
   *      | 'char'
   *      | 'bool'
   *      | 'string'
   *      | 'error-context'
   *      | tuple
   *      | list
   *      | option
   *      | result
   *      | map
   *      | handle
   *      | future
   *      | stream
   *      | id
   * ```
   */
  parseTy(depth: number): Type {
    const kind = this.#next();
    const start = this.#ts;
    const end = this.#te;
    const primitive = PRIMITIVES[kind];
    if (primitive !== undefined) return this.#types.add(Ty.Primitive, start, end, primitive, 0, 0);
    switch (kind) {
      case Tok.Id:
      case Tok.ExplicitId: {
        const name = this.#types.addName(this.#idName(kind));
        return this.#types.add(Ty.Name, start, end, name, 0, 0);
      }
      case Tok.Own:
      case Tok.Borrow:
        return this.parseHandle(kind === Tok.Own ? Ty.Own : Ty.Borrow, start);
      case Tok.Tuple:
      case Tok.List:
      case Tok.Map:
      case Tok.Option_:
      case Tok.Result_:
      case Tok.Future:
      case Tok.Stream:
        if (depth >= MAX_TYPE_DEPTH) {
          this.#fail(codes.TypeNestingTooDeep, "type nesting too deep", span(start, end));
        }
        return this.#parseCompositeTy(kind, start, depth + 1);
      default:
        // At end of file `next` did not move, and the error points there.
        return this.#errExpectedAt("a type", kind, start, end);
    }
  }

  /**
   * A type constructor, after its keyword (`kind`, at `start`).
   *
   * ```ebnf
   * composite ::= tuple | list | map | option | result | future | stream
   * ```
   */
  #parseCompositeTy(kind: TokenKind, start: number, depth: number): Type {
    switch (kind) {
      case Tok.Tuple:
        return this.parseTuple(start, depth);
      case Tok.List:
        return this.parseList(start, depth);
      case Tok.Map:
        return this.parseMap(start, depth);
      case Tok.Option_:
        return this.parseOption(start, depth);
      case Tok.Result_:
        return this.parseResult(start, depth);
      case Tok.Future:
      case Tok.Stream:
        return this.parseFutureOrStream(kind === Tok.Future ? Ty.Future : Ty.Stream, start, depth);
      default:
        throw new Error(`not a composite type token: ${describeToken(kind)}`);
    }
  }

  /**
   * ```ebnf
   * tuple ::= 'tuple' '<' tuple-list '>'
   * tuple-list ::= ty | ty ',' tuple-list?
   * ```
   * As in wit-parser, `tuple<>` parses (the list may be empty).
   */
  parseTuple(start: number, depth: number): Type {
    this.#expect(Tok.LessThan);
    const types = this.#listStart();
    for (;;) {
      this.parseDocs();
      if (this.#eat(Tok.GreaterThan)) break;
      this.#listPush<Type>(this.parseTy(depth));
      if (!this.#eat(Tok.Comma)) {
        this.#expect(Tok.GreaterThan);
        break;
      }
    }
    const count = this.#listTop - types;
    const first = this.#types.addElems(this.#list, types, this.#listTop);
    this.#listTop = types;
    return this.#types.add(Ty.Tuple, start, this.#lastEnd, first, count, 0);
  }

  /**
   * ```ebnf
   * list ::= 'list' '<' ty '>'
   *        | 'list' '<' ty ',' uint '>'
   * ```
   */
  parseList(start: number, depth: number): Type {
    this.#expect(Tok.LessThan);
    const element = this.parseTy(depth);
    if (this.#eat(Tok.Comma)) {
      const k = this.#next();
      if (k !== Tok.Integer) this.#errExpectedAt("fixed-length", k, this.#ts, this.#te);
      const sizeSpan = span(this.#ts, this.#te);
      const digits = this.#slice(this.#ts, this.#te);
      // wit-parser parses the size as a u32; a larger number is an error there too.
      const size = digits.length > 10 ? Infinity : Number(digits);
      if (size > 0xffffffff)
        this.#fail(codes.IntegerTooLarge, "number too large to fit in target type", sizeSpan);
      this.#expect(Tok.GreaterThan);
      return this.#types.add(Ty.FixedLengthList, start, this.#lastEnd, element, size, 0);
    }
    this.#expect(Tok.GreaterThan);
    return this.#types.add(Ty.List, start, this.#lastEnd, element, 0, 0);
  }

  /**
   * ```ebnf
   * map ::= 'map' '<' kt ',' ty '>'
   * ```
   * The key is parsed as any `ty`; the resolver checks it is a valid key, as wit-parser does.
   */
  parseMap(start: number, depth: number): Type {
    this.#expect(Tok.LessThan);
    const key = this.parseTy(depth);
    this.#expect(Tok.Comma);
    const value = this.parseTy(depth);
    this.#expect(Tok.GreaterThan);
    return this.#types.add(Ty.Map, start, this.#lastEnd, key, value, 0);
  }

  /**
   * ```ebnf
   * option ::= 'option' '<' ty '>'
   * ```
   */
  parseOption(start: number, depth: number): Type {
    this.#expect(Tok.LessThan);
    const element = this.parseTy(depth);
    this.#expect(Tok.GreaterThan);
    return this.#types.add(Ty.Option, start, this.#lastEnd, element, 0, 0);
  }

  /**
   * ```ebnf
   * result ::= 'result' '<' ty ',' ty '>'
   *          | 'result' '<' '_' ',' ty '>'
   *          | 'result' '<' ty '>'
   *          | 'result'
   * ```
   */
  parseResult(start: number, depth: number): Type {
    let ok = NO_TYPE;
    let err = NO_TYPE;
    if (this.#eat(Tok.LessThan)) {
      if (this.#eat(Tok.Underscore)) {
        this.#expect(Tok.Comma);
        err = this.parseTy(depth);
      } else {
        ok = this.parseTy(depth);
        if (this.#eat(Tok.Comma)) err = this.parseTy(depth);
      }
      this.#expect(Tok.GreaterThan);
    }
    return this.#types.add(Ty.Result, start, this.#lastEnd, ok, err, 0);
  }

  /**
   * ```ebnf
   * future ::= 'future' '<' ty '>' | 'future'
   * stream ::= 'stream' '<' ty '>' | 'stream'
   * ```
   */
  parseFutureOrStream(
    kind: typeof Ty.Future | typeof Ty.Stream,
    start: number,
    depth: number,
  ): Type {
    let element = NO_TYPE;
    if (this.#eat(Tok.LessThan)) {
      element = this.parseTy(depth);
      this.#expect(Tok.GreaterThan);
    }
    return this.#types.add(kind, start, this.#lastEnd, element, 0, 0);
  }

  /**
   * ```ebnf
   * handle ::= id
   *          | 'own' '<' id '>'
   *          | 'borrow' '<' id '>'
   * ```
   * (A bare `id` is parsed as a named type; the resolver sees it is a resource.)
   */
  parseHandle(kind: typeof Ty.Own | typeof Ty.Borrow, start: number): Type {
    this.#expect(Tok.LessThan);
    const k = this.#peek();
    if (k !== Tok.Id && k !== Tok.ExplicitId) return this.#errExpected("an identifier or string");
    this.#advance();
    const name = this.#types.addName(this.#idName(k));
    const nameStart = this.#ts;
    const nameEnd = this.#te;
    this.#expect(Tok.GreaterThan);
    return this.#types.add(kind, start, this.#lastEnd, name, nameStart, nameEnd);
  }

  // -------------------------------------------------------------------------
  // Worlds
  // -------------------------------------------------------------------------

  /**
   * ```ebnf
   * world-item ::= gate 'world' id '{' world-items* '}'
   * world-items ::= gate world-definition
   * ```
   */
  parseWorldItem(docs: Docs, attributes: readonly Attribute[], start: number): World {
    this.#expect(Tok.World);
    const name = this.parseId();
    this.#expect(Tok.LeftBrace);
    const items = this.#listStart();
    for (;;) {
      const itemDocs = this.parseDocs();
      if (this.#eat(Tok.RightBrace)) break;
      const itemStart = this.#startOfNext();
      const itemAttributes = this.parseGate();
      this.#listPush<WorldItem>(this.parseWorldDefinition(itemDocs, itemAttributes, itemStart));
    }
    return {
      kind: "world",
      start,
      end: this.#lastEnd,
      docs,
      attributes,
      name,
      items: this.#listEnd<WorldItem>(items),
    };
  }

  /**
   * ```ebnf
   * world-definition ::= export-item
   *                    | import-item
   *                    | use-item
   *                    | typedef-item
   *                    | include-item
   * ```
   */
  parseWorldDefinition(docs: Docs, attributes: readonly Attribute[], start: number): WorldItem {
    switch (this.#peek()) {
      case Tok.Import:
        return this.parseImportItem(docs, attributes, start);
      case Tok.Export:
        return this.parseExportItem(docs, attributes, start);
      case Tok.Use:
        return this.parseUseItem(docs, attributes, start);
      case Tok.Type:
      case Tok.Flags:
      case Tok.Resource:
      case Tok.Record:
      case Tok.Variant:
      case Tok.Enum:
        return this.parseTypedefItem(docs, attributes, start);
      case Tok.Include:
        return this.parseIncludeItem(docs, attributes, start);
      default:
        return this.#errExpected("`import`, `export`, `include`, `use`, or type definition");
    }
  }

  /**
   * ```ebnf
   * import-item ::= 'import' id ':' extern-type
   *               | 'import' use-path ';'
   * ```
   */
  parseImportItem(docs: Docs, attributes: readonly Attribute[], start: number): Import {
    this.#expect(Tok.Import);
    const extern = this.parseExternType();
    return { kind: "import", start, end: this.#lastEnd, docs, attributes, extern };
  }

  /**
   * ```ebnf
   * export-item ::= 'export' id ':' extern-type
   *               | 'export' use-path ';'
   * ```
   */
  parseExportItem(docs: Docs, attributes: readonly Attribute[], start: number): Export {
    this.#expect(Tok.Export);
    const extern = this.parseExternType();
    return { kind: "export", start, end: this.#lastEnd, docs, attributes, extern };
  }

  /**
   * What follows `import` or `export`. `name:` followed by `func`/`async`
   * or `interface` is a named function or inline interface (wit-parser tries
   * those first on a copy of the cursor). `a:b/c` is a package path; any other
   * `label: path` names an interface under a plain name. Everything else is
   * read again from the start as a path.
   *
   * ```ebnf
   * extern-type ::= func-type ';'
   *               | 'interface' '{' interface-items* '}'
   *               | use-path ';'
   * ```
   */
  parseExternType(): ExternKind {
    const start = this.#startOfNext();
    const save = this.#save();
    const saveEnd = this.#lastEnd;
    const name = this.parseId();
    if (this.#eat(Tok.Colon)) {
      const k = this.#peek();
      if (k === Tok.Func || k === Tok.Async) {
        const func = this.parseFuncType();
        this.#expect(Tok.Semicolon);
        return { kind: "func", start, end: this.#lastEnd, name, func };
      }
      if (this.#eat(Tok.Interface)) {
        const items = this.parseInterfaceBody();
        return { kind: "interface", start, end: this.#lastEnd, name, items };
      }
      // `ns:pkg/iface` is a package path; `label: iface` or `label: ns:pkg/iface` a named import.
      if ((k === Tok.Id || k === Tok.ExplicitId) && this.#peekKind2() !== Tok.Slash) {
        const path = this.parseUsePath();
        this.#expect(Tok.Semicolon);
        return { kind: "named-path", start, end: this.#lastEnd, name, path };
      }
    }
    this.#restore(save, saveEnd);
    const path = this.parseUsePath();
    this.#expect(Tok.Semicolon);
    return { kind: "path", start, end: this.#lastEnd, path };
  }

  /**
   * ```ebnf
   * include-item ::= 'include' use-path ';'
   *                | 'include' use-path 'with' '{' include-names-list '}'
   * include-names-list ::= include-names-item
   *                      | include-names-list ',' include-names-item
   * include-names-item ::= id 'as' id
   * ```
   * As in wit-parser, the `with` list may be empty or end in a comma.
   */
  parseIncludeItem(docs: Docs, attributes: readonly Attribute[], start: number): Include {
    this.#expect(Tok.Include);
    const from = this.parseUsePath();
    const names = this.#listStart();
    if (this.#eat(Tok.With)) {
      this.#expect(Tok.LeftBrace);
      this.#parseListTrailer(Tok.RightBrace, () => {
        const name = this.parseId();
        this.#expect(Tok.As);
        const as = this.parseId();
        this.#listPush<IncludeName>({ start: name.start, end: this.#lastEnd, name, as });
      });
    } else {
      this.#expect(Tok.Semicolon);
    }
    const list = this.#listEnd<IncludeName>(names);
    return { kind: "include", start, end: this.#lastEnd, docs, attributes, from, names: list };
  }
}

function isAsciiWhitespace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 12 || c === 13;
}
