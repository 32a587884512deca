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
import { objectArray } from "./object-array.js";

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
   * Name, then type, to the shared parameter's number in {@link SignaturePool.all}. Names are
   * few (`self`, `key`, `value`, ...) and each holds many types, so the inner maps are few and
   * large. A type is a primitive's spelling or a `TypeRef`, of which there is one object per id
   * (`typeRef`), so identity is equality.
   */
  private readonly byName = new Map<string, Map<Type, number>>();
  private readonly all: Param[] = objectArray();
  /**
   * Lists by a key spelling their parameters' numbers (see {@link SignaturePool.keyOf}): one
   * lookup per list whatever its length and however many lists share a parameter (a bucket per
   * last parameter searched linearly was quadratic: every `get: func(key: string)` method ends
   * alike), and no map per prefix as in a trie.
   */
  private readonly lists = new Map<string, Param[]>();
  private readonly empty: Param[] = [];
  /** By resource id, the kinds naming it, in {@link KIND_SLOTS} order. */
  private readonly kinds: (ResourceKind[] | undefined)[] = objectArray();

  /** The number of the shared parameter `name: type`, made on first use. */
  paramId(name: string, type: Type): number {
    let byType = this.byName.get(name);
    if (byType === undefined) {
      byType = new Map();
      this.byName.set(name, byType);
    }
    let id = byType.get(type);
    if (id === undefined) {
      id = this.all.length;
      // Not frozen: a frozen object has a map of its own, and codegen's reads of
      // parameters would then see two shapes (these and the copies of `include`).
      this.all.push({ name, type });
      byType.set(type, id);
    }
    return id;
  }

  /** The shared parameter numbered `id` by {@link SignaturePool.paramId}. */
  param(id: number): Param {
    return this.all[id]!;
  }

  /**
   * The key of a list of parameters numbered `ids[0..n)`: two UTF-16 units per
   * number, made by one call for the usual short lists (one string per list,
   * where growing it a parameter at a time made two per parameter).
   */
  keyOf(ids: Int32Array, n: number): string {
    const c = String.fromCharCode;
    const lo = (i: number) => ids[i]! & 0xffff;
    const hi = (i: number) => ids[i]! >>> 16;
    switch (n) {
      case 0:
        return "";
      case 1:
        return c(lo(0), hi(0));
      case 2:
        return c(lo(0), hi(0), lo(1), hi(1));
      case 3:
        return c(lo(0), hi(0), lo(1), hi(1), lo(2), hi(2));
      default: {
        let key = c(lo(0), hi(0), lo(1), hi(1), lo(2), hi(2));
        for (let i = 3; i < n; i++) key += c(lo(i), hi(i));
        return key;
      }
    }
  }

  /** The shared list equal to `params` (shared parameters, whose numbers `key` spells). */
  params(key: string, params: Param[]): Param[] {
    if (params.length === 0) return this.empty;
    const found = this.lists.get(key);
    if (found !== undefined) return found;
    this.lists.set(key, params);
    return params;
  }

  kind(kind: ResourceKind["kind"], resource: TypeId): FunctionKind {
    let slots = this.kinds[resource];
    if (slots === undefined) {
      slots = [];
      for (const k of KIND_SLOTS) slots.push({ kind: k, resource } as ResourceKind);
      // Fill gaps so the array stays packed (ids are small dense integers).
      for (let i = this.kinds.length; i < resource; i++) this.kinds.push(undefined);
      this.kinds[resource] = slots;
    }
    return slots[KIND_SLOTS.indexOf(kind)]!;
  }
}
