/**
 * The parser's type definitions. Phase: tokens -> AST. Consumes tokens
 * through a {@link Cursor} and produces the named types of an interface or
 * world: aliases, records, flags, variants, enums, and resources with their
 * constructors, methods and static functions.
 */
import type {
  Attribute,
  Case,
  Docs,
  EnumCase,
  EnumDef,
  Field,
  Flag,
  FlagsDef,
  Id,
  RecordDef,
  ResourceDef,
  Type,
  TypeAlias,
  TypeDef,
  VariantDef,
} from "../ast.js";
import { FuncKind } from "../func-table.js";
import { Tok } from "../lexer.js";
import { NO_TYPE } from "../type-table.js";
import type { Cursor } from "./cursor.js";
import { parseId, parseDocs, parseGate, parseListTrailer } from "./parse-leaves.js";
import { parseFuncType, parseParamList, parseTy } from "./parse-types.js";

/**
 * ```ebnf
 * typedef-item ::= resource-item | variant-items | record-item | flags-items | enum-items | type-item
 * ```
 */
export function parseTypedefItem(
  p: Cursor,
  docs: Docs,
  attributes: readonly Attribute[],
  start: number,
): TypeDef {
  switch (p.peek()) {
    case Tok.Type:
      return parseTypeItem(p, docs, attributes, start);
    case Tok.Record:
      return parseRecordItem(p, docs, attributes, start);
    case Tok.Flags:
      return parseFlagsItems(p, docs, attributes, start);
    case Tok.Variant:
      return parseVariantItems(p, docs, attributes, start);
    case Tok.Enum:
      return parseEnumItems(p, docs, attributes, start);
    case Tok.Resource:
      return parseResourceItem(p, docs, attributes, start);
    default:
      return p.errExpected("a type definition");
  }
}

/**
 * ```ebnf
 * type-item ::= 'type' id '=' ty ';'
 * ```
 */
function parseTypeItem(
  p: Cursor,
  docs: Docs,
  attributes: readonly Attribute[],
  start: number,
): TypeAlias {
  p.expect(Tok.Type);
  const name = parseId(p);
  p.expect(Tok.Equals);
  const type = parseTy(p, 0);
  p.expect(Tok.Semicolon);
  return { kind: "type", start, end: p.lastEnd, docs, attributes, name, type };
}

/**
 * ```ebnf
 * record-item ::= 'record' id '{' record-fields '}'
 * record-fields ::= record-field | record-field ',' record-fields?
 * record-field ::= id ':' ty
 * ```
 * As in wit-parser the field list may be empty (the resolver decides).
 */
function parseRecordItem(
  p: Cursor,
  docs: Docs,
  attributes: readonly Attribute[],
  start: number,
): RecordDef {
  p.expect(Tok.Record);
  const name = parseId(p);
  p.expect(Tok.LeftBrace);
  const fields = p.listStart();
  parseListTrailer(p, Tok.RightBrace, parseField);
  return {
    kind: "record",
    start,
    end: p.lastEnd,
    docs,
    attributes,
    name,
    fields: p.listEnd<Field>(fields),
  };
}

/** A record field (`id ':' ty`), pushed onto the cursor's list. */
function parseField(p: Cursor, docs: Docs): void {
  const name = parseId(p);
  p.expect(Tok.Colon);
  const type = parseTy(p, 0);
  p.listPush<Field>({ start: name.start, end: p.lastEnd, docs, name, type });
}

/**
 * ```ebnf
 * flags-items ::= 'flags' id '{' flags-fields '}'
 * flags-fields ::= id | id ',' flags-fields?
 * ```
 */
function parseFlagsItems(
  p: Cursor,
  docs: Docs,
  attributes: readonly Attribute[],
  start: number,
): FlagsDef {
  p.expect(Tok.Flags);
  const name = parseId(p);
  p.expect(Tok.LeftBrace);
  const flags = p.listStart();
  parseListTrailer(p, Tok.RightBrace, parseFlag);
  return {
    kind: "flags",
    start,
    end: p.lastEnd,
    docs,
    attributes,
    name,
    flags: p.listEnd<Flag>(flags),
  };
}

/** A flag (`id`), pushed onto the cursor's list. */
function parseFlag(p: Cursor, docs: Docs): void {
  const name = parseId(p);
  p.listPush<Flag>({ start: name.start, end: name.end, docs, name });
}

/**
 * ```ebnf
 * variant-items ::= 'variant' id '{' variant-cases '}'
 * variant-cases ::= variant-case | variant-case ',' variant-cases?
 * variant-case ::= id | id '(' ty ')'
 * ```
 */
function parseVariantItems(
  p: Cursor,
  docs: Docs,
  attributes: readonly Attribute[],
  start: number,
): VariantDef {
  p.expect(Tok.Variant);
  const name = parseId(p);
  p.expect(Tok.LeftBrace);
  const cases = p.listStart();
  parseListTrailer(p, Tok.RightBrace, parseCase);
  return {
    kind: "variant",
    start,
    end: p.lastEnd,
    docs,
    attributes,
    name,
    cases: p.listEnd<Case>(cases),
  };
}

/** A variant case (`id | id '(' ty ')'`), pushed onto the cursor's list. */
function parseCase(p: Cursor, docs: Docs): void {
  const name = parseId(p);
  let type: Type | undefined;
  if (p.eat(Tok.LeftParen)) {
    type = parseTy(p, 0);
    p.expect(Tok.RightParen);
  }
  p.listPush<Case>({ start: name.start, end: p.lastEnd, docs, name, type });
}

/**
 * ```ebnf
 * enum-items ::= 'enum' id '{' enum-cases '}'
 * enum-cases ::= id | id ',' enum-cases?
 * ```
 */
function parseEnumItems(
  p: Cursor,
  docs: Docs,
  attributes: readonly Attribute[],
  start: number,
): EnumDef {
  p.expect(Tok.Enum);
  const name = parseId(p);
  p.expect(Tok.LeftBrace);
  const cases = p.listStart();
  parseListTrailer(p, Tok.RightBrace, parseEnumCase);
  return {
    kind: "enum",
    start,
    end: p.lastEnd,
    docs,
    attributes,
    name,
    cases: p.listEnd<EnumCase>(cases),
  };
}

/** An enum case (`id`), pushed onto the cursor's list. */
function parseEnumCase(p: Cursor, docs: Docs): void {
  const name = parseId(p);
  p.listPush<EnumCase>({ start: name.start, end: name.end, docs, name });
}

/**
 * ```ebnf
 * resource-item ::= 'resource' id ';'
 *                 | 'resource' id '{' resource-method* '}'
 * ```
 */
function parseResourceItem(
  p: Cursor,
  docs: Docs,
  attributes: readonly Attribute[],
  start: number,
): ResourceDef {
  p.expect(Tok.Resource);
  const name = parseId(p);
  const firstFunc = p.funcs.length;
  let hasBody = false;
  if (p.eat(Tok.LeftBrace)) {
    hasBody = true;
    while (!p.eat(Tok.RightBrace)) {
      const funcDocs = parseDocs(p);
      const funcAttributes = parseGate(p);
      parseResourceMethod(p, funcDocs, funcAttributes, name);
    }
  } else {
    p.expect(Tok.Semicolon);
  }
  return {
    kind: "resource",
    start,
    end: p.lastEnd,
    docs,
    attributes,
    name,
    hasBody,
    firstFunc,
    funcCount: p.funcs.length - firstFunc,
  };
}

/**
 * A resource's member, as a row of the file's function table.
 *
 * ```ebnf
 * resource-method ::= func-item
 *                   | id ':' 'static' func-type ';'
 *                   | 'constructor' param-list ';'
 * ```
 * As in wit-parser a constructor may declare `-> result<...>`.
 */
function parseResourceMethod(
  p: Cursor,
  docs: Docs,
  attributes: readonly Attribute[],
  resource: Id,
): void {
  const token = p.peek();
  switch (token) {
    case Tok.Constructor: {
      p.advance();
      const start = p.ts;
      const end = p.te;
      const firstParam = parseParamList(p);
      const paramCount = p.params.length - firstParam;
      const result = p.eat(Tok.RArrow) ? parseTy(p, 0) : NO_TYPE;
      const funcs = p.funcs;
      const row = funcs.add(
        "constructor",
        start,
        end,
        docs,
        attributes,
        resource,
        FuncKind.Constructor,
      );
      funcs.setSignature(row, start, end, firstParam, paramCount, result);
      p.expect(Tok.Semicolon);
      return;
    }
    case Tok.Id:
    case Tok.ExplicitId: {
      p.advance();
      const name = p.idName(token);
      const nameStart = p.ts;
      const nameEnd = p.te;
      p.expect(Tok.Colon);
      const kind = p.eat(Tok.Static) ? FuncKind.Static : FuncKind.Method;
      parseFuncType(p, name, nameStart, nameEnd, docs, attributes, resource, kind);
      p.expect(Tok.Semicolon);
      return;
    }
    default:
      p.errExpected("`constructor` or identifier");
  }
}
