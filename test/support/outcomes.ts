/**
 * Small helpers the tests share for looking at outcomes: what a function throws, what a promise rejects with,
 * a promise settled from outside, and a turn of the event loop. Each fails the test when the outcome it
 * expects does not happen, so a test built on them cannot pass by accident.
 */

/** What `action` throws (typed as `Error` for `.message`; assert the class where it matters). */
export function thrown(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an exception");
}

/** What `promise` rejects with. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}

/** A promise with its settling functions, for guest calls and handlers that finish when a test says. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
}

/** Lets every pending microtask (and the ones they queue) run. */
export function macrotask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
