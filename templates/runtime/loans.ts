/**
 * Runtime, loans: the host lends one of its own resource objects to the guest for the length of an export
 * call (`borrow<T>` in an export's parameters). `lend`/`release` keep counts in a WeakMap, `callWithLoans`
 * holds them from before the call is queued in the gate until it settles (`lendForCall` until the guest
 * returns), and `assertNotLent`/`guardDispose`/`disposeUnlessLent` refuse to dispose a lent object with
 * `ResourceLentError` (or, for the end of the caller's own `using` scope, wait for the calls). `markDisposed`/
 * `assertNotDisposed` give resource wrappers `ResourceDisposedError`.
 *
 * Consumes host objects and export calls; produces counts, and disposals that run when the loans allow.
 */

import type { CallGate, CallOptions } from "./call-gate.js";
import {
  NotLentError,
  ResourceDisposedError,
  ResourceLentError,
  reportUncaught,
} from "./errors.js";

// Module-level: every generated SDK has its own copy, and its own objects.
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

/** Lends every one of `loans`, or none: when one cannot be lent, those lent before it are released. */
function lendAll(loans: readonly Loan[]): void {
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
  try {
    lendAll(loans);
  } catch (error) {
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
  lendAll(loans);
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
