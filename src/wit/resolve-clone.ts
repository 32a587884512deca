/**
 * Resolution, stage 2, worlds: deep copies for `include` (wit-parser's `resolve/clone.rs`). Consumes world
 * items of one owner in a {@link Resolve} and produces copies owned by another: world-owned and anonymous types
 * reachable from an item are copied once each (children before parents, keeping dependency order), and an
 * inline interface is copied with its types.
 */
import type {
  Function,
  InterfaceId,
  PackageId,
  Resolve,
  Type,
  TypeDef,
  TypeDefKind,
  TypeId,
  TypeOwner,
  WorldItem,
} from "./model.js";
import { NO_OWNER, createResolve, functionResource, ownerEquals, typeRef } from "./model.js";
import { anchorShape } from "./shape-anchor.js";

/**
 * Deep-copies world items from one owner to another (wit-parser's
 * `Cloner`): world-owned and anonymous types reachable from the item are
 * copied once each (children before parents, keeping dependency order), and
 * an inline interface is copied with its types.
 */
export class Cloner {
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
