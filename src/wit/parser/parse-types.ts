/**
 * The parser's type expressions and function signatures. Phase: tokens ->
 * type table rows. Consumes tokens through a {@link Cursor} and writes each
 * type expression as a row of the file's type table (`type-table.ts`) and
 * each parameter as a row of its parameter table (`param-table.ts`); a type
 * in the tree is a row number. Type expressions nest at most
 * {@link MAX_TYPE_DEPTH} deep, as in wit-parser, so no input can overflow the
 * JavaScript stack.
 */
import { codes } from "../../diagnostics/codes.js";
import type { Attribute, Docs, Id, Type } from "../ast.js";
import { ASYNC, type FuncKind } from "../func-table.js";
import { describeToken, Tok, type TokenKind } from "../lexer.js";
import { NO_TYPE, Ty } from "../type-table.js";
import { span, type Cursor } from "./cursor.js";
import { parseDocs } from "./parse-leaves.js";

/** The deepest nesting of type expressions (`list<list<...>>`) accepted: the 101st level is an error, as in wit-parser. */
const MAX_TYPE_DEPTH = 100;

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

/**
 * A function's signature, written with its name, docs, gates, resource and kind as a row of the file's
 * function table (`func-table.ts`); returns the row.
 *
 * ```ebnf
 * func-type ::= 'async'? 'func' param-list result-list
 * result-list ::= ϵ | '->' ty
 * ```
 */
export function parseFuncType(
  p: Cursor,
  name: string,
  nameStart: number,
  nameEnd: number,
  docs: Docs,
  attributes: readonly Attribute[],
  resource: Id | undefined,
  kind: FuncKind,
): number {
  const isAsync = p.eat(Tok.Async);
  p.expect(Tok.Func);
  const funcStart = p.ts;
  const funcEnd = p.te;
  const firstParam = parseParamList(p);
  const paramCount = p.params.length - firstParam;
  const result = p.eat(Tok.RArrow) ? parseTy(p, 0) : NO_TYPE;
  const funcs = p.funcs;
  const flags = isAsync ? kind | ASYNC : kind;
  const row = funcs.add(name, nameStart, nameEnd, docs, attributes, resource, flags);
  funcs.setSignature(row, funcStart, funcEnd, firstParam, paramCount, result);
  return row;
}

/**
 * ```ebnf
 * param-list ::= '(' named-type-list ')'
 * named-type-list ::= ϵ | named-type ( ',' named-type )*
 * ```
 * As in wit-parser, a trailing comma is allowed. The parameters go to the file's parameter table, one
 * row each and one list's rows in a run (a type cannot hold a function); returns the first row.
 */
export function parseParamList(p: Cursor): number {
  p.expect(Tok.LeftParen);
  const first = p.params.length;
  // `parseListTrailer` written out: this list is the most frequent one.
  for (;;) {
    parseDocs(p);
    if (p.eat(Tok.RightParen)) break;
    parseNamedType(p);
    if (!p.eat(Tok.Comma)) {
      p.expect(Tok.RightParen);
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
function parseNamedType(p: Cursor): void {
  const kind = p.peek();
  if (kind !== Tok.Id && kind !== Tok.ExplicitId) return p.errExpected("an identifier or string");
  p.advance();
  const name = p.idName(kind);
  const start = p.ts;
  const end = p.te;
  p.expect(Tok.Colon);
  const type = parseTy(p, 0);
  p.params.add(name, start, end, type);
}

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
export function parseTy(p: Cursor, depth: number): Type {
  const kind = p.next();
  const start = p.ts;
  const end = p.te;
  const primitive = PRIMITIVES[kind];
  if (primitive !== undefined) return p.types.add(Ty.Primitive, start, end, primitive, 0, 0);
  switch (kind) {
    case Tok.Id:
    case Tok.ExplicitId: {
      const name = p.types.addName(p.idName(kind));
      return p.types.add(Ty.Name, start, end, name, 0, 0);
    }
    case Tok.Own:
    case Tok.Borrow:
      return parseHandle(p, kind === Tok.Own ? Ty.Own : Ty.Borrow, start);
    case Tok.Tuple:
    case Tok.List:
    case Tok.Map:
    case Tok.Option_:
    case Tok.Result_:
    case Tok.Future:
    case Tok.Stream:
      if (depth >= MAX_TYPE_DEPTH) {
        p.fail(codes.TypeNestingTooDeep, "type nesting too deep", span(start, end));
      }
      return parseCompositeTy(p, kind, start, depth + 1);
    default:
      // At end of file `next` did not move, and the error points there.
      return p.errExpectedAt("a type", kind, start, end);
  }
}

/**
 * A type constructor, after its keyword (`kind`, at `start`).
 *
 * ```ebnf
 * composite ::= tuple | list | map | option | result | future | stream
 * ```
 */
function parseCompositeTy(p: Cursor, kind: TokenKind, start: number, depth: number): Type {
  switch (kind) {
    case Tok.Tuple:
      return parseTuple(p, start, depth);
    case Tok.List:
      return parseList(p, start, depth);
    case Tok.Map:
      return parseMap(p, start, depth);
    case Tok.Option_:
      return parseOption(p, start, depth);
    case Tok.Result_:
      return parseResult(p, start, depth);
    case Tok.Future:
    case Tok.Stream:
      return parseFutureOrStream(p, kind === Tok.Future ? Ty.Future : Ty.Stream, start, depth);
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
function parseTuple(p: Cursor, start: number, depth: number): Type {
  p.expect(Tok.LessThan);
  const types = p.listStart();
  for (;;) {
    parseDocs(p);
    if (p.eat(Tok.GreaterThan)) break;
    p.listPush<Type>(parseTy(p, depth));
    if (!p.eat(Tok.Comma)) {
      p.expect(Tok.GreaterThan);
      break;
    }
  }
  const count = p.listTop - types;
  const first = p.types.addElems(p.list, types, p.listTop);
  p.listTop = types;
  return p.types.add(Ty.Tuple, start, p.lastEnd, first, count, 0);
}

/**
 * ```ebnf
 * list ::= 'list' '<' ty '>'
 *        | 'list' '<' ty ',' uint '>'
 * ```
 */
function parseList(p: Cursor, start: number, depth: number): Type {
  p.expect(Tok.LessThan);
  const element = parseTy(p, depth);
  if (p.eat(Tok.Comma)) {
    const k = p.next();
    if (k !== Tok.Integer) p.errExpectedAt("fixed-length", k, p.ts, p.te);
    const sizeSpan = span(p.ts, p.te);
    const digits = p.slice(p.ts, p.te);
    // wit-parser parses the size as a u32; a larger number is an error there too.
    const size = digits.length > 10 ? Infinity : Number(digits);
    if (size > 0xffffffff)
      p.fail(codes.IntegerTooLarge, "number too large to fit in target type", sizeSpan);
    p.expect(Tok.GreaterThan);
    return p.types.add(Ty.FixedLengthList, start, p.lastEnd, element, size, 0);
  }
  p.expect(Tok.GreaterThan);
  return p.types.add(Ty.List, start, p.lastEnd, element, 0, 0);
}

/**
 * ```ebnf
 * map ::= 'map' '<' kt ',' ty '>'
 * ```
 * The key is parsed as any `ty`; the resolver checks it is a valid key, as wit-parser does.
 */
function parseMap(p: Cursor, start: number, depth: number): Type {
  p.expect(Tok.LessThan);
  const key = parseTy(p, depth);
  p.expect(Tok.Comma);
  const value = parseTy(p, depth);
  p.expect(Tok.GreaterThan);
  return p.types.add(Ty.Map, start, p.lastEnd, key, value, 0);
}

/**
 * ```ebnf
 * option ::= 'option' '<' ty '>'
 * ```
 */
function parseOption(p: Cursor, start: number, depth: number): Type {
  p.expect(Tok.LessThan);
  const element = parseTy(p, depth);
  p.expect(Tok.GreaterThan);
  return p.types.add(Ty.Option, start, p.lastEnd, element, 0, 0);
}

/**
 * ```ebnf
 * result ::= 'result' '<' ty ',' ty '>'
 *          | 'result' '<' '_' ',' ty '>'
 *          | 'result' '<' ty '>'
 *          | 'result'
 * ```
 */
function parseResult(p: Cursor, start: number, depth: number): Type {
  let ok = NO_TYPE;
  let err = NO_TYPE;
  if (p.eat(Tok.LessThan)) {
    if (p.eat(Tok.Underscore)) {
      p.expect(Tok.Comma);
      err = parseTy(p, depth);
    } else {
      ok = parseTy(p, depth);
      if (p.eat(Tok.Comma)) err = parseTy(p, depth);
    }
    p.expect(Tok.GreaterThan);
  }
  return p.types.add(Ty.Result, start, p.lastEnd, ok, err, 0);
}

/**
 * ```ebnf
 * future ::= 'future' '<' ty '>' | 'future'
 * stream ::= 'stream' '<' ty '>' | 'stream'
 * ```
 */
function parseFutureOrStream(
  p: Cursor,
  kind: typeof Ty.Future | typeof Ty.Stream,
  start: number,
  depth: number,
): Type {
  let element = NO_TYPE;
  if (p.eat(Tok.LessThan)) {
    element = parseTy(p, depth);
    p.expect(Tok.GreaterThan);
  }
  return p.types.add(kind, start, p.lastEnd, element, 0, 0);
}

/**
 * ```ebnf
 * handle ::= id
 *          | 'own' '<' id '>'
 *          | 'borrow' '<' id '>'
 * ```
 * (A bare `id` is parsed as a named type; the resolver sees it is a resource.)
 */
function parseHandle(p: Cursor, kind: typeof Ty.Own | typeof Ty.Borrow, start: number): Type {
  p.expect(Tok.LessThan);
  const k = p.peek();
  if (k !== Tok.Id && k !== Tok.ExplicitId) return p.errExpected("an identifier or string");
  p.advance();
  const name = p.types.addName(p.idName(k));
  const nameStart = p.ts;
  const nameEnd = p.te;
  p.expect(Tok.GreaterThan);
  return p.types.add(kind, start, p.lastEnd, name, nameStart, nameEnd);
}
