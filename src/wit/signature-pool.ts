/**
 * Shared parts of function signatures for the model. Consumes a function's
 * final parameters and kind (stage 2, once every type id is the one it keeps
 * in the {@link Resolve}) and produces shared objects: one {@link Param} per
 * distinct name and type, one parameter list per distinct sequence of those,
 * and one {@link FunctionKind} per kind and resource. Functions and their
 * parameters are most of the objects a resolved model keeps, the model lives
 * through code generation, where the garbage collector marks it again at each
 * full collection, and most signatures repeat parts seen before (every
 * `self: borrow<r>`, every method that takes only `self`). Nothing may change
 * a shared part: the remapper replaces parts instead of updating them in
 * place, and the model is read-only past the resolver.
 */
import type { FunctionKind, Param, Type, TypeId } from "./model.js";

/** A node of the trie of parameter lists: the list that ends here, and the lists that go on. */
interface ListNode {
  list: Param[] | undefined;
  next: Map<Param, ListNode> | undefined;
}

/** The kinds that name a resource, in the order of {@link SignaturePool.kind}'s slots. */
type ResourceKind = Exclude<FunctionKind, { kind: "freestanding" | "async-freestanding" }>;
const KIND_SLOTS: readonly ResourceKind["kind"][] = [
  "method",
  "async-method",
  "static",
  "async-static",
  "constructor",
];

export class SignaturePool {
  /**
   * Name, then type, to the shared parameter. Names are few (`self`, `key`,
   * `value`, ...) and each holds many types, so the inner maps are few and
   * large. A type is a primitive's spelling or a `TypeRef`, of which there is
   * one object per id (`typeRef`), so identity is equality.
   */
  private readonly byName = new Map<string, Map<Type, Param>>();
  private readonly lists: ListNode = { list: [], next: undefined };
  /** By resource id, the kinds naming it, in {@link KIND_SLOTS} order. */
  private readonly kinds: (ResourceKind[] | undefined)[] = [];

  param(name: string, type: Type): Param {
    let byType = this.byName.get(name);
    if (byType === undefined) {
      byType = new Map();
      this.byName.set(name, byType);
    }
    let p = byType.get(type);
    if (p === undefined) {
      // Not frozen: a frozen object has a map of its own, and codegen's reads of
      // parameters would then see two shapes (these and the copies of `include`).
      p = { name, type };
      byType.set(type, p);
    }
    return p;
  }

  /** The shared list equal to `params`, whose entries come from {@link SignaturePool.param}. */
  params(params: Param[]): Param[] {
    let node = this.lists;
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      let next = node.next;
      if (next === undefined) node.next = next = new Map();
      let child = next.get(p);
      if (child === undefined) {
        child = { list: undefined, next: undefined };
        next.set(p, child);
      }
      node = child;
    }
    if (node.list === undefined) node.list = params;
    return node.list;
  }

  kind(kind: ResourceKind["kind"], resource: TypeId): FunctionKind {
    let slots = this.kinds[resource];
    if (slots === undefined) {
      slots = KIND_SLOTS.map((k) => ({ kind: k, resource }) as ResourceKind);
      // Fill gaps so the array stays packed (ids are small dense integers).
      for (let i = this.kinds.length; i < resource; i++) this.kinds.push(undefined);
      this.kinds[resource] = slots;
    }
    return slots[KIND_SLOTS.indexOf(kind)]!;
  }
}
