/**
 * Runtime, direct calls: guest exports called at the speed of wasm. For an SDK generated from a `.wasm`, the
 * generator knows each exported function's canonical options (which core function of which core instance,
 * its memory, `realloc`, `post-return` and string encoding, read from the component binary) and emits them as
 * a {@link DirectTarget}. At `instantiate` the instance core records jco's core instances (`values.ts`); a
 * call then checks its arguments with the SDK's value types (the same checks and messages as every call),
 * lowers them with the SDK's own canonical ABI (`canonical-abi.ts`), calls the core export, lifts the result
 * and runs the post-return, all inside the instance's call gate, so FIFO order, reentrance refusal, trap
 * poisoning and restart behave as for calls through jco. jco's per-call task machinery is skipped.
 *
 * Post-return runs after the result is lifted, also when lifting fails, before the gate lets the next call in;
 * a trap there poisons the instance like any trap. When the instance has no recorded core instances (direct
 * calls turned off, or a core export is missing), the call goes through jco (`callExport`).
 *
 * {@link callDirectSync} is the synchronous form (`instance.sync.f(...)`): no promise, so a call costs little more
 * than the wasm it runs. It runs only when the gate is idle: inside another call it throws `ReentranceError`,
 * behind queued calls `InstanceBusyError`, on a poisoned or disposed instance the error an awaited call
 * would reject with. The awaited form ({@link callDirect}) runs the same fast form when the gate is idle, where
 * the gate would run the call at once anyway, and settles its promise with the outcome.
 * Copied into SDKs like its siblings: no host-specific imports.
 */
import { functionNumber, type CallOptions } from "./call-gate.js";
import { codecOf, type AbiType, type Codec, type FlatCursor } from "./canonical-abi.js";
import {
  allowLeaving,
  forbidLeaving,
  GuestMemory,
  withoutLeaving,
  type CoreFunction,
  type CoreMemory,
  type StringEncoding,
} from "./canonical-memory.js";
import { ResultError } from "./errors.js";
import { callExport, type ExportSpec } from "./export-calls.js";
import { capturedCoreInstances, type InstanceCore } from "./instance-core.js";
import type { LowerContext } from "./value-types.js";

/** A core export: the ordinal of the core instantiation that made it, and its export name. */
export type CoreExportRef = readonly [instance: number, name: string];

/** What the generator knows about one exported function's core side (from `canon lift`). */
export interface DirectTarget {
  readonly core: CoreExportRef;
  readonly memory?: CoreExportRef;
  readonly realloc?: CoreExportRef;
  readonly postReturn?: CoreExportRef;
  readonly encoding?: StringEncoding;
  /** The parameters' types, in order. */
  readonly params: readonly AbiType[];
  /** The result's type; a function's `result<T, E>` resolves with `T` and rejects with `ResultError<E>`. */
  readonly result?: AbiType;
  /**
   * For a function whose parameters are all numbers (no memory): calls the core function with the arguments
   * as they are. Generated per function, so that each has a call site of its own, which the engine can bind
   * to that one wasm function (a shared call site would go through its generic JS-to-wasm path).
   */
  readonly invoke?: (fn: never, args: readonly unknown[]) => unknown;
  /**
   * For a function whose parameters and result are numbers, bools, strings or records of them: its synchronous
   * form, written out per function (see {@link FastCall}). Given the function's `FastCall` and the shared checks
   * and lifts, returns `(core, ...args) => result`.
   */
  readonly fast?: (
    d: FastCall,
    is: typeof scalarChecks,
    lift: typeof scalarLifts,
  ) => (core: InstanceCore, ...args: unknown[]) => unknown;
}

/** A guest export that can be called directly, and how. */
export interface DirectSpec<R> {
  readonly spec: ExportSpec<R>;
  readonly target: DirectTarget;
  /** The binding used last (most SDKs have one instance): a per-call cache. */
  last: Binding | undefined;
  readonly bindings: WeakMap<InstanceCore, Binding>;
  readonly plan: CallPlan;
  /**
   * The synchronous form (`instance.api.fSync`): the function's own fast path when the generator wrote one
   * (`DirectTarget.fast`), else {@link callDirectSync}.
   */
  readonly sync: (core: InstanceCore, ...args: unknown[]) => R;
  /** Whether {@link sync} is a fast path the generator wrote, which the awaited form also takes when it can. */
  readonly fast: boolean;
}

/** Pairs an export's spec with its core side (generated code, one constant per direct function). */
/*#__NO_SIDE_EFFECTS__*/
export function directSpec<R>(spec: ExportSpec<R>, target: DirectTarget): DirectSpec<R> {
  return new DirectFunction(spec, target);
}

/**
 * What a generated fast path (`DirectTarget.fast`) calls around the core function. Its shape, written out for a
 * function `add(u32, u32) -> u32`:
 *
 * ```ts
 * (d, is, lift) => (core, p0, p1) => {
 *   if (!is.u32(p0) || !is.u32(p1)) return d.slow(core, [p0, p1]);
 *   const c = d.enter(core);
 *   let r: unknown;
 *   try {
 *     r = c.fn(p0, p1);
 *   } catch (error) {
 *     throw d.trap(core, error);
 *   }
 *   d.leave(core);
 *   return lift.u32(r);
 * }
 * ```
 *
 * A function with strings, records or a post-return also takes the guest's memory (`c.memory`) after `enter`,
 * lowers strings with it (each checked by `is.string` before `enter`, so that a lone surrogate is refused
 * before the guest's `realloc` runs; UTF-8 lowered by `m.lowerUtf8` in one pass after `realloc`, other
 * encodings by `m.lowerString`) and record fields one by one, and lifts a
 * result of more than one flat value from its return area (`m.area(r, align, size)`) field by field. Its
 * post-return is called at a call site of its own after the lifting, with leaving the instance forbidden; one
 * `try` covers the whole and a stage number tells its `catch` (`d.fail`) what ran: before the core function
 * returned, nothing more runs; when the lifting threw, the post-return runs then; when the post-return threw,
 * leaving is allowed again. Every throw ends the call as a trap:
 *
 * ```ts
 * (d, is, _lift) => (core, p0) => {
 *   if (!is.string(p0)) return d.slow(core, [p0]);
 *   const c = d.enter(core);
 *   const m = c.memory;
 *   let v: unknown;
 *   let s = 0;
 *   let r: unknown;
 *   let o: object | undefined;
 *   try {
 *     const p0p = m.lowerUtf8(p0);
 *     const p0n = m.written;
 *     r = c.fn(p0p, p0n);
 *     s = 1;
 *     const q = m.area(r, 4, 8);
 *     const w = m.view;
 *     v = m.liftUtf8(w.getUint32(q, true), w.getUint32(q + 4, true));
 *     s = 2;
 *     o = d.forbid(core);
 *     c.postReturn(r);
 *     d.allow(o);
 *   } catch (error) {
 *     throw d.fail(core, error, s, r, o);
 *   }
 *   d.leave(core);
 *   return v;
 * }
 * ```
 *
 * Every function has a literal of its own, so each call site in it (above all those into wasm) sees a single
 * target and the engine specialises it; a call site shared by many functions would take its generic paths.
 * The methods here are small and of one class, and the helpers are fields holding the functions themselves
 * (no method around them), so that the engine inlines the whole within its inlining budget.
 */
export interface FastCall {
  /**
   * An argument failed its quick check: the generic synchronous call checks it again and throws the error that
   * names it (or, for a value the quick check does not cover, makes the call).
   */
  slow(core: InstanceCore, args: readonly unknown[]): unknown;
  /** Enters the instance's gate as a synchronous call (or throws why it cannot) and returns its core side. */
  enter(core: InstanceCore): FastBinding;
  /** The call threw (a function without post-return): ends the call and returns what to throw (a trap poisons). */
  trap(core: InstanceCore, error: unknown): unknown;
  /**
   * The call of a function with a post-return threw at `stage` (0: before the core function returned; 1: while
   * lifting, so the post-return runs now with `raw`; 2: in the post-return, so leaving is allowed again as
   * `outer` says): ends the call and returns what to throw (a trap poisons; a post-return that throws after a
   * failed lifting is the trap, as a `finally` would have it).
   */
  fail(
    core: InstanceCore,
    error: unknown,
    stage: number,
    raw: unknown,
    outer: object | undefined,
  ): unknown;
  /** The call returned (and its post-return ran): ends it. */
  leave(core: InstanceCore): void;
  /** Before the post-return: forbids the guest of `core` to leave; returns what `allow` restores. */
  readonly forbid: (owner: object) => object | undefined;
  /** After the post-return returned. */
  readonly allow: (outer: object | undefined) => void;
}

/** The core side of a direct function on one instance, as a fast form uses it. */
export interface FastBinding {
  readonly fn: (...args: unknown[]) => unknown;
  readonly memory: GuestMemory;
  readonly postReturn: (raw: unknown) => void;
}

/** `String.prototype.isWellFormed`, where the host has it (ES2024); elsewhere strings take the checked path. */
const hasIsWellFormed =
  typeof (String.prototype as { readonly isWellFormed?: unknown }).isWellFormed === "function";

/** The quick argument checks of fast paths: true when the value is certainly valid for the type. */
export const scalarChecks = {
  bool: (value: unknown): value is boolean => typeof value === "boolean",
  u8: (value: unknown): value is number => typeof value === "number" && value === (value & 0xff),
  s8: (value: unknown): value is number =>
    typeof value === "number" && value === (value << 24) >> 24,
  u16: (value: unknown): value is number => typeof value === "number" && value === (value & 0xffff),
  s16: (value: unknown): value is number =>
    typeof value === "number" && value === (value << 16) >> 16,
  u32: (value: unknown): value is number => typeof value === "number" && value === value >>> 0,
  s32: (value: unknown): value is number => typeof value === "number" && value === (value | 0),
  u64: (value: unknown): value is bigint =>
    typeof value === "bigint" && value === BigInt.asUintN(64, value),
  s64: (value: unknown): value is bigint =>
    typeof value === "bigint" && value === BigInt.asIntN(64, value),
  f32: (value: unknown): value is number => typeof value === "number",
  f64: (value: unknown): value is number => typeof value === "number",
  /** A string of Unicode scalar values (a lone surrogate is refused by the value type, with its path). */
  string: (value: unknown): value is string =>
    typeof value === "string" &&
    hasIsWellFormed &&
    (value as unknown as { isWellFormed(): boolean }).isWellFormed(),
} as const;

/** The canonical ABI's lifts of one flat result (the same as the codecs' `liftOne`). */
export const scalarLifts = {
  bool: (raw: unknown): boolean => raw !== 0,
  u8: (raw: unknown): number => (raw as number) & 0xff,
  s8: (raw: unknown): number => ((raw as number) << 24) >> 24,
  u16: (raw: unknown): number => (raw as number) & 0xffff,
  s16: (raw: unknown): number => ((raw as number) << 16) >> 16,
  u32: (raw: unknown): number => (raw as number) >>> 0,
  s32: (raw: unknown): number => (raw as number) | 0,
  u64: (raw: unknown): bigint => BigInt.asUintN(64, raw as bigint),
  s64: (raw: unknown): bigint => BigInt.asIntN(64, raw as bigint),
  f32: (raw: unknown): number => raw as number,
  f64: (raw: unknown): number => raw as number,
} as const;

class DirectFunction<R> implements DirectSpec<R>, FastCall {
  last: Binding = unbound;
  readonly bindings = new WeakMap<InstanceCore, Binding>();
  readonly plan: CallPlan;
  readonly sync: (core: InstanceCore, ...args: unknown[]) => R;
  readonly spec: ExportSpec<R>;
  readonly target: DirectTarget;
  readonly fast: boolean;
  private readonly name: string;
  /** The name's number, with which the gate is entered without storing a string. */
  private readonly number: number;

  constructor(spec: ExportSpec<R>, target: DirectTarget) {
    this.spec = spec;
    this.target = target;
    this.name = spec.name;
    this.number = functionNumber(spec.name);
    this.plan = planCall(target);
    this.fast = target.fast !== undefined;
    this.sync = (
      target.fast === undefined
        ? (core: InstanceCore, ...args: unknown[]) => callDirectSync(core, this, args)
        : target.fast(this, scalarChecks, scalarLifts)
    ) as (core: InstanceCore, ...args: unknown[]) => R;
  }

  slow(core: InstanceCore, args: readonly unknown[]): unknown {
    return callDirectSync(core, this, args);
  }

  readonly forbid = forbidLeaving;
  readonly allow = allowLeaving;

  enter(core: InstanceCore): FastBinding {
    // The common case, one compare of small integers: the binding of the last call is complete and was made in
    // the epoch of `core`'s core instances that lasts now (no other instance core has had that epoch).
    const binding = this.last;
    if (binding.epoch !== (core as unknown as LiveCore).coreEpoch) return this.enterSlow(core);
    // The classifier is given when the call fails (`trap`, `fail`): entering records only the name's number.
    if (!core.gate.enterNumbered(this.number)) throw this.refused(core);
    return binding as unknown as FastBinding;
  }

  private enterSlow(core: InstanceCore): FastBinding {
    const binding = bindingOf(this as DirectSpec<unknown>, core);
    if (!ready(binding) && core.gate.state === "idle") throw directCallsOff(this.name);
    // While the instance restarts it has no core instances yet: the gate refuses the call as busy.
    if (!core.gate.enterNumbered(this.number)) throw this.refused(core);
    return binding as unknown as FastBinding;
  }

  private refused(core: InstanceCore): Error {
    return core.gate.syncRefusal(this.name, busyError);
  }

  trap(core: InstanceCore, error: unknown): unknown {
    return core.gate.failClassified(error, isDirectResultError);
  }

  fail(
    core: InstanceCore,
    error: unknown,
    stage: number,
    raw: unknown,
    outer: object | undefined,
  ): unknown {
    let cause = error;
    if (stage === 1) {
      // This call's binding: `last` may have moved to another instance's since it entered (a call of this
      // function on another instance, from one of this call's imports).
      const binding = this.bindings.get(core)!;
      try {
        withoutLeaving(core, binding.postReturn as (value: unknown) => void, raw);
      } catch (postError) {
        cause = postError;
      }
    } else if (stage === 2) allowLeaving(outer);
    return core.gate.failClassified(cause, isDirectResultError);
  }

  leave(core: InstanceCore): void {
    core.gate.leaveSync();
  }
}

function directCallsOff(name: string): TypeError {
  return new TypeError(
    `\`${name}\` cannot be called synchronously on this instance: direct calls are off`,
  );
}

/** Thrown by a synchronous call that would have to wait behind queued calls. */
export class InstanceBusyError extends Error {
  readonly functionName: string;

  constructor(functionName: string) {
    super(
      `cannot call \`${functionName}\` synchronously: the instance is running or has queued calls; ` +
        "await them first, or use the awaited form",
    );
    this.functionName = functionName;
  }
}
Object.defineProperty(InstanceBusyError.prototype, "name", {
  value: "InstanceBusyError",
  writable: true,
  configurable: true,
});

const MAX_FLAT_PARAMS = 16;
const MAX_FLAT_RESULTS = 1;

/** How to move one function's values: decided once per function from its types. */
interface CallPlan {
  readonly params: readonly Codec[];
  /** More than 16 flat parameters: they are stored in memory and passed by pointer. */
  readonly spill: Codec | undefined;
  readonly result: Codec | undefined;
  /** More than one flat result: the core function returns a pointer to them. */
  readonly returnArea: boolean;
  /** The function's `result<T, E>`: lifted values are unwrapped, `err` rejects. */
  readonly fallible: boolean;
  /** Every parameter is one flat number and nothing needs memory: no arrays are built. */
  readonly scalar: boolean;
  /** Per parameter, the quick check `checkArguments` makes itself, if any. */
  readonly quickChecks: readonly (((value: unknown) => boolean) | undefined)[];
}

function planCall(target: DirectTarget): CallPlan {
  const params = target.params.map(codecOf);
  const flatCount = params.reduce((sum, codec) => sum + codec.flat.length, 0);
  const result = target.result === undefined ? undefined : codecOf(target.result);
  const spill =
    flatCount > MAX_FLAT_PARAMS ? codecOf({ kind: "tuple", types: target.params }) : undefined;
  // wasm's ToInt32 turns `true` into 1 as the canonical ABI does; a char needs its code point.
  const memoryless = (type: AbiType): boolean =>
    typeof type === "string" && type !== "string" && type !== "char";
  return {
    params,
    spill,
    result,
    returnArea: result !== undefined && result.flat.length > MAX_FLAT_RESULTS,
    fallible: typeof target.result === "object" && target.result.kind === "result",
    quickChecks: target.params.map(quickCheckOf),
    scalar:
      spill === undefined &&
      target.params.every(memoryless) &&
      (target.result === undefined ||
        (typeof target.result === "string" && target.result !== "string")),
  };
}

/**
 * A check that accepts only values the parameter's value type accepts, without building the paths of its
 * messages (a record's check names each field it visits): scalars, and records of them. Undefined for other
 * types, whose value type checks them.
 */
function quickCheckOf(type: AbiType): ((value: unknown) => boolean) | undefined {
  if (typeof type === "string")
    return type in scalarChecks ? scalarChecks[type as keyof typeof scalarChecks] : undefined;
  if (type.kind !== "record") return undefined;
  const names = type.fields.map(([name]) => name);
  const checks = type.fields.map(([, field]) => quickCheckOf(field));
  // A field named like an `Object.prototype` member is read with care by the value type: leave it that.
  if (names.some((name) => name in Object.prototype)) return undefined;
  if (checks.some((check) => check === undefined)) return undefined;
  const fieldChecks = checks as ((value: unknown) => boolean)[];
  const count = names.length;
  return (value) => {
    if (typeof value !== "object" || value === null) return false;
    for (let index = 0; index < count; index++) {
      if (!fieldChecks[index]!((value as Record<string, unknown>)[names[index]!])) return false;
    }
    return true;
  };
}

/** One direct function bound to one instance's live core instances. */
interface Binding {
  readonly core: InstanceCore;
  readonly direct: DirectSpec<unknown>;
  /** The core instances this binding was made for; a restart replaces them. */
  instances: readonly object[] | undefined;
  /**
   * The instance core's `coreEpoch` when the core side was found in `instances`, else -1: equal to the instance
   * core's epoch exactly when a call can use this binding as it is.
   */
  epoch: number;
  fn: CoreFunction | undefined;
  postReturn: CoreFunction | undefined;
  memory: GuestMemory | undefined;
  /** Why the core side could not be found: calls then go through jco. */
  missing: string | undefined;
  /** The argument-checking context of the instance (values without resources move and lend nothing). */
  readonly context: LowerContext;
}

/** What a direct function's `last` holds before its first call: matches no instance. */
const unbound: Binding = {
  core: undefined as unknown as InstanceCore,
  direct: undefined as unknown as DirectSpec<unknown>,
  instances: undefined,
  fn: undefined,
  postReturn: undefined,
  memory: undefined,
  missing: "no instance",
  epoch: -1,
  context: undefined as unknown as LowerContext,
};

function bindingOf(direct: DirectSpec<unknown>, core: InstanceCore): Binding {
  const last = direct.last;
  if (last !== undefined && last.core === core) return last;
  let binding = direct.bindings.get(core);
  if (binding === undefined) {
    const context: LowerContext = { core, moves: noMoves, loans: noMoves as never };
    binding = {
      core,
      direct,
      instances: undefined,
      fn: undefined,
      postReturn: undefined,
      memory: undefined,
      missing: undefined,
      epoch: -1,
      context,
    };
    direct.bindings.set(core, binding);
  }
  direct.last = binding;
  return binding;
}

function coreExport(instances: readonly object[], ref: CoreExportRef): unknown {
  const instance = instances[ref[0]] as
    { readonly exports?: Readonly<Record<string, unknown>> } | undefined;
  return instance?.exports?.[ref[1]];
}

/** Finds the core side in the instance's current core instances; false when something is missing. */
function rebind(binding: Binding, instances: readonly object[]): boolean {
  const target = binding.direct.target;
  binding.instances = instances;
  binding.epoch = -1;
  const fn = coreExport(instances, target.core);
  const memory = target.memory === undefined ? undefined : coreExport(instances, target.memory);
  const realloc = target.realloc === undefined ? undefined : coreExport(instances, target.realloc);
  const postReturn =
    target.postReturn === undefined ? undefined : coreExport(instances, target.postReturn);
  binding.missing =
    typeof fn !== "function"
      ? `core export \`${target.core[1]}\``
      : target.memory !== undefined && !isMemory(memory)
        ? `core memory \`${target.memory[1]}\``
        : target.realloc !== undefined && typeof realloc !== "function"
          ? `core export \`${target.realloc[1]}\``
          : target.postReturn !== undefined && typeof postReturn !== "function"
            ? `core export \`${target.postReturn[1]}\``
            : undefined;
  if (binding.missing !== undefined) return false;
  binding.fn = fn as CoreFunction;
  binding.postReturn = postReturn as CoreFunction | undefined;
  binding.memory = new GuestMemory(
    memory as CoreMemory | undefined,
    realloc as CoreFunction | undefined,
    target.encoding ?? "utf8",
    binding.core,
  );
  binding.epoch = (binding.core as unknown as LiveCore).coreEpoch;
  return true;
}

function isMemory(value: unknown): value is CoreMemory {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { readonly buffer?: unknown }).buffer instanceof ArrayBuffer
  );
}

/** Whether a call of `binding` can go direct now (the instance's core instances are known and complete). */
function ready(binding: Binding): boolean {
  // The common case: the core instances the binding was made for are still the live ones.
  if (binding.epoch === (binding.core as unknown as LiveCore).coreEpoch) return true;
  return readySlow(binding);
}

/**
 * What the binding checks read of the instance core without a check of its class (`capturedCoreInstances`
 * checks it before a binding records an epoch).
 */
interface LiveCore {
  readonly coreEpoch: number;
}

function readySlow(binding: Binding): boolean {
  const instances = capturedCoreInstances(binding.core);
  if (instances === undefined) return false;
  if (instances !== binding.instances) return rebind(binding, instances);
  if (binding.missing !== undefined) return false;
  // The same core instances in a later epoch: the binding holds for it too.
  binding.epoch = (binding.core as unknown as LiveCore).coreEpoch;
  return true;
}

/** `ResultError`s made by lifting a function's `err`: results, not traps. */
const resultErrors = new WeakSet<object>();
const isDirectResultError = (error: unknown): boolean =>
  typeof error === "object" && error !== null && resultErrors.has(error);
const directCallOptions: CallOptions = { isResultError: isDirectResultError };

/** Shared by the checking contexts: values without resources move and lend nothing (frozen: a push throws). */
const noMoves = Object.freeze([]) as unknown as LowerContext["moves"];

/**
 * Checks the arguments as every call does: numbers of the right range are recognised here without a call (the
 * common case, and the cost of a direct call is counted in nanoseconds); anything else, and every value that
 * fails, goes to the parameter's value type, whose error names it.
 */
function checkArguments(
  context: LowerContext,
  spec: ExportSpec<unknown>,
  plan: CallPlan,
  args: readonly unknown[],
): void {
  const params = spec.params;
  const quick = plan.quickChecks;
  for (let index = 0; index < params.length; index++) {
    const value = args[index];
    const check = quick[index];
    if (check !== undefined && check(value)) continue;
    const param = params[index]!;
    param[1].lower(value, param[0], context);
  }
}

/**
 * Calls a guest export through the gate with the SDK's own canonical ABI, or through jco when the instance
 * cannot (see the file comment). Resolves and rejects exactly as `callExport` does.
 */
export function callDirect<R>(
  core: InstanceCore,
  direct: DirectSpec<R>,
  args: readonly unknown[],
): Promise<R> {
  const spec = direct.spec;
  const binding = bindingOf(direct as DirectSpec<unknown>, core);
  if (!ready(binding)) return callExport(core, spec, args);
  // An idle gate runs an awaited call at once, so the fast form can run it: the same checks, lowering, gate
  // entry, post-return and failures, without the generic path's plan walk (the awaited `add` 76 -> 54 ns, the
  // record 288 -> 83 ns). A busy gate queues the call or refuses it on the generic path below.
  if (direct.fast && core.gate.idle) {
    try {
      return Promise.resolve(callFast(direct, core, args));
    } catch (error) {
      return Promise.reject(error);
    }
  }
  try {
    checkArguments(binding.context, spec, direct.plan, args);
  } catch (error) {
    return Promise.reject(error);
  }
  return core.gate.callWith(spec.name, runGuarded, binding, args, directCallOptions) as Promise<R>;
}

/** A fast form called with the awaited form's arguments, through a call site of fixed arity where it can. */
function callFast<R>(direct: DirectSpec<R>, core: InstanceCore, args: readonly unknown[]): R {
  const sync = direct.sync;
  switch (args.length) {
    case 0:
      return sync(core);
    case 1:
      return sync(core, args[0]);
    case 2:
      return sync(core, args[0], args[1]);
    case 3:
      return sync(core, args[0], args[1], args[2]);
    case 4:
      return sync(core, args[0], args[1], args[2], args[3]);
    default:
      return sync(core, ...args);
  }
}

/**
 * The synchronous form of {@link callDirect}: returns the value or throws what the awaited form would reject
 * with. Throws `InstanceBusyError` when other calls are running or queued, since it cannot wait.
 */
export function callDirectSync<R>(
  core: InstanceCore,
  direct: DirectSpec<R>,
  args: readonly unknown[],
): R {
  const spec = direct.spec;
  const binding = bindingOf(direct as DirectSpec<unknown>, core);
  checkArguments(binding.context, spec, direct.plan, args);
  // While the instance restarts it has no core instances yet: the gate refuses the call as busy.
  if (!ready(binding) && core.gate.state === "idle") throw directCallsOff(spec.name);
  // Run at once or refused: the instance cannot restart in between, so the binding checked above holds.
  return core.gate.callSync(spec.name, run, binding, args, directCallOptions, busyError) as R;
}

function busyError(functionName: string): Error {
  return new InstanceBusyError(functionName);
}

/** Runs inside the gate: the instance may have been restarted since the call was made. */
function runGuarded(binding: Binding, args: readonly unknown[]): unknown {
  if (!ready(binding))
    throw new TypeError(
      `the core export of \`${binding.direct.spec.name}\` is missing after a restart`,
    );
  return run(binding, args);
}

/**
 * Calls a core function with flat values: with up to eight, through call sites with a fixed argument count (a
 * spread call always takes the engine's generic path into wasm).
 */
function callFlat(fn: (...args: unknown[]) => unknown, flat: readonly unknown[]): unknown {
  switch (flat.length) {
    case 0:
      return fn();
    case 1:
      return fn(flat[0]);
    case 2:
      return fn(flat[0], flat[1]);
    case 3:
      return fn(flat[0], flat[1], flat[2]);
    case 4:
      return fn(flat[0], flat[1], flat[2], flat[3]);
    case 5:
      return fn(flat[0], flat[1], flat[2], flat[3], flat[4]);
    case 6:
      return fn(flat[0], flat[1], flat[2], flat[3], flat[4], flat[5]);
    case 7:
      return fn(flat[0], flat[1], flat[2], flat[3], flat[4], flat[5], flat[6]);
    case 8:
      return fn(flat[0], flat[1], flat[2], flat[3], flat[4], flat[5], flat[6], flat[7]);
    default:
      return fn(...flat);
  }
}

/** Runs the guest's post-return; the guest may not call the host meanwhile (the canonical ABI's `may_leave`). */
function postReturn(binding: Binding, raw: unknown): void {
  // A post-return of a function without results takes no parameter: wasm ignores the extra `undefined`.
  withoutLeaving(binding.core, binding.postReturn as (value: unknown) => void, raw);
}
/** A result of one flat value is lifted through these (calls never overlap: the gate runs one at a time). */
const oneValue: unknown[] = [undefined];
const oneCursor: FlatCursor = { values: oneValue, index: 0 };

/** Lowers, calls, lifts, post-returns. */
function run(binding: Binding, args: readonly unknown[]): unknown {
  const plan = binding.direct.plan;
  const fn = binding.fn as (...args: unknown[]) => unknown;
  const memory = binding.memory!;
  let raw: unknown;
  const invoke = binding.direct.target.invoke as
    ((fn: unknown, args: readonly unknown[]) => unknown) | undefined;
  if (plan.scalar && invoke !== undefined) {
    raw = invoke(fn, args);
  } else if (plan.scalar) {
    // Numbers and bigints go to wasm as they are (wasm's ToInt32/ToBigInt64 wrap u32 and u64 alike).
    switch (args.length) {
      case 0:
        raw = fn();
        break;
      case 1:
        raw = fn(args[0]);
        break;
      case 2:
        raw = fn(args[0], args[1]);
        break;
      case 3:
        raw = fn(args[0], args[1], args[2]);
        break;
      default:
        raw = fn(...args);
    }
  } else {
    const flat: unknown[] = [];
    const params = plan.params;
    if (plan.spill !== undefined) {
      const ptr = memory.alloc(plan.spill.align, plan.spill.size);
      plan.spill.store(memory, ptr, args);
      flat.push(ptr);
    } else {
      for (let index = 0; index < params.length; index++)
        params[index]!.lower(memory, args[index], flat);
    }
    raw = callFlat(fn, flat);
  }
  const result = plan.result;
  if (result === undefined) {
    if (binding.postReturn !== undefined) postReturn(binding, undefined);
    return undefined;
  }
  let value: unknown;
  try {
    if (plan.returnArea) {
      value = result.load(memory, memory.area(raw, result.align, result.size));
    } else if (result.liftOne !== undefined) {
      value = result.liftOne(raw);
    } else {
      memory.refresh();
      oneValue[0] = raw;
      oneCursor.index = 0;
      value = result.lift(memory, oneCursor);
    }
  } finally {
    if (binding.postReturn !== undefined) postReturn(binding, raw);
  }
  if (!plan.fallible) return value;
  const outcome = value as { readonly tag: "ok" | "err"; readonly val?: unknown };
  if (outcome.tag === "ok") return outcome.val;
  const error = new ResultError(outcome.val, binding.direct.spec.name);
  resultErrors.add(error);
  throw error;
}
