/**
 * The parser's worlds. Phase: tokens -> AST. Consumes tokens through a
 * {@link Cursor} and produces a world and its items: imports and exports (of
 * a named interface, a function or an inline interface), `include` with its
 * renames, and the `use` items and type definitions a world shares with
 * interfaces.
 */
import type {
  Attribute,
  Docs,
  Export,
  ExternKind,
  Import,
  Include,
  IncludeName,
  World,
  WorldItem,
} from "../ast.js";
import { Tok } from "../lexer.js";
import type { Cursor } from "./cursor.js";
import {
  EMPTY_DOCS,
  NO_ATTRIBUTES,
  parseId,
  parseDocs,
  parseGate,
  parseListTrailer,
} from "./parse-leaves.js";
import { FuncKind } from "../func-table.js";
import { parseFuncType } from "./parse-types.js";
import { parseUsePath, parseInterfaceBody, parseUseItem } from "./parse-interface.js";
import { parseTypedefItem } from "./parse-typedefs.js";

/**
 * ```ebnf
 * world-item ::= gate 'world' id '{' world-items* '}'
 * world-items ::= gate world-definition
 * ```
 */
export function parseWorldItem(
  p: Cursor,
  docs: Docs,
  attributes: readonly Attribute[],
  start: number,
): World {
  p.expect(Tok.World);
  const name = parseId(p);
  p.expect(Tok.LeftBrace);
  const items = p.listStart();
  for (;;) {
    const itemDocs = parseDocs(p);
    if (p.eat(Tok.RightBrace)) break;
    const itemStart = p.startOfNext();
    const itemAttributes = parseGate(p);
    p.listPush<WorldItem>(parseWorldDefinition(p, itemDocs, itemAttributes, itemStart));
  }
  return {
    kind: "world",
    start,
    end: p.lastEnd,
    docs,
    attributes,
    name,
    items: p.listEnd<WorldItem>(items),
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
function parseWorldDefinition(
  p: Cursor,
  docs: Docs,
  attributes: readonly Attribute[],
  start: number,
): WorldItem {
  switch (p.peek()) {
    case Tok.Import:
      return parseImportItem(p, docs, attributes, start);
    case Tok.Export:
      return parseExportItem(p, docs, attributes, start);
    case Tok.Use:
      return parseUseItem(p, docs, attributes, start);
    case Tok.Type:
    case Tok.Flags:
    case Tok.Resource:
    case Tok.Record:
    case Tok.Variant:
    case Tok.Enum:
      return parseTypedefItem(p, docs, attributes, start);
    case Tok.Include:
      return parseIncludeItem(p, docs, attributes, start);
    default:
      return p.errExpected("`import`, `export`, `include`, `use`, or type definition");
  }
}

/**
 * ```ebnf
 * import-item ::= 'import' id ':' extern-type
 *               | 'import' use-path ';'
 * ```
 */
function parseImportItem(
  p: Cursor,
  docs: Docs,
  attributes: readonly Attribute[],
  start: number,
): Import {
  p.expect(Tok.Import);
  const extern = parseExternType(p);
  return { kind: "import", start, end: p.lastEnd, docs, attributes, extern };
}

/**
 * ```ebnf
 * export-item ::= 'export' id ':' extern-type
 *               | 'export' use-path ';'
 * ```
 */
function parseExportItem(
  p: Cursor,
  docs: Docs,
  attributes: readonly Attribute[],
  start: number,
): Export {
  p.expect(Tok.Export);
  const extern = parseExternType(p);
  return { kind: "export", start, end: p.lastEnd, docs, attributes, extern };
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
function parseExternType(p: Cursor): ExternKind {
  const start = p.startOfNext();
  const save = p.save();
  const saveEnd = p.lastEnd;
  const name = parseId(p);
  if (p.eat(Tok.Colon)) {
    const k = p.peek();
    if (k === Tok.Func || k === Tok.Async) {
      // The item's docs and gates are the import's or export's (`WorldItem`): the row has none of its own.
      const func = parseFuncType(
        p,
        name.name,
        name.start,
        name.end,
        EMPTY_DOCS,
        NO_ATTRIBUTES,
        undefined,
        FuncKind.Freestanding,
      );
      p.expect(Tok.Semicolon);
      return { kind: "func", start, end: p.lastEnd, name, func };
    }
    if (p.eat(Tok.Interface)) {
      const firstFunc = p.funcs.length;
      const items = parseInterfaceBody(p);
      const funcCount = p.funcs.length - firstFunc;
      return { kind: "interface", start, end: p.lastEnd, name, items, firstFunc, funcCount };
    }
    // `ns:pkg/iface` is a package path; `label: iface` or `label: ns:pkg/iface` a named import.
    if ((k === Tok.Id || k === Tok.ExplicitId) && p.peekKind2() !== Tok.Slash) {
      const path = parseUsePath(p);
      p.expect(Tok.Semicolon);
      return { kind: "named-path", start, end: p.lastEnd, name, path };
    }
  }
  p.restore(save, saveEnd);
  const path = parseUsePath(p);
  p.expect(Tok.Semicolon);
  return { kind: "path", start, end: p.lastEnd, path };
}

/** One `id 'as' id` of an include's `with` list, pushed onto the cursor's list. */
function parseIncludeName(p: Cursor): void {
  const name = parseId(p);
  p.expect(Tok.As);
  const as = parseId(p);
  p.listPush<IncludeName>({ start: name.start, end: p.lastEnd, name, as });
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
function parseIncludeItem(
  p: Cursor,
  docs: Docs,
  attributes: readonly Attribute[],
  start: number,
): Include {
  p.expect(Tok.Include);
  const from = parseUsePath(p);
  const names = p.listStart();
  if (p.eat(Tok.With)) {
    p.expect(Tok.LeftBrace);
    parseListTrailer(p, Tok.RightBrace, parseIncludeName);
  } else {
    p.expect(Tok.Semicolon);
  }
  const list = p.listEnd<IncludeName>(names);
  return { kind: "include", start, end: p.lastEnd, docs, attributes, from, names: list };
}
