/**
 * Runtime, short ASCII strings: reads a UTF-8 string of up to {@link DECODE_LOOP_MAX} bytes out of a guest's
 * memory when every byte is ASCII, the common case of a direct call's short string result. Consumes a view and
 * the bytes of the memory, a pointer and a length; produces the string, or undefined when a byte is not ASCII
 * (the caller then decodes with `TextDecoder`). Apart from `canonical-memory.ts` because it is one long switch:
 * `String.fromCharCode` is called with exactly one argument per byte, which needs one case per length.
 * Copied into SDKs like its siblings: no host-specific imports.
 */

/** The longest ASCII string read by {@link shortAscii} rather than `TextDecoder`. */
export const DECODE_LOOP_MAX = 16;

/**
 * Up to {@link DECODE_LOOP_MAX} bytes of UTF-8 as one char code each, when every byte is ASCII, by one
 * `String.fromCharCode` with one argument per byte: one flat string made at once (a `+=` per byte makes a string
 * per byte, and from 13 characters on a rope that its first reader must flatten). Four bytes are read at a time
 * through the view `v` (one bounds check instead of four) and the rest through the bytes `b`; every read feeds
 * the ASCII check (one mask over all of them) and the call alike: 47-51 instructions fewer than a read per
 * byte in a 13-character round trip, counted by callgrind. Undefined when a byte is not ASCII (or `n` is longer). ASCII only,
 * the limit a constant rather than a parameter: latin1 strings, whose encoding jco 1.35 cannot transpile, are
 * read by a loop of their own whatever their length.
 */
export function shortAscii(v: DataView, b: Uint8Array, p: number, n: number): string | undefined {
  const c = String.fromCharCode;
  switch (n) {
    case 0:
      return "";
    case 1: {
      const a0 = b[p]!;
      return a0 < 0x80 ? c(a0) : undefined;
    }
    case 2: {
      const a0 = b[p]!,
        a1 = b[p + 1]!;
      return (a0 | a1) < 0x80 ? c(a0, a1) : undefined;
    }
    case 3: {
      const a0 = b[p]!,
        a1 = b[p + 1]!,
        a2 = b[p + 2]!;
      return (a0 | a1 | a2) < 0x80 ? c(a0, a1, a2) : undefined;
    }
    case 4: {
      const w0 = v.getUint32(p, true);
      return (w0 & 0x80808080) === 0
        ? c(w0 & 0xff, (w0 >>> 8) & 0xff, (w0 >>> 16) & 0xff, w0 >>> 24)
        : undefined;
    }
    case 5: {
      const w0 = v.getUint32(p, true),
        a4 = b[p + 4]!;
      return ((w0 | a4) & 0x80808080) === 0
        ? c(w0 & 0xff, (w0 >>> 8) & 0xff, (w0 >>> 16) & 0xff, w0 >>> 24, a4)
        : undefined;
    }
    case 6: {
      const w0 = v.getUint32(p, true),
        a4 = b[p + 4]!,
        a5 = b[p + 5]!;
      return ((w0 | a4 | a5) & 0x80808080) === 0
        ? c(w0 & 0xff, (w0 >>> 8) & 0xff, (w0 >>> 16) & 0xff, w0 >>> 24, a4, a5)
        : undefined;
    }
    case 7: {
      const w0 = v.getUint32(p, true),
        a4 = b[p + 4]!,
        a5 = b[p + 5]!,
        a6 = b[p + 6]!;
      return ((w0 | a4 | a5 | a6) & 0x80808080) === 0
        ? c(w0 & 0xff, (w0 >>> 8) & 0xff, (w0 >>> 16) & 0xff, w0 >>> 24, a4, a5, a6)
        : undefined;
    }
    case 8: {
      const w0 = v.getUint32(p, true),
        w1 = v.getUint32(p + 4, true);
      return ((w0 | w1) & 0x80808080) === 0
        ? c(
            w0 & 0xff,
            (w0 >>> 8) & 0xff,
            (w0 >>> 16) & 0xff,
            w0 >>> 24,
            w1 & 0xff,
            (w1 >>> 8) & 0xff,
            (w1 >>> 16) & 0xff,
            w1 >>> 24,
          )
        : undefined;
    }
    case 9: {
      const w0 = v.getUint32(p, true),
        w1 = v.getUint32(p + 4, true),
        a8 = b[p + 8]!;
      return ((w0 | w1 | a8) & 0x80808080) === 0
        ? c(
            w0 & 0xff,
            (w0 >>> 8) & 0xff,
            (w0 >>> 16) & 0xff,
            w0 >>> 24,
            w1 & 0xff,
            (w1 >>> 8) & 0xff,
            (w1 >>> 16) & 0xff,
            w1 >>> 24,
            a8,
          )
        : undefined;
    }
    case 10: {
      const w0 = v.getUint32(p, true),
        w1 = v.getUint32(p + 4, true),
        a8 = b[p + 8]!,
        a9 = b[p + 9]!;
      return ((w0 | w1 | a8 | a9) & 0x80808080) === 0
        ? c(
            w0 & 0xff,
            (w0 >>> 8) & 0xff,
            (w0 >>> 16) & 0xff,
            w0 >>> 24,
            w1 & 0xff,
            (w1 >>> 8) & 0xff,
            (w1 >>> 16) & 0xff,
            w1 >>> 24,
            a8,
            a9,
          )
        : undefined;
    }
    case 11: {
      const w0 = v.getUint32(p, true),
        w1 = v.getUint32(p + 4, true),
        a8 = b[p + 8]!,
        a9 = b[p + 9]!,
        a10 = b[p + 10]!;
      return ((w0 | w1 | a8 | a9 | a10) & 0x80808080) === 0
        ? c(
            w0 & 0xff,
            (w0 >>> 8) & 0xff,
            (w0 >>> 16) & 0xff,
            w0 >>> 24,
            w1 & 0xff,
            (w1 >>> 8) & 0xff,
            (w1 >>> 16) & 0xff,
            w1 >>> 24,
            a8,
            a9,
            a10,
          )
        : undefined;
    }
    case 12: {
      const w0 = v.getUint32(p, true),
        w1 = v.getUint32(p + 4, true),
        w2 = v.getUint32(p + 8, true);
      return ((w0 | w1 | w2) & 0x80808080) === 0
        ? c(
            w0 & 0xff,
            (w0 >>> 8) & 0xff,
            (w0 >>> 16) & 0xff,
            w0 >>> 24,
            w1 & 0xff,
            (w1 >>> 8) & 0xff,
            (w1 >>> 16) & 0xff,
            w1 >>> 24,
            w2 & 0xff,
            (w2 >>> 8) & 0xff,
            (w2 >>> 16) & 0xff,
            w2 >>> 24,
          )
        : undefined;
    }
    case 13: {
      const w0 = v.getUint32(p, true),
        w1 = v.getUint32(p + 4, true),
        w2 = v.getUint32(p + 8, true),
        a12 = b[p + 12]!;
      return ((w0 | w1 | w2 | a12) & 0x80808080) === 0
        ? c(
            w0 & 0xff,
            (w0 >>> 8) & 0xff,
            (w0 >>> 16) & 0xff,
            w0 >>> 24,
            w1 & 0xff,
            (w1 >>> 8) & 0xff,
            (w1 >>> 16) & 0xff,
            w1 >>> 24,
            w2 & 0xff,
            (w2 >>> 8) & 0xff,
            (w2 >>> 16) & 0xff,
            w2 >>> 24,
            a12,
          )
        : undefined;
    }
    case 14: {
      const w0 = v.getUint32(p, true),
        w1 = v.getUint32(p + 4, true),
        w2 = v.getUint32(p + 8, true),
        a12 = b[p + 12]!,
        a13 = b[p + 13]!;
      return ((w0 | w1 | w2 | a12 | a13) & 0x80808080) === 0
        ? c(
            w0 & 0xff,
            (w0 >>> 8) & 0xff,
            (w0 >>> 16) & 0xff,
            w0 >>> 24,
            w1 & 0xff,
            (w1 >>> 8) & 0xff,
            (w1 >>> 16) & 0xff,
            w1 >>> 24,
            w2 & 0xff,
            (w2 >>> 8) & 0xff,
            (w2 >>> 16) & 0xff,
            w2 >>> 24,
            a12,
            a13,
          )
        : undefined;
    }
    case 15: {
      const w0 = v.getUint32(p, true),
        w1 = v.getUint32(p + 4, true),
        w2 = v.getUint32(p + 8, true),
        a12 = b[p + 12]!,
        a13 = b[p + 13]!,
        a14 = b[p + 14]!;
      return ((w0 | w1 | w2 | a12 | a13 | a14) & 0x80808080) === 0
        ? c(
            w0 & 0xff,
            (w0 >>> 8) & 0xff,
            (w0 >>> 16) & 0xff,
            w0 >>> 24,
            w1 & 0xff,
            (w1 >>> 8) & 0xff,
            (w1 >>> 16) & 0xff,
            w1 >>> 24,
            w2 & 0xff,
            (w2 >>> 8) & 0xff,
            (w2 >>> 16) & 0xff,
            w2 >>> 24,
            a12,
            a13,
            a14,
          )
        : undefined;
    }
    case 16: {
      const w0 = v.getUint32(p, true),
        w1 = v.getUint32(p + 4, true),
        w2 = v.getUint32(p + 8, true),
        w3 = v.getUint32(p + 12, true);
      return ((w0 | w1 | w2 | w3) & 0x80808080) === 0
        ? c(
            w0 & 0xff,
            (w0 >>> 8) & 0xff,
            (w0 >>> 16) & 0xff,
            w0 >>> 24,
            w1 & 0xff,
            (w1 >>> 8) & 0xff,
            (w1 >>> 16) & 0xff,
            w1 >>> 24,
            w2 & 0xff,
            (w2 >>> 8) & 0xff,
            (w2 >>> 16) & 0xff,
            w2 >>> 24,
            w3 & 0xff,
            (w3 >>> 8) & 0xff,
            (w3 >>> 16) & 0xff,
            w3 >>> 24,
          )
        : undefined;
    }
    default:
      return undefined;
  }
}
