/**
 * Runtime, canonical ABI: how the SDK lifts and lowers values itself, for calls that reach a component's core
 * exports directly (`direct-calls.ts`). Consumes a value type as the generator describes it ({@link AbiType},
 * the WIT type with jco's JavaScript names for record fields and flags) and produces a {@link Codec}: its size,
 * alignment and flattening (CanonicalABI.md, "Element Size", "Alignment", "Flattening"), and the functions that
 * store and load values in linear memory and lower and lift them as flat core values. JavaScript values have
 * the shapes jco gives them (typed arrays for lists of numbers, `{ tag, val }` variants, `T | undefined`
 * options), so a direct call and a call through jco give identical results.
 *
 * Values are trusted: the SDK's value types (`values.ts`) check arguments, with paths in their messages, before
 * anything here runs. What the guest hands back is checked where the canonical ABI traps (a `char` that is not
 * a Unicode scalar value, a discriminant out of range, memory out of bounds).
 * Copied into SDKs like its siblings: no host-specific imports.
 */
import { CanonicalTrap, type GuestMemory } from "./canonical-memory.js";

/** A WIT value type, as generated code describes it for the direct path. */
export type AbiType =
  | "bool"
  | "s8"
  | "u8"
  | "s16"
  | "u16"
  | "s32"
  | "u32"
  | "s64"
  | "u64"
  | "f32"
  | "f64"
  | "char"
  | "string"
  | { readonly kind: "list"; readonly element: AbiType; readonly size?: number }
  | {
      readonly kind: "record";
      readonly fields: readonly (readonly [name: string, type: AbiType])[];
      /**
       * The record's field values in order, and a record from them: written out per record type by the
       * generator, so that each field is read and written by name (a shared loop over names would read them
       * by computed key, which the engine cannot specialise). Made from `fields` when absent.
       */
      readonly read?: (value: Record<string, unknown>) => unknown[];
      readonly make?: (values: readonly unknown[]) => unknown;
    }
  | { readonly kind: "tuple"; readonly types: readonly AbiType[] }
  | {
      readonly kind: "variant";
      readonly cases: readonly (readonly [tag: string, type: AbiType | null])[];
    }
  | { readonly kind: "enum"; readonly cases: readonly string[] }
  | { readonly kind: "flags"; readonly names: readonly string[] }
  | { readonly kind: "option"; readonly inner: AbiType }
  | { readonly kind: "result"; readonly ok: AbiType | null; readonly err: AbiType | null };

/** A core value type of the flattening. */
export type FlatType = "i32" | "i64" | "f32" | "f64";

/** Reads flat values one after the other (`CoerceValueIter` in CanonicalABI.md, without the coercion). */
export interface FlatCursor {
  readonly values: readonly unknown[];
  index: number;
}

/** Everything the direct path needs to move values of one type. */
export interface Codec {
  readonly size: number;
  readonly align: number;
  readonly flat: readonly FlatType[];
  store(memory: GuestMemory, ptr: number, value: unknown): void;
  load(memory: GuestMemory, ptr: number): unknown;
  /** Pushes the flat core values of `value` onto `out`. */
  lower(memory: GuestMemory, value: unknown, out: unknown[]): void;
  lift(memory: GuestMemory, cursor: FlatCursor): unknown;
  /** For types of one flat value that need no memory: lifts that value without a cursor. */
  readonly liftOne?: (value: unknown) => unknown;
}

function alignTo(offset: number, align: number): number {
  return Math.ceil(offset / align) * align;
}

const cache = new WeakMap<object, Codec>();
const primitives = new Map<string, Codec>();

/** The codec of a type; compound types' codecs are made once per type object. */
export function codecOf(type: AbiType): Codec {
  if (typeof type === "string") {
    let codec = primitives.get(type);
    if (codec === undefined) primitives.set(type, (codec = primitiveCodec(type)));
    return codec;
  }
  let codec = cache.get(type);
  if (codec === undefined) cache.set(type, (codec = compoundCodec(type)));
  return codec;
}

function next(cursor: FlatCursor): unknown {
  return cursor.values[cursor.index++];
}

function integer(
  size: 1 | 2 | 4,
  lift: (value: number) => number,
  store: (view: DataView, ptr: number, value: number) => void,
  load: (view: DataView, ptr: number) => number,
): Codec {
  return {
    size,
    align: size,
    flat: ["i32"],
    store: (memory, ptr, value) => store(memory.view, ptr, value as number),
    load: (memory, ptr) => load(memory.view, ptr),
    lower: (_memory, value, out) => void out.push(value),
    lift: (_memory, cursor) => lift(next(cursor) as number),
    liftOne: (value) => lift(value as number),
  };
}

function primitiveCodec(type: Extract<AbiType, string>): Codec {
  switch (type) {
    case "bool":
      return {
        size: 1,
        align: 1,
        flat: ["i32"],
        store: (memory, ptr, value) => void (memory.bytes[ptr] = value === true ? 1 : 0),
        load: (memory, ptr) => memory.bytes[ptr] !== 0,
        lower: (_memory, value, out) => void out.push(value === true ? 1 : 0),
        lift: (_memory, cursor) => next(cursor) !== 0,
        liftOne: (value) => value !== 0,
      };
    case "u8":
      return integer(
        1,
        (v) => v & 0xff,
        (d, p, v) => d.setUint8(p, v),
        (d, p) => d.getUint8(p),
      );
    case "s8":
      return integer(
        1,
        (v) => (v << 24) >> 24,
        (d, p, v) => d.setInt8(p, v),
        (d, p) => d.getInt8(p),
      );
    case "u16":
      return integer(
        2,
        (v) => v & 0xffff,
        (d, p, v) => d.setUint16(p, v, true),
        (d, p) => d.getUint16(p, true),
      );
    case "s16":
      return integer(
        2,
        (v) => (v << 16) >> 16,
        (d, p, v) => d.setInt16(p, v, true),
        (d, p) => d.getInt16(p, true),
      );
    case "u32":
      return integer(
        4,
        (v) => v >>> 0,
        (d, p, v) => d.setUint32(p, v, true),
        (d, p) => d.getUint32(p, true),
      );
    case "s32":
      return integer(
        4,
        (v) => v | 0,
        (d, p, v) => d.setInt32(p, v, true),
        (d, p) => d.getInt32(p, true),
      );
    case "u64":
      return {
        size: 8,
        align: 8,
        flat: ["i64"],
        store: (memory, ptr, value) => memory.view.setBigUint64(ptr, value as bigint, true),
        load: (memory, ptr) => memory.view.getBigUint64(ptr, true),
        lower: (_memory, value, out) => void out.push(value),
        lift: (_memory, cursor) => BigInt.asUintN(64, next(cursor) as bigint),
        liftOne: (value) => BigInt.asUintN(64, value as bigint),
      };
    case "s64":
      return {
        size: 8,
        align: 8,
        flat: ["i64"],
        store: (memory, ptr, value) => memory.view.setBigInt64(ptr, value as bigint, true),
        load: (memory, ptr) => memory.view.getBigInt64(ptr, true),
        lower: (_memory, value, out) => void out.push(value),
        lift: (_memory, cursor) => BigInt.asIntN(64, next(cursor) as bigint),
        liftOne: (value) => BigInt.asIntN(64, value as bigint),
      };
    case "f32":
      return {
        size: 4,
        align: 4,
        flat: ["f32"],
        store: (memory, ptr, value) => memory.view.setFloat32(ptr, value as number, true),
        load: (memory, ptr) => memory.view.getFloat32(ptr, true),
        lower: (_memory, value, out) => void out.push(value),
        lift: (_memory, cursor) => next(cursor),
        liftOne: (value) => value,
      };
    case "f64":
      return {
        size: 8,
        align: 8,
        flat: ["f64"],
        store: (memory, ptr, value) => memory.view.setFloat64(ptr, value as number, true),
        load: (memory, ptr) => memory.view.getFloat64(ptr, true),
        lower: (_memory, value, out) => void out.push(value),
        lift: (_memory, cursor) => next(cursor),
        liftOne: (value) => value,
      };
    case "char":
      return {
        size: 4,
        align: 4,
        flat: ["i32"],
        store: (memory, ptr, value) =>
          memory.view.setUint32(ptr, (value as string).codePointAt(0)!, true),
        load: (memory, ptr) => liftChar(memory.view.getUint32(ptr, true)),
        lower: (_memory, value, out) => void out.push((value as string).codePointAt(0)),
        lift: (_memory, cursor) => liftChar((next(cursor) as number) >>> 0),
        liftOne: (value) => liftChar((value as number) >>> 0),
      };
    case "string":
      return {
        size: 8,
        align: 4,
        flat: ["i32", "i32"],
        store(memory, ptr, value) {
          const at = memory.lowerString(value as string);
          memory.view.setUint32(ptr, at, true);
          memory.view.setUint32(ptr + 4, memory.written, true);
        },
        load: (memory, ptr) =>
          memory.liftString(memory.view.getUint32(ptr, true), memory.view.getUint32(ptr + 4, true)),
        lower(memory, value, out) {
          const at = memory.lowerString(value as string);
          out.push(at, memory.written);
        },
        lift: (memory, cursor) =>
          memory.liftString((next(cursor) as number) >>> 0, (next(cursor) as number) >>> 0),
      };
    default: {
      const never: never = type;
      return never;
    }
  }
}

function liftChar(code: number): string {
  if (code >= 0x110000 || (code >= 0xd800 && code <= 0xdfff)) {
    throw new CanonicalTrap(
      `the guest passed ${code}, which is not a Unicode scalar value, as a char`,
    );
  }
  return String.fromCodePoint(code);
}

function compoundCodec(type: Exclude<AbiType, string>): Codec {
  switch (type.kind) {
    case "list":
      return type.size === undefined
        ? listCodec(type.element)
        : fixedListCodec(type.element, type.size);
    case "record": {
      const names = type.fields.map(([name]) => name);
      const codecs = type.fields.map(([, field]) => codecOf(field));
      return structCodec(
        codecs,
        type.read ?? ((value) => names.map((name) => (value as Record<string, unknown>)[name])),
        type.make ??
          ((values) => {
            const out: Record<string, unknown> = {};
            for (let index = 0; index < names.length; index++) out[names[index]!] = values[index];
            return out;
          }),
      );
    }
    case "tuple":
      return structCodec(
        type.types.map(codecOf),
        (value) => value as readonly unknown[],
        (values) => values,
      );
    case "flags":
      return flagsCodec(type.names);
    case "enum":
      return variantCodec(
        type.cases.map(() => undefined),
        (value) => type.cases.indexOf(value as string),
        () => undefined,
        (index) => type.cases[index],
      );
    case "variant": {
      const tags = type.cases.map(([tag]) => tag);
      const payloads = type.cases.map(([, payload]) =>
        payload === null ? undefined : codecOf(payload),
      );
      return variantCodec(
        payloads,
        (value) => tags.indexOf((value as { readonly tag: string }).tag),
        (value) => (value as { readonly val?: unknown }).val,
        (index, val) =>
          payloads[index] === undefined ? { tag: tags[index] } : { tag: tags[index], val },
      );
    }
    case "option": {
      // jco nests `option<option<T>>` as `{ tag: "some", val }` / `{ tag: "none" }`; a plain option is `T | undefined`.
      const nested = typeof type.inner !== "string" && type.inner.kind === "option";
      return variantCodec(
        [undefined, codecOf(type.inner)],
        nested
          ? (value) => ((value as { readonly tag: string }).tag === "some" ? 1 : 0)
          : (value) => (value === undefined ? 0 : 1),
        nested ? (value) => (value as { readonly val?: unknown }).val : (value) => value,
        nested
          ? (index, val) => (index === 0 ? { tag: "none" } : { tag: "some", val })
          : (index, val) => (index === 0 ? undefined : val),
      );
    }
    case "result":
      return variantCodec(
        [
          type.ok === null ? undefined : codecOf(type.ok),
          type.err === null ? undefined : codecOf(type.err),
        ],
        (value) => ((value as { readonly tag: string }).tag === "ok" ? 0 : 1),
        (value) => (value as { readonly val?: unknown }).val,
        (index, val) => ({ tag: index === 0 ? "ok" : "err", val }),
      );
    default: {
      const never: never = type;
      return never;
    }
  }
}

/** Records and tuples: fields one after the other, each at its alignment. */
function structCodec(
  codecs: readonly Codec[],
  fields: (value: never) => readonly unknown[],
  make: (values: unknown[]) => unknown,
): Codec {
  const read = fields as (value: unknown) => readonly unknown[];
  let size = 0;
  let align = 1;
  const offsets: number[] = [];
  const flat: FlatType[] = [];
  for (const codec of codecs) {
    size = alignTo(size, codec.align);
    offsets.push(size);
    size += codec.size;
    align = Math.max(align, codec.align);
    flat.push(...codec.flat);
  }
  size = alignTo(size, align);
  const count = codecs.length;
  return {
    size,
    align,
    flat,
    store(memory, ptr, value) {
      const values = read(value);
      for (let index = 0; index < count; index++)
        codecs[index]!.store(memory, ptr + offsets[index]!, values[index]);
    },
    load(memory, ptr) {
      const values: unknown[] = [];
      for (let index = 0; index < count; index++)
        values.push(codecs[index]!.load(memory, ptr + offsets[index]!));
      return make(values);
    },
    lower(memory, value, out) {
      const values = read(value);
      for (let index = 0; index < count; index++) codecs[index]!.lower(memory, values[index], out);
    },
    lift(memory, cursor) {
      const values: unknown[] = [];
      for (let index = 0; index < count; index++) values.push(codecs[index]!.lift(memory, cursor));
      return make(values);
    },
  };
}

/** `list<T, N>`: N elements in place, as a JavaScript array. */
function fixedListCodec(element: AbiType, length: number): Codec {
  const codec = codecOf(element);
  const inner = structCodec(
    Array.from({ length }, () => codec),
    (value) => value as readonly unknown[],
    (values) => values,
  );
  return inner;
}

interface TypedArrayClass {
  readonly BYTES_PER_ELEMENT: number;
  new (buffer: ArrayBuffer): ArrayLike<unknown> & {
    readonly buffer: ArrayBuffer;
    readonly byteOffset: number;
    readonly byteLength: number;
  };
}

/** The element types jco lifts as typed arrays (the SDK's `u8List` ... `f64List`). */
const typedArrays: Readonly<Record<string, TypedArrayClass>> = {
  u8: Uint8Array,
  s8: Int8Array,
  u16: Uint16Array,
  s16: Int16Array,
  u32: Uint32Array,
  s32: Int32Array,
  u64: BigUint64Array as unknown as TypedArrayClass,
  s64: BigInt64Array as unknown as TypedArrayClass,
  f32: Float32Array,
  f64: Float64Array,
};

/** `list<T>`: pointer and length of elements the lowering side allocates. */
function listCodec(element: AbiType): Codec {
  const codec = codecOf(element);
  const typed = typeof element === "string" ? typedArrays[element] : undefined;
  const { size, align } = codec;
  const lowerList = (memory: GuestMemory, value: unknown): readonly [number, number] => {
    if (typed !== undefined) {
      // Numbers are copied at memory speed: the typed array's bytes are the list's layout (little-endian).
      const array = value as {
        readonly buffer: ArrayBuffer;
        readonly byteOffset: number;
        readonly byteLength: number;
        readonly length: number;
      };
      const ptr = memory.alloc(align, array.byteLength);
      memory.bytes.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), ptr);
      return [ptr, array.length];
    }
    const items = value as readonly unknown[];
    const ptr = memory.alloc(align, items.length * size);
    for (let index = 0; index < items.length; index++)
      codec.store(memory, ptr + index * size, items[index]);
    return [ptr, items.length];
  };
  const liftList = (memory: GuestMemory, ptr: number, length: number): unknown => {
    if (ptr % align !== 0) throw new CanonicalTrap(`a list at ${ptr} is not aligned to ${align}`);
    memory.check(ptr, length * size);
    if (typed !== undefined) {
      const bytes = memory.bytes;
      return new typed(
        (bytes.buffer as ArrayBuffer).slice(
          bytes.byteOffset + ptr,
          bytes.byteOffset + ptr + length * size,
        ),
      );
    }
    const out: unknown[] = [];
    for (let index = 0; index < length; index++) out.push(codec.load(memory, ptr + index * size));
    return out;
  };
  return {
    size: 8,
    align: 4,
    flat: ["i32", "i32"],
    store(memory, ptr, value) {
      const [at, length] = lowerList(memory, value);
      memory.view.setUint32(ptr, at, true);
      memory.view.setUint32(ptr + 4, length, true);
    },
    load: (memory, ptr) =>
      liftList(memory, memory.view.getUint32(ptr, true), memory.view.getUint32(ptr + 4, true)),
    lower(memory, value, out) {
      const [at, length] = lowerList(memory, value);
      out.push(at, length);
    },
    lift: (memory, cursor) =>
      liftList(memory, (next(cursor) as number) >>> 0, (next(cursor) as number) >>> 0),
  };
}

function flagsCodec(names: readonly string[]): Codec {
  const count = names.length;
  const words = Math.ceil(count / 32);
  const size = count <= 8 ? 1 : count <= 16 ? 2 : 4 * words;
  const toWords = (value: unknown): number[] => {
    const out = new Array<number>(words).fill(0);
    const flags = value as Readonly<Record<string, unknown>>;
    for (let index = 0; index < count; index++) {
      if (flags[names[index]!] === true)
        out[index >>> 5] = (out[index >>> 5]! | (1 << (index & 31))) >>> 0;
    }
    return out;
  };
  const fromWords = (read: (word: number) => number): Record<string, boolean> => {
    const out: Record<string, boolean> = {};
    for (let index = 0; index < count; index++)
      out[names[index]!] = ((read(index >>> 5) >>> (index & 31)) & 1) === 1;
    return out;
  };
  return {
    size,
    align: size >= 4 ? 4 : size,
    flat: new Array<FlatType>(words).fill("i32"),
    store(memory, ptr, value) {
      const bits = toWords(value);
      if (size === 1) memory.view.setUint8(ptr, bits[0]!);
      else if (size === 2) memory.view.setUint16(ptr, bits[0]!, true);
      else bits.forEach((word, index) => memory.view.setUint32(ptr + index * 4, word, true));
    },
    load(memory, ptr) {
      if (size === 1) return fromWords(() => memory.view.getUint8(ptr));
      if (size === 2) return fromWords(() => memory.view.getUint16(ptr, true));
      return fromWords((word) => memory.view.getUint32(ptr + word * 4, true));
    },
    lower(_memory, value, out) {
      out.push(...toWords(value));
    },
    lift(_memory, cursor) {
      const bits: number[] = [];
      for (let index = 0; index < words; index++) bits.push(next(cursor) as number);
      // Bits beyond the last flag are ignored, as the canonical ABI does.
      return fromWords((word) => bits[word]!);
    },
  };
}

/** CanonicalABI.md `join`: the flat type that can carry values of both. */
function join(a: FlatType, b: FlatType): FlatType {
  if (a === b) return a;
  if ((a === "i32" && b === "f32") || (a === "f32" && b === "i32")) return "i32";
  return "i64";
}

const scratch = new DataView(new ArrayBuffer(8));

/** Converts a case's flat value to the variant's joined flat type (`lower_flat_variant`). */
function widen(value: unknown, have: FlatType, want: FlatType): unknown {
  if (have === want) return value;
  switch (have) {
    case "f32":
      scratch.setFloat32(0, value as number, true);
      return want === "i32" ? scratch.getInt32(0, true) : BigInt(scratch.getUint32(0, true));
    case "i32":
      return BigInt((value as number) >>> 0);
    case "f64":
      scratch.setFloat64(0, value as number, true);
      return scratch.getBigInt64(0, true);
    case "i64":
      return value;
    default: {
      const never: never = have;
      return never;
    }
  }
}

/** The inverse of {@link widen} (`CoerceValueIter`). */
function narrow(value: unknown, have: FlatType, want: FlatType): unknown {
  if (have === want) return value;
  switch (want) {
    case "f32":
      scratch.setInt32(
        0,
        have === "i32" ? (value as number) : Number(BigInt.asIntN(32, value as bigint)),
        true,
      );
      return scratch.getFloat32(0, true);
    case "i32":
      return Number(BigInt.asIntN(32, value as bigint));
    case "f64":
      scratch.setBigInt64(0, value as bigint, true);
      return scratch.getFloat64(0, true);
    case "i64":
      return value;
    default: {
      const never: never = want;
      return never;
    }
  }
}

const zero: Readonly<Record<FlatType, unknown>> = { i32: 0, i64: 0n, f32: 0, f64: 0 };

/** Variants, enums, options and results: a discriminant, then the case's payload in a shared area. */
function variantCodec(
  payloads: readonly (Codec | undefined)[],
  caseOf: (value: unknown) => number,
  payloadOf: (value: unknown) => unknown,
  make: (index: number, val: unknown) => unknown,
): Codec {
  const count = payloads.length;
  const discriminant = count <= 0x100 ? 1 : count <= 0x10000 ? 2 : 4;
  let caseAlign = 1;
  let caseSize = 0;
  const joined: FlatType[] = [];
  for (const payload of payloads) {
    if (payload === undefined) continue;
    caseAlign = Math.max(caseAlign, payload.align);
    caseSize = Math.max(caseSize, payload.size);
    payload.flat.forEach((type, index) => {
      joined[index] = index < joined.length ? join(joined[index]!, type) : type;
    });
  }
  const align = Math.max(discriminant, caseAlign);
  const payloadOffset = alignTo(discriminant, caseAlign);
  const size = alignTo(payloadOffset + caseSize, align);
  const readDiscriminant = (view: DataView, ptr: number): number =>
    discriminant === 1
      ? view.getUint8(ptr)
      : discriminant === 2
        ? view.getUint16(ptr, true)
        : view.getUint32(ptr, true);
  const checked = (index: number): number => {
    if (index >= count)
      throw new CanonicalTrap(`discriminant ${index} is out of range (${count} cases)`);
    return index;
  };
  return {
    size,
    align,
    flat: ["i32", ...joined],
    store(memory, ptr, value) {
      const index = caseOf(value);
      const view = memory.view;
      if (discriminant === 1) view.setUint8(ptr, index);
      else if (discriminant === 2) view.setUint16(ptr, index, true);
      else view.setUint32(ptr, index, true);
      payloads[index]?.store(memory, ptr + payloadOffset, payloadOf(value));
    },
    load(memory, ptr) {
      const index = checked(readDiscriminant(memory.view, ptr));
      const payload = payloads[index];
      return make(
        index,
        payload === undefined ? undefined : payload.load(memory, ptr + payloadOffset),
      );
    },
    lower(memory, value, out) {
      const index = caseOf(value);
      out.push(index);
      const payload = payloads[index];
      const flat: unknown[] = [];
      if (payload !== undefined) payload.lower(memory, payloadOf(value), flat);
      for (let slot = 0; slot < joined.length; slot++) {
        const want = joined[slot]!;
        out.push(slot < flat.length ? widen(flat[slot], payload!.flat[slot]!, want) : zero[want]);
      }
    },
    lift(memory, cursor) {
      const index = checked((next(cursor) as number) >>> 0);
      const payload = payloads[index];
      const start = cursor.index;
      cursor.index += joined.length;
      if (payload === undefined) return make(index, undefined);
      const values = payload.flat.map((type, slot) =>
        narrow(cursor.values[start + slot], joined[slot]!, type),
      );
      return make(index, payload.lift(memory, { values, index: 0 }));
    },
  };
}
