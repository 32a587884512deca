/**
 * Resolution, stage 1: what the resolver of one package knows while it works.
 * Consumes nothing itself; holds the package's arenas as they fill (types,
 * interfaces, worlds, in wit-parser's order), its names (per file, per
 * package, per foreign package), the scope of the interface or world being
 * resolved, the interning tables of anonymous types, and the spans kept for
 * stage 2's errors; and the steps every part of stage 1 shares: allocating
 * ids, defining a name in the scope, resolving a `use` or `include` path,
 * and reading docs and feature gates.
 */
import type * as ast from "./ast.js";
import { codes, type DiagnosticCode } from "../diagnostics/codes.js";
import { abort, error } from "../diagnostics/diagnostic.js";
import type { Span } from "../diagnostics/source-map.js";
import { docsContents } from "./ast.js";
import { FuncTable } from "./func-table.js";
import { ParamTable } from "./param-table.js";
import { TypeTable } from "./type-table.js";
import {
  NO_DOCS,
  UNKNOWN_STABILITY,
  formatPackageName,
  noDocs,
  type Docs,
  type Interface,
  type InterfaceId,
  type PackageName,
  type Stability,
  type TypeDef,
  type TypeId,
  type World,
  type WorldId,
} from "./model.js";
import type { PathUse } from "./resolve-references.js";
import { objectArray } from "./object-array.js";

/** A top-level name of a package or file: an interface or a world (wit-parser's `AstItem`). */
export type ItemRef =
  | { readonly kind: "interface"; readonly id: InterfaceId }
  | { readonly kind: "world"; readonly id: WorldId };

/** What a package uses from one other package. */
export interface ForeignPackage {
  readonly name: PackageName;
  /** Where the package was first named (namespace to name, without the version). */
  readonly span: Span;
  /** Interface or world name to the local placeholder and the stability of every `use` of it. */
  readonly items: Map<string, { readonly item: ItemRef; readonly stabilities: Stability[] }>;
}

export interface IncludeName {
  readonly name: string;
  readonly as: string;
}

/** An `include` not yet applied: applied in stage 2 once the included world is final. */
export interface PendingInclude {
  readonly stability: Stability;
  readonly world: WorldId;
  readonly names: readonly IncludeName[];
  readonly span: Span;
}

export interface InterfaceSpans {
  readonly span: Span;
  /**
   * Where the functions are, in the order of `Interface.functions`: rows `firstFunc` on of `funcs` (each
   * function's span is its name's, {@link FuncTable.nameSpan}).
   */
  funcs: FuncTable;
  firstFunc: number;
}

export interface WorldSpans {
  readonly span: Span;
  /** One span per import / export, in map order. */
  imports: Span[];
  exports: Span[];
}

/**
 * The names of an interface or world: its types (their ids), with each
 * definition's span in definition order, and, for an interface, the map of
 * its functions, which answers for function names (a name that is not a
 * type). Two flat structures instead of an object per name keep big inputs
 * cheap, and an interface keeps `ids` as its `types` map instead of a copy.
 */
export class Scope {
  readonly ids = new Map<string, number>();
  readonly spans: Span[] = [];
  functions: ReadonlyMap<string, unknown> | undefined = undefined;
  /** The freestanding function being resolved: its name is defined while its signature is read. */
  functionName: string | undefined = undefined;
}

/** Reports at `span`, which may be a node of the tree (`catchAbort` copies the bounds). */
export function fail(code: DiagnosticCode, message: string, span: Span, hint?: string): never {
  abort(error(code, message, span, hint === undefined ? {} : { hint }));
}

export function packageNameOf(p: ast.PackageName): PackageName {
  return { namespace: p.namespace.name, name: p.name.name, version: p.version?.text };
}

/** The tables of a resolver that has not been given a file yet. */
const EMPTY_TABLE = new TypeTable();
const EMPTY_PARAMS = new ParamTable();
const EMPTY_FUNCS = new FuncTable();

/** Interned tuples by the type codes (`resolve-type-expr.ts`) of their elements: one level per element. */
export class TupleTrie {
  id: TypeId | undefined = undefined;
  readonly next = new Map<number, TupleTrie>();
}

/**
 * The state of one package's resolution, shared by the steps of stage 1
 * (`resolve-package-items.ts`, `resolve-type-defs.ts`, `resolve-type-expr.ts`,
 * `resolve-functions.ts`); `PackageResolver` (`resolve-package.ts`) drives them.
 */
export class PackageState {
  packageName: { name: PackageName; span: Span } | undefined;

  packageDocs: Docs = noDocs();
  readonly declLists: (readonly ast.AstItem[])[] = objectArray();

  /** Per file: the paths it mentions (see `collectPaths`). */
  readonly paths: PathUse[][] = objectArray();
  readonly types: TypeDef[] = objectArray();
  readonly interfaces: Interface[] = objectArray();
  readonly worlds: World[] = objectArray();
  readonly includes: PendingInclude[][] = objectArray();

  /** Interned anonymous types, see `resolveType` in `resolve-type-expr.ts`. */
  readonly anonSingle = new Map<number, TypeId>();
  readonly anonPair = new Map<number, Map<number, TypeId>>();
  readonly anonTuples = new TupleTrie();
  curAstIndex = 0;

  /** Per file: its type expressions, functions and parameters; `tt`, `ft` and `pt` are the current file's. */
  readonly tables: TypeTable[] = objectArray();
  readonly funcTables: FuncTable[] = objectArray();
  readonly paramTables: ParamTable[] = objectArray();
  tt: TypeTable = EMPTY_TABLE;
  ft: FuncTable = EMPTY_FUNCS;
  pt: ParamTable = EMPTY_PARAMS;

  /** Per file: its top-level names (including top-level `use`s). */
  readonly astItems: Map<string, ItemRef>[] = objectArray();

  /** Every interface and world of the package. */
  readonly packageItems = new Map<string, ItemRef>();
  readonly foreignDeps = new Map<string, ForeignPackage>();
  readonly foreignInterfaces = new Set<InterfaceId>();

  /** The scope being filled: an interface's or a world's types. */
  typeLookup = new Scope();
  readonly unknownTypeSpans: Span[] = objectArray();
  readonly worldSpans: WorldSpans[] = objectArray();
  readonly typeSpans: Span[] = objectArray();
  readonly fieldSpans = new Map<TypeId, Span[]>();
  readonly interfaceSpans: InterfaceSpans[] = objectArray();

  readonly requiredResources: { id: TypeId; span: Span }[] = objectArray();

  allocInterface(span: Span): InterfaceId {
    this.interfaceSpans.push({ span, funcs: EMPTY_FUNCS, firstFunc: 0 });
    const id = this.interfaces.length as InterfaceId;
    this.interfaces.push({
      name: undefined,
      types: new Map(),
      functions: new Map(),
      docs: noDocs(),
      stability: UNKNOWN_STABILITY,
      package: undefined,
    });
    return id;
  }

  allocWorld(span: Span): WorldId {
    this.worldSpans.push({ span, imports: [], exports: [] });
    this.includes.push([]);
    const id = this.worlds.length as WorldId;
    this.worlds.push({
      name: "",
      imports: new Map(),
      exports: new Map(),
      package: undefined,
      docs: noDocs(),
      stability: UNKNOWN_STABILITY,
    });
    return id;
  }

  allocType(t: TypeDef): TypeId {
    const id = this.types.length as TypeId;
    this.types.push(t);
    return id;
  }

  /** Defines a type in the current scope. */
  defineName(name: ast.Id, id: TypeId): void {
    const scope = this.typeLookup;
    if (scope.ids.has(name.name) || scope.functions?.has(name.name) === true) {
      fail(codes.DuplicateName, `name \`${name.name}\` is defined more than once`, name);
    }
    scope.ids.set(name.name, id);
    scope.spans.push(name);
  }

  /**
   * Checks that a freestanding function's name is new in the current scope, whose
   * `functions` map is the interface's (where the caller then adds it).
   */
  checkFunctionName(name: string, start: number, end: number): void {
    const scope = this.typeLookup;
    if (scope.ids.has(name) || scope.functions!.has(name)) {
      fail(codes.DuplicateName, `name \`${name}\` is defined more than once`, { start, end });
    }
    scope.functionName = name;
  }

  /** Resolves a `use`/`include`/import path to an item of this file, this package, or a foreign placeholder. */
  resolveAstItemPath(path: ast.UsePath): [ItemRef, string, Span] {
    if (path.kind === "id") {
      const item =
        this.astItems[this.curAstIndex]!.get(path.id.name) ?? this.packageItems.get(path.id.name);
      if (!item)
        fail(codes.UnknownName, `interface or world \`${path.id.name}\` does not exist`, path.id);
      return [item, path.id.name, path.id];
    }
    const pkg = this.foreignDeps.get(formatPackageName(packageNameOf(path.package)))!;
    return [pkg.items.get(path.name.name)!.item, path.name.name, path.name];
  }

  resolveInterfacePath(path: ast.UsePath): InterfaceId {
    const [item, name, span] = this.resolveAstItemPath(path);
    if (item.kind !== "interface") {
      fail(codes.WrongItemKind, `name \`${name}\` is defined as a world, not an interface`, span);
    }
    return item.id;
  }

  docs(d: ast.Docs): Docs {
    if (d.comments.length === 0) return NO_DOCS;
    return { contents: docsContents(d) };
  }

  stability(attrs: readonly ast.Attribute[]): Stability {
    if (attrs.length === 0) return UNKNOWN_STABILITY;
    const [a, b] = attrs;
    if (attrs.length === 1) {
      switch (a!.kind) {
        case "since":
          return { kind: "stable", since: a!.version.text, deprecated: undefined };
        case "unstable":
          return { kind: "unstable", feature: a!.feature.name, deprecated: undefined };
        case "deprecated":
          fail(
            codes.InvalidAttributes,
            "must pair @deprecated with either @since or @unstable",
            a!,
          );
      }
    }
    if (attrs.length === 2) {
      const dep = a!.kind === "deprecated" ? a! : b!.kind === "deprecated" ? b! : undefined;
      const gate = dep === a ? b! : a!;
      if (dep && dep.kind === "deprecated" && gate.kind === "since") {
        return { kind: "stable", since: gate.version.text, deprecated: dep.version.text };
      }
      if (dep && dep.kind === "deprecated" && gate.kind === "unstable") {
        return { kind: "unstable", feature: gate.feature.name, deprecated: dep.version.text };
      }
    }
    fail(codes.InvalidAttributes, "unsupported combination of attributes", b!);
  }
}
