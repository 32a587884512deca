/**
 * The string paths the direct calls' fast forms take (`canonical-memory.ts`): `lowerUtf8`, which writes a
 * UTF-8 string in one pass after `realloc` as the canonical ABI's `store_string_to_utf8` does (its `realloc`
 * calls compared with the algorithm's), and the short-string reader, which checks and decodes up to 16 bytes
 * in one go. Each is compared with `TextEncoder`/`TextDecoder` at the places a loop or an unrolled case could
 * get wrong: every length up to past the loops' limits, and a non-ASCII unit or a high byte at every position.
 * Over a real `WebAssembly.Memory` and a bump `realloc` written in JavaScript.
 */
import { describe, expect, it } from "vitest";
import { GuestMemory, type StringEncoding } from "../../../templates/runtime/canonical-memory.js";

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

/**
 * The canonical ABI's `store_string_to_utf8` for a UTF-16 source (CanonicalABI.md), as the sequence of
 * `realloc` calls it makes for `text` when each call answers with `answers` in turn, and the bytes it writes.
 */
function specUtf8(
  text: string,
  answers: readonly number[],
): { calls: number[][]; bytes: number[] } {
  const units = text.length;
  const encoded = [...new TextEncoder().encode(text)];
  const calls: number[][] = [[0, 0, 1, units]];
  let ptr = answers[0]!;
  if (encoded.length > units) {
    const worst = units * 3;
    calls.push([ptr, units, 1, worst]);
    ptr = answers[1]!;
    if (worst > encoded.length) calls.push([ptr, worst, 1, encoded.length]);
  }
  return { calls, bytes: encoded };
}

describe("lowerUtf8", () => {
  const texts: string[] = [];
  for (const length of LENGTHS) {
    const base = ascii(length);
    texts.push(base);
    // Non-ASCII units at every position of the short strings, and near the ends of the long ones.
    const places =
      length <= 53 ? Array.from({ length }, (_, i) => i) : [0, 1, length - 2, length - 1];
    for (const at of places) {
      for (const unit of ["\u0080", "é", "\u07ff", "\u0800", "✓", "\uffff"])
        texts.push(put(base, at, unit));
      // A 4-byte character (two units).
      if (at + 1 < length) texts.push(put(put(base, at, "\ud83d"), at + 1, "\ude00"));
    }
  }
  texts.push("😀", "é", "😀😀😀", "✓".repeat(48), "é".repeat(49));

  /** A guest memory whose `realloc` records its calls and answers with a fresh odd address each time. */
  const recording = (): { memory: GuestMemory; calls: number[][]; answers: number[] } => {
    const raw = new MemoryClass({ initial: 1 });
    let bump = 65;
    const calls: number[][] = [];
    const answers: number[] = [];
    const realloc = (old: number, oldSize: number, align: number, size: number): number => {
      calls.push([old, oldSize, align, size]);
      const ptr = bump;
      // A new place each time (copying what the old one held, as a realloc does): a writer that kept the
      // old pointer would be caught.
      bump = ptr + size + 7;
      while (bump > raw.buffer.byteLength) raw.grow(1);
      const bytes = new Uint8Array(raw.buffer);
      if (old !== 0) bytes.copyWithin(ptr, old, old + Math.min(oldSize, size));
      answers.push(ptr);
      return ptr;
    };
    return { memory: new GuestMemory(raw, realloc as never, "utf8", {}), calls, answers };
  };

  it("makes the realloc calls of the canonical ABI's algorithm and writes the bytes TextEncoder writes (up to 48 units)", () => {
    const { memory, calls, answers } = recording();
    for (const text of texts) {
      calls.length = 0;
      answers.length = 0;
      const ptr = memory.lowerUtf8(text);
      const expected = [...new TextEncoder().encode(text)];
      const label = JSON.stringify(text);
      expect(memory.written, label).toBe(expected.length);
      expect([...memory.bytes.subarray(ptr, ptr + memory.written)], label).toEqual(expected);
      expect(memory.liftString(ptr, memory.written), label).toBe(text);
      if (text === "") {
        // As jco passes it: (1, 0), nothing allocated.
        expect(ptr).toBe(1);
        expect(calls).toEqual([]);
      } else if (text.length <= 48) {
        const spec = specUtf8(text, answers);
        expect(calls, label).toEqual(spec.calls);
        expect(ptr, label).toBe(answers[answers.length - 1]);
      } else {
        // Longer strings: measured first, one allocation of exactly their size.
        expect(calls, label).toEqual([[0, 0, 1, expected.length]]);
      }
    }
  });

  it("takes lowerString's UTF-8 path too", () => {
    const { memory, calls, answers } = recording();
    const ptr = memory.lowerString("héllo");
    expect(calls).toEqual(specUtf8("héllo", answers).calls);
    expect(memory.liftString(ptr, memory.written)).toBe("héllo");
  });

  it("traps when realloc answers outside memory, at each of its calls", () => {
    for (const bad of [0, 1, 2]) {
      const raw = new MemoryClass({ initial: 1 });
      let call = 0;
      const realloc = (): number => (call++ === bad ? 65_536 - 2 : 64 + call * 256);
      const memory = new GuestMemory(raw, realloc as never, "utf8", {});
      expect(() => memory.lowerUtf8("abcdé"), `call ${bad}`).toThrow(
        expect.objectContaining({ name: "CanonicalTrap" }),
      );
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

describe("strings written into grown memory", () => {
  it("writes into the memory a realloc grew (the views of the old buffer are detached)", () => {
    const raw = new MemoryClass({ initial: 1 });
    // Every allocation grows memory by a page and lands in the new one: a write through the old view would
    // throw or be lost. What the old allocation held moves with it, as a realloc's does.
    const realloc = (old: number, oldSize: number, _align: number, size: number): number => {
      raw.grow(1);
      const ptr = raw.buffer.byteLength - 65_536 + 3;
      new Uint8Array(raw.buffer).copyWithin(ptr, old, old + Math.min(oldSize, size));
      return ptr;
    };
    const memory = new GuestMemory(raw, realloc as never, "utf8", {});
    for (const text of ["a", "abcd", "hello, world!", ascii(48), ascii(49), "é", `${ascii(20)}✓`]) {
      const ptr = memory.lowerUtf8(text);
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
