/**
 * The parser's cursor over one file. Phase: tokens -> AST, shared state of
 * every `parse-*.ts` production. Consumes the scanner's tokens (`lexer.ts`)
 * and gives the productions wit-parser's `Tokenizer` operations (`peek`,
 * `next`, `eat`, `expect`, with its two families of "expected X, found Y"
 * errors), the file's identifier cache, the shared stack that lists are cut
 * from, and the file's type and parameter tables that the productions fill.
 * It allocates no token: a peeked or consumed token is its kind and bounds,
 * kept in fields.
 */
import { abort, error } from "../../diagnostics/diagnostic.js";
import { codes, type DiagnosticCode } from "../../diagnostics/codes.js";
import { SourceMap, type SourceFile, type Span } from "../../diagnostics/source-map.js";
import { at, describeToken, Scanner, Tok, validateId, type TokenKind } from "../lexer.js";
import { FuncTable } from "../func-table.js";
import { ParamTable } from "../param-table.js";
import { anchorShape } from "../shape-anchor.js";
import { TypeTable } from "../type-table.js";
import { objectArray } from "../object-array.js";

/** The one empty list of the tree (lists are read-only, see `ast.ts`). */
const EMPTY: readonly never[] = Object.freeze([]);

/** Slots of the parser's identifier cache (a power of two). */
const NAME_SLOTS = 1024;

/** A span of the tree: a pair of global offsets into the source map. */
export function span(start: number, end: number): Span {
  return { start, end };
}

/** Where the parse of one file stands, and what it has built that is not a node of the tree. */
export class Cursor {
  readonly file: SourceFile;
  readonly sc: Scanner;
  readonly text: string;
  readonly base: number;

  /** File offset of the next unread character (comments not yet read included). */
  pos = 0;

  /** End offset (global) of the last token consumed, for node spans. */
  lastEnd: number;

  /** The next non-comment token after `peekAt`: its kind and global bounds (a one-token cache). */
  peekAt = -1;
  pk: TokenKind = Tok.Eof;
  ps = 0;
  pe = 0;
  ph = 0;

  /** Global bounds (and identifier hash) of the token consumed last by `next`, `eat` or `expect`. */
  ts = 0;
  te = 0;
  th = 0;

  /**
   * Identifier names seen lately in this file, by their scanner hash, so a
   * repeated name is neither sliced nor validated again and its uses share
   * one string. Direct-mapped (a slot keeps the last name hashed to it):
   * identifiers are a third of all tokens, and an array read is cheaper than
   * a `Map` lookup, while names mostly recur close to each other.
   */
  readonly names = new Array<string | undefined>(NAME_SLOTS).fill(undefined);

  /**
   * The items of the lists being parsed, innermost list last (see
   * `listStart`); `listTop` is one past the last item, and entries above it
   * are leftovers.
   */
  readonly list: unknown[] = objectArray();
  listTop = 0;

  /** The file's type expressions (see `type-table.ts`). */
  readonly types: TypeTable;

  /** The file's functions (see `func-table.ts`). */
  readonly funcs: FuncTable;

  /** The file's function parameters (see `param-table.ts`). */
  readonly params: ParamTable;

  constructor(file: SourceFile) {
    this.file = file;
    this.sc = new Scanner(file);
    this.text = file.text;
    this.base = file.base;
    this.lastEnd = file.base;
    this.types = new TypeTable(file.text.length);
    this.funcs = new FuncTable(file.text.length);
    this.params = new ParamTable(file.text.length);
  }

  /** The kind of the next token that is not a comment (bounds in `ps`/`pe`); a lexical error there aborts. */
  peek(): TokenKind {
    if (this.peekAt !== this.pos) {
      const sc = this.sc;
      let k = sc.scan(this.pos);
      while (k === Tok.Comment) k = sc.scan(sc.end);
      this.pk = k;
      this.ps = this.base + sc.start;
      this.pe = this.base + sc.end;
      this.ph = sc.hash;
      this.peekAt = this.pos;
    }
    return this.pk;
  }

  /** Records the token the scanner just read as the next non-comment token after `pos`. */
  cachePeek(k: TokenKind): void {
    this.pk = k;
    this.ps = this.base + this.sc.start;
    this.pe = this.base + this.sc.end;
    this.ph = this.sc.hash;
    this.peekAt = this.pos;
  }

  /** The kind of the non-comment token after the next one. */
  peekKind2(): TokenKind {
    if (this.peek() === Tok.Eof) return Tok.Eof;
    const sc = this.sc;
    let k = sc.scan(this.pe - this.base);
    while (k === Tok.Comment) k = sc.scan(sc.end);
    return k;
  }

  /** Consumes the peeked token (not past end of file). */
  advance(): void {
    this.ts = this.ps;
    this.te = this.pe;
    this.th = this.ph;
    if (this.pk !== Tok.Eof) {
      this.pos = this.pe - this.base;
      this.lastEnd = this.pe;
    }
  }

  next(): TokenKind {
    const k = this.peek();
    this.advance();
    return k;
  }

  eat(kind: TokenKind): boolean {
    if (this.peek() !== kind) return false;
    this.advance();
    return true;
  }

  /** Consumes a token of `kind`, or reports "expected X, found Y" at the found token's first character. */
  expect(kind: TokenKind): void {
    if (this.peek() !== kind) {
      abort(
        error(
          codes.UnexpectedToken,
          `expected ${describeToken(kind)}, found ${describeToken(this.pk)}`,
          at(this.ps, 1),
        ),
      );
    }
    this.advance();
  }

  expectSpan(kind: TokenKind): Span {
    this.expect(kind);
    return span(this.ts, this.te);
  }

  /** wit-parser's `err_expected` for the peeked token: the error covers the whole token (an empty span at end of file). */
  errExpected(expected: string): never {
    this.peek();
    return this.errExpectedAt(expected, this.pk, this.ps, this.pe);
  }

  errExpectedAt(expected: string, kind: TokenKind, start: number, end: number): never {
    abort(
      error(
        codes.UnexpectedToken,
        `expected ${expected}, found ${describeToken(kind)}`,
        span(start, end),
      ),
    );
  }

  /** Reports at `s`, which may be a node of the tree (its bounds are copied). */
  fail(code: DiagnosticCode, message: string, s: Span): never {
    abort(error(code, message, span(s.start, s.end)));
  }

  /** Source text between two global offsets. */
  slice(start: number, end: number): string {
    return this.text.slice(start - this.base, end - this.base);
  }

  /** The validated name of the identifier token just consumed (`%` dropped), shared with earlier equal names. */
  idName(kind: TokenKind): string {
    const start = this.ts;
    const from = kind === Tok.ExplicitId ? start + 1 : start;
    const slot = this.th & (NAME_SLOTS - 1);
    const seen = this.names[slot];
    if (
      seen !== undefined &&
      seen.length === this.te - from &&
      this.text.startsWith(seen, from - this.base)
    )
      return seen;
    const name = this.slice(from, this.te);
    validateId(name, start);
    this.names[slot] = name;
    return name;
  }

  startOfNext(): number {
    this.peek();
    return this.ps;
  }

  /** Moves the cursor back to a saved place (wit-parser clones its tokenizer instead). */
  save(): number {
    return this.pos;
  }

  restore(pos: number, lastEnd: number): void {
    this.pos = pos;
    this.lastEnd = lastEnd;
  }

  /**
   * Starts a list: its items go on one stack shared by all the lists being
   * parsed (an inner list ends before its outer one takes its next item), and
   * `listEnd` takes them off as an array exactly as long as the list. An
   * array of its own per list would be grown by `push`, keeping room for 17
   * items, and left as garbage besides the exact copy the tree keeps (or kept
   * as it is: a tenth of the tree, over the millions of short lists of a big
   * input). Returns where the list starts on the stack.
   */
  listStart(): number {
    return this.listTop;
  }

  listPush<T>(item: T): void {
    this.list[this.listTop++] = item;
  }

  /** The items pushed since `start` (the list's `listStart`), off the stack. */
  listEnd<T>(start: number): readonly T[] {
    const end = this.listTop;
    this.listTop = start;
    // The items were pushed as `T` by the list's production (`listPush<T>`).
    return start === end ? EMPTY : (this.list.slice(start, end) as T[]);
  }
}

/** Keeps the maps of a cursor, its scanner and its tables alive between parses (see `shape-anchor.ts`). */
function anchorCursor(): void {
  const sources = new SourceMap();
  sources.add("", "");
  anchorShape(new Cursor(sources.files[0]!));
}
anchorCursor();
