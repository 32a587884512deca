/**
 * Runtime, isolation reply channel: how the host answers a synchronous import of an isolated instance while
 * the worker that asked is blocked. The worker cannot receive a message while it waits (browsers have no
 * `receiveMessageOnPort`), so the answer travels through shared memory: the host writes it into a growable
 * `SharedArrayBuffer` and wakes the worker with `Atomics.notify`; the worker, parked in `Atomics.wait`, reads
 * it back. The same path serves Node and browsers.
 *
 * Layout of the buffer: an `Int32` state (0 while the worker waits, 1 once an answer is written), an `Int32`
 * byte length, then the answer in a compact binary form of the values that cross (`isolate-wire.ts` has
 * already turned resources into handle marks, which are plain objects): `undefined`, `null`, booleans,
 * numbers, bigints, strings, arrays, maps, plain objects, typed arrays and `ArrayBuffer`s. Anything else
 * is refused with a `TypeError` naming it.
 *
 * Consumes and produces {@link ImportReply} values; uses only `SharedArrayBuffer`, `Atomics` and the text codecs.
 */

import type { ImportReply } from "./isolate-wire.js";

const STATE = 0;
const LENGTH = 1;
const HEADER_BYTES = 8;
const INITIAL_BYTES = 64 * 1024;
/** The largest answer, in bytes: growable buffers reserve their maximum as address space, not memory. */
const MAX_BYTES = 1024 * 1024 * 1024;

/** The first byte of each encoded value: what follows it. */
const Tag = {
  Undefined: 0,
  Null: 1,
  False: 2,
  True: 3,
  Int32: 4,
  Float64: 5,
  BigInt64: 6,
  BigUint64: 7,
  BigIntText: 8,
  String: 9,
  Array: 10,
  Object: 11,
  TypedArray: 12,
  ArrayBuffer: 13,
  Map: 14,
} as const;
type Tag = (typeof Tag)[keyof typeof Tag];

type TypedArrayClass = new (buffer: ArrayBuffer) => ArrayBufferView;

/** The typed array classes that may cross, by their index on the wire (`Float16Array` where there is one). */
const typedArrayClasses: readonly (TypedArrayClass | undefined)[] = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
  (globalThis as { readonly Float16Array?: TypedArrayClass }).Float16Array,
];

/** The web-platform globals this file uses (Node has them too); typed here, as the runtime assumes no DOM lib. */
interface TextGlobals {
  readonly TextEncoder: new () => {
    encodeInto(source: string, destination: Uint8Array): { readonly written: number };
  };
  readonly TextDecoder: new () => { decode(bytes: Uint8Array): string };
}

const text = globalThis as unknown as TextGlobals;
const encoder = new text.TextEncoder();
const decoder = new text.TextDecoder();

/** A new buffer for one instance's replies: growable where the platform allows it, fixed otherwise. */
export function createReplyBuffer(): SharedArrayBuffer {
  const Shared = SharedArrayBuffer as unknown as new (
    length: number,
    options?: { readonly maxByteLength: number },
  ) => SharedArrayBuffer;
  return new Shared(INITIAL_BYTES, { maxByteLength: MAX_BYTES });
}

/** Grows a reply buffer to `bytes` if it can; false when it cannot (fixed, or past its maximum). */
function grow(buffer: SharedArrayBuffer, bytes: number): boolean {
  const growable = buffer as SharedArrayBuffer & {
    readonly growable?: boolean;
    readonly maxByteLength?: number;
    grow?(length: number): void;
  };
  if (growable.growable !== true || growable.grow === undefined) return false;
  if (bytes > (growable.maxByteLength ?? 0)) return false;
  growable.grow(Math.min(growable.maxByteLength ?? bytes, Math.max(bytes, buffer.byteLength * 2)));
  return true;
}

/** Encodes values into a private byte array that doubles as needed (reused from one reply to the next). */
class Writer {
  bytes = new Uint8Array(1024);
  view = new DataView(this.bytes.buffer);
  at = 0;

  reserve(count: number): void {
    const needed = this.at + count;
    if (needed <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < needed) size *= 2;
    const bytes = new Uint8Array(size);
    bytes.set(this.bytes.subarray(0, this.at));
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer);
  }

  tag(tag: Tag): void {
    this.reserve(1);
    this.bytes[this.at++] = tag;
  }

  u32(value: number): void {
    this.reserve(4);
    this.view.setUint32(this.at, value, true);
    this.at += 4;
  }

  string(value: string): void {
    // At most three bytes per UTF-16 unit; the length goes before the bytes once they are written.
    this.reserve(4 + value.length * 3);
    const start = this.at + 4;
    let written: number;
    if (value.length < 32 && isAscii(value)) {
      for (let index = 0; index < value.length; index++)
        this.bytes[start + index] = value.charCodeAt(index);
      written = value.length;
    } else {
      written = encoder.encodeInto(value, this.bytes.subarray(start)).written;
    }
    this.view.setUint32(this.at, written, true);
    this.at = start + written;
  }

  raw(bytes: Uint8Array): void {
    this.u32(bytes.length);
    this.reserve(bytes.length);
    this.bytes.set(bytes, this.at);
    this.at += bytes.length;
  }

  value(value: unknown): void {
    switch (typeof value) {
      case "undefined":
        this.tag(Tag.Undefined);
        return;
      case "boolean":
        this.tag(value ? Tag.True : Tag.False);
        return;
      case "number":
        if ((value | 0) === value && !Object.is(value, -0)) {
          this.tag(Tag.Int32);
          this.reserve(4);
          this.view.setInt32(this.at, value, true);
          this.at += 4;
        } else {
          this.tag(Tag.Float64);
          this.reserve(8);
          this.view.setFloat64(this.at, value, true);
          this.at += 8;
        }
        return;
      case "bigint":
        if (BigInt.asIntN(64, value) === value) {
          this.tag(Tag.BigInt64);
          this.reserve(8);
          this.view.setBigInt64(this.at, value, true);
          this.at += 8;
        } else if (BigInt.asUintN(64, value) === value) {
          this.tag(Tag.BigUint64);
          this.reserve(8);
          this.view.setBigUint64(this.at, value, true);
          this.at += 8;
        } else {
          this.tag(Tag.BigIntText);
          this.string(value.toString());
        }
        return;
      case "string":
        this.tag(Tag.String);
        this.string(value);
        return;
      case "object":
        this.object(value);
        return;
      default:
        throw new TypeError(`a ${typeof value} cannot cross to or from an isolated instance`);
    }
  }

  object(value: object | null): void {
    if (value === null) {
      this.tag(Tag.Null);
      return;
    }
    if (Array.isArray(value)) {
      this.tag(Tag.Array);
      this.u32(value.length);
      for (let index = 0; index < value.length; index++) this.value(value[index]);
      return;
    }
    if (ArrayBuffer.isView(value)) {
      const kind = typedArrayClasses.indexOf(value.constructor as TypedArrayClass);
      if (kind < 0) {
        throw new TypeError(
          `a ${value.constructor.name} cannot cross to or from an isolated instance`,
        );
      }
      this.tag(Tag.TypedArray);
      this.reserve(1);
      this.bytes[this.at++] = kind;
      this.raw(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      return;
    }
    if (value instanceof ArrayBuffer) {
      this.tag(Tag.ArrayBuffer);
      this.raw(new Uint8Array(value));
      return;
    }
    if (value instanceof Map) {
      this.tag(Tag.Map);
      this.u32(value.size);
      for (const [key, item] of value) {
        this.value(key);
        this.value(item);
      }
      return;
    }
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype !== Object.prototype && prototype !== null) {
      const name = (value.constructor as { readonly name?: string } | undefined)?.name ?? "object";
      throw new TypeError(`a ${name} cannot cross to or from an isolated instance`);
    }
    const keys = Object.keys(value);
    this.tag(Tag.Object);
    this.u32(keys.length);
    for (const key of keys) {
      this.string(key);
      this.value((value as Record<string, unknown>)[key]);
    }
  }
}

function isAscii(value: string): boolean {
  for (let index = 0; index < value.length; index++)
    if (value.charCodeAt(index) > 0x7f) return false;
  return true;
}

/** Decodes what a {@link Writer} wrote, from a private copy of the answer. */
class Reader {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  at = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  u32(): number {
    const value = this.view.getUint32(this.at, true);
    this.at += 4;
    return value;
  }

  string(): string {
    const length = this.u32();
    const start = this.at;
    this.at += length;
    if (length < 32) {
      let out = "";
      for (let index = start; index < start + length; index++) {
        const byte = this.bytes[index]!;
        if (byte > 0x7f) return decoder.decode(this.bytes.subarray(start, start + length));
        out += String.fromCharCode(byte);
      }
      return out;
    }
    return decoder.decode(this.bytes.subarray(start, start + length));
  }

  raw(): ArrayBuffer {
    const length = this.u32();
    const copy = this.bytes.slice(this.at, this.at + length).buffer;
    this.at += length;
    return copy;
  }

  value(): unknown {
    const tag = this.bytes[this.at++] as Tag;
    switch (tag) {
      case Tag.Undefined:
        return undefined;
      case Tag.Null:
        return null;
      case Tag.False:
        return false;
      case Tag.True:
        return true;
      case Tag.Int32: {
        const value = this.view.getInt32(this.at, true);
        this.at += 4;
        return value;
      }
      case Tag.Float64: {
        const value = this.view.getFloat64(this.at, true);
        this.at += 8;
        return value;
      }
      case Tag.BigInt64: {
        const value = this.view.getBigInt64(this.at, true);
        this.at += 8;
        return value;
      }
      case Tag.BigUint64: {
        const value = this.view.getBigUint64(this.at, true);
        this.at += 8;
        return value;
      }
      case Tag.BigIntText:
        return BigInt(this.string());
      case Tag.String:
        return this.string();
      case Tag.Array: {
        const length = this.u32();
        const out: unknown[] = [];
        for (let index = 0; index < length; index++) out.push(this.value());
        return out;
      }
      case Tag.Object: {
        const count = this.u32();
        const out: Record<string, unknown> = {};
        for (let index = 0; index < count; index++) {
          const key = this.string();
          out[key] = this.value();
        }
        return out;
      }
      case Tag.TypedArray: {
        const Class = typedArrayClasses[this.bytes[this.at++]!];
        if (Class === undefined) throw new TypeError("a typed array of a kind this platform lacks");
        return new Class(this.raw());
      }
      case Tag.ArrayBuffer:
        return this.raw();
      case Tag.Map: {
        const count = this.u32();
        const out = new Map<unknown, unknown>();
        for (let index = 0; index < count; index++) {
          const key = this.value();
          out.set(key, this.value());
        }
        return out;
      }
      default: {
        const unreachable: never = tag;
        throw new TypeError(`a corrupt import reply (tag ${String(unreachable)})`);
      }
    }
  }
}

/** The host's end: writes each answer and wakes the worker. */
export class ReplyWriter {
  private readonly buffer: SharedArrayBuffer;
  private readonly writer = new Writer();

  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
  }

  /** Encodes `reply` (throws `TypeError` for a value that cannot cross, writing nothing) and sends it. */
  write(reply: ImportReply): void {
    const writer = this.writer;
    writer.at = 0;
    writer.value(reply);
    const length = writer.at;
    if (HEADER_BYTES + length > this.buffer.byteLength && !grow(this.buffer, HEADER_BYTES + length))
      throw new RangeError(
        `an import's answer of ${length} bytes is over the ${this.buffer.byteLength - HEADER_BYTES} bytes an isolated instance can receive`,
      );
    new Uint8Array(this.buffer, HEADER_BYTES, length).set(writer.bytes.subarray(0, length));
    const header = new Int32Array(this.buffer, 0, 2);
    Atomics.store(header, LENGTH, length);
    Atomics.store(header, STATE, 1);
    Atomics.notify(header, STATE);
  }
}

/** The worker's end: blocks until the host has written an answer, then reads it. */
export class ReplyReader {
  private readonly buffer: SharedArrayBuffer;
  private readonly header: Int32Array;
  private copy = new Uint8Array(1024);

  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.header = new Int32Array(buffer, 0, 2);
  }

  read(): ImportReply {
    const header = this.header;
    Atomics.wait(header, STATE, 0);
    const length = Atomics.load(header, LENGTH);
    // Decoded from a private copy: text decoders refuse shared memory, and the next answer overwrites it.
    if (this.copy.length < length)
      this.copy = new Uint8Array(Math.max(length, this.copy.length * 2));
    const bytes = this.copy.subarray(0, length);
    bytes.set(new Uint8Array(this.buffer, HEADER_BYTES, length));
    Atomics.store(header, STATE, 0);
    return new Reader(bytes).value() as ImportReply;
  }
}
