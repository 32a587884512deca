/**
 * The string paths the direct calls' fast forms take (`canonical-memory.ts`): `utf8Size`, which measures a
 * UTF-8 string and checks it for lone surrogates in one pass before a call enters the gate, `lowerMeasured`,
 * which writes it with that size, and the short-string reader, which checks and decodes up to 16 bytes in one
 * go. Each is compared with `TextEncoder`/`TextDecoder` at the places a chunked loop or an unrolled case could
 * get wrong: every length up to past the loops' limits, and a non-ASCII unit, a lone surrogate or a high byte
 * at every position. Over a real `WebAssembly.Memory` and a bump `realloc` written in JavaScript.
 */
import { describe, expect, it } from "vitest";
import {
  GuestMemory,
  utf8Size,
  type StringEncoding,
} from "../../../templates/runtime/canonical-memory.js";

/** Node's `WebAssembly.Memory`, typed here: the project's libs do not declare `WebAssembly`. */
interface RawMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
const MemoryClass = (
  globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number }) => RawMemory } }
).WebAssembly.Memory;

function guestMemory(encoding: StringEncoding): { memory: GuestMemory; sizes: number[] } {
  const raw = new MemoryClass({ initial: 1 });
  // Odd addresses: the writers may not assume alignment.
  let bump = 65;
  const sizes: number[] = [];
  const realloc = (_old: number, _size: number, align: number, size: number): number => {
    sizes.push(size);
    const ptr = Math.ceil(bump / align) * align;
    bump = ptr + size + 1;
    while (bump > raw.buffer.byteLength) raw.grow(1);
    return ptr;
  };
  return { memory: new GuestMemory(raw, realloc as never, encoding, {}), sizes };
}

const ascii = (n: number): string =>
  Array.from({ length: n }, (_, i) => String.fromCharCode(32 + ((i * 7) % 95))).join("");

/** ASCII strings of every length up to past the write loop's limit (48), and a few longer ones. */
const LENGTHS = [...Array.from({ length: 54 }, (_, n) => n), 100, 1000, 20_000];

/** `text` with `unit` put in place of its unit at `at`. */
const put = (text: string, at: number, unit: string): string =>
  text.slice(0, at) + unit + text.slice(at + 1);

const wellFormed = (text: string): boolean =>
  !/[\ud800-\udfff]/.test(text.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ""));

describe("utf8Size and lowerMeasured", () => {
  const texts: string[] = [];
  for (const length of LENGTHS) {
    const base = ascii(length);
    texts.push(base);
    // Non-ASCII units and lone surrogates at every position of the short strings, and near the ends of the
    // long ones.
    const places =
      length <= 53 ? Array.from({ length }, (_, i) => i) : [0, 1, length - 2, length - 1];
    for (const at of places) {
      for (const unit of ["\u0080", "é", "\u07ff", "\u0800", "✓", "\uffff", "\ud800", "\udc00"])
        texts.push(put(base, at, unit));
      if (at + 1 < length) texts.push(put(put(base, at, "\ud83d"), at + 1, "\ude00"));
    }
  }

  it("measures exactly the bytes TextEncoder writes, and refuses lone surrogates with -1", () => {
    for (const text of texts) {
      const size = utf8Size(text);
      if (!wellFormed(text)) expect(size, JSON.stringify(text)).toBe(-1);
      else if (text.length <= 48)
        expect(size, JSON.stringify(text)).toBe(new TextEncoder().encode(text).length);
      else expect(size, JSON.stringify(text)).toBeGreaterThanOrEqual(0);
    }
  });

  it("writes with that size exactly the bytes TextEncoder writes, and asks realloc for exactly them", () => {
    const { memory, sizes } = guestMemory("utf8");
    for (const text of texts.filter(wellFormed)) {
      sizes.length = 0;
      const ptr = memory.lowerMeasured(text, utf8Size(text));
      const expected = new TextEncoder().encode(text);
      expect(memory.written, JSON.stringify(text)).toBe(expected.length);
      expect(sizes, JSON.stringify(text)).toEqual(text === "" ? [] : [expected.length]);
      expect([...memory.bytes.subarray(ptr, ptr + memory.written)], JSON.stringify(text)).toEqual([
        ...expected,
      ]);
      expect(memory.liftString(ptr, memory.written)).toBe(text);
    }
  });
});

describe("short strings read back", () => {
  it.each([
    ["utf8", (bytes: Uint8Array) => new TextDecoder().decode(bytes)],
    ["latin1+utf16", (bytes: Uint8Array) => String.fromCharCode(...bytes)],
  ] as const)(
    "%s: a byte of 0x7f, 0x80 or 0xff at every position of every short length",
    (encoding, decode) => {
      const { memory } = guestMemory(encoding);
      for (let length = 0; length <= 18; length++) {
        for (let at = 0; at < Math.max(length, 1); at++) {
          for (const high of [0x7f, 0x80, 0xff]) {
            const bytes = new TextEncoder().encode(ascii(length));
            if (length > 0) bytes[at] = high;
            const ptr = memory.alloc(1, length);
            memory.bytes.set(bytes, ptr);
            expect(memory.liftString(ptr, length), `${length} bytes, ${high} at ${at}`).toBe(
              decode(bytes),
            );
          }
        }
      }
    },
  );
});
