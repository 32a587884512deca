/**
 * Runtime, value types: how every WIT type a call passes is described ({@link ValueType}, built from the
 * combinators below: `u32`, `record(...)`, `list(...)`) and how its values cross jco's boundary. Lowering (SDK
 * value -> jco value) checks the value, so a wrong argument is refused with a `TypeError` or `RangeError` naming
 * it before anything enters the guest, and returns what jco must read: for a call that waits in the gate's queue,
 * a checked copy (`LowerContext.copy`). Lifting (jco -> SDK) converts jco's values back, trusted. Resource handles
 * (`own`, `borrow`) are value types too, in `guest-resources.ts`.
 *
 * Consumes descriptions from generated code and values from the caller or from jco; produces checked values.
 * Copied into SDKs like its siblings: no host-specific imports.
 */

import type { Loan } from "./borrow.js";
import { describeValue } from "./errors.js";
import type { GuestResource } from "./guest-resources.js";
import type { InstanceCore } from "./instance-core.js";

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

function identity(value: unknown): unknown {
  return value;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** A leaf type whose values need nothing but `check`. */
function leaf<T>(
  kind: ValueKind,
  label: string,
  check: (value: unknown, path: string) => void,
): ValueType<T> {
  return {
    kind,
    label,
    handles: false,
    lower(value, path) {
      check(value, path);
      return value;
    },
    lift: identity,
  };
}

/** "an s8", "a u8": the article as the label is read out. */
function article(label: string): string {
  return /^[sf]/.test(label) ? `an ${label}` : `a ${label}`;
}

function integer(label: string, min: number, max: number): ValueType<number> {
  const expected = `${article(label)} (an integer from ${min} to ${max})`;
  return leaf("integer", label, (value, path) => {
    if (typeof value !== "number") throw new TypeError(mismatch(path, expected, value));
    // `Number.isInteger` is false for NaN and the infinities as well.
    if (!Number.isInteger(value) || value < min || value > max)
      throw new RangeError(mismatch(path, expected, value));
  });
}

function bigInteger(label: string, min: bigint, max: bigint): ValueType<bigint> {
  const expected = `${article(label)} (a bigint from ${min} to ${max})`;
  return leaf("integer", label, (value, path) => {
    if (typeof value !== "bigint") throw new TypeError(mismatch(path, expected, value));
    if (value < min || value > max) throw new RangeError(mismatch(path, expected, value));
  });
}

function float(label: string): ValueType<number> {
  // WIT floats include NaN and the infinities (canonical ABI, "float32"/"float64"), so only the type is checked.
  return leaf("float", label, (value, path) => {
    if (typeof value !== "number")
      throw new TypeError(mismatch(path, `${article(label)} (a number)`, value));
  });
}

export const bool: ValueType<boolean> = leaf("bool", "bool", (value, path) => {
  if (typeof value !== "boolean") throw new TypeError(mismatch(path, "a boolean", value));
});

export const u8: ValueType<number> = integer("u8", 0, 255);

export const u16: ValueType<number> = integer("u16", 0, 65_535);

export const u32: ValueType<number> = integer("u32", 0, 4_294_967_295);

export const s8: ValueType<number> = integer("s8", -128, 127);

export const s16: ValueType<number> = integer("s16", -32_768, 32_767);

export const s32: ValueType<number> = integer("s32", -2_147_483_648, 2_147_483_647);

export const u64: ValueType<bigint> = bigInteger("u64", 0n, 18_446_744_073_709_551_615n);

export const s64: ValueType<bigint> = bigInteger(
  "s64",
  -9_223_372_036_854_775_808n,
  9_223_372_036_854_775_807n,
);

export const f32: ValueType<number> = float("f32");

export const f64: ValueType<number> = float("f64");

export const char: ValueType<string> = leaf("char", "char", (value, path) => {
  const expected = "a char (a string of one Unicode scalar value)";
  if (typeof value !== "string") throw new TypeError(mismatch(path, expected, value));
  const code = value.codePointAt(0);
  const width = code !== undefined && code > 0xffff ? 2 : 1;
  // A lone surrogate is a code point but not a scalar value: the canonical ABI traps on it.
  if (code === undefined || value.length !== width || (code >= 0xd800 && code <= 0xdfff)) {
    throw new RangeError(mismatch(path, expected, value));
  }
});

/** `String.prototype.isWellFormed` where the host has it (ES2024), else the same test by pattern. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const isWellFormed: (value: string) => boolean =
  typeof (String.prototype as { readonly isWellFormed?: unknown }).isWellFormed === "function"
    ? (value) => (value as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (value) => !loneSurrogate.test(value);

export const string: ValueType<string> = leaf("string", "string", (value, path) => {
  if (typeof value !== "string") throw new TypeError(mismatch(path, "a string", value));
  // A lone surrogate is no Unicode scalar value: jco would silently lower it as U+FFFD.
  if (!isWellFormed(value)) {
    throw new TypeError(
      mismatch(path, "a string of Unicode scalar values (no lone surrogates)", value),
    );
  }
});

interface TypedArrayClass {
  readonly name: string;
  new (length: number): object;
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

function typedList<A>(label: string, arrayClass: TypedArrayClass): ValueType<A> {
  const expected = `a ${arrayClass.name} (${label})`;
  return {
    kind: "list",
    label,
    handles: false,
    lower(value, path, context) {
      if (!(value instanceof arrayClass)) throw new TypeError(mismatch(path, expected, value));
      const array = value as unknown as TypedArray;
      if (isDetached(array)) throw new TypeError(detachedMessage(path, expected));
      if (context.copy === true) context.arrays?.push([array, path]);
      return array;
    },
    lift: identity,
  };
}

// jco lifts and lowers lists of numbers as typed arrays: `list<u8>` is a `Uint8Array`, and so on.
export const u8List: ValueType<Uint8Array> = typedList("list<u8>", Uint8Array);

export const s8List: ValueType<Int8Array> = typedList("list<s8>", Int8Array);

export const u16List: ValueType<Uint16Array> = typedList("list<u16>", Uint16Array);

export const s16List: ValueType<Int16Array> = typedList("list<s16>", Int16Array);

export const u32List: ValueType<Uint32Array> = typedList("list<u32>", Uint32Array);

export const s32List: ValueType<Int32Array> = typedList("list<s32>", Int32Array);

export const u64List: ValueType<BigUint64Array> = typedList("list<u64>", BigUint64Array);

export const s64List: ValueType<BigInt64Array> = typedList("list<s64>", BigInt64Array);

export const f32List: ValueType<Float32Array> = typedList("list<f32>", Float32Array);

export const f64List: ValueType<Float64Array> = typedList("list<f64>", Float64Array);

function lowerItems(
  items: readonly unknown[],
  element: ValueType,
  path: string,
  context: LowerContext,
): readonly unknown[] {
  if (!element.handles && context.copy !== true && !copiesAlways(element)) {
    for (let index = 0; index < items.length; index++)
      element.lower(items[index], `${path}[${index}]`, context);
    return items;
  }
  const out: unknown[] = [];
  for (let index = 0; index < items.length; index++) {
    out.push(element.lower(items[index], `${path}[${index}]`, context));
  }
  return out;
}

/** Types whose lowering always makes a new value (so that jco reads only what was checked). */
function copiesAlways(type: ValueType | undefined): boolean {
  return type?.copies === true;
}

function liftItems(items: unknown, element: ValueType, core: InstanceCore): unknown {
  if (!element.handles) return items;
  return (items as readonly unknown[]).map((item) => element.lift(item, core));
}

/** `list<T>` for a `T` that is not a number type: an array. */
export function list<T, In>(element: ValueType<T, In>): ValueType<T[], In[]> {
  const label = `list<${element.label}>`;
  return {
    kind: "list",
    label,
    handles: element.handles,
    copies: copiesAlways(element),
    lower(value, path, context) {
      if (!Array.isArray(value)) throw new TypeError(mismatch(path, `an array (${label})`, value));
      return lowerItems(value, element, path, context);
    },
    lift: (value, core) => liftItems(value, element, core),
  };
}

/** "1 element", "3 elements". */
function elements(count: number): string {
  return count === 1 ? "1 element" : `${count} elements`;
}

/**
 * Checks that `value` is an array of `size` elements (a tuple, a fixed-length list): a `TypeError` when it is
 * not an array, a `RangeError` when its length is wrong.
 */
function checkLength(
  value: unknown,
  size: number,
  path: string,
  label: string,
): asserts value is readonly unknown[] {
  const expected = `an array of ${elements(size)} (${label})`;
  if (!Array.isArray(value)) throw new TypeError(mismatch(path, expected, value));
  if (value.length !== size)
    throw new RangeError(`\`${path}\` must be ${expected}, got ${elements(value.length)}`);
}

/**
 * `list<T, N>` as TypeScript spells it: a tuple of `N` `T`s up to 16, an array beyond (the generated types
 * also use an array for a tuple that would spell out too many types, which a tuple value fits).
 */
export type FixedList<T, N extends number, Spelled extends T[] = []> = number extends N
  ? T[]
  : Spelled["length"] extends N
    ? Spelled
    : Spelled["length"] extends 16
      ? T[]
      : FixedList<T, N, [...Spelled, T]>;

/** `list<T, N>`: an array of exactly `size` elements. */
export function fixedList<T, N extends number, In>(
  element: ValueType<T, In>,
  size: N,
): ValueType<FixedList<T, N>, FixedList<In, N>> {
  const label = `list<${element.label}, ${size}>`;
  return {
    kind: "fixed-list",
    label,
    handles: element.handles,
    copies: copiesAlways(element),
    lower(value, path, context) {
      checkLength(value, size, path, label);
      return lowerItems(value, element, path, context);
    },
    lift: (value, core) => liftItems(value, element, core),
  };
}

/** `map<K, V>`: a `Map`. */
export function map<K, V, KIn, VIn>(
  key: ValueType<K, KIn>,
  value: ValueType<V, VIn>,
): ValueType<Map<K, V>, Map<KIn, VIn>> {
  const label = `map<${key.label}, ${value.label}>`;
  const handles = key.handles || value.handles;
  return {
    kind: "map",
    label,
    handles,
    copies: copiesAlways(key) || copiesAlways(value),
    lower(input, path, context) {
      if (!(input instanceof Map)) throw new TypeError(mismatch(path, `a Map (${label})`, input));
      const out =
        handles || context.copy === true || copiesAlways(key) || copiesAlways(value)
          ? new Map<unknown, unknown>()
          : undefined;
      let index = 0;
      for (const [k, v] of input) {
        const loweredKey = key.lower(k, `${path} key ${index}`, context);
        const loweredValue = value.lower(v, `${path}.get(${describeValue(k)})`, context);
        out?.set(loweredKey, loweredValue);
        index++;
      }
      return out ?? input;
    },
    lift(input, core) {
      if (!handles) return input;
      const out = new Map<unknown, unknown>();
      for (const [k, v] of input as Map<unknown, unknown>)
        out.set(key.lift(k, core), value.lift(v, core));
      return out;
    },
  };
}

/** The TypeScript tuple of the element descriptors `Ts`, as the SDK hands them out. */
export type TupleOf<Ts extends readonly ValueType[]> = {
  -readonly [I in keyof Ts]: ValueTypeOf<Ts[I]>;
};

/** The TypeScript tuple of the element descriptors `Ts`, as lowering accepts them. */
export type InputTupleOf<Ts extends readonly ValueType[]> = {
  -readonly [I in keyof Ts]: InputTypeOf<Ts[I]>;
};

/** `tuple<A, B, ...>`: an array of the element types. */
export function tuple<const Ts extends readonly ValueType[]>(
  types: Ts,
): ValueType<TupleOf<Ts>, InputTupleOf<Ts>> {
  const label = `tuple<${types.map((type) => type.label).join(", ")}>`;
  const handles = types.some((type) => type.handles);
  return {
    kind: "tuple",
    label,
    handles,
    copies: types.some(copiesAlways),
    lower(value, path, context) {
      checkLength(value, types.length, path, label);
      const out: unknown[] = [];
      types.forEach((type, index) =>
        out.push(type.lower(value[index], `${path}[${index}]`, context)),
      );
      return handles || context.copy === true || types.some(copiesAlways) ? out : value;
    },
    lift(value, core) {
      if (!handles) return value;
      return types.map((type, index) => type.lift((value as readonly unknown[])[index], core));
    },
  };
}

/**
 * The descriptors of the fields of record type `T`, field by field: each must hand out values of the field's
 * type and accept every value of it (a field of type `unknown` takes any descriptor).
 */
export type RecordFields<T> = { readonly [K in keyof T]-?: ValueType<T[K]> };

/**
 * A `record`: a plain object with one property per field (jco's lowerCamel names). `T` is the record's declared
 * interface, so that each field's descriptor must describe that field's type.
 */
export function record<T>(name: string, fields: RecordFields<T>): ValueType<T> {
  const entries: [string, ValueType][] = Object.entries(fields);
  const handles = entries.some(([, type]) => type.handles);
  const expected = `an object (record \`${name}\`)`;
  // jco reads fields by name, inherited ones too: a field named like an `Object.prototype` member that the
  // value leaves out would be read as that member, so such records are always passed as a copy.
  const copies = entries.some(([field, type]) => field in Object.prototype || copiesAlways(type));
  return {
    kind: "record",
    label: name,
    handles,
    copies,
    lower(value, path, context) {
      if (!isObject(value)) throw new TypeError(mismatch(path, expected, value));
      if (!handles && !copies && context.copy !== true) {
        for (const [field, type] of entries) type.lower(value[field], `${path}.${field}`, context);
        return value;
      }
      const out: Record<string, unknown> = {};
      for (const [field, type] of entries)
        out[field] = type.lower(ownField(value, field), `${path}.${field}`, context);
      return out;
    },
    lift(value, core) {
      if (!handles) return value;
      const input = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [field, type] of entries) out[field] = type.lift(input[field], core);
      return out;
    },
  };
}

/**
 * `value[field]`, except that a member `Object.prototype` supplies (`toString`, `valueOf`, ...) counts as
 * missing: a WIT name never means one of those.
 */
function ownField(value: Record<string, unknown>, field: string): unknown {
  const found = value[field];
  return found !== undefined &&
    !Object.prototype.hasOwnProperty.call(value, field) &&
    field in Object.prototype &&
    found === (Object.prototype as Record<string, unknown>)[field]
    ? undefined
    : found;
}

/**
 * `flags`: an object of booleans; a missing member is false (as jco reads it). Lowered to a fresh object with
 * every member set, so that jco never reads a member from the prototype (`toString`, `valueOf`).
 */
export function flags<T>(name: string, members: readonly (keyof T & string)[]): ValueType<T> {
  return {
    kind: "flags",
    label: name,
    handles: false,
    copies: true,
    lower(value, path) {
      if (!isObject(value))
        throw new TypeError(mismatch(path, `an object (flags \`${name}\`)`, value));
      const out: Record<string, boolean> = {};
      for (const member of members) {
        const flag = ownField(value, member);
        if (flag !== undefined && typeof flag !== "boolean") {
          throw new TypeError(mismatch(`${path}.${member}`, "a boolean or undefined", flag));
        }
        out[member] = flag === true;
      }
      return out;
    },
    lift: identity,
  };
}

/** The payload descriptors of variant type `T`, case by case (`undefined` for a case without one). */
export type VariantCases<T extends { readonly tag: string }> = {
  readonly [K in T["tag"]]-?: Extract<T, { readonly tag: K }> extends { readonly val: infer V }
    ? ValueType<V>
    : undefined;
};

/**
 * A `variant`: `{ tag, val }`; `cases` maps each tag to its payload type (undefined for none). `T` is the
 * variant's declared union, so that each case's descriptor must describe that case's payload.
 */
export function variant<T extends { readonly tag: string }>(
  name: string,
  cases: VariantCases<T>,
): ValueType<T> {
  const payloads = new Map<string, ValueType | undefined>(Object.entries(cases));
  const handles = [...payloads.values()].some((type) => type?.handles === true);
  const expected = `one of the cases of variant \`${name}\` (${[...payloads.keys()].map((tag) => `"${tag}"`).join(", ")})`;
  return {
    kind: "variant",
    label: name,
    handles,
    copies: [...payloads.values()].some(copiesAlways),
    lower(value, path, context) {
      if (!isObject(value))
        throw new TypeError(mismatch(path, `an object (variant \`${name}\`)`, value));
      const tag = value["tag"];
      if (typeof tag !== "string" || !payloads.has(tag))
        throw new TypeError(mismatch(`${path}.tag`, expected, tag));
      const payload = payloads.get(tag);
      if (payload === undefined) return context.copy === true ? { tag } : value;
      const val = payload.lower(value["val"], `${path}.val`, context);
      return payload.handles || context.copy === true || copiesAlways(payload)
        ? { tag, val }
        : value;
    },
    lift(value, core) {
      if (!handles) return value;
      const input = value as { readonly tag: string; readonly val?: unknown };
      const payload = payloads.get(input.tag);
      return payload === undefined ? value : { tag: input.tag, val: payload.lift(input.val, core) };
    },
  };
}

/** An `enum`: one of the case names, as written in WIT. */
export function enumeration<T extends string>(name: string, cases: readonly T[]): ValueType<T> {
  const names = new Set<string>(cases);
  const expected = `one of the cases of enum \`${name}\` (${cases.map((c) => `"${c}"`).join(", ")})`;
  return leaf<T>("enum", name, (value, path) => {
    if (typeof value !== "string" || !names.has(value))
      throw new TypeError(mismatch(path, expected, value));
  });
}

/** The TypeScript type of `option<T>` for the descriptor `V` of `T` (see {@link option}). */
export type OptionOf<V> =
  V extends OptionType<infer T, never> ? Option<T> : ValueTypeOf<V> | undefined;

/** What lowering `option<T>` accepts, for the descriptor `V` of `T`. */
export type OptionInputOf<V> =
  V extends OptionType<unknown, infer In> ? Option<In> : InputTypeOf<V> | undefined;

/**
 * `option<T>`: `T | undefined`; when `T` is itself an option, jco uses `{ tag: "some", val }` /
 * `{ tag: "none" }` so that the two levels stay apart.
 */
export function option<V extends ValueType>(inner: V): OptionType<OptionOf<V>, OptionInputOf<V>> {
  const label = `option<${inner.label}>`;
  if (inner.kind !== "option") {
    return {
      kind: "option",
      label,
      handles: inner.handles,
      copies: copiesAlways(inner),
      lower: (value, path, context) =>
        value === undefined ? undefined : inner.lower(value, path, context),
      lift: (value, core) =>
        value === undefined || !inner.handles ? value : inner.lift(value, core),
    };
  }
  const expected = `{ tag: "some", val } or { tag: "none" } (${label})`;
  return {
    kind: "option",
    label,
    handles: inner.handles,
    copies: copiesAlways(inner),
    lower(value, path, context) {
      if (!isObject(value)) throw new TypeError(mismatch(path, expected, value));
      if (value["tag"] === "none") return context.copy === true ? { tag: "none" } : value;
      if (value["tag"] !== "some")
        throw new TypeError(mismatch(`${path}.tag`, `"some" or "none"`, value["tag"]));
      const val = inner.lower(value["val"], `${path}.val`, context);
      return inner.handles || context.copy === true || copiesAlways(inner)
        ? { tag: "some", val }
        : value;
    },
    lift(value, core) {
      const input = value as { readonly tag: string; readonly val?: unknown };
      return input.tag === "some" && inner.handles
        ? { tag: "some", val: inner.lift(input.val, core) }
        : value;
    },
  };
}

/** `result<T, E>` as a value: `{ tag: "ok", val } | { tag: "err", val }`; a missing side is `undefined`. */
export function result<T = undefined, E = undefined, TIn = T, EIn = E>(
  ok: ValueType<T, TIn> | undefined,
  err: ValueType<E, EIn> | undefined,
): ResultType<T, E, TIn, EIn> {
  const label = `result<${ok?.label ?? "_"}, ${err?.label ?? "_"}>`;
  const handles = ok?.handles === true || err?.handles === true;
  return {
    kind: "result",
    label,
    handles,
    copies: copiesAlways(ok) || copiesAlways(err),
    ok,
    err,
    lower(value, path, context) {
      if (!isObject(value))
        throw new TypeError(mismatch(path, `{ tag: "ok" | "err", val } (${label})`, value));
      const tag = value["tag"];
      if (tag !== "ok" && tag !== "err")
        throw new TypeError(mismatch(`${path}.tag`, `"ok" or "err"`, tag));
      const payload = tag === "ok" ? ok : err;
      if (payload === undefined) return context.copy === true ? { tag } : value;
      const val = payload.lower(value["val"], `${path}.val`, context);
      return payload.handles || context.copy === true || copiesAlways(payload)
        ? { tag, val }
        : value;
    },
    lift(value, core) {
      if (!handles) return value;
      const input = value as { readonly tag: "ok" | "err"; readonly val?: unknown };
      const payload = input.tag === "ok" ? ok : err;
      return payload === undefined ? value : { tag: input.tag, val: payload.lift(input.val, core) };
    },
  };
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
