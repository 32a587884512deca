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
 * The owners (instance cores) whose guest may not leave the instance right now, innermost last: the canonical
 * ABI's `may_leave` is false while the guest's `realloc` or post-return runs, so a host import the guest calls
 * then traps. Pushed around those calls and popped in `finally`; module-wide, since one thread runs one wasm
 * stack at a time.
 */
const noLeave: object[] = [];

/** Runs `fn(arg)` (the guest's post-return) with leaving the instance of `owner` forbidden. */
export function withoutLeaving<A>(owner: object, fn: (arg: A) => void, arg: A): void {
  noLeave.push(owner);
  try {
    fn(arg);
  } finally {
    noLeave.pop();
  }
}

/** Whether the guest of `owner` runs a part of a call from which it may not call the host. */
export function leavingForbidden(owner: object): boolean {
  return noLeave.length > 0 && noLeave[noLeave.length - 1] === owner;
}

const UTF16_TAG = 0x8000_0000;
/** `TextEncoder`/`TextDecoder`, as every JavaScript host has them (declared here: the runtime assumes no DOM lib). */
interface TextCodecs {
  readonly TextEncoder: new () => { encode(input: string): Uint8Array };
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
  private readonly realloc:
    ((old: number, oldSize: number, align: number, size: number) => number) | undefined;
  private buffer: ArrayBuffer | undefined = undefined;
  /** Views of the current buffer; call {@link refresh} after anything that may have grown memory. */
  bytes: Uint8Array = new Uint8Array(0);
  view: DataView = new DataView(new ArrayBuffer(0));

  constructor(
    memory: CoreMemory | undefined,
    realloc: CoreFunction | undefined,
    encoding: StringEncoding,
    owner: object,
  ) {
    this.owner = owner;
    this.memory = memory;
    this.realloc = realloc as
      ((old: number, oldSize: number, align: number, size: number) => number) | undefined;
    this.encoding = encoding;
    this.refresh();
  }

  /** Re-reads the memory's buffer when it changed (after `memory.grow`, which detaches the old one). */
  refresh(): void {
    const memory = this.memory;
    if (memory === undefined) return;
    // A grown memory detaches its old buffer, which empties the views of it: nonempty views are current
    // (reading `memory.buffer` costs more than this check).
    if (this.bytes.byteLength !== 0) return;
    const buffer = memory.buffer;
    if (buffer === this.buffer) return;
    this.buffer = buffer;
    this.bytes = new Uint8Array(buffer);
    this.view = new DataView(buffer);
  }

  /** Allocates `size` bytes aligned to `align` with the guest's `realloc`; traps on a bad answer. */
  alloc(align: number, size: number): number {
    const realloc = this.realloc;
    if (realloc === undefined)
      throw new CanonicalTrap("the function's canonical options have no `realloc`");
    noLeave.push(this.owner);
    let ptr: number;
    try {
      ptr = realloc(0, 0, align, size) >>> 0;
    } finally {
      noLeave.pop();
    }
    this.refresh();
    if (ptr % align !== 0)
      throw new CanonicalTrap(`realloc returned ${ptr}, not aligned to ${align}`);
    this.check(ptr, size);
    return ptr;
  }

  /** Traps unless `[ptr, ptr + size)` lies inside memory. */
  check(ptr: number, size: number): void {
    if (ptr + size > this.bytes.length) {
      throw new CanonicalTrap(
        `${size} bytes at ${ptr} are outside the guest's memory (${this.bytes.length} bytes)`,
      );
    }
  }

  /** Lowers a string in this function's encoding: its pointer and (tagged) length. */
  lowerString(value: string): readonly [number, number] {
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

  private lowerUtf8(value: string): readonly [number, number] {
    const length = value.length;
    if (length === 0) return [1, 0];
    if (length <= 64) {
      // Short ASCII strings (the common case) are written without an encoder.
      let ascii = true;
      for (let index = 0; index < length; index++) {
        if (value.charCodeAt(index) >= 0x80) {
          ascii = false;
          break;
        }
      }
      if (ascii) {
        const ptr = this.alloc(1, length);
        const bytes = this.bytes;
        for (let index = 0; index < length; index++) bytes[ptr + index] = value.charCodeAt(index);
        return [ptr, length];
      }
    }
    const encoded = utf8Encoder.encode(value);
    const ptr = this.alloc(1, encoded.length);
    this.bytes.set(encoded, ptr);
    return [ptr, encoded.length];
  }

  private lowerUtf16(value: string, tag: number): readonly [number, number] {
    const length = value.length;
    const ptr = this.alloc(2, length * 2);
    const view = this.view;
    for (let index = 0; index < length; index++)
      view.setUint16(ptr + index * 2, value.charCodeAt(index), true);
    return [ptr, (length | tag) >>> 0];
  }

  private lowerLatin1OrUtf16(value: string): readonly [number, number] {
    const length = value.length;
    for (let index = 0; index < length; index++) {
      if (value.charCodeAt(index) > 0xff) return this.lowerUtf16(value, UTF16_TAG);
    }
    const ptr = this.alloc(2, length);
    const bytes = this.bytes;
    for (let index = 0; index < length; index++) bytes[ptr + index] = value.charCodeAt(index);
    return [ptr, length];
  }

  /** Lifts a string the guest passed as pointer and (tagged) length. */
  liftString(ptr: number, length: number): string {
    switch (this.encoding) {
      case "utf8": {
        this.check(ptr, length);
        if (length <= 32) {
          const bytes = this.bytes;
          let out = "";
          for (let index = 0; index < length; index++) {
            const byte = bytes[ptr + index]!;
            if (byte >= 0x80) return utf8Decoder.decode(bytes.subarray(ptr, ptr + length));
            out += String.fromCharCode(byte);
          }
          return out;
        }
        return utf8Decoder.decode(this.bytes.subarray(ptr, ptr + length));
      }
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

  private liftUtf16(ptr: number, units: number): string {
    if (ptr % 2 !== 0) throw new CanonicalTrap(`a UTF-16 string at ${ptr} is not aligned to 2`);
    this.check(ptr, units * 2);
    return utf16Decoder.decode(this.bytes.subarray(ptr, ptr + units * 2));
  }
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
