/**
 * The WIT parser. Phase: tokens -> AST. Consumes one {@link SourceFile} of
 * the source map (lexed by `lexer.ts`) and produces a {@link WitFile} plus
 * diagnostics; it resolves no names and reads no other file.
 *
 * A hand-written recursive-descent parser with one `parseX` function per
 * production of the WIT grammar (`design/mvp/WIT.md`), each quoting its
 * production. This file holds files and packages; `parser/` holds the
 * cursor over the scanner (`cursor.ts`) and the other productions by
 * concept: leaves, type expressions, interfaces, type definitions, worlds. Where wit-parser (`crates/wit-parser/src/ast.rs`) accepts more
 * or less than the grammar, or reports an error in its own words, we follow
 * wit-parser, because users compare our messages and `file:line:col` with
 * it. Two families of errors exist there and here:
 * - "expected X, found Y" from `expect` marks a single character at the found
 *   token (wit-parser's lexer reports a position);
 * - the same message from a production that looked ahead (`errExpected`)
 *   marks the whole found token.
 * At end of file both point just past the last character.
 *
 * Recursion is bounded: type expressions nest at most 100 deep
 * (`parser/parse-types.ts`) and packages {@link MAX_PACKAGE_DEPTH} deep, as in
 * wit-parser, so no input can overflow the JavaScript stack.
 */
import { codes } from "../diagnostics/codes.js";
import { abort, DiagnosticAbort, type Diagnostic } from "../diagnostics/diagnostic.js";
import type {
  AstItem,
  Attribute,
  Docs,
  NestedPackage,
  PackageName,
  ToplevelUse,
  WitFile,
} from "./ast.js";
import { forbiddenCodepoint, Tok } from "./lexer.js";
import { Cursor } from "./parser/cursor.js";
import { parseId, parseDocs, parseOptVersion, parseGate } from "./parser/parse-leaves.js";
import { parseUsePath, parseInterfaceItem } from "./parser/parse-interface.js";
import { parseWorldItem } from "./parser/parse-world.js";
import type { SourceFile } from "../diagnostics/source-map.js";

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
    const ast = parseWitFile(new Cursor(file));
    return { ast, diagnostics: [] };
  } catch (e) {
    if (e instanceof DiagnosticAbort) return { ast: undefined, diagnostics: [e.diagnostic] };
    throw e;
  }
}

/** The deepest nesting of `package x:y { ... }` blocks accepted: the 101st is an error, as in wit-parser. */
const MAX_PACKAGE_DEPTH = 100;

/**
 * A whole file. `package a:b;` is the header only when a `;` follows the
 * name; otherwise the tokens are read again as a nested package block, as
 * wit-parser does (so `package a:b {` at the top is an item).
 *
 * ```ebnf
 * wit-file ::= (package-decl ';')? (package-items | nested-package-definition)*
 * ```
 */
function parseWitFile(p: Cursor): WitFile {
  const bad = forbiddenCodepoint(p.file);
  if (bad) abort(bad);
  const file = p.file;
  let header: PackageName | undefined;
  const save = p.save();
  const saveEnd = p.lastEnd;
  const docs = parseDocs(p);
  if (p.eat(Tok.Package)) {
    const name = parsePackageDecl(p, docs);
    if (p.eat(Tok.Semicolon)) header = name;
  }
  if (header === undefined) p.restore(save, saveEnd);
  const items = parsePackageItemList(p, false, 0);
  return {
    kind: "file",
    path: file.path,
    start: file.base,
    end: file.base + file.text.length,
    package: header,
    items,
    types: p.types,
    funcs: p.funcs,
    params: p.params,
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
function parsePackageItemList(p: Cursor, inBlock: boolean, depth: number): readonly AstItem[] {
  const items = p.listStart();
  let docs = parseDocs(p);
  for (;;) {
    if (inBlock) {
      if (p.eat(Tok.RightBrace)) break;
    } else if (p.peek() === Tok.Eof) {
      break;
    }
    p.listPush<AstItem>(parsePackageItem(p, docs, depth));
    docs = parseDocs(p);
  }
  return p.listEnd<AstItem>(items);
}

/**
 * One top-level item, after its docs.
 *
 * ```ebnf
 * package-items ::= toplevel-use-item | interface-item | world-item
 * ```
 */
function parsePackageItem(p: Cursor, docs: Docs, depth: number): AstItem {
  const start = p.startOfNext();
  const attributes = parseGate(p);
  switch (p.peek()) {
    case Tok.Interface:
      return parseInterfaceItem(p, docs, attributes, start);
    case Tok.World:
      return parseWorldItem(p, docs, attributes, start);
    case Tok.Use:
      return parseToplevelUseItem(p, docs, attributes, start);
    case Tok.Package:
      return parseNestedPackageDefinition(p, docs, attributes, start, depth);
    default:
      return p.errExpected("`world`, `interface` or `use`");
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
function parseNestedPackageDefinition(
  p: Cursor,
  docs: Docs,
  attributes: readonly Attribute[],
  start: number,
  depth: number,
): NestedPackage {
  const packageSpan = p.expectSpan(Tok.Package);
  if (depth + 1 > MAX_PACKAGE_DEPTH)
    p.fail(codes.PackageNestingTooDeep, "package nesting too deep", packageSpan);
  if (attributes.length > 0) {
    p.fail(
      codes.AttributesOnNestedPackage,
      "cannot place attributes on nested packages",
      packageSpan,
    );
  }
  const name = parsePackageDecl(p, docs);
  p.expect(Tok.LeftBrace);
  const items = parsePackageItemList(p, true, depth + 1);
  return {
    kind: "package",
    start,
    end: p.lastEnd,
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
function parsePackageDecl(p: Cursor, docs: Docs): PackageName {
  const namespace = parseId(p);
  p.expect(Tok.Colon);
  const name = parseId(p);
  const version = parseOptVersion(p);
  const end = version ? version.end : name.end;
  return { start: namespace.start, end, docs, namespace, name, version };
}

/**
 * ```ebnf
 * toplevel-use-item ::= 'use' use-path ('as' id)? ';'
 * ```
 */
function parseToplevelUseItem(
  p: Cursor,
  docs: Docs,
  attributes: readonly Attribute[],
  start: number,
): ToplevelUse {
  const useSpan = p.expectSpan(Tok.Use);
  const item = parseUsePath(p);
  const as = p.eat(Tok.As) ? parseId(p) : undefined;
  p.expect(Tok.Semicolon);
  return { kind: "toplevel-use", start, end: p.lastEnd, useSpan, docs, attributes, item, as };
}
