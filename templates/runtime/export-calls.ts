/**
 * Runtime, export calls: every guest export (function, method, static, constructor) is an {@link ExportSpec} that
 * {@link callExport} runs through the instance's call gate. Arguments are checked and lowered when the call is made
 * (a wrong one rejects before anything is queued); `own` guest resources move, resources passed as `borrow` are
 * lent from the call until the guest returns (`borrow.ts`), host objects passed as `own` enter the resource table;
 * a call the gate refuses gives all of that back. A `result` error (jco's per-instance `ComponentError`) becomes
 * `ResultError`; any other exception is a trap.
 *
 * Consumes specs, the caller's arguments and the instance core; produces the promise each SDK function returns.
 */

import { unwrapBorrow, whenBorrowEnds } from "./borrow.js";
import { lendForCall, type CallLoans, type Loan } from "./loans.js";
import type { ExportTable } from "./bind-exports.js";
import { exportPathOf, type ExportPathOf } from "./member-names.js";
import type { CallOptions } from "./call-gate.js";
import type { AsyncCallOptions } from "./tasks.js";
import { reportUncaught, ResourceDisposedError, ResultError } from "./errors.js";
import { GuestResource, internalsOf, liveGuestRaw } from "./guest-resources.js";
import { coreOf, noLoans, noMoves, trapEverything, type InstanceCore } from "./instance-core.js";
import { invokeAt, isComponentError } from "./jco-module.js";
import {
  detachedMessage,
  isDetached,
  isResultType,
  undoGifts,
  type LowerContext,
  type ResultType,
  type InputTupleOf,
  type TypedArray,
  type ValueKind,
  type ValueType,
} from "./value-types.js";

declare const resultBrand: unique symbol;
declare const paramsBrand: unique symbol;
declare const errorBrand: unique symbol;

/**
 * One guest export (function, method, static or constructor) as the generated wrappers call it: `R` is what
 * the SDK function resolves with, `P` its parameters' types, `E` the `err` payload of its `result` (`never`
 * in a table's spec of an export that returns no `result`).
 */
export interface ExportSpec<
  R = unknown,
  P extends readonly unknown[] = readonly unknown[],
  E = unknown,
> {
  /** `ns:pkg/iface@1.0.0#name` (or the world-level name): what errors call it. */
  readonly name: string;
  /**
   * Where jco puts it: from the exports object for functions, statics (`[iface, Class, name]`) and
   * constructors (`[iface, Class]`); from the resource object for methods (`[name]`).
   */
  readonly path: readonly string[];
  readonly kind: "function" | "method" | "constructor";
  readonly params: readonly (readonly [name: string, type: ValueType])[];
  readonly returns: ValueType | undefined;
  /** True when no parameter can hold a resource: lowering the arguments then moves and lends nothing. */
  readonly plain: boolean;
  /** An `async func`: called through the instance's task tracker (`tasks.ts`), not queued by the gate. */
  readonly async: boolean;
  /**
   * A plain function whose parameters are all immutable values (numbers, strings, ...) and whose return value
   * needs no lifting and no `result` mapping: jco's values are the SDK's, so a call needs no copy of its
   * arguments and no per-call closure (`callExport`'s fast path).
   */
  readonly direct: boolean;
  /** Only carries `R` for the type checker. */
  readonly [resultBrand]?: R;
  /** Only carries `P` for the type checker (boxed, as `ValueType`'s). */
  readonly [paramsBrand]?: { readonly params: P };
  /** Only carries `E` for the type checker. */
  readonly [errorBrand]?: E;
}

/** Describes a guest export; `R` is what the SDK function resolves with. */
export function exportSpec<R>(spec: {
  readonly name: string;
  readonly path: readonly string[];
  readonly kind?: "function" | "method" | "constructor" | undefined;
  readonly params?: Readonly<Record<string, ValueType>> | undefined;
  readonly returns?: ValueType | undefined;
  readonly async?: boolean | undefined;
}): ExportSpec<R> {
  const params = Object.entries(spec.params ?? {});
  const kind = spec.kind ?? "function";
  const returns = spec.returns;
  const plain = params.every(([, type]) => !type.handles);
  return {
    name: spec.name,
    path: spec.path,
    kind,
    params,
    returns,
    plain,
    async: spec.async === true,
    direct:
      spec.async !== true &&
      plain &&
      kind === "function" &&
      params.every(([, type]) => immutableKinds.has(type.kind)) &&
      (returns === undefined || (!isResultType(returns) && !returns.handles)),
  };
}

/**
 * One export in an interface's table ({@link exportTable}): where jco keeps it, when that is not what its WIT key
 * gives (`ExportPathOf`: its name on the interface's object; `Class` for a constructor, `Class.name` for a
 * static, the method's name for a method), its parameter names (`"a, b"`), their descriptors, the descriptor of
 * its result, and whether it is an `async func`.
 */
export type ExportEntry = ExportBody | readonly [jco: string, ...ExportBody];

/** An {@link ExportEntry} without jco's name. */
export type ExportBody = readonly [
  names: string,
  params: readonly ValueType[],
  returns?: ValueType | undefined,
  options?: { readonly async?: boolean },
];

/** The entry without jco's name, whether it states one or not. */
export type BodyOf<E> = E extends readonly [string, infer N extends string, ...infer Rest]
  ? readonly [N, ...Rest]
  : E;

/** jco's path of the entry `E` under WIT key `K`: the one it states, or the one its key gives. */
export type PathOf<K, E> = E extends readonly [infer J extends string, string, ...unknown[]]
  ? J
  : ExportPathOf<K>;

/**
 * What an export whose result is described by `V` resolves with: the `ok` value of a `result`, and the value of
 * a `future` (a promise resolved with a promise takes on its value).
 */
export type Settled<V> =
  V extends ResultType<infer T, unknown, never, never>
    ? Awaited<T>
    : V extends ValueType<infer T, never>
      ? Awaited<T>
      : void;

/** The `err` payload of an export whose result is described by `V`; `never` when it is no `result`. */
export type Failure<V> = V extends ResultType<unknown, infer E, never, never> ? E : never;

/** The spec an {@link ExportEntry} describes, its types inferred from its descriptors. */
export type ExportSpecOf<E> = SpecOfBody<BodyOf<E>>;

type SpecOfBody<B> = B extends readonly [string, infer Ps extends readonly ValueType[]]
  ? ExportSpec<void, InputTupleOf<Ps>, never>
  : B extends readonly [string, infer Ps extends readonly ValueType[], infer V, ...unknown[]]
    ? ExportSpec<Settled<V>, InputTupleOf<Ps>, Failure<V>>
    : never;

/**
 * The specs of an interface's exports (`iface` is its WIT id, `ns:pkg/iface@1.0.0`; empty for the world's own
 * functions), keyed by WIT name (`f`, `[method]r.f`, `[static]r.f`, `[constructor]r`): each export's names and
 * paths are derived here from its key and entry (`member-names.ts`), rather than spelled out by the generated
 * code. `root` is
 * jco's key of the interface's object when it is not `iface` (an interface declared inside the world).
 */
/*#__NO_SIDE_EFFECTS__*/
export function exportTable<const E extends Readonly<Record<string, ExportEntry>>>(
  iface: string,
  entries: E,
  root: string = iface,
): ExportTable<E> {
  const table: Record<string, ExportSpec> = {};
  for (const [wit, entry] of Object.entries(entries)) {
    const [jco, names, types, returns, options] =
      typeof entry[1] === "string"
        ? (entry as readonly [string, ...ExportBody])
        : [exportPathOf(wit), ...(entry as ExportBody)];
    const kind = wit.startsWith("[method]")
      ? "method"
      : wit.startsWith("[constructor]")
        ? "constructor"
        : "function";
    const names_ = names === "" ? [] : names.split(", ");
    const params: Record<string, ValueType> = {};
    types.forEach((type, index) => (params[names_[index]!] = type));
    const inner = jco.split(".");
    table[wit] = exportSpec({
      name: iface === "" ? wit : `${iface}#${wit}`,
      path: kind === "method" || root === "" ? inner : [root, ...inner],
      kind,
      params,
      returns,
      async: options?.async,
    });
  }
  return table as ExportTable<E>;
}

/**
 * The guard of a fallible export's error: whether a caught value is the `ResultError` that the export under
 * `key` in `table` rejected with, narrowing its `payload` to the export's `err` type
 * (`catch (e) { if (isCheckedDivError(e)) e.payload; }`). Derived from the spec, so the narrowed type is the one
 * its descriptors describe. The table and the key are passed apart, not as `table.key`: a call whose arguments
 * read no property is one a bundler can drop when the guard is unused.
 */
/*#__NO_SIDE_EFFECTS__*/
export function errorGuard<T, K extends keyof T>(
  table: T,
  key: K,
): (error: unknown) => error is ResultError<ErrorOf<T[K]>> {
  const name = (table[key] as ExportSpec).name;
  return (error: unknown): error is ResultError<ErrorOf<T[K]>> =>
    error instanceof ResultError && error.functionName === name;
}

/** The `err` payload of the export `S` specifies. */
export type ErrorOf<S> = S extends ExportSpec<unknown, readonly unknown[], infer E> ? E : never;

/** Kinds whose values the caller cannot change after the check. */
const immutableKinds: ReadonlySet<ValueKind> = new Set<ValueKind>([
  "bool",
  "integer",
  "float",
  "char",
  "string",
  "enum",
]);

/**
 * Calls a guest export through the instance's gate: checks and lowers the arguments (rejecting before
 * the call when one is wrong), waits for its turn, and lifts the value it returns. A function returning
 * `result<T, E>` resolves with `T` and rejects with `ResultError<E>`. `self` is the resource of a method.
 *
 * What jco gets is what was checked: a call that runs at once hands jco the checked values (jco reads them
 * before anything else runs), and a call that has to wait in the queue hands it checked copies, so that the
 * caller changing an argument meanwhile changes nothing.
 */
export function callExport<R, P extends readonly unknown[]>(
  core: InstanceCore,
  spec: ExportSpec<R, P>,
  args: NoInfer<P>,
  self?: GuestResource,
  callOptions?: AsyncCallOptions,
): Promise<R> {
  const owner = coreOf(core);
  const gate = owner.gate;
  if (self === undefined && spec.direct) {
    // The hot path (at most 150 ns over jco): check the arguments, then let the gate call the instance's one
    // invoker with the spec and `args` themselves; nothing is allocated but the promise. Its arguments are
    // immutable values, so waiting in the queue changes nothing.
    const params = spec.params;
    const context = owner.plainContext;
    try {
      for (let index = 0; index < params.length; index++) {
        const param = params[index]!;
        param[1].lower(args[index], param[0], context);
      }
    } catch (error) {
      return Promise.reject(error);
    }
    return gate.callWith(spec.name, owner.invokeDirect, spec, args, trapEverything) as Promise<R>;
  }
  // Only a call that runs now (the gate is idle) can hand jco the caller's own objects.
  const copy = gate.state !== "idle";
  // A call whose arguments hold no resources shares the instance's frozen context instead of allocating one.
  const plain = self === undefined && spec.plain;
  let loans: Loan[] = noLoans;
  let gifts: (() => void)[] | undefined;
  let lentOn: object[] | undefined;
  const arrays: (readonly [TypedArray, string])[] | undefined = copy ? [] : undefined;
  let context: LowerContext;
  if (!plain) {
    loans = [];
    gifts = [];
    lentOn = [];
    context =
      arrays === undefined
        ? { core: owner, moves: [], loans, gifts, lentOn }
        : { core: owner, moves: [], loans, gifts, lentOn, copy, arrays };
  } else if (arrays !== undefined) {
    context = { core: owner, moves: noMoves, loans: noLoans, copy, arrays };
  } else {
    context = owner.plainContext;
  }
  const params = spec.params;
  const lowered: unknown[] = [];
  let generation: number;
  let target: object;
  let lent: CallLoans | undefined;
  try {
    if (self !== undefined) {
      target = liveGuestRaw(self, owner);
      generation = internalsOf(self).generation;
      // A method borrows its resource (`self: borrow<r>`).
      loans.push([self, internalsOf(self).type.name]);
      if (params.length > 0) context.passed = new Map([[self, "borrow"]]);
    } else {
      target = owner.exports;
      generation = owner.generation;
    }
    for (let index = 0; index < params.length; index++) {
      const param = params[index]!;
      lowered.push(param[1].lower(args[index], param[0], context));
    }
    // Lent from now, while the call waits for its turn too, so that disposing one fails at once instead of
    // making the call fail late.
    if (loans.length > 0) lent = lendForCall(loans);
  } catch (error) {
    if (gifts !== undefined) undoGifts(gifts);
    return Promise.reject(error);
  }
  const moves = context.moves;
  for (let index = 0; index < moves.length; index++) internalsOf(moves[index]!).state = "moved";
  // Guest resources that the call moves or lends belong to `generation` of the instance (lowering checked it).
  const guest = plain ? undefined : (self ?? firstGuestResource(moves, loans));
  /** Whether the gate ran the call and it passed the checks of `run`: the guest then got its arguments. */
  let started = false;
  /** The one exception of this call that is not a trap: a refusal of `run`, or the guest's `result` error. */
  let produced: unknown = undefined;
  const options: CallOptions = {
    isResultError: (error) => error === produced && produced !== undefined,
  };
  const returns = spec.returns;
  const value = isResultType(returns) ? returns.ok : returns;
  const err = isResultType(returns) ? returns.err : undefined;
  // Lifting and mapping a `result` error happen inside the gate's call, so that the gate settles every call's
  // promise in the same number of steps and calls settle in call order whatever they return. A resource
  // object of jco's may have a method called `then` (WIT `then: func()`): lifted first, the gate never sees it.
  const lift =
    value?.handles === true ? (out: unknown): unknown => value.lift(out, owner) : undefined;
  const toResultError = (error: unknown): unknown => {
    // An exception that left a host import is a trap, whatever it is (a handler may rethrow a `ResultError`
    // or a `ComponentError` it got from another call).
    if (owner.importFailed || !isResultType(returns) || !isComponentError(error)) return error;
    produced = new ResultError(
      err?.handles === true ? err.lift(error.payload, owner) : error.payload,
      spec.name,
    );
    return produced;
  };
  const run = (): unknown => {
    // A call queued behind a trap runs after the restart: its resources belonged to the dead instance.
    if (guest !== undefined && generation !== owner.generation) {
      produced = new ResourceDisposedError(internalsOf(guest).type.name);
      throw produced;
    }
    // Typed arrays passed as they are (`LowerContext.arrays`): their buffers must not have been detached since.
    if (arrays !== undefined) {
      for (let index = 0; index < arrays.length; index++) {
        const [array, path] = arrays[index]!;
        if (isDetached(array)) {
          produced = new TypeError(
            `${detachedMessage(path, "a typed array")} (it was detached while the call waited)`,
          );
          throw produced;
        }
      }
    }
    // Borrows a host import received and lent on to this call: the call must start while they last.
    if (lentOn !== undefined) {
      try {
        for (let index = 0; index < lentOn.length; index++) unwrapBorrow(lentOn[index]!);
      } catch (error) {
        produced = error;
        throw error;
      }
    }
    started = true;
    owner.importFailed = false;
    let out: unknown;
    try {
      out = invokeAt(
        self === undefined ? owner.exports : target,
        spec.path,
        spec.kind === "constructor",
        lowered,
      );
    } catch (error) {
      throw toResultError(error);
    }
    if (out instanceof Promise) {
      return out.then(lift, (error: unknown) => {
        throw toResultError(error);
      });
    }
    return lift === undefined ? out : lift(out);
  };
  const loaned = lent;
  // The loans end when the guest returns (at once for jco's synchronous calls, so that `using r = ...;
  // return sdk.f(r);` disposes `r` right after the call), or when the gate refuses the call without running it.
  const invoke =
    loaned === undefined
      ? run
      : (): unknown => {
          loaned.start();
          let out: unknown;
          try {
            out = run();
          } catch (error) {
            loaned.end();
            throw error;
          }
          if (!(out instanceof Promise)) {
            loaned.end();
            return out;
          }
          // An async call's loans last until its task ends (below), not until it returns its value.
          return spec.async ? out : out.finally(loaned.end);
        };
  let called: Promise<unknown>;
  if (spec.async) {
    const call = owner.tasks.call(spec.name, invoke, options.isResultError, callOptions);
    called = call.promise;
    if (loaned !== undefined) void call.ended.then(loaned.end);
  } else {
    called = gate.call(spec.name, invoke, options);
  }
  if (loaned !== undefined && lentOn !== undefined && lentOn.length > 0 && !started) {
    // The call waits: if a borrow it lends on ends first, the call will be refused when it starts (`run`), so
    // its loans end with that borrow, and the lender's guest may drop what it lent.
    for (let index = 0; index < lentOn.length; index++) {
      whenBorrowEnds(lentOn[index]!, () => {
        if (!started) loaned.end();
      });
    }
  }
  const given = gifts !== undefined && gifts.length > 0 ? gifts : undefined;
  if (loaned !== undefined || moves.length > 0 || given !== undefined) {
    // A call the gate refuses without running it (reentrance, poison, disposal, a failed restart, or the
    // checks of `run`) gave the guest nothing: what it was to move is the caller's again (and dropped now if
    // its owner disposed it meanwhile), and the host objects it entered leave the table, the host still
    // owning them. Runs before the caller's own handlers, so that a retry after the rejection finds them live.
    const refused = (): void => {
      if (!spec.async) loaned?.end();
      if (started) return;
      for (let index = 0; index < moves.length; index++) {
        const resource = moves[index]!;
        const internals = internalsOf(resource);
        if (internals.state !== "moved") continue;
        internals.state = "live";
        if (internals.disposeRequested) {
          internals.disposeRequested = false;
          try {
            resource[Symbol.dispose]();
          } catch (error) {
            reportUncaught(error);
          }
        }
      }
      if (given !== undefined) undoGifts(given);
    };
    called.then(spec.async ? undefined : loaned?.end, refused);
  }
  return called as Promise<R>;
}

/** The first guest resource among a call's moves and loans (`self` aside), if any. */
function firstGuestResource(
  moves: readonly GuestResource[],
  loans: readonly Loan[],
): GuestResource | undefined {
  if (moves.length > 0) return moves[0];
  for (let index = 0; index < loans.length; index++) {
    const resource = loans[index]![0];
    if (resource instanceof GuestResource) return resource;
  }
  return undefined;
}

/** `callExport` for a method of a guest resource: the resource knows its instance. */
export function callMethod<R, P extends readonly unknown[]>(
  self: GuestResource,
  spec: ExportSpec<R, P>,
  args: NoInfer<P>,
  callOptions?: AsyncCallOptions,
): Promise<R> {
  return callExport(internalsOf(self).core, spec, args, self, callOptions);
}
