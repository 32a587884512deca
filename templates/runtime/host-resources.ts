/**
 * Runtime, host resources: the resource table of one component instance as the host and the generated
 * adapters see it. Every object of a host-implemented resource that the guest owns, or that the
 * host enters itself, is an entry of the instance's `ResourceTable` (generation-checked handles, typed
 * errors, lends, parent/child, capacity). Consumes host objects from `import-adapters.ts` and from the
 * host's own calls; produces handles, the typed per-resource views that generated SDKs put on
 * `instance.resources` (and hand to `imports` when it is a function), and a leak report on disposal.
 *
 * The ownership rules, in one place:
 * - an object enters the table when it first crosses to the guest as `own` (a constructor's result, an
 *   `own` result of a host function, an `own` argument of an export call), or when the host pushes it
 *   (`push`, or `pushChild` to make it a child of another entry: that is how parentage is declared);
 * - the entry is deleted, and the destructor (the object's `[Symbol.dispose]`) runs exactly once, when the
 *   guest drops its owning handle, when the host deletes it, or when the instance is disposed;
 * - an `own` the guest passes to the host (`send(req: request)`) leaves the entry in place: the host owns
 *   it now and deletes it when done, as with wasmtime's `ResourceTable::delete`; disposal reports what it
 *   never deleted;
 * - while the guest lends an entry to a host import (`borrow<R>`), it is lent in the table, so deleting it
 *   fails with `ResourceLentError`, as it does while the host lends it to the guest (`borrow.ts`).
 * An object is in at most one live entry, so the host can name entries by object as well as by handle. The
 * guest holds at most one owning handle on an entry (giving it an object it already owns is a `TypeError`), and
 * each of its handles stands for one entry: once that entry is deleted the handle stays stale, even when the
 * host enters the same object again.
 */

import { isBorrow, unwrapBorrow, type Borrowed } from "./borrow.js";
import { isThenable, type CallGate } from "./call-gate.js";
import { InvalidHandleError, StaleHandleError } from "./errors.js";
import { assertNotLent, lendCount } from "./loans.js";
import {
  createResourceTable,
  type Handle,
  type LeakReport,
  type ResourceTable,
  type ResourceType,
} from "./resource-table.js";

/** An entry of a view: its handle, or its object (also as a borrow a host import received). */
export type EntryRef<T extends object> = Handle<T> | T | Borrowed<T>;

/** The instance's table, seen through one host resource type. Generated SDKs type one per resource. */
export interface ResourceTableView<T extends object> {
  /** The resource's WIT name (`example:resources/http#request`), as errors and leak reports give it. */
  readonly name: string;
  /** Live entries of this type. */
  readonly count: number;
  /**
   * Enters a host object: the host owns it until it passes it to the guest as `own` or deletes it. Throws
   * `TableFullError` at capacity, and `TypeError` when the object is already in the table.
   */
  push(value: T): Handle<T>;
  /**
   * `push`, as a child of `parent` (a live entry of any type): the parent cannot be deleted, by the host or
   * by the guest dropping it, while the child lives (`HasChildrenError`); disposal deletes children first.
   */
  pushChild(value: T, parent: EntryRef<object>): Handle<T>;
  /** The object of a live entry. */
  get(handle: Handle<T>): T;
  /** The handle of `value`'s live entry of this type, if it has one. */
  handleOf(value: T | Borrowed<T>): Handle<T> | undefined;
  /** Whether the entry is live and of this type. Never throws. */
  has(entry: unknown): boolean;
  /**
   * Deletes the entry and runs its destructor. Throws `HasChildrenError` while it has children and
   * `ResourceLentError` while it is lent; a guest that still holds it traps with `StaleHandleError` when it
   * next uses it.
   */
  delete(entry: EntryRef<T>): void;
  /** Counts a borrow by the host: until the matching `release`, the entry cannot be deleted. */
  lend(entry: EntryRef<T>): void;
  release(entry: EntryRef<T>): void;
  /** The live children of the entry, oldest first. */
  children(entry: EntryRef<T>): Handle<unknown>[];
  /** The parent of the entry, if it has one. */
  parentOf(entry: EntryRef<T>): Handle<unknown> | undefined;
}

/**
 * What every object of a host resource may have besides the resource's methods: the generated contract of each
 * host resource (`Request extends Destructible`) extends it.
 */
export interface Destructible {
  /**
   * The destructor: runs once, when the object's resource-table entry is deleted
   * (the guest dropped it, the host deleted it, or the instance was disposed).
   */
  [Symbol.dispose]?(): void;
}

/** What `instance.resources` has besides one view per resource type. */
export interface HostResourcesBase {
  /** The instance's table (every type's entries). */
  readonly table: ResourceTable;
  /** Live entries of all types. */
  readonly size: number;
  /** Live entries per resource type (WIT names), every type of the world included. */
  counts(): ReadonlyMap<string, number>;
  /** What disposing the instance found alive and disposed; `undefined` until then. */
  readonly leaks: LeakReport | undefined;
}

/** The options of generated `instantiate` functions that concern host resources. */
export interface HostResourceOptions {
  /** Most host resources alive at once, all types together (default 1,000,000). */
  readonly resourceCapacity?: number | undefined;
  /** Called on disposal with what was still alive, when anything was (or a destructor threw). */
  readonly onLeak?: ((report: LeakReport) => void) | undefined;
}

/** The per-instance state the adapters in `import-adapters.ts` use. */
export interface HostTableState {
  readonly table: ResourceTable;
  /** Makes sure `value` has a live entry of `type` (it crosses to the guest as `own`); returns its handle. */
  enter(type: HostResourceDescriptor, value: object): Handle<unknown>;
  /** Whether `value` has a live entry. */
  entered(value: object): boolean;
  /**
   * Removes `value`'s live entry of `type` without running its destructor, and forgets it: for an `own` that
   * was entered for an export call which then did not reach the guest, so the host still owns it.
   */
  take(type: HostResourceDescriptor, value: object): void;
  /** The guest dropped its owning handle: deletes the entry, if it is still live. */
  drop(type: HostResourceDescriptor, value: object): void;
  /** Throws `StaleHandleError` when `value` had an entry that was deleted since. */
  assertUsable(type: HostResourceDescriptor, value: object): void;
  /** Lends `value`'s live entry, if any, until the innermost `withImportLends` returns (or its promise settles). */
  lendForImport(value: object): void;
  /** The handle of `value`'s live entry, if it has one. */
  liveHandleOf(value: object): Handle<unknown> | undefined;
  /** Whether `handle` is a live entry. */
  isLive(handle: Handle<unknown>): boolean;
  /**
   * `value` crosses to the guest as `own`: enters it when it has no live entry, and records that the guest owns
   * the entry. Throws a `TypeError` when the guest owns it already (the guest would hold two owning handles on
   * one entry, and its first drop would delete what the second still uses). `fresh` says whether it was entered
   * now; `giveBack` undoes it (for a value or a call that did not reach the guest after all).
   */
  giveToGuest(
    type: HostResourceDescriptor,
    value: object,
    shared?: boolean,
  ): { readonly handle: Handle<unknown>; readonly fresh: boolean; readonly again: boolean };
  /** Undoes `giveToGuest`: a fresh entry is taken out again (the host still owns the object), else only ownership. */
  giveBack(
    type: HostResourceDescriptor,
    value: object,
    handle: Handle<unknown>,
    fresh: boolean,
  ): void;
  /** The guest passed its owning handle on to the host (`own<R>` into a host function): the host owns the entry. */
  receiveFromGuest(handle: Handle<unknown>): void;
  /** The guest dropped its owning handle `handle`: deletes that entry if it is still live and the guest's. */
  dropHandle(type: HostResourceDescriptor, handle: Handle<unknown>): void;
}

/** The part of a host resource descriptor (`guest-resources.ts`'s `HostResourceType`) this file needs. */
interface HostResourceDescriptor {
  readonly name: string;
}

/** The part of an instance core this file needs. */
interface CoreLike {
  readonly gate: CallGate;
}

const RESERVED_KEYS: ReadonlySet<string> = new Set(["table", "size", "counts", "leaks"]);

const states = new WeakMap<object, State>();

/**
 * Creates the table of an instance and its views, one per `types` entry under the same key; generated
 * `instantiate` functions call it before adapting the imports. `R` is the generated `HostResources` type.
 */
export function createHostResources<R extends HostResourcesBase>(
  core: CoreLike,
  types: Readonly<Record<string, HostResourceDescriptor>>,
  options: HostResourceOptions = {},
): R {
  if (states.has(core))
    throw new Error("the host resources of this instance were already created (a wit-ts bug)");
  const state = new State(core, options);
  states.set(core, state);
  const resources: Record<string, unknown> = {};
  for (const [key, type] of Object.entries(types)) {
    if (RESERVED_KEYS.has(key))
      throw new Error(`\`${key}\` cannot name a resource view (a wit-ts bug)`);
    resources[key] = new View<object>(state, state.defineType(type));
  }
  Object.defineProperties(resources, {
    table: { value: state.table, enumerable: false },
    size: { get: () => state.table.size, enumerable: false },
    counts: { value: () => state.counts(), enumerable: false },
    leaks: { get: () => state.leaks, enumerable: false },
  });
  return resources as R;
}

/**
 * Runs a host import handler (`import-adapters.ts`'s `runHost`); entries lent to it through `lendForImport` are
 * released when it returns, or, when it returns a promise (an import that jco awaits, JSPI), when that
 * settles. Instances without host resources just run it.
 */
export function withImportLends<R>(core: CoreLike, handler: () => R): R {
  const state = states.get(core);
  return state === undefined ? handler() : state.withImportLends(handler);
}

/** The state of an instance's host resources, created with default options on first use. */
export function hostTableState(core: CoreLike): HostTableState {
  let state = states.get(core);
  if (state === undefined) {
    state = new State(core, {});
    states.set(core, state);
  }
  return state;
}

class State implements HostTableState {
  readonly table: ResourceTable;
  leaks: LeakReport | undefined = undefined;
  /** The handle each object was last entered under (the entry may have been deleted since). */
  private readonly handles = new WeakMap<object, Handle<unknown>>();
  private readonly types = new Map<string, ResourceType<object>>();
  /** Entries lent to host import handlers that are running, innermost last. */
  private readonly importLends: Handle<unknown>[] = [];
  /** Host import handlers running (`withImportLends` frames). */
  private importDepth = 0;
  /** Entries the guest owns (holds an owning handle on); the others are the host's. */
  private readonly guestOwned = new Set<Handle<unknown>>();
  private readonly onLeak: ((report: LeakReport) => void) | undefined;

  constructor(core: CoreLike, options: HostResourceOptions) {
    this.table = createResourceTable(
      options.resourceCapacity === undefined ? {} : { capacity: options.resourceCapacity },
    );
    this.onLeak = options.onLeak;
    // After the last call: the guest can no longer drop anything, so what is left leaked.
    core.gate.addReleaseHook(() => this.dispose());
  }

  defineType(type: HostResourceDescriptor): ResourceType<object> {
    let defined = this.types.get(type.name);
    if (defined === undefined) {
      // No destructor option: the table then runs the value's own `[Symbol.dispose]`, the host's destructor.
      defined = this.table.defineType<object>(type.name);
      this.types.set(type.name, defined);
    }
    return defined;
  }

  counts(): ReadonlyMap<string, number> {
    const counts = new Map<string, number>();
    for (const [name, type] of this.types) counts.set(name, this.table.count(type));
    return counts;
  }

  /**
   * The handle of `entry`: itself when it is a number, else its object's latest handle. A borrow view
   * stands for its object (`BorrowExpiredError` once its call has ended).
   */
  resolve(entry: unknown, typeName: string): Handle<unknown> {
    if (typeof entry === "number") return entry as Handle<unknown>;
    const handle = isObject(entry) ? this.handles.get(unwrapBorrow(entry)) : undefined;
    if (handle === undefined) throw new InvalidHandleError(entry, typeName);
    return handle;
  }

  /** The live handle of `value` (or of the object a borrow view stands for), if it has one. */
  liveHandle(value: object): Handle<unknown> | undefined {
    const handle = this.handles.get(unwrapBorrow(value));
    return handle !== undefined && this.table.has(handle) ? handle : undefined;
  }

  push(
    type: ResourceType<object>,
    value: unknown,
    parent: Handle<unknown> | undefined,
  ): Handle<unknown> {
    if (!isObject(value))
      throw new TypeError(`a \`${type.name}\` must be an object, not ${typeof value}`);
    if (isBorrow(value))
      throw new TypeError(`a borrowed \`${type.name}\` cannot be entered: its owner has it`);
    const existing = this.handles.get(value);
    if (existing !== undefined && this.table.has(existing)) {
      throw new TypeError(
        `this object is already in the resource table (\`${this.table.typeNameOf(existing)}\` handle ${existing})`,
      );
    }
    const handle =
      parent === undefined
        ? this.table.push(type, value)
        : this.table.pushChild(type, value, parent);
    this.handles.set(value, handle);
    return handle;
  }

  /**
   * Deletes a live entry of `type`. Checks, in this order: the handle and its type, the host's loans to
   * the guest (`borrow.ts`), then the table's children and lends.
   */
  remove(type: ResourceType<object>, handle: Handle<unknown>): void {
    assertNotLent(this.table.get(handle as Handle<object>, type), type.name);
    this.table.delete(handle as Handle<object>, type);
    this.guestOwned.delete(handle);
  }

  liveHandleOf(value: object): Handle<unknown> | undefined {
    return this.liveHandle(value);
  }

  isLive(handle: Handle<unknown>): boolean {
    return this.table.has(handle);
  }

  giveToGuest(
    type: HostResourceDescriptor,
    value: object,
    shared = false,
  ): { readonly handle: Handle<unknown>; readonly fresh: boolean; readonly again: boolean } {
    const defined = this.defineType(type);
    let handle = this.liveHandle(value);
    let fresh = false;
    if (handle === undefined) {
      handle = this.push(defined, value, undefined);
      fresh = true;
    } else {
      // Already entered (by the host, or given back by the guest): it must be this type, and the host's.
      this.table.get(handle as Handle<object>, defined);
      if (this.guestOwned.has(handle)) {
        // A shared object (the WASI shim's, given out again on purpose) keeps the one handle it has.
        if (shared) return { handle, fresh, again: true };
        throw new TypeError(
          `the guest already owns this \`${type.name}\` (handle ${handle}): an object can be given to the guest as ` +
            "`own` once, until the guest drops it or gives it back",
        );
      }
    }
    this.guestOwned.add(handle);
    return { handle, fresh, again: false };
  }

  giveBack(
    type: HostResourceDescriptor,
    value: object,
    handle: Handle<unknown>,
    fresh: boolean,
  ): void {
    if (!this.table.has(handle)) return;
    this.guestOwned.delete(handle);
    // An entry lent meanwhile (by the host, or to another call as `borrow`) stays, owned by the host, which
    // deletes it as it would any entry it pushed: taking it out would make the borrower's handle stale.
    if (!fresh || lendCount(value) > 0 || this.table.lendCount(handle) > 0) return;
    this.table.take(handle as Handle<object>, this.defineType(type));
    // As if it had never been entered: the host may `push` it again, and `delete` calls it invalid, not stale.
    if (this.handles.get(value) === handle) this.handles.delete(value);
  }

  receiveFromGuest(handle: Handle<unknown>): void {
    this.guestOwned.delete(handle);
  }

  dropHandle(type: HostResourceDescriptor, handle: Handle<unknown>): void {
    // A handle whose entry the host deleted (or took back) is stale: dropping it deletes nothing, in particular
    // not a newer entry of the same object.
    if (!this.table.has(handle) || !this.guestOwned.has(handle)) return;
    this.remove(this.defineType(type), handle);
  }

  enter(type: HostResourceDescriptor, value: object): Handle<unknown> {
    const defined = this.defineType(type);
    const handle = this.liveHandle(value);
    if (handle === undefined) return this.push(defined, value, undefined);
    // Already entered (by the host, or crossing again): it must be this type.
    this.table.get(handle as Handle<object>, defined);
    return handle;
  }

  entered(value: object): boolean {
    return this.liveHandle(value) !== undefined;
  }

  take(type: HostResourceDescriptor, value: object): void {
    const handle = this.liveHandle(value);
    if (handle === undefined) return;
    this.table.take(handle as Handle<object>, this.defineType(type));
    this.guestOwned.delete(handle);
    // As if it had never been entered: the host may `push` it again, and `delete` calls it invalid, not stale.
    this.handles.delete(value);
  }

  drop(type: HostResourceDescriptor, value: object): void {
    const handle = this.liveHandle(value);
    if (handle !== undefined) this.remove(this.defineType(type), handle);
  }

  assertUsable(type: HostResourceDescriptor, value: object): void {
    const handle = this.handles.get(value);
    if (handle !== undefined && !this.table.has(handle))
      throw new StaleHandleError(handle, type.name);
  }

  lendForImport(value: object): void {
    const handle = this.importDepth === 0 ? undefined : this.liveHandle(value);
    if (handle === undefined) return;
    this.table.lend(handle);
    this.importLends.push(handle);
  }

  withImportLends<R>(handler: () => R): R {
    const mark = this.importLends.length;
    this.importDepth++;
    let result: R;
    try {
      result = handler();
    } catch (error) {
      this.importDepth--;
      this.releaseLends(this.importLends.splice(mark));
      throw error;
    }
    this.importDepth--;
    const lends = this.importLends.splice(mark);
    if (lends.length > 0 && isThenable(result)) {
      // An import that jco awaits (JSPI) returns a promise, and the suspended guest lends its borrows until
      // it settles. The handlers return nothing, so this derived promise never rejects.
      const release = (): void => this.releaseLends(lends);
      Promise.resolve(result).then(release, release);
    } else {
      this.releaseLends(lends);
    }
    return result;
  }

  private releaseLends(lends: readonly Handle<unknown>[]): void {
    for (let index = lends.length - 1; index >= 0; index--) {
      const handle = lends[index]!;
      // Only disposal deletes a lent entry; nothing is left to release then.
      if (this.table.has(handle)) this.table.release(handle);
    }
  }

  private dispose(): void {
    this.guestOwned.clear();
    const report = this.table.disposeAll();
    this.leaks = report;
    if (report.total > 0 || report.errors.length > 0) this.onLeak?.(report);
  }
}

class View<T extends object> implements ResourceTableView<T> {
  readonly name: string;
  private readonly state: State;
  private readonly type: ResourceType<object>;

  constructor(state: State, type: ResourceType<object>) {
    this.state = state;
    this.type = type;
    this.name = type.name;
  }

  get count(): number {
    return this.state.table.count(this.type);
  }

  push(value: T): Handle<T> {
    return this.state.push(this.type, value, undefined) as Handle<T>;
  }

  pushChild(value: T, parent: EntryRef<object>): Handle<T> {
    return this.state.push(this.type, value, this.state.resolve(parent, this.name)) as Handle<T>;
  }

  get(handle: Handle<T>): T {
    return this.state.table.get(handle as Handle<object>, this.type) as T;
  }

  handleOf(value: T | Borrowed<T>): Handle<T> | undefined {
    const handle = this.state.liveHandle(value);
    return handle !== undefined && this.state.table.has(handle, this.type)
      ? (handle as Handle<T>)
      : undefined;
  }

  has(entry: unknown): boolean {
    if (typeof entry === "number") return this.state.table.has(entry, this.type);
    if (!isObject(entry)) return false;
    try {
      return this.handleOf(entry as T) !== undefined;
    } catch {
      // A borrow view whose call has ended.
      return false;
    }
  }

  delete(entry: EntryRef<T>): void {
    this.state.remove(this.type, this.state.resolve(entry, this.name));
  }

  lend(entry: EntryRef<T>): void {
    this.state.table.lend(this.state.resolve(entry, this.name), this.type);
  }

  release(entry: EntryRef<T>): void {
    this.state.table.release(this.state.resolve(entry, this.name), this.type);
  }

  children(entry: EntryRef<T>): Handle<unknown>[] {
    const handle = this.state.resolve(entry, this.name);
    this.state.table.get(handle as Handle<object>, this.type);
    return this.state.table.children(handle);
  }

  parentOf(entry: EntryRef<T>): Handle<unknown> | undefined {
    const handle = this.state.resolve(entry, this.name);
    this.state.table.get(handle as Handle<object>, this.type);
    return this.state.table.parentOf(handle);
  }
}

function isObject(value: unknown): value is object {
  return (typeof value === "object" || typeof value === "function") && value !== null;
}
