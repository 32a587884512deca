/**
 * Runtime, compound types: the descriptors of values that hold other values: `list`, fixed-length lists,
 * `map`, `tuple`, `record`, `flags`, `variant`, `option` and `result`. Each is built from the descriptors of
 * its parts and typed by them (`record<Point>(...)` field by field), so that its TypeScript type follows from
 * theirs. Lowering makes a new value only where jco must not read the caller's (values holding handles, flags,
 * or a copy for a queued call); lifting converts only what holds handles.
 *
 * Consumes the descriptors of the parts; produces the descriptors generated code names.
 */

import { describeValue } from "./errors.js";
import type { InstanceCore } from "./instance-core.js";
import {
  isObject,
  mismatch,
  type InputTupleOf,
  type InputTypeOf,
  type LowerContext,
  type Option,
  type OptionType,
  type ResultType,
  type TupleOf,
  type ValueType,
  type ValueTypeOf,
} from "./value-types.js";

function identity(value: unknown): unknown {
  return value;
}

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
/*#__NO_SIDE_EFFECTS__*/
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
/*#__NO_SIDE_EFFECTS__*/
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
/*#__NO_SIDE_EFFECTS__*/
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

/** `tuple<A, B, ...>`: an array of the element types. */
/*#__NO_SIDE_EFFECTS__*/
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
/*#__NO_SIDE_EFFECTS__*/
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
/*#__NO_SIDE_EFFECTS__*/
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
/*#__NO_SIDE_EFFECTS__*/
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
/*#__NO_SIDE_EFFECTS__*/
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
/*#__NO_SIDE_EFFECTS__*/
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
