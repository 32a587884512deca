/**
 * The type expressions of one parsed file, as a flat table. Phase: text -> AST. The parser (`parser/parse-types.ts`)
 * writes every type expression it reads (`u32`, `list<point>`, `result<_, string>`, ...) as one row of
 * parallel typed arrays and hands out the row's index, a {@link TypeRef}, where the tree would hold a node;
 * the resolver (`resolve-package.ts`) reads the rows by index. Type expressions are the most numerous
 * nodes of a WIT file, and as rows of numbers they cost the garbage collector nothing to keep alive or to
 * copy, where objects of a dozen shapes were a sixth of everything a parse allocated.
 *
 * A row has a kind ({@link Ty}), the global bounds of the whole expression, and up to three operands whose
 * meaning depends on the kind:
 * - `Primitive`: `a` is the index of its name in {@link PRIMITIVE_NAMES};
 * - `Name`: `a` is the index of the name in `names` (the name's span is the row's);
 * - `Own`, `Borrow`: `a` is the resource's name in `names`, `b` and `c` the bounds of that name;
 * - `List`, `Option`: `a` is the element;
 * - `FixedLengthList`: `a` is the element, `b` the length;
 * - `Map`: `a` is the key, `b` the value;
 * - `Result`: `a` is the ok type and `b` the error type, each {@link NO_TYPE} when absent;
 * - `Tuple`: the elements are `elems[a]` to `elems[a + b - 1]`;
 * - `Future`, `Stream`: `a` is the element, or {@link NO_TYPE}.
 * Operands are always written before the row that refers to them, so a row's operands have smaller indices.
 */
import type { Span } from "../diagnostics/source-map.js";
import type { Id } from "./ast.js";
import type { PrimitiveType } from "./model.js";
import { objectArray } from "./object-array.js";
import { giveBackColumn, takeFloat64, takeInt32, takeUint8 } from "./column-pool.js";

/** The kinds of rows. */
export const Ty = {
  Primitive: 0,
  Name: 1,
  Own: 2,
  Borrow: 3,
  List: 4,
  FixedLengthList: 5,
  Map: 6,
  Option: 7,
  Result: 8,
  Tuple: 9,
  Future: 10,
  Stream: 11,
} as const;

export type TyKind = (typeof Ty)[keyof typeof Ty];

/** A row of a {@link TypeTable}: a type expression of the file. */
export type TypeRef = number;

/** An absent optional operand (`result<_, E>`'s ok type, a bare `future`'s element). */
export const NO_TYPE: TypeRef = -1;

/** The primitive type keywords; a `Primitive` row holds its index here. */
export const PRIMITIVE_NAMES: readonly PrimitiveType[] = [
  "bool",
  "u8",
  "u16",
  "u32",
  "u64",
  "s8",
  "s16",
  "s32",
  "s64",
  "f32",
  "f64",
  "char",
  "string",
  "error-context",
];

/** The fewest rows a table starts with; it doubles as it fills. */
const MIN_ROWS = 256;

/**
 * Characters of WIT per type expression and per tuple element, about the densest measured (a synthetic file of
 * records, variants and functions over them: 12.8 and 65), so that a table sized from its file's length seldom
 * grows. Growing doubled six typed arrays, copied them and left the old ones as garbage: 5% of a parse's time.
 */
const CHARS_PER_ROW = 10;
const CHARS_PER_ELEM = 48;

export class TypeTable {
  kind: Uint8Array;
  start: Int32Array;
  end: Int32Array;
  a: Int32Array;
  /** Float64 because a fixed-length list's length is a u32. */
  b: Float64Array;
  c: Int32Array;
  length = 0;
  /** The names of `Name`, `Own` and `Borrow` rows. */
  readonly names: string[] = objectArray();
  /** The elements of tuples, each tuple's in a run of its own. */
  elems: Int32Array;
  elemCount = 0;

  /** A table for a file of `textLength` characters (0: the smallest table). */
  constructor(textLength = 0) {
    const rows = Math.max(MIN_ROWS, Math.ceil(textLength / CHARS_PER_ROW));
    this.kind = takeUint8(rows);
    this.start = takeInt32(rows);
    this.end = takeInt32(rows);
    this.a = takeInt32(rows);
    this.b = takeFloat64(rows);
    this.c = takeInt32(rows);
    this.elems = takeInt32(Math.max(MIN_ROWS, Math.ceil(textLength / CHARS_PER_ELEM)));
  }

  /**
   * Gives the typed columns back for a later load's tables (see `column-pool.ts`); the table is empty
   * afterwards. Only for tables nothing reads any more.
   */
  release(): void {
    const used = this.length;
    giveBackColumn(this.kind, used);
    giveBackColumn(this.start, used);
    giveBackColumn(this.end, used);
    giveBackColumn(this.a, used);
    giveBackColumn(this.b, used);
    giveBackColumn(this.c, used);
    giveBackColumn(this.elems, this.elemCount);
    this.kind = new Uint8Array(1);
    this.start = new Int32Array(1);
    this.end = new Int32Array(1);
    this.a = new Int32Array(1);
    this.b = new Float64Array(1);
    this.c = new Int32Array(1);
    this.elems = new Int32Array(1);
    this.length = 0;
    this.elemCount = 0;
  }

  /** Appends a row and returns it. */
  add(kind: TyKind, start: number, end: number, a: number, b: number, c: number): TypeRef {
    const row = this.length;
    if (row === this.kind.length) this.#grow();
    this.kind[row] = kind;
    this.start[row] = start;
    this.end[row] = end;
    this.a[row] = a;
    this.b[row] = b;
    this.c[row] = c;
    this.length = row + 1;
    return row;
  }

  /** Stores a name for a `Name`, `Own` or `Borrow` row and returns its index. */
  addName(name: string): number {
    return this.names.push(name) - 1;
  }

  /** Appends the elements of a tuple and returns where they start. */
  addElems(list: readonly unknown[], from: number, to: number): number {
    const first = this.elemCount;
    const n = to - from;
    if (first + n > this.elems.length) {
      const next = new Int32Array(Math.max(this.elems.length * 2, first + n));
      next.set(this.elems);
      this.elems = next;
    }
    for (let i = 0; i < n; i++) this.elems[first + i] = list[from + i] as TypeRef;
    this.elemCount = first + n;
    return first;
  }

  #grow(): void {
    const n = this.kind.length * 2;
    const kind = new Uint8Array(n);
    kind.set(this.kind);
    this.kind = kind;
    this.start = grown(this.start, new Int32Array(n));
    this.end = grown(this.end, new Int32Array(n));
    this.a = grown(this.a, new Int32Array(n));
    this.b = grown(this.b, new Float64Array(n));
    this.c = grown(this.c, new Int32Array(n));
  }
}

function grown<T extends Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** The name a `Name` row refers to, with its span. */
export function typeNameId(t: TypeTable, ref: TypeRef): Id {
  return { name: t.names[t.a[ref]!]!, start: t.start[ref]!, end: t.end[ref]! };
}

/** The resource an `Own` or `Borrow` row names, with the span of the name. */
export function handleResource(t: TypeTable, ref: TypeRef): Id {
  return { name: t.names[t.a[ref]!]!, start: t.b[ref]!, end: t.c[ref]! };
}

/**
 * The span wit-parser reports for a type expression: the keyword for keyword-led types (`list`, `map`,
 * `result`, ...), the name for a named type, and the resource name for `own<R>` / `borrow<R>`.
 */
export function typeErrorSpan(t: TypeTable, ref: TypeRef): Span {
  const start = t.start[ref]!;
  const kind = t.kind[ref] as TyKind;
  switch (kind) {
    case Ty.Primitive:
    case Ty.Name:
      return { start, end: t.end[ref]! };
    case Ty.Own:
    case Ty.Borrow:
      return { start: t.b[ref]!, end: t.c[ref]! };
    case Ty.List:
    case Ty.FixedLengthList:
      return { start, end: start + 4 };
    case Ty.Map:
      return { start, end: start + 3 };
    case Ty.Option:
    case Ty.Result:
    case Ty.Stream:
    case Ty.Future:
      return { start, end: start + 6 };
    case Ty.Tuple:
      return { start, end: start + 5 };
    default: {
      const never: never = kind;
      throw new Error(`unknown type kind ${String(never)}`);
    }
  }
}
