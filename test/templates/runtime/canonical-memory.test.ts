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
      const size = utf8Size(text, 0);
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
      const ptr = memory.lowerMeasured(text, utf8Size(text, 3), 3);
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

describe("packed strings", () => {
  it("keeps each of a call's strings in a slot of its own until it is written", () => {
    const { memory } = guestMemory("utf8");
    // Eight strings (the most a fast form's 16 flat parameters hold) of lengths around the word size, all
    // packed before any is written, as a fast form does.
    const texts = Array.from({ length: 8 }, (_, slot) =>
      ascii(slot * 6 + 1).replace(/./g, (c) =>
        String.fromCharCode(33 + ((c.charCodeAt(0) + slot) % 90)),
      ),
    );
    const sizes = texts.map((text, slot) => utf8Size(text, slot));
    const ptrs = texts.map((text, slot) => memory.lowerMeasured(text, sizes[slot]!, slot));
    texts.forEach((text, slot) => {
      const ptr = ptrs[slot]!;
      expect(new TextDecoder().decode(memory.bytes.subarray(ptr, ptr + text.length))).toBe(text);
    });
  });

  it("writes into the memory a realloc grew (the views of the old buffer are detached)", () => {
    const raw = new MemoryClass({ initial: 1 });
    // Every allocation grows memory by a page and lands in the new one: a write through the old view would
    // throw or be lost.
    const realloc = (): number => {
      raw.grow(1);
      return raw.buffer.byteLength - 65_536 + 3;
    };
    const memory = new GuestMemory(raw, realloc as never, "utf8", {});
    for (const text of ["a", "abcd", "hello, world!", ascii(48), "é", `${ascii(20)}✓`]) {
      const ptr = memory.lowerMeasured(text, utf8Size(text, 0), 0);
      expect(memory.bytes.length).toBe(raw.buffer.byteLength);
      expect(memory.liftString(ptr, memory.written)).toBe(text);
    }
  });
});

describe("short strings read again, in turn and near the end of memory", () => {
  const place = (memory: GuestMemory, bytes: Uint8Array, tail = 0): number => {
    const ptr = memory.alloc(1, bytes.length + 16);
    memory.bytes.set(bytes, ptr);
    // Bytes past the string's end: never part of what is read.
    memory.bytes.fill(tail, ptr + bytes.length, ptr + bytes.length + 16);
    return ptr;
  };

  it("reads a stream of distinct strings right, and again after others took their entries", () => {
    const { memory } = guestMemory("utf8");
    const texts = Array.from({ length: 5000 }, (_, i) =>
      `${i.toString(36)}:${ascii(i % 14)}`.slice(0, 16),
    );
    const encoded = texts.map((text) => new TextEncoder().encode(text));
    for (const round of [0, 1]) {
      const order = round === 0 ? encoded : [...encoded].reverse();
      for (const bytes of order) {
        const ptr = place(memory, bytes, round === 0 ? 0 : 0x41);
        expect(memory.liftString(ptr, bytes.length)).toBe(new TextDecoder().decode(bytes));
      }
    }
  });

  it("tells apart strings that differ in one byte of any word, or only in length", () => {
    const { memory } = guestMemory("utf8");
    for (let length = 1; length <= 17; length++) {
      const base = new TextEncoder().encode(ascii(length));
      // The same string read twice (the second time from the table), then each one-byte change of it.
      for (let read = 0; read < 2; read++)
        expect(memory.liftString(place(memory, base), length)).toBe(ascii(length));
      for (let at = 0; at < length; at++) {
        const changed = base.slice();
        changed[at] = changed[at] === 0x30 ? 0x31 : 0x30;
        expect(memory.liftString(place(memory, changed), length), `${length} at ${at}`).toBe(
          new TextDecoder().decode(changed),
        );
      }
      // A NUL byte past the shorter one is not the string's own: "ab" is not "ab\0".
      const longer = new Uint8Array(length + 1);
      longer.set(base);
      if (length < 16)
        expect(memory.liftString(place(memory, longer), length + 1)).toBe(`${ascii(length)}\0`);
      expect(memory.liftString(place(memory, base, 0), length)).toBe(ascii(length));
    }
  });

  it("never takes an entry for a string that shares its other words (thousands hash to the same entries)", () => {
    const { memory } = guestMemory("utf8");
    // For each word of a 16-byte string, 3,000 strings that differ only there: the table has far fewer
    // entries, so many of them replace one another's, and a compare that skipped that word would return the
    // string that was there.
    for (let word = 0; word < 4; word++) {
      for (let i = 0; i < 3000; i++) {
        const bytes = new TextEncoder().encode(ascii(16));
        for (let digit = 0, n = i; digit < 4; digit++, n = Math.floor(n / 90))
          bytes[word * 4 + digit] = 33 + (n % 90);
        expect(memory.liftString(place(memory, bytes), 16)).toBe(new TextDecoder().decode(bytes));
      }
    }
  });

  it("reads strings at the end of memory, where four whole words do not fit", () => {
    const raw = new MemoryClass({ initial: 1 });
    const memory = new GuestMemory(raw, undefined, "utf8", {});
    const end = raw.buffer.byteLength;
    for (let length = 1; length <= 16; length++) {
      const text = ascii(length);
      const ptr = end - length;
      memory.bytes.set(new TextEncoder().encode(text), ptr);
      expect(memory.liftString(ptr, length)).toBe(text);
      memory.bytes[end - 1] = 0xc3;
      expect(memory.liftString(ptr, length)).toBe(
        new TextDecoder().decode(memory.bytes.subarray(ptr, end)),
      );
    }
  });
});
