/**
 * Runtime, call gate: serialises the export calls of one component instance. Generated export wrappers pass
 * each call through `gate.call(name, invoke)`, and generated import adapters run each host import handler
 * through `gate.runImport(name, handler)`. The gate produces a promise per call and enforces what the
 * component model and jco's instantiation output need from the host:
 *
 * - FIFO: one call at a time; a call starts only when the previous one has settled, and a queued call is started
 *   in the same microtask chain as its predecessor settles (no timers).
 * - No reentrance where the component model forbids it (Explainer.md, "Component invariants": an instance may
 *   be entered again only while it blocks): a call from the guest's stack or from a synchronous import of the
 *   instance is refused with `ReentranceError` instead of being queued, because the outer call waits for that
 *   import and queueing would deadlock. An `async func` import is a blocking point: calls from its handler
 *   are let in (`runImport(..., blocking)`), and component-model async calls do not queue here at all
 *   (`tasks.ts` runs them, asking `refusal` first).
 * - Traps poison: an exception that the generated classifier does not call a `result` error becomes a
 *   `TrapError`; later calls get `InstancePoisonedError` until an optional restart hook succeeds.
 * - Disposal waits for in-flight and queued calls, then runs release hooks in reverse order of registration.
 *
 * What reentrance can be detected:
 * - Always (every JavaScript host): a call made synchronously while the gate is running a call, that is from the
 *   guest's own stack, or from the synchronous part of an import handler run through `runImport` (also when
 *   the guest was resumed by JSPI).
 * - Only with `AsyncLocalStorage` (Node, Deno and Bun; looked up at run time through
 *   `process.getBuiltinModule`, Node >= 20.16): a call from an asynchronous continuation (after an `await`,
 *   in a timer, ...) of an import handler, made while that handler's export call is still in flight. The store
 *   is entered only by `runImport`, never by the export fast path, and is shared through a registered symbol
 *   so that cycles through gates of different generated SDKs are seen too.
 * - Without it (browsers), such a call cannot be told from a concurrent call by an unrelated caller, so it is
 *   queued; if the import handler awaits it, the instance deadlocks. Import handlers should not call back into
 *   their own instance.
 */

import {
  InstanceDisposedError,
  InstancePoisonedError,
  ReentranceError,
  TrapError,
  reportUncaught,
} from "./errors.js";
import { CallTimeoutError } from "./isolate-errors.js";

/** Decides whether an exception thrown by a guest call is a `result` error (passed through) or a trap. */
export type ResultErrorClassifier = (error: unknown) => boolean;

/** Per-call options. */
export interface CallOptions {
  /** Overrides the gate's classifier for this call. */
  readonly isResultError?: ResultErrorClassifier;
}

/** Options of {@link createCallGate}. */
export interface CallGateOptions {
  /** Classifier used for every call that does not bring its own; without one, every exception is a trap. */
  readonly isResultError?: ResultErrorClassifier;
  /**
   * Brings a poisoned instance back (typically by instantiating the component again). Run before the next call
   * once the gate is poisoned; clears the poison when it succeeds. It must not call through this gate.
   */
  readonly restart?: () => void | PromiseLike<void>;
  /** Track import handlers' asynchronous continuations with `AsyncLocalStorage` when available (default true). */
  readonly asyncContext?: boolean;
  /**
   * Awaited by disposal after the last queued call and before the release hooks: work the gate does not
   * queue (component-model async tasks, `tasks.ts`) ends first.
   */
  readonly beforeClose?: () => PromiseLike<void>;
}

/** Observable state of a gate. */
export type CallGateState = "idle" | "busy" | "restarting" | "poisoned" | "disposing" | "disposed";

/** One gate per component instance; see the file comment for the semantics. */
export interface CallGate extends AsyncDisposable {
  readonly state: CallGateState;
  /**
   * True when a call would start at once: none running or queued, no restart pending, not poisoned or
   * disposed. An awaited direct call then runs its synchronous fast form, as the gate would run it now.
   */
  readonly idle: boolean;
  /** True after a trap, until a restart succeeds. */
  readonly poisoned: boolean;
  /** The trap that poisoned the gate, while it is poisoned. */
  readonly firstTrap: TrapError | undefined;
  /** True once disposal has begun. */
  readonly disposed: boolean;
  /** The name of the call in flight, if any. */
  readonly runningFunction: string | undefined;
  /** Calls waiting for their turn. */
  readonly queued: number;
  /** Whether asynchronous reentrance is detected (see the file comment). */
  readonly tracksAsyncContext: boolean;
  /**
   * Runs `invoke` (the raw guest call) when it is this call's turn. The promise settles only after `invoke`'s
   * result (a value, or a promise such as JSPI's) has settled: with that value, with the original error when
   * it is a `result` error, or with `TrapError`, `InstancePoisonedError`, `InstanceDisposedError` or
   * `ReentranceError`. Never throws synchronously.
   */
  call<R>(
    functionName: string,
    invoke: () => R | PromiseLike<R>,
    options?: CallOptions,
  ): Promise<R>;
  /**
   * {@link call} with `invoke(a, b)` in place of a closure: the generated SDK's hot path passes a function
   * made once per instance and its two arguments, so that a call allocates no closure.
   */
  callWith<A, B, R>(
    functionName: string,
    invoke: (a: A, b: B) => R | PromiseLike<R>,
    a: A,
    b: B,
    options?: CallOptions,
  ): Promise<R>;
  /**
   * Runs `invoke(a, b)` now, synchronously, as one call of this instance, and returns its value (for calls that
   * return no promise: an SDK's synchronous form). Throws instead of waiting: `ReentranceError` from inside a
   * call, `InstancePoisonedError`, `InstanceDisposedError`, or `busy(functionName)` while other calls run or are
   * queued.
   * A trap poisons the gate and throws `TrapError`, as `call` rejects with it.
   */
  callSync<A, B, R>(
    functionName: string,
    invoke: (a: A, b: B) => R,
    a: A,
    b: B,
    options: CallOptions | undefined,
    busy: (functionName: string) => Error,
  ): R;
  /**
   * `callSync` in three steps, for a caller that runs the guest itself without a closure: `enterSync` starts the
   * call or throws what `callSync` would; then exactly one of `leaveSync` (the call returned) or `failSync`
   * (it threw: returns what to throw, a trap poisoning the gate) ends it.
   */
  enterSync(
    functionName: string,
    options: CallOptions | undefined,
    busy: (functionName: string) => Error,
  ): void;
  /**
   * `enterSync` with the call's classifier of `ResultError`s already chosen (undefined: the gate's own): a
   * direct call's fast form, which the engine inlines only when each step is small.
   */
  enterClassified(
    functionName: string,
    classify: ResultErrorClassifier | undefined,
    busy: (functionName: string) => Error,
  ): void;
  /**
   * `enterSync` for a function known by its number ({@link functionNumber}), recording no classifier, for a
   * caller that ends a failed call with `failClassified` and its own (a direct call's fast form, whose entry is
   * then one compare and two stores of small integers). False, changing nothing, when a synchronous call cannot
   * start now: the caller throws `syncRefusal`'s error.
   */
  enterNumbered(functionNumber: number): boolean;
  /** Why a synchronous call of `functionName` cannot start now (`busy` makes the error for queued calls). */
  syncRefusal(functionName: string, busy: (functionName: string) => Error): Error;
  leaveSync(): void;
  failSync(error: unknown): unknown;
  /** `failSync` with the call's classifier of `ResultError`s given (undefined: every exception is a trap). */
  failClassified(error: unknown, classify: ResultErrorClassifier | undefined): unknown;
  /**
   * Runs a host import handler as part of the current call, so that calls it makes back are recognised.
   * `blocking`: the import is an `async func`, a point where the guest blocks, at which the component model
   * lets the instance be entered again; its handler runs unmarked.
   */
  runImport<R>(importName: string, handler: () => R, blocking?: boolean): R;
  /**
   * Why a call that does not queue (a component-model async call, `tasks.ts`) may not start now: the instance
   * is disposed, poisoned without a restart, or the call comes from the guest's stack or from the synchronous
   * part of a synchronous import of the running call. Undefined when it may start.
   */
  refusal(functionName: string): Error | undefined;
  /** Poisons the gate for a trap seen outside its calls (an async task's work after it returned). */
  poison(functionName: string, error: unknown): TrapError;
  /**
   * Runs `hook` once the call in flight has settled (its caller notified), or at once when no call is in
   * flight: for a call that was refused with `ReentranceError` and can be made then (a resource drop that an
   * import handler asked for). Hooks run in order; one that throws is reported as an uncaught error.
   */
  afterCurrentCall(hook: () => void): void;
  /**
   * Fails the call in flight now, as a trap with `error` as its cause (it poisons), when that call has returned
   * a promise that has not settled: for a host import that failed while the guest waited for it, where the
   * guest's own promise may never settle. The call's promise settling later changes nothing. False when no
   * such call is in flight.
   */
  failRunning(error: unknown): boolean;
  /** Registers a hook that disposal runs after the last call (hooks run in reverse order of registration). */
  addReleaseHook(hook: () => void | PromiseLike<void>): void;
  /**
   * Registers a hook run each time the gate is poisoned (its first trap since it was last healthy): work the
   * gate does not queue (component-model async tasks) learns that the instance is dead. Runs synchronously,
   * before the trapping call's caller is notified; a hook that throws is reported as an uncaught error.
   */
  addPoisonHook(hook: (trap: TrapError) => void): void;
  /** Waits for in-flight and queued calls, runs the release hooks, then refuses calls. Idempotent. */
  dispose(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** The names of the functions numbered by {@link functionNumber}, by number. */
const functionNames: string[] = [];
const functionNumbers = new Map<string, number>();
/** `currentNumber` of a call that entered by name. */
const NAMED = -1;

/**
 * The number of a function's name for {@link CallGate.enterNumbered}, the same for every gate of this copy of
 * the runtime (names are few: the functions of the SDKs loaded).
 */
export function functionNumber(name: string): number {
  let number = functionNumbers.get(name);
  if (number === undefined) {
    number = functionNames.push(name) - 1;
    functionNumbers.set(name, number);
  }
  return number;
}

/** Creates the gate of one component instance. */
export function createCallGate(options: CallGateOptions = {}): CallGate {
  return new Gate(options);
}

/**
 * One entry of the asynchronous context: a host import running for call `seq` of `gate`. The chain (`parent`)
 * records the imports of other gates this one was called from. Its shape is shared with other copies of
 * this file (through the registered storage below), so it only ever grows fields.
 */
interface CallFrame {
  readonly gate: object;
  readonly seq: number;
  readonly importName: string;
  readonly parent: CallFrame | undefined;
}

/** The part of Node's `AsyncLocalStorage` the gate uses. */
interface ContextStorage {
  getStore(): CallFrame | undefined;
  run<R, A extends unknown[]>(
    store: CallFrame | undefined,
    callback: (...args: A) => R,
    ...args: A
  ): R;
}

const contextStorageKey: symbol = Symbol.for("wit-ts.runtime.call-context.v1");

/** Finds (or creates and registers) the `AsyncLocalStorage` shared by every copy of the runtime, if any. */
function sharedContextStorage(): ContextStorage | undefined {
  const registry = globalThis as unknown as { [key: symbol]: ContextStorage | undefined };
  const existing = registry[contextStorageKey];
  if (existing !== undefined) return existing;
  try {
    const host = globalThis as unknown as {
      readonly process?: { readonly getBuiltinModule?: (id: string) => unknown };
    };
    const hooks = host.process?.getBuiltinModule?.("node:async_hooks") as
      { readonly AsyncLocalStorage?: new () => ContextStorage } | undefined;
    if (hooks?.AsyncLocalStorage === undefined) return undefined;
    const storage = new hooks.AsyncLocalStorage();
    Object.defineProperty(registry, contextStorageKey, { value: storage });
    return storage;
  } catch {
    // A host that has `process` but refuses the module (a sandbox, a bundler shim) simply goes without.
    return undefined;
  }
}

/** What `call` passes to `run`: calls its first argument. */
type Invoke = (a: unknown, b: unknown) => unknown;

function callThunk(thunk: unknown): unknown {
  return (thunk as () => unknown)();
}

interface QueuedCall {
  readonly functionName: string;
  readonly invoke: Invoke;
  readonly a: unknown;
  readonly b: unknown;
  readonly classify: ResultErrorClassifier | undefined;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
  /** The caller's asynchronous context, restored when the call runs (only with context tracking). */
  readonly context: CallFrame | undefined;
}

/**
 * The gate's internal state. `IDLE` is the only state in which a call takes the fast path, so every
 * condition that needs the slow path (queue not empty, poison, disposal) keeps the gate out of it.
 * A call in flight is `RUNNING` while its synchronous part runs (anything that calls the gate then is on the
 * guest's stack: reentrance) and `WAITING` once it has returned a promise that has not settled.
 * `CLOSING`: disposal was requested and the queue is empty: release hooks are running. Small integers rather
 * than strings: a synchronous call is one compare and two stores of this word, and the engine stores a small
 * integer without the write barrier a string (a heap object) needs.
 */
const IDLE = 0;
const RUNNING = 1;
const WAITING = 2;
const RESTARTING = 3;
const POISONED = 4;
const CLOSING = 5;
const CLOSED = 6;
type GateState =
  | typeof IDLE
  | typeof RUNNING
  | typeof WAITING
  | typeof RESTARTING
  | typeof POISONED
  | typeof CLOSING
  | typeof CLOSED;

/** Whether a call is in flight. */
function isBusy(state: GateState): boolean {
  return state === RUNNING || state === WAITING;
}

/** Whether `value` is a promise or another thenable (what `await` and `Promise.resolve` would unwrap). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { readonly then?: unknown }).then === "function"
  );
}

/** Runs an `afterCurrentCall` hook; what it throws has no caller to go to, so it is an uncaught error. */
function runHook(hook: () => void): void {
  try {
    hook();
  } catch (error) {
    reportUncaught(error);
  }
}

class Gate implements CallGate {
  private stateCode: GateState = IDLE as GateState;
  /**
   * Set by whatever the end of the call in flight must see to (a call queued, disposal asked for, an
   * `afterCurrentCall` hook, a trap recorded), so that a synchronous call's `leaveSync` checks one field. It
   * may be set when nothing is left to do (it is cleared only when a call ends): the slow end is always right.
   */
  private attention = false;
  /** The innermost import handler running synchronously, if any, and the call it runs for. */
  private activeImport: string | undefined = undefined;
  private activeImportSeq = -1;
  /** Handlers of blocking (`async func`) imports running synchronously: the guest is blocked in them. */
  private blockingImports = 0;
  /**
   * Numbers the awaited calls so that context frames can tell whether their call is still in flight. A call
   * that runs synchronously (the synchronous form, or an awaited direct call's fast form on an idle gate) keeps
   * the number of the call before it: while it runs, anything that calls the gate is on its stack (refused
   * before any frame is read), and the next call that stays in flight gets a number of its own, so its frames
   * cannot be taken for those of a call that is over.
   */
  private seq = 0;
  /**
   * The call in flight's function: its number (`functionNumber`) when it entered by number, else `NAMED` and
   * its name in `namedFunction`. A number is a small integer, which the engine stores without a write barrier.
   */
  private currentNumber = NAMED;
  private namedFunction = "";
  private currentClassify: ResultErrorClassifier | undefined = undefined;
  private currentEntry: QueuedCall | undefined = undefined;
  private trap: TrapError | undefined = undefined;
  private readonly queue: QueuedCall[] = [];
  private queueHead = 0;
  private draining = false;
  private closeRequested = false;
  private disposal: Promise<void> | undefined = undefined;
  private releaseHooks: (() => void | PromiseLike<void>)[] = [];
  private readonly poisonHooks: ((trap: TrapError) => void)[] = [];
  /** `afterCurrentCall` hooks waiting for the call in flight to settle. */
  private afterHooks: (() => void)[] | undefined = undefined;
  private settleDisposal: (error: unknown, failed: boolean) => void = () => {};
  private readonly defaultClassify: ResultErrorClassifier | undefined;
  private readonly restartHook: (() => void | PromiseLike<void>) | undefined;
  private readonly beforeClose: (() => PromiseLike<void>) | undefined;
  private readonly storage: ContextStorage | undefined;

  constructor(options: CallGateOptions) {
    this.defaultClassify = options.isResultError;
    this.restartHook = options.restart;
    this.beforeClose = options.beforeClose;
    this.storage = options.asyncContext === false ? undefined : sharedContextStorage();
  }

  get idle(): boolean {
    return this.stateCode === IDLE;
  }

  get state(): CallGateState {
    const state = this.stateCode;
    if (this.closeRequested && state !== CLOSED) return "disposing";
    switch (state) {
      case IDLE:
        return "idle";
      case RUNNING:
      case WAITING:
        return "busy";
      case RESTARTING:
        return "restarting";
      case POISONED:
        return "poisoned";
      case CLOSING:
        return "disposing";
      case CLOSED:
        return "disposed";
      default: {
        const unreachable: never = state;
        return unreachable;
      }
    }
  }

  get poisoned(): boolean {
    return this.trap !== undefined;
  }

  get firstTrap(): TrapError | undefined {
    return this.trap;
  }

  get disposed(): boolean {
    return this.closeRequested;
  }

  /** The name of the call in flight (or of the last one). */
  private get currentFunction(): string {
    const number = this.currentNumber;
    return number === NAMED ? this.namedFunction : functionNames[number]!;
  }

  get runningFunction(): string | undefined {
    return isBusy(this.stateCode) ? this.currentFunction : undefined;
  }

  get queued(): number {
    return this.queue.length - this.queueHead;
  }

  get tracksAsyncContext(): boolean {
    return this.storage !== undefined;
  }

  call<R>(
    functionName: string,
    invoke: () => R | PromiseLike<R>,
    options?: CallOptions,
  ): Promise<R> {
    if (this.stateCode !== IDLE) {
      return this.callSlow(functionName, callThunk, invoke, undefined, options) as Promise<R>;
    }
    const classify = options?.isResultError ?? this.defaultClassify;
    return this.run(functionName, callThunk, invoke, undefined, classify, undefined) as Promise<R>;
  }

  callWith<A, B, R>(
    functionName: string,
    invoke: (a: A, b: B) => R | PromiseLike<R>,
    a: A,
    b: B,
    options?: CallOptions,
  ): Promise<R> {
    const run = invoke as Invoke;
    if (this.stateCode !== IDLE)
      return this.callSlow(functionName, run, a, b, options) as Promise<R>;
    const classify = options?.isResultError ?? this.defaultClassify;
    return this.run(functionName, run, a, b, classify, undefined) as Promise<R>;
  }

  callSync<A, B, R>(
    functionName: string,
    invoke: (a: A, b: B) => R,
    a: A,
    b: B,
    options: CallOptions | undefined,
    busy: (functionName: string) => Error,
  ): R {
    this.enterSync(functionName, options, busy);
    let result: R;
    try {
      result = invoke(a, b);
    } catch (error) {
      throw this.failSync(error);
    }
    this.leaveSync();
    return result;
  }

  enterSync(
    functionName: string,
    options: CallOptions | undefined,
    busy: (functionName: string) => Error,
  ): void {
    this.enterClassified(functionName, options?.isResultError, busy);
  }

  enterClassified(
    functionName: string,
    classify: ResultErrorClassifier | undefined,
    busy: (functionName: string) => Error,
  ): void {
    if (this.stateCode !== IDLE) throw this.syncRefusal(functionName, busy);
    this.stateCode = RUNNING;
    this.currentNumber = NAMED;
    this.namedFunction = functionName;
    this.currentClassify = classify ?? this.defaultClassify;
  }

  enterNumbered(functionNumber: number): boolean {
    if (this.stateCode !== IDLE) return false;
    this.stateCode = RUNNING;
    // Two small integers, no `seq` step (see the field) and no `currentEntry` to clear: every call that set
    // one cleared it before the gate went idle.
    this.currentNumber = functionNumber;
    return true;
  }

  leaveSync(): void {
    // `afterCall` for a synchronous call (which has no queue entry), its rare parts behind one flag: the engine
    // inlines this into a direct call's fast form within its inlining budget.
    if (this.attention) this.afterSyncCall();
    else this.stateCode = IDLE;
  }

  /** What the synchronous call that just returned asked for while it ran: queued calls, disposal, hooks. */
  private afterSyncCall(): void {
    this.currentClassify = undefined;
    this.attention = false;
    this.stateCode = this.idleState();
    if (this.queueHead !== this.queue.length || this.closeRequested) this.drain();
    if (this.afterHooks !== undefined) this.runAfterHooks();
  }

  failSync(error: unknown): unknown {
    return this.failClassified(error, this.currentClassify);
  }

  failClassified(error: unknown, classify: ResultErrorClassifier | undefined): unknown {
    // Out of `RUNNING` first: what the classifier or a poison hook calls is not on the guest's stack.
    this.stateCode = WAITING;
    const outcome = this.failure(error, classify);
    this.afterCall();
    return outcome;
  }

  syncRefusal(functionName: string, busy: (functionName: string) => Error): Error {
    if (this.closeRequested) return new InstanceDisposedError(functionName);
    if (isBusy(this.stateCode)) {
      if (
        this.stateCode === RUNNING ||
        (this.activeImport !== undefined && this.activeImportSeq === this.seq)
      ) {
        return new ReentranceError(this.currentFunction, functionName, this.activeImport);
      }
      if (this.storage !== undefined) {
        for (let frame = this.storage.getStore(); frame !== undefined; frame = frame.parent) {
          if (frame.gate === this && frame.seq === this.seq) {
            return new ReentranceError(this.currentFunction, functionName, frame.importName);
          }
        }
      }
    }
    if (this.stateCode === POISONED && this.trap !== undefined)
      return new InstancePoisonedError(functionName, this.trap);
    return busy(functionName);
  }

  runImport<R>(importName: string, handler: () => R, blocking?: boolean): R {
    if (blocking === true) {
      // The guest blocks here: what the handler calls may enter (async calls only; see `refusal`).
      this.blockingImports++;
      try {
        return handler();
      } finally {
        this.blockingImports--;
      }
    }
    const previous = this.activeImport;
    const previousSeq = this.activeImportSeq;
    this.activeImport = importName;
    this.activeImportSeq = this.seq;
    try {
      const storage = this.storage;
      if (storage === undefined) return handler();
      let parent = storage.getStore();
      // After a JSPI resumption the context may still be this call's previous import: do not stack those.
      while (parent !== undefined && parent.gate === this && parent.seq === this.seq)
        parent = parent.parent;
      return storage.run({ gate: this, seq: this.seq, importName, parent }, handler);
    } finally {
      this.activeImport = previous;
      this.activeImportSeq = previousSeq;
    }
  }

  refusal(functionName: string): Error | undefined {
    if (this.closeRequested) return new InstanceDisposedError(functionName);
    if (this.trap !== undefined && this.restartHook === undefined) {
      return new InstancePoisonedError(functionName, this.trap);
    }
    if (!isBusy(this.stateCode) || this.blockingImports > 0) return undefined;
    if (
      this.stateCode === RUNNING ||
      (this.activeImport !== undefined && this.activeImportSeq === this.seq)
    ) {
      return new ReentranceError(this.currentFunction, functionName, this.activeImport);
    }
    if (this.storage !== undefined) {
      for (let frame = this.storage.getStore(); frame !== undefined; frame = frame.parent) {
        if (frame.gate === this && frame.seq === this.seq) {
          return new ReentranceError(this.currentFunction, functionName, frame.importName);
        }
      }
    }
    return undefined;
  }

  poison(functionName: string, error: unknown): TrapError {
    const trap = error instanceof TrapError ? error : new TrapError(functionName, error);
    this.setTrap(trap);
    // An idle gate moves to `poisoned`, so that the next call restarts or is refused.
    if (this.stateCode === IDLE) this.stateCode = POISONED;
    return trap;
  }

  addPoisonHook(hook: (trap: TrapError) => void): void {
    this.poisonHooks.push(hook);
  }

  afterCurrentCall(hook: () => void): void {
    // Only `busy` has a call in flight.
    if (isBusy(this.stateCode)) {
      (this.afterHooks ??= []).push(hook);
      this.attention = true;
    } else runHook(hook);
  }

  addReleaseHook(hook: () => void | PromiseLike<void>): void {
    if (this.stateCode === CLOSING || this.stateCode === CLOSED)
      throw new InstanceDisposedError("addReleaseHook");
    this.releaseHooks.push(hook);
  }

  dispose(): Promise<void> {
    if (this.disposal !== undefined) return this.disposal;
    this.closeRequested = true;
    this.attention = true;
    let resolve!: () => void;
    let reject!: (reason: unknown) => void;
    this.disposal = new Promise<void>((onResolve, onReject) => {
      resolve = onResolve;
      reject = onReject;
    });
    this.settleDisposal = (error, failed) => (failed ? reject(error) : resolve());
    // Busy or restarting gates reach `drain` when they finish; idle ones go now.
    if (this.stateCode === IDLE || this.stateCode === POISONED) this.drain();
    return this.disposal;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  /** Everything but the idle fast path: refuse, or queue behind the running call. */
  private callSlow(
    functionName: string,
    invoke: Invoke,
    a: unknown,
    b: unknown,
    options: CallOptions | undefined,
  ): Promise<unknown> {
    if (this.closeRequested) return Promise.reject(new InstanceDisposedError(functionName));
    const state = this.stateCode;
    if (isBusy(state)) {
      // On the guest's stack, or in the synchronous part of one of the running call's imports.
      if (
        state === RUNNING ||
        (this.activeImport !== undefined && this.activeImportSeq === this.seq)
      ) {
        return Promise.reject(
          new ReentranceError(this.currentFunction, functionName, this.activeImport),
        );
      }
      if (this.storage !== undefined) {
        for (let frame = this.storage.getStore(); frame !== undefined; frame = frame.parent) {
          if (frame.gate === this && frame.seq === this.seq) {
            return Promise.reject(
              new ReentranceError(this.currentFunction, functionName, frame.importName),
            );
          }
        }
      }
    } else if (state === POISONED && this.restartHook === undefined && this.trap !== undefined) {
      return Promise.reject(new InstancePoisonedError(functionName, this.trap));
    }
    let resolve!: (value: unknown) => void;
    let reject!: (reason: unknown) => void;
    const promise = new Promise<unknown>((onResolve, onReject) => {
      resolve = onResolve;
      reject = onReject;
    });
    this.queue.push({
      functionName,
      invoke,
      a,
      b,
      classify: options?.isResultError ?? this.defaultClassify,
      resolve,
      reject,
      context: this.storage?.getStore(),
    });
    this.attention = true;
    // A poisoned gate with a restart hook is idle: start the restart now.
    if (state === POISONED) this.drain();
    return promise;
  }

  /**
   * Runs one call, `invoke(a, b)`, now. `entry` is the queue entry for a queued call, whose promise is settled
   * through it; for a fast-path call (`entry` undefined) the call's promise is returned.
   */
  private run(
    functionName: string,
    invoke: Invoke,
    a: unknown,
    b: unknown,
    classify: ResultErrorClassifier | undefined,
    entry: QueuedCall | undefined,
  ): Promise<unknown> | undefined {
    this.stateCode = RUNNING;
    this.seq++;
    this.currentNumber = NAMED;
    this.namedFunction = functionName;
    this.currentClassify = classify;
    this.currentEntry = entry;
    let result: unknown;
    let thenable: boolean;
    try {
      result = invoke(a, b);
      // Inside the `try`: a result whose `then` getter throws fails this call instead of escaping from `call`
      // with the gate still busy.
      thenable = isThenable(result);
    } catch (error) {
      this.stateCode = WAITING;
      const outcome = this.failure(error, classify);
      if (entry !== undefined) {
        entry.reject(outcome);
        this.afterCall();
        return undefined;
      }
      this.afterCall();
      return Promise.reject(outcome);
    }
    this.stateCode = WAITING;
    if (thenable) {
      // A call still running after it returned gets a queue entry of its own if it has none, so that
      // `failRunning` can settle it without waiting for its promise.
      if (entry === undefined) {
        return new Promise<unknown>((resolve, reject) => {
          this.currentEntry = {
            functionName,
            invoke,
            a,
            b,
            classify,
            resolve,
            reject,
            context: undefined,
          };
          this.follow(result as PromiseLike<unknown>);
        });
      }
      this.follow(result as PromiseLike<unknown>);
      return undefined;
    }
    if (entry !== undefined) {
      entry.resolve(result);
      this.afterCall();
      return undefined;
    }
    this.afterCall();
    return Promise.resolve(result);
  }

  /**
   * Settles the current call when its promise does, unless it was settled before (`failRunning`): the
   * handlers read the call's state from the gate's fields, since only one call is ever in flight.
   */
  private follow(result: PromiseLike<unknown>): void {
    const seq = this.seq;
    const entry = this.currentEntry;
    const current = (): boolean =>
      this.seq === seq && this.stateCode === WAITING && this.currentEntry === entry;
    Promise.resolve(result).then(
      (value) => (current() ? this.onFulfilled(value) : undefined),
      (error: unknown) => (current() ? this.onRejected(error) : undefined),
    );
  }

  failRunning(error: unknown): boolean {
    const entry = this.currentEntry;
    if (this.stateCode !== WAITING || entry === undefined) return false;
    // A trap whatever the error is: it did not come from the guest, so it cannot be the call's `err`.
    const trap = error instanceof TrapError ? error : new TrapError(this.currentFunction, error);
    this.setTrap(trap);
    entry.reject(trap);
    this.afterCall();
    return true;
  }

  /** The current call's promise fulfilled: its caller is notified first, then the next call may start. */
  private onFulfilled(value: unknown): void {
    this.currentEntry!.resolve(value);
    this.afterCall();
  }

  private onRejected(error: unknown): void {
    const entry = this.currentEntry!;
    entry.reject(this.failure(error, this.currentClassify));
    this.afterCall();
  }

  /** Turns an exception from the current call into what its caller sees, poisoning the gate on a trap. */
  private failure(error: unknown, classify: ResultErrorClassifier | undefined): unknown {
    let isResultError = false;
    if (classify !== undefined) {
      try {
        isResultError = classify(error) === true;
      } catch {
        // A classifier that fails cannot vouch for the error: treat it as a trap.
      }
    }
    if (isResultError) return error;
    // `TrapError` describes any cause without throwing (a revoked proxy, a throwing `message` getter), so the
    // gate always leaves its busy state. A deadline that ended an isolated call is that call's trap as it is.
    const trap = isDeadline(error) ? error : new TrapError(this.currentFunction, error);
    this.setTrap(trap);
    return trap;
  }

  /** Records the trap that poisons the gate (the first one since it was healthy) and tells the poison hooks. */
  private setTrap(trap: TrapError): void {
    if (this.trap !== undefined) return;
    this.trap = trap;
    this.attention = true;
    for (const hook of this.poisonHooks) {
      try {
        hook(trap);
      } catch (error) {
        reportUncaught(error);
      }
    }
  }

  private idleState(): GateState {
    return this.trap === undefined ? IDLE : POISONED;
  }

  /** The current call has settled and its caller was notified: let the next one in. */
  private afterCall(): void {
    this.currentEntry = undefined;
    this.currentClassify = undefined;
    this.attention = false;
    this.stateCode = this.idleState();
    if (this.queueHead !== this.queue.length || this.closeRequested) this.drain();
    if (this.afterHooks !== undefined) this.runAfterHooks();
  }

  /**
   * Runs the `afterCurrentCall` hooks of the call that just settled, one microtask later: not from inside
   * `drain` (which may be starting the next queued call), so that what they call queues in order.
   */
  private runAfterHooks(): void {
    const hooks = this.afterHooks;
    this.afterHooks = undefined;
    if (hooks !== undefined) void Promise.resolve().then(() => hooks.forEach(runHook));
  }

  /** Starts queued calls until one runs asynchronously; restarts or refuses while poisoned; closes when asked. */
  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.stateCode === IDLE || this.stateCode === POISONED) {
        const entry = this.queue[this.queueHead];
        if (entry === undefined) {
          this.queue.length = 0;
          this.queueHead = 0;
          if (this.closeRequested) this.beginClose();
          return;
        }
        if (this.trap !== undefined) {
          if (this.restartHook !== undefined && !this.closeRequested) {
            this.beginRestart(this.restartHook);
            return;
          }
          this.queueHead++;
          entry.reject(new InstancePoisonedError(entry.functionName, this.trap));
          continue;
        }
        this.queueHead++;
        if (this.storage !== undefined) this.storage.run(entry.context, this.runQueued, entry);
        else this.runQueued(entry);
      }
    } finally {
      this.draining = false;
    }
  }

  private readonly runQueued = (entry: QueuedCall): void => {
    this.run(entry.functionName, entry.invoke, entry.a, entry.b, entry.classify, entry);
  };

  private beginRestart(restart: () => void | PromiseLike<void>): void {
    this.stateCode = RESTARTING;
    let pending: void | PromiseLike<void>;
    try {
      pending = restart();
    } catch (error) {
      pending = Promise.reject(error);
    }
    void Promise.resolve(pending).then(this.onRestarted, this.onRestartFailed);
  }

  private readonly onRestarted = (): void => {
    this.trap = undefined;
    this.stateCode = IDLE;
    this.drain();
  };

  /** The calls that waited for this restart fail with it; the next call tries again. */
  private readonly onRestartFailed = (error: unknown): void => {
    this.stateCode = POISONED;
    const trap = this.trap;
    const waiting = this.queue.splice(this.queueHead);
    this.queue.length = 0;
    this.queueHead = 0;
    if (trap !== undefined) {
      for (const entry of waiting)
        entry.reject(new InstancePoisonedError(entry.functionName, trap, { error }));
    }
    if (this.closeRequested) this.drain();
  };

  private beginClose(): void {
    this.stateCode = CLOSING;
    const before = this.beforeClose;
    void Promise.resolve()
      .then(before)
      .then(this.runReleaseHooks)
      .then(
        () => this.settleDisposal(undefined, false),
        (error: unknown) => this.settleDisposal(error, true),
      );
  }

  /** Runs every hook even when one fails; one failure is rethrown as is, several as an `AggregateError`. */
  private readonly runReleaseHooks = async (): Promise<void> => {
    const hooks = this.releaseHooks;
    this.releaseHooks = [];
    const errors: unknown[] = [];
    for (let index = hooks.length - 1; index >= 0; index--) {
      const hook = hooks[index];
      if (hook === undefined) continue;
      try {
        await hook();
      } catch (error) {
        errors.push(error);
      }
    }
    this.stateCode = CLOSED;
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1)
      throw new AggregateError(errors, `${errors.length} release hooks failed`);
  };
}

/** Whether `error` is a deadline's trap; never throws (`instanceof` does, on a revoked proxy). */
function isDeadline(error: unknown): error is CallTimeoutError {
  try {
    return error instanceof CallTimeoutError;
  } catch {
    return false;
  }
}
