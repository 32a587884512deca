/**
 * Resolution, stage 1: one package at a time (wit-parser's
 * `ast/resolve.rs`). Consumes the ASTs of the files of one package (a file,
 * or every `.wit` file of a directory) and produces an
 * {@link UnresolvedPackage}: the package's own interfaces, worlds and types
 * with every local name resolved, plus placeholders for what it uses from
 * other packages (`foreignDeps`, and types of kind `unknown`). Stage 2
 * (`resolve-remap.ts`) connects those placeholders to real packages.
 *
 * Checks made here, with wit-parser's messages and spans: duplicate and
 * shadowing names, unknown names, cycles between types and between
 * interfaces/worlds (in `resolve-toposort.ts`), handles of non-resources,
 * constructor results, empty enums and variants, map keys, attribute
 * combinations, and `package` declarations that disagree.
 *
 * This file drives the steps: package structure here, then interfaces and
 * worlds (`resolve-package-items.ts`), their types (`resolve-type-defs.ts`,
 * `resolve-type-expr.ts`) and functions (`resolve-functions.ts`), over the
 * state they share (`resolve-package-state.ts`).
 *
 * Ids allocated here are local to the package; the arrays are ordered like
 * wit-parser's arenas (foreign placeholders first, then items in dependency
 * order) because that order becomes the order of the final JSON.
 */
import type * as ast from "./ast.js";
import { codes } from "../diagnostics/codes.js";
import { UNKNOWN_SPAN, type Span } from "../diagnostics/source-map.js";
import { docsContents, usePathName } from "./ast.js";
import { FuncTable } from "./func-table.js";
import { ParamTable } from "./param-table.js";
import { TypeTable } from "./type-table.js";
import {
  formatPackageName,
  noDocs,
  type Docs,
  type Interface,
  type InterfaceId,
  type PackageName,
  type TypeDef,
  type TypeId,
  type World,
  type WorldId,
} from "./model.js";
import { collectPaths, type PathUse } from "./resolve-references.js";
import { toposortIndices } from "./resolve-toposort.js";
import {
  fail,
  packageNameOf,
  PackageState,
  type ForeignPackage,
  type InterfaceSpans,
  type ItemRef,
  type PendingInclude,
  type WorldSpans,
} from "./resolve-package-state.js";
import { resolveWorld, resolveInterface } from "./resolve-package-items.js";

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
  /** The type expressions, functions and parameters of the file the items are from. */
  readonly types: TypeTable;
  readonly funcs: FuncTable;
  readonly params: ParamTable;
}

/**
 * Resolves one package. Feed it files with {@link PackageResolver.push}, then
 * call {@link PackageResolver.resolve} once. Errors abort (see `abort()`).
 */
export class PackageResolver extends PackageState {
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
    this.funcTables.push(file.funcs);
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
      this.ft = this.funcTables[file]!;
      this.pt = this.paramTables[file]!;
      resolveInterface(this, id, node, node.docs, node.attributes);
    }
    for (let i = 0; i < worlds.length; i++) {
      const { id, node, file } = worlds[i]!;
      worlds[i] = undefined;
      this.curAstIndex = file;
      this.tt = this.tables[file]!;
      this.ft = this.funcTables[file]!;
      this.pt = this.paramTables[file]!;
      resolveWorld(this, id, node);
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

  /** Allocates a placeholder interface or world for every `ns:pkg/name` path, in first-use order. */
  populateForeignDeps(): void {
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

  /**
   * Checks that names are unique, sorts interfaces and worlds so that every
   * one comes after those it uses or includes, allocates them in that order
   * and builds each file's scope of top-level names.
   */
  populateAstItems(): {
    interfaces: (LocalItem<ast.Interface, InterfaceId> | undefined)[];
    worlds: (LocalItem<ast.World, WorldId> | undefined)[];
  } {
    // Interfaces and worlds by index, in source order; names are looked up once each.
    const index = new Map<string, number>();
    const nodes: (ast.Interface | ast.World)[] = [];
    const nodeFiles: number[] = [];
    for (let file = 0; file < this.declLists.length; file++) {
      for (const item of this.declLists[file]!) {
        if (item.kind !== "interface" && item.kind !== "world") continue;
        if (index.has(item.name.name)) {
          fail(codes.DuplicateName, `duplicate item named \`${item.name.name}\``, item.name);
        }
        index.set(item.name.name, nodes.length);
        nodes.push(item);
        nodeFiles.push(file);
      }
    }

    // Edge `k`: `from[k]` uses or includes `to[k]` (-1: a name that does not exist), reported at `at[k]`.
    const from: number[] = [];
    const to: number[] = [];
    const at: ast.Id[] = [];
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
        let target: ast.Id;
        if (src !== undefined) target = src;
        else if (index.has(used.name)) target = used;
        else fail(codes.UnknownName, `interface or world \`${used.name}\` does not exist`, used);
        from.push(index.get(owner.name)!);
        to.push(index.get(target.name) ?? -1);
        at.push(target);
      }
    }

    const sorted = toposortIndices("interface or world", nodes.length, from, to, at);
    const refs = new Array<ItemRef>(nodes.length);
    const interfaces: LocalItem<ast.Interface, InterfaceId>[] = [];
    const worlds: LocalItem<ast.World, WorldId>[] = [];
    for (const k of sorted) {
      const node = nodes[k]!;
      const file = nodeFiles[k]!;
      const name = node.name.name;
      if (node.kind === "interface") {
        const id = this.allocInterface(node.name);
        this.interfaces[id]!.name = name;
        refs[k] = { kind: "interface", id };
        interfaces.push({ id, node, file });
      } else {
        const id = this.allocWorld(node.name);
        this.worlds[id]!.name = name;
        refs[k] = { kind: "world", id };
        worlds.push({ id, node, file });
      }
    }

    // The same walk as the one that numbered the items: the next one is number `k`.
    let k = 0;
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
              const at = index.get(path.id.name);
              const found = at === undefined ? undefined : refs[at];
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
            ref = refs[k++]!;
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
  populateForeignTypes(): void {
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
            name: n.name.name,
            kind: { kind: "unknown" },
            owner: { kind: "interface", id: iface },
            docs: noDocs(),
            stability,
          });
          this.unknownTypeSpans.push(n.name);
          this.typeSpans.push(n.name);
          types.set(n.name.name, id);
        }
      }
    });
  }
}
