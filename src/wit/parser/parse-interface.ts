/**
 * The parser's interfaces. Phase: tokens -> AST. Consumes tokens through a
 * {@link Cursor} and produces an interface and its items: `use` of types
 * from another interface, functions, and type definitions (in
 * `parse-typedefs.ts`). The interface body is also the body of an inline
 * `import x: interface { ... }` in a world.
 */
import type {
  Attribute,
  Docs,
  Interface,
  InterfaceItem,
  PackageName,
  Use,
  UseName,
  UsePath,
} from "../ast.js";
import { FuncKind } from "../func-table.js";
import { Tok } from "../lexer.js";
import type { Cursor } from "./cursor.js";
import { parseId, parseDocs, parseOptVersion, parseGate, EMPTY_DOCS } from "./parse-leaves.js";
import { parseFuncType } from "./parse-types.js";
import { parseTypedefItem } from "./parse-typedefs.js";

/**
 * ```ebnf
 * use-path ::= id
 *            | id ':' id '/' id ('@' valid-semver)?
 * ```
 */
export function parseUsePath(p: Cursor): UsePath {
  const id = parseId(p);
  if (!p.eat(Tok.Colon)) return { kind: "id", start: id.start, end: id.end, id };
  const pkg = parseId(p);
  p.expect(Tok.Slash);
  const name = parseId(p);
  const version = parseOptVersion(p);
  // As in wit-parser, the package's span stops at the package name.
  const pkgName: PackageName = {
    start: id.start,
    end: pkg.end,
    docs: EMPTY_DOCS,
    namespace: id,
    name: pkg,
    version,
  };
  return { kind: "package", start: id.start, end: p.lastEnd, package: pkgName, name };
}

/**
 * ```ebnf
 * interface-item ::= gate 'interface' id '{' interface-items* '}'
 * ```
 */
export function parseInterfaceItem(
  p: Cursor,
  docs: Docs,
  attributes: readonly Attribute[],
  start: number,
): Interface {
  p.expect(Tok.Interface);
  const name = parseId(p);
  const firstFunc = p.funcs.length;
  const items = parseInterfaceBody(p);
  const funcCount = p.funcs.length - firstFunc;
  return {
    kind: "interface",
    start,
    end: p.lastEnd,
    docs,
    attributes,
    name,
    items,
    firstFunc,
    funcCount,
  };
}

/**
 * The braces and items of an interface (also of `import x: interface { ... }`). Its functions go to the
 * file's function table, one run of rows from where it stood before the body.
 *
 * ```ebnf
 * '{' interface-items* '}'
 * interface-items ::= gate interface-definition
 * ```
 */
export function parseInterfaceBody(p: Cursor): readonly InterfaceItem[] {
  p.expect(Tok.LeftBrace);
  const items = p.listStart();
  for (;;) {
    const docs = parseDocs(p);
    if (p.eat(Tok.RightBrace)) break;
    const start = p.startOfNext();
    const attributes = parseGate(p);
    const item = parseInterfaceDefinition(p, docs, attributes, start);
    if (item !== undefined) p.listPush<InterfaceItem>(item);
  }
  return p.listEnd<InterfaceItem>(items);
}

/**
 * An item, or undefined for a function (a row of the function table).
 *
 * ```ebnf
 * interface-definition ::= use-item | typedef-item | func-item
 * ```
 */
function parseInterfaceDefinition(
  p: Cursor,
  docs: Docs,
  attributes: readonly Attribute[],
  start: number,
): InterfaceItem | undefined {
  switch (p.peek()) {
    case Tok.Type:
    case Tok.Flags:
    case Tok.Enum:
    case Tok.Variant:
    case Tok.Resource:
    case Tok.Record:
      return parseTypedefItem(p, docs, attributes, start);
    case Tok.Id:
    case Tok.ExplicitId:
      parseFuncItem(p, docs, attributes);
      return undefined;
    case Tok.Use:
      return parseUseItem(p, docs, attributes, start);
    default:
      return p.errExpected("`type`, `resource` or `func`");
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
export function parseUseItem(
  p: Cursor,
  docs: Docs,
  attributes: readonly Attribute[],
  start: number,
): Use {
  p.expect(Tok.Use);
  const from = parseUsePath(p);
  p.expect(Tok.Period);
  p.expect(Tok.LeftBrace);
  const names = p.listStart();
  while (!p.eat(Tok.RightBrace)) {
    const name = parseId(p);
    const as = p.eat(Tok.As) ? parseId(p) : undefined;
    p.listPush<UseName>({ start: name.start, end: p.lastEnd, name, as });
    if (!p.eat(Tok.Comma)) {
      p.expect(Tok.RightBrace);
      break;
    }
  }
  p.expect(Tok.Semicolon);
  return {
    kind: "use",
    start,
    end: p.lastEnd,
    docs,
    attributes,
    from,
    names: p.listEnd<UseName>(names),
  };
}

/**
 * ```ebnf
 * func-item ::= id ':' func-type ';'
 * ```
 */
function parseFuncItem(p: Cursor, docs: Docs, attributes: readonly Attribute[]): void {
  // The caller peeked an identifier: its name and bounds, without an `Id` node.
  const kind = p.peek();
  p.advance();
  const name = p.idName(kind);
  const nameStart = p.ts;
  const nameEnd = p.te;
  p.expect(Tok.Colon);
  parseFuncType(p, name, nameStart, nameEnd, docs, attributes, undefined, FuncKind.Freestanding);
  p.expect(Tok.Semicolon);
}
