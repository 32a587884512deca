/**
 * Runtime, leaf types: the descriptors of values jco takes and gives as they are, which lowering only checks:
 * `bool`, the integers and floats, `char`, `string`, enum cases, and lists of numbers, which jco passes as typed
 * arrays (`list<u8>` is a `Uint8Array`).
 *
 * Consumes values from the caller or from jco; produces the descriptors generated code names.
 */

import {
  detachedMessage,
  isDetached,
  mismatch,
  type TypedArray,
  type ValueKind,
  type ValueType,
} from "./value-types.js";

function identity(value: unknown): unknown {
  return value;
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

/** An `enum`: one of the case names, as written in WIT. */
/*#__NO_SIDE_EFFECTS__*/
export function enumeration<T extends string>(name: string, cases: readonly T[]): ValueType<T> {
  const names = new Set<string>(cases);
  const expected = `one of the cases of enum \`${name}\` (${cases.map((c) => `"${c}"`).join(", ")})`;
  return leaf<T>("enum", name, (value, path) => {
    if (typeof value !== "string" || !names.has(value))
      throw new TypeError(mismatch(path, expected, value));
  });
}

interface TypedArrayClass {
  readonly name: string;
  new (length: number): object;
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
