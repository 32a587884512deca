/**
 * The functions of one parsed file, as a flat table. Phase: text -> AST. The parser
 * (`parser/parse-types.ts`) writes each function it reads (an interface's `name: func(...)`, a resource's
 * constructor, method or static function, a world's `import name: func(...)`) as one row of parallel arrays, in
 * source order, so that the functions of an interface, or the members of a resource, are one run of rows; the
 * resolver (`resolve-functions.ts`) reads them by index. Functions are the most numerous items of a WIT file, and as
 * rows they are not the three objects each (item, name, signature) the garbage collector had to copy while the tree
 * was alive.
 *
 * A row has the function's name (`constructor` for a constructor) and its bounds, its docs and feature gates, what
 * it is ({@link FuncKind}, and whether it is `async`), the bounds of its `func` or `constructor` keyword
 * (wit-parser's `Func::span`), its parameters (rows `firstParam` to `firstParam + paramCount - 1` of the file's
 * `ParamTable`), its result (a row of the file's `TypeTable`, or `NO_TYPE`), and, for a resource's member, the
 * resource's name.
 */
import type { Span } from "../diagnostics/source-map.js";
import type { Attribute, Docs, Id } from "./ast.js";
import type { TypeRef } from "./type-table.js";
import { giveBackColumn, takeColumn, takeInt32, takeUint8 } from "./column-pool.js";
import { sizedObjectArray } from "./object-array.js";

/** What a row is; a resource's member has its resource in `resources`. */
export const FuncKind = {
  /** `name: func(...)` in an interface, or a world's `import name: func(...)`. */
  Freestanding: 0,
  Method: 1,
  Static: 2,
  Constructor: 3,
} as const;

export type FuncKind = (typeof FuncKind)[keyof typeof FuncKind];

/** The bit of `flags` set for an `async` function; the low bits are its {@link FuncKind}. */
export const ASYNC = 4;

/** The fewest rows a table starts with; it doubles as it fills. */
const MIN_ROWS = 64;

/**
 * Characters of WIT per function, about the densest measured (a synthetic file of functions over records: 94), so
 * that a table sized from its file's length seldom grows (see `type-table.ts`).
 */
const CHARS_PER_ROW = 80;

export class FuncTable {
  // The columns of references are sized up front as the typed ones are: pushed one at a time, their
  // storage was copied over and over as it grew.
  /** The validated name, without a `%` (`constructor` for a constructor). */
  names: string[];
  docs: Docs[];
  attributes: (readonly Attribute[])[];
  /** A resource member's resource (its name in the tree), else undefined. */
  resources: (Id | undefined)[];
  /** {@link FuncKind}, with {@link ASYNC} added for `async`. */
  flags: Uint8Array<ArrayBuffer>;
  /** Global bounds of the name (of the `constructor` keyword for a constructor). */
  nameStart: Int32Array<ArrayBuffer>;
  nameEnd: Int32Array<ArrayBuffer>;
  /** Global bounds of the `func` or `constructor` keyword. */
  funcStart: Int32Array<ArrayBuffer>;
  funcEnd: Int32Array<ArrayBuffer>;
  firstParam: Int32Array<ArrayBuffer>;
  paramCount: Int32Array<ArrayBuffer>;
  /** The result's type expression, or `NO_TYPE`. */
  result: Int32Array<ArrayBuffer>;
  length = 0;

  /** A table for a file of `textLength` characters (0: the smallest table). */
  constructor(textLength = 0) {
    const rows = Math.max(MIN_ROWS, Math.ceil(textLength / CHARS_PER_ROW));
    this.names = takeColumn(rows);
    this.docs = takeColumn(rows);
    this.attributes = takeColumn(rows);
    this.resources = takeColumn(rows);
    this.flags = takeUint8(rows);
    this.nameStart = takeInt32(rows);
    this.nameEnd = takeInt32(rows);
    this.funcStart = takeInt32(rows);
    this.funcEnd = takeInt32(rows);
    this.firstParam = takeInt32(rows);
    this.paramCount = takeInt32(rows);
    this.result = takeInt32(rows);
  }

  /**
   * Appends a row with its name, docs, gates, resource and flags; the parser then fills in its signature with
   * {@link setSignature}. Returns the row.
   */
  add(
    name: string,
    nameStart: number,
    nameEnd: number,
    docs: Docs,
    attributes: readonly Attribute[],
    resource: Id | undefined,
    flags: number,
  ): number {
    const row = this.length;
    if (row === this.flags.length) this.#grow();
    this.names[row] = name;
    this.docs[row] = docs;
    this.attributes[row] = attributes;
    this.resources[row] = resource;
    this.flags[row] = flags;
    this.nameStart[row] = nameStart;
    this.nameEnd[row] = nameEnd;
    this.length = row + 1;
    return row;
  }

  setSignature(
    row: number,
    funcStart: number,
    funcEnd: number,
    firstParam: number,
    paramCount: number,
    result: TypeRef,
  ): void {
    this.funcStart[row] = funcStart;
    this.funcEnd[row] = funcEnd;
    this.firstParam[row] = firstParam;
    this.paramCount[row] = paramCount;
    this.result[row] = result;
  }

  kind(row: number): FuncKind {
    return (this.flags[row]! & 3) as FuncKind;
  }

  isAsync(row: number): boolean {
    return (this.flags[row]! & ASYNC) !== 0;
  }

  /**
   * Gives the columns back for a later load's tables (see `column-pool.ts`); the table is empty afterwards
   * (its columns are new, of one hole each, of the same kind as before so that its readers see one shape).
   * Only for tables nothing reads any more.
   */
  release(): void {
    const used = this.length;
    giveBackColumn(this.names, used);
    giveBackColumn(this.docs, used);
    giveBackColumn(this.attributes, used);
    giveBackColumn(this.resources, used);
    giveBackColumn(this.flags, used);
    giveBackColumn(this.nameStart, used);
    giveBackColumn(this.nameEnd, used);
    giveBackColumn(this.funcStart, used);
    giveBackColumn(this.funcEnd, used);
    giveBackColumn(this.firstParam, used);
    giveBackColumn(this.paramCount, used);
    giveBackColumn(this.result, used);
    this.names = sizedObjectArray(1);
    this.docs = sizedObjectArray(1);
    this.attributes = sizedObjectArray(1);
    this.resources = sizedObjectArray(1);
    this.flags = new Uint8Array(1);
    this.nameStart = new Int32Array(1);
    this.nameEnd = new Int32Array(1);
    this.funcStart = new Int32Array(1);
    this.funcEnd = new Int32Array(1);
    this.firstParam = new Int32Array(1);
    this.paramCount = new Int32Array(1);
    this.result = new Int32Array(1);
    this.length = 0;
  }

  /** The span of a function's name, where wit-parser reports most errors about it. */
  nameSpan(row: number): Span {
    return { start: this.nameStart[row]!, end: this.nameEnd[row]! };
  }

  #grow(): void {
    const rows = this.flags.length * 2;
    const grownU8 = (from: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> => {
      const to = new Uint8Array(rows);
      to.set(from);
      return to;
    };
    const grown = (from: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
      const to = new Int32Array(rows);
      to.set(from);
      return to;
    };
    this.flags = grownU8(this.flags);
    this.nameStart = grown(this.nameStart);
    this.nameEnd = grown(this.nameEnd);
    this.funcStart = grown(this.funcStart);
    this.funcEnd = grown(this.funcEnd);
    this.firstParam = grown(this.firstParam);
    this.paramCount = grown(this.paramCount);
    this.result = grown(this.result);
  }
}
