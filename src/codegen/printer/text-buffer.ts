/**
 * The text of the file being printed, as UTF-16 code units in one growing buffer. Consumes what the line printer
 * writes (a few characters at a time: the SDK of a 1.55 MB WIT file is about 2 million writes); produces the
 * file's string, made once when the file is done (a one-byte string when every character is Latin-1, as
 * generated code nearly always is). Copying each write's characters costs less than keeping the writes as strings
 * and joining them (on Node 20, `join` costs 0.04-0.08 µs a piece, and makes chunk strings that are garbage once
 * joined again), and lets the printer look at what it wrote character by character. Buffers are reused from file
 * to file (see {@link acquireTextBuffer}).
 */

const SPACE = 0x20;
const LINE_FEED = 0x0a;

export class TextBuffer {
  private units = new Uint16Array(1 << 16);
  /** Every unit written, or-ed together: below 0x100, the text is Latin-1. */
  private bits = 0;
  /** Scratch for the Latin-1 copy of {@link units} that becomes the file's string. */
  private bytes: Buffer | undefined;
  /** The number of units written. */
  length = 0;

  /** Appends `text`, which must hold no line break: one `print` call is one line. */
  write(text: string): void {
    const n = text.length;
    let at = this.length;
    if (at + n > this.units.length) this.grow(at + n);
    const units = this.units;
    let bits = this.bits;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === LINE_FEED || c === 0x0d || c === 0x2028 || c === 0x2029) {
        throw new Error(
          `printed text contains a line break (${JSON.stringify(text)}); print one line per call and use f.string() for string literals`,
        );
      }
      bits |= c;
      units[at++] = c;
    }
    this.bits = bits;
    this.length = at;
  }

  /** Appends a line break. */
  lineBreak(): void {
    if (this.length === this.units.length) this.grow(this.length + 1);
    this.units[this.length++] = LINE_FEED;
  }

  /** Appends `n` spaces. */
  spaces(n: number): void {
    if (this.length + n > this.units.length) this.grow(this.length + n);
    this.units.fill(SPACE, this.length, this.length + n);
    this.length += n;
  }

  /** The code unit at `index` (below {@link length}). */
  at(index: number): number {
    return this.units[index]!;
  }

  /** Takes back what was written from `length` on. */
  truncate(length: number): void {
    this.length = length;
  }

  /** Takes back the one unit at `index`; what follows it moves back by one. */
  remove(index: number): void {
    this.units.copyWithin(index, index + 1, this.length);
    this.length--;
  }

  /** `head` followed by the text written; the buffer is then empty, ready for the next file. */
  take(head: string): string {
    const length = this.length;
    const units = this.units;
    let body: string;
    if (this.bits < 0x100) {
      if (this.bytes === undefined || this.bytes.length < length)
        this.bytes = Buffer.allocUnsafe(units.length);
      // A typed-array copy narrows each unit to its low byte, which is all of it here.
      this.bytes.set(units.subarray(0, length));
      body = this.bytes.toString("latin1", 0, length);
    } else {
      body = "";
      for (let i = 0; i < length; i += 8192) {
        body += String.fromCharCode(...units.subarray(i, Math.min(length, i + 8192)));
      }
    }
    this.clear();
    return head + body;
  }

  /** Forgets everything written. */
  clear(): void {
    this.length = 0;
    this.bits = 0;
  }

  /** The units' capacity, for the pool. */
  get capacity(): number {
    return this.units.length;
  }

  private grow(needed: number): void {
    let size = this.units.length * 2;
    while (size < needed) size *= 2;
    const units = new Uint16Array(size);
    units.set(this.units.subarray(0, this.length));
    this.units = units;
  }
}

/** Buffers larger than this (in units) are not kept for the next file: only the largest files need them. */
const KEPT_CAPACITY = 1 << 22;

const free: TextBuffer[] = [];

/** An empty buffer: one a finished file gave back when there is one. */
export function acquireTextBuffer(): TextBuffer {
  return free.pop() ?? new TextBuffer();
}

/** Gives back a buffer whose file is done, for the next file. */
export function releaseTextBuffer(buffer: TextBuffer): void {
  buffer.clear();
  if (free.length < 4 && buffer.capacity <= KEPT_CAPACITY) free.push(buffer);
}
