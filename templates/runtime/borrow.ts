/**
 * Runtime, borrows a host import receives: the lifetime rules of `borrow<T>` (Explainer.md, "borrow handles
 * must be dropped before the end of the call that lent them") on the host side, when the guest lends a
 * resource to the host. (The other direction, the host lending its objects to the guest, is `loans.ts`.)
 *
 * `import-adapters.ts` opens a `BorrowScope` for each call and gives the handler either `Borrowed<T>` views
 * (`--autodrop-borrows`: one scope per argument, a `ScopedBorrow` that the generated adapter holds with
 * `using`), which work during the call and are revoked when the handler returns or its promise settles, or
 * `BorrowHandle<T>` objects (explicit mode), which the handler must drop; one still held at the end fails the
 * call with `BorrowsRemainError` and is revoked anyway. Any use of a revoked borrow throws
 * `BorrowExpiredError`; `isBorrow`/`unwrapBorrow` recognise views and handles when the host passes them back
 * to the guest.
 *
 * Consumes host objects and produces proxies and handles; knows nothing of the guest's handle tables.
 */

import { isThenable } from "./call-gate.js";
import { BorrowExpiredError, BorrowsRemainError, reportUncaught } from "./errors.js";

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
