/**
 * Runtime, component-model async tasks: runs the calls of `async func` exports and follows every task of
 * the instance until it ends. Consumes the instance's call gate (for its refusals and its poison) and the
 * task events of jco's output (`JcoTaskHooks`, which the SDK finds in the import object it passes to jco:
 * the components `wit-ts gen x.wasm` transpiles report them); produces, per call, the promise the app awaits
 * and a promise of the task's end, and per instance `idle()`.
 *
 * - An async call does not queue behind other calls: the component model lets an instance run many tasks,
 *   and the guest's backpressure (jco's per-instance lock and `backpressure.inc`) decides when each starts.
 *   It is still refused where the component model forbids entering (the gate's `refusal`: from the guest's
 *   stack or a synchronous import), and on a disposed or poisoned instance.
 * - The call's promise settles when the guest returns its value (`task.return`); its task may go on
 *   (post-return work, calls of imports). `untilTaskEnds` (per call, or for every call of the instance)
 *   makes the promise wait for the end of the task as well.
 * - `idle()` resolves when no call is in flight and every task the instance started has ended. While the
 *   instance is poisoned it rejects with the trap that poisoned it, at once: the dead instance's tasks may
 *   never end. A trap in a task's work after its call settled poisons the instance too, and `idle()` reports
 *   it even when a restart has healed the instance since. Disposal waits for idle (and ignores the trap).
 * - Cancellation: an aborted `signal` rejects the call with the signal's reason (an `AbortError`) and asks
 *   jco to cancel the task the component-model way (delivered at its next cancellable wait); the task stays
 *   followed until it ends.
 *
 * Without task events (a component transpiled by the app itself), a task is followed until its call settles.
 */

import type { CallGate, ResultErrorClassifier } from "./call-gate.js";
import { TrapError } from "./errors.js";

/** The part of an `AbortSignal` the SDK uses (an `AbortSignal` fits; no DOM types needed). */
export interface CallSignal {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(
    type: "abort",
    listener: () => void,
    options?: { readonly once?: boolean },
  ): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/** Options of one async export call, passed after the WIT parameters. */
export interface AsyncCallOptions {
  /** Aborting it rejects the call with the signal's reason and requests the cancellation of its task. */
  readonly signal?: CallSignal | undefined;
  /** Settle only when the call's task has ended, its work after returning the value included. */
  readonly untilTaskEnds?: boolean | undefined;
}

/** Where jco's output looks for {@link JcoTaskHooks}: a symbol key of the import object. */
export const jcoTaskHooksKey: symbol = Symbol.for("wit-ts.jco-task-hooks.v1");

/** The part of jco's `AsyncTask` the SDK uses. */
export interface JcoTask {
  requestCancellation?(): void;
  isResolvedState?(): boolean;
}

/** What jco's output (as `wit-ts gen x.wasm` transpiles it) reports about the tasks of one instance. */
export interface JcoTaskHooks {
  /** A task was created (`componentIdx` -1: a host task, for a call of an import). */
  started(task: JcoTask, componentIdx: number | undefined): void;
  exited(task: JcoTask): void;
  /** A task's driver failed (a trap), possibly after its call already returned. */
  failed(error: unknown, task: JcoTask | undefined): void;
}

/** One async call. */
export interface AsyncCall {
  /** What the app awaits. */
  readonly promise: Promise<unknown>;
  /** Settles (never rejects) when the call has settled and its task has ended. */
  readonly ended: Promise<void>;
}

/** The tasks of one instance. */
export interface TaskTracker {
  /** Calls in flight plus tasks not yet ended. */
  readonly running: number;
  /** Whether jco reports tasks (otherwise a task is followed until its call settles). */
  readonly observesTasks: boolean;
  /** Handed to jco in the import object under {@link jcoTaskHooksKey}. */
  readonly hooks: JcoTaskHooks;
  /** Resolves when nothing runs; rejects with the trap that poisoned the instance (see the file comment). */
  idle(): Promise<void>;
  /** {@link idle}, but never rejects: what disposal waits for. */
  settled(): Promise<void>;
  /**
   * The component was (re)instantiated: tasks seen so far are forgotten (instantiation runs in a task of
   * its own that jco never ends; a restart leaves the dead instance's tasks behind).
   */
  instantiated(): void;
  /** Runs the call now (`invoke` is the raw guest call), unless the gate refuses it. */
  call(
    functionName: string,
    invoke: () => unknown,
    classify: ResultErrorClassifier | undefined,
    options: AsyncCallOptions | undefined,
  ): AsyncCall;
}

/** Options of {@link createTaskTracker}. */
export interface TaskTrackerOptions {
  /** Every call's promise waits for its task's end (see {@link AsyncCallOptions.untilTaskEnds}). */
  readonly untilTaskEnds?: boolean | undefined;
}

/** Creates the task tracker of one instance. */
export function createTaskTracker(gate: CallGate, options: TaskTrackerOptions = {}): TaskTracker {
  return new Tracker(gate, options.untilTaskEnds === true);
}

interface CallEntry {
  readonly functionName: string;
  task: JcoTask | undefined;
  settled: boolean;
  taskEnded: boolean;
  readonly end: () => void;
}

function deferred<T>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
}

/** The signal's reason, or (for a signal without one) an `AbortError` as `fetch` would reject with. */
function abortReason(signal: CallSignal): unknown {
  if (signal.reason !== undefined) return signal.reason;
  const host = globalThis as unknown as {
    readonly DOMException?: new (message: string, name: string) => Error;
  };
  if (typeof host.DOMException === "function")
    return new host.DOMException("The call was aborted", "AbortError");
  const error = new Error("The call was aborted");
  error.name = "AbortError";
  return error;
}

/** `queueMicrotask`, which every supported host has (typed here without the DOM's or Node's globals). */
function microtask(callback: () => void): void {
  const host = globalThis as unknown as {
    readonly queueMicrotask?: (callback: () => void) => void;
  };
  if (typeof host.queueMicrotask === "function") host.queueMicrotask(callback);
  else void Promise.resolve().then(callback);
}

class Tracker implements TaskTracker {
  observesTasks = false;
  /** Calls in flight. */
  private calls = 0;
  /** Tasks started and not yet ended, with the call each belongs to (if it is a call's own task). */
  private readonly tasks = new Map<JcoTask, CallEntry | undefined>();
  /** The call whose `invoke` runs right now: the first guest task created meanwhile is its own. */
  private capturing: CallEntry | undefined = undefined;
  private waiters: { resolve: () => void; reject: (reason: unknown) => void }[] = [];
  /** A trap in work after a call settled, not yet reported to an `idle()` caller. */
  private lateTrap: TrapError | undefined = undefined;
  readonly hooks: JcoTaskHooks;
  private readonly gate: CallGate;
  private readonly untilTaskEnds: boolean;

  constructor(gate: CallGate, untilTaskEnds: boolean) {
    this.gate = gate;
    this.untilTaskEnds = untilTaskEnds;
    gate.addPoisonHook(() => this.check());
    this.hooks = {
      started: (task, componentIdx) => {
        this.observesTasks = true;
        if (componentIdx === -1) return;
        const entry = this.capturing;
        if (entry !== undefined && entry.task === undefined) entry.task = task;
        this.tasks.set(task, entry);
      },
      exited: (task) => {
        if (!this.tasks.has(task)) return;
        const entry = this.tasks.get(task);
        this.tasks.delete(task);
        if (entry !== undefined) {
          entry.taskEnded = true;
          if (entry.settled) entry.end();
        }
        this.check();
      },
      failed: (error, task) => {
        const entry = task === undefined ? undefined : this.tasks.get(task);
        // A failure before the call settled reaches the app through the call's own promise.
        if (entry !== undefined && !entry.settled) return;
        const trap = this.gate.poison(entry?.functionName ?? "(an async task)", error);
        this.lateTrap ??= trap;
        if (task !== undefined) this.hooks.exited(task);
        this.check();
      },
    };
  }

  get running(): number {
    return this.calls + this.tasks.size;
  }

  idle(): Promise<void> {
    const { promise, resolve, reject } = deferred<void>();
    this.waiters.push({ resolve, reject });
    this.check();
    return promise;
  }

  instantiated(): void {
    this.tasks.clear();
    this.check();
  }

  settled(): Promise<void> {
    return this.idle().then(undefined, () => undefined);
  }

  call(
    functionName: string,
    invoke: () => unknown,
    classify: ResultErrorClassifier | undefined,
    options: AsyncCallOptions | undefined,
  ): AsyncCall {
    const signal = options?.signal;
    if (signal?.aborted === true) return refused(abortReason(signal));
    const refusal = this.gate.refusal(functionName);
    if (refusal !== undefined) return refused(refusal);
    if (this.gate.poisoned) {
      // Poisoned with a restart hook: the gate restarts the instance before running the call.
      const promise = this.gate.call(
        functionName,
        invoke,
        classify === undefined ? {} : { isResultError: classify },
      );
      return { promise, ended: promise.then(ignore, ignore) };
    }
    const ended = deferred<void>();
    const entry: CallEntry = {
      functionName,
      task: undefined,
      settled: false,
      taskEnded: false,
      end: () => ended.resolve(),
    };
    this.calls++;
    let raw: unknown;
    const previous = this.capturing;
    this.capturing = entry;
    try {
      raw = invoke();
    } catch (error) {
      raw = Promise.reject(error);
    } finally {
      this.capturing = previous;
    }
    if (entry.task === undefined) entry.taskEnded = true;
    const outcome = Promise.resolve(raw).then(undefined, (error: unknown) => {
      throw this.failure(functionName, error, classify);
    });
    const settle = (): void => {
      entry.settled = true;
      this.calls--;
      if (entry.taskEnded) entry.end();
      this.check();
    };
    outcome.then(settle, settle);
    const waitForTask = options?.untilTaskEnds ?? this.untilTaskEnds;
    let promise: Promise<unknown> = waitForTask
      ? outcome.then(
          (value) => ended.promise.then(() => value),
          (error: unknown) => ended.promise.then(() => Promise.reject(error)),
        )
      : outcome;
    if (signal !== undefined) {
      const aborted = deferred<never>();
      const onAbort = (): void => {
        const task = entry.task;
        try {
          if (task !== undefined && task.isResolvedState?.() !== true) task.requestCancellation?.();
        } catch {
          // jco refuses a cancellation in some task states; the call is rejected all the same.
        }
        aborted.reject(abortReason(signal));
      };
      signal.addEventListener("abort", onAbort, { once: true });
      const done = promise;
      promise = Promise.race([done, aborted.promise]);
      // The loser must not surface as an unhandled rejection.
      done.then(ignore, ignore);
      aborted.promise.then(ignore, ignore);
      void done.finally(() => signal.removeEventListener("abort", onAbort));
    }
    return { promise, ended: ended.promise };
  }

  /** What the app sees of a failed call: a `result` error as is, anything else a trap that poisons. */
  private failure(
    functionName: string,
    error: unknown,
    classify: ResultErrorClassifier | undefined,
  ): unknown {
    let isResultError = false;
    try {
      isResultError = classify?.(error) === true;
    } catch {
      // A classifier that fails cannot vouch for the error.
    }
    return isResultError ? error : this.gate.poison(functionName, error);
  }

  /**
   * Settles the `idle()` waiters when nothing runs, or with the trap at once when the instance is poisoned (its
   * tasks may never end: the instance is dead). One microtask later, so that settlements chain first.
   */
  private check(): void {
    if (this.waiters.length === 0) return;
    microtask(() => {
      if (this.waiters.length === 0) return;
      const poison = this.gate.firstTrap;
      if (poison === undefined && this.running > 0) return;
      const waiters = this.waiters;
      this.waiters = [];
      const trap = poison ?? this.lateTrap;
      this.lateTrap = undefined;
      for (const waiter of waiters) {
        if (trap === undefined) waiter.resolve();
        else waiter.reject(trap);
      }
    });
  }
}

function ignore(): void {}

function refused(error: unknown): AsyncCall {
  return { promise: Promise.reject(error), ended: Promise.resolve() };
}
