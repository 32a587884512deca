/**
 * Runtime, canonical ABI memory: a guest's linear memory as the SDK's own lifting and lowering use it, for calls
 * that reach a component's core exports directly (`direct-calls.ts`). Consumes the core memory and `realloc` a
 * function's canonical options name and produces views that survive `memory.grow` (every allocation and every
 * call into the guest may detach the old buffer, so views are refreshed after each), bounds- and
 * alignment-checked allocation, and strings in the three canonical encodings: UTF-8, UTF-16 and latin1+UTF-16.
 *
 * Strings follow jco's conventions where the canonical ABI leaves a choice, so that the direct path and jco's
 * are indistinguishable: an empty UTF-8 string is passed as (1, 0) without an allocation, JavaScript strings are
 * encoded with `TextEncoder` (a lone surrogate becomes U+FFFD) and UTF-8 is decoded without `fatal`.
 * Copied into SDKs like its siblings: no host-specific imports.
 */

import { DECODE_LOOP_MAX, shortAscii } from "./short-ascii.js";

/** A core memory as JavaScript sees it (`WebAssembly.Memory`). */
export interface CoreMemory {
  readonly buffer: ArrayBuffer;
}

/** A core function as JavaScript sees it. */
export type CoreFunction = (...args: never[]) => unknown;

export type StringEncoding = "utf8" | "utf16" | "latin1+utf16";

/** A trap raised by the SDK's own canonical ABI: the gate poisons the instance as for a trap of the guest. */
export class CanonicalTrap extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CanonicalTrap";
  }
}

/**
 * The owner (instance core) whose guest may not leave the instance right now: the canonical ABI's `may_leave`
 * is false while the guest's `realloc` or post-return runs, so a host import the guest calls then traps. Set
 * around those calls and restored to the outer value in `finally` (a stack kept in the callers' frames: no
 * array to push and pop per call); module-wide, since one thread runs one wasm stack at a time.
 */
let noLeave: object | undefined = undefined;

/** Runs `fn(arg)` (the guest's post-return) with leaving the instance of `owner` forbidden. */
export function withoutLeaving<A>(owner: object, fn: (arg: A) => void, arg: A): void {
  const outer = noLeave;
  noLeave = owner;
  try {
    fn(arg);
  } finally {
    noLeave = outer;
  }
}

/**
 * For a fast form, which calls the post-return at a call site of its own: forbids leaving the instance of
 * `owner` and returns what {@link allowLeaving} restores once the post-return has returned (or, when it
 * threw, once the fast form's `catch` has it).
 */
export function forbidLeaving(owner: object): object | undefined {
  const outer = noLeave;
  noLeave = owner;
  return outer;
}

/** Restores the owner {@link forbidLeaving} returned. */
export function allowLeaving(outer: object | undefined): void {
  noLeave = outer;
}

/** Whether the guest of `owner` runs a part of a call from which it may not call the host. */
export function leavingForbidden(owner: object): boolean {
  return noLeave === owner;
}

const UTF16_TAG = 0x8000_0000;
/** `TextEncoder`/`TextDecoder`, as every JavaScript host has them (declared here: the runtime assumes no DOM lib). */
interface TextCodecs {
  readonly TextEncoder: new () => {
    encodeInto(input: string, into: Uint8Array): { readonly written: number };
  };
  readonly TextDecoder: new (label?: string) => { decode(input: Uint8Array): string };
}
const codecs = globalThis as unknown as TextCodecs;
const utf8Encoder = new codecs.TextEncoder();
const utf8Decoder = new codecs.TextDecoder();
const utf16Decoder = new codecs.TextDecoder("utf-16le");

/** The memory and allocator of one function's canonical options, with views refreshed on `memory.grow`. */
export class GuestMemory {
  readonly memory: CoreMemory | undefined;
  readonly encoding: StringEncoding;
  /** The instance core the memory belongs to: its guest may not leave while its `realloc` runs. */
  private readonly owner: object;
  /** The guest's `realloc`; when the canonical options name none, a function that traps. */
  private readonly realloc: (old: number, oldSize: number, align: number, size: number) => number;
  private buffer: ArrayBuffer | undefined = undefined;
  /** Views of the current buffer; call {@link refresh} after anything that may have grown memory. */
  bytes: Uint8Array = new Uint8Array(0);
  view: DataView = new DataView(new ArrayBuffer(0));
  /**
   * 64-bit views, for the fast forms' reads of `u64` and `s64` at offsets they know to be aligned to 8: the
   * engine makes a BigInt from a typed array's element inline, where `DataView#getBigUint64` is a call into a
   * builtin (twice the cost). Little-endian, as wasm's memory is, on every host the runtime supports (lists of
   * numbers are copied as typed arrays too).
   */
  u64: BigUint64Array = new BigUint64Array(0);
  s64: BigInt64Array = new BigInt64Array(0);

  constructor(
    memory: CoreMemory | undefined,
    realloc: CoreFunction | undefined,
    encoding: StringEncoding,
    owner: object,
  ) {
    this.owner = owner;
    this.memory = memory;
    this.realloc = (realloc ?? missingRealloc) as (
      old: number,
      oldSize: number,
      align: number,
      size: number,
    ) => number;
    this.encoding = encoding;
    this.refresh();
  }

  /** Re-reads the memory's buffer when it changed (after `memory.grow`, which detaches the old one). */
  refresh(): void {
    // A grown memory detaches its old buffer, which empties the views of it: nonempty views are current
    // (reading `memory.buffer` costs more than this check). `length`, not `byteLength`: the engine inlines the
    // first and calls a builtin for the second. The rest is apart, so that this stays small enough for the
    // engine to inline into every call's fast form whatever else it inlined.
    if (this.bytes.length === 0) this.renew();
  }

  private renew(): void {
    const memory = this.memory;
    if (memory === undefined) return;
    const buffer = memory.buffer;
    if (buffer === this.buffer) return;
    this.buffer = buffer;
    this.bytes = new Uint8Array(buffer);
    this.view = new DataView(buffer);
    this.u64 = new BigUint64Array(buffer);
    this.s64 = new BigInt64Array(buffer);
  }

  /**
   * Allocates `size` bytes aligned to `align` with the guest's `realloc` (or moves the allocation `old` of
   * `oldSize` bytes to them), leaving the instance forbidden while it runs; traps on a bad answer.
   */
  alloc(align: number, size: number, old = 0, oldSize = 0): number {
    const realloc = this.realloc;
    const outer = noLeave;
    noLeave = this.owner;
    let ptr: number;
    try {
      ptr = realloc(old, oldSize, align, size) >>> 0;
    } finally {
      noLeave = outer;
    }
    // Renewed first: `size` may be 0, which the bounds check alone would not send to `fit`.
    if (this.bytes.length === 0) this.renew();
    if (ptr % align !== 0) throw misalignedAllocation(ptr, align);
    if (ptr + size > this.bytes.length) throw outside(ptr, size, this.bytes.length);
    return ptr;
  }

  /**
   * The return area a core function returned (as its one flat result): its pointer, once memory is refreshed
   * (the call may have grown it) and the area checked to be aligned and inside memory.
   */
  area(raw: unknown, align: number, size: number): number {
    const ptr = (raw as number) >>> 0;
    if (ptr % align !== 0) throw misalignedArea(ptr, align);
    if (ptr + size > this.bytes.length) this.fit(ptr, size);
    return ptr;
  }

  /**
   * The rare part of the bounds checks of `alloc`, `area`, `lowerUtf8` and `liftUtf8`, which ask only whether
   * `[ptr, ptr + size)` lies inside the views they have: a view of a buffer that `memory.grow` detached is
   * empty, so a call that grew memory comes here too; the views are renewed, and the check made again traps
   * when it still fails. Kept apart so that those stay small enough for the engine to inline into a call's
   * fast form (each call of theirs left costs about 30 instructions).
   */
  private fit(ptr: number, size: number): void {
    this.refresh();
    if (ptr + size > this.bytes.length) throw outside(ptr, size, this.bytes.length);
  }

  /** Traps unless `[ptr, ptr + size)` lies inside memory. */
  check(ptr: number, size: number): void {
    if (ptr + size > this.bytes.length) throw outside(ptr, size, this.bytes.length);
  }

  /**
   * Lowers a string in this function's encoding and returns its pointer; its (tagged) length is left in
   * {@link written}. Two results without an array: a call that passes a string allocates nothing for it.
   */
  lowerString(value: string): number {
    switch (this.encoding) {
      case "utf8":
        return this.lowerUtf8(value);
      case "utf16":
        return this.lowerUtf16(value, 0);
      case "latin1+utf16":
        return this.lowerLatin1OrUtf16(value);
      default: {
        const never: never = this.encoding;
        return never;
      }
    }
  }

  /** The (tagged) length of the string {@link lowerString} lowered last. */
  written = 0;

  /**
   * Lowers a UTF-8 string the caller checked to hold no lone surrogate; returns its pointer and leaves its
   * length in {@link written}. Up to {@link ENCODE_LOOP_MAX} units, as the canonical ABI's
   * `store_string_to_utf8` does for a UTF-16 source: `realloc` is asked for one byte a unit, and one pass reads
   * each unit once and writes it as a byte (four units a store), up to the first four that hold a unit that is
   * not ASCII ({@link finishUtf8} takes the rest from there). The empty string is (1, 0) without an allocation,
   * as jco passes it. Longer strings: {@link lowerLongUtf8}. The fast forms call this directly; with the
   * four-unit stores it is too large for the engine to inline into them, and still cheaper than the smaller
   * byte-a-store loop inlined (about 110 instructions less per 13-unit round trip, counted by callgrind), which
   * also leaves the inlining budget to the gate's `enter` and `leave`.
   */
  lowerUtf8(value: string): number {
    const length = value.length;
    // 0 and more than ENCODE_LOOP_MAX in one compare.
    if ((length - 1) >>> 0 >= ENCODE_LOOP_MAX) return this.lowerLongUtf8(value);
    // `may_leave` written out rather than through `alloc` (a call fewer); a trap in `realloc` restores it.
    const outer = noLeave;
    noLeave = this.owner;
    let ptr: number;
    try {
      ptr = this.realloc(0, 0, 1, length) >>> 0;
    } catch (error) {
      noLeave = outer;
      throw error;
    }
    noLeave = outer;
    if (ptr + length > this.bytes.length) this.fit(ptr, length);
    const view = this.view;
    let index = 0;
    for (; index + 4 <= length; index += 4) {
      const c0 = value.charCodeAt(index);
      const c1 = value.charCodeAt(index + 1);
      const c2 = value.charCodeAt(index + 2);
      const c3 = value.charCodeAt(index + 3);
      if ((c0 | c1 | c2 | c3) >= 0x80) return this.finishUtf8(value, ptr, index);
      view.setInt32(ptr + index, c0 | (c1 << 8) | (c2 << 16) | (c3 << 24), true);
    }
    const bytes = this.bytes;
    for (; index < length; index++) {
      const unit = value.charCodeAt(index);
      if (unit >= 0x80) return this.finishUtf8(value, ptr, index);
      bytes[ptr + index] = unit;
    }
    this.written = length;
    return ptr;
  }

  /**
   * The rest of {@link lowerUtf8} from the first unit that is not ASCII, at `index` (the units before it are
   * written at `ptr`): as `store_string_to_utf8`, the allocation grows to the worst case (three bytes a unit),
   * the rest is encoded after the ASCII prefix, and the allocation shrinks to what was written.
   */
  private finishUtf8(value: string, ptr: number, index: number): number {
    const length = value.length;
    const worst = length * 3;
    const grown = this.alloc(1, worst, ptr, length);
    const size =
      index +
      utf8Encoder.encodeInto(value.slice(index), this.bytes.subarray(grown + index, grown + worst))
        .written;
    this.written = size;
    return size < worst ? this.alloc(1, size, grown, worst) : grown;
  }

  /**
   * UTF-8 strings {@link lowerUtf8} leaves: the empty string, and those longer than {@link ENCODE_LOOP_MAX}
   * units, for which `realloc` is asked for exactly what is written (as jco does), the UTF-8 length known first.
   */
  private lowerLongUtf8(value: string): number {
    const length = value.length;
    if (length === 0) {
      this.written = 0;
      return 1;
    }
    if (length <= SCRATCH_MAX) {
      // Middling strings: the engine encodes into a scratch buffer faster than a loop measures them.
      let scratch = utf8Scratch;
      if (scratch.length < length * 3) utf8Scratch = scratch = new Uint8Array(SCRATCH_MAX * 3);
      const size = utf8Encoder.encodeInto(value, scratch).written;
      const ptr = this.alloc(1, size);
      this.bytes.set(scratch.subarray(0, size), ptr);
      this.written = size;
      return ptr;
    }
    // Long strings: one pass measures the UTF-8 length, then the string is written in place.
    const size = utf8Length(value);
    const ptr = this.alloc(1, size);
    utf8Encoder.encodeInto(value, this.bytes.subarray(ptr, ptr + size));
    this.written = size;
    return ptr;
  }

  private lowerUtf16(value: string, tag: number): number {
    const length = value.length;
    const ptr = this.alloc(2, length * 2);
    const view = this.view;
    for (let index = 0; index < length; index++)
      view.setUint16(ptr + index * 2, value.charCodeAt(index), true);
    this.written = (length | tag) >>> 0;
    return ptr;
  }

  private lowerLatin1OrUtf16(value: string): number {
    const length = value.length;
    for (let index = 0; index < length; index++) {
      if (value.charCodeAt(index) > 0xff) return this.lowerUtf16(value, UTF16_TAG);
    }
    const ptr = this.alloc(2, length);
    const bytes = this.bytes;
    for (let index = 0; index < length; index++) bytes[ptr + index] = value.charCodeAt(index);
    this.written = length;
    return ptr;
  }

  /** Lifts a string the guest passed as pointer and (tagged) length. */
  liftString(ptr: number, length: number): string {
    switch (this.encoding) {
      case "utf8":
        return this.liftUtf8(ptr, length);
      case "utf16":
        return this.liftUtf16(ptr, length);
      case "latin1+utf16": {
        if ((length & UTF16_TAG) !== 0) return this.liftUtf16(ptr, (length & ~UTF16_TAG) >>> 0);
        this.check(ptr, length);
        return latin1(this.bytes, ptr, length);
      }
      default: {
        const never: never = this.encoding;
        return never;
      }
    }
  }

  /**
   * Lifts a UTF-8 string (what {@link liftString} does for this encoding; the fast forms, which know the
   * encoding, call it directly: a smaller body the engine inlines within its budget).
   */
  liftUtf8(ptr: number, length: number): string {
    if (ptr + length > this.bytes.length) this.fit(ptr, length);
    if (length <= DECODE_LOOP_MAX) {
      const text = shortAscii(this.view, this.bytes, ptr, length);
      if (text !== undefined) return text;
    }
    return utf8Decoder.decode(this.bytes.subarray(ptr, ptr + length));
  }

  private liftUtf16(ptr: number, units: number): string {
    if (ptr % 2 !== 0) throw new CanonicalTrap(`a UTF-16 string at ${ptr} is not aligned to 2`);
    this.check(ptr, units * 2);
    return utf16Decoder.decode(this.bytes.subarray(ptr, ptr + units * 2));
  }
}

// The errors of the checks above, made apart from them: a message built in place would make each check too
// large for the engine to inline into a call's fast form.
function missingRealloc(): never {
  throw new CanonicalTrap("the function's canonical options have no `realloc`");
}

function misalignedAllocation(ptr: number, align: number): CanonicalTrap {
  return new CanonicalTrap(`realloc returned ${ptr}, not aligned to ${align}`);
}

function misalignedArea(ptr: number, align: number): TypeError {
  return new TypeError(`the return area at ${ptr} is not aligned to ${align}`);
}

function outside(ptr: number, size: number, length: number): CanonicalTrap {
  return new CanonicalTrap(
    `${size} bytes at ${ptr} are outside the guest's memory (${length} bytes)`,
  );
}

/**
 * How UTF-8 strings are written, by length in UTF-16 units (measured on Node 20):
 * up to {@link ENCODE_LOOP_MAX}, written by a loop of char codes after `realloc` as the canonical ABI's
 * `store_string_to_utf8` writes them (below it the engine's call into `TextEncoder.encodeInto` costs more than
 * the loop); up to {@link SCRATCH_MAX}, encoded by the engine into a scratch buffer (at most three bytes a
 * unit, kept between calls) and copied; longer ones, measured by a loop and encoded in place (no scratch buffer
 * grows to their size).
 */
const ENCODE_LOOP_MAX = 48;
const SCRATCH_MAX = 16_384;
let utf8Scratch = new Uint8Array(0);

/** The UTF-8 size of `value`, a lone surrogate counted as U+FFFD (3 bytes), as `encodeInto` writes it. */
function utf8Length(value: string): number {
  const length = value.length;
  let size = length;
  for (let index = 0; index < length; index++) {
    const code = value.charCodeAt(index);
    if (code < 0x80) continue;
    size += code < 0x800 ? 1 : 2;
    // A surrogate pair is 4 bytes for its two units.
    if (code >= 0xd800 && code <= 0xdbff && index + 1 < length) {
      const low = value.charCodeAt(index + 1);
      if (low >= 0xdc00 && low <= 0xdfff) index++;
    }
  }
  return size;
}

function latin1(bytes: Uint8Array, ptr: number, length: number): string {
  let out = "";
  // `fromCharCode` over chunks: one call per byte would be slow for long strings, one call for all could
  // overflow the stack.
  for (let start = 0; start < length; start += 4096) {
    const end = Math.min(length, start + 4096);
    out += String.fromCharCode.apply(
      null,
      bytes.subarray(ptr + start, ptr + end) as unknown as number[],
    );
  }
  return out;
}
