/**
 * Spare columns for the function and parameter tables of one load. Consumes the object columns (names, docs,
 * gates, resources) of tables that a finished load no longer reaches, emptied, and produces them again to the
 * next load's tables, so that a process that loads WIT again (a `--watch` regeneration, a bundler plugin's
 * rebuild, the bench's warm runs) writes into memory it already has.
 *
 * Why: a column sized for a large file is a large object, and V8 gives every large object freshly mapped
 * memory, whose pages fault in one by one as the parser writes them: for the 1.55 MB synthetic input, the five
 * columns cost 5-8 ms a load, most of it in page faults. Only what the loader itself made is given back (trees
 * that `parseFile` returns to its caller keep their tables), and a column is emptied before it is kept so that it
 * holds on to nothing of the load that used it.
 */
import { sizedObjectArray } from "./object-array.js";

/** Columns shorter than this are regular heap objects, which cost no fresh memory: they are not kept. */
const MIN_KEPT = 8192;
/** At most this many spare columns are kept (a load of one large file gives back five). */
const MAX_KEPT = 8;

const spare: unknown[][] = [];

/** A column of at least `length` holes or leftover `undefined`s (`length` at least 1), stored as any value. */
export function takeColumn<T>(length: number): T[] {
  if (length >= MIN_KEPT) {
    let best = -1;
    for (let i = 0; i < spare.length; i++) {
      const n = spare[i]!.length;
      if (n >= length && (best < 0 || n < spare[best]!.length)) best = i;
    }
    if (best >= 0) {
      const column = spare[best]!;
      spare[best] = spare[spare.length - 1]!;
      spare.pop();
      return column as T[];
    }
  }
  return sizedObjectArray(length);
}

/** Keeps `column`, whose first `used` entries a finished load wrote, for a later {@link takeColumn}. */
export function giveBackColumn(column: unknown[], used: number): void {
  if (column.length < MIN_KEPT) return;
  column.fill(undefined, 0, used);
  if (spare.length < MAX_KEPT) spare.push(column);
}
