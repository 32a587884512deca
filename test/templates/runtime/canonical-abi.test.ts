/**
 * The SDK's own canonical ABI (`canonical-abi.ts`, `canonical-memory.ts`) against the definitions of
 * CanonicalABI.md, over a real `WebAssembly.Memory` and a bump `realloc` written in JavaScript: sizes,
 * alignments and flattenings (the joins of variant slots), values stored and loaded back, the latin1+UTF-16
 * encoding (which no jco-transpiled component can use, so the differential tests cannot cover it), views that
 * survive `memory.grow`, and traps on what a guest may hand back wrongly.
 */
import { describe, expect, it } from "vitest";
import { codecOf, type AbiType } from "../../../templates/runtime/canonical-abi.js";
import {
  CanonicalTrap,
  GuestMemory,
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

function guestMemory(
  encoding: StringEncoding = "utf8",
  pages = 1,
): {
  memory: GuestMemory;
  raw: RawMemory;
  /** The sizes realloc was asked for. */
  sizes: number[];
  /** Moves the bump allocator's next free byte. */
  bumpTo: (at: number) => void;
} {
  const raw = new MemoryClass({ initial: pages });
  let bump = 64;
  const sizes: number[] = [];
  // A realloc moves what the old allocation held (UTF-8 strings are written, then grown and shrunk).
  const realloc = (old: number, oldSize: number, align: number, size: number): number => {
    sizes.push(size);
    const ptr = Math.ceil(bump / align) * align;
    bump = ptr + size;
    while (bump > raw.buffer.byteLength) raw.grow(1);
    if (old !== 0) new Uint8Array(raw.buffer).copyWithin(ptr, old, old + Math.min(oldSize, size));
    return ptr;
  };
  return {
    memory: new GuestMemory(raw, realloc as never, encoding, {}),
    raw,
    sizes,
    bumpTo: (at) => void (bump = at),
  };
}

const POINT: AbiType = {
  kind: "record",
  fields: [
    ["x", "u8"],
    ["y", "u64"],
  ],
};
const SHAPE: AbiType = {
  kind: "variant",
  cases: [
    ["a", "f32"],
    ["b", POINT],
    ["c", null],
    ["d", "f64"],
  ],
};

/** The sizes `realloc` is asked for when `lowerString` writes `text` in UTF-8 (see the test above's comment). */
function utf8Sizes(text: string): number[] {
  const size = new TextEncoder().encode(text).length;
  if (text === "") return [];
  if (text.length > 48) return [size];
  if (size === text.length) return [size];
  const worst = text.length * 3;
  return worst > size ? [text.length, worst, size] : [text.length, worst];
}

describe("layout", () => {
  it.each([
    ["bool", 1, 1, ["i32"]],
    ["u64", 8, 8, ["i64"]],
    ["char", 4, 4, ["i32"]],
    ["string", 8, 4, ["i32", "i32"]],
    [POINT, 16, 8, ["i32", "i64"]],
    [{ kind: "tuple", types: ["u8", "u16", "u8"] }, 6, 2, ["i32", "i32", "i32"]],
    // Discriminant, then the joined slots: f32|u8|f64 -> i64? no: slot 0 joins f32, i32 (u8), f64 -> i64.
    [SHAPE, 24, 8, ["i32", "i64", "i64"]],
    [
      {
        kind: "variant",
        cases: [
          ["a", "f32"],
          ["b", "u32"],
        ],
      },
      8,
      4,
      ["i32", "i32"],
    ],
    [{ kind: "enum", cases: Array.from({ length: 300 }, (_, i) => `c${i}`) }, 2, 2, ["i32"]],
    [{ kind: "flags", names: ["a", "b", "c"] }, 1, 1, ["i32"]],
    [{ kind: "flags", names: Array.from({ length: 12 }, (_, i) => `f${i}`) }, 2, 2, ["i32"]],
    [{ kind: "flags", names: Array.from({ length: 40 }, (_, i) => `f${i}`) }, 8, 4, ["i32", "i32"]],
    [{ kind: "option", inner: "string" }, 12, 4, ["i32", "i32", "i32"]],
    [{ kind: "result", ok: null, err: "u8" }, 2, 1, ["i32", "i32"]],
    [{ kind: "list", element: "u16", size: 3 }, 6, 2, ["i32", "i32", "i32"]],
  ] as [AbiType, number, number, string[]][])(
    "layout %# (size %i, align %i)",
    (type, size, align, flat) => {
      const codec = codecOf(type);
      expect([codec.size, codec.align, [...codec.flat]]).toEqual([size, align, flat]);
    },
  );
});

describe("values in memory and as flat values", () => {
  const cases: [AbiType, unknown][] = [
    [SHAPE, { tag: "b", val: { x: 200, y: 2n ** 64n - 1n } }],
    [SHAPE, { tag: "a", val: Math.fround(-1.5) }],
    [SHAPE, { tag: "c" }],
    [SHAPE, { tag: "d", val: -0 }],
    [
      {
        kind: "variant",
        cases: [
          ["n", "s32"],
          ["f", "f64"],
        ],
      },
      { tag: "n", val: -5 },
    ],
    [
      { kind: "list", element: { kind: "option", inner: { kind: "option", inner: "s8" } } },
      [{ tag: "none" }, { tag: "some", val: undefined }, { tag: "some", val: -128 }],
    ],
    [
      { kind: "result", ok: "string", err: null },
      { tag: "ok", val: "héllo ✓" },
    ],
    [
      { kind: "result", ok: "string", err: null },
      { tag: "err", val: undefined },
    ],
    [
      { kind: "flags", names: Array.from({ length: 40 }, (_, i) => `f${i}`) },
      Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${i}`, i % 3 === 0])),
    ],
    [{ kind: "list", element: "f64" }, new Float64Array([NaN, -0, Infinity, 1.5])],
    [{ kind: "list", element: "char" }, ["a", "\u{10ffff}", "✓"]],
    [
      { kind: "tuple", types: ["u64", "s64", "u32", "s16"] },
      [2n ** 63n, -(2n ** 63n), 4294967295, -32768],
    ],
  ];

  it.each(cases)("value %# round-trips through memory", (type, value) => {
    const { memory } = guestMemory();
    const codec = codecOf(type);
    const ptr = memory.alloc(codec.align, codec.size);
    codec.store(memory, ptr, value);
    expect(codec.load(memory, ptr)).toEqual(value);
  });

  it.each(cases)("value %# round-trips as flat values", (type, value) => {
    const { memory } = guestMemory();
    const codec = codecOf(type);
    const flat: unknown[] = [];
    codec.lower(memory, value, flat);
    expect(flat).toHaveLength(codec.flat.length);
    flat.forEach((v, i) => expect(typeof v).toBe(codec.flat[i] === "i64" ? "bigint" : "number"));
    expect(codec.lift(memory, { values: flat, index: 0 })).toEqual(value);
  });

  it("zero-extends an i32 payload into a shared i64 slot and passes an f32 as its bits", () => {
    const { memory } = guestMemory();
    const flat: unknown[] = [];
    codecOf({
      kind: "variant",
      cases: [
        ["n", "s32"],
        ["b", "u64"],
      ],
    }).lower(memory, { tag: "n", val: -1 }, flat);
    expect(flat).toEqual([0, 0xffff_ffffn]);
    flat.length = 0;
    codecOf({
      kind: "variant",
      cases: [
        ["f", "f32"],
        ["b", "u64"],
      ],
    }).lower(memory, { tag: "f", val: 1 }, flat);
    expect(flat).toEqual([0, 0x3f80_0000n]);
  });

  it("reads and makes a record through its written-out `read` and `make` when it has them", () => {
    const { memory } = guestMemory();
    const made: unknown[][] = [];
    const type: AbiType = {
      kind: "record",
      fields: [
        ["x", "u8"],
        ["y", "u64"],
      ],
      read: (r) => [r["x"], r["y"]],
      make: (v) => {
        made.push([...v]);
        return { x: v[0], y: v[1], made: true };
      },
    };
    const codec = codecOf(type);
    const ptr = memory.alloc(codec.align, codec.size);
    codec.store(memory, ptr, { x: 7, y: 9n });
    expect(codec.load(memory, ptr)).toEqual({ x: 7, y: 9n, made: true });
    const flat: unknown[] = [];
    codec.lower(memory, { x: 1, y: 2n }, flat);
    expect(codec.lift(memory, { values: flat, index: 0 })).toEqual({ x: 1, y: 2n, made: true });
    expect(made).toEqual([
      [7, 9n],
      [1, 2n],
    ]);
  });
});

describe("strings", () => {
  it.each([
    ["latin1+utf16", "café", 4, false],
    ["latin1+utf16", "a✓b", 3, true],
    ["latin1+utf16", "", 0, false],
    ["utf16", "a✓b", 3, false],
    ["utf8", "héllo", 6, false],
  ] as const)(
    "%s: %j is %i units, UTF-16 tag %s, and lifts back",
    (encoding, text, units, tagged) => {
      const { memory } = guestMemory(encoding);
      const ptr = memory.lowerString(text);
      const length = memory.written;
      expect(length & 0x7fff_ffff).toBe(units);
      expect((length & 0x8000_0000) !== 0).toBe(tagged);
      expect(memory.liftString(ptr, length)).toBe(text);
    },
  );

  it.each(["utf8", "utf16", "latin1+utf16"] as const)(
    "%s: a lone surrogate comes back as U+FFFD, as through jco",
    (encoding) => {
      const { memory } = guestMemory(encoding);
      const ptr = memory.lowerString("a\udc00");
      expect(memory.liftString(ptr, memory.written)).toBe("a\ufffd");
    },
  );
});

describe("strings through the short-string loops and the engine's encoder alike", () => {
  // Lengths around the limits of the ways strings are read (a loop up to 16 characters) and written (a loop up
  // to 48, a scratch buffer up to 16,384, in place beyond), and between them.
  const lengths = [0, 1, 2, 8, 12, 13, 15, 16, 17, 47, 48, 49, 100, 5000, 16_384, 16_385, 40_000];
  const ascii = (n: number): string =>
    Array.from({ length: n }, (_, i) => String.fromCharCode(32 + ((i * 7) % 95))).join("");
  const texts: string[] = [
    ...lengths.map(ascii),
    // Non-ASCII after ASCII, at each place the loops could get wrong.
    ...[1, 15, 16, 17, 47, 48, 49, 16_383, 16_384, 16_385].flatMap((n) => [
      `${ascii(n)}é`,
      `${ascii(n)}✓${ascii(3)}`,
      `${ascii(n)}😀`,
      `é${ascii(n)}`,
    ]),
    "\u007f\u0080\u07ff\u0800\uffff",
    "😀".repeat(20),
  ];
  const units = (encoding: StringEncoding, text: string): number =>
    encoding === "utf8" ? new TextEncoder().encode(text).length : text.length;

  it.each(["utf8", "utf16", "latin1+utf16"] as const)(
    "%s: lowers to exactly the encoded bytes and lifts back",
    (encoding) => {
      const { memory, sizes } = guestMemory(encoding);
      for (const text of texts) {
        sizes.length = 0;
        const ptr = memory.lowerString(text);
        const length = memory.written;
        expect((length & 0x7fff_ffff) >>> 0, JSON.stringify(text)).toBe(units(encoding, text));
        if (encoding === "utf8") {
          // An empty string asks for nothing; up to 48 units, realloc is asked as the canonical ABI's
          // store_string_to_utf8 asks it (one byte a unit, then three, then what was written); longer
          // strings ask for exactly the bytes written.
          expect(sizes, JSON.stringify(text)).toEqual(utf8Sizes(text));
          expect([...memory.bytes.subarray(ptr, ptr + length)]).toEqual([
            ...new TextEncoder().encode(text),
          ]);
        }
        expect(memory.liftString(ptr, length), JSON.stringify(text)).toBe(text);
      }
    },
  );

  it("utf8: lone surrogates, wherever they are, come back as U+FFFD, as TextEncoder writes them", () => {
    const { memory, sizes } = guestMemory("utf8");
    for (const text of [
      "\ud800",
      "\udc00",
      "a\ud800b",
      `${ascii(16)}\udbff`,
      `${ascii(23)}\ud800`,
      `${ascii(100)}\ud800${ascii(100)}`,
      `${ascii(20_000)}\udc00`,
      "\udc00\ud800",
      "😀\ud83d",
      "\ud83d\ud83d\ude00",
      "\ud800é",
      "\udbff✓",
    ]) {
      sizes.length = 0;
      const ptr = memory.lowerString(text);
      const expected = new TextEncoder().encode(text);
      expect(sizes, JSON.stringify(text)).toEqual(utf8Sizes(text));
      expect(memory.written).toBe(expected.length);
      expect(memory.liftString(ptr, memory.written)).toBe(new TextDecoder().decode(expected));
    }
  });

  it("utf8: decodes bytes of 0x80 and above wherever they are in a short string", () => {
    const { memory } = guestMemory("utf8");
    for (const length of [1, 2, 13, 15, 16, 17]) {
      for (let at = 0; at < length; at++) {
        const bytes = new TextEncoder().encode(ascii(length));
        bytes[at] = 0xff;
        const ptr = memory.alloc(1, length);
        memory.bytes.set(bytes, ptr);
        expect(memory.liftString(ptr, length)).toBe(new TextDecoder().decode(bytes));
      }
    }
  });

  it.each(["utf8", "utf16", "latin1+utf16"] as const)(
    "%s: a realloc that grows memory (and detaches the buffer) leaves the string in the new buffer",
    (encoding) => {
      for (const text of [
        "short",
        ascii(16),
        ascii(48),
        ascii(49),
        `${ascii(20)}✓`,
        "é",
        `${ascii(1000)}✓`,
        `${ascii(20_000)}✓`,
      ]) {
        const { memory, raw, bumpTo } = guestMemory(encoding);
        // The next allocation does not fit: realloc grows memory first.
        bumpTo(raw.buffer.byteLength - 1);
        const before = raw.buffer;
        const ptr = memory.lowerString(text);
        expect(before.byteLength, "realloc grew memory").toBe(0);
        expect(memory.liftString(ptr, memory.written)).toBe(text);
      }
    },
  );
});

describe("memory", () => {
  it("keeps working when realloc grows memory (the old buffer is detached)", () => {
    const { memory, raw } = guestMemory("utf8", 1);
    const before = raw.buffer;
    const list = codecOf({ kind: "list", element: "u8" });
    const flat: unknown[] = [];
    list.lower(memory, new Uint8Array(200_000).fill(9), flat);
    expect(raw.buffer).not.toBe(before);
    expect(before.byteLength).toBe(0);
    const lifted = list.lift(memory, { values: flat, index: 0 }) as Uint8Array;
    expect(lifted.length).toBe(200_000);
    expect(lifted[199_999]).toBe(9);
  });

  it("traps on out-of-bounds and misaligned lists, invalid chars and discriminants", () => {
    const { memory } = guestMemory();
    const list = codecOf({ kind: "list", element: "u32" });
    expect(() => list.lift(memory, { values: [65_530, 4], index: 0 })).toThrow(CanonicalTrap);
    expect(() => list.lift(memory, { values: [2, 1], index: 0 })).toThrow(CanonicalTrap);
    expect(() => codecOf("char").lift(memory, { values: [0xd800], index: 0 })).toThrow(
      CanonicalTrap,
    );
    expect(() =>
      codecOf({ kind: "enum", cases: ["a", "b"] }).lift(memory, { values: [2], index: 0 }),
    ).toThrow(CanonicalTrap);
  });
});
