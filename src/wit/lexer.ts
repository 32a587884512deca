/**
 * The WIT lexer. Phase: text -> tokens. Consumes one {@link SourceFile} of the
 * source map. The parser drives a {@link Scanner}, which reads one token at a
 * time from any offset (comments are tokens: the parser turns the comments
 * before an item into its docs); {@link tokenize} lexes a whole file into a
 * {@link TokenStream} for tests and tools.
 *
 * It follows wit-parser's `lex.rs`: the same token set and keyword table, the
 * same descriptions in "expected X, found Y" messages, nested block comments,
 * `%`-escaped identifiers, kebab-case validation (done when the parser takes
 * an identifier, as wit-parser does), and the rejection of bidirectional
 * override, discouraged and control codepoints (CVE-2021-42574), which is
 * checked over the whole file before any token is read
 * ({@link forbiddenCodepoint}). Like wit-parser's, the scanner is lazy, so a
 * lexical error is reported only when the parser reaches it and an earlier
 * syntax error wins.
 */
import { codes } from "../diagnostics/codes.js";
import { abort, DiagnosticAbort, error, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { SourceFile, Span } from "../diagnostics/source-map.js";

// ---------------------------------------------------------------------------
// Token kinds
// ---------------------------------------------------------------------------

/**
 * Token kinds, numbered so that a whole file's tokens fit in a `Uint8Array`.
 * Keywords come last, in the order of {@link KEYWORDS}.
 */
export const Tok = {
  Eof: 0,
  /** A lexical error; the stream's `error` says which. */
  Error: 1,
  Comment: 2,
  Id: 3,
  ExplicitId: 4,
  Integer: 5,
  String: 6,
  Equals: 7,
  Comma: 8,
  Colon: 9,
  Period: 10,
  Semicolon: 11,
  LeftParen: 12,
  RightParen: 13,
  LeftBrace: 14,
  RightBrace: 15,
  LessThan: 16,
  GreaterThan: 17,
  RArrow: 18,
  Star: 19,
  At: 20,
  Slash: 21,
  Plus: 22,
  Minus: 23,
  // keywords
  Use: 24,
  Type: 25,
  Func: 26,
  U8: 27,
  U16: 28,
  U32: 29,
  U64: 30,
  S8: 31,
  S16: 32,
  S32: 33,
  S64: 34,
  F32: 35,
  F64: 36,
  Char: 37,
  Resource: 38,
  Own: 39,
  Borrow: 40,
  Record: 41,
  Flags: 42,
  Variant: 43,
  Enum: 44,
  Bool: 45,
  String_: 46,
  Option_: 47,
  Result_: 48,
  Future: 49,
  Stream: 50,
  ErrorContext: 51,
  List: 52,
  Map: 53,
  Underscore: 54,
  As: 55,
  From_: 56,
  Static: 57,
  Interface: 58,
  Tuple: 59,
  Import: 60,
  Export: 61,
  World: 62,
  Package: 63,
  Constructor: 64,
  Include: 65,
  With: 66,
  Async: 67,
} as const;

export type TokenKind = (typeof Tok)[keyof typeof Tok];

/** The reserved words of WIT, as wit-parser's lexer recognizes them (`float32` and `float64` are not among them). */
export const KEYWORDS: ReadonlyMap<string, TokenKind> = new Map<string, TokenKind>([
  ["use", Tok.Use],
  ["type", Tok.Type],
  ["func", Tok.Func],
  ["u8", Tok.U8],
  ["u16", Tok.U16],
  ["u32", Tok.U32],
  ["u64", Tok.U64],
  ["s8", Tok.S8],
  ["s16", Tok.S16],
  ["s32", Tok.S32],
  ["s64", Tok.S64],
  ["f32", Tok.F32],
  ["f64", Tok.F64],
  ["char", Tok.Char],
  ["resource", Tok.Resource],
  ["own", Tok.Own],
  ["borrow", Tok.Borrow],
  ["record", Tok.Record],
  ["flags", Tok.Flags],
  ["variant", Tok.Variant],
  ["enum", Tok.Enum],
  ["bool", Tok.Bool],
  ["string", Tok.String_],
  ["option", Tok.Option_],
  ["result", Tok.Result_],
  ["future", Tok.Future],
  ["stream", Tok.Stream],
  ["error-context", Tok.ErrorContext],
  ["list", Tok.List],
  ["map", Tok.Map],
  ["_", Tok.Underscore],
  ["as", Tok.As],
  ["from", Tok.From_],
  ["static", Tok.Static],
  ["interface", Tok.Interface],
  ["tuple", Tok.Tuple],
  ["import", Tok.Import],
  ["export", Tok.Export],
  ["world", Tok.World],
  ["package", Tok.Package],
  ["constructor", Tok.Constructor],
  ["include", Tok.Include],
  ["with", Tok.With],
  ["async", Tok.Async],
]);

const KEYWORD_NAMES: string[] = [];
for (const [name, kind] of KEYWORDS) KEYWORD_NAMES[kind] = name;

/**
 * The hash the scanner computes over a word's characters while it reads
 * them, so keywords are recognized, and the parser can share repeated
 * identifier strings, without slicing the text first.
 */
function wordHash(word: string): number {
  let h = 0;
  for (let i = 0; i < word.length;) {
    const cp = word.codePointAt(i)!;
    h = (Math.imul(h, 31) + cp) | 0;
    i += cp > 0xffff ? 2 : 1;
  }
  return h;
}

/**
 * Keywords by {@link wordHash}: an open-addressing table (linear probing, a
 * third full) in two typed arrays, so that the lookup every word costs is a
 * few array reads rather than a `Map` call. A hit is confirmed against the text.
 */
const KEYWORD_SLOTS = 128;
const KEYWORD_HASHES = new Int32Array(KEYWORD_SLOTS);
const KEYWORD_KINDS = new Uint8Array(KEYWORD_SLOTS); // 0 (`Tok.Eof`, not a keyword): empty slot
for (const [name, kind] of KEYWORDS) {
  const h = wordHash(name);
  let i = h & (KEYWORD_SLOTS - 1);
  while (KEYWORD_KINDS[i] !== 0) {
    if (KEYWORD_HASHES[i] === h) throw new Error(`keyword hash collision: ${name}`);
    i = (i + 1) & (KEYWORD_SLOTS - 1);
  }
  KEYWORD_HASHES[i] = h;
  KEYWORD_KINDS[i] = kind;
}

/** The keyword whose {@link wordHash} is `h`, if any (0 if none): still to be confirmed against the text. */
function keywordByHash(h: number): number {
  for (let i = h & (KEYWORD_SLOTS - 1); KEYWORD_KINDS[i] !== 0; i = (i + 1) & (KEYWORD_SLOTS - 1)) {
    if (KEYWORD_HASHES[i] === h) return KEYWORD_KINDS[i]!;
  }
  return 0;
}

const PUNCTUATION: Partial<Record<TokenKind, string>> = {
  [Tok.Equals]: "'='",
  [Tok.Comma]: "','",
  [Tok.Colon]: "':'",
  [Tok.Period]: "'.'",
  [Tok.Semicolon]: "';'",
  [Tok.LeftParen]: "'('",
  [Tok.RightParen]: "')'",
  [Tok.LeftBrace]: "'{'",
  [Tok.RightBrace]: "'}'",
  [Tok.LessThan]: "'<'",
  [Tok.GreaterThan]: "'>'",
  [Tok.RArrow]: "`->`",
  [Tok.Star]: "`*`",
  [Tok.At]: "`@`",
  [Tok.Slash]: "`/`",
  [Tok.Plus]: "`+`",
  [Tok.Minus]: "`-`",
};

/** How wit-parser names a token in "expected X, found Y" messages. */
export function describeToken(kind: TokenKind): string {
  switch (kind) {
    case Tok.Eof:
      return "eof";
    case Tok.Error:
      return "an invalid token";
    case Tok.Comment:
      return "a comment";
    case Tok.Id:
      return "an identifier";
    case Tok.ExplicitId:
      return "an '%' identifier";
    case Tok.Integer:
      return "an integer";
    case Tok.String:
      return "a string";
    default: {
      const p = PUNCTUATION[kind];
      if (p !== undefined) return p;
      const k = KEYWORD_NAMES[kind];
      if (k !== undefined) return `keyword \`${k}\``;
      throw new Error(`no description for token kind ${kind}`);
    }
  }
}

// ---------------------------------------------------------------------------
// Token stream (for tests and tools)
// ---------------------------------------------------------------------------

/** One token as an object; for tests and tools (the parser drives a {@link Scanner}). */
export interface Token {
  readonly kind: TokenKind;
  readonly span: Span;
}

/**
 * A whole file lexed eagerly: parallel arrays of kinds and global offsets,
 * comments included, ending in `Eof`. A lexical error ends the stream in an
 * `Error` token (then `Eof`) and is kept in `error`.
 */
export interface TokenStream {
  readonly file: SourceFile;
  readonly count: number;
  readonly kinds: Uint8Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly error: Diagnostic | undefined;
}

/** Lexes a whole file. Never throws for bad input. */
export function tokenize(file: SourceFile): TokenStream {
  const kinds: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const base = file.base;
  let err = forbiddenCodepoint(file);
  if (err === undefined) {
    const sc = new Scanner(file);
    let i = 0;
    try {
      for (;;) {
        const k = sc.scan(i);
        kinds.push(k);
        starts.push(base + sc.start);
        ends.push(base + sc.end);
        if (k === Tok.Eof) break;
        i = sc.end;
      }
    } catch (e) {
      if (!(e instanceof DiagnosticAbort)) throw e;
      err = e.diagnostic;
    }
  }
  if (err !== undefined) {
    kinds.push(Tok.Error, Tok.Eof);
    starts.push(err.span.start, base + file.text.length);
    ends.push(err.span.start, base + file.text.length);
  }
  return {
    file,
    count: kinds.length,
    kinds: Uint8Array.from(kinds),
    starts: Int32Array.from(starts),
    ends: Int32Array.from(ends),
    error: err,
  };
}

/** The token at index `i` as an object. */
function tokenAt(s: TokenStream, i: number): Token {
  return { kind: s.kinds[i] as TokenKind, span: { start: s.starts[i]!, end: s.ends[i]! } };
}

/** All tokens of a stream as objects (comments included, `Eof` last). */
export function tokenList(s: TokenStream): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < s.count; i++) out.push(tokenAt(s, i));
  return out;
}

/** The source text of token `i`. */
export function tokenText(s: TokenStream, i: number): string {
  const base = s.file.base;
  return s.file.text.slice(s.starts[i]! - base, s.ends[i]! - base);
}

// ---------------------------------------------------------------------------
// Character classes
// ---------------------------------------------------------------------------

const XID_START = /\p{XID_Start}/u;
const XID_CONTINUE = /\p{XID_Continue}/u;

/** ASCII classes: 1 = identifier start, 2 = identifier continue only (digits, `-`). */
const ASCII_ID = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95) ASCII_ID[c] = 1;
  else if ((c >= 48 && c <= 57) || c === 45) ASCII_ID[c] = 2;
}

/** wit-parser lexes any XID start or `_` as the start of a word; validation comes later. */
function isKeylikeStart(cp: number): boolean {
  if (cp < 128) return ASCII_ID[cp] === 1;
  return XID_START.test(String.fromCodePoint(cp));
}

/** Any XID continue or `-` continues a word. */
function isKeylikeContinue(cp: number): boolean {
  if (cp < 128) return ASCII_ID[cp] !== 0;
  return XID_CONTINUE.test(String.fromCodePoint(cp));
}

/** Tokens of exactly one character, by character code (0: not one). */
const SINGLE_CHAR = new Uint8Array(128);
for (const [ch, kind] of [
  ["=", Tok.Equals],
  [",", Tok.Comma],
  [":", Tok.Colon],
  [".", Tok.Period],
  [";", Tok.Semicolon],
  ["(", Tok.LeftParen],
  [")", Tok.RightParen],
  ["{", Tok.LeftBrace],
  ["}", Tok.RightBrace],
  ["<", Tok.LessThan],
  [">", Tok.GreaterThan],
  ["*", Tok.Star],
  ["@", Tok.At],
  ["+", Tok.Plus],
] as const) {
  SINGLE_CHAR[ch.charCodeAt(0)] = kind;
}

/**
 * Codepoints rejected anywhere in the input: control codes other than tab,
 * newline and carriage return; bidirectional overrides (CVE-2021-42574);
 * and those Unicode 13.0 deprecates or discourages: U+149 (Latin digraph),
 * U+673 (Arabic), U+F77 and U+F79 (Tibetan), U+17A3, U+17A4, U+17B4, U+17B5
 * (Khmer). One regular expression scan finds the first quickly.
 */
const FORBIDDEN =
  // eslint-disable-next-line no-control-regex, no-misleading-character-class -- each codepoint is matched alone
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u0149\u0673\u0f77\u0f79\u17a3\u17a4\u17b4\u17b5\u202a-\u202e\u2066-\u2069]/;

/**
 * The CVE-2021-42574 guard, over the whole input as wit-parser does before
 * it reads any token. Returns the diagnostic for the first forbidden
 * codepoint, or undefined.
 */
export function forbiddenCodepoint(file: SourceFile): Diagnostic | undefined {
  const i = file.text.search(FORBIDDEN);
  if (i < 0) return undefined;
  const c = file.text.charCodeAt(i);
  let message: string;
  if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) message = `Control code '${escapeUnicode(c)}'`;
  else if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) {
    message = `Input contains bidirectional override codepoint '${escapeUnicode(c)}'`;
  } else message = `Codepoint '${escapeUnicode(c)}' is discouraged by Unicode`;
  return error(codes.ForbiddenCodepoint, message, at(file.base + i, 1));
}

/** Rust's `char::escape_unicode`: `\u{202e}`. */
function escapeUnicode(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

const NON_PRINTING = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Mn}\p{Me}]/u;
const SPACE_SEPARATOR = /\p{Zs}/u;

/** Rust's `{:?}` of a `char`, which wit-parser uses in its messages: `'a'`, `'\''`, `'\u{301}'`. */
export function debugChar(cp: number): string {
  switch (cp) {
    case 0x09:
      return "'\\t'";
    case 0x0a:
      return "'\\n'";
    case 0x0d:
      return "'\\r'";
    case 0x27:
      return "'\\''";
    case 0x5c:
      return "'\\\\'";
    case 0x00:
      return "'\\0'";
  }
  // Control characters, combining marks and other non-printing codepoints are escaped.
  const ch = String.fromCodePoint(cp);
  if (NON_PRINTING.test(ch) || (cp !== 0x20 && SPACE_SEPARATOR.test(ch)))
    return `'${escapeUnicode(cp)}'`;
  return `'${ch}'`;
}

// ---------------------------------------------------------------------------
// The scanner
// ---------------------------------------------------------------------------

/**
 * Reads one token at a time from any offset, like wit-parser's `Tokenizer`
 * (which the parser clones to look ahead): `scan(i)` skips whitespace from
 * file offset `i`, returns the kind of the token there (a comment is a
 * token) and leaves its file-relative bounds in `start` and `end`, so no
 * object is allocated per token. At end of input it returns `Eof` with
 * `start = end = text.length`. A lexical error aborts with its diagnostic.
 */
export class Scanner {
  readonly text: string;
  readonly base: number;
  /** Start of the last token scanned (relative to the file). */
  start = 0;
  /** End of the last token scanned (relative to the file). */
  end = 0;
  /** For an identifier: the {@link wordHash} of its name (without the `%`). */
  hash = 0;

  constructor(file: SourceFile) {
    this.text = file.text;
    this.base = file.base;
  }

  scan(from: number): TokenKind {
    const t = this.text;
    const n = t.length;
    let i = from;
    let c = 0;
    // Whitespace: space, tab, newline, and carriage return (CRLF is folded by the source map; a lone CR counts too).
    while (i < n && ((c = t.charCodeAt(i)) === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d)) i++;
    this.start = i;
    if (i >= n) {
      this.end = n;
      return Tok.Eof;
    }
    const kind = this.#dispatch(c, i);
    return kind;
  }

  #one(kind: TokenKind, i: number): TokenKind {
    this.end = i + 1;
    return kind;
  }

  #dispatch(c: number, i: number): TokenKind {
    const t = this.text;
    const n = t.length;
    if (c < 128) {
      const single = SINGLE_CHAR[c]!;
      if (single !== 0) {
        this.end = i + 1;
        return single as TokenKind;
      }
    }
    switch (c) {
      case 0x2f: {
        // '/': a line comment, a (nested) block comment, or a slash
        const d = i + 1 < n ? t.charCodeAt(i + 1) : -1;
        if (d === 0x2f) {
          const nl = t.indexOf("\n", i + 2);
          this.end = nl < 0 ? n : nl;
          return Tok.Comment;
        }
        if (d === 0x2a) {
          this.end = this.#blockComment(i);
          return Tok.Comment;
        }
        return this.#one(Tok.Slash, i);
      }
      case 0x2d: // '-': `->` or a minus (as in `1.0.0-rc`)
        if (i + 1 < n && t.charCodeAt(i + 1) === 0x3e) {
          this.end = i + 2;
          return Tok.RArrow;
        }
        return this.#one(Tok.Minus, i);
      case 0x25: {
        // '%': an explicit identifier; the word after it may be empty (validation reports that)
        let j = i + 1;
        if (j < n) {
          const cp = t.codePointAt(j)!;
          if (isKeylikeStart(cp)) j = this.#word(j, cp);
          else this.hash = 0;
        }
        this.end = j;
        return Tok.ExplicitId;
      }
      case 0x22: {
        // '"': a string literal (WIT.md's `@external-id("...")`); `\` escapes the next character
        let j = i + 1;
        while (j < n) {
          const d = t.charCodeAt(j);
          if (d === 0x22) break;
          j += d === 0x5c ? 2 : 1;
        }
        if (j >= n)
          abort(
            error(codes.UnterminatedString, "unterminated string literal", at(this.base + i, 1)),
          );
        this.end = j + 1;
        return Tok.String;
      }
    }
    if (c >= 0x30 && c <= 0x39) {
      let j = i + 1;
      while (j < n) {
        const d = t.charCodeAt(j);
        if (d < 0x30 || d > 0x39) break;
        j++;
      }
      this.end = j;
      return Tok.Integer;
    }
    const cp = c < 0xd800 ? c : t.codePointAt(i)!;
    if (isKeylikeStart(cp)) {
      const j = this.#word(i, cp);
      this.end = j;
      const kw = keywordByHash(this.hash);
      if (kw !== 0) {
        const name = KEYWORD_NAMES[kw]!;
        if (name.length === j - i && t.startsWith(name, i)) return kw as TokenKind;
      }
      return Tok.Id;
    }
    return abort(
      error(
        codes.UnexpectedCharacter,
        `unexpected character ${debugChar(cp)}`,
        at(this.base + i, 1),
      ),
    );
  }

  /** Reads a word whose first codepoint `first` is at `i`; returns its end and leaves its {@link wordHash} in `hash`. */
  #word(i: number, first: number): number {
    const t = this.text;
    const n = t.length;
    let h = first;
    i += first > 0xffff ? 2 : 1;
    while (i < n) {
      const c = t.charCodeAt(i);
      if (c < 128) {
        if (ASCII_ID[c] === 0) break;
        h = (Math.imul(h, 31) + c) | 0;
        i++;
        continue;
      }
      const cp = t.codePointAt(i)!;
      if (!isKeylikeContinue(cp)) break;
      h = (Math.imul(h, 31) + cp) | 0;
      i += cp > 0xffff ? 2 : 1;
    }
    this.hash = h;
    return i;
  }

  /** Skips a block comment starting at `i` (`/*`), counting nested ones; returns the offset after it. */
  #blockComment(start: number): number {
    const t = this.text;
    const n = t.length;
    let depth = 1;
    let i = start + 2;
    while (depth > 0) {
      if (i >= n)
        abort(
          error(codes.UnterminatedComment, "unterminated block comment", at(this.base + start, 1)),
        );
      const c = t.charCodeAt(i);
      if (c === 0x2f && i + 1 < n && t.charCodeAt(i + 1) === 0x2a) {
        depth++;
        i += 2;
      } else if (c === 0x2a && i + 1 < n && t.charCodeAt(i + 1) === 0x2f) {
        depth--;
        i += 2;
      } else {
        i++;
      }
    }
    return i;
  }
}

/**
 * wit-parser reports lexical errors at a position, not a range; its frame
 * then marks one character. A span of length one reproduces that.
 */
export function at(offset: number, length: number): Span {
  return { start: offset, end: offset + length };
}

// ---------------------------------------------------------------------------
// Identifier validation
// ---------------------------------------------------------------------------

/**
 * Checks that `id` is a WIT identifier (the component model's `label`):
 * `-`-separated parts, each starting with an ASCII letter, each all
 * lowercase or all uppercase, digits allowed after the first character.
 * Returns the error message wit-parser gives, or undefined when valid.
 */
export function validateIdMessage(id: string): string | undefined {
  const n = id.length;
  if (n === 0) return "identifiers must have characters between '-'s";
  let partStart = true;
  let upper = false;
  for (let i = 0; i < n; i++) {
    const c = id.charCodeAt(i);
    if (c === 0x2d) {
      if (partStart) return "identifiers must have characters between '-'s";
      partStart = true;
      continue;
    }
    const isLower = c >= 0x61 && c <= 0x7a;
    const isUpper = c >= 0x41 && c <= 0x5a;
    if (partStart) {
      partStart = false;
      if (isLower) upper = false;
      else if (isUpper) upper = true;
      else return `invalid character in identifier ${debugChar(id.codePointAt(i)!)}`;
      continue;
    }
    if (c >= 0x30 && c <= 0x39) continue;
    if (upper ? isUpper : isLower) continue;
    return `invalid character in identifier ${debugChar(id.codePointAt(i)!)}`;
  }
  if (partStart) return "identifiers must have characters between '-'s";
  return undefined;
}

/** Validates an identifier that starts at global offset `start`; aborts with wit-parser's message at that position. */
export function validateId(id: string, start: number): void {
  const message = validateIdMessage(id);
  if (message !== undefined) abort(error(codes.InvalidIdentifier, message, at(start, 1)));
}
