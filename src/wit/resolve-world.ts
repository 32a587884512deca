/**
 * Resolution, stage 2, worlds: `include` and elaboration (wit-parser's
 * `Remap::resolve_include`, `Resolve::elaborate_world` and `resolve/clone.rs`).
 * Consumes a {@link Resolve} whose types and interfaces are final and a world
 * just added to it; produces the world's final imports and exports:
 *
 * - `include w with { a as b }` copies `w`'s items, renaming kebab-named
 *   ones and deep-copying world-owned types and inline interfaces so that
 *   the copies belong to the including world;
 * - elaboration adds, as imports, every interface that an imported or
 *   exported item transitively depends on, sorts imports by class
 *   (interfaces, type imports, type definitions, functions, resource
 *   functions), and rejects worlds whose exports would need one interface
 *   both imported and exported (WebAssembly/component-model#208).
 *
 * Walks over dependency chains use explicit stacks: a chain of thousands of
 * interfaces or aliases must not overflow the call stack.
 */
import { codes } from "../diagnostics/codes.js";
import { abort, error } from "../diagnostics/diagnostic.js";
import type { Span } from "../diagnostics/source-map.js";
import type {
  Function,
  InterfaceId,
  PackageId,
  Resolve,
  Stability,
  Type,
  TypeDef,
  TypeDefKind,
  TypeId,
  TypeOwner,
  World,
  WorldId,
  WorldItem,
  WorldKey,
} from "./model.js";
import {
  NO_OWNER,
  UNKNOWN_STABILITY,
  createResolve,
  functionResource,
  ownerEquals,
  stabilityEquals,
  typeRef,
  worldKeyName,
} from "./model.js";
import type { IncludeName } from "./resolve-package-state.js";
import { anchorShape } from "./shape-anchor.js";

// ---------------------------------------------------------------------------
// Dependencies between interfaces
// ---------------------------------------------------------------------------

/** The interface a `use`d type comes from, when it is not the type's own owner. */
function typeInterfaceDep(resolve: Resolve, id: TypeId): InterfaceId | undefined {
  const ty = resolve.types[id]!;
  if (ty.kind.kind !== "type" || typeof ty.kind.type === "string") return undefined;
  const other = resolve.types[ty.kind.type.id]!;
  if (ownerEquals(ty.owner, other.owner)) return undefined;
  return other.owner.kind === "interface" ? other.owner.id : undefined;
}

/** The interfaces an interface uses types from, in type order (may repeat). */
function interfaceDirectDeps(resolve: Resolve, id: InterfaceId): InterfaceId[] {
  const out: InterfaceId[] = [];
  for (const t of resolve.interfaces[id]!.types.values()) {
    const dep = typeInterfaceDep(resolve, t);
    if (dep !== undefined) out.push(dep);
  }
  return out;
}

// ---------------------------------------------------------------------------
// include
// ---------------------------------------------------------------------------

/**
 * The new name of a world item under `include ... with { name as as }`:
 * the item itself, or a resource function whose resource is renamed
 * (`[method]r.f` -> `[method]r2.f`, `[constructor]r` -> `[constructor]r2`).
 */
function rename(original: string, n: IncludeName): string | undefined {
  if (original === n.name) return n.as;
  const bracket = original.indexOf("]");
  if (bracket < 0) return undefined;
  const kind = original.slice(0, bracket);
  const rest = original.slice(bracket + 1);
  const dot = rest.indexOf(".");
  if (dot >= 0 && rest.slice(0, dot) === n.name) return `${kind}]${n.as}.${rest.slice(dot + 1)}`;
  if (rest === n.name) return `${kind}]${n.as}`;
  return undefined;
}

/** Copies the imports and exports of world `from` into world `into` (one `include`). */
export function applyInclude(
  resolve: Resolve,
  into: WorldId,
  from: WorldId,
  names: readonly IncludeName[],
  span: Span,
  pkg: PackageId,
): void {
  const world = resolve.worlds[into]!;
  const included = resolve.worlds[from]!;
  // Snapshots: including a world into itself is impossible (a cycle), but
  // the maps of `into` change below while those of `from` are read.
  const imports = [...included.imports];
  const exports = [...included.exports];
  let unused = names.slice();
  for (const [key] of [...imports, ...exports]) {
    if (typeof key === "string") unused = unused.filter((n) => rename(key, n) === undefined);
  }
  if (unused.length > 0) {
    abort(
      error(
        codes.IncludeNameNotFound,
        `no import or export kebab-name \`${unused[0]!.name}\`. Note that an ID does not support renaming`,
        span,
      ),
    );
  }
  // wit-parser only knows the package of already-added worlds here, so an
  // include is "external" exactly when it names a world of another package.
  const external = world.package !== included.package;
  const cloner = new Cloner(resolve, { kind: "world", id: from }, { kind: "world", id: into }, pkg);
  for (const entry of imports)
    includeItem(resolve, cloner, names, world.imports, entry, span, "import", external);
  for (const entry of exports)
    includeItem(resolve, cloner, names, world.exports, entry, span, "export", external);
}

function includeItem(
  resolve: Resolve,
  cloner: Cloner,
  names: readonly IncludeName[],
  dst: Map<WorldKey, WorldItem>,
  [key, item]: [WorldKey, WorldItem],
  span: Span,
  desc: "import" | "export",
  external: boolean,
): void {
  if (typeof key === "string") {
    let newName = key;
    for (const n of names) {
      const r = rename(key, n);
      if (r !== undefined) {
        newName = r;
        break;
      }
    }
    // A renamed function or type carries its new name itself, not only in the key.
    let copy = cloner.worldItem(item);
    if (copy.kind === "function")
      copy = { kind: "function", func: { ...copy.func, name: newName } };
    else if (copy.kind === "type") resolve.types[copy.id]!.name = newName;
    if (dst.has(newName)) {
      abort(
        error(
          codes.WorldItemConflict,
          `${desc} of \`${newName}\` shadows previously ${desc}ed items`,
          span,
        ),
      );
    }
    dst.set(newName, copy);
    return;
  }
  if (item.kind !== "interface") throw new Error("interface key without an interface");
  const prev = dst.get(key);
  const into = prev === undefined ? item : prev;
  if (into.kind !== "interface") throw new Error("interface key without an interface");
  const merged = mergeIncludeStability(item.stability, into.stability, external, span);
  dst.set(key, { kind: "interface", id: into.id, stability: merged });
}

/**
 * The stability of an interface included twice. A `@since` from another
 * package is dropped (its versions mean nothing here); otherwise an unknown
 * side takes the other's, and two different known ones are an error.
 */
function mergeIncludeStability(
  from: Stability,
  into: Stability,
  external: boolean,
  span: Span,
): Stability {
  if (external && from.kind === "stable") return UNKNOWN_STABILITY;
  if (stabilityEquals(from, into) || from.kind === "unknown") return into;
  if (into.kind === "unknown") return from;
  abort(
    error(
      codes.StabilityMismatch,
      `mismatch in stability from '${debugStability(from)}' to '${debugStability(into)}'`,
      span,
    ),
  );
}

/** Rust's `{:?}` of a `Stability`, for the mismatch message. */
function debugStability(s: Stability): string {
  const version = (v: string): string => {
    const m = /^(\d+)\.(\d+)\.(\d+)(?:-([^+]*))?(?:\+(.*))?$/.exec(v);
    if (!m) return v;
    let out = `Version { major: ${m[1]}, minor: ${m[2]}, patch: ${m[3]}`;
    if (m[4]) out += `, pre: Prerelease("${m[4]}")`;
    if (m[5]) out += `, build: BuildMetadata("${m[5]}")`;
    return `${out} }`;
  };
  const dep = (d: string | undefined): string => (d === undefined ? "None" : `Some(${version(d)})`);
  switch (s.kind) {
    case "unknown":
      return "Unknown";
    case "stable":
      return `Stable { since: ${version(s.since)}, deprecated: ${dep(s.deprecated)} }`;
    case "unstable":
      return `Unstable { feature: "${s.feature}", deprecated: ${dep(s.deprecated)} }`;
    default: {
      const never: never = s;
      return never;
    }
  }
}

/**
 * Deep-copies world items from one owner to another (wit-parser's
 * `Cloner`): world-owned and anonymous types reachable from the item are
 * copied once each (children before parents, keeping dependency order), and
 * an inline interface is copied with its types.
 */
class Cloner {
  private readonly map = new Map<TypeId, TypeId>();

  constructor(
    private readonly resolve: Resolve,
    private readonly prevOwner: TypeOwner,
    private readonly newOwner: TypeOwner,
    private readonly newPackage: PackageId | undefined,
  ) {}

  worldItem(item: WorldItem): WorldItem {
    switch (item.kind) {
      case "type":
        return { kind: "type", id: this.typeId(item.id) };
      case "function":
        return { kind: "function", func: this.function(item.func) };
      case "interface":
        return { kind: "interface", id: this.interface(item.id), stability: item.stability };
      default: {
        const never: never = item;
        return never;
      }
    }
  }

  /** The ids a type definition refers to that must be copied along, in field order. */
  private children(def: TypeDef): TypeId[] {
    const out: TypeId[] = [];
    const ty = (t: Type | undefined): void => {
      if (t !== undefined && typeof t !== "string") out.push(t.id);
    };
    const k = def.kind;
    switch (k.kind) {
      case "type":
        // An alias is followed only into types of the same owner.
        if (
          typeof k.type !== "string" &&
          ownerEquals(this.resolve.types[k.type.id]!.owner, this.prevOwner)
        ) {
          out.push(k.type.id);
        }
        break;
      case "handle":
        out.push(k.handle.resource);
        break;
      case "option":
        ty(k.type);
        break;
      case "list":
      case "fixed-length-list":
        ty(k.element);
        break;
      case "map":
        ty(k.key);
        ty(k.value);
        break;
      case "tuple":
        k.types.forEach(ty);
        break;
      case "record":
        for (const f of k.fields) ty(f.type);
        break;
      case "variant":
        for (const c of k.cases) ty(c.type);
        break;
      case "result":
        ty(k.ok);
        ty(k.err);
        break;
      case "future":
      case "stream":
        ty(k.type);
        break;
      case "resource":
      case "flags":
      case "enum":
      case "unknown":
        break;
      default: {
        const never: never = k;
        return never;
      }
    }
    return out;
  }

  /** Copies a type and what it needs (post-order, iteratively), returning the copy's id. */
  typeId(root: TypeId): TypeId {
    const done = this.map.get(root);
    if (done !== undefined) return done;
    const types = this.resolve.types;
    const stack: { id: TypeId; children: TypeId[]; next: number }[] = [
      { id: root, children: this.children(types[root]!), next: 0 },
    ];
    const onStack = new Set<TypeId>([root]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.next < top.children.length) {
        const child = top.children[top.next++]!;
        if (!this.map.has(child) && !onStack.has(child)) {
          onStack.add(child);
          stack.push({ id: child, children: this.children(types[child]!), next: 0 });
        }
        continue;
      }
      stack.pop();
      onStack.delete(top.id);
      const copy = this.copyDef(types[top.id]!);
      const id = types.length as TypeId;
      types.push(copy);
      this.map.set(top.id, id);
    }
    return this.map.get(root)!;
  }

  /** A copy of `def` whose owner and children point at the copies (children are already copied). */
  private copyDef(def: TypeDef): TypeDef {
    let owner = def.owner;
    if (owner.kind !== "none") {
      if (!ownerEquals(owner, this.prevOwner))
        throw new Error("cloned type of an unexpected owner");
      owner = this.newOwner;
    }
    const m = (t: Type): Type => (typeof t === "string" ? t : typeRef(this.map.get(t.id) ?? t.id));
    const mo = (t: Type | undefined): Type | undefined => (t === undefined ? undefined : m(t));
    const k = def.kind;
    let kind: TypeDefKind;
    switch (k.kind) {
      case "type":
        // Only an alias into the same owner was copied along (see `children`).
        kind = {
          kind: "type",
          type:
            typeof k.type !== "string" &&
            ownerEquals(this.resolve.types[k.type.id]!.owner, this.prevOwner)
              ? m(k.type)
              : k.type,
        };
        break;
      case "handle":
        kind = {
          kind: "handle",
          handle: { kind: k.handle.kind, resource: this.map.get(k.handle.resource)! },
        };
        break;
      case "option":
        kind = { kind: "option", type: m(k.type) };
        break;
      case "list":
        kind = { kind: "list", element: m(k.element) };
        break;
      case "fixed-length-list":
        kind = { kind: "fixed-length-list", element: m(k.element), size: k.size };
        break;
      case "map":
        kind = { kind: "map", key: m(k.key), value: m(k.value) };
        break;
      case "tuple":
        kind = { kind: "tuple", types: k.types.map(m) };
        break;
      case "record":
        kind = { kind: "record", fields: k.fields.map((f) => ({ ...f, type: m(f.type) })) };
        break;
      case "variant":
        kind = { kind: "variant", cases: k.cases.map((c) => ({ ...c, type: mo(c.type) })) };
        break;
      case "result":
        kind = { kind: "result", ok: mo(k.ok), err: mo(k.err) };
        break;
      case "future":
        kind = { kind: "future", type: mo(k.type) };
        break;
      case "stream":
        kind = { kind: "stream", type: mo(k.type) };
        break;
      case "flags":
        kind = { kind: "flags", flags: k.flags.map((f) => ({ ...f })) };
        break;
      case "enum":
        kind = { kind: "enum", cases: k.cases.map((c) => ({ ...c })) };
        break;
      case "resource":
      case "unknown":
        kind = { kind: k.kind };
        break;
      default: {
        const never: never = k;
        return never;
      }
    }
    return { name: def.name, kind, owner, docs: { ...def.docs }, stability: def.stability };
  }

  private ty(t: Type): Type {
    return typeof t === "string" ? t : typeRef(this.typeId(t.id));
  }

  function(f: Function): Function {
    const resource = functionResource(f.kind);
    const kind =
      resource === undefined ? f.kind : { kind: f.kind.kind, resource: this.typeId(resource) };
    return {
      name: f.name,
      kind: kind as Function["kind"],
      params: f.params.map((p) => ({ name: p.name, type: this.ty(p.type) })),
      result: f.result === undefined ? undefined : this.ty(f.result),
      docs: { ...f.docs },
      stability: f.stability,
    };
  }

  /** Copies an inline interface, with its types and functions, into the new owner's package. */
  private interface(id: InterfaceId): InterfaceId {
    const src = this.resolve.interfaces[id]!;
    const nextId = this.resolve.interfaces.length as InterfaceId;
    const sub = new Cloner(
      this.resolve,
      { kind: "interface", id },
      { kind: "interface", id: nextId },
      undefined,
    );
    const types = new Map<string, TypeId>();
    for (const [name, t] of src.types) types.set(name, sub.typeId(t));
    const functions = new Map<string, Function>();
    for (const [name, f] of src.functions) functions.set(name, sub.function(f));
    let pkg = this.newPackage;
    if (pkg === undefined) {
      const o = this.newOwner;
      pkg =
        o.kind === "interface"
          ? this.resolve.interfaces[o.id]!.package
          : o.kind === "world"
            ? this.resolve.worlds[o.id]!.package
            : undefined;
    }
    this.resolve.interfaces.push({
      name: src.name,
      types,
      functions,
      docs: { ...src.docs },
      stability: src.stability,
      package: pkg,
    });
    return nextId;
  }
}

/** Keeps the cloner's map alive between runs (see `shape-anchor.ts`). */
anchorShape(new Cloner(createResolve(), NO_OWNER, NO_OWNER, undefined));

/**
 * Kebab-case names are case-insensitive: a world may not import (or
 * export) both `get-user` and `GET-USER`.
 */
export function checkCaseInsensitiveNames(world: World, span: Span): void {
  for (const [items, desc] of [
    [world.imports, "import"],
    [world.exports, "export"],
  ] as const) {
    const seen = new Map<string, string>();
    for (const key of items.keys()) {
      if (typeof key !== "string") continue;
      const lower = key.toLowerCase();
      const existing = seen.get(lower);
      if (existing !== undefined && existing !== key) {
        abort(
          error(
            codes.WorldItemConflict,
            `${desc} \`${key}\` in world \`${world.name}\` conflicts with ${desc} \`${existing}\` (kebab-case identifiers are case-insensitive)`,
            span,
          ),
        );
      }
      seen.set(lower, key);
    }
  }
}

// ---------------------------------------------------------------------------
// Elaboration
// ---------------------------------------------------------------------------

/**
 * The class of a world import, which orders imports the way a world is
 * printed: interfaces, type imports (`use`), type definitions, functions,
 * resource functions. Within a class the order stays as it is.
 */
function sortKey(resolve: Resolve, item: WorldItem): number {
  switch (item.kind) {
    case "interface":
      return 0;
    case "type": {
      const ty = resolve.types[item.id]!;
      if (ty.kind.kind === "type" && typeof ty.kind.type !== "string") {
        if (!ownerEquals(resolve.types[ty.kind.type.id]!.owner, ty.owner)) return 1;
      }
      return 2;
    }
    case "function":
      return functionResource(item.func.kind) === undefined ? 3 : 4;
    default: {
      const never: never = item;
      return never;
    }
  }
}

function sortedByClass(
  resolve: Resolve,
  entries: [WorldKey, WorldItem][],
): [WorldKey, WorldItem][] {
  // Array.prototype.sort is stable, as the Rust sorts used here are.
  return entries
    .map((e, i) => ({ e, k: sortKey(resolve, e[1]), i }))
    .sort((a, b) => a.k - b.k || a.i - b.i)
    .map((x) => x.e);
}

/** Imports `id` under `key`, after (transitively) every interface it depends on. */
function elaborateImport(
  resolve: Resolve,
  imports: Map<WorldKey, WorldItem>,
  key: WorldKey,
  id: InterfaceId,
  stability: Stability,
): void {
  if (imports.has(key)) return;
  const stack: { key: WorldKey; id: InterfaceId; deps: InterfaceId[]; next: number }[] = [
    { key, id, deps: interfaceDirectDeps(resolve, id), next: 0 },
  ];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next < top.deps.length) {
      const dep = top.deps[top.next++]!;
      if (!imports.has(dep))
        stack.push({ key: dep, id: dep, deps: interfaceDirectDeps(resolve, dep), next: 0 });
      continue;
    }
    stack.pop();
    imports.set(top.key, { kind: "interface", id: top.id, stability });
  }
}

/**
 * Adds the exported interfaces, and as imports what they need. An export's
 * dependency that is itself exported stays an export; any other becomes an
 * import together with its whole chain of dependencies. A world where an
 * interface would have to be both is rejected: the exports would see two
 * copies of it (WebAssembly/component-model#208).
 */
function elaborateExports(
  resolve: Resolve,
  exportInterfaces: Map<WorldKey, { id: InterfaceId; stability: Stability }>,
  imports: Map<WorldKey, WorldItem>,
  exports: Map<WorldKey, WorldItem>,
  worldSpan: Span,
): void {
  const requiredImports = new Set<InterfaceId>();
  interface Frame {
    id: InterfaceId;
    key: WorldKey;
    addExport: boolean;
    deps: InterfaceId[] | undefined;
    next: number;
  }
  for (const [rootKey, { id: rootId, stability }] of exportInterfaces) {
    // An explicit stack machine for the recursive `add_world_export`:
    // `result` carries a finished frame's answer to its parent.
    const stack: Frame[] = [
      { id: rootId, key: rootKey, addExport: true, deps: undefined, next: 0 },
    ];
    let result: boolean | undefined;
    while (stack.length > 0) {
      const f = stack[stack.length - 1]!;
      if (f.deps === undefined) {
        // Entering a frame.
        if (exports.has(f.key)) {
          result = f.addExport;
          stack.pop();
          continue;
        }
        if (!f.addExport && requiredImports.has(f.id)) {
          result = true;
          stack.pop();
          continue;
        }
        f.deps = interfaceDirectDeps(resolve, f.id);
        result = undefined;
      }
      if (result === false) {
        // A dependency failed: so does this frame (`all` stops at the first false).
        stack.pop();
        continue;
      }
      if (f.next < f.deps.length) {
        const dep = f.deps[f.next++]!;
        stack.push({
          id: dep,
          key: dep,
          // Only an export by path (`export iface;`) serves as a dependency: a named
          // one (`export name: iface;`) is a copy of its own that others cannot `use`.
          addExport: f.addExport && exportInterfaces.has(dep),
          deps: undefined,
          next: 0,
        });
        result = undefined;
        continue;
      }
      stack.pop();
      const item: WorldItem = { kind: "interface", id: f.id, stability };
      if (f.addExport) {
        if (requiredImports.has(f.id)) {
          result = false;
          continue;
        }
        exports.set(f.key, item);
      } else {
        requiredImports.add(f.id);
        if (!imports.has(f.key)) imports.set(f.key, item);
      }
      result = true;
    }
    if (result === false) {
      abort(
        error(
          codes.InvalidTransitiveDependency,
          `interface \`${worldKeyName(resolve, rootKey)}\` transitively depends on an interface in incompatible ways`,
          worldSpan,
        ),
      );
    }
  }
}

/** Fills in a world's implicit imports and puts imports in canonical order (wit-parser's `elaborate_world`). */
export function elaborateWorld(resolve: Resolve, worldId: WorldId, worldSpan: Span): void {
  const world = resolve.worlds[worldId]!;
  const imports = new Map<WorldKey, WorldItem>();
  for (const [key, item] of sortedByClass(resolve, [...world.imports])) {
    switch (item.kind) {
      case "interface":
        elaborateImport(resolve, imports, key, item.id, item.stability);
        break;
      case "function":
        imports.set(key, item);
        break;
      case "type": {
        const dep = typeInterfaceDep(resolve, item.id);
        if (dep !== undefined)
          elaborateImport(resolve, imports, dep, dep, resolve.types[item.id]!.stability);
        imports.set(key, item);
        break;
      }
      default: {
        const never: never = item;
        return never;
      }
    }
  }

  const exports = new Map<WorldKey, WorldItem>();
  // Keyed by the export's key, not the interface: `export a: iface; export b: iface;`
  // exports one interface twice, under two names.
  const exportInterfaces = new Map<WorldKey, { id: InterfaceId; stability: Stability }>();
  for (const [key, item] of world.exports) {
    switch (item.kind) {
      case "interface":
        exportInterfaces.set(key, { id: item.id, stability: item.stability });
        break;
      case "function":
        exports.set(key, item);
        break;
      case "type":
        throw new Error("a world exports a type");
      default: {
        const never: never = item;
        return never;
      }
    }
  }
  elaborateExports(resolve, exportInterfaces, imports, exports, worldSpan);

  world.imports = new Map(sortedByClass(resolve, [...imports]));
  world.exports = exports;
}
