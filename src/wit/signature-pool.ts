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
  /**
   * Lists by their last parameter, each bucket searched linearly: a bucket
   * holds the lists that end alike, which differ early if at all (`self`
   * first, then the same few names), so buckets stay short; a trie would
   * allocate a map per distinct prefix.
   */
  private readonly lists = new Map<Param, Param[][]>();
  private readonly empty: Param[] = [];
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
    const n = params.length;
    if (n === 0) return this.empty;
    const last = params[n - 1]!;
    const bucket = this.lists.get(last);
    if (bucket === undefined) {
      this.lists.set(last, [params]);
      return params;
    }
    search: for (let b = 0; b < bucket.length; b++) {
      const list = bucket[b]!;
      if (list.length !== n) continue;
      for (let i = n - 2; i >= 0; i--) if (list[i] !== params[i]) continue search;
      return list;
    }
    bucket.push(params);
    return params;
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
