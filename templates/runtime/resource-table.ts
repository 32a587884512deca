/**
 * Runtime, resource table: holds the host-implemented resources of one component instance. Generated code
 * pushes host values and hands out handles; it consumes values of any type and produces typed,
 * generation-checked `Handle<T>` numbers.
 *
 * Modelled on wasmtime's `ResourceTable` (push, push_child, get, delete, iter_children; errors Full,
 * NotPresent, WrongType, HasChildren) and stricter where a JavaScript host needs it:
 * - a handle encodes its slot and the slot's generation, so a handle to a deleted entry is reported as stale
 *   (`StaleHandleError`) even after the slot was reused, and a number the table never issued is reported as
 *   invalid (`InvalidHandleError`), exactly: a slot's generation only grows when an entry in it is deleted, so
 *   every generation below the current one was issued once;
 * - one table holds several resource types and checks them (`WrongTypeError`);
 * - entries can be lent (`lend`/`release`): deleting a lent entry fails with `ResourceLentError`;
 * - deleting runs the entry's destructor exactly once: the one registered for its type, or else the value's
 *   `[Symbol.dispose]`; `disposeAll` disposes what is left, newest first (so children before parents), and
 *   reports the leak per type.
 * Every operation is O(1) but `children` and `disposeAll`. Failed operations change nothing.
 *
 * Handles are positive safe integers (up to 2^53), not u32: generation bits sit above the slot bits, which
 * the capacity decides (default capacity 1,000,000: 20 slot bits, 33 generation bits). A slot whose
 * generations run out is retired rather than reused, so a stale handle can never come back to life.
 */

import {
  HasChildrenError,
  InvalidHandleError,
  NotLentError,
  ResourceLentError,
  StaleHandleError,
  TableFullError,
  WrongTypeError,
} from "./errors.js";

declare const handleValue: unique symbol;

/** A handle to a `T` in a resource table: a number, branded so that handles of different types do not mix. */
export type Handle<T> = number & { readonly [handleValue]: T };

declare const resourceValue: unique symbol;

/** A resource type defined in one table; pass it instead of the name to skip the name lookup. */
export interface ResourceType<T> {
  readonly name: string;
  /** Only carries `T` for the type checker. */
  readonly [resourceValue]?: T;
}

/** Options of a resource type. */
export interface ResourceTypeOptions<T> {
  /** Destructor run when an entry of this type is deleted; takes precedence over the value's `[Symbol.dispose]`. */
  readonly dispose?: (value: T) => void;
}

/** Options of {@link createResourceTable}. */
export interface ResourceTableOptions {
  /** Most entries alive at once (default 1,000,000, as in wasmtime's host tables). */
  readonly capacity?: number;
}

/** What `disposeAll` found and disposed. */
export interface LeakReport {
  /** Entries that were still alive. */
  readonly total: number;
  /** The same per resource type name (types with no entries left are absent). */
  readonly byType: ReadonlyMap<string, number>;
  /** What destructors threw; every entry was removed and every other destructor still ran. */
  readonly errors: readonly unknown[];
}

/** Where `type` parameters accept a type defined in this table or its name. */
export type ResourceTypeRef<T> = ResourceType<T> | string;

/** A table of host resources; see the file comment. */
export interface ResourceTable extends Disposable {
  readonly capacity: number;
  /** Entries alive. */
  readonly size: number;
  /** Defines (or returns the already defined) type `name`; a destructor may be given once. */
  defineType<T>(name: string, options?: ResourceTypeOptions<T>): ResourceType<T>;
  /** Adds an entry. Throws `TableFullError` when `capacity` entries are alive. */
  push<T>(type: ResourceTypeRef<T>, value: T): Handle<T>;
  /** Adds an entry that `parent` cannot be deleted before (see `HasChildrenError`). */
  pushChild<T>(type: ResourceTypeRef<T>, value: T, parent: Handle<unknown>): Handle<T>;
  /** The value of a live entry, which stays in the table. */
  get<T>(handle: Handle<T>, type: ResourceTypeRef<T>): T;
  /** Whether `handle` is live (and of `type`, when given). Never throws. */
  has(handle: unknown, type?: ResourceTypeRef<unknown>): boolean;
  /** The type name of a live entry. */
  typeNameOf(handle: Handle<unknown>): string;
  /** Removes an entry and runs its destructor (exactly once, even when the destructor throws). */
  delete<T>(handle: Handle<T>, type: ResourceTypeRef<T>): void;
  /** Removes an entry without running its destructor and returns its value: ownership moves to the caller. */
  take<T>(handle: Handle<T>, type: ResourceTypeRef<T>): T;
  /** Counts a borrow of the entry: until the matching `release`, it cannot be deleted or taken. */
  lend(handle: Handle<unknown>, type?: ResourceTypeRef<unknown>): void;
  /** Ends one borrow; throws `NotLentError` when there is none. */
  release(handle: Handle<unknown>, type?: ResourceTypeRef<unknown>): void;
  lendCount(handle: Handle<unknown>): number;
  /** The live children of `parent`, oldest first. */
  children(parent: Handle<unknown>): Handle<unknown>[];
  /** The parent of a live entry, if it has one. */
  parentOf(handle: Handle<unknown>): Handle<unknown> | undefined;
  /** Live entries of one type. */
  count(type: ResourceTypeRef<unknown>): number;
  /** Deletes every entry, newest first, even lent ones, running destructors; returns what was left. */
  disposeAll(): LeakReport;
  /** `disposeAll`, dropping the report (for `using`). */
  [Symbol.dispose](): void;
}

/** Creates an empty table. */
export function createResourceTable(options: ResourceTableOptions = {}): ResourceTable {
  return new Table(options.capacity ?? 1_000_000);
}

/** A table's view of one resource type, which generated code specialises per resource. */
export interface TypedTable<T> {
  readonly table: ResourceTable;
  readonly type: ResourceType<T>;
  /** Live entries of this type. */
  readonly count: number;
  push(value: T): Handle<T>;
  pushChild(value: T, parent: Handle<unknown>): Handle<T>;
  get(handle: Handle<T>): T;
  has(handle: unknown): boolean;
  delete(handle: Handle<T>): void;
  take(handle: Handle<T>): T;
  lend(handle: Handle<T>): void;
  release(handle: Handle<T>): void;
}

/** Defines `typeName` in `table` (see `defineType`) and returns a view bound to it. */
export function createTypedTable<T>(
  table: ResourceTable,
  typeName: string,
  options?: ResourceTypeOptions<T>,
): TypedTable<T> {
  return new TypedView(table, table.defineType(typeName, options));
}

class TypedView<T> implements TypedTable<T> {
  readonly table: ResourceTable;
  readonly type: ResourceType<T>;

  constructor(table: ResourceTable, type: ResourceType<T>) {
    this.table = table;
    this.type = type;
  }

  get count(): number {
    return this.table.count(this.type);
  }

  push(value: T): Handle<T> {
    return this.table.push(this.type, value);
  }

  pushChild(value: T, parent: Handle<unknown>): Handle<T> {
    return this.table.pushChild(this.type, value, parent);
  }

  get(handle: Handle<T>): T {
    return this.table.get(handle, this.type);
  }

  has(handle: unknown): boolean {
    return this.table.has(handle, this.type);
  }

  delete(handle: Handle<T>): void {
    this.table.delete(handle, this.type);
  }

  take(handle: Handle<T>): T {
    return this.table.take(handle, this.type);
  }

  lend(handle: Handle<T>): void {
    this.table.lend(handle, this.type);
  }

  release(handle: Handle<T>): void {
    this.table.release(handle, this.type);
  }
}

/** The table's record of a type; it is also the `ResourceType` token handed out. */
class TypeRecord {
  readonly name: string;
  readonly index: number;
  readonly owner: Table;
  dispose: ((value: never) => void) | undefined;
  live = 0;

  constructor(
    name: string,
    index: number,
    owner: Table,
    dispose: ((value: never) => void) | undefined,
  ) {
    this.name = name;
    this.index = index;
    this.owner = owner;
    this.dispose = dispose;
  }
}

/** Marks a free slot's type and "no slot" in links. */
const NONE = -1;
// Results of `locate` for handles that are not live.
const INVALID = -1;
const STALE = -2;

// Resolved once: hosts without explicit resource management simply have no `[Symbol.dispose]` to call.
const disposeSymbol: symbol | undefined =
  typeof Symbol.dispose === "symbol" ? Symbol.dispose : undefined;

class Table implements ResourceTable {
  readonly capacity: number;
  /** 2^k > capacity: handle = generation * span + slot + 1 (so 0 is never a handle). */
  private readonly span: number;
  private readonly maxGeneration: number;
  // One array per field, indexed by slot: compact, and V8 keeps small integers unboxed.
  private readonly values: unknown[] = [];
  private readonly generations: number[] = [];
  /** Type index of the entry, or NONE for a free slot. */
  private readonly typeIndexes: number[] = [];
  private readonly parents: number[] = [];
  private readonly lends: number[] = [];
  private readonly childSets: (Set<number> | undefined)[] = [];
  /** Live entries form a list in creation order; a free slot's `older` is the next free slot. */
  private readonly older: number[] = [];
  private readonly newer: number[] = [];
  private newest = NONE;
  private freeHead = NONE;
  private live = 0;
  private readonly types: TypeRecord[] = [];
  private readonly typesByName = new Map<string, TypeRecord>();
  /** While `disposeAll` runs: the entries removed so far, per type name. */
  private removals: Map<string, number> | undefined = undefined;

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1 || capacity > 2 ** 32) {
      throw new RangeError(
        `resource table capacity must be an integer from 1 to 2^32, not ${String(capacity)}`,
      );
    }
    this.capacity = capacity;
    let span = 1;
    while (span <= capacity) span *= 2;
    this.span = span;
    // The largest handle, (2^53 / span - 1) * span + span - 1, is exactly Number.MAX_SAFE_INTEGER.
    this.maxGeneration = 2 ** 53 / span - 1;
  }

  get size(): number {
    return this.live;
  }

  defineType<T>(name: string, options?: ResourceTypeOptions<T>): ResourceType<T> {
    const dispose = options?.dispose as ((value: never) => void) | undefined;
    const existing = this.typesByName.get(name);
    if (existing === undefined) {
      const record = new TypeRecord(name, this.types.length, this, dispose);
      this.types.push(record);
      this.typesByName.set(name, record);
      return record as ResourceType<T>;
    }
    if (dispose !== undefined) {
      if (existing.dispose !== undefined && existing.dispose !== dispose) {
        throw new TypeError(`resource type \`${name}\` already has a destructor`);
      }
      existing.dispose = dispose;
    }
    return existing as ResourceType<T>;
  }

  push<T>(type: ResourceTypeRef<T>, value: T): Handle<T> {
    return this.insert(this.defining(type), value, NONE) as Handle<T>;
  }

  pushChild<T>(type: ResourceTypeRef<T>, value: T, parent: Handle<unknown>): Handle<T> {
    const record = this.defining(type);
    return this.insert(record, value, this.slotOf(parent, undefined)) as Handle<T>;
  }

  get<T>(handle: Handle<T>, type: ResourceTypeRef<T>): T {
    return this.values[this.typedSlotOf(handle, type)] as T;
  }

  has(handle: unknown, type?: ResourceTypeRef<unknown>): boolean {
    const slot = this.locate(handle);
    if (slot < 0) return false;
    if (type === undefined) return true;
    // A type of another table (or anything else) is simply not this entry's type: `has` never throws.
    const record =
      typeof type === "string"
        ? this.typesByName.get(type)
        : type instanceof TypeRecord && type.owner === this
          ? type
          : undefined;
    return record !== undefined && this.typeIndexes[slot] === record.index;
  }

  typeNameOf(handle: Handle<unknown>): string {
    return this.typeAt(this.slotOf(handle, undefined)).name;
  }

  delete<T>(handle: Handle<T>, type: ResourceTypeRef<T>): void {
    const slot = this.removableSlotOf(handle, type);
    const record = this.typeAt(slot);
    const value = this.values[slot];
    this.remove(slot, record);
    this.destroy(record, value);
  }

  take<T>(handle: Handle<T>, type: ResourceTypeRef<T>): T {
    const slot = this.removableSlotOf(handle, type);
    const value = this.values[slot];
    this.remove(slot, this.typeAt(slot));
    return value as T;
  }

  lend(handle: Handle<unknown>, type?: ResourceTypeRef<unknown>): void {
    const slot =
      type === undefined ? this.slotOf(handle, undefined) : this.typedSlotOf(handle, type);
    this.lends[slot] = (this.lends[slot] ?? 0) + 1;
  }

  release(handle: Handle<unknown>, type?: ResourceTypeRef<unknown>): void {
    const slot =
      type === undefined ? this.slotOf(handle, undefined) : this.typedSlotOf(handle, type);
    const count = this.lends[slot] ?? 0;
    if (count === 0) throw new NotLentError(this.typeAt(slot).name);
    this.lends[slot] = count - 1;
  }

  lendCount(handle: Handle<unknown>): number {
    return this.lends[this.slotOf(handle, undefined)] ?? 0;
  }

  children(parent: Handle<unknown>): Handle<unknown>[] {
    const children = this.childSets[this.slotOf(parent, undefined)];
    const handles: Handle<unknown>[] = [];
    if (children !== undefined) for (const child of children) handles.push(this.handleAt(child));
    return handles;
  }

  parentOf(handle: Handle<unknown>): Handle<unknown> | undefined {
    const parent = this.parents[this.slotOf(handle, undefined)] ?? NONE;
    return parent === NONE ? undefined : this.handleAt(parent);
  }

  count(type: ResourceTypeRef<unknown>): number {
    return this.existing(type)?.live ?? 0;
  }

  disposeAll(): LeakReport {
    const byType = new Map<string, number>();
    const errors: unknown[] = [];
    // Every entry removed while disposal runs is counted, also one that a destructor deletes (or takes): it was
    // alive when disposal began, or entered by a destructor since, and either way nobody else deleted it first.
    const previous = this.removals;
    this.removals = byType;
    try {
      // The newest entry never has children (they would be newer), so newest-first disposes children first.
      // Reading `newest` afresh each time also covers destructors that delete or push entries.
      while (this.newest !== NONE) {
        const slot = this.newest;
        const record = this.typeAt(slot);
        const value = this.values[slot];
        this.remove(slot, record);
        try {
          this.destroy(record, value);
        } catch (error) {
          errors.push(error);
        }
      }
    } finally {
      this.removals = previous;
    }
    let total = 0;
    for (const count of byType.values()) total += count;
    return { total, byType, errors };
  }

  [Symbol.dispose](): void {
    this.disposeAll();
  }

  /** The record for `type`, defining it when it is a name not seen before. */
  private defining(type: ResourceTypeRef<unknown>): TypeRecord {
    if (typeof type === "string")
      return this.typesByName.get(type) ?? (this.defineType(type) as TypeRecord);
    return this.own(type);
  }

  private existing(type: ResourceTypeRef<unknown>): TypeRecord | undefined {
    return typeof type === "string" ? this.typesByName.get(type) : this.own(type);
  }

  private own(type: ResourceType<unknown>): TypeRecord {
    if (!(type instanceof TypeRecord) || type.owner !== this) {
      throw new TypeError(`resource type \`${String(type.name)}\` was not defined by this table`);
    }
    return type;
  }

  private typeAt(slot: number): TypeRecord {
    const record = this.types[this.typeIndexes[slot] ?? NONE];
    if (record === undefined)
      throw new Error(`resource table: slot ${slot} is not live (internal error)`);
    return record;
  }

  private handleAt(slot: number): Handle<unknown> {
    return ((this.generations[slot] ?? 0) * this.span + slot + 1) as Handle<unknown>;
  }

  /** The slot of a live handle, or INVALID / STALE. */
  private locate(handle: unknown): number {
    if (typeof handle !== "number" || !Number.isSafeInteger(handle) || handle <= 0) return INVALID;
    const low = handle % this.span;
    const slot = low - 1;
    const current = this.generations[slot];
    if (current === undefined) return INVALID;
    const generation = (handle - low) / this.span;
    if (generation === current) return this.typeIndexes[slot] === NONE ? INVALID : slot;
    return generation < current ? STALE : INVALID;
  }

  private slotOf(handle: unknown, typeName: string | undefined): number {
    const slot = this.locate(handle);
    if (slot >= 0) return slot;
    if (slot === STALE) throw new StaleHandleError(handle as number, typeName);
    throw new InvalidHandleError(handle, typeName);
  }

  private typedSlotOf(handle: unknown, type: ResourceTypeRef<unknown>): number {
    const name = typeof type === "string" ? type : type.name;
    const slot = this.slotOf(handle, name);
    const record = this.existing(type);
    if (record === undefined || this.typeIndexes[slot] !== record.index) {
      throw new WrongTypeError(handle as number, name, this.typeAt(slot).name);
    }
    return slot;
  }

  /** Checks, in this order: handle, type, children, lends. */
  private removableSlotOf(handle: unknown, type: ResourceTypeRef<unknown>): number {
    const slot = this.typedSlotOf(handle, type);
    const children = this.childSets[slot]?.size ?? 0;
    if (children > 0)
      throw new HasChildrenError(handle as number, this.typeAt(slot).name, children);
    const lends = this.lends[slot] ?? 0;
    if (lends > 0) throw new ResourceLentError(this.typeAt(slot).name, lends);
    return slot;
  }

  private insert(record: TypeRecord, value: unknown, parent: number): number {
    if (this.live >= this.capacity) throw new TableFullError(this.capacity);
    let slot = this.freeHead;
    if (slot !== NONE) {
      this.freeHead = this.older[slot] ?? NONE;
    } else {
      // Only retired slots can make this happen below `capacity` live entries.
      if (this.generations.length >= this.capacity) throw new TableFullError(this.capacity);
      slot = this.generations.length;
      this.values.push(undefined);
      this.generations.push(0);
      this.typeIndexes.push(NONE);
      this.parents.push(NONE);
      this.lends.push(0);
      this.childSets.push(undefined);
      this.older.push(NONE);
      this.newer.push(NONE);
    }
    this.values[slot] = value;
    this.typeIndexes[slot] = record.index;
    this.parents[slot] = parent;
    this.lends[slot] = 0;
    this.older[slot] = this.newest;
    this.newer[slot] = NONE;
    if (this.newest !== NONE) this.newer[this.newest] = slot;
    this.newest = slot;
    if (parent !== NONE) {
      const siblings = this.childSets[parent];
      if (siblings === undefined) this.childSets[parent] = new Set([slot]);
      else siblings.add(slot);
    }
    this.live++;
    record.live++;
    return (this.generations[slot] ?? 0) * this.span + slot + 1;
  }

  private remove(slot: number, record: TypeRecord): void {
    const older = this.older[slot] ?? NONE;
    const newer = this.newer[slot] ?? NONE;
    if (older !== NONE) this.newer[older] = newer;
    if (newer !== NONE) this.older[newer] = older;
    else this.newest = older;
    const parent = this.parents[slot] ?? NONE;
    if (parent !== NONE) {
      const siblings = this.childSets[parent];
      if (siblings !== undefined) {
        siblings.delete(slot);
        if (siblings.size === 0) this.childSets[parent] = undefined;
      }
    }
    this.values[slot] = undefined;
    this.typeIndexes[slot] = NONE;
    this.parents[slot] = NONE;
    this.lends[slot] = 0;
    this.childSets[slot] = undefined;
    this.newer[slot] = NONE;
    const generation = (this.generations[slot] ?? 0) + 1;
    this.generations[slot] = generation;
    if (generation <= this.maxGeneration) {
      this.older[slot] = this.freeHead;
      this.freeHead = slot;
    } else {
      this.older[slot] = NONE;
    }
    this.live--;
    record.live--;
    const removals = this.removals;
    if (removals !== undefined) removals.set(record.name, (removals.get(record.name) ?? 0) + 1);
  }

  /** Runs the destructor of a value already removed from the table, so it cannot run twice. */
  private destroy(record: TypeRecord, value: unknown): void {
    const dispose = record.dispose as ((value: unknown) => void) | undefined;
    if (dispose !== undefined) {
      dispose(value);
      return;
    }
    if (
      disposeSymbol === undefined ||
      (typeof value !== "object" && typeof value !== "function") ||
      value === null
    ) {
      return;
    }
    const method = (value as { readonly [key: symbol]: unknown })[disposeSymbol];
    if (typeof method === "function") (method as (this: unknown) => void).call(value);
  }
}
