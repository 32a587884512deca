/**
 * Spare columns for the type, function and parameter tables of one load. Consumes the columns of tables that a
 * finished load no longer reaches, emptied (typed columns zeroed, the others cleared), and produces them again to
 * the next load's tables, so that a process that loads WIT again (a `--watch` regeneration, a bundler plugin's
 * rebuild, the bench's warm runs) writes into memory it already has.
 *
 * Why: a column sized for a large file is large memory (the 1.55 MB synthetic input's tables: about 5 MB), which
 * V8 and the C allocator give out freshly mapped, so that its pages fault in one by one as the parser writes
 * them: 12-80 us a fault on the bench machine, several milliseconds a load. Only what the loader itself made is
 * given back (trees that `parseFile` returns to its caller keep their tables), and a column is emptied before it
 * is kept, so that it holds on to nothing of the load that used it and reads as a fresh one.
 */
import { sizedObjectArray } from "./object-array.js";

/** Columns smaller than this many bytes come from memory already in use: they are not kept. */
const MIN_KEPT_BYTES = 64 * 1024;
/** At most this many spare columns are kept (a load of one large file gives back up to twenty-two). */
const MAX_KEPT = 24;

type TypedColumn = Uint8Array | Int32Array | Float64Array;
type Column = unknown[] | TypedColumn;

const spare: Column[] = [];

/**
 * A spare column of exactly `length` entries that `fits`, taken out of the pool, or undefined. Exactly: a table
 * grows when its first column is full, so its columns must be as long as each other (a load of the same file
 * asks for the same lengths).
 */
function take<C extends Column>(fits: (c: Column) => c is C, length: number): C | undefined {
  for (let i = spare.length - 1; i >= 0; i--) {
    const c = spare[i]!;
    if (c.length === length && fits(c)) {
      spare.splice(i, 1);
      return c;
    }
  }
  return undefined;
}

const isObjectColumn = (c: Column): c is unknown[] => Array.isArray(c);
const isUint8 = (c: Column): c is Uint8Array<ArrayBuffer> => c instanceof Uint8Array;
const isInt32 = (c: Column): c is Int32Array<ArrayBuffer> => c instanceof Int32Array;
const isFloat64 = (c: Column): c is Float64Array<ArrayBuffer> => c instanceof Float64Array;

/** A column of `length` empty entries (`length` at least 1), stored as any value. */
export function takeColumn<T>(length: number): T[] {
  return (take(isObjectColumn, length) as T[] | undefined) ?? sizedObjectArray(length);
}

/** A zeroed column of `length` bytes. */
export function takeUint8(length: number): Uint8Array<ArrayBuffer> {
  return take(isUint8, length) ?? new Uint8Array(length);
}

/** A zeroed column of `length` 32-bit integers. */
export function takeInt32(length: number): Int32Array<ArrayBuffer> {
  return take(isInt32, length) ?? new Int32Array(length);
}

/** A zeroed column of `length` doubles. */
export function takeFloat64(length: number): Float64Array<ArrayBuffer> {
  return take(isFloat64, length) ?? new Float64Array(length);
}

/** Keeps `column`, whose first `used` entries a finished load may have written, for a later take. */
export function giveBackColumn(column: Column, used: number): void {
  const bytes = Array.isArray(column) ? column.length * 8 : column.byteLength;
  if (bytes < MIN_KEPT_BYTES) return;
  // The oldest go first: they were sized for a file that was not loaded again.
  if (spare.length >= MAX_KEPT) spare.shift();
  if (Array.isArray(column)) column.fill(undefined, 0, used);
  // A typed column is zeroed whole: its writers may have written rows past the table's length.
  else column.fill(0);
  spare.push(column);
}
