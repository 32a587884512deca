/**
 * The parser's leaves. Phase: tokens -> AST. Consumes tokens through a
 * {@link Cursor} and produces the small nodes every other production is made
 * of: identifiers, doc comments, semver versions, feature gates, and the
 * comma-separated list with an optional trailing comma.
 */
import { codes } from "../../diagnostics/codes.js";
import { UNKNOWN_SPAN } from "../../diagnostics/source-map.js";
import type { Attribute, Docs, Id, Version } from "../ast.js";
import { Tok, type TokenKind } from "../lexer.js";
import { parseSemver } from "../parser-semver.js";
import { span, type Cursor } from "./cursor.js";

/** The docs of a node that has none. */
export const EMPTY_DOCS: Docs = Object.freeze({
  comments: Object.freeze([]) as readonly string[],
  start: UNKNOWN_SPAN.start,
  end: UNKNOWN_SPAN.end,
});
export const NO_ATTRIBUTES: readonly Attribute[] = Object.freeze([]);

/**
 * An identifier, plain or `%`-escaped, validated as kebab-case.
 *
 * ```ebnf
 * id ::= label | '%' label
 * ```
 */
export function parseId(p: Cursor): Id {
  const kind = p.peek();
  if (kind === Tok.Id || kind === Tok.ExplicitId) {
    p.advance();
    const name = p.idName(kind);
    return { name, start: p.ts, end: p.te };
  }
  return p.errExpected("an identifier or string");
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
export function parseDocs(p: Cursor): Docs {
  const sc = p.sc;
  let k = sc.scan(p.pos);
  if (k !== Tok.Comment) {
    p.cachePeek(k);
    return EMPTY_DOCS;
  }
  const comments = p.listStart();
  const start = p.base + sc.start;
  let end: number;
  let i: number;
  do {
    const text = p.text.slice(sc.start, sc.end);
    p.listPush<string>(text);
    // The docs span ends at the last comment without its trailing whitespace.
    let len = text.length;
    while (len > 0 && isAsciiWhitespace(text.charCodeAt(len - 1))) len--;
    end = p.base + sc.start + len;
    i = sc.end;
  } while ((k = sc.scan(i)) === Tok.Comment);
  p.pos = i;
  p.cachePeek(k);
  return { comments: p.listEnd<string>(comments), start, end };
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
function parseVersion(p: Cursor): Version {
  p.expect(Tok.Integer);
  const start = p.ts;
  p.expect(Tok.Period);
  p.expect(Tok.Integer);
  p.expect(Tok.Period);
  p.expect(Tok.Integer);
  let end = p.te;
  end = eatVersionPart(p, Tok.Minus, end);
  end = eatVersionPart(p, Tok.Plus, end);
  const s = span(start, end);
  const text = p.text.slice(start - p.base, end - p.base);
  const parts = parseSemver(text);
  if (typeof parts === "string") p.fail(codes.InvalidVersion, parts, s);
  return { text, start, end, ...parts };
}

function eatVersionPart(p: Cursor, prefix: TokenKind, end: number): number {
  if (!p.eat(prefix)) return end;
  for (;;) {
    const k = p.peek();
    if (k === Tok.Id || k === Tok.Integer || k === Tok.Minus) {
      p.advance();
      end = p.te;
      continue;
    }
    if (k === Tok.Period) {
      const save = p.save();
      const saveEnd = p.lastEnd;
      p.advance();
      const k2 = p.peek();
      if (k2 === Tok.Id || k2 === Tok.Integer || k2 === Tok.Minus) {
        p.advance();
        end = p.te;
        continue;
      }
      p.restore(save, saveEnd);
    }
    return end;
  }
}

/** `('@' valid-semver)?` */
export function parseOptVersion(p: Cursor): Version | undefined {
  return p.eat(Tok.At) ? parseVersion(p) : undefined;
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
export function parseGate(p: Cursor): readonly Attribute[] {
  if (p.peek() !== Tok.At) return NO_ATTRIBUTES;
  const out = p.listStart();
  while (p.eat(Tok.At)) {
    const id = parseId(p);
    switch (id.name) {
      case "since": {
        p.expect(Tok.LeftParen);
        eatNamedId(p, "version");
        p.expect(Tok.Equals);
        const version = parseVersion(p);
        p.expect(Tok.RightParen);
        p.listPush<Attribute>({ kind: "since", start: id.start, end: id.end, version });
        break;
      }
      case "unstable": {
        p.expect(Tok.LeftParen);
        eatNamedId(p, "feature");
        p.expect(Tok.Equals);
        const feature = parseId(p);
        p.expect(Tok.RightParen);
        p.listPush<Attribute>({ kind: "unstable", start: id.start, end: id.end, feature });
        break;
      }
      case "deprecated": {
        p.expect(Tok.LeftParen);
        eatNamedId(p, "version");
        p.expect(Tok.Equals);
        const version = parseVersion(p);
        p.expect(Tok.RightParen);
        p.listPush<Attribute>({ kind: "deprecated", start: id.start, end: id.end, version });
        break;
      }
      default:
        p.fail(codes.UnknownAttribute, `unknown attribute \`${id.name}\``, id);
    }
  }
  return p.listEnd<Attribute>(out);
}

/** The field name inside a gate: `version` or `feature`, nothing else. */
function eatNamedId(p: Cursor, expected: string): void {
  const id = parseId(p);
  if (id.name !== expected) {
    p.fail(codes.UnexpectedToken, `expected \`${expected}\`, found \`${id.name}\``, id);
  }
}

/**
 * wit-parser's `parse_list_trailer`: items separated by commas, an optional
 * trailing comma, up to `end`; each item may be preceded by docs.
 *
 * ```ebnf
 * list-trailer(item, end) ::= docs end | docs item (',' list-trailer(item, end) | end)
 * ```
 */
export function parseListTrailer(
  p: Cursor,
  end: TokenKind,
  item: (p: Cursor, docs: Docs) => void,
): void {
  for (;;) {
    const docs = parseDocs(p);
    if (p.eat(end)) return;
    item(p, docs);
    if (!p.eat(Tok.Comma)) {
      p.expect(end);
      return;
    }
  }
}

function isAsciiWhitespace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 12 || c === 13;
}
