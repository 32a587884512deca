/**
 * Runtime, value types: what a descriptor of a WIT type is ({@link ValueType}) and what lowering a value needs
 * ({@link LowerContext}). Every type a call passes is described by one, built by generated code from the
 * combinators of `leaf-types.ts` (`u32`, `string`, `u8List`, `enumeration(...)`) and `compound-types.ts`
 * (`record(...)`, `list(...)`, `option(...)`), and resource handles by `own`/`borrow` in `guest-resources.ts`
 * and `future`/`stream` in `async-values.ts`. Lowering (SDK value -> jco value) checks the value, so a wrong
 * argument is refused with a `TypeError` or `RangeError` naming it before anything enters the guest, and
 * returns what jco must read: for a call that waits in the gate's queue, a checked copy (`LowerContext.copy`).
 * Lifting (jco -> SDK) converts jco's values back, trusted.
 *
 * Consumes nothing but its siblings' types; produces the contract the descriptors and their users share.
 * Copied into SDKs like its siblings: no host-specific imports.
 */

import { describeValue } from "./errors.js";
import type { GuestResource } from "./guest-resources.js";
import type { InstanceCore } from "./instance-core.js";
import type { Loan } from "./loans.js";

/** The shapes a {@link ValueType} can have. */
export type ValueKind =
  | "bool"
  | "integer"
  | "float"
  | "char"
  | "string"
  | "list"
  | "fixed-list"
  | "map"
  | "tuple"
  | "record"
  | "flags"
  | "variant"
  | "enum"
  | "option"
  | "result"
  | "own"
  | "borrow"
  | "opaque";

/** What lowering a value needs besides the value: the instance, and the owned guest resources it moves. */
export interface LowerContext {
  readonly core: InstanceCore;
  /** Guest resources passed as `own`: they move into the guest once every argument was lowered. */
  readonly moves: GuestResource[];
  /** Resources passed as `borrow` to an export: lent to the guest for the call (`borrow.ts`). */
  readonly loans?: Loan[];
  /**
   * How to undo what lowering gave the guest (host objects passed as `own` enter the resource table as the
   * guest's): run, newest first, when a later value fails its check or the call does not reach the guest.
   */
  readonly gifts?: (() => void)[];
  /** Borrows a host import received that an export call lends on: the call must not outlive them. */
  readonly lentOn?: object[];
  /**
   * Return a checked copy of every mutable value (records, lists, maps, variants, ...) rather than the value
   * itself: jco reads what it is given only when the call runs, and a queued call's caller may change it
   * meanwhile. Calls that run at once (the gate was idle) need no copy. Typed arrays are not copied (any
   * content is valid, and copying costs a pass over the bytes): they are listed in `arrays` instead, and
   * checked again when the call starts, since a buffer detached meanwhile would make jco throw inside the call.
   */
  readonly copy?: boolean;
  readonly arrays?: (readonly [array: TypedArray, path: string])[];
  /**
   * Every resource lowered so far in this call and how (filled in by lowering): one resource cannot be
   * passed as `own` twice, nor as `own` and `borrow`, in one call.
   */
  passed?: Map<object, "own" | "borrow">;
}

declare const valueBrand: unique symbol;

/**
 * A WIT type as the runtime sees it: how to check and convert its values. Built by the functions below.
 *
 * `T` is the TypeScript type of the values the SDK hands out (an export's result, a host import's arguments)
 * and `In` that of the values lowering accepts (an export's arguments, a host import's result). They are the
 * same type except where the SDK takes more than it gives: any thenable for a `future` (it gives a
 * `Promise`), any iterable for a `stream` (it gives a `ReadableStream`), a view or handle to lend on for a
 * `borrow`. The types of a function's parameters and result follow from its descriptors, and a descriptor
 * that disagrees with the type a generated declaration states does not compile. `ValueType` without type
 * arguments is any descriptor.
 */
export interface ValueType<T = unknown, In = [unknown] extends [T] ? never : T> {
  readonly kind: ValueKind;
  /** The type as WIT spells it, for messages (`u32`, `list<point>`). */
  readonly label: string;
  /** True when values hold resource handles, so the SDK's value and jco's differ. */
  readonly handles: boolean;
  /** True when lowering always makes a new value (flags, and what holds them), even without `copy`. */
  readonly copies?: boolean;
  /**
   * Checks an SDK value and returns the value jco expects: throws `TypeError` for a value of the wrong
   * kind, and `RangeError` for a value of the right kind out of range (a number, a char that is not one
   * Unicode scalar value, a tuple or fixed-length list of the wrong length), naming `path` (a parameter
   * name, `p.x`, `list[3]`).
   */
  lower(value: unknown, path: string, context: LowerContext): unknown;
  /** Converts a value jco produced into the SDK's; it is trusted, so nothing is checked. */
  lift(value: unknown, core: InstanceCore): unknown;
  /**
   * Only carries the types for the type checker: `T` covariantly, `In` contravariantly (a descriptor that
   * accepts more fits where one that accepts less is expected, never the reverse).
   */
  readonly [valueBrand]?: { readonly type: T; readonly accepts: (value: In) => void };
}

/** The TypeScript type of the values the SDK hands out for descriptor `V` (lifted values). */
export type ValueTypeOf<V> = V extends ValueType<infer T, never> ? T : never;

/** The TypeScript type of the values descriptor `V` accepts (lowered values). */
export type InputTypeOf<V> = V extends ValueType<unknown, infer In> ? In : never;

/** The TypeScript tuple of the element descriptors `Ts`, as the SDK hands them out. */
export type TupleOf<Ts extends readonly ValueType[]> = {
  -readonly [I in keyof Ts]: ValueTypeOf<Ts[I]>;
};

/** The TypeScript tuple of the element descriptors `Ts`, as lowering accepts them. */
export type InputTupleOf<Ts extends readonly ValueType[]> = {
  -readonly [I in keyof Ts]: InputTypeOf<Ts[I]>;
};

/** A `result<T, E>` type: function results use its parts. `TIn`, `EIn`: what lowering accepts of each. */
export interface ResultType<
  T = unknown,
  E = unknown,
  TIn = [unknown] extends [T] ? never : T,
  EIn = [unknown] extends [E] ? never : E,
> extends ValueType<Result<T, E>, Result<TIn, EIn>> {
  readonly kind: "result";
  readonly ok: ValueType<T, TIn> | undefined;
  readonly err: ValueType<E, EIn> | undefined;
}

/** An `option<T>` type: an option of an option is spelled differently (see {@link option}). */
export interface OptionType<T = unknown, In = [unknown] extends [T] ? never : T> extends ValueType<
  T,
  In
> {
  readonly kind: "option";
}

/** `result<T, E>` anywhere but as a function's result (which resolves with `T` or rejects instead). */
export type Result<T, E> = { tag: "ok"; val: T } | { tag: "err"; val: E };

/** `option<T>` when `T` is itself an option (plain options are `T | undefined`). */
export type Option<T> = { tag: "some"; val: T } | { tag: "none" };

/** The phrase every check failure uses: "`path` must be <expected>, got <value>". */
export function mismatch(path: string, expected: string, value: unknown): string {
  return `\`${path}\` must be ${expected}, got ${describeValue(value)}`;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** What the runtime reads of a typed array. */
export interface TypedArray {
  readonly buffer: object;
  readonly byteLength: number;
}

/** Whether a typed array's buffer was detached (transferred): its length reads 0 and jco's lowering throws. */
export function isDetached(array: TypedArray): boolean {
  if (array.byteLength !== 0) return false;
  const detached = (array.buffer as { readonly detached?: unknown }).detached;
  if (typeof detached === "boolean") return detached;
  // Hosts before ES2024's `ArrayBuffer.prototype.detached`: only a detached buffer refuses a new view.
  try {
    new Uint8Array(array.buffer as ArrayBuffer);
    return false;
  } catch {
    return true;
  }
}

export function detachedMessage(path: string, expected: string): string {
  return `\`${path}\` must be ${expected} whose buffer is not detached`;
}

export function isResultType(type: ValueType | undefined): type is ResultType {
  return type?.kind === "result";
}

/** Undoes what lowering gave the guest, newest first. */
export function undoGifts(gifts: readonly (() => void)[]): void {
  for (let index = gifts.length - 1; index >= 0; index--) {
    try {
      gifts[index]!();
    } catch {
      // `ResourceLentError`: the host lent the entry while the call waited. It stays, and the host, which
      // owns it, deletes it as it would any entry it pushed.
    }
  }
}
