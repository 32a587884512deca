/**
 * Resolution, stage 2: moving one package into the {@link Resolve} (wit-parser's `Remap::append` in
 * `resolve/mod.rs`). Consumes an {@link UnresolvedPackage} of stage 1, whose dependencies are in the `Resolve`
 * already (`resolve-merge.ts` orders them), and appends its types, interfaces and worlds with their ids mapped to
 * final ones: foreign placeholders are connected to the packages added before it ("package not found", "interface
 * not found in package", "type not defined in interface"); `@unstable` items whose feature is off are dropped and
 * any reference to a dropped item is an error; `@since` versions are checked against the package version; a
 * reference to a resource becomes an `own<T>` handle; functions may not return a `borrow<T>`; worlds get their
 * `include`s applied (`resolve-include.ts`) and are elaborated (`resolve-world.ts`).
 */
import { codes, type DiagnosticCode } from "../diagnostics/codes.js";
import { abort, error } from "../diagnostics/diagnostic.js";
import { UNKNOWN_SPAN, type Span } from "../diagnostics/source-map.js";
import type {
  Function,
  Interface,
  InterfaceId,
  PackageId,
  PackageName,
  Resolve,
  Stability,
  Type,
  TypeDefKind,
  TypeId,
  TypeOwner,
  World,
  WorldId,
  WorldItem,
  WorldKey,
} from "./model.js";
import {
  NO_DOCS,
  NO_OWNER,
  UNKNOWN_STABILITY,
  createResolve,
  formatPackageName,
  functionResource,
  typeRef,
} from "./model.js";
import type { UnresolvedPackage } from "./resolve-package.js";
import { objectArray } from "./object-array.js";
import type { InterfaceSpans, WorldSpans } from "./resolve-package-state.js";
import { compareVersions } from "./resolve-version.js";
import { applyInclude } from "./resolve-include.js";
import { checkCaseInsensitiveNames, elaborateWorld } from "./resolve-world.js";
import { anchorShape } from "./shape-anchor.js";
import { SignaturePool } from "./signature-pool.js";

function fail(message: string, span: Span, code: DiagnosticCode = codes.FeatureGate): never {
  abort(error(code, message, span));
}

/**
 * Moves one unresolved package into the {@link Resolve}, mapping its local
 * ids to final ones (wit-parser's `Remap`). `undefined` in a map means the
 * item was configured away by a feature gate.
 */
export class Remap {
  private readonly types: (TypeId | undefined)[] = objectArray();
  private readonly interfaces: (InterfaceId | undefined)[] = objectArray();
  private readonly worlds: (WorldId | undefined)[] = objectArray();
  /** One `own<T>` per resource `T`, created where a resource is used as a value type. */
  private readonly ownHandles = new Map<TypeId, TypeId>();
  private pkgId = 0 as PackageId;
  private readonly borrowStack: TypeId[] = [];
  /**
   * Scratch for {@link Remap.typeHasBorrow}: a definition's children from index 1 on. Index 0 is a sentinel that
   * is never read: V8 frees an array's storage when its length is set to 0, and this one is reset per type.
   */
  private readonly borrowChildren: TypeId[] = [-1 as TypeId];
  /** Scratch for {@link Remap.updateFunction}: the shared numbers of a function's parameters. */
  private paramIds = new Int32Array(16);

  constructor(
    private readonly resolve: Resolve,
    private readonly u: UnresolvedPackage,
    /** Memo of {@link Remap.typeHasBorrow} by type id (ids are dense), shared by the packages of one group push. */
    private readonly hasBorrow: (boolean | undefined)[],
    /** Signature parts shared by the functions of the packages of one group push (see `signature-pool.ts`). */
    private readonly signatures: SignaturePool,
  ) {}

  private map<T extends number>(
    list: readonly (T | undefined)[],
    id: number,
    desc: string,
    span: Span | undefined,
  ): T {
    if (id >= list.length) throw new Error(`remap of a ${desc} not yet registered`);
    const v = list[id];
    if (v !== undefined) return v;
    fail(
      `found a reference to a ${desc} which is excluded due to its feature not being activated`,
      span ?? UNKNOWN_SPAN,
    );
  }

  private mapType(id: TypeId, span?: Span): TypeId {
    return this.map(this.types, id, "type", span);
  }

  private mapInterface(id: InterfaceId, span?: Span): InterfaceId {
    return this.map(this.interfaces, id, "interface", span);
  }

  private mapWorld(id: WorldId, span?: Span): WorldId {
    return this.map(this.worlds, id, "world", span);
  }

  append(): PackageId {
    const { resolve, u } = this;
    const pkgId = resolve.packages.length as PackageId;
    this.pkgId = pkgId;
    const key = formatPackageName(u.name);
    resolve.packages.push({ name: u.name, docs: u.docs, interfaces: new Map(), worlds: new Map() });
    if (resolve.packageNames.has(key)) {
      throw new Error(`package \`${key}\` added twice`);
    }
    resolve.packageNames.set(key, pkgId);

    this.processForeignDeps();
    const foreignTypes = this.types.length;
    const foreignInterfaces = this.interfaces.length;
    const foreignWorlds = this.worlds.length;

    // Types are in dependency order, so mapping them in order always finds
    // their dependencies mapped already.
    for (let i = foreignTypes; i < u.types.length; i++) {
      const ty = u.types[i]!;
      const span = u.typeSpans[i]!;
      if (!this.includeStability(ty.stability, span)) {
        this.types.push(undefined);
        continue;
      }
      this.updateKind(ty.kind, span, u.fieldSpans.get(i as TypeId));
      const id = resolve.types.length as TypeId;
      resolve.types.push(ty);
      this.types.push(id);
    }

    for (let i = foreignInterfaces; i < u.interfaces.length; i++) {
      const iface = u.interfaces[i]!;
      const spans = u.interfaceSpans[i]!;
      if (!this.includeStability(iface.stability, spans.span)) {
        this.interfaces.push(undefined);
        continue;
      }
      iface.package = pkgId;
      this.updateInterface(iface, spans);
      this.interfaces.push(resolve.interfaces.length as InterfaceId);
      resolve.interfaces.push(iface);
    }

    // Interface owners are known only now. One owner object per interface, shared by its types,
    // by the interface's id in this package.
    const ifaceOwners: TypeOwner[] = [];
    for (let i = foreignTypes; i < this.types.length; i++) {
      const id = this.types[i];
      if (id === undefined) continue;
      const def = resolve.types[id]!;
      if (def.owner.kind !== "interface") continue;
      const owner = this.interfaces[def.owner.id];
      if (owner === undefined) {
        fail(
          "found a reference to a interface which is excluded due to its feature not being activated; this type is not gated by a feature but its interface is",
          u.typeSpans[i]!,
        );
      }
      def.owner = ifaceOwners[def.owner.id] ??= { kind: "interface", id: owner };
    }

    const worldOwners: TypeOwner[] = [];
    for (let i = foreignWorlds; i < u.worlds.length; i++) {
      const world = u.worlds[i]!;
      const spans = u.worldSpans[i]!;
      if (!this.includeStability(world.stability, spans.span)) {
        this.worlds.push(undefined);
        continue;
      }
      this.updateWorld(world, spans);
      this.worlds.push(resolve.worlds.length as WorldId);
      resolve.worlds.push(world);
    }

    for (let i = foreignTypes; i < this.types.length; i++) {
      const id = this.types[i];
      if (id === undefined) continue;
      const def = resolve.types[id]!;
      if (def.owner.kind !== "world") continue;
      const owner = this.worlds[def.owner.id];
      if (owner === undefined) {
        fail(
          "found a reference to a world which is excluded due to its feature not being activated; this type is not gated by a feature but its world is",
          u.typeSpans[i]!,
        );
      }
      def.owner = worldOwners[def.owner.id] ??= { kind: "world", id: owner };
    }

    // `include` needs the included world final, which the order of worlds
    // (dependency order) guarantees; then each world is elaborated.
    for (let i = foreignWorlds; i < this.worlds.length; i++) {
      const id = this.worlds[i];
      if (id === undefined) continue;
      const spans = u.worldSpans[i]!;
      for (const inc of u.includes[i]!) {
        if (!this.includeStability(inc.stability, inc.span)) continue;
        applyInclude(resolve, id, this.mapWorld(inc.world, inc.span), inc.names, inc.span, pkgId);
      }
      checkCaseInsensitiveNames(resolve.worlds[id]!, spans.span);
      elaborateWorld(resolve, id, spans.span);
    }

    const pkg = resolve.packages[pkgId]!;
    for (let i = foreignInterfaces; i < this.interfaces.length; i++) {
      const id = this.interfaces[i];
      if (id === undefined) continue;
      const iface = resolve.interfaces[id]!;
      iface.package = pkgId;
      if (iface.name !== undefined) pkg.interfaces.set(iface.name, id);
    }
    for (let i = foreignWorlds; i < this.worlds.length; i++) {
      const id = this.worlds[i];
      if (id === undefined) continue;
      const world = resolve.worlds[id]!;
      world.package = pkgId;
      pkg.worlds.set(world.name, id);
    }
    return pkgId;
  }

  // -------------------------------------------------------------------------
  // Foreign dependencies
  // -------------------------------------------------------------------------

  private lookupPackage(name: PackageName, span: Span): PackageId {
    const key = formatPackageName(name);
    const id = this.resolve.packageNames.get(key);
    if (id !== undefined) return id;
    const known = [...this.resolve.packageNames.keys()];
    const message =
      known.length === 0
        ? `package '${key}' not found`
        : `package '${key}' not found. known packages:${known.map((k) => `\n    ${k}`).join("")}`;
    fail(message, span, codes.PackageItemNotFound);
  }

  private enabledByAny(stabilities: readonly Stability[], span: Span): boolean {
    for (const s of stabilities) if (this.includeStability(s, span)) return true;
    return false;
  }

  /** Connects placeholders (always the first interfaces, worlds and types) to what they stand for. */
  private processForeignDeps(): void {
    const { resolve, u } = this;
    const ifaceOwner = new Map<
      number,
      { pkg: PackageName; name: string; span: Span; stabilities: Stability[] }
    >();
    const worldOwner = new Map<
      number,
      { pkg: PackageName; name: string; span: Span; stabilities: Stability[] }
    >();
    for (const dep of u.foreignDeps) {
      for (const [name, { item, stabilities }] of dep.items) {
        const entry = { pkg: dep.name, name, span: dep.span, stabilities };
        (item.kind === "interface" ? ifaceOwner : worldOwner).set(item.id, entry);
      }
    }

    for (let i = 0; i < u.interfaces.length; i++) {
      const dep = ifaceOwner.get(i);
      if (!dep) break;
      const pkgId = this.lookupPackage(dep.pkg, dep.span);
      const span = u.interfaceSpans[i]!.span;
      if (!this.enabledByAny(dep.stabilities, span)) {
        this.interfaces.push(undefined);
        continue;
      }
      const id = resolve.packages[pkgId]!.interfaces.get(dep.name);
      if (id === undefined) {
        fail(
          `interface '${dep.name}' not found in package '${formatPackageName(dep.pkg)}'`,
          span,
          codes.PackageItemNotFound,
        );
      }
      this.interfaces.push(id);
    }

    for (let i = 0; i < u.worlds.length; i++) {
      const dep = worldOwner.get(i);
      if (!dep) break;
      const pkgId = this.lookupPackage(dep.pkg, dep.span);
      const span = u.worldSpans[i]!.span;
      if (!this.enabledByAny(dep.stabilities, span)) {
        this.worlds.push(undefined);
        continue;
      }
      const id = resolve.packages[pkgId]!.worlds.get(dep.name);
      if (id === undefined) {
        fail(
          `world '${dep.name}' not found in package '${formatPackageName(dep.pkg)}'`,
          span,
          codes.PackageItemNotFound,
        );
      }
      this.worlds.push(id);
    }

    for (let i = 0; i < u.types.length; i++) {
      const ty = u.types[i]!;
      if (ty.kind.kind !== "unknown") break;
      if (!this.includeStability(ty.stability, u.typeSpans[i]!)) {
        this.types.push(undefined);
        continue;
      }
      if (ty.owner.kind !== "interface") throw new Error("foreign type outside an interface");
      const iface = this.mapInterface(ty.owner.id);
      const id = resolve.interfaces[iface]!.types.get(ty.name!);
      if (id === undefined) {
        fail(
          `type \`${ty.name!}\` not defined in interface`,
          u.unknownTypeSpans[i]!,
          codes.PackageItemNotFound,
        );
      }
      this.types.push(id);
    }

    for (const { id, span } of u.requiredResources) {
      // A gated-out type is reported where it is used, not here.
      if (this.types[id] === undefined) continue;
      let cur = this.types[id]!;
      for (;;) {
        const kind = resolve.types[cur]!.kind;
        if (kind.kind === "resource") break;
        if (kind.kind === "type" && typeof kind.type !== "string") {
          cur = kind.type.id;
          continue;
        }
        fail("type used in a handle must be a resource", span, codes.HandleNotResource);
      }
    }
  }

  // -------------------------------------------------------------------------
  // Feature gates
  // -------------------------------------------------------------------------

  /** Whether an item with this stability is part of the package; `@since` must not be from the future. */
  private includeStability(s: Stability, span: Span | undefined): boolean {
    switch (s.kind) {
      case "unknown":
        return true;
      case "stable": {
        const pkg = this.resolve.packages[this.pkgId]!.name;
        const name = formatPackageName(pkg);
        if (pkg.version === undefined) {
          fail(
            `package [${name}] contains a feature gate with a version specifier, so it must have a version`,
            span ?? UNKNOWN_SPAN,
          );
        }
        if (compareVersions(s.since, pkg.version) > 0) {
          fail(
            `feature gate cannot reference unreleased version ${s.since} of package [${name}] (current version ${pkg.version})`,
            span ?? UNKNOWN_SPAN,
          );
        }
        return true;
      }
      case "unstable":
        return this.resolve.allFeatures || this.resolve.features.has(s.feature);
      default: {
        const never: never = s;
        return never;
      }
    }
  }

  // -------------------------------------------------------------------------
  // Types
  // -------------------------------------------------------------------------

  /** A value-type reference: mapped, and turned into `own<T>` when it names a resource. */
  private updateTy(t: Type, span: Span): Type {
    if (typeof t === "string") return t;
    const id = this.mapType(t.id, span);
    const types = this.resolve.types;
    let cur = id;
    for (;;) {
      const k = types[cur]!.kind;
      if (k.kind === "type" && typeof k.type !== "string") {
        cur = k.type.id;
        continue;
      }
      if (k.kind !== "resource") return typeRef(id);
      break;
    }
    let own = this.ownHandles.get(id);
    if (own === undefined) {
      own = types.length as TypeId;
      types.push({
        name: undefined,
        kind: { kind: "handle", handle: { kind: "own", resource: id } },
        owner: NO_OWNER,
        docs: NO_DOCS,
        stability: UNKNOWN_STABILITY,
      });
      this.ownHandles.set(id, own);
    }
    return typeRef(own);
  }

  private updateOptional(t: Type | undefined, span: Span): Type | undefined {
    return t === undefined ? undefined : this.updateTy(t, span);
  }

  /**
   * Maps the references of a definition in place (stage 1 made every
   * definition fresh and nothing else holds it, so this allocates nothing).
   */
  private updateKind(k: TypeDefKind, span: Span, fieldSpans: readonly Span[] | undefined): void {
    switch (k.kind) {
      case "handle":
        k.handle = { kind: k.handle.kind, resource: this.mapType(k.handle.resource, span) };
        return;
      case "resource":
      case "flags":
      case "enum":
        return;
      case "record":
        // A field naming a gated-out type is reported at that field.
        for (let i = 0; i < k.fields.length; i++) {
          const f = k.fields[i]!;
          f.type = this.updateTy(f.type, fieldSpans?.[i] ?? span);
        }
        return;
      case "tuple":
        for (let i = 0; i < k.types.length; i++) k.types[i] = this.updateTy(k.types[i]!, span);
        return;
      case "variant":
        for (const c of k.cases) c.type = this.updateOptional(c.type, span);
        return;
      case "option":
        k.type = this.updateTy(k.type, span);
        return;
      case "list":
      case "fixed-length-list":
        k.element = this.updateTy(k.element, span);
        return;
      case "map":
        k.key = this.updateTy(k.key, span);
        k.value = this.updateTy(k.value, span);
        return;
      case "future":
      case "stream":
        k.type = this.updateOptional(k.type, span);
        return;
      case "result":
        k.ok = this.updateOptional(k.ok, span);
        k.err = this.updateOptional(k.err, span);
        return;
      case "type":
        // `type a = r` stays an alias of the resource (usable as resource and handle both), not `own<r>`.
        if (typeof k.type !== "string") k.type = typeRef(this.mapType(k.type.id, span));
        return;
      case "unknown":
        throw new Error("foreign placeholder among local types");
      default: {
        const never: never = k;
        return never;
      }
    }
  }

  // -------------------------------------------------------------------------
  // Interfaces, functions, worlds
  // -------------------------------------------------------------------------

  // Loops rather than `forEach` callbacks: a callback is a closure made per call, which V8 optimizes anew in
  // every run of a process.
  private updateInterface(iface: Interface, spans: InterfaceSpans): void {
    let gated = false;
    for (const id of iface.types.values()) {
      if (this.types[id] === undefined) gated = true;
    }
    if (gated) {
      // Gated-out types leave the interface.
      const kept = new Map<string, TypeId>();
      for (const [name, id] of iface.types) {
        if (this.types[id] !== undefined) kept.set(name, id);
      }
      iface.types = kept;
    }
    // Updating values of existing keys keeps the map's order and allocates nothing; most ids map to
    // themselves (a package's own types, when it is the first), and those are not written again.
    const types = iface.types;
    for (const [name, id] of types) {
      const mapped = this.mapType(id, spans.span);
      if (mapped !== id) types.set(name, mapped);
    }
    let row = spans.firstFunc;
    let dropped = false;
    for (const func of iface.functions.values()) {
      const span = spans.funcs.nameSpan(row++);
      if (this.includeStability(func.stability, span)) this.updateFunction(func, span);
      else dropped = true;
    }
    if (dropped) {
      // Gated-out functions leave the interface.
      const kept = new Map<string, Function>();
      for (const [name, func] of iface.functions) {
        if (this.includeStability(func.stability, undefined)) kept.set(name, func);
      }
      iface.functions = kept;
    }
  }

  /** Maps a function's references in place and checks its result for borrows. */
  private updateFunction(func: Function, span: Span): Function {
    const resource = functionResource(func.kind);
    if (resource !== undefined) {
      const mapped = this.mapType(resource, span);
      func.kind = this.signatures.kind(
        func.kind.kind as Exclude<Function["kind"]["kind"], "freestanding" | "async-freestanding">,
        mapped,
      );
    }
    const params = func.params;
    const pool = this.signatures;
    const n = params.length;
    let ids = this.paramIds;
    if (ids.length < n) this.paramIds = ids = new Int32Array(n * 2);
    for (let i = 0; i < n; i++) {
      const p = params[i]!;
      const id = pool.paramId(p.name, this.updateTy(p.type, span));
      params[i] = pool.param(id);
      ids[i] = id;
    }
    func.params = pool.params(pool.keyOf(ids, n), params);
    func.result = this.updateOptional(func.result, span);
    if (func.result !== undefined && this.typeHasBorrow(func.result)) {
      fail(
        `function \`${func.name}\` returns a type which contains a \`borrow<T>\` which is not supported`,
        span,
        codes.BorrowInResult,
      );
    }
    return func;
  }

  private updateWorld(world: World, spans: WorldSpans): void {
    const entries: [WorldKey, WorldItem, Span, boolean][] = [];
    let i = 0;
    for (const [k, item] of world.imports) entries.push([k, item, spans.imports[i++]!, true]);
    i = 0;
    for (const [k, item] of world.exports) entries.push([k, item, spans.exports[i++]!, false]);
    world.imports = new Map();
    world.exports = new Map();
    for (const [key, item0, span, isImport] of entries) {
      let item = item0;
      if (item.kind === "type") item = { kind: "type", id: this.mapType(item.id, span) };
      const stability =
        item.kind === "interface"
          ? item.stability
          : item.kind === "function"
            ? item.func.stability
            : this.resolve.types[item.id]!.stability;
      if (!this.includeStability(stability, span)) continue;
      const newKey: WorldKey = typeof key === "string" ? key : this.mapInterface(key, span);
      if (item.kind === "interface")
        item = {
          kind: "interface",
          id: this.mapInterface(item.id, span),
          stability: item.stability,
        };
      else if (item.kind === "function")
        item = { kind: "function", func: this.updateFunction(item.func, span) };
      (isImport ? world.imports : world.exports).set(newKey, item);
    }
  }

  /** Whether a type contains a `borrow<T>`, memoized; iterative over alias chains and nesting. */
  private typeHasBorrow(root: Type): boolean {
    if (typeof root === "string") return false;
    const memo = this.hasBorrow;
    const known = memo[root.id];
    if (known !== undefined) return known;
    const types = this.resolve.types;
    // Keep the memo a dense array: fill it up to the newest type before indexing past its end.
    while (memo.length < types.length) memo.push(undefined);
    // Scratch arrays kept across calls: this runs once per function result.
    const stack = this.borrowStack;
    const children = this.borrowChildren;
    stack.length = 0;
    stack.push(root.id);
    while (stack.length > 0) {
      const id = stack[stack.length - 1]!;
      if (memo[id] !== undefined) {
        stack.pop();
        continue;
      }
      children.length = 1;
      if (directChildren(types[id]!.kind, children)) {
        memo[id] = true;
        stack.pop();
        continue;
      }
      let pending = false;
      let found = false;
      for (let i = 1; i < children.length; i++) {
        const c = children[i]!;
        const v = memo[c];
        if (v === undefined) {
          stack.push(c);
          pending = true;
        } else if (v) {
          found = true;
          break;
        }
      }
      if (found) {
        memo[id] = true;
        stack.pop();
      } else if (!pending) {
        memo[id] = false;
        stack.pop();
      }
    }
    return memo[root.id]!;
  }
}

/** Keeps the remapper's map alive between runs (see `shape-anchor.ts`), over a package of nothing. */
anchorShape(
  new Remap(
    createResolve(),
    {
      name: { namespace: "", name: "", version: undefined },
      nameSpan: UNKNOWN_SPAN,
      docs: NO_DOCS,
      interfaces: [],
      worlds: [],
      types: [],
      foreignDeps: [],
      includes: [],
      interfaceSpans: [],
      worldSpans: [],
      typeSpans: [],
      unknownTypeSpans: [],
      fieldSpans: new Map(),
      requiredResources: [],
    },
    [],
    new SignaturePool(),
  ),
);

/** Pushes the type ids a definition contains onto `out`; true when it is itself a `borrow<T>`. */
function directChildren(k: TypeDefKind, out: TypeId[]): boolean {
  switch (k.kind) {
    case "handle":
      return k.handle.kind === "borrow";
    case "type":
    case "option":
    case "future":
    case "stream":
      pushTypeId(k.type, out);
      return false;
    case "list":
    case "fixed-length-list":
      pushTypeId(k.element, out);
      return false;
    case "map":
      pushTypeId(k.key, out);
      pushTypeId(k.value, out);
      return false;
    case "tuple":
      for (const t of k.types) pushTypeId(t, out);
      return false;
    case "record":
      for (const f of k.fields) pushTypeId(f.type, out);
      return false;
    case "variant":
      for (const c of k.cases) pushTypeId(c.type, out);
      return false;
    case "result":
      pushTypeId(k.ok, out);
      pushTypeId(k.err, out);
      return false;
    case "resource":
    case "flags":
    case "enum":
    case "unknown":
      return false;
    default: {
      const never: never = k;
      return never;
    }
  }
}

function pushTypeId(t: Type | undefined, out: TypeId[]): void {
  if (t !== undefined && typeof t !== "string") out.push(t.id);
}
