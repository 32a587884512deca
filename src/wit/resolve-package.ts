/**
 * Resolution, stage 1: one package at a time (wit-parser's
 * `ast/resolve.rs`). Consumes the ASTs of the files of one package (a file,
 * or every `.wit` file of a directory) and produces an
 * {@link UnresolvedPackage}: the package's own interfaces, worlds and types
 * with every local name resolved, plus placeholders for what it uses from
 * other packages (`foreignDeps`, and types of kind `unknown`). Stage 2
 * (`resolve-merge.ts`) connects those placeholders to real packages.
 *
 * Checks made here, with wit-parser's messages and spans: duplicate and
 * shadowing names, unknown names, cycles between types and between
 * interfaces/worlds (in `resolve-toposort.ts`), handles of non-resources,
 * constructor results, empty enums and variants, map keys, attribute
 * combinations, and `package` declarations that disagree.
 *
 * Ids allocated here are local to the package; the arrays are ordered like
 * wit-parser's arenas (foreign placeholders first, then items in dependency
 * order) because that order becomes the order of the final JSON.
 */
import type * as ast from "./ast.js";
import { docsContents, usePathName } from "./ast.js";
import { ParamTable } from "./param-table.js";
import {
  handleResource,
  NO_TYPE,
  PRIMITIVE_NAMES,
  Ty,
  typeErrorSpan,
  typeNameId,
  TypeTable,
  type TyKind,
} from "./type-table.js";
import { codes, type DiagnosticCode } from "../diagnostics/codes.js";
import { abort, error } from "../diagnostics/diagnostic.js";
import { UNKNOWN_SPAN, type Span } from "../diagnostics/source-map.js";
import type {
  Docs,
  Function,
  FunctionKind,
  Interface,
  InterfaceId,
  PackageName,
  Param,
  Stability,
  Type,
  TypeDef,
  TypeDefKind,
  TypeId,
  TypeOwner,
  World,
  WorldId,
  WorldKey,
  WorldItem,
} from "./model.js";
import {
  NO_DOCS,
  NO_OWNER,
  UNKNOWN_STABILITY,
  formatPackageName,
  noDocs,
  typeRef,
} from "./model.js";
import { collectDefDeps, collectPaths, type PathUse } from "./resolve-references.js";
import { toposort, type Edge } from "./resolve-toposort.js";

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
  /** One span per function, in the order of `Interface.functions`. */
  readonly funcs: Span[];
}

export interface WorldSpans {
  readonly span: Span;
  /** One span per import / export, in map order. */
  imports: Span[];
  exports: Span[];
}

/** One package after stage 1 (wit-parser's `UnresolvedPackage`). */
export interface UnresolvedPackage {
  readonly name: PackageName;
  readonly nameSpan: Span;
  readonly docs: Docs;
  readonly interfaces: Interface[];
  readonly worlds: World[];
  readonly types: TypeDef[];
  /** In first-use order; foreign placeholders occupy the first ids of `interfaces`, `worlds` and `types`. */
  readonly foreignDeps: ForeignPackage[];
  readonly includes: PendingInclude[][];
  readonly interfaceSpans: InterfaceSpans[];
  readonly worldSpans: WorldSpans[];
  /** One span per type: its name, or the type expression for anonymous types. */
  readonly typeSpans: Span[];
  /** For each foreign placeholder type (the first types), the name in the `use` that introduced it. */
  readonly unknownTypeSpans: Span[];
  /** Field-name spans of record types, where a gated-out field type is reported. */
  readonly fieldSpans: Map<TypeId, Span[]>;
  /** Placeholder types used in `own<T>` / `borrow<T>`: checked to be resources in stage 2. */
  readonly requiredResources: { readonly id: TypeId; readonly span: Span }[];
}

/** An interface or world of the package being resolved: its id, its tree and the index of its file. */
interface LocalItem<N, I> {
  readonly id: I;
  readonly node: N;
  readonly file: number;
}

/** A parsed file, or the body of a nested `package a:b { ... }` block. */
interface PackageFile {
  readonly package: ast.PackageName | undefined;
  readonly items: readonly ast.AstItem[];
  /** The type expressions and parameters of the file the items are from. */
  readonly types: TypeTable;
  readonly params: ParamTable;
}

/** In a {@link Scope}, the id standing for a function (a name that is not a type). */
const FUNCTION = -1;

/**
 * The names of an interface or world: types (their ids) and functions
 * ({@link FUNCTION}), with each definition's span in definition order. Two
 * flat structures instead of an object per name keep big inputs cheap.
 */
class Scope {
  readonly ids = new Map<string, number>();
  readonly spans: Span[] = [];
}

/** Reports at `span`, which may be a node of the tree (`catchAbort` copies the bounds). */
function fail(code: DiagnosticCode, message: string, span: Span, hint?: string): never {
  abort(error(code, message, span, hint === undefined ? {} : { hint }));
}

function packageNameOf(p: ast.PackageName): PackageName {
  return { namespace: p.namespace.name, name: p.name.name, version: p.version?.text };
}

/** The tables of a resolver that has not been given a file yet. */
const EMPTY_TABLE = new TypeTable();
const EMPTY_PARAMS = new ParamTable();

const FREESTANDING: FunctionKind = Object.freeze({ kind: "freestanding" });
const ASYNC_FREESTANDING: FunctionKind = Object.freeze({ kind: "async-freestanding" });

const PRIMITIVE_CODES: ReadonlyMap<string, number> = new Map(PRIMITIVE_NAMES.map((p, i) => [p, i]));

/** A number identifying a type inside one package (absent: 15, primitives: 0-13, ids: from 16), for interning. */
function typeCode(t: Type | undefined): number {
  if (t === undefined) return 15;
  return typeof t === "string" ? PRIMITIVE_CODES.get(t)! : t.id + 16;
}

const FLOAT_RENAMES: ReadonlyMap<string, string> = new Map([
  ["float32", "f32"],
  ["float64", "f64"],
]);

/** Interned tuples by the {@link typeCode}s of their elements: one level per element. */
class TupleTrie {
  id: TypeId | undefined = undefined;
  readonly next = new Map<number, TupleTrie>();
}

/**
 * Resolves one package. Feed it files with {@link PackageResolver.push}, then
 * call {@link PackageResolver.resolve} once. Errors abort (see `abort()`).
 */
export class PackageResolver {
  private packageName: { name: PackageName; span: Span } | undefined;
  private packageDocs: Docs = noDocs();
  private readonly declLists: (readonly ast.AstItem[])[] = [];
  /** Per file: the paths it mentions (see {@link collectPaths}). */
  private readonly paths: PathUse[][] = [];

  private readonly types: TypeDef[] = [];
  private readonly interfaces: Interface[] = [];
  private readonly worlds: World[] = [];
  private readonly includes: PendingInclude[][] = [];
  /** Interned anonymous types, see {@link PackageResolver.anonTypeDef}. */
  private readonly anonSingle = new Map<number, TypeId>();
  private readonly anonPair = new Map<number, Map<number, TypeId>>();
  private readonly anonTuples = new TupleTrie();

  private curAstIndex = 0;
  /** Per file: its type expressions and parameters; `tt` and `pt` are the current file's. */
  private readonly tables: TypeTable[] = [];
  private readonly paramTables: ParamTable[] = [];
  private tt: TypeTable = EMPTY_TABLE;
  private pt: ParamTable = EMPTY_PARAMS;
  /** Per file: its top-level names (including top-level `use`s). */
  private readonly astItems: Map<string, ItemRef>[] = [];
  /** Every interface and world of the package. */
  private readonly packageItems = new Map<string, ItemRef>();
  private readonly foreignDeps = new Map<string, ForeignPackage>();
  private readonly foreignInterfaces = new Set<InterfaceId>();
  /** The scope being filled: an interface's or a world's types. */
  private typeLookup = new Scope();

  private readonly unknownTypeSpans: Span[] = [];
  private readonly worldSpans: WorldSpans[] = [];
  private readonly typeSpans: Span[] = [];
  private readonly fieldSpans = new Map<TypeId, Span[]>();
  private readonly interfaceSpans: InterfaceSpans[] = [];
  private readonly requiredResources: { id: TypeId; span: Span }[] = [];

  /** Adds one file (or nested package body); its nested packages must have been taken out. */
  push(file: PackageFile): void {
    if (file.package) {
      const cur = packageNameOf(file.package);
      const prev = this.packageName;
      if (prev && formatPackageName(prev.name) !== formatPackageName(cur)) {
        fail(
          codes.PackageDeclaration,
          `package identifier \`${formatPackageName(cur)}\` does not match previous package name of \`${formatPackageName(prev.name)}\``,
          file.package,
        );
      }
      this.packageName = { name: cur, span: file.package };
      // At most one `package` header may carry documentation.
      const docs = docsContents(file.package.docs);
      if (docs !== undefined) {
        if (this.packageDocs.contents !== undefined) {
          fail(
            codes.PackageDeclaration,
            "found doc comments on multiple 'package' items",
            file.package.docs,
          );
        }
        this.packageDocs = { contents: docs };
      }
    }
    for (const item of file.items) {
      if (item.kind === "package") {
        fail(
          codes.PackageDeclaration,
          "nested packages must be placed at the top-level",
          item.name,
        );
      }
    }
    this.declLists.push(file.items);
    this.tables.push(file.types);
    this.paramTables.push(file.params);
    const paths: PathUse[] = [];
    collectPaths(file.items, paths);
    this.paths.push(paths);
  }

  resolve(): UnresolvedPackage {
    const pkg = this.packageName;
    if (!pkg)
      fail(
        codes.PackageDeclaration,
        "no `package` header was found in any WIT file for this package",
        UNKNOWN_SPAN,
      );

    // Foreign placeholders first, then the package's own items in dependency
    // order, then the foreign types, so that `use` paths resolve below.
    this.populateForeignDeps();
    const { interfaces, worlds } = this.populateAstItems();
    this.populateForeignTypes();

    // From here on the tree is reached through these two lists only, and each
    // entry is cleared once resolved, so that the tree of a big input turns
    // into garbage while the model grows instead of adding to the peak.
    this.declLists.length = 0;
    for (let i = 0; i < interfaces.length; i++) {
      const { id, node, file } = interfaces[i]!;
      interfaces[i] = undefined;
      this.curAstIndex = file;
      this.tt = this.tables[file]!;
      this.pt = this.paramTables[file]!;
      this.resolveInterface(id, node.items, node.docs, node.attributes);
    }
    for (let i = 0; i < worlds.length; i++) {
      const { id, node, file } = worlds[i]!;
      worlds[i] = undefined;
      this.curAstIndex = file;
      this.tt = this.tables[file]!;
      this.pt = this.paramTables[file]!;
      this.resolveWorld(id, node);
    }

    return {
      name: pkg.name,
      nameSpan: pkg.span,
      docs: this.packageDocs,
      interfaces: this.interfaces,
      worlds: this.worlds,
      types: this.types,
      foreignDeps: [...this.foreignDeps.values()],
      includes: this.includes,
      interfaceSpans: this.interfaceSpans,
      worldSpans: this.worldSpans,
      typeSpans: this.typeSpans,
      fieldSpans: this.fieldSpans,
      requiredResources: this.requiredResources,
      unknownTypeSpans: this.unknownTypeSpans,
    };
  }

  // -------------------------------------------------------------------------
  // Package structure
  // -------------------------------------------------------------------------

  /** Allocates a placeholder interface or world for every `ns:pkg/name` path, in first-use order. */
  private populateForeignDeps(): void {
    for (const paths of this.paths) {
      for (const { attributes, path, kind } of paths) {
        if (path.kind !== "package") continue;
        const stability = this.stability(attributes);
        const name = packageNameOf(path.package);
        const key = formatPackageName(name);
        let deps = this.foreignDeps.get(key);
        if (!deps) {
          deps = { name, span: path.package, items: new Map() };
          this.foreignDeps.set(key, deps);
        }
        let entry = deps.items.get(path.name.name);
        if (!entry) {
          // A top-level `use` could name either; like wit-parser, assume an interface.
          const item: ItemRef =
            kind === "world"
              ? { kind: "world", id: this.allocWorld(path.name) }
              : { kind: "interface", id: this.allocInterface(path.name) };
          entry = { item, stabilities: [] };
          deps.items.set(path.name.name, entry);
        }
        entry.stabilities.push(stability);
        if (entry.item.kind === "interface") this.foreignInterfaces.add(entry.item.id);
      }
    }
  }

  private allocInterface(span: Span): InterfaceId {
    this.interfaceSpans.push({ span, funcs: [] });
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

  private allocWorld(span: Span): WorldId {
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

  /**
   * Checks that names are unique, sorts interfaces and worlds so that every
   * one comes after those it uses or includes, allocates them in that order
   * and builds each file's scope of top-level names.
   */
  private populateAstItems(): {
    interfaces: (LocalItem<ast.Interface, InterfaceId> | undefined)[];
    worlds: (LocalItem<ast.World, WorldId> | undefined)[];
  } {
    const declared = new Map<
      string,
      { readonly node: ast.Interface | ast.World; readonly file: number }
    >();
    const order = new Map<string, Edge[]>();
    for (let file = 0; file < this.declLists.length; file++) {
      for (const item of this.declLists[file]!) {
        if (item.kind !== "interface" && item.kind !== "world") continue;
        if (declared.has(item.name.name)) {
          fail(codes.DuplicateName, `duplicate item named \`${item.name.name}\``, item.name);
        }
        declared.set(item.name.name, { node: item, file });
        order.set(item.name.name, []);
      }
    }

    for (let file = 0; file < this.declLists.length; file++) {
      const items = this.declLists[file]!;
      // This file's namespace: its own items plus its top-level `use`s, each
      // to the name it stands for here, or to null when that is in another package.
      const fileNames = new Map<string, ast.Id | null>();
      for (const item of items) {
        let name: ast.Id;
        let src: ast.Id | null;
        switch (item.kind) {
          case "toplevel-use":
            name = item.as ?? usePathName(item.item);
            src = item.item.kind === "id" ? item.item.id : null;
            break;
          case "interface":
          case "world":
            name = item.name;
            src = item.name;
            break;
          case "package":
            continue;
          default: {
            const never: never = item;
            return never;
          }
        }
        if (fileNames.has(name.name)) {
          fail(codes.DuplicateName, `duplicate name \`${name.name}\` in this file`, name);
        }
        fileNames.set(name.name, src);
      }
      // Edges between this package's interfaces and worlds come from `use` in
      // interfaces and `include` in worlds; foreign paths don't take part.
      for (const { owner, path } of this.paths[file]!) {
        if (!owner || path.kind !== "id") continue;
        const used = path.id;
        const src = fileNames.get(used.name);
        if (src === null) continue;
        if (src !== undefined) order.get(owner.name)!.push(src);
        else if (declared.has(used.name)) order.get(owner.name)!.push(used);
        else fail(codes.UnknownName, `interface or world \`${used.name}\` does not exist`, used);
      }
    }

    const sorted = toposort("interface or world", order);
    const ids = new Map<string, ItemRef>();
    const interfaces: LocalItem<ast.Interface, InterfaceId>[] = [];
    const worlds: LocalItem<ast.World, WorldId>[] = [];
    for (const name of sorted) {
      const { node, file } = declared.get(name)!;
      if (node.kind === "interface") {
        const id = this.allocInterface(node.name);
        this.interfaces[id]!.name = name;
        ids.set(name, { kind: "interface", id });
        interfaces.push({ id, node, file });
      } else {
        const id = this.allocWorld(node.name);
        this.worlds[id]!.name = name;
        ids.set(name, { kind: "world", id });
        worlds.push({ id, node, file });
      }
    }

    for (const items of this.declLists) {
      const scope = new Map<string, ItemRef>();
      for (const item of items) {
        let name: string;
        let ref: ItemRef;
        switch (item.kind) {
          case "toplevel-use": {
            if (item.attributes.length > 0) {
              fail(
                codes.InvalidAttributes,
                "attributes not allowed on top-level use",
                item.useSpan,
              );
            }
            name = (item.as ?? usePathName(item.item)).name;
            const path = item.item;
            if (path.kind === "id") {
              const found = ids.get(path.id.name);
              if (!found)
                fail(
                  codes.UnknownName,
                  `interface or world \`${path.id.name}\` does not exist`,
                  path.id,
                );
              ref = found;
            } else {
              ref = this.foreignDeps
                .get(formatPackageName(packageNameOf(path.package)))!
                .items.get(path.name.name)!.item;
            }
            break;
          }
          case "interface":
          case "world":
            name = item.name.name;
            ref = ids.get(name)!;
            break;
          case "package":
            continue;
          default: {
            const never: never = item;
            return never;
          }
        }
        scope.set(name, ref);
        // `use` names are visible in their file only, not in the whole package.
        if (item.kind !== "toplevel-use") this.packageItems.set(name, ref);
      }
      this.astItems.push(scope);
    }
    return { interfaces, worlds };
  }

  /** Creates `unknown` placeholder types for every name used from a foreign interface. */
  private populateForeignTypes(): void {
    this.paths.forEach((paths, i) => {
      this.curAstIndex = i;
      for (const { attributes, path, names } of paths) {
        if (!names) continue;
        const stability = this.stability(attributes);
        const iface = this.resolveInterfacePath(path);
        if (!this.foreignInterfaces.has(iface)) continue;
        const types = this.interfaces[iface]!.types;
        for (const n of names) {
          if (types.has(n.name.name)) continue;
          const id = this.allocType({
            docs: noDocs(),
            stability,
            kind: { kind: "unknown" },
            name: n.name.name,
            owner: { kind: "interface", id: iface },
          });
          this.unknownTypeSpans.push(n.name);
          this.typeSpans.push(n.name);
          types.set(n.name.name, id);
        }
      }
    });
  }

  private allocType(t: TypeDef): TypeId {
    const id = this.types.length as TypeId;
    this.types.push(t);
    return id;
  }

  // -------------------------------------------------------------------------
  // Worlds
  // -------------------------------------------------------------------------

  private resolveWorld(worldId: WorldId, world: ast.World): void {
    const w = this.worlds[worldId]!;
    w.docs = this.docs(world.docs);
    w.stability = this.stability(world.attributes);

    const typeItems: (ast.Use | ast.TypeDef)[] = [];
    for (const item of world.items) {
      if (item.kind === "use" || isTypeDef(item)) typeItems.push(item);
    }
    this.resolveTypes({ kind: "world", id: worldId }, typeItems);

    for (const item of world.items) {
      if (item.kind === "include") this.resolveInclude(worldId, item);
    }

    const spans = this.worldSpans[worldId]!;
    const importSpans: Span[] = [];
    const exportSpans: Span[] = [];
    // Types defined in or used into a world are imports of that world.
    let n = 0;
    this.typeLookup.ids.forEach((id, name) => {
      const span = this.typeLookup.spans[n++]!;
      if (id === FUNCTION) throw new Error("world scope holds a function");
      if (w.imports.has(name)) {
        fail(
          codes.WorldItemConflict,
          `import \`${name}\` conflicts with prior import of same name`,
          span,
        );
      }
      w.imports.set(name, { kind: "type", id: id as TypeId });
      importSpans.push(span);
    });

    const importedInterfaces = new Set<InterfaceId>();
    const exportedInterfaces = new Set<InterfaceId>();
    for (const item of world.items) {
      if (item.kind === "resource") {
        // A world-level resource's functions are imports of the world.
        for (const func of item.funcs) {
          importSpans.push(func.name);
          const f = this.resolveResourceFunc(func, item.name);
          w.imports.set(f.name, { kind: "function", func: f });
        }
        continue;
      }
      if (item.kind !== "import" && item.kind !== "export") continue;
      const isImport = item.kind === "import";
      const desc = item.kind;
      const ext = item.extern;
      const worldItem = this.resolveWorldItem(item.docs, item.attributes, ext);
      let key: WorldKey;
      let span: Span;
      switch (ext.kind) {
        // Interfaces and functions are keyed by the name written in the
        // world (a function's own name, which async does not change).
        case "interface":
        case "named-path":
          key = ext.name.name;
          span = ext.name;
          break;
        case "func":
          key = (worldItem as { func: Function }).func.name;
          span = ext.name;
          break;
        case "path": {
          key = this.resolveInterfacePath(ext.path);
          span = usePathName(ext.path);
          break;
        }
        default: {
          const never: never = ext;
          return never;
        }
      }
      // An interface may appear once per direction, unless it is imported
      // under a name of the world's choosing (`import label: iface;`).
      if (worldItem.kind === "interface" && ext.kind !== "named-path") {
        const seen = isImport ? importedInterfaces : exportedInterfaces;
        if (seen.has(worldItem.id)) {
          fail(codes.WorldItemConflict, `interface cannot be ${desc}ed more than once`, span);
        }
        seen.add(worldItem.id);
      }
      const dst = isImport ? w.imports : w.exports;
      const prev = dst.get(key);
      if (prev) {
        const what =
          prev.kind === "interface" ? "interface" : prev.kind === "function" ? "func" : "type";
        fail(
          codes.WorldItemConflict,
          `${desc} \`${String(key)}\` conflicts with prior ${what} of same name`,
          span,
        );
      }
      dst.set(key, worldItem);
      (isImport ? importSpans : exportSpans).push(span);
    }
    spans.imports = importSpans;
    spans.exports = exportSpans;
    this.typeLookup = new Scope();
  }

  private resolveWorldItem(
    docs: ast.Docs,
    attributes: readonly ast.Attribute[],
    ext: ast.ExternKind,
  ): WorldItem {
    switch (ext.kind) {
      case "interface": {
        // An inline interface gets a scope of its own.
        const saved = this.typeLookup;
        this.typeLookup = new Scope();
        const id = this.allocInterface(ext.name);
        this.resolveInterface(id, ext.items, docs, attributes);
        this.typeLookup = saved;
        return { kind: "interface", id, stability: this.interfaces[id]!.stability };
      }
      case "path":
      case "named-path": {
        const stability = this.stability(attributes);
        const id = this.resolveInterfacePath(ext.path);
        return { kind: "interface", id, stability };
      }
      case "func": {
        const kind = ext.func.async ? ASYNC_FREESTANDING : FREESTANDING;
        const func = this.resolveFunction(docs, attributes, ext.name.name, ext.func, kind);
        return { kind: "function", func };
      }
      default: {
        const never: never = ext;
        return never;
      }
    }
  }

  private resolveInclude(worldId: WorldId, inc: ast.Include): void {
    const stability = this.stability(inc.attributes);
    const [item, name, span] = this.resolveAstItemPath(inc.from);
    if (item.kind !== "world") {
      fail(codes.WrongItemKind, `name \`${name}\` is defined as an interface, not a world`, span);
    }
    this.includes[worldId]!.push({
      stability,
      world: item.id,
      names: inc.names.map((n) => ({ name: n.name.name, as: n.as.name })),
      span,
    });
  }

  // -------------------------------------------------------------------------
  // Interfaces and types
  // -------------------------------------------------------------------------

  private resolveInterface(
    id: InterfaceId,
    items: readonly ast.InterfaceItem[],
    docs: ast.Docs,
    attributes: readonly ast.Attribute[],
  ): void {
    const iface = this.interfaces[id]!;
    iface.docs = this.docs(docs);
    iface.stability = this.stability(attributes);

    const typeItems: (ast.Use | ast.TypeDef)[] = [];
    for (const item of items) if (item.kind !== "func") typeItems.push(item);
    this.resolveTypes({ kind: "interface", id }, typeItems);
    this.typeLookup.ids.forEach((id, name) => iface.types.set(name, id as TypeId));

    // Functions last, once every type of the interface is known.
    const spans = this.interfaceSpans[id]!;
    for (const item of items) {
      if (item.kind === "func") {
        this.defineName(item.name, FUNCTION);
        const kind = item.func.async ? ASYNC_FREESTANDING : FREESTANDING;
        const f = this.resolveFunction(item.docs, item.attributes, item.name.name, item.func, kind);
        iface.functions.set(f.name, f);
        spans.funcs.push(item.name);
      } else if (item.kind === "resource") {
        for (const func of item.funcs) {
          const f = this.resolveResourceFunc(func, item.name);
          iface.functions.set(f.name, f);
          spans.funcs.push(func.name);
        }
      }
    }

    // What `use` needs of this interface later is in `iface.types` and
    // `iface.functions`: the scope itself can go.
    this.typeLookup = new Scope();
  }

  /**
   * Defines the types of one scope: `use`d names first, then definitions in
   * dependency order, which rejects cycles and unknown names in one go.
   */
  private resolveTypes(owner: TypeOwner, items: readonly (ast.Use | ast.TypeDef)[]): void {
    if (items.length === 0) return;
    for (const item of items) if (item.kind === "use") this.resolveUse(owner, item);

    const deps = new Map<string, Edge[]>();
    const defs = new Map<string, ast.TypeDef | undefined>();
    for (const item of items) {
      if (item.kind === "use") {
        for (const n of item.names) {
          const name = (n.as ?? n.name).name;
          deps.set(name, []);
          defs.set(name, undefined);
        }
        continue;
      }
      if (defs.has(item.name.name)) {
        fail(
          codes.DuplicateName,
          `name \`${item.name.name}\` is defined more than once`,
          item.name,
        );
      }
      defs.set(item.name.name, item);
      const edges: Edge[] = [];
      collectDefDeps(this.tt, item, edges);
      deps.set(item.name.name, edges);
    }
    const order = toposort("type", deps, (name) => {
      const renamed = FLOAT_RENAMES.get(name);
      return renamed === undefined
        ? undefined
        : `the \`${name}\` type has been renamed to \`${renamed}\` and is no longer accepted, but the \`WIT_REQUIRE_F32_F64=0\` environment variable can be used to temporarily disable this error`;
    });
    for (const name of order) {
      const def = defs.get(name);
      defs.delete(name);
      if (!def) continue;
      const docs = this.docs(def.docs);
      const stability = this.stability(def.attributes);
      const kind = this.resolveTypeDef(def, stability);
      const id = this.allocType({ docs, stability, kind, name: def.name.name, owner });
      this.typeSpans.push(def.name);
      if (def.kind === "record")
        this.fieldSpans.set(
          id,
          def.fields.map((f) => f.name),
        );
      this.defineName(def.name, id);
    }
  }

  private resolveUse(owner: TypeOwner, u: ast.Use): void {
    const from = this.resolveInterfacePath(u.from);
    const stability = this.stability(u.attributes);
    const iface = this.interfaces[from]!;
    for (const n of u.names) {
      const found = iface.types.get(n.name.name);
      if (found === undefined) {
        // A freestanding function is there under its own name (resource functions' names have brackets).
        if (iface.functions.has(n.name.name)) {
          fail(codes.WrongItemKind, `cannot import function \`${n.name.name}\``, n.name);
        }
        fail(codes.UnknownName, `name \`${n.name.name}\` does not exist`, n.name);
      }
      this.typeSpans.push(n.name);
      const local = n.as ?? n.name;
      const id = this.allocType({
        docs: noDocs(),
        stability,
        kind: { kind: "type", type: typeRef(found) },
        name: local.name,
        owner,
      });
      this.defineName(local, id);
    }
  }

  /** Defines a type (its id) or a function ({@link FUNCTION}) in the current scope. */
  private defineName(name: ast.Id, id: number): void {
    const scope = this.typeLookup;
    if (scope.ids.has(name.name)) {
      fail(codes.DuplicateName, `name \`${name.name}\` is defined more than once`, name);
    }
    scope.ids.set(name.name, id);
    scope.spans.push(name);
  }

  /** Resolves a `use`/`include`/import path to an item of this file, this package, or a foreign placeholder. */
  private resolveAstItemPath(path: ast.UsePath): [ItemRef, string, Span] {
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

  private resolveInterfacePath(path: ast.UsePath): InterfaceId {
    const [item, name, span] = this.resolveAstItemPath(path);
    if (item.kind !== "interface") {
      fail(codes.WrongItemKind, `name \`${name}\` is defined as a world, not an interface`, span);
    }
    return item.id;
  }

  private resolveTypeDef(def: ast.TypeDef, stability: Stability): TypeDefKind {
    switch (def.kind) {
      case "type":
        return this.resolveTypeExpr(def.type, stability);
      case "resource": {
        // At most one constructor and no two members with one name.
        let ctors = 0;
        const names = new Set<string>();
        for (const f of def.funcs) {
          if (f.kind === "constructor") {
            ctors++;
            if (ctors > 1) fail(codes.DuplicateName, "duplicate constructors", f.name);
          } else {
            if (names.has(f.name.name)) {
              fail(codes.DuplicateName, `duplicate function name \`${f.name.name}\``, f.name);
            }
            names.add(f.name.name);
          }
        }
        return { kind: "resource" };
      }
      case "record":
        return {
          kind: "record",
          fields: def.fields.map((f) => ({
            docs: this.docs(f.docs),
            name: f.name.name,
            type: this.resolveType(f.type, stability),
          })),
        };
      case "flags":
        return {
          kind: "flags",
          flags: def.flags.map((f) => ({ docs: this.docs(f.docs), name: f.name.name })),
        };
      case "variant":
        if (def.cases.length === 0) fail(codes.InvalidType, "empty variant", def.name);
        return {
          kind: "variant",
          cases: def.cases.map((c) => ({
            docs: this.docs(c.docs),
            name: c.name.name,
            type: c.type === undefined ? undefined : this.resolveType(c.type, stability),
          })),
        };
      case "enum":
        if (def.cases.length === 0) fail(codes.InvalidType, "empty enum", def.name);
        return {
          kind: "enum",
          cases: def.cases.map((c) => ({ docs: this.docs(c.docs), name: c.name.name })),
        };
      default: {
        const never: never = def;
        return never;
      }
    }
  }

  /** The definition a type expression stands for (wit-parser's `resolve_type_def` on an `ast::Type`). */
  private resolveTypeExpr(t: ast.Type, stability: Stability): TypeDefKind {
    const tt = this.tt;
    const kind = tt.kind[t] as TyKind;
    switch (kind) {
      case Ty.Primitive:
        return { kind: "type", type: PRIMITIVE_NAMES[tt.a[t]!]! };
      case Ty.Name:
        return { kind: "type", type: typeRef(this.resolveTypeNameAt(tt, t)) };
      case Ty.List:
        return { kind: "list", element: this.resolveType(tt.a[t]!, stability) };
      case Ty.FixedLengthList:
        return {
          kind: "fixed-length-list",
          element: this.resolveType(tt.a[t]!, stability),
          size: tt.b[t]!,
        };
      case Ty.Map: {
        const key = this.resolveType(tt.a[t]!, stability);
        const value = this.resolveType(tt.b[t]!, stability);
        checkMapKey(key, tt, t);
        return { kind: "map", key, value };
      }
      case Ty.Own:
      case Ty.Borrow:
        return {
          kind: "handle",
          handle: {
            kind: kind === Ty.Own ? "own" : "borrow",
            resource: this.validateResource(tt, t),
          },
        };
      case Ty.Option:
        return { kind: "option", type: this.resolveType(tt.a[t]!, stability) };
      case Ty.Result:
        return {
          kind: "result",
          ok: this.resolveOptType(tt.a[t]!, stability),
          err: this.resolveOptType(tt.b[t]!, stability),
        };
      case Ty.Tuple: {
        const first = tt.a[t]!;
        const types = new Array<Type>(tt.b[t]!);
        for (let i = 0; i < types.length; i++)
          types[i] = this.resolveType(tt.elems[first + i]!, stability);
        return { kind: "tuple", types };
      }
      case Ty.Future:
      case Ty.Stream:
        return {
          kind: kind === Ty.Future ? "future" : "stream",
          type: this.resolveOptType(tt.a[t]!, stability),
        };
      default: {
        const never: never = kind;
        return never;
      }
    }
  }

  /** An optional operand of a type expression: absent ({@link NO_TYPE}) or resolved. */
  private resolveOptType(t: ast.Type, stability: Stability): Type | undefined {
    return t === NO_TYPE ? undefined : this.resolveType(t, stability);
  }

  /**
   * {@link PackageResolver.resolveTypeName} for the name of a `Name`, `Own` or `Borrow` row, whose span is
   * only built for an error.
   */
  private resolveTypeNameAt(tt: TypeTable, t: ast.Type): TypeId {
    const id = this.typeLookup.ids.get(tt.names[tt.a[t]!]!);
    if (id !== undefined && id !== FUNCTION) return id as TypeId;
    return this.resolveTypeName(tt.kind[t] === Ty.Name ? typeNameId(tt, t) : handleResource(tt, t));
  }

  private resolveTypeName(name: ast.Id): TypeId {
    const id = this.typeLookup.ids.get(name.name);
    if (id === undefined) fail(codes.UnknownName, `name \`${name.name}\` does not exist`, name);
    if (id === FUNCTION)
      fail(codes.WrongItemKind, `cannot use function \`${name.name}\` as a type`, name);
    return id as TypeId;
  }

  /**
   * `own<T>`/`borrow<T>` (the row `t`): `T` must be a resource, possibly through aliases; foreign
   * placeholders are checked later. The name's span is only built when it is kept or reported.
   */
  private validateResource(tt: TypeTable, t: ast.Type): TypeId {
    const id = this.resolveTypeNameAt(tt, t);
    let cur = id;
    for (;;) {
      const kind = this.types[cur]!.kind;
      if (kind.kind === "resource") return id;
      if (kind.kind === "type" && typeof kind.type !== "string") {
        cur = kind.type.id;
        continue;
      }
      if (kind.kind === "unknown") {
        this.requiredResources.push({ id: cur, span: handleResource(tt, t) });
        return id;
      }
      const name = handleResource(tt, t);
      fail(
        codes.HandleNotResource,
        `type \`${name.name}\` used in a handle must be a resource`,
        name,
      );
    }
  }

  /**
   * An anonymous type without an annotation of its own takes the stability
   * of the first annotated type it refers to (one level: that type already
   * inherited from its own parts), so that `option<T>` is gated like `T`.
   */
  private findStability(kind: TypeDefKind, stability: Stability): Stability {
    if (stability.kind !== "unknown") return stability;
    const of = (t: Type | undefined): Stability | undefined => {
      if (t === undefined || typeof t === "string") return undefined;
      const s = this.types[t.id]!.stability;
      return s.kind === "unknown" ? undefined : s;
    };
    let found: Stability | undefined;
    switch (kind.kind) {
      case "type":
      case "option":
        found = of(kind.type);
        break;
      case "handle":
        found = of(typeRef(kind.handle.resource));
        break;
      case "tuple":
        for (const t of kind.types) {
          found = of(t);
          if (found) break;
        }
        break;
      case "list":
      case "fixed-length-list":
        found = of(kind.element);
        break;
      case "map":
        found = of(kind.key) ?? of(kind.value);
        break;
      case "future":
      case "stream":
        found = of(kind.type);
        break;
      case "result":
        found = of(kind.ok) ?? of(kind.err);
        break;
      case "resource":
      case "variant":
      case "record":
      case "flags":
      case "enum":
      case "unknown":
        break;
      default: {
        const never: never = kind;
        return never;
      }
    }
    return found ?? UNKNOWN_STABILITY;
  }

  /**
   * A type expression in a value position. Anonymous types are interned:
   * one `list<u8>` per package, however often it is written. The lookup
   * runs before anything is allocated (keys are numbers: a part's
   * {@link typeCode} times eight plus a tag), since most uses of a compound
   * type repeat an earlier one.
   */
  private resolveType(t: ast.Type, stability: Stability): Type {
    const tt = this.tt;
    const tag = tt.kind[t] as TyKind;
    switch (tag) {
      case Ty.Primitive:
        return PRIMITIVE_NAMES[tt.a[t]!]!;
      case Ty.Name:
        return typeRef(this.resolveTypeNameAt(tt, t));
      case Ty.Own:
        // An anonymous `own<T>` is just `T`; stage 2 turns resource references into handles.
        return typeRef(this.validateResource(tt, t));
      case Ty.Borrow:
        // The error span of `borrow<R>` is the resource name's.
        return this.borrowHandle(this.validateResource(tt, t), stability, tt.b[t]!, tt.c[t]!);
      case Ty.List:
      case Ty.Option:
      case Ty.Future:
      case Ty.Stream: {
        const inner =
          tag === Ty.List || tag === Ty.Option
            ? this.resolveType(tt.a[t]!, stability)
            : this.resolveOptType(tt.a[t]!, stability);
        const key =
          typeCode(inner) * 8 +
          (tag === Ty.List ? 1 : tag === Ty.Option ? 2 : tag === Ty.Future ? 3 : 4);
        const hit = this.anonSingle.get(key);
        if (hit !== undefined) return typeRef(hit);
        const kind: TypeDefKind =
          tag === Ty.List
            ? { kind: "list", element: inner! }
            : tag === Ty.Option
              ? { kind: "option", type: inner! }
              : { kind: tag === Ty.Future ? "future" : "stream", type: inner };
        const id = this.addAnon(kind, stability, typeErrorSpan(tt, t));
        this.anonSingle.set(key, id);
        return typeRef(id);
      }
      case Ty.Result:
      case Ty.Map:
      case Ty.FixedLengthList: {
        // Two parts: look up by the first part's code and tag, then by the second part.
        let x: Type | undefined;
        let y: Type | undefined;
        let a: number;
        let b: number;
        if (tag === Ty.Result) {
          x = this.resolveOptType(tt.a[t]!, stability);
          y = this.resolveOptType(tt.b[t]!, stability);
          a = typeCode(x) * 8 + 5;
          b = typeCode(y);
        } else if (tag === Ty.Map) {
          x = this.resolveType(tt.a[t]!, stability);
          y = this.resolveType(tt.b[t]!, stability);
          checkMapKey(x, tt, t);
          a = typeCode(x) * 8 + 6;
          b = typeCode(y);
        } else {
          x = this.resolveType(tt.a[t]!, stability);
          a = typeCode(x) * 8 + 7;
          b = tt.b[t]!;
        }
        let inner = this.anonPair.get(a);
        if (!inner) this.anonPair.set(a, (inner = new Map()));
        const hit = inner.get(b);
        if (hit !== undefined) return typeRef(hit);
        const kind: TypeDefKind =
          tag === Ty.Result
            ? { kind: "result", ok: x, err: y }
            : tag === Ty.Map
              ? { kind: "map", key: x!, value: y! }
              : { kind: "fixed-length-list", element: x!, size: tt.b[t]! };
        const id = this.addAnon(kind, stability, typeErrorSpan(tt, t));
        inner.set(b, id);
        return typeRef(id);
      }
      case Ty.Tuple: {
        const first = tt.a[t]!;
        const n = tt.b[t]!;
        const types = new Array<Type>(n);
        // One trie level per element, so that a lookup builds no key.
        let node = this.anonTuples;
        for (let i = 0; i < n; i++) {
          const e = this.resolveType(tt.elems[first + i]!, stability);
          types[i] = e;
          const code = typeCode(e);
          let next = node.next.get(code);
          if (next === undefined) node.next.set(code, (next = new TupleTrie()));
          node = next;
        }
        if (node.id !== undefined) return typeRef(node.id);
        const id = this.addAnon({ kind: "tuple", types }, stability, typeErrorSpan(tt, t));
        node.id = id;
        return typeRef(id);
      }
      default: {
        const never: never = tag;
        return never;
      }
    }
  }

  /** The interned anonymous `borrow<R>`. */
  private borrowHandle(resource: TypeId, stability: Stability, start: number, end: number): Type {
    const key = typeCode(typeRef(resource)) * 8;
    const hit = this.anonSingle.get(key);
    if (hit !== undefined) return typeRef(hit);
    const id = this.addAnon({ kind: "handle", handle: { kind: "borrow", resource } }, stability, {
      start,
      end,
    });
    this.anonSingle.set(key, id);
    return typeRef(id);
  }

  /** Allocates a new anonymous type, which takes the stability of its parts unless it has its own. */
  private addAnon(kind: TypeDefKind, stability: Stability, span: Span): TypeId {
    this.typeSpans.push(span);
    return this.allocType({
      kind,
      name: undefined,
      docs: NO_DOCS,
      stability: this.findStability(kind, stability),
      owner: NO_OWNER,
    });
  }

  // -------------------------------------------------------------------------
  // Functions
  // -------------------------------------------------------------------------

  private resolveResourceFunc(func: ast.ResourceFunc, resource: ast.Id): Function {
    const found = this.typeLookup.ids.get(resource.name);
    if (found === undefined || found === FUNCTION)
      throw new Error("resource missing from its scope");
    const id = found as TypeId;
    let name: string;
    let kind: FunctionKind;
    switch (func.kind) {
      case "method":
        name = `[method]${resource.name}.${func.name.name}`;
        kind = { kind: func.func.async ? "async-method" : "method", resource: id };
        break;
      case "static":
        name = `[static]${resource.name}.${func.name.name}`;
        kind = { kind: func.func.async ? "async-static" : "static", resource: id };
        break;
      case "constructor":
        name = `[constructor]${resource.name}`;
        kind = { kind: "constructor", resource: id };
        break;
      default: {
        const never: never = func.kind;
        return never;
      }
    }
    return this.resolveFunction(func.docs, func.attributes, name, func.func, kind);
  }

  private resolveFunction(
    docs: ast.Docs,
    attributes: readonly ast.Attribute[],
    name: string,
    func: ast.Func,
    kind: FunctionKind,
  ): Function {
    const d = this.docs(docs);
    const stability = this.stability(attributes);
    const params = this.resolveParams(func, kind);
    const result = this.resolveResult(func, kind);
    return { name, kind, params, result, docs: d, stability };
  }

  private resolveParams(func: ast.Func, kind: FunctionKind): Param[] {
    const method = kind.kind === "method" || kind.kind === "async-method";
    const table = this.pt;
    const first = func.firstParam;
    const end = first + func.paramCount;
    const count = func.paramCount + (method ? 1 : 0);
    // Sized up front: an empty array's first push reserves room for 17, and
    // functions are many while their parameters are few.
    const params: Param[] = new Array<Param>(count);
    let n = 0;
    if (method) {
      // Methods take `self: borrow<R>` first.
      params[n++] = {
        name: "self",
        type: this.borrowHandle(kind.resource, UNKNOWN_STABILITY, func.funcStart, func.funcEnd),
      };
    }
    // Parameter lists are usually short: a linear scan beats allocating a set, up to a point.
    const seen = count > 16 ? new Set<string>(method ? ["self"] : []) : undefined;
    for (let row = first; row < end; row++) {
      const type = this.resolveType(table.type[row]!, UNKNOWN_STABILITY);
      const name = table.names[row]!;
      let dup = false;
      if (seen) dup = seen.has(name);
      else for (let i = 0; i < n; i++) if (params[i]!.name === name) dup = true;
      if (dup)
        fail(codes.DuplicateName, `param \`${name}\` is defined more than once`, table.span(row));
      seen?.add(name);
      params[n++] = { name, type };
    }
    return params;
  }

  private resolveResult(func: ast.Func, kind: FunctionKind): Type | undefined {
    if (kind.kind !== "constructor") {
      return func.result === undefined
        ? undefined
        : this.resolveType(func.result, UNKNOWN_STABILITY);
    }
    // A constructor returns its resource, or `result<R, E>` of it when declared.
    if (func.result === undefined) return typeRef(kind.resource);
    const resultAst = func.result;
    const result = this.resolveType(resultAst, UNKNOWN_STABILITY);
    const def = typeof result === "string" ? undefined : this.types[result.id]!.kind;
    if (!def || def.kind !== "result") {
      fail(
        codes.InvalidConstructor,
        "if a constructor return type is declared it must be a `result`",
        typeErrorSpan(this.tt, resultAst),
      );
    }
    const ok = def.ok;
    if (ok !== undefined && typeof ok !== "string" && ok.id === kind.resource) return result;
    const tt = this.tt;
    const okSpan =
      tt.kind[resultAst] === Ty.Result && tt.a[resultAst] !== NO_TYPE
        ? typeErrorSpan(tt, tt.a[resultAst]!)
        : typeErrorSpan(tt, resultAst);
    fail(codes.InvalidConstructor, "the `ok` type must be the resource being constructed", okSpan);
  }

  // -------------------------------------------------------------------------
  // Docs and attributes
  // -------------------------------------------------------------------------

  private docs(d: ast.Docs): Docs {
    if (d.comments.length === 0) return NO_DOCS;
    return { contents: docsContents(d) };
  }

  private stability(attrs: readonly ast.Attribute[]): Stability {
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

/** Map keys must be primitive and not floating point (nor `error-context`). */
function checkMapKey(key: Type, tt: TypeTable, t: ast.Type): void {
  if (typeof key !== "string" || key === "f32" || key === "f64" || key === "error-context") {
    fail(
      codes.InvalidType,
      "invalid map key type: map keys must be bool, u8, u16, u32, u64, s8, s16, s32, s64, char, or string",
      typeErrorSpan(tt, t),
    );
  }
}

function isTypeDef(item: ast.WorldItem): item is ast.TypeDef {
  switch (item.kind) {
    case "type":
    case "record":
    case "flags":
    case "variant":
    case "enum":
    case "resource":
      return true;
    case "import":
    case "export":
    case "use":
    case "include":
      return false;
    default: {
      const never: never = item;
      return never;
    }
  }
}
