// AST-READY
/**
 * The WIT abstract syntax tree: what the parser (`parser.ts`) produces from
 * one source file and what the resolver consumes. Phase: text -> AST. It
 * knows nothing about other files, packages or name resolution; every name is
 * still an {@link Id} with its place in the text.
 *
 * The shapes follow wit-parser's `ast.rs` (`PackageFile`, `AstItem`,
 * `Interface`, `World`, `WorldItem`, `ExternKind`, `TypeDef`, `Type`,
 * `Use`, `UsePath`, `Include`, `Attribute`,
 * `Docs`) so that a reader can cross-check the two. Differences are on
 * purpose: alternatives are `kind`-tagged unions instead of Rust enums, and
 * the definitions that wit-parser folds into its `Type` enum (record, flags,
 * variant, enum, resource) are separate {@link TypeDef} kinds here because
 * they can only appear at the top of a type definition, and type expressions
 * and functions (wit-parser's `NamedFunc`, `ResourceFunc` and `Func`) with
 * their parameters are not nodes but rows of the file's flat tables
 * (`type-table.ts`, `func-table.ts`, `param-table.ts`): numbers rather than
 * objects. An interface, or a resource, holds the run of its functions' rows.
 *
 * Spans: every node *is* a {@link Span}: its `start` and `end` are the
 * global offsets of the whole text it was parsed from (first token to last
 * token), so a node can be given wherever a span is wanted. (Inputs of
 * megabytes have millions of nodes; a span object of its own per node was a
 * third of the tree's memory.) Copy a node's bounds with {@link spanOf}
 * before keeping them beyond the tree, as in a diagnostic. wit-parser
 * reports most errors at a narrower place (a name, a keyword); the type
 * table's `typeErrorSpan` gives that place for type expressions, and items
 * carry their `name: Id` for the same purpose.
 *
 * Lists are shared empty arrays when empty: treat every list as read-only.
 *
 * Stability: only add fields and nodes; never rename or remove without
 * updating the resolver, which is written against this file.
 */
import type { Span } from "../diagnostics/source-map.js";
import type { FuncTable } from "./func-table.js";
import type { ParamTable } from "./param-table.js";
import type { TypeRef, TypeTable } from "./type-table.js";

// ---------------------------------------------------------------------------
// Leaves
// ---------------------------------------------------------------------------

/**
 * An identifier as written, already validated as kebab-case. For a
 * `%`-escaped identifier `name` is without the `%` and the span covers the
 * `%` too (as in wit-parser).
 */
export interface Id extends Span {
  readonly name: string;
}

/**
 * The comments written before an item, raw, in source order. wit-parser keeps
 * *every* comment (`//`, `///`, `/* *\/`, `/** *\/`) that precedes an item as
 * its documentation; the resolver turns them into `Docs { contents }` (see
 * {@link docsContents}). The span runs from the first comment's start to the
 * last comment's end without trailing whitespace (wit-parser points the
 * "found doc comments on multiple 'package' items" error there); it is
 * unknown (`start` and `end` -1) when there are no comments.
 */
export interface Docs extends Span {
  readonly comments: readonly string[];
}

/**
 * A semver version, e.g. the `1.2.3-rc.1+build` of `a:b@1.2.3-rc.1+build`.
 * `text` is the version exactly as written, which is also its canonical form
 * (semver rejects leading zeros, so there is only one spelling per version).
 */
export interface Version extends Span {
  readonly text: string;
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** Pre-release part without the leading `-`, or "" when absent. */
  readonly pre: string;
  /** Build metadata without the leading `+`, or "" when absent. */
  readonly build: string;
}

/**
 * A feature gate or deprecation marker written before an item:
 * `@since(version = 1.2.3)`, `@unstable(feature = name)`,
 * `@deprecated(version = 1.2.3)`. The span is the attribute name's (the
 * `since` of `@since`), which is where wit-parser points its errors.
 */
export type Attribute = SinceAttribute | UnstableAttribute | DeprecatedAttribute;

export interface SinceAttribute extends Span {
  readonly kind: "since";
  readonly version: Version;
}

export interface UnstableAttribute extends Span {
  readonly kind: "unstable";
  readonly feature: Id;
}

export interface DeprecatedAttribute extends Span {
  readonly kind: "deprecated";
  readonly version: Version;
}

// ---------------------------------------------------------------------------
// Files and packages
// ---------------------------------------------------------------------------

/**
 * One parsed `.wit` file (wit-parser's `PackageFile` for a top-level file).
 * `package` is the optional `package a:b@1.0.0;` header; `items` are the
 * top-level items in source order, including nested `package x:y { ... }`
 * blocks.
 */
export interface WitFile extends Span {
  readonly kind: "file";
  /** The path the file was added to the source map under. */
  readonly path: string;
  /** The whole file. */
  readonly package: PackageName | undefined;
  readonly items: readonly AstItem[];
  /** The type expressions of the whole file, nested packages included: every {@link Type} is a row of it. */
  readonly types: TypeTable;
  /** The functions of the whole file, nested packages included (see `func-table.ts`). */
  readonly funcs: FuncTable;
  /** The parameters of every function of the file. */
  readonly params: ParamTable;
}

/** wit-parser calls the whole-file node `Ast`; the same thing. */
export type Ast = WitFile;

/**
 * `namespace:name@version`. As in wit-parser, the span runs from the namespace
 * to the end of the version (or of the name when there is no version), and
 * `docs` are the comments before the `package` keyword (empty for a package
 * named inside a use path).
 */
export interface PackageName extends Span {
  readonly docs: Docs;
  readonly namespace: Id;
  readonly name: Id;
  readonly version: Version | undefined;
}

/** A top-level item of a file or of a nested package block. */
export type AstItem = Interface | World | ToplevelUse | NestedPackage;

/**
 * `package a:b@1.0.0 { ... }`. The span covers the keyword to the closing
 * brace; `packageSpan` is the `package` keyword (where "package nesting too
 * deep" points). wit-parser parses packages nested inside nested packages and
 * leaves rejecting them to resolution ("nested packages must be placed at the
 * top-level", at `name`).
 */
export interface NestedPackage extends Span {
  readonly kind: "package";
  readonly packageSpan: Span;
  readonly docs: Docs;
  readonly attributes: readonly Attribute[];
  readonly name: PackageName;
  readonly items: readonly AstItem[];
}

/**
 * `use a:b/c@1.0.0 as d;` at the top level. It may name an interface or a
 * world; the resolver decides. `useSpan` is the `use` keyword (wit-parser's
 * `ToplevelUse::span`).
 */
export interface ToplevelUse extends Span {
  readonly kind: "toplevel-use";
  readonly useSpan: Span;
  readonly docs: Docs;
  readonly attributes: readonly Attribute[];
  readonly item: UsePath;
  readonly as: Id | undefined;
}

/**
 * The target of a `use`, `include`, or path import/export:
 * `foo` (`kind: "id"`) or `ns:pkg/foo@1.2.3` (`kind: "package"`). For the
 * package form, the span of `package` runs from the namespace to the package name
 * and excludes the version, as in wit-parser.
 */
export type UsePath = UsePathId | UsePathPackage;

export interface UsePathId extends Span {
  readonly kind: "id";
  readonly id: Id;
}

export interface UsePathPackage extends Span {
  readonly kind: "package";
  readonly package: PackageName;
  /** The interface or world name after the `/`. */
  readonly name: Id;
}

// ---------------------------------------------------------------------------
// Interfaces
// ---------------------------------------------------------------------------

/** `interface name { items }`. */
export interface Interface extends Span {
  readonly kind: "interface";
  readonly docs: Docs;
  readonly attributes: readonly Attribute[];
  readonly name: Id;
  readonly items: readonly InterfaceItem[];
  /** The interface's functions, resources' members included: rows `firstFunc` on of the file's `FuncTable`. */
  readonly firstFunc: number;
  readonly funcCount: number;
}

/** What an interface body (or an inline `import x: interface { ... }`) holds besides its functions. */
export type InterfaceItem = TypeDef | Use;

/** `use path.{a, b as c};` inside an interface or world. */
export interface Use extends Span {
  readonly kind: "use";
  readonly docs: Docs;
  readonly attributes: readonly Attribute[];
  readonly from: UsePath;
  readonly names: readonly UseName[];
}

export interface UseName extends Span {
  readonly name: Id;
  readonly as: Id | undefined;
}

// ---------------------------------------------------------------------------
// Type definitions
// ---------------------------------------------------------------------------

/** A named type definition; all kinds share `name`, `docs`, `attributes`. */
export type TypeDef = TypeAlias | RecordDef | FlagsDef | VariantDef | EnumDef | ResourceDef;

interface TypeDefBase extends Span {
  readonly docs: Docs;
  readonly attributes: readonly Attribute[];
  readonly name: Id;
}

/** `type name = type;` */
export interface TypeAlias extends TypeDefBase {
  readonly kind: "type";
  readonly type: Type;
}

/** `record name { field: type, ... }` */
export interface RecordDef extends TypeDefBase {
  readonly kind: "record";
  readonly fields: readonly Field[];
}

export interface Field extends Span {
  readonly docs: Docs;
  readonly name: Id;
  readonly type: Type;
}

/** `flags name { a, b, ... }` */
export interface FlagsDef extends TypeDefBase {
  readonly kind: "flags";
  readonly flags: readonly Flag[];
}

export interface Flag extends Span {
  readonly docs: Docs;
  readonly name: Id;
}

/** `variant name { a, b(type), ... }` */
export interface VariantDef extends TypeDefBase {
  readonly kind: "variant";
  readonly cases: readonly Case[];
}

export interface Case extends Span {
  readonly docs: Docs;
  readonly name: Id;
  readonly type: Type | undefined;
}

/** `enum name { a, b, ... }` */
export interface EnumDef extends TypeDefBase {
  readonly kind: "enum";
  readonly cases: readonly EnumCase[];
}

export interface EnumCase extends Span {
  readonly docs: Docs;
  readonly name: Id;
}

/**
 * `resource name;` or `resource name { funcs }`. `hasBody` tells the two
 * apart (both are valid; an empty body is the same resource as no body).
 */
export interface ResourceDef extends TypeDefBase {
  readonly kind: "resource";
  readonly hasBody: boolean;
  /**
   * The members (`constructor(params) (-> result)?;`, `name: func(...)`, `name: static func(...)`): rows
   * `firstFunc` on of the file's `FuncTable`.
   */
  readonly firstFunc: number;
  readonly funcCount: number;
}

// ---------------------------------------------------------------------------
// Type expressions
// ---------------------------------------------------------------------------

/**
 * A type expression: what may follow `type x =`, a field's `:`, a param's `:`, `->`, or appear inside `<...>`.
 * Not a node: a row of the file's {@link TypeTable} (see `type-table.ts`), which says what it is.
 */
export type Type = TypeRef;

// ---------------------------------------------------------------------------
// Worlds
// ---------------------------------------------------------------------------

/** `world name { items }`. */
export interface World extends Span {
  readonly kind: "world";
  readonly docs: Docs;
  readonly attributes: readonly Attribute[];
  readonly name: Id;
  readonly items: readonly WorldItem[];
}

export type WorldItem = Import | Export | Use | TypeDef | Include;

/** `import extern`. */
export interface Import extends Span {
  readonly kind: "import";
  readonly docs: Docs;
  readonly attributes: readonly Attribute[];
  readonly extern: ExternKind;
}

/** `export extern`. */
export interface Export extends Span {
  readonly kind: "export";
  readonly docs: Docs;
  readonly attributes: readonly Attribute[];
  readonly extern: ExternKind;
}

/**
 * What an import or export names:
 * - `name: interface { ... }` (`kind: "interface"`, an inline interface),
 * - `name: async? func(...);` (`kind: "func"`),
 * - `path;` (`kind: "path"`: `foo`, `a:b/c`, `a:b/c@1.2.3`),
 * - `label: path;` (`kind: "named-path"`: an interface imported or exported
 *   under a plain name of the world's choosing).
 * {@link externSpan} is where wit-parser reports errors about the item.
 */
export type ExternKind = ExternInterface | ExternFunc | ExternPath | ExternNamedPath;

export interface ExternInterface extends Span {
  readonly kind: "interface";
  readonly name: Id;
  readonly items: readonly InterfaceItem[];
  readonly firstFunc: number;
  readonly funcCount: number;
}

export interface ExternFunc extends Span {
  readonly kind: "func";
  readonly name: Id;
  /** The function's row of the file's `FuncTable`. */
  readonly func: number;
}

export interface ExternPath extends Span {
  readonly kind: "path";
  readonly path: UsePath;
}

export interface ExternNamedPath extends Span {
  readonly kind: "named-path";
  readonly name: Id;
  readonly path: UsePath;
}

/** `include path;` or `include path with { a as b, ... }`. */
export interface Include extends Span {
  readonly kind: "include";
  readonly docs: Docs;
  readonly attributes: readonly Attribute[];
  readonly from: UsePath;
  readonly names: readonly IncludeName[];
}

export interface IncludeName extends Span {
  readonly name: Id;
  readonly as: Id;
}

// ---------------------------------------------------------------------------
// Helpers that encode wit-parser conventions
// ---------------------------------------------------------------------------

/** A span of its own with the bounds of `s` (a node, say), for keeping beyond the tree. */
export function spanOf(s: Span): Span {
  return { start: s.start, end: s.end };
}

/** Where wit-parser reports errors about an import or export: its name, or the path's last name. */
export function externSpan(e: ExternKind): Span {
  switch (e.kind) {
    case "interface":
    case "func":
    case "named-path":
      return e.name;
    case "path":
      return e.path.kind === "id" ? e.path.id : e.path.name;
    default: {
      const never: never = e;
      throw new Error(`unknown extern kind ${(never as ExternKind).kind}`);
    }
  }
}

/** The name a use path ends in (`foo` of `foo` and of `a:b/foo@1.0.0`). */
export function usePathName(p: UsePath): Id {
  return p.kind === "id" ? p.id : p.name;
}

/**
 * Turns raw comments into the text wit-parser stores as `Docs.contents`:
 * strip `/**`...`*\/` or leading slashes, trim line ends, remove the smallest
 * common indentation of the non-empty lines, join with newlines and drop
 * trailing newlines. Returns undefined when there are no comments.
 */
export function docsContents(docs: Docs): string | undefined {
  const n = docs.comments.length;
  if (n === 0) return undefined;
  const lines: string[] = [];
  for (const c of docs.comments) {
    let body: string;
    if (c.startsWith("/**") && c.endsWith("*/") && c.length >= 5) body = c.slice(3, -2);
    else {
      let i = 0;
      while (i < c.length && c.charCodeAt(i) === 47 /* / */) i++;
      body = c.slice(i);
    }
    lines.push(trimEndAsciiWs(body));
  }
  let minWs = Infinity;
  for (const l of lines) {
    if (l.length === 0) continue;
    let i = 0;
    while (i < l.length && isAsciiWs(l.charCodeAt(i))) i++;
    if (i < minWs) minWs = i;
  }
  const parts: string[] = [];
  for (const l of lines) {
    const stripped =
      minWs !== Infinity && minWs > 0 && l.startsWith(" ".repeat(minWs)) ? l.slice(minWs) : l;
    if (stripped.length === 0) parts.push("");
    else
      for (const piece of stripped.split("\n"))
        parts.push(piece.endsWith("\r") ? piece.slice(0, -1) : piece);
  }
  let text = parts.join("\n");
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 10) end--;
  text = text.slice(0, end);
  return text;
}

function isAsciiWs(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 12 || c === 13;
}

function trimEndAsciiWs(s: string): string {
  let end = s.length;
  while (end > 0 && isAsciiWs(s.charCodeAt(end - 1))) end--;
  return s.slice(0, end);
}
