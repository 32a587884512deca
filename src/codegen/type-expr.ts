/**
 * Code generation, type expressions: turns a WIT type (as the model holds it) into the two expressions
 * generated code needs for it, seen from the file being printed: its TypeScript type (the README's type
 * mapping) and its runtime descriptor (`u32`, `list(pointType)`, see `runtime/value-types.ts`), which
 * checks and converts values at the boundary. Consumes the plan and the model; produces printables whose
 * references to other files are import symbols, so the printer writes the imports.
 *
 * Named types are referenced by their declared names; anonymous ones (`list<T>`, `option<T>`, handles,
 * ...) are spelled out. Lists of number types are typed arrays, as in jco.
 */
import { posix } from "node:path";
import type { ComponentCanon } from "../wit/decoding/canonical-options.js";
import type { PrimitiveType, Resolve, Type, TypeDef, TypeId } from "../wit/model.js";
import {
  array,
  arrayType,
  callArgs,
  createImportSymbol,
  object,
  PrintableIds,
  typeArgs,
  union,
  type ImportSymbol,
  type Printable,
} from "./printer/index.js";
import type { Plan, Side, Unit } from "./emit-plan.js";
import type { RuntimeImports } from "./runtime-files.js";
import { stringLiteral, toLowerCamel } from "./names.js";
import type { RuntimeSymbolName } from "./runtime-symbols.js";

/**
 * How host import handlers receive borrows: `Borrowed<T>` views that the generated adapter
 * revokes when the handler returns (`--autodrop-borrows`), or `BorrowHandle<T>`s that the handler drops.
 */
export type BorrowMode = "autodrop" | "explicit";

/** What an emitter knows while printing one file. */
export interface EmitContext {
  readonly plan: Plan;
  readonly resolve: Resolve;
  readonly unit: Unit;
  readonly runtime: RuntimeImports;
  readonly borrows: BorrowMode;
  /**
   * Which way the borrows of the types being printed go: received by the host (an import's parameters) or
   * lent by it (an export's). Set for a function's signature; otherwise the file's side decides.
   */
  readonly borrowDirection?: Side;
  /**
   * The canonical options of the component the SDK is generated from, when its exports are called directly
   * (`emit-direct.ts`); undefined for a WIT input or with direct calls off.
   */
  readonly canon?: ComponentCanon | undefined;
  /**
   * Who gives the values being printed: the host (an export's parameters, an import's results), which may
   * pass any thenable for a `future` and any iterable for a `stream`; or the guest (the default), whose
   * futures are `Promise`s and streams `ReadableStream`s. Named types are always printed as the guest gives.
   */
  readonly gives?: "host" | "guest";
}

/** The relative module specifier of `to` as imported from `from` (paths relative to the output root). */
export function moduleSpecifier(from: string, to: string): string {
  // Most references are between files of one folder (`interfaces/`), which need no path arithmetic.
  const slash = from.lastIndexOf("/");
  if (
    slash > 0 &&
    to.length > slash + 1 &&
    to.charCodeAt(slash) === 0x2f &&
    to.startsWith(from.slice(0, slash + 1)) &&
    to.indexOf("/", slash + 1) < 0 &&
    !from.startsWith(".") &&
    !from.includes("/./") &&
    !from.includes("/../") &&
    !from.includes("//")
  ) {
    const name = to.slice(slash + 1);
    if (name.charCodeAt(0) !== 0x2e) return `./${name.replace(/\.ts$/, ".js")}`;
  }
  const relative = posix.relative(posix.dirname(from), to.replace(/\.ts$/, ".js"));
  return relative.startsWith(".") ? relative : `./${relative}`;
}

/** Symbols by the file using them, then by the declaring file (with its specifier), then by name. */
type SymbolsByHome = Map<
  Unit,
  {
    readonly from: string;
    readonly types: Map<string, ImportSymbol>;
    readonly values: Map<string, ImportSymbol>;
  }
>;
const symbolCache = new WeakMap<Unit, SymbolsByHome>();

/** The unit whose symbols were asked for last, and they (see {@link lastUnit}). */
let lastSymbolUnit: Unit | undefined;
let lastSymbols: SymbolsByHome | undefined;

/**
 * The namespace each interface file is imported as by the index (`import * as store from ...`), which the
 * index re-exports; set by `emit-reexports.ts` before the index's names are printed.
 */
const indexNamespaces = new WeakMap<Unit, ReadonlyMap<Unit, Printable>>();

/** Makes the index (`index`) refer to the names of each interface file through its namespace (`store.Point`). */
export function useNamespaces(index: Unit, namespaces: ReadonlyMap<Unit, Printable>): void {
  // declaredSymbol looks for namespaces in the index only.
  if (index.kind !== "index") throw new Error(`${index.path} is not the index (a wit-ts bug)`);
  indexNamespaces.set(index, namespaces);
}

/**
 * A name declared in `home`, as the current file refers to it: an import symbol (the printer sees through
 * self-imports), or in the index a member of the file's namespace.
 */
export function declaredSymbol(
  cx: EmitContext,
  home: Unit,
  name: string,
  typeOnly: boolean,
): Printable {
  const namespace =
    home === cx.unit || cx.unit.kind !== "index"
      ? undefined
      : indexNamespaces.get(cx.unit)?.get(home);
  if (namespace !== undefined) return [namespace, `.${name}`];
  let byHome = cx.unit === lastSymbolUnit ? lastSymbols : symbolCache.get(cx.unit);
  if (byHome === undefined) symbolCache.set(cx.unit, (byHome = new Map()));
  lastSymbolUnit = cx.unit;
  lastSymbols = byHome;
  let cache = byHome.get(home);
  if (cache === undefined) {
    cache = { from: moduleSpecifier(cx.unit.path, home.path), types: new Map(), values: new Map() };
    byHome.set(home, cache);
  }
  const symbols = typeOnly ? cache.types : cache.values;
  let symbol = symbols.get(name);
  if (symbol === undefined) {
    symbol = createImportSymbol(name, cache.from, { typeOnly });
    symbols.set(name, symbol);
  }
  return symbol;
}

/** Whether a typedef is declared by name in some file (as opposed to spelled out where it is used). */
function isNamed(def: TypeDef): boolean {
  return def.name !== undefined && def.owner.kind !== "none";
}

/**
 * The declared TypeScript type of a named type, as the current file sees it (or as file `from` does: a
 * resource of a named interface is that key's own).
 */
export function typeNameRef(cx: EmitContext, id: TypeId, from: Unit = cx.unit): Printable {
  const home = cx.plan.declaringUnit(id, from.side, from);
  return declaredSymbol(cx, home, home.typeNames.get(id)!.type, true);
}

/** The descriptor constant of a named type, as the current file (or file `from`) sees it. */
export function descriptorRef(cx: EmitContext, id: TypeId, from: Unit = cx.unit): Printable {
  const home = cx.plan.declaringUnit(id, from.side, from);
  return declaredSymbol(cx, home, home.typeNames.get(id)!.descriptor, false);
}

/** Follows anonymous aliases and named `type` aliases down to what a type is. */
export function underlying(resolve: Resolve, type: Type): Type {
  let current = type;
  for (let steps = 0; steps <= resolve.types.length; steps++) {
    if (typeof current === "string") return current;
    const kind = resolve.types[current.id]!.kind;
    if (kind.kind !== "type") return current;
    current = kind.type;
  }
  return current;
}

/** True when `type` is an `option` (through aliases): jco then nests options as `{ tag }` objects. */
function isOptionType(resolve: Resolve, type: Type): boolean {
  const u = underlying(resolve, type);
  return typeof u !== "string" && resolve.types[u.id]!.kind.kind === "option";
}

const TYPED_ARRAYS: Partial<Record<PrimitiveType, readonly [string, RuntimeSymbolName]>> = {
  u8: ["Uint8Array", "u8List"],
  s8: ["Int8Array", "s8List"],
  u16: ["Uint16Array", "u16List"],
  s16: ["Int16Array", "s16List"],
  u32: ["Uint32Array", "u32List"],
  s32: ["Int32Array", "s32List"],
  u64: ["BigUint64Array", "u64List"],
  s64: ["BigInt64Array", "s64List"],
  f32: ["Float32Array", "f32List"],
  f64: ["Float64Array", "f64List"],
};

/** The typed array jco uses for `list<element>`, when the element is a number type. */
function typedArray(
  resolve: Resolve,
  element: Type,
): readonly [string, RuntimeSymbolName] | undefined {
  const u = underlying(resolve, element);
  return typeof u === "string" ? TYPED_ARRAYS[u] : undefined;
}

/**
 * A `list<T, N>` is written as a tuple type of N `T`s when N is at most
 * MAX_TUPLE and the tuple spells out at most MAX_TUPLE_TYPES types in all,
 * counting through nested fixed-length lists (`list<list<f32, 4>, 4>` spells
 * out 16 `number`s); otherwise as `T[]` (values are still checked for length
 * at run time). Without the second bound nesting multiplies: ten levels of
 * `list<_, 3>` would spell out 3^10 types, and twelve would not finish.
 */
const MAX_TUPLE = 16;
const MAX_TUPLE_TYPES = 64;

/** Whether `list<T, size>` is written as a tuple, given how many types `T` spells out. */
function spellsOutTuple(size: number, elementTypes: number): boolean {
  return size <= MAX_TUPLE && size * elementTypes <= MAX_TUPLE_TYPES;
}

const spelledCache = new WeakMap<TypeDef, number>();

/** How many types the TypeScript type of `type` spells out (a named type counts one). */
function spelledTypes(resolve: Resolve, type: Type | undefined): number {
  if (type === undefined || typeof type === "string") return 1;
  const def = resolve.types[type.id]!;
  if (isNamed(def)) return 1;
  let count = spelledCache.get(def);
  if (count === undefined) {
    count = countSpelledTypes(resolve, def);
    spelledCache.set(def, count);
  }
  return count;
}

function countSpelledTypes(resolve: Resolve, def: TypeDef): number {
  const kind = def.kind;
  const sum = (types: readonly (Type | undefined)[]): number =>
    types.reduce((n, t) => n + spelledTypes(resolve, t), 0);
  switch (kind.kind) {
    case "fixed-length-list": {
      const element = spelledTypes(resolve, kind.element);
      return spellsOutTuple(kind.size, element) ? kind.size * element : element;
    }
    case "list":
      return typedArray(resolve, kind.element) !== undefined
        ? 1
        : spelledTypes(resolve, kind.element);
    case "tuple":
      return Math.max(1, sum(kind.types));
    case "map":
      return sum([kind.key, kind.value]);
    case "result":
      return sum([kind.ok, kind.err]);
    case "option":
    case "type":
    case "future":
    case "stream":
      return spelledTypes(resolve, kind.type);
    default:
      return 1;
  }
}

function primitiveType(cx: EmitContext, type: PrimitiveType): Printable {
  switch (type) {
    case "bool":
      return "boolean";
    case "u8":
    case "u16":
    case "u32":
    case "s8":
    case "s16":
    case "s32":
    case "f32":
    case "f64":
      return "number";
    case "u64":
    case "s64":
      return "bigint";
    case "char":
    case "string":
      return "string";
    case "error-context":
      return cx.runtime.value("ErrorContext");
    default: {
      const never: never = type;
      throw new Error(`unknown primitive ${String(never)}`);
    }
  }
}

/** The TypeScript type of `type`, as seen from the current file. */
export function typeExpr(cx: EmitContext, type: Type): Printable {
  if (typeof type === "string") return primitiveType(cx, type);
  const cache = typeCache(cx);
  let expr = cache.get(type.id);
  if (expr === undefined) {
    const def = cx.resolve.types[type.id]!;
    expr = isNamed(def) ? typeNameRef(cx, type.id) : anonymousTypeExpr(cx, def);
    cache.set(type.id, expr);
  }
  return expr;
}

/**
 * Type and descriptor expressions of one file, by type: a type is printed
 * many times over (in signatures, specs, wrappers), and printables are
 * values, so each is built once. A type expression also depends on how
 * borrows are spelled (see the `handle` case of anonymousTypeExpr), so
 * types are kept per borrow direction and mode.
 */
interface UnitExprs {
  /**
   * By direction and mode: [import/explicit, import/autodrop, export/explicit, export/autodrop], then the
   * same four for values the host gives.
   */
  readonly types: Map<TypeId, Printable>[];
  readonly descriptors: Map<TypeId, Printable>;
  /** Structure numbers of the file's printables, made when first asked for (see {@link printableIds}). */
  ids: PrintableIds | undefined;
}

const exprCache = new WeakMap<Unit, UnitExprs>();

/**
 * The unit whose expressions were asked for last, and they: a file asks for its own thousands of times in a
 * row, and a compare costs less than a `WeakMap` lookup.
 */
let lastUnit: Unit | undefined;
let lastExprs: UnitExprs | undefined;

function unitCache(cx: EmitContext): UnitExprs {
  if (cx.unit === lastUnit) return lastExprs!;
  let exprs = exprCache.get(cx.unit);
  if (exprs === undefined) {
    exprs = {
      types: [
        new Map(),
        new Map(),
        new Map(),
        new Map(),
        new Map(),
        new Map(),
        new Map(),
        new Map(),
      ],
      descriptors: new Map(),
      ids: undefined,
    };
    exprCache.set(cx.unit, exprs);
  }
  lastUnit = cx.unit;
  lastExprs = exprs;
  return exprs;
}

/**
 * Structure numbers for the current file's printables (`printer/printable-ids.ts`): they find descriptors
 * spelled out the same way, and live as long as the file's expressions do.
 */
export function printableIds(cx: EmitContext): PrintableIds {
  const exprs = unitCache(cx);
  return (exprs.ids ??= new PrintableIds());
}

/**
 * Lets go of what was built for printing `unit`'s file: its type and descriptor expressions, their numbers and
 * its import symbols. Asked for again, they are built again, the same. Called once the file is printed, so that
 * what a file needed does not outlive it: kept until the end of a generation, it was promoted to the old
 * generation and added to the peak.
 */
export function forgetUnitExprs(unit: Unit): void {
  exprCache.delete(unit);
  symbolCache.delete(unit);
  if (lastUnit === unit) lastUnit = lastExprs = undefined;
  if (lastSymbolUnit === unit) lastSymbolUnit = lastSymbols = undefined;
}

function typeCache(cx: EmitContext): Map<TypeId, Printable> {
  const exported = (cx.borrowDirection ?? cx.unit.side) === "export";
  return unitCache(cx).types[
    (cx.gives === "host" ? 4 : 0) + (exported ? 2 : 0) + (cx.borrows === "explicit" ? 0 : 1)
  ]!;
}

/** The TypeScript type of a type definition's structure (for anonymous types and named non-record types). */
export function anonymousTypeExpr(cx: EmitContext, def: TypeDef): Printable {
  const kind = def.kind;
  switch (kind.kind) {
    case "list": {
      const typed = typedArray(cx.resolve, kind.element);
      return typed !== undefined ? typed[0] : arrayType(typeExpr(cx, kind.element));
    }
    case "fixed-length-list": {
      const element = typeExpr(cx, kind.element);
      return spellsOutTuple(kind.size, spelledTypes(cx.resolve, kind.element))
        ? array(new Array<Printable>(kind.size).fill(element))
        : arrayType(element);
    }
    case "map":
      return ["Map", typeArgs([typeExpr(cx, kind.key), typeExpr(cx, kind.value)])];
    case "tuple": {
      const types = kind.types;
      const items: Printable[] = [];
      for (let i = 0; i < types.length; i++) items.push(typeExpr(cx, types[i]!));
      return array(items);
    }
    case "option":
      if (isOptionType(cx.resolve, kind.type))
        return [cx.runtime.type("Option"), typeArgs([typeExpr(cx, kind.type)])];
      return union([typeExpr(cx, kind.type), "undefined"]);
    case "result":
      return [
        cx.runtime.type("Result"),
        typeArgs([
          kind.ok === undefined ? "undefined" : typeExpr(cx, kind.ok),
          kind.err === undefined ? "undefined" : typeExpr(cx, kind.err),
        ]),
      ];
    case "handle": {
      const resource = typeNameRef(cx, kind.handle.resource);
      if (kind.handle.kind === "own") return resource;
      // A borrow the host lends to the guest is its own object: any `T` fits `Borrowed<T>`.
      const received = (cx.borrowDirection ?? cx.unit.side) === "import";
      const handle = received && cx.borrows === "explicit";
      return [cx.runtime.type(handle ? "BorrowHandle" : "Borrowed"), typeArgs([resource])];
    }
    case "future":
    case "stream": {
      const host = cx.gives === "host";
      if (kind.kind === "stream" && isByteElement(cx.resolve, kind.type))
        return cx.runtime.type(host ? "ByteStreamSource" : "ByteStream");
      const name: RuntimeSymbolName =
        kind.kind === "future"
          ? host
            ? "FutureSource"
            : "Future"
          : host
            ? "StreamSource"
            : "Stream";
      return [
        cx.runtime.type(name),
        typeArgs([kind.type === undefined ? "undefined" : typeExpr(cx, kind.type)]),
      ];
    }
    case "type":
      return typeExpr(cx, kind.type);
    case "record":
    case "variant":
    case "enum":
    case "flags":
    case "resource":
    case "unknown":
      throw new Error(`a ${kind.kind} type has no anonymous form (a wit-ts bug)`);
    default: {
      const never: never = kind;
      throw new Error(`unknown type kind ${JSON.stringify(never)}`);
    }
  }
}

/** Whether a stream's element is `u8` (through aliases): such a stream carries chunks of bytes. */
function isByteElement(resolve: Resolve, element: Type | undefined): boolean {
  return element !== undefined && underlying(resolve, element) === "u8";
}

function primitiveDescriptor(cx: EmitContext, type: PrimitiveType): Printable {
  if (type === "error-context") return cx.runtime.value("errorContext");
  return cx.runtime.value(type === "string" ? "string" : type === "char" ? "char" : type);
}

/** The runtime descriptor of `type` (see `runtime/value-types.ts`), as seen from the current file. */
export function descriptorExpr(cx: EmitContext, type: Type): Printable {
  if (typeof type === "string") return primitiveDescriptor(cx, type);
  const cache = unitCache(cx).descriptors;
  let expr = cache.get(type.id);
  if (expr === undefined) {
    const def = cx.resolve.types[type.id]!;
    expr = isNamed(def) ? descriptorRef(cx, type.id) : structureDescriptor(cx, def);
    cache.set(type.id, expr);
  }
  return expr;
}

const call = (fn: ImportSymbol, args: readonly Printable[]): Printable => [fn, callArgs(args)];

/**
 * The descriptor of a type definition's structure (declared types use it for their constants, passing their
 * `id`). A record, variant, enum or flags descriptor names its declared TypeScript type (`record<Point>(...)`),
 * so that the checker holds each field's descriptor to that field's type.
 */
export function structureDescriptor(cx: EmitContext, def: TypeDef, id?: TypeId): Printable {
  // No closures here: this runs once per type and file, and a closure per call is a function per call to tier up.
  const runtime = cx.runtime;
  const kind = def.kind;
  switch (kind.kind) {
    case "record": {
      const fields = kind.fields;
      const entries: (readonly [string, Printable])[] = [];
      for (let i = 0; i < fields.length; i++) {
        const f = fields[i]!;
        entries.push([jcoFieldName(f.name), descriptorExpr(cx, f.type)]);
      }
      return typedDescriptor(cx, id, "record", [stringLiteral(def.name ?? ""), object(entries)]);
    }
    case "flags": {
      const flags = kind.flags;
      const items: Printable[] = [];
      for (let i = 0; i < flags.length; i++)
        items.push(stringLiteral(jcoFieldName(flags[i]!.name)));
      return typedDescriptor(cx, id, "flags", [stringLiteral(def.name ?? ""), array(items)]);
    }
    case "variant": {
      const cases = kind.cases;
      const entries: (readonly [string, Printable])[] = [];
      for (let i = 0; i < cases.length; i++) {
        const c = cases[i]!;
        entries.push([c.name, optionalDescriptor(cx, c.type)]);
      }
      return typedDescriptor(cx, id, "variant", [stringLiteral(def.name ?? ""), object(entries)]);
    }
    case "enum": {
      const cases = kind.cases;
      const items: Printable[] = [];
      for (let i = 0; i < cases.length; i++) items.push(stringLiteral(cases[i]!.name));
      return typedDescriptor(cx, id, "enumeration", [stringLiteral(def.name ?? ""), array(items)]);
    }
    case "list": {
      const typed = typedArray(cx.resolve, kind.element);
      return typed !== undefined
        ? runtime.value(typed[1])
        : call(runtime.value("list"), [descriptorExpr(cx, kind.element)]);
    }
    case "fixed-length-list":
      return call(runtime.value("fixedList"), [descriptorExpr(cx, kind.element), kind.size]);
    case "map":
      return call(runtime.value("map"), [
        descriptorExpr(cx, kind.key),
        descriptorExpr(cx, kind.value),
      ]);
    case "tuple": {
      const types = kind.types;
      const items: Printable[] = [];
      for (let i = 0; i < types.length; i++) items.push(descriptorExpr(cx, types[i]!));
      return call(runtime.value("tuple"), [array(items)]);
    }
    case "option":
      return call(runtime.value("option"), [descriptorExpr(cx, kind.type)]);
    case "result":
      return call(runtime.value("result"), [
        optionalDescriptor(cx, kind.ok),
        optionalDescriptor(cx, kind.err),
      ]);
    case "handle": {
      // Explicit borrows of a host resource are received as `BorrowHandle`s: the descriptor says so.
      const handle =
        kind.handle.kind === "borrow" &&
        cx.borrows === "explicit" &&
        cx.plan.resourceSide(kind.handle.resource, cx.unit.side) === "host";
      return call(runtime.value(handle ? "borrowHandle" : kind.handle.kind), [
        descriptorRef(cx, kind.handle.resource),
      ]);
    }
    case "future":
      return call(runtime.value("future"), [optionalDescriptor(cx, kind.type)]);
    case "stream":
      return isByteElement(cx.resolve, kind.type)
        ? runtime.value("byteStream")
        : call(runtime.value("stream"), [optionalDescriptor(cx, kind.type)]);
    case "type":
      return descriptorExpr(cx, kind.type);
    case "resource":
    case "unknown":
      throw new Error(`a ${kind.kind} type has no structural descriptor (a wit-ts bug)`);
    default: {
      const never: never = kind;
      throw new Error(`unknown type kind ${JSON.stringify(never)}`);
    }
  }
}

/** `fn(args)`, or `fn<Type>(args)` naming the declared type `id` when given. */
function typedDescriptor(
  cx: EmitContext,
  id: TypeId | undefined,
  fn: RuntimeSymbolName,
  args: readonly Printable[],
): Printable {
  const value = cx.runtime.value(fn);
  return id === undefined
    ? call(value, args)
    : [value, typeArgs([typeNameRef(cx, id)]), callArgs(args)];
}

/** The descriptor of an optional payload: `undefined` when there is none. */
function optionalDescriptor(cx: EmitContext, t: Type | undefined): Printable {
  return t === undefined ? "undefined" : descriptorExpr(cx, t);
}

const borrowCache = new WeakMap<TypeDef, boolean>();

/** Whether values of `type` hold a `borrow<T>` anywhere (a parameter, a list element, a record field, ...). */
export function containsBorrow(resolve: Resolve, type: Type): boolean {
  if (typeof type === "string") return false;
  // Remembered per type: records of records share their field types, and
  // walking them afresh at every use takes time exponential in the depth.
  const def = resolve.types[type.id]!;
  let found = borrowCache.get(def);
  if (found === undefined) {
    found = typeContainsBorrow(resolve, def);
    borrowCache.set(def, found);
  }
  return found;
}

function typeContainsBorrow(resolve: Resolve, def: TypeDef): boolean {
  const kind = def.kind;
  switch (kind.kind) {
    case "handle":
      return kind.handle.kind === "borrow";
    case "record":
      for (let i = 0; i < kind.fields.length; i++) {
        if (containsBorrow(resolve, kind.fields[i]!.type)) return true;
      }
      return false;
    case "variant":
      for (let i = 0; i < kind.cases.length; i++) {
        const t = kind.cases[i]!.type;
        if (t !== undefined && containsBorrow(resolve, t)) return true;
      }
      return false;
    case "tuple":
      for (let i = 0; i < kind.types.length; i++) {
        if (containsBorrow(resolve, kind.types[i]!)) return true;
      }
      return false;
    case "list":
    case "fixed-length-list":
      return containsBorrow(resolve, kind.element);
    case "map":
      return containsBorrow(resolve, kind.key) || containsBorrow(resolve, kind.value);
    case "option":
    case "type":
      return containsBorrow(resolve, kind.type);
    case "result":
      return (
        (kind.ok !== undefined && containsBorrow(resolve, kind.ok)) ||
        (kind.err !== undefined && containsBorrow(resolve, kind.err))
      );
    // Borrows cannot travel in futures and streams; the rest hold no types.
    case "future":
    case "stream":
    case "flags":
    case "enum":
    case "resource":
    case "unknown":
      return false;
    default: {
      const never: never = kind;
      throw new Error(`unknown type kind ${JSON.stringify(never)}`);
    }
  }
}

/**
 * The property name jco uses for a record field or flags member: lowerCamel and nothing else. Records are
 * data that jco reads and writes by these names, so they are never escaped (`then` stays `then`: a field
 * is never a function, so it cannot make a record a thenable).
 */
export function jcoFieldName(witName: string): string {
  return toLowerCamel(witName);
}
