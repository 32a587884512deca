/**
 * Runtime, borrows: the lifetime rules of `borrow<T>` (Explainer.md, "borrow handles must be dropped before
 * the end of the call that lent them") on the host side, in both directions.
 *
 * (a) The guest lends a resource to a host import. `import-adapters.ts` opens a `BorrowScope` for the call and gives
 *     the handler either `Borrowed<T>` views (`--autodrop-borrows`: one scope per argument, a `ScopedBorrow`
 *     that the generated adapter holds with `using`), which work during the call and are revoked when the
 *     handler returns or its promise settles, or `BorrowHandle<T>` objects (explicit mode), which the handler
 *     must drop; one still held at the end fails the call with `BorrowsRemainError` and is revoked anyway.
 *     Any use of a revoked borrow throws `BorrowExpiredError`; `isBorrow`/`unwrapBorrow` recognise views and
 *     handles when the host passes them back to the guest.
 * (b) The host lends one of its own resource objects to the guest for the length of an export call.
 *     `lend`/`release` keep counts in a WeakMap, `callWithLoans` holds them from before the call is queued in
 *     the gate until it settles (`lendForCall` until the guest returns), and `assertNotLent`/`guardDispose`/
 *     `disposeUnlessLent` refuse to dispose a lent object with `ResourceLentError`. `markDisposed`/
 *     `assertNotDisposed` give resource wrappers `ResourceDisposedError`.
 *
 * Consumes host objects and produces proxies, handles and counts; knows nothing of the guest's handle tables.
 */

import { isThenable, type CallGate, type CallOptions } from "./call-gate.js";
import {
  BorrowExpiredError,
  BorrowsRemainError,
  NotLentError,
  ResourceDisposedError,
  ResourceLentError,
  reportUncaught,
} from "./errors.js";

/**
 * A borrowed resource: usable exactly like `T` during the call, after which every property access, method
 * call (also of a method read earlier) or reflection throws `BorrowExpiredError`. Do not keep it.
 *
 * A borrower cannot dispose what it does not own, so a view has no `[Symbol.dispose]` (it reads as
 * `undefined`). The type says `unknown` rather than leaving the member out: then an owned `T` still fits
 * where a borrow is expected, but a `Borrowed<T>` passed (or returned) where an own `T` is required is a
 * compile error, for host resources (whose dispose is optional) as for guest ones.
 */
export type Borrowed<T extends object> = Omit<T, typeof Symbol.dispose> & {
  readonly [Symbol.dispose]?: unknown;
};

/**
 * One borrowed argument under `--autodrop-borrows`: `value` is the argument with a view for each borrow in
 * it; `[Symbol.dispose]` (the generated adapter's `using`) revokes them.
 */
export interface ScopedBorrow<T> extends Disposable {
  readonly value: T;
}

/** A borrow in explicit mode: the handler must `drop()` it (or let `using` do so) before the call ends. */
export interface BorrowHandle<T extends object> extends Disposable {
  readonly resourceType: string;
  /** The parameter it was passed as, for `BorrowsRemainError`. */
  readonly parameter: string;
  /** True once dropped by the handler. */
  readonly dropped: boolean;
  /** True while the resource may be used: not dropped and the call not ended. */
  readonly active: boolean;
  /** The resource, as a view that expires with this handle. */
  get(): Borrowed<T>;
  /** Ends the borrow; idempotent. */
  drop(): void;
}

/** The borrows of one host import call. */
export interface BorrowScope {
  readonly functionName: string;
  /** True once the call ended and every borrow was revoked. */
  readonly closed: boolean;
  /** An implicit-mode borrow. */
  view<T extends object>(resource: T, resourceType: string): Borrowed<T>;
  /** An explicit-mode borrow. */
  handle<T extends object>(resource: T, resourceType: string, parameter: string): BorrowHandle<T>;
  /**
   * Runs the handler and closes the scope when it returns, throws, or (for a promise) settles. A handler's
   * own failure wins over `BorrowsRemainError`.
   */
  run<R>(handler: () => R): R;
  /** Revokes every borrow; throws `BorrowsRemainError` when explicit handles were not dropped. Idempotent. */
  close(): void;
}

/** Opens the borrow scope of one call of the host import `functionName`. */
export function createBorrowScope(functionName: string): BorrowScope {
  return new Scope(functionName);
}

/** What a view consults on every use. */
interface Lease {
  readonly active: boolean;
  /** Throws the right `BorrowExpiredError` for a view of `resourceType`. */
  expired(resourceType: string): never;
  /** Runs `hook` when the borrow ends (at once when it has). */
  whenEnded(hook: () => void): void;
}

/** Runs hooks once, in order; one that throws has no caller to go to, so it is an uncaught error. */
function runEndHooks(hooks: (() => void)[] | undefined): void {
  if (hooks === undefined) return;
  for (const hook of hooks) {
    try {
      hook();
    } catch (error) {
      reportUncaught(error);
    }
  }
}

class Scope implements BorrowScope, Lease {
  readonly functionName: string;
  closed = false;
  private handles: ExplicitBorrow<object>[] | undefined = undefined;
  private endHooks: (() => void)[] | undefined = undefined;

  constructor(functionName: string) {
    this.functionName = functionName;
  }

  get active(): boolean {
    return !this.closed;
  }

  expired(resourceType: string): never {
    throw new BorrowExpiredError(resourceType, this.functionName);
  }

  whenEnded(hook: () => void): void {
    if (this.closed) runEndHooks([hook]);
    else (this.endHooks ??= []).push(hook);
  }

  view<T extends object>(resource: T, resourceType: string): Borrowed<T> {
    if (this.closed) throw new BorrowExpiredError(resourceType, this.functionName);
    return createView(resource, this, resourceType);
  }

  handle<T extends object>(resource: T, resourceType: string, parameter: string): BorrowHandle<T> {
    if (this.closed) throw new BorrowExpiredError(resourceType, this.functionName);
    const handle = new ExplicitBorrow(resource, resourceType, parameter, this);
    (this.handles ??= []).push(handle);
    return handle;
  }

  run<R>(handler: () => R): R {
    let result: R;
    try {
      result = handler();
    } catch (error) {
      this.revoke();
      throw error;
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        (value) => {
          this.close();
          return value;
        },
        (error: unknown) => {
          this.revoke();
          throw error;
        },
      ) as R;
    }
    this.close();
    return result;
  }

  close(): void {
    if (this.closed) return;
    const remaining: string[] = [];
    if (this.handles !== undefined) {
      for (const handle of this.handles) {
        if (!handle.dropped && !remaining.includes(handle.parameter))
          remaining.push(handle.parameter);
      }
    }
    this.revoke();
    if (remaining.length > 0) throw new BorrowsRemainError(this.functionName, remaining);
  }

  private revoke(): void {
    if (this.closed) return;
    this.closed = true;
    const handles = this.handles;
    this.handles = undefined;
    if (handles !== undefined) for (const handle of handles) handle.ended();
    const hooks = this.endHooks;
    this.endHooks = undefined;
    runEndHooks(hooks);
  }
}

class ExplicitBorrow<T extends object> implements BorrowHandle<T>, Lease {
  readonly resourceType: string;
  readonly parameter: string;
  dropped = false;
  private readonly resource: T;
  private readonly scope: Scope;
  private cachedView: Borrowed<T> | undefined = undefined;
  private endHooks: (() => void)[] | undefined = undefined;

  constructor(resource: T, resourceType: string, parameter: string, scope: Scope) {
    this.resource = resource;
    this.resourceType = resourceType;
    this.parameter = parameter;
    this.scope = scope;
    borrows.set(this, { resource, lease: this, resourceType });
  }

  get active(): boolean {
    return !this.dropped && !this.scope.closed;
  }

  expired(): never {
    throw new BorrowExpiredError(
      this.resourceType,
      this.scope.functionName,
      this.dropped ? "dropped" : "call-ended",
    );
  }

  get(): Borrowed<T> {
    if (!this.active) this.expired();
    return (this.cachedView ??= createView(this.resource, this, this.resourceType));
  }

  drop(): void {
    this.dropped = true;
    this.ended();
  }

  whenEnded(hook: () => void): void {
    if (!this.active) runEndHooks([hook]);
    else (this.endHooks ??= []).push(hook);
  }

  /** The borrow ended: dropped, or its call ended. */
  ended(): void {
    const hooks = this.endHooks;
    this.endHooks = undefined;
    runEndHooks(hooks);
  }

  [Symbol.dispose](): void {
    this.drop();
  }
}

/**
 * A proxy that forwards to `target` while `lease` is active. Methods are wrapped (once per property) so that
 * they run with the real object as `this` (private fields work) and so that a method read during the call
 * and called later fails too; a method or getter that returns the real object (`return this`) returns the view
 * instead, so that the object does not escape the borrow through its own receiver.
 *
 * The proxy's target is an empty stand-in, not the object: the Proxy invariants are checked against the
 * target, and a view must be able to differ from the object (no `[Symbol.dispose]`, wrapped methods) even when
 * the object is frozen or has read-only, non-configurable members. In exchange a view reports every member as
 * configurable and itself as extensible, and refuses to make a member non-configurable or the object
 * non-extensible. A resource that is a function gets a callable stand-in, so that calling (or constructing
 * through) the view is checked like any other use.
 */
function createView<T extends object>(target: T, lease: Lease, resourceType: string): Borrowed<T> {
  const methods = new Map<PropertyKey, { readonly original: unknown; readonly wrapper: unknown }>();
  const check = (): void => {
    if (!lease.active) lease.expired(resourceType);
  };
  /** The real object never leaves through a result: it becomes the view. */
  const shield = (value: unknown): unknown => (value === target ? proxy : value);
  const receiver = (self: unknown): unknown => (self === proxy ? target : self);
  const handler: ProxyHandler<T> = {
    get(_stand, property) {
      check();
      if (property === Symbol.dispose) return undefined;
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function") return shield(value);
      if (value === target) return proxy;
      const cached = methods.get(property);
      if (cached !== undefined && cached.original === value) return cached.wrapper;
      const method = value as (...args: unknown[]) => unknown;
      const wrapper = function (this: unknown, ...args: unknown[]): unknown {
        check();
        return shield(Reflect.apply(method, receiver(this), args));
      };
      methods.set(property, { original: value, wrapper });
      return wrapper;
    },
    set(_stand, property, value) {
      check();
      return Reflect.set(target, property, value, target);
    },
    has(_stand, property) {
      check();
      return property !== Symbol.dispose && Reflect.has(target, property);
    },
    deleteProperty(_stand, property) {
      check();
      return Reflect.deleteProperty(target, property);
    },
    ownKeys() {
      check();
      return Reflect.ownKeys(target).filter((key) => key !== Symbol.dispose);
    },
    getOwnPropertyDescriptor(_stand, property) {
      check();
      if (property === Symbol.dispose) return undefined;
      const descriptor = Reflect.getOwnPropertyDescriptor(target, property);
      return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
    },
    defineProperty(_stand, property, descriptor) {
      check();
      if (descriptor.configurable === false) return false;
      return Reflect.defineProperty(target, property, descriptor);
    },
    getPrototypeOf() {
      check();
      return Reflect.getPrototypeOf(target);
    },
    setPrototypeOf(_stand, prototype) {
      check();
      return Reflect.setPrototypeOf(target, prototype);
    },
    isExtensible(stand) {
      check();
      return Reflect.isExtensible(stand);
    },
    preventExtensions() {
      check();
      return false;
    },
    apply(_stand, self, args) {
      check();
      return shield(Reflect.apply(target as (...args: unknown[]) => unknown, receiver(self), args));
    },
    construct(_stand, args, newTarget) {
      check();
      const constructor = target as unknown as new (...args: unknown[]) => object;
      return Reflect.construct(
        constructor,
        args,
        newTarget === (proxy as unknown) ? constructor : newTarget,
      );
    },
  };
  // A bound function has no `prototype` (no non-configurable member to keep consistent) and is constructible.
  const stand = typeof target === "function" ? function () {}.bind(undefined) : {};
  // The handler's closures read `proxy` only once it exists: at a use of the view.
  const proxy = new Proxy(stand as T, handler);
  borrows.set(proxy, { resource: target, lease, resourceType });
  return proxy as unknown as Borrowed<T>;
}

/** Every view and explicit handle handed out, with what it stands for (for `unwrapBorrow`). */
const borrows = new WeakMap<
  object,
  { readonly resource: object; readonly lease: Lease; readonly resourceType: string }
>();

/** True for a `Borrowed<T>` view or a `BorrowHandle<T>` the runtime handed out, active or not. */
export function isBorrow(value: object): boolean {
  return borrows.has(value);
}

/**
 * The resource behind a view or an explicit handle, for lending it on to the guest (a host import's borrow
 * passed to an export); throws `BorrowExpiredError` once the borrow has ended. Anything else comes back as is.
 */
export function unwrapBorrow(value: object): object {
  const borrow = borrows.get(value);
  if (borrow === undefined) return value;
  if (!borrow.lease.active) borrow.lease.expired(borrow.resourceType);
  return borrow.resource;
}

/**
 * Runs `hook` when the borrow behind a view or an explicit handle ends (at once when it has ended), for a call
 * that lends it on and must not outlive it. Does nothing for anything else.
 */
export function whenBorrowEnds(value: object, hook: () => void): void {
  borrows.get(value)?.lease.whenEnded(hook);
}

// (b) Host objects lent to the guest. Module-level: every generated SDK has its own copy, and its own objects.
const lendCounts = new WeakMap<object, number>();
const disposedResources = new WeakSet<object>();

/** Counts a borrow of a host resource by the guest. Throws `ResourceDisposedError` when it was disposed. */
export function lend(resource: object, resourceType: string): void {
  if (disposedResources.has(resource)) throw new ResourceDisposedError(resourceType);
  lendCounts.set(resource, (lendCounts.get(resource) ?? 0) + 1);
}

/** Ends one borrow; throws `NotLentError` when there is none. */
export function release(resource: object, resourceType: string): void {
  const count = lendCounts.get(resource) ?? 0;
  if (count === 0) throw new NotLentError(resourceType);
  if (count === 1) lendCounts.delete(resource);
  else lendCounts.set(resource, count - 1);
}

/** Borrows outstanding on a host resource. */
export function lendCount(resource: object): number {
  return lendCounts.get(resource) ?? 0;
}

/** Throws `ResourceLentError` while the guest borrows `resource`. */
export function assertNotLent(resource: object, resourceType: string): void {
  const count = lendCounts.get(resource) ?? 0;
  if (count > 0) throw new ResourceLentError(resourceType, count);
}

/** Records that `resource` was disposed (for `assertNotDisposed` and `lend`). */
export function markDisposed(resource: object): void {
  disposedResources.add(resource);
}

export function isDisposed(resource: object): boolean {
  return disposedResources.has(resource);
}

/** Throws `ResourceDisposedError` once `resource` was disposed. */
export function assertNotDisposed(resource: object, resourceType: string): void {
  if (disposedResources.has(resource)) throw new ResourceDisposedError(resourceType);
}

/**
 * Wraps a resource class's dispose method: throws `ResourceLentError` at once while the object is lent
 * (`disposeUnlessLent`, which also says when the disposal waits for the calls instead), runs `dispose` once
 * (later calls do nothing, as `Symbol.dispose` conventions want), and marks it disposed before running it,
 * so that a failing `dispose` is not retried.
 */
export function guardDispose<T extends object>(
  resourceType: string,
  dispose: (this: T) => void,
): (this: T) => void {
  return function (this: T): void {
    if (disposedResources.has(this)) return;
    disposeUnlessLent(this, resourceType, () => {
      disposedResources.add(this);
      dispose.call(this);
    });
    disposedResources.add(this);
  };
}

/** A host resource lent to the guest for one call, with its type name for errors. */
export type Loan = readonly [resource: object, resourceType: string];

/**
 * Calls through the gate with `loans` lent from now (covering the time the call waits in the gate's queue)
 * until the call settles. Fails without calling when a loan was already disposed.
 */
export function callWithLoans<R>(
  gate: CallGate,
  functionName: string,
  loans: readonly Loan[],
  invoke: () => R | PromiseLike<R>,
  options?: CallOptions,
): Promise<R> {
  let lent = 0;
  try {
    for (const [resource, resourceType] of loans) {
      lend(resource, resourceType);
      lent++;
    }
  } catch (error) {
    for (let index = 0; index < lent; index++) {
      const loan = loans[index];
      if (loan !== undefined) release(loan[0], loan[1]);
    }
    return Promise.reject(error);
  }
  const releaseAll = (): void => {
    for (const [resource, resourceType] of loans) release(resource, resourceType);
  };
  return gate.call(functionName, invoke, options).then(
    (value) => {
      releaseAll();
      return value;
    },
    (error: unknown) => {
      releaseAll();
      throw error;
    },
  );
}

/**
 * The loans of one export call, for `lendForCall`: taken when the SDK function is called, ended when the
 * guest returns (or the call is refused without running).
 */
export interface CallLoans {
  /** The guest starts running the call: from now on it holds the borrows. */
  start(): void;
  /**
   * Ends every loan of the call, once, then runs the disposals that waited for them. Never throws: a disposal
   * that throws does not stop the others, and its error is reported as an uncaught error (see
   * `disposeUnlessLent`), since the call it waited for has nothing to do with it.
   */
  end(): void;
}

/**
 * One call's claim on a resource: the job that made the call, whether the guest is running it, and whether it
 * runs on another thread (an isolated instance's worker), where none of the host's code runs inside it.
 */
interface CallClaim {
  readonly job: object;
  started: boolean;
  offThread: boolean;
}

const claims = new WeakMap<object, CallClaim[]>();
const deferredDisposals = new WeakMap<object, () => void>();
let job: object | undefined;
/** The claim whose call started last in the job running now (see `startsOffThread`). */
let starting: CallClaim | undefined;

/**
 * Says that the call starting now runs on another thread (an isolated instance posts it to its worker and
 * returns): the host's code that runs later in this job, such as the end of the caller's `using` scope, is
 * then after the call's start, not inside it, as it is after a synchronous in-thread call that has returned.
 * Import handlers of such a call run in later jobs, so a disposal from one is still refused.
 */
export function startsOffThread(): void {
  if (starting !== undefined) starting.offThread = true;
  starting = undefined;
}

/**
 * A token for the synchronous run of code that is executing now: the same object until the microtasks queued
 * so far have run. (Not exact, as JavaScript cannot observe the end of a job, but never too short.)
 */
function currentJob(): object {
  if (job === undefined) {
    const token = {};
    job = token;
    void Promise.resolve().then(() => {
      if (job === token) job = undefined;
    });
  }
  return job;
}

/**
 * Lends `loans` to the guest for one export call: from now (so also while the call waits in the gate's queue)
 * until `end`. Throws `ResourceDisposedError`, lending nothing, when one was disposed.
 */
export function lendForCall(loans: readonly Loan[]): CallLoans {
  let lent = 0;
  try {
    for (const [resource, resourceType] of loans) {
      lend(resource, resourceType);
      lent++;
    }
  } catch (error) {
    for (let index = 0; index < lent; index++) {
      const loan = loans[index];
      if (loan !== undefined) release(loan[0], loan[1]);
    }
    throw error;
  }
  const claim: CallClaim = { job: currentJob(), started: false, offThread: false };
  for (const [resource] of loans) {
    const list = claims.get(resource);
    if (list === undefined) claims.set(resource, [claim]);
    else list.push(claim);
  }
  let ended = false;
  return {
    start() {
      claim.started = true;
      starting = claim;
    },
    end() {
      if (ended) return;
      ended = true;
      if (starting === claim) starting = undefined;
      // Every loan ends before any disposal runs: a disposal is the host's code, and whatever it does (throw,
      // dispose another loan of this call) must not leave a loan of this call behind.
      let disposals: (() => void)[] | undefined;
      for (const [resource, resourceType] of loans) {
        try {
          release(resource, resourceType);
        } catch (error) {
          // `NotLentError`: the host released a loan of the call itself (`release` is public).
          reportUncaught(error);
        }
        const list = claims.get(resource);
        const index = list === undefined ? -1 : list.indexOf(claim);
        if (index >= 0) list!.splice(index, 1);
        if (lendCount(resource) > 0) continue;
        claims.delete(resource);
        const dispose = deferredDisposals.get(resource);
        if (dispose !== undefined) {
          deferredDisposals.delete(resource);
          (disposals ??= []).push(dispose);
        }
      }
      if (disposals === undefined) return;
      for (const dispose of disposals) {
        try {
          dispose();
        } catch (error) {
          reportUncaught(error);
        }
      }
    },
  };
}

/**
 * Disposes a resource the host owns, unless it is lent: then throws `ResourceLentError` at once ("cannot
 * remove owned resource while borrowed", the component model's trap, but before anything has failed).
 *
 * One case is not an error: `using r = ...; return sdk.f(r);` without `await` ends the scope, and so
 * disposes `r`, right after the call was made, while it may still wait in the gate's queue. When every loan
 * of `r` belongs to calls that have not started and were made in the job that is running now, the disposal
 * is the end of the caller's scope, not a use of a lent resource: it runs (and `dispose` is called) once the
 * last of those calls has returned. A call that started on another thread (`startsOffThread`) counts as not
 * started: none of the host's code runs inside it in this job. Marking the resource disposed is the caller's
 * business in both cases.
 *
 * A deferred `dispose` that throws cannot throw to its caller, who has left the scope: its error does not
 * touch the call it waited for (which returns or fails as the guest decided) and is reported as an uncaught
 * error instead (thrown from a `queueMicrotask` callback: Node's `uncaughtException`, a browser's `error`
 * event), the way an exception from any host callback that the runtime runs later is reported.
 */
export function disposeUnlessLent(
  resource: object,
  resourceType: string,
  dispose: () => void,
): void {
  const count = lendCount(resource);
  if (count === 0) {
    dispose();
    return;
  }
  const list = claims.get(resource);
  const now = job;
  const deferrable =
    list !== undefined &&
    list.length === count &&
    list.every((claim) => (!claim.started || claim.offThread) && claim.job === now);
  if (!deferrable) throw new ResourceLentError(resourceType, count);
  deferredDisposals.set(resource, dispose);
}
