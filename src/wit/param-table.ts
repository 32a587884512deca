/**
 * The function parameters of one parsed file, as a flat table. Phase: text -> AST. The parser
 * (`parser/parse-types.ts`) writes each `name: type` of a parameter list as one row of parallel arrays, a list's
 * rows one after the other, and a function (`Func` in `ast.ts`) keeps its first row and their
 * count; the resolver (`resolve-package.ts`) reads them by index. Parameters are the most numerous
 * named things of a WIT file, and as rows they are neither objects nor arrays the garbage collector has to
 * copy while the tree is alive.
 */
import type { Span } from "../diagnostics/source-map.js";
import type { TypeRef } from "./type-table.js";
import { giveBackColumn, takeColumn, takeInt32 } from "./column-pool.js";
import { sizedObjectArray } from "./object-array.js";

/** The fewest rows a table starts with; it doubles as it fills. */
const MIN_ROWS = 256;

/**
 * Characters of WIT per parameter, about the densest measured (a synthetic file of functions over records: 36), so
 * that a table sized from its file's length seldom grows (see `type-table.ts`).
 */
const CHARS_PER_ROW = 32;

export class ParamTable {
  /**
   * The parameter's name, validated, without a `%`. Sized up front as the typed columns are: pushed one at a
   * time, its storage was copied over and over as it grew.
   */
  names: string[];
  /** Global bounds of the name (with its `%`), where wit-parser reports a duplicate. */
  start: Int32Array<ArrayBuffer>;
  end: Int32Array<ArrayBuffer>;
  /** The parameter's type, a row of the file's `TypeTable`. */
  type: Int32Array<ArrayBuffer>;
  length = 0;

  /** A table for a file of `textLength` characters (0: the smallest table). */
  constructor(textLength = 0) {
    const rows = Math.max(MIN_ROWS, Math.ceil(textLength / CHARS_PER_ROW));
    this.names = takeColumn(rows);
    this.start = takeInt32(rows);
    this.end = takeInt32(rows);
    this.type = takeInt32(rows);
  }

  /** Appends a row and returns it. */
  add(name: string, start: number, end: number, type: TypeRef): number {
    const row = this.length;
    if (row === this.start.length) {
      this.start = grown(this.start);
      this.end = grown(this.end);
      this.type = grown(this.type);
    }
    this.names[row] = name;
    this.start[row] = start;
    this.end[row] = end;
    this.type[row] = type;
    this.length = row + 1;
    return row;
  }

  /**
   * Gives the columns back for a later load's tables (see `column-pool.ts`); the table is empty afterwards
   * (its columns are new, of one hole each, of the same kind as before so that its readers see one shape).
   * Only for tables nothing reads any more.
   */
  release(): void {
    const used = this.length;
    giveBackColumn(this.names, used);
    giveBackColumn(this.start, used);
    giveBackColumn(this.end, used);
    giveBackColumn(this.type, used);
    this.names = sizedObjectArray(1);
    this.start = new Int32Array(1);
    this.end = new Int32Array(1);
    this.type = new Int32Array(1);
    this.length = 0;
  }

  /** The span of a parameter's name. */
  span(row: number): Span {
    return { start: this.start[row]!, end: this.end[row]! };
  }
}

function grown(from: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const to = new Int32Array(from.length * 2);
  to.set(from);
  return to;
}
