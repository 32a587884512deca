/**
 * Runtime, core wasm binary reading and writing: the little of the core binary format (core spec, "Binary
 * Format") that the memory cap needs: LEB128 integers, the section list, and a walk over a function body's
 * instructions that knows every opcode's immediates, so that one instruction (`memory.grow`) can be found and
 * replaced without mistaking an immediate byte for an opcode. Covers the MVP and the finished proposals
 * (bulk memory, reference types, SIMD, threads, tail calls, exceptions, function references, memory64);
 * GC instructions are refused. Consumes bytes; produces offsets, integers and bytes.
 */

/** A cursor over bytes. */
export interface Reader {
  readonly bytes: Uint8Array;
  offset: number;
}

/** Thrown for bytes this reader cannot take apart: the caller reports what it could not do. */
export class BinaryFormatError extends TypeError {}

export function readByte(reader: Reader): number {
  const value = reader.bytes[reader.offset++];
  if (value === undefined) throw new BinaryFormatError("unexpected end of the binary");
  return value;
}

/** An unsigned LEB128 as a number (exact below 2^53, which covers every index and page count). */
export function readUnsigned(reader: Reader): number {
  let result = 0;
  let scale = 1;
  for (;;) {
    const next = readByte(reader);
    result += (next & 0x7f) * scale;
    if ((next & 0x80) === 0) return result;
    scale *= 128;
    if (scale > 2 ** 70) throw new BinaryFormatError("an integer is too long");
  }
}

/** Skips one LEB128 integer, signed or not. */
function skipLeb(reader: Reader): void {
  for (let count = 0; (readByte(reader) & 0x80) !== 0; count++) {
    if (count > 10) throw new BinaryFormatError("an integer is too long");
  }
}

export function writeUnsigned(out: number[], value: number): void {
  let rest = value;
  for (;;) {
    const low = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest === 0) {
      out.push(low);
      return;
    }
    out.push(low | 0x80);
  }
}

/** A signed LEB128 of an integer (as a bigint, so that i64 constants are exact). */
export function writeSigned(out: number[], value: bigint): void {
  let rest = value;
  for (;;) {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    const done = (rest === 0n && (low & 0x40) === 0) || (rest === -1n && (low & 0x40) !== 0);
    out.push(done ? low : low | 0x80);
    if (done) return;
  }
}

export function writeName(out: number[], name: string): void {
  const encoder = (
    globalThis as unknown as {
      readonly TextEncoder: new () => { encode(text: string): Uint8Array };
    }
  ).TextEncoder;
  const bytes = new encoder().encode(name);
  writeUnsigned(out, bytes.length);
  for (const value of bytes) out.push(value);
}

/** One section of a module: its id and where its payload lies. */
export interface Section {
  readonly id: number;
  /** Where the section's id byte is. */
  readonly header: number;
  readonly start: number;
  readonly end: number;
}

/** The sections of a core module, in order; throws `BinaryFormatError` for anything else. */
export function readSections(bytes: Uint8Array): Section[] {
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  if (bytes.length < header.length || header.some((value, index) => bytes[index] !== value)) {
    throw new BinaryFormatError("not a WebAssembly core module (version 1)");
  }
  const reader: Reader = { bytes, offset: header.length };
  const sections: Section[] = [];
  while (reader.offset < bytes.length) {
    const header = reader.offset;
    const id = readByte(reader);
    const size = readUnsigned(reader);
    const start = reader.offset;
    const end = start + size;
    if (end > bytes.length)
      throw new BinaryFormatError("a section runs past the end of the binary");
    sections.push({ id, header, start, end });
    reader.offset = end;
  }
  return sections;
}

/** Skips a value type (a reference type with a heap type takes a second immediate). */
export function skipValueType(reader: Reader): void {
  const first = readByte(reader);
  if (first === 0x63 || first === 0x64) skipLeb(reader);
}

/** Skips a block type: empty, one value type, or a type index (a non-negative s33). */
function skipBlockType(reader: Reader): void {
  const first = reader.bytes[reader.offset];
  if (first === undefined) throw new BinaryFormatError("unexpected end of the binary");
  if (first === 0x63 || first === 0x64) {
    reader.offset++;
    skipLeb(reader);
  } else if (first >= 0x40 && first < 0x80) {
    reader.offset++;
  } else {
    skipLeb(reader);
  }
}

function skipMemArg(reader: Reader): void {
  const align = readUnsigned(reader);
  // Bit 6 of the alignment says a memory index follows (multi-memory).
  if ((align & 0x40) !== 0) skipLeb(reader);
  skipLeb(reader);
}

/**
 * Reads one instruction at the cursor and moves past it. Returns the memory index when it is
 * `memory.grow`, and -1 for anything else.
 */
export function readInstruction(reader: Reader): number {
  const opcode = readByte(reader);
  if (opcode === 0x40) return readUnsigned(reader);
  if (
    (opcode >= 0x45 && opcode <= 0xc4) ||
    opcode === 0x00 ||
    opcode === 0x01 ||
    opcode === 0x05 ||
    opcode === 0x0a ||
    opcode === 0x0b ||
    opcode === 0x0f ||
    opcode === 0x19 ||
    opcode === 0x1a ||
    opcode === 0x1b ||
    opcode === 0xd1 ||
    opcode === 0xd3 ||
    opcode === 0xd4
  ) {
    return -1;
  }
  if (opcode >= 0x28 && opcode <= 0x3e) {
    skipMemArg(reader);
    return -1;
  }
  switch (opcode) {
    case 0x02:
    case 0x03:
    case 0x04:
    case 0x06:
      skipBlockType(reader);
      return -1;
    case 0x07:
    case 0x08:
    case 0x09:
    case 0x0c:
    case 0x0d:
    case 0x10:
    case 0x12:
    case 0x14:
    case 0x15:
    case 0x18:
    case 0x20:
    case 0x21:
    case 0x22:
    case 0x23:
    case 0x24:
    case 0x25:
    case 0x26:
    case 0x3f:
    case 0x41:
    case 0x42:
    case 0xd0:
    case 0xd2:
    case 0xd5:
    case 0xd6:
      skipLeb(reader);
      return -1;
    case 0x0e: {
      const count = readUnsigned(reader);
      for (let index = 0; index <= count; index++) skipLeb(reader);
      return -1;
    }
    case 0x11:
    case 0x13:
      skipLeb(reader);
      skipLeb(reader);
      return -1;
    case 0x1c: {
      const count = readUnsigned(reader);
      for (let index = 0; index < count; index++) skipValueType(reader);
      return -1;
    }
    case 0x1f: {
      skipBlockType(reader);
      const count = readUnsigned(reader);
      for (let index = 0; index < count; index++) {
        const kind = readByte(reader);
        if (kind === 0x00 || kind === 0x01) skipLeb(reader);
        skipLeb(reader);
      }
      return -1;
    }
    case 0x43:
      reader.offset += 4;
      return -1;
    case 0x44:
      reader.offset += 8;
      return -1;
    case 0xfc:
      skipMiscImmediates(reader, readUnsigned(reader));
      return -1;
    case 0xfd:
      skipVectorImmediates(reader, readUnsigned(reader));
      return -1;
    case 0xfe: {
      const sub = readUnsigned(reader);
      if (sub === 0x03) reader.offset += 1;
      else skipMemArg(reader);
      return -1;
    }
    default:
      throw new BinaryFormatError(`unsupported instruction (opcode 0x${opcode.toString(16)})`);
  }
}

function skipMiscImmediates(reader: Reader, sub: number): void {
  if (sub <= 7) return;
  switch (sub) {
    case 8:
    case 10:
    case 12:
    case 14:
      skipLeb(reader);
      skipLeb(reader);
      return;
    case 9:
    case 11:
    case 13:
    case 15:
    case 16:
    case 17:
      skipLeb(reader);
      return;
    default:
      throw new BinaryFormatError(`unsupported instruction (opcode 0xfc ${sub})`);
  }
}

function skipVectorImmediates(reader: Reader, sub: number): void {
  if (sub <= 11 || sub === 92 || sub === 93) skipMemArg(reader);
  else if (sub === 12 || sub === 13) reader.offset += 16;
  else if (sub >= 21 && sub <= 34) reader.offset += 1;
  else if (sub >= 84 && sub <= 91) {
    skipMemArg(reader);
    reader.offset += 1;
  }
}
