/**
 * Runtime, memory cap: rewrites the binary of one core module so that none of its linear memories can grow
 * past a limit. V8's heap limits do not cover wasm memories (their buffers live outside the JavaScript heap),
 * so the cap is set in the module, where the engine enforces it:
 *
 * - every memory the module defines gets a declared maximum no larger than the limit (core spec, "Memory
 *   Types"), so no grow, from wasm or from JavaScript, can take it further;
 * - every `memory.grow` in the module's code (of a defined or an imported memory) becomes a call to a function
 *   appended to the module, which grows the memory as asked, or, when the new size would pass the limit, stores
 *   the size asked for in a global appended and exported as {@link MEMORY_LIMIT_EXPORT} and traps, so that the
 *   worker can tell this trap from others and report it as `MemoryLimitError`. A grow that fails for any other
 *   reason (the memory's own smaller maximum) still returns -1. Appending keeps every existing function,
 *   type and global index where it was.
 *
 * 64-bit memories are capped by their maximum only (a grow past it returns -1). Consumes a core module's
 * bytes and a limit in bytes; produces new bytes, or throws `MemoryLimitError` when a memory's declared
 * minimum is already over the limit and `TypeError` for modules it cannot rewrite (GC types or instructions).
 */

import { MemoryLimitError } from "./isolate-errors.js";
import {
  BinaryFormatError,
  readByte,
  readInstruction,
  readSections,
  readUnsigned,
  skipValueType,
  writeName,
  writeSigned,
  writeUnsigned,
  type Reader,
  type Section,
} from "./wasm-binary.js";

/** The export under which a rewritten module publishes the size (in pages) a refused grow asked for. */
export const MEMORY_LIMIT_EXPORT = "wit-ts:memory-limit";

const SECTION = {
  type: 1,
  import: 2,
  function: 3,
  memory: 5,
  global: 6,
  export: 7,
  code: 10,
} as const;
/** Where each known section goes (core spec: sections in this order; custom sections anywhere). */
const ORDER = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];

interface MemoryInfo {
  /** The most pages the memory may hold under the limit. */
  readonly capPages: number;
  /** Whether a grow must be checked: the cap is below the memory's own maximum, and addresses are 32-bit. */
  readonly hooked: boolean;
}

interface ModuleFacts {
  types: number;
  importedFunctions: number;
  importedGlobals: number;
  definedFunctions: number;
  definedGlobals: number;
  readonly memories: MemoryInfo[];
}

function pageBytes(flags: number, reader: Reader): number {
  return (flags & 0x08) !== 0 ? 2 ** readUnsigned(reader) : 65_536;
}

/** Reads a memory type; returns the facts and, for a defined memory, its bytes with the maximum capped. */
function readMemoryType(
  reader: Reader,
  limitBytes: number,
  defined: boolean,
  out: number[] | undefined,
): MemoryInfo {
  const flags = readByte(reader);
  if (flags > 0x0f)
    throw new BinaryFormatError(`unknown memory limits flags 0x${flags.toString(16)}`);
  const min = readUnsigned(reader);
  const max = (flags & 0x01) !== 0 ? readUnsigned(reader) : undefined;
  const pageSize = pageBytes(flags, reader);
  const capPages = Math.floor(limitBytes / pageSize);
  if (defined && min > capPages) throw new MemoryLimitError(limitBytes, min * pageSize, true);
  if (out !== undefined) {
    out.push(flags | 0x01);
    writeUnsigned(out, min);
    writeUnsigned(out, max === undefined ? capPages : Math.min(max, capPages));
    if ((flags & 0x08) !== 0) writeUnsigned(out, Math.log2(pageSize));
  }
  const is64 = (flags & 0x04) !== 0;
  return { capPages, hooked: !is64 && (max === undefined || capPages < max) };
}

function skipLimits(reader: Reader): void {
  const flags = readByte(reader);
  readUnsigned(reader);
  if ((flags & 0x01) !== 0) readUnsigned(reader);
  if ((flags & 0x08) !== 0) readUnsigned(reader);
}

function skipName(reader: Reader): void {
  const length = readUnsigned(reader);
  reader.offset += length;
}

function readFacts(
  bytes: Uint8Array,
  sections: readonly Section[],
  limitBytes: number,
): ModuleFacts {
  const facts: ModuleFacts = {
    types: 0,
    importedFunctions: 0,
    importedGlobals: 0,
    definedFunctions: 0,
    definedGlobals: 0,
    memories: [],
  };
  for (const section of sections) {
    const reader: Reader = { bytes, offset: section.start };
    switch (section.id) {
      case SECTION.type: {
        facts.types = readUnsigned(reader);
        for (let index = 0; index < facts.types; index++) {
          // Recursion groups and subtypes (GC) would make the index count differ from the entry count.
          if (readByte(reader) !== 0x60)
            throw new TypeError(
              "the module uses GC types: the memory limit cannot be applied to it",
            );
          for (let list = 0; list < 2; list++) {
            const count = readUnsigned(reader);
            for (let value = 0; value < count; value++) skipValueType(reader);
          }
        }
        break;
      }
      case SECTION.import: {
        const count = readUnsigned(reader);
        for (let index = 0; index < count; index++) {
          skipName(reader);
          skipName(reader);
          const kind = readByte(reader);
          switch (kind) {
            case 0x00:
              readUnsigned(reader);
              facts.importedFunctions++;
              break;
            case 0x01:
              skipValueType(reader);
              skipLimits(reader);
              break;
            case 0x02:
              facts.memories.push(readMemoryType(reader, limitBytes, false, undefined));
              break;
            case 0x03:
              skipValueType(reader);
              readByte(reader);
              facts.importedGlobals++;
              break;
            case 0x04:
              readByte(reader);
              readUnsigned(reader);
              break;
            default:
              throw new BinaryFormatError(`unknown import kind 0x${kind.toString(16)}`);
          }
        }
        break;
      }
      case SECTION.function:
        facts.definedFunctions = readUnsigned(reader);
        break;
      case SECTION.memory: {
        const count = readUnsigned(reader);
        for (let index = 0; index < count; index++)
          facts.memories.push(readMemoryType(reader, limitBytes, true, undefined));
        break;
      }
      case SECTION.global:
        facts.definedGlobals = readUnsigned(reader);
        break;
      default:
        break;
    }
  }
  return facts;
}

/** The memory section with every maximum capped. */
function cappedMemorySection(payload: Uint8Array, limitBytes: number): number[] {
  const reader: Reader = { bytes: payload, offset: 0 };
  const out: number[] = [];
  const count = readUnsigned(reader);
  writeUnsigned(out, count);
  for (let index = 0; index < count; index++) readMemoryType(reader, limitBytes, true, out);
  return out;
}

/** The code section with each checked `memory.grow` replaced by a call of its hook, and the hooks appended. */
function rewrittenCode(
  payload: Uint8Array,
  hooks: ReadonlyMap<number, number>,
  hookBodies: readonly number[][],
): number[] {
  const reader: Reader = { bytes: payload, offset: 0 };
  const count = readUnsigned(reader);
  const out: number[] = [];
  writeUnsigned(out, count + hookBodies.length);
  for (let index = 0; index < count; index++) {
    const size = readUnsigned(reader);
    const end = reader.offset + size;
    const body: number[] = [];
    const localsStart = reader.offset;
    const groups = readUnsigned(reader);
    for (let group = 0; group < groups; group++) {
      readUnsigned(reader);
      skipValueType(reader);
    }
    for (let at = localsStart; at < reader.offset; at++) body.push(payload[at]!);
    while (reader.offset < end) {
      const start = reader.offset;
      const memory = readInstruction(reader);
      const hook = memory < 0 ? undefined : hooks.get(memory);
      if (hook !== undefined) {
        body.push(0x10);
        writeUnsigned(body, hook);
      } else {
        for (let at = start; at < reader.offset; at++) body.push(payload[at]!);
      }
    }
    if (reader.offset !== end)
      throw new BinaryFormatError("a function body's instructions run past its end");
    writeUnsigned(out, body.length);
    out.push(...body);
  }
  for (const body of hookBodies) {
    writeUnsigned(out, body.length);
    out.push(...body);
  }
  return out;
}

/**
 * The hook of memory `memory`: `(param $delta i32) (result i32) (local $want i64)`. Grows as asked while the
 * new size stays within `capPages`; otherwise stores the size asked for (saturated to i32) in `global` and traps.
 */
function hookBody(memory: number, capPages: number, global: number): number[] {
  const out: number[] = [0x01, 0x01, 0x7e];
  out.push(0x3f);
  writeUnsigned(out, memory);
  out.push(0xad, 0x20, 0x00, 0xad, 0x7c, 0x22, 0x01, 0x42);
  writeSigned(out, BigInt(capPages));
  out.push(0x56, 0x04, 0x40);
  out.push(0x20, 0x01, 0x42);
  writeSigned(out, 0x7fffffffn);
  out.push(0x56, 0x04, 0x7f, 0x41);
  writeSigned(out, 0x7fffffffn);
  out.push(0x05, 0x20, 0x01, 0xa7, 0x0b, 0x24);
  writeUnsigned(out, global);
  out.push(0x00, 0x0b);
  out.push(0x20, 0x00, 0x40);
  writeUnsigned(out, memory);
  out.push(0x0b);
  return out;
}

/** `payload` (a vector section) with `extra` entries appended: `count` is how many it holds already. */
function appended(
  payload: Uint8Array | undefined,
  extra: number,
  entries: readonly number[],
): number[] {
  const out: number[] = [];
  if (payload === undefined) {
    writeUnsigned(out, extra);
  } else {
    const reader: Reader = { bytes: payload, offset: 0 };
    const count = readUnsigned(reader);
    writeUnsigned(out, count + extra);
    for (let at = reader.offset; at < payload.length; at++) out.push(payload[at]!);
  }
  out.push(...entries);
  return out;
}

/** Which memories the code grows (`memory.grow` of each index), to hook only those. */
function grownMemories(payload: Uint8Array): Set<number> {
  const grown = new Set<number>();
  const reader: Reader = { bytes: payload, offset: 0 };
  const count = readUnsigned(reader);
  for (let index = 0; index < count; index++) {
    const size = readUnsigned(reader);
    const end = reader.offset + size;
    const groups = readUnsigned(reader);
    for (let group = 0; group < groups; group++) {
      readUnsigned(reader);
      skipValueType(reader);
    }
    while (reader.offset < end) {
      const memory = readInstruction(reader);
      if (memory >= 0) grown.add(memory);
    }
  }
  return grown;
}

function capModule(bytes: Uint8Array, limitBytes: number): Uint8Array {
  const sections = readSections(bytes);
  const facts = readFacts(bytes, sections, limitBytes);
  const find = (id: number): Section | undefined => sections.find((section) => section.id === id);
  const payloadOf = (section: Section | undefined): Uint8Array | undefined =>
    section === undefined ? undefined : bytes.subarray(section.start, section.end);
  const code = find(SECTION.code);
  const grown = code === undefined ? new Set<number>() : grownMemories(payloadOf(code)!);
  const hooked = [...grown]
    .filter((memory) => facts.memories[memory]?.hooked === true)
    .sort((a, b) => a - b);

  const replaced = new Map<number, number[]>();
  const memorySection = find(SECTION.memory);
  if (memorySection !== undefined)
    replaced.set(SECTION.memory, cappedMemorySection(payloadOf(memorySection)!, limitBytes));
  if (hooked.length > 0) {
    const hookType = facts.types;
    const flagGlobal = facts.importedGlobals + facts.definedGlobals;
    const hooks = new Map<number, number>();
    const bodies: number[][] = [];
    hooked.forEach((memory, index) => {
      hooks.set(memory, facts.importedFunctions + facts.definedFunctions + index);
      bodies.push(hookBody(memory, facts.memories[memory]!.capPages, flagGlobal));
    });
    // (func (param i32) (result i32))
    replaced.set(
      SECTION.type,
      appended(payloadOf(find(SECTION.type)), 1, [0x60, 0x01, 0x7f, 0x01, 0x7f]),
    );
    const functionEntries: number[] = [];
    for (let index = 0; index < hooked.length; index++) writeUnsigned(functionEntries, hookType);
    replaced.set(
      SECTION.function,
      appended(payloadOf(find(SECTION.function)), hooked.length, functionEntries),
    );
    // (global (mut i32) (i32.const 0))
    replaced.set(
      SECTION.global,
      appended(payloadOf(find(SECTION.global)), 1, [0x7f, 0x01, 0x41, 0x00, 0x0b]),
    );
    const exportEntry: number[] = [];
    writeName(exportEntry, MEMORY_LIMIT_EXPORT);
    exportEntry.push(0x03);
    writeUnsigned(exportEntry, flagGlobal);
    replaced.set(SECTION.export, appended(payloadOf(find(SECTION.export)), 1, exportEntry));
    replaced.set(SECTION.code, rewrittenCode(payloadOf(code)!, hooks, bodies));
  }
  if (replaced.size === 0) return bytes;

  // Sections in order, replaced ones re-encoded, missing ones inserted where they belong.
  const out: number[] = [...bytes.subarray(0, 8)];
  const emit = (id: number, payload: ArrayLike<number>): void => {
    out.push(id);
    writeUnsigned(out, payload.length);
    for (let at = 0; at < payload.length; at++) out.push(payload[at]!);
  };
  const pending = new Map(replaced);
  const rank = (id: number): number => ORDER.indexOf(id);
  for (const section of sections) {
    if (section.id !== 0) {
      for (const [id, payload] of pending) {
        if (id !== section.id && find(id) === undefined && rank(id) < rank(section.id)) {
          emit(id, payload);
          pending.delete(id);
        }
      }
    }
    const replacement = pending.get(section.id);
    if (replacement !== undefined && section.id !== 0) {
      emit(section.id, replacement);
      pending.delete(section.id);
    } else {
      for (let at = section.header; at < section.end; at++) out.push(bytes[at]!);
    }
  }
  for (const [id, payload] of [...pending].sort((a, b) => rank(a[0]) - rank(b[0])))
    emit(id, payload);
  return Uint8Array.from(out);
}

/** The module's bytes with every memory capped at `limitBytes`; the input when there is nothing to cap. */
export function capModuleMemories(bytes: Uint8Array, limitBytes: number): Uint8Array {
  try {
    return capModule(bytes, limitBytes);
  } catch (error) {
    if (error instanceof BinaryFormatError) {
      throw new TypeError(
        `the memory limit cannot be applied to this core module: ${error.message}`,
        { cause: error },
      );
    }
    throw error;
  }
}
