/**
 * Runtime, values and instances: the layer between a generated SDK and jco's instantiation-mode output
 * (docs/jco-notes.md describes what it sits on). Generated code does not hand-write conversions; it
 * describes what crosses the boundary and this file acts on the descriptions:
 *
 * - every WIT type a call passes is a {@link ValueType}, built from the combinators below (`u32`,
 *   `record(...)`, `own(...)`). Lowering (SDK value -> jco value) checks the value, so a wrong argument is
 *   refused with a `TypeError` or `RangeError` naming it before anything enters the guest, and swaps
 *   resource objects for the objects jco expects; lifting (jco -> SDK) swaps them back.
 * - every guest export is an {@link ExportSpec} that {@link callExport} runs through the instance's
 *   `CallGate`; a `result` error (jco's per-instance `ComponentError`) becomes `ResultError`.
 * - every host import is an {@link ImportSpec} that {@link adaptImport} turns into the function jco calls,
 *   running the host's handler through `gate.runImport`; a thrown `ResultError` becomes the `err` case.
 * - resources: the guest's are wrapped in {@link GuestResource} subclasses whose methods go through the
 *   gate; the host's are handed to jco as per-instance adapter classes ({@link hostResourceClass}).
 * - borrows (issue #5, rules in `borrow.ts`): a handler receives explicit `BorrowHandle`s (`paramNames`), or
 *   views that a generated adapter holds with `using` (`invoke`, `--autodrop-borrows`); resources passed to
 *   an export as `borrow` are lent from the call until the guest returns.
 *
 * Consumes the descriptions and jco's module; produces the instance core the generated wrappers share.
 * Copied into SDKs like its siblings: no host-specific imports.
 */

import type { CallGate, CallOptions } from "./call-gate.js";
import { createCallGate, isThenable } from "./call-gate.js";
import { createTaskTracker, jcoTaskHooksKey, type AsyncCallOptions, type TaskTracker } from "./tasks.js";
import { describeValue, ReentranceError, ResourceDisposedError, ResultError } from "./errors.js";
import { hostTableState, withImportLends } from "./host-resources.js";
import {
  assertNotLent,
  createBorrowScope,
  disposeUnlessLent,
  isBorrow,
  lendForCall,
  unwrapBorrow,
  type BorrowScope,
  type CallLoans,
  type Loan,
  type ScopedBorrow,
} from "./borrow.js";

// ---------------------------------------------------------------------------------------------------------
// Value types

/** The shapes a {@link ValueType} can have. */
export type ValueKind =
  | "bool"
  | "integer"
  | "float"
  | "char"
  | "string"
  | "list"
  | "fixed-list"
  | "map"
  | "tuple"
  | "record"
  | "flags"
  | "variant"
  | "enum"
  | "option"
  | "result"
  | "own"
  | "borrow"
  | "opaque";

/** What lowering a value needs besides the value: the instance, and the owned guest resources it moves. */
export interface LowerContext {
  readonly core: InstanceCore;
  /** Guest resources passed as `own`: they move into the guest once every argument was lowered. */
  readonly moves: GuestResource[];
  /** Resources passed as `borrow` to an export: lent to the guest for the call (`borrow.ts`). */
  readonly loans?: Loan[];
  /**
   * Host objects passed as `own` to an export: `callExport` enters them in the resource table once every
   * argument was lowered, and takes them out again if the call does not run. Without it (a host import's
   * result), lowering enters them at once.
   */
  readonly hostOwns?: (readonly [type: HostResourceType, host: object])[];
  /**
   * Every resource lowered so far in this call and how (filled in by lowering): one resource cannot be
   * passed as `own` twice, nor as `own` and `borrow`, in one call.
   */
  passed?: Map<object, "own" | "borrow">;
}

/** A WIT type as the runtime sees it: how to check and convert its values. Built by the functions below. */
export interface ValueType {
  readonly kind: ValueKind;
  /** The type as WIT spells it, for messages (`u32`, `list<point>`). */
  readonly label: string;
  /** True when values hold resource handles, so the SDK's value and jco's differ. */
  readonly handles: boolean;
  /**
   * Checks an SDK value and returns the value jco expects: throws `TypeError` for a value of the wrong
   * kind, and `RangeError` for a value of the right kind out of range (a number, a char that is not one
   * Unicode scalar value, a tuple or fixed-length list of the wrong length), naming `path` (a parameter
   * name, `p.x`, `list[3]`).
   */
  lower(value: unknown, path: string, context: LowerContext): unknown;
  /** Converts a value jco produced into the SDK's; it is trusted, so nothing is checked. */
  lift(value: unknown, core: InstanceCore): unknown;
}

/** A `result<T, E>` type: function results use its parts. */
export interface ResultType extends ValueType {
  readonly kind: "result";
  readonly ok: ValueType | undefined;
  readonly err: ValueType | undefined;
}

/** `result<T, E>` anywhere but as a function's result (which resolves with `T` or rejects instead). */
export type Result<T, E> = { tag: "ok"; val: T } | { tag: "err"; val: E };

/** `option<T>` when `T` is itself an option (plain options are `T | undefined`). */
export type Option<T> = { tag: "some"; val: T } | { tag: "none" };

/** The phrase every check failure uses: "`path` must be <expected>, got <value>". */
function mismatch(path: string, expected: string, value: unknown): string {
  return `\`${path}\` must be ${expected}, got ${describeValue(value)}`;
}

function identity(value: unknown): unknown {
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** A leaf type whose values need nothing but `check`. */
function leaf(kind: ValueKind, label: string, check: (value: unknown, path: string) => void): ValueType {
  return {
    kind,
    label,
    handles: false,
    lower(value, path) {
      check(value, path);
      return value;
    },
    lift: identity,
  };
}

/** "an s8", "a u8": the article as the label is read out. */
function article(label: string): string {
  return /^[sf]/.test(label) ? `an ${label}` : `a ${label}`;
}

function integer(label: string, min: number, max: number): ValueType {
  const expected = `${article(label)} (an integer from ${min} to ${max})`;
  return leaf("integer", label, (value, path) => {
    if (typeof value !== "number") throw new TypeError(mismatch(path, expected, value));
    // `Number.isInteger` is false for NaN and the infinities as well.
    if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(mismatch(path, expected, value));
  });
}

function bigInteger(label: string, min: bigint, max: bigint): ValueType {
  const expected = `${article(label)} (a bigint from ${min} to ${max})`;
  return leaf("integer", label, (value, path) => {
    if (typeof value !== "bigint") throw new TypeError(mismatch(path, expected, value));
    if (value < min || value > max) throw new RangeError(mismatch(path, expected, value));
  });
}

function float(label: string): ValueType {
  // WIT floats include NaN and the infinities (canonical ABI, "float32"/"float64"), so only the type is checked.
  return leaf("float", label, (value, path) => {
    if (typeof value !== "number") throw new TypeError(mismatch(path, `${article(label)} (a number)`, value));
  });
}

export const bool: ValueType = leaf("bool", "bool", (value, path) => {
  if (typeof value !== "boolean") throw new TypeError(mismatch(path, "a boolean", value));
});
export const u8: ValueType = integer("u8", 0, 255);
export const u16: ValueType = integer("u16", 0, 65_535);
export const u32: ValueType = integer("u32", 0, 4_294_967_295);
export const s8: ValueType = integer("s8", -128, 127);
export const s16: ValueType = integer("s16", -32_768, 32_767);
export const s32: ValueType = integer("s32", -2_147_483_648, 2_147_483_647);
export const u64: ValueType = bigInteger("u64", 0n, 18_446_744_073_709_551_615n);
export const s64: ValueType = bigInteger("s64", -9_223_372_036_854_775_808n, 9_223_372_036_854_775_807n);
export const f32: ValueType = float("f32");
export const f64: ValueType = float("f64");
export const char: ValueType = leaf("char", "char", (value, path) => {
  const expected = "a char (a string of one Unicode scalar value)";
  if (typeof value !== "string") throw new TypeError(mismatch(path, expected, value));
  const code = value.codePointAt(0);
  const width = code !== undefined && code > 0xffff ? 2 : 1;
  // A lone surrogate is a code point but not a scalar value: the canonical ABI traps on it.
  if (code === undefined || value.length !== width || (code >= 0xd800 && code <= 0xdfff)) {
    throw new RangeError(mismatch(path, expected, value));
  }
});
export const string: ValueType = leaf("string", "string", (value, path) => {
  if (typeof value !== "string") throw new TypeError(mismatch(path, "a string", value));
});

/** `future<T>`, `stream<T>` and `error-context`: passed through as jco represents them. */
export function opaque(label: string): ValueType {
  return { kind: "opaque", label, handles: false, lower: identity, lift: identity };
}

interface TypedArrayClass {
  readonly name: string;
  new (length: number): object;
}

function typedList(label: string, arrayClass: TypedArrayClass): ValueType {
  const expected = `a ${arrayClass.name} (${label})`;
  return leaf("list", label, (value, path) => {
    if (!(value instanceof arrayClass)) throw new TypeError(mismatch(path, expected, value));
  });
}

// jco lifts and lowers lists of numbers as typed arrays (docs/jco-notes.md §6).
export const u8List: ValueType = typedList("list<u8>", Uint8Array);
export const s8List: ValueType = typedList("list<s8>", Int8Array);
export const u16List: ValueType = typedList("list<u16>", Uint16Array);
export const s16List: ValueType = typedList("list<s16>", Int16Array);
export const u32List: ValueType = typedList("list<u32>", Uint32Array);
export const s32List: ValueType = typedList("list<s32>", Int32Array);
export const u64List: ValueType = typedList("list<u64>", BigUint64Array);
export const s64List: ValueType = typedList("list<s64>", BigInt64Array);
export const f32List: ValueType = typedList("list<f32>", Float32Array);
export const f64List: ValueType = typedList("list<f64>", Float64Array);

function lowerItems(
  items: readonly unknown[],
  element: ValueType,
  path: string,
  context: LowerContext,
): readonly unknown[] {
  if (!element.handles) {
    for (let index = 0; index < items.length; index++) element.lower(items[index], `${path}[${index}]`, context);
    return items;
  }
  const out: unknown[] = [];
  for (let index = 0; index < items.length; index++) {
    out.push(element.lower(items[index], `${path}[${index}]`, context));
  }
  return out;
}

function liftItems(items: unknown, element: ValueType, core: InstanceCore): unknown {
  if (!element.handles) return items;
  return (items as readonly unknown[]).map((item) => element.lift(item, core));
}

/** `list<T>` for a `T` that is not a number type: an array. */
export function list(element: ValueType): ValueType {
  const label = `list<${element.label}>`;
  return {
    kind: "list",
    label,
    handles: element.handles,
    lower(value, path, context) {
      if (!Array.isArray(value)) throw new TypeError(mismatch(path, `an array (${label})`, value));
      return lowerItems(value, element, path, context);
    },
    lift: (value, core) => liftItems(value, element, core),
  };
}

/** "1 element", "3 elements". */
function elements(count: number): string {
  return count === 1 ? "1 element" : `${count} elements`;
}

/**
 * Checks that `value` is an array of `size` elements (a tuple, a fixed-length list): a `TypeError` when it is
 * not an array, a `RangeError` when its length is wrong.
 */
function checkLength(value: unknown, size: number, path: string, label: string): asserts value is readonly unknown[] {
  const expected = `an array of ${elements(size)} (${label})`;
  if (!Array.isArray(value)) throw new TypeError(mismatch(path, expected, value));
  if (value.length !== size) throw new RangeError(`\`${path}\` must be ${expected}, got ${elements(value.length)}`);
}

/** `list<T, N>`: an array of exactly `size` elements. */
export function fixedList(element: ValueType, size: number): ValueType {
  const label = `list<${element.label}, ${size}>`;
  return {
    kind: "fixed-list",
    label,
    handles: element.handles,
    lower(value, path, context) {
      checkLength(value, size, path, label);
      return lowerItems(value, element, path, context);
    },
    lift: (value, core) => liftItems(value, element, core),
  };
}

/** `map<K, V>`: a `Map`. */
export function map(key: ValueType, value: ValueType): ValueType {
  const label = `map<${key.label}, ${value.label}>`;
  const handles = key.handles || value.handles;
  return {
    kind: "map",
    label,
    handles,
    lower(input, path, context) {
      if (!(input instanceof Map)) throw new TypeError(mismatch(path, `a Map (${label})`, input));
      const out = handles ? new Map<unknown, unknown>() : undefined;
      let index = 0;
      for (const [k, v] of input) {
        const loweredKey = key.lower(k, `${path} key ${index}`, context);
        const loweredValue = value.lower(v, `${path}.get(${describeValue(k)})`, context);
        out?.set(loweredKey, loweredValue);
        index++;
      }
      return out ?? input;
    },
    lift(input, core) {
      if (!handles) return input;
      const out = new Map<unknown, unknown>();
      for (const [k, v] of input as Map<unknown, unknown>) out.set(key.lift(k, core), value.lift(v, core));
      return out;
    },
  };
}

/** `tuple<A, B, ...>`: an array of the element types. */
export function tuple(types: readonly ValueType[]): ValueType {
  const label = `tuple<${types.map((type) => type.label).join(", ")}>`;
  const handles = types.some((type) => type.handles);
  return {
    kind: "tuple",
    label,
    handles,
    lower(value, path, context) {
      checkLength(value, types.length, path, label);
      const out: unknown[] = [];
      types.forEach((type, index) => out.push(type.lower(value[index], `${path}[${index}]`, context)));
      return handles ? out : value;
    },
    lift(value, core) {
      if (!handles) return value;
      return types.map((type, index) => type.lift((value as readonly unknown[])[index], core));
    },
  };
}

/** A `record`: a plain object with one property per field (jco's lowerCamel names). */
export function record(name: string, fields: Readonly<Record<string, ValueType>>): ValueType {
  const entries = Object.entries(fields);
  const handles = entries.some(([, type]) => type.handles);
  const expected = `an object (record \`${name}\`)`;
  return {
    kind: "record",
    label: name,
    handles,
    lower(value, path, context) {
      if (!isObject(value)) throw new TypeError(mismatch(path, expected, value));
      if (!handles) {
        for (const [field, type] of entries) type.lower(value[field], `${path}.${field}`, context);
        return value;
      }
      const out: Record<string, unknown> = {};
      for (const [field, type] of entries) out[field] = type.lower(value[field], `${path}.${field}`, context);
      return out;
    },
    lift(value, core) {
      if (!handles) return value;
      const input = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [field, type] of entries) out[field] = type.lift(input[field], core);
      return out;
    },
  };
}

/** `flags`: an object of booleans; a missing member is false (as jco reads it). */
export function flags(name: string, members: readonly string[]): ValueType {
  return leaf("flags", name, (value, path) => {
    if (!isObject(value)) throw new TypeError(mismatch(path, `an object (flags \`${name}\`)`, value));
    for (const member of members) {
      const flag = value[member];
      if (flag !== undefined && typeof flag !== "boolean") {
        throw new TypeError(mismatch(`${path}.${member}`, "a boolean or undefined", flag));
      }
    }
  });
}

/** A `variant`: `{ tag, val }`; `cases` maps each tag to its payload type (undefined for none). */
export function variant(name: string, cases: Readonly<Record<string, ValueType | undefined>>): ValueType {
  const payloads = new Map(Object.entries(cases));
  const handles = [...payloads.values()].some((type) => type?.handles === true);
  const expected = `one of the cases of variant \`${name}\` (${[...payloads.keys()].map((tag) => `"${tag}"`).join(", ")})`;
  return {
    kind: "variant",
    label: name,
    handles,
    lower(value, path, context) {
      if (!isObject(value)) throw new TypeError(mismatch(path, `an object (variant \`${name}\`)`, value));
      const tag = value["tag"];
      if (typeof tag !== "string" || !payloads.has(tag)) throw new TypeError(mismatch(`${path}.tag`, expected, tag));
      const payload = payloads.get(tag);
      if (payload === undefined) return value;
      const val = payload.lower(value["val"], `${path}.val`, context);
      return payload.handles ? { tag, val } : value;
    },
    lift(value, core) {
      if (!handles) return value;
      const input = value as { readonly tag: string; readonly val?: unknown };
      const payload = payloads.get(input.tag);
      return payload === undefined ? value : { tag: input.tag, val: payload.lift(input.val, core) };
    },
  };
}

/** An `enum`: one of the case names, as written in WIT. */
export function enumeration(name: string, cases: readonly string[]): ValueType {
  const names = new Set(cases);
  const expected = `one of the cases of enum \`${name}\` (${cases.map((c) => `"${c}"`).join(", ")})`;
  return leaf("enum", name, (value, path) => {
    if (typeof value !== "string" || !names.has(value)) throw new TypeError(mismatch(path, expected, value));
  });
}

/**
 * `option<T>`: `T | undefined`; when `T` is itself an option, jco uses `{ tag: "some", val }` /
 * `{ tag: "none" }` so that the two levels stay apart.
 */
export function option(inner: ValueType): ValueType {
  const label = `option<${inner.label}>`;
  if (inner.kind !== "option") {
    return {
      kind: "option",
      label,
      handles: inner.handles,
      lower: (value, path, context) => (value === undefined ? undefined : inner.lower(value, path, context)),
      lift: (value, core) => (value === undefined || !inner.handles ? value : inner.lift(value, core)),
    };
  }
  const expected = `{ tag: "some", val } or { tag: "none" } (${label})`;
  return {
    kind: "option",
    label,
    handles: inner.handles,
    lower(value, path, context) {
      if (!isObject(value)) throw new TypeError(mismatch(path, expected, value));
      if (value["tag"] === "none") return value;
      if (value["tag"] !== "some") throw new TypeError(mismatch(`${path}.tag`, `"some" or "none"`, value["tag"]));
      const val = inner.lower(value["val"], `${path}.val`, context);
      return inner.handles ? { tag: "some", val } : value;
    },
    lift(value, core) {
      const input = value as { readonly tag: string; readonly val?: unknown };
      return input.tag === "some" && inner.handles ? { tag: "some", val: inner.lift(input.val, core) } : value;
    },
  };
}

/** `result<T, E>` as a value: `{ tag: "ok", val } | { tag: "err", val }`. */
export function result(ok: ValueType | undefined, err: ValueType | undefined): ResultType {
  const label = `result<${ok?.label ?? "_"}, ${err?.label ?? "_"}>`;
  const handles = ok?.handles === true || err?.handles === true;
  return {
    kind: "result",
    label,
    handles,
    ok,
    err,
    lower(value, path, context) {
      if (!isObject(value)) throw new TypeError(mismatch(path, `{ tag: "ok" | "err", val } (${label})`, value));
      const tag = value["tag"];
      if (tag !== "ok" && tag !== "err") throw new TypeError(mismatch(`${path}.tag`, `"ok" or "err"`, tag));
      const payload = tag === "ok" ? ok : err;
      if (payload === undefined) return value;
      const val = payload.lower(value["val"], `${path}.val`, context);
      return payload.handles ? { tag, val } : value;
    },
    lift(value, core) {
      if (!handles) return value;
      const input = value as { readonly tag: "ok" | "err"; readonly val?: unknown };
      const payload = input.tag === "ok" ? ok : err;
      return payload === undefined ? value : { tag: input.tag, val: payload.lift(input.val, core) };
    },
  };
}

function isResultType(type: ValueType | undefined): type is ResultType {
  return type?.kind === "result";
}

// ---------------------------------------------------------------------------------------------------------
// Resources

/** A resource the guest implements (declared in an exported interface). */
export interface GuestResourceType {
  readonly side: "guest";
  /** `ns:pkg/iface#name`, for messages and gate call names. */
  readonly name: string;
  readonly label: string;
  /** The generated class that wraps jco's objects of this type. */
  readonly wrapper: GuestResourceClass;
}

/** A resource the host implements (declared in an imported interface or in the world). */
export interface HostResourceType {
  readonly side: "host";
  readonly name: string;
  readonly label: string;
}

export type ResourceDescriptor = GuestResourceType | HostResourceType;

/** How generated wrapper classes are constructed (by the runtime only). */
export type GuestResourceClass = new (core: InstanceCore, raw: object, type: GuestResourceType) => GuestResource;

/** Declares a guest resource and the generated class that wraps its objects. */
export function guestResource(name: string, wrapper: GuestResourceClass): GuestResourceType {
  return { side: "guest", name, label: name.slice(name.lastIndexOf("#") + 1), wrapper };
}

/** Declares a host resource. */
export function hostResource(name: string): HostResourceType {
  return { side: "host", name, label: name.slice(name.lastIndexOf("#") + 1) };
}

/** `own<R>`: the resource object itself; passing a guest resource moves it into the guest. */
export function own(resource: ResourceDescriptor): ValueType {
  return handle("own", resource);
}

/** `borrow<R>`: the resource object, lent for the length of the call. */
export function borrow(resource: ResourceDescriptor): ValueType {
  return handle("borrow", resource);
}

function handle(kind: "own" | "borrow", resource: ResourceDescriptor): ValueType {
  const label = `${kind}<${resource.label}>`;
  if (resource.side === "guest") {
    return {
      kind,
      label,
      handles: true,
      lower: (value, path, context) => lowerGuestResource(resource, kind, value, path, context),
      lift: (value, core) => new resource.wrapper(core, value as object, resource),
    };
  }
  return {
    kind,
    label,
    handles: true,
    lower(value, path, context) {
      if (!isObject(value) && typeof value !== "function") {
        throw new TypeError(mismatch(path, `a \`${resource.label}\` object`, value));
      }
      let host: object = value;
      // A borrow a host import received may be lent on (while its call lasts), never given away.
      if (isBorrow(host)) {
        if (kind === "own") {
          throw new TypeError(`\`${path}\` is a borrowed \`${resource.label}\`: only an owned one can be passed as \`own\``);
        }
        host = unwrapBorrow(host);
      }
      notePassed(context, host, kind, resource.label, path);
      if (kind === "borrow") context.loans?.push([host, resource.label]);
      // An export call enters its owns only once every argument was lowered (`LowerContext.hostOwns`).
      const hostOwns = context.hostOwns;
      if (kind === "own" && hostOwns !== undefined) hostOwns.push([resource, host]);
      return coreOf(context.core).hostBridge(resource).toGuest(host, kind === "own" && hostOwns === undefined);
    },
    lift(value, core) {
      const host = coreOf(core).hostBridge(resource).fromGuest(value, kind === "borrow");
      return kind === "borrow" && receiveBorrow !== undefined ? receiveBorrow(host, resource.label) : host;
    },
  };
}

type GuestState = "live" | "moved" | "disposed";

interface GuestInternals {
  readonly core: Core;
  readonly raw: object;
  readonly generation: number;
  readonly type: GuestResourceType;
  state: GuestState;
}

let internalsOf!: (resource: GuestResource) => GuestInternals;

/**
 * The base of the generated classes that stand for guest resources. Methods go through the instance's
 * call gate; disposing drops the guest's handle (through the gate as well, after any call in flight).
 */
export class GuestResource implements Disposable {
  readonly #internals: GuestInternals;

  constructor(core: InstanceCore, raw: object, type: GuestResourceType) {
    const owner = coreOf(core);
    this.#internals = { core: owner, raw, generation: owner.generation, type, state: "live" };
  }

  static {
    internalsOf = (resource) => resource.#internals;
  }

  /**
   * Drops the guest's handle; idempotent. Use `using` to do it at the end of a scope. While a call borrows
   * it, throws `ResourceLentError` and changes nothing (see `disposeUnlessLent` for the one exception).
   */
  [Symbol.dispose](): void {
    const internals = this.#internals;
    if (internals.state !== "live") return;
    disposeUnlessLent(this, internals.type.label, () => dropGuestHandle(internals));
    internals.state = "disposed";
  }
}

/** Drops the guest's handle of a disposed resource, through the gate. */
function dropGuestHandle(internals: GuestInternals): void {
  const { core, raw } = internals;
  // A restarted instance has no handle to drop: the trap took the old one down with everything else.
  if (internals.generation !== core.generation || core.gate.disposed) return;
  const name = `${internals.type.name}#[drop]`;
  const drop = (): void => {
    // Checked again when the drop runs: queued behind a trap, it runs after the restart, and the resource
    // then belonged to the dead instance; it is simply forgotten.
    if (internals.generation !== core.generation) return;
    (raw as Disposable)[Symbol.dispose]();
  };
  // Fire and forget: `Symbol.dispose` is synchronous. Called from inside an import handler (or by a call
  // that lent the resource, as it returns), the gate refuses the reentrant call; the drop is then made again
  // once the call in flight has settled (`afterCurrentCall`), not merely a microtask later, which would still
  // be inside that call (an asynchronous one) and be refused again. Other refusals (the instance was disposed
  // or is poisoned) leave nothing to drop; a trap of the drop itself poisons the instance, as any trap does.
  const retry = (): void => {
    core.gate.call(name, drop).then(undefined, ignore);
  };
  core.gate.call(name, drop).then(undefined, (error: unknown) => {
    if (error instanceof ReentranceError) core.gate.afterCurrentCall(retry);
  });
}

function ignore(): void {}

/** The raw object of a live guest resource of this instance, or the error that says why there is none. */
function liveGuestRaw(resource: GuestResource, core: Core): object {
  const internals = internalsOf(resource);
  if (internals.core !== core) throw new TypeError(`\`${internals.type.label}\` belongs to another instance`);
  if (internals.state !== "live" || internals.generation !== core.generation) {
    throw new ResourceDisposedError(internals.type.label);
  }
  return internals.raw;
}

function lowerGuestResource(
  type: GuestResourceType,
  kind: "own" | "borrow",
  value: unknown,
  path: string,
  context: LowerContext,
): object {
  if (!(value instanceof type.wrapper)) {
    throw new TypeError(mismatch(path, `a \`${type.label}\` that this SDK returned`, value));
  }
  const core = coreOf(context.core);
  if (internalsOf(value).core !== core) {
    throw new TypeError(`\`${path}\` is a \`${type.label}\` of another instance`);
  }
  const raw = liveGuestRaw(value, core);
  notePassed(context, value, kind, type.label, path);
  if (kind === "own") {
    // Moving it would remove the host's handle while another call still borrows it.
    assertNotLent(value, type.label);
    context.moves.push(value);
  } else {
    context.loans?.push([value, type.label]);
  }
  return raw;
}

/**
 * Records that this call passes `resource` as `kind`, refusing what would give the guest a handle it cannot
 * have: the same resource moved twice (two owning handles), or moved and lent (the guest could drop the
 * handle it borrows). `assertNotLent` only sees the loans of other calls.
 */
function notePassed(context: LowerContext, resource: object, kind: "own" | "borrow", label: string, path: string): void {
  const passed = (context.passed ??= new Map());
  const earlier = passed.get(resource);
  if (earlier === undefined) {
    passed.set(resource, kind);
    return;
  }
  if (earlier === "own") {
    throw new TypeError(
      kind === "own"
        ? `\`${path}\` is a \`${label}\` that this call already moves (\`own\`): a resource can be moved only once`
        : `\`${path}\` is a \`${label}\` that this call moves (\`own\`): the same call cannot also borrow it`,
    );
  }
  if (kind === "own") {
    throw new TypeError(`\`${path}\` is a \`${label}\` that this call also borrows: the same call cannot move it (\`own\`)`);
  }
}

/** The members of a host resource, as jco calls them: keys are jco's (lowerCamel) names. */
export interface HostResourceMembers {
  /** `[constructor]r`: jco calls `new Class(...)`. */
  readonly create?: ImportSpec;
  readonly methods?: Readonly<Record<string, ImportSpec>>;
  readonly statics?: Readonly<Record<string, ImportSpec>>;
}

/** The adapter class of one host resource in one instance, and the two-way map it keeps. */
interface HostBridge {
  readonly adapter: new (...args: never[]) => object;
  /** The adapter for `host`; as `own`, `host` also gets an entry in the instance's resource table. */
  toGuest(host: object, own: boolean): object;
  /** The host object of an adapter; a borrow (into a host import) lends its entry for the import's length. */
  fromGuest(adapter: unknown, borrow: boolean): object;
}

// ---------------------------------------------------------------------------------------------------------
// Instances

/** jco's `getCoreModule`: a core module (a `WebAssembly.Module`, or a promise of one) by file name. */
export type GetCoreModule = (path: string) => unknown;

/** jco's `instantiateCore`. */
type InstantiateCore = (module: unknown, imports: unknown) => unknown;

/** The part of jco's instantiation-mode module (its `<name>.js`) that the SDK uses. */
export interface ComponentModule {
  instantiate(getCoreModule: GetCoreModule | undefined, imports: object, instantiateCore?: InstantiateCore): unknown;
}

/** What generated `instantiate` functions pass on from their options. */
export interface InstanceOptions {
  readonly component?: ComponentModule | undefined;
  readonly getCoreModule?: GetCoreModule | undefined;
  /** Instantiate the component again after a trap, before the next call, instead of refusing calls. */
  readonly restart?: boolean | undefined;
  /**
   * The imports given to jco's `asyncImports` (JSPI output: `asyncMode: "jspi"`), by WIT name
   * (`ns:pkg/iface#fn`, `ns:pkg/iface@1.0.0#[method]r.m`, a world-level `fn`): their handlers may return a
   * promise, which jco's suspended guest waits for.
   */
  readonly asyncImports?: readonly string[] | undefined;
  /**
   * Every `async func` export call settles only when its task has ended (its work after returning the value
   * included), as if each call passed `{ untilTaskEnds: true }`.
   */
  readonly untilTaskEnds?: boolean | undefined;
}

/** What the generator knows about the component when it writes `instantiate`. */
export interface InstanceDefaults {
  /** Loads the component the SDK was generated from (only when it was generated from a `.wasm`). */
  readonly component?: () => Promise<ComponentModule>;
  /**
   * Instantiate without ever resolving a promise with jco's exports object: needed when the world exports
   * a function named `then`, which makes that object a thenable (docs/jco-notes.md §2). Requires a
   * `getCoreModule`.
   */
  readonly synchronous?: boolean;
}

/** The per-instance state every generated wrapper of one instance shares. */
export interface InstanceCore {
  readonly gate: CallGate;
  /** The component-model async tasks of the instance (`tasks.ts`). */
  readonly tasks: TaskTracker;
  /** jco's exports object of the live component instance (a restart replaces it). */
  readonly exports: Readonly<Record<string, unknown>>;
  /** Counts restarts: guest resources of an earlier generation belonged to a dead instance. */
  readonly generation: number;
}

function coreOf(core: InstanceCore): Core {
  // Every instance core is a `Core` of this copy of the runtime (`createInstanceCore`).
  if (!(core instanceof Core)) throw new TypeError("not an instance core of this runtime");
  return core;
}

/** Recognises jco's `ComponentError`, a class of its own in every instance (docs/jco-notes.md §8). */
export function isComponentError(error: unknown): error is Error & { readonly payload: unknown } {
  return (
    error instanceof Error &&
    error.constructor.name === "ComponentError" &&
    Object.prototype.hasOwnProperty.call(error, "payload")
  );
}

/**
 * Errors the SDK raises inside a gate call that are not traps: refusals before the guest ran, and the
 * `ResultError`s made from jco's `ComponentError`s.
 */
const refusals = new WeakSet<object>();

const sdkCallOptions: CallOptions = {
  isResultError: (error) => isObject(error) && refusals.has(error),
};

/** Never resolve anything with it: it may be a thenable (see `InstanceDefaults.synchronous`). */
type JcoExports = Readonly<Record<string, unknown>>;

/** Shared by calls that move and lend nothing; frozen, so that a push (a wit-ts bug) throws. */
const noLoans = Object.freeze([]) as unknown as Loan[];
const noMoves = Object.freeze([]) as unknown as GuestResource[];
const noHostOwns = Object.freeze([]) as unknown as HostOwns;

class Core implements InstanceCore {
  readonly gate: CallGate;
  readonly tasks: TaskTracker;
  /** The lowering context of calls whose arguments hold no resources (`ExportSpec.plain`). */
  readonly plainContext: LowerContext = { core: this, moves: noMoves, loans: noLoans };
  /** Calls a `direct` export (see `ExportSpec.direct`) on the live instance's exports. */
  readonly invokeDirect = (spec: ExportSpec<unknown>, args: readonly unknown[]): unknown =>
    invokeAt(this.exports, spec.path, false, args);
  exports: JcoExports = {};
  generation = 0;
  private readonly bridges = new Map<HostResourceType, HostBridge>();
  private imports: object = {};
  private readonly component: ComponentModule;
  private readonly getCoreModule: GetCoreModule | undefined;
  private readonly synchronous: boolean;
  private readonly asyncImports: ReadonlySet<string>;

  constructor(component: ComponentModule, options: InstanceOptions, defaults: InstanceDefaults) {
    this.component = component;
    this.getCoreModule = options.getCoreModule;
    this.synchronous = defaults.synchronous === true;
    this.asyncImports = new Set(options.asyncImports ?? []);
    // Disposal waits for the async tasks too (a task may still run after its call settled).
    const beforeClose = (): Promise<void> => this.tasks.settled();
    this.gate = createCallGate(options.restart === true ? { restart: () => this.restart(), beforeClose } : { beforeClose });
    this.tasks = createTaskTracker(this.gate, { untilTaskEnds: options.untilTaskEnds });
  }

  async start(imports: object): Promise<void> {
    // jco's output as `wit-ts gen x.wasm` transpiles it reports its async tasks through this key.
    Object.defineProperty(imports, jcoTaskHooksKey, { value: this.tasks.hooks, configurable: true });
    this.imports = imports;
    await this.instantiate();
  }

  private async restart(): Promise<void> {
    await this.instantiate();
    this.generation++;
  }

  private async instantiate(): Promise<void> {
    if (this.synchronous) {
      // Boxed: an async function that returned the exports object itself would resolve its promise with it.
      this.exports = (await instantiateSynchronously(this.component, this.getCoreModule, this.imports)).exports;
      this.tasks.instantiated();
      return;
    }
    // jco's exports object is awaited only here, and only when it cannot be a thenable.
    this.exports = (await this.component.instantiate(this.getCoreModule, this.imports)) as JcoExports;
    this.tasks.instantiated();
  }

  /** Whether jco awaits this import's handler (JSPI); jco accepts its name with or without the version. */
  isAsyncImport(name: string): boolean {
    const names = this.asyncImports;
    return names.size > 0 && (names.has(name) || names.has(name.replace(/@[^#]*#/, "#")));
  }

  /** The bridge of a host resource; defined by `hostResourceClass` before the instance starts. */
  hostBridge(type: HostResourceType): HostBridge {
    const bridge = this.bridges.get(type);
    if (bridge === undefined) throw new Error(`host resource \`${type.name}\` was never set up (a wit-ts bug)`);
    return bridge;
  }

  defineHostBridge(type: HostResourceType, bridge: HostBridge): void {
    this.bridges.set(type, bridge);
  }
}

/**
 * Instantiates without letting a promise resolve with the exports object: first runs jco's `instantiate`
 * just far enough to learn the core module names (it asks for all of them before instantiating any),
 * loads them, then instantiates with callbacks that answer synchronously, so jco returns the exports
 * object itself.
 */
async function instantiateSynchronously(
  component: ComponentModule,
  getCoreModule: GetCoreModule | undefined,
  imports: object,
): Promise<{ readonly exports: JcoExports }> {
  if (getCoreModule === undefined) {
    throw new TypeError(
      "this world exports a function named `then`, so the SDK must instantiate it synchronously: " +
        "pass `getCoreModule`",
    );
  }
  const names: string[] = [];
  const stop = new Error("stop after the core module names");
  try {
    component.instantiate(
      (name) => {
        names.push(name);
        return {};
      },
      imports,
      () => {
        throw stop;
      },
    );
  } catch (error) {
    if (error !== stop) throw error;
  }
  const modules = new Map<string, unknown>();
  for (const name of names) modules.set(name, await getCoreModule(name));
  const wasm = (globalThis as unknown as { readonly WebAssembly: { readonly Instance: InstanceClass } }).WebAssembly;
  const exports = component.instantiate(
    (name) => modules.get(name),
    imports,
    (module, coreImports) => new wasm.Instance(module, coreImports),
  );
  // A promise here means jco yielded after all; resolving it is exactly what must not happen. Its rejection is
  // silenced (nobody else holds it), and through handlers that return nothing: a pass-through handler would
  // resolve a derived promise with the exports object, calling its `then`.
  if (exports instanceof Promise) {
    exports.then(ignore, ignore);
    throw new TypeError("jco did not instantiate the component synchronously");
  }
  return { exports: exports as JcoExports };
}

type InstanceClass = new (module: unknown, imports: unknown) => object;

/** Creates the core of one instance; `startInstance` then instantiates the component. */
export async function createInstanceCore(
  options: InstanceOptions,
  defaults: InstanceDefaults = {},
): Promise<InstanceCore> {
  let component = options.component;
  if (component === undefined) {
    if (defaults.component === undefined) {
      throw new TypeError("`component` is required: pass jco's instantiation-mode module of the component");
    }
    component = await defaults.component();
  }
  const core = new Core(component, options, defaults);
  return core;
}

/** Instantiates the component with jco's import object (built by the generated import adapters). */
export function startInstance(core: InstanceCore, imports: object): Promise<void> {
  return coreOf(core).start(imports);
}

/** What every generated instance has besides the world's exports. */
export interface InstanceControls extends AsyncDisposable {
  /** True after a trap, until a restart succeeds. */
  readonly poisoned: boolean;
  /**
   * Resolves when no call is in flight and every component-model async task of the instance has ended
   * (work after a call returned included); rejects with the `TrapError` of a trap in such late work.
   */
  idle(): Promise<void>;
}

/** Adds `poisoned` and `[Symbol.asyncDispose]` to the object of the world's exports. */
export function createWorldInstance<T extends object>(core: InstanceCore, members: T): T & InstanceControls {
  const gate = coreOf(core).gate;
  Object.defineProperty(members, "poisoned", { get: () => gate.poisoned, enumerable: true });
  Object.defineProperty(members, Symbol.asyncDispose, { value: () => gate.dispose() });
  const tasks = coreOf(core).tasks;
  Object.defineProperty(members, "idle", { value: () => tasks.idle(), enumerable: true });
  return members as T & InstanceControls;
}

/**
 * A `wasi:*` import the host did not provide: the matching interface of `@bytecodealliance/preview2-shim`.
 * `load` imports the shim's module of the WASI package (`@bytecodealliance/preview2-shim/cli` for
 * `wasi:cli/environment@0.2.3`, whose `environment` export is the interface).
 */
export async function wasiImport<T extends object, K extends keyof T & string>(
  imports: T,
  key: K,
  load: () => Promise<object>,
): Promise<NonNullable<T[K]>> {
  const provided = imports[key];
  if (provided !== undefined && provided !== null) return provided as NonNullable<T[K]>;
  const iface = /^wasi:[^/@]+\/([^/@]+)/.exec(key)?.[1]?.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  const shim = (await load()) as Readonly<Record<string, unknown>>;
  const found = iface === undefined ? undefined : shim[iface];
  if (found === undefined || found === null) {
    throw new TypeError(`\`${key}\` was not provided and @bytecodealliance/preview2-shim has no default for it`);
  }
  return found as NonNullable<T[K]>;
}

// ---------------------------------------------------------------------------------------------------------
// Export calls

declare const resultBrand: unique symbol;

/** One guest export (function, method, static or constructor) as the generated wrappers call it. */
export interface ExportSpec<R> {
  /** `ns:pkg/iface@1.0.0#name` (or the world-level name): what errors call it. */
  readonly name: string;
  /**
   * Where jco puts it: from the exports object for functions, statics (`[iface, Class, name]`) and
   * constructors (`[iface, Class]`); from the resource object for methods (`[name]`).
   */
  readonly path: readonly string[];
  readonly kind: "function" | "method" | "constructor";
  readonly params: readonly (readonly [name: string, type: ValueType])[];
  readonly returns: ValueType | undefined;
  /** True when no parameter can hold a resource: lowering the arguments then moves and lends nothing. */
  readonly plain: boolean;
  /** An `async func`: called through the instance's task tracker (`tasks.ts`), not queued by the gate. */
  readonly async: boolean;
  /**
   * A plain function whose return value needs no lifting and no `result` mapping: jco's value is the SDK's,
   * so a call needs no per-call closure (`callExport`'s fast path).
   */
  readonly direct: boolean;
  /** Only carries `R` for the type checker. */
  readonly [resultBrand]?: R;
}

/** Describes a guest export; `R` is what the SDK function resolves with. */
export function exportSpec<R>(spec: {
  readonly name: string;
  readonly path: readonly string[];
  readonly kind?: "function" | "method" | "constructor";
  readonly params?: Readonly<Record<string, ValueType>>;
  readonly returns?: ValueType;
  readonly async?: boolean;
}): ExportSpec<R> {
  const params = Object.entries(spec.params ?? {});
  const kind = spec.kind ?? "function";
  const returns = spec.returns;
  const plain = params.every(([, type]) => !type.handles);
  return {
    name: spec.name,
    path: spec.path,
    kind,
    params,
    returns,
    plain,
    async: spec.async === true,
    direct: spec.async !== true && plain && kind === "function" && (returns === undefined || (!isResultType(returns) && !returns.handles)),
  };
}

/** Walks `path` from `root` and calls (or constructs) what it names. */
function invokeAt(root: object, path: readonly string[], construct: boolean, args: readonly unknown[]): unknown {
  let holder: unknown = root;
  const last = path.length - 1;
  for (let index = 0; index < last; index++) holder = (holder as Record<string, unknown>)[path[index] ?? ""];
  const target = (holder as Record<string, unknown>)[path[last] ?? ""];
  if (typeof target !== "function") throw new TypeError(`jco's exports have no function at ${path.join(".")}`);
  return construct ? Reflect.construct(target, args) : Reflect.apply(target, holder, args);
}

/**
 * Calls a guest export through the instance's gate: checks and lowers the arguments (rejecting before
 * the call when one is wrong), waits for its turn, and lifts the value it returns. A function returning
 * `result<T, E>` resolves with `T` and rejects with `ResultError<E>`. `self` is the resource of a method.
 */
export function callExport<R>(
  core: InstanceCore,
  spec: ExportSpec<R>,
  args: readonly unknown[],
  self?: GuestResource,
  options?: AsyncCallOptions,
): Promise<R> {
  const owner = coreOf(core);
  if (self === undefined && spec.direct) {
    // The hot path (issue #4: at most 150 ns over jco): check the arguments, then let the gate call the
    // instance's one invoker with the spec and `args` themselves; nothing is allocated but the promise.
    const params = spec.params;
    const context = owner.plainContext;
    try {
      for (let index = 0; index < params.length; index++) {
        const param = params[index]!;
        param[1].lower(args[index], param[0], context);
      }
    } catch (error) {
      return Promise.reject(error);
    }
    return owner.gate.callWith(spec.name, owner.invokeDirect, spec, args, sdkCallOptions) as Promise<R>;
  }
  // A call whose arguments hold no
  // resources shares the instance's frozen context instead of allocating one, and hands jco `args` itself:
  // lowering a value without resources only checks it and returns it unchanged.
  const plain = self === undefined && spec.plain;
  const loans: Loan[] = plain ? noLoans : [];
  const hostOwns: HostOwns = plain ? noHostOwns : [];
  const context: LowerContext = plain ? owner.plainContext : { core: owner, moves: [], loans, hostOwns };
  const params = spec.params;
  const lowered: unknown[] | undefined = plain ? undefined : [];
  let generation: number;
  let target: object;
  let lent: CallLoans | undefined;
  let entered: HostOwns | undefined;
  try {
    if (self !== undefined) {
      target = liveGuestRaw(self, owner);
      generation = internalsOf(self).generation;
      // A method borrows its resource (`self: borrow<r>`).
      loans.push([self, internalsOf(self).type.label]);
      if (params.length > 0) context.passed = new Map([[self, "borrow"]]);
    } else {
      target = owner.exports;
      generation = owner.generation;
    }
    for (let index = 0; index < params.length; index++) {
      const param = params[index]!;
      const out = param[1].lower(args[index], param[0], context);
      lowered?.push(out);
    }
    // Lent from now, while the call waits for its turn too, so that disposing one fails at once instead of
    // making the call fail late (issue #5).
    if (loans.length > 0) lent = lendForCall(loans);
    // Entered only now that no argument can fail any more (issue #6: an entry is what the guest owns).
    if (hostOwns.length > 0) entered = enterHostOwns(owner, hostOwns);
  } catch (error) {
    lent?.end();
    return Promise.reject(error);
  }
  const moves = context.moves;
  for (let index = 0; index < moves.length; index++) internalsOf(moves[index]!).state = "moved";
  // Guest resources that the call moves or lends belong to `generation` of the instance (lowering checked it).
  const guest = plain ? undefined : (self ?? firstGuestResource(moves, loans));
  /** Whether the gate ran the call and it passed the generation check: the guest then got its arguments. */
  let started = false;
  const jcoArgs = lowered ?? args;
  const returns = spec.returns;
  const value = isResultType(returns) ? returns.ok : returns;
  const err = isResultType(returns) ? returns.err : undefined;
  // Lifting and mapping a `result` error happen inside the gate's call, so that the gate settles every call's
  // promise in the same number of steps and calls settle in call order whatever they return (issue #4). A
  // resource object of jco's may have a method called `then` (WIT `then: func()`): lifted first, the gate
  // never sees it.
  const lift = value?.handles === true ? (out: unknown): unknown => value.lift(out, owner) : undefined;
  const toResultError = (error: unknown): unknown => {
    if (!isResultType(returns) || !isComponentError(error)) return error;
    const mapped = new ResultError(err?.handles === true ? err.lift(error.payload, owner) : error.payload, spec.name);
    refusals.add(mapped);
    return mapped;
  };
  const run = (): unknown => {
    // A call queued behind a trap runs after the restart: its resources belonged to the dead instance.
    if (guest !== undefined && generation !== owner.generation) {
      const error = new ResourceDisposedError(internalsOf(guest).type.label);
      refusals.add(error);
      throw error;
    }
    started = true;
    let out: unknown;
    try {
      out = invokeAt(self === undefined ? owner.exports : target, spec.path, spec.kind === "constructor", jcoArgs);
    } catch (error) {
      throw toResultError(error);
    }
    if (out instanceof Promise) {
      return out.then(lift, (error: unknown) => {
        throw toResultError(error);
      });
    }
    return lift === undefined ? out : lift(out);
  };
  const loaned = lent;
  // The loans end when the guest returns (at once for jco's synchronous calls, so that `using r = ...;
  // return sdk.f(r);` disposes `r` right after the call), or when the gate refuses the call without running it.
  const invoke =
    loaned === undefined
      ? run
      : (): unknown => {
          loaned.start();
          let out: unknown;
          try {
            out = run();
          } catch (error) {
            loaned.end();
            throw error;
          }
          if (!(out instanceof Promise)) {
            loaned.end();
            return out;
          }
          // An async call's loans last until its task ends (below), not until it returns its value.
          return spec.async ? out : out.finally(loaned.end);
        };
  let called: Promise<unknown>;
  if (spec.async) {
    const call = owner.tasks.call(spec.name, invoke, sdkCallOptions.isResultError, options);
    called = call.promise;
    if (loaned !== undefined) void call.ended.then(loaned.end);
  } else {
    called = owner.gate.call(spec.name, invoke, sdkCallOptions);
  }
  if (loaned !== undefined || moves.length > 0 || entered !== undefined) {
    // A call the gate refuses without running it (reentrance, poison, disposal, a failed restart, or the
    // generation check of `run`) gave the guest nothing: what it was to move is the caller's again, and the
    // host objects it entered leave the table, the host still owning them. Runs before the caller's own
    // handlers, so that a retry after the rejection finds them live.
    const refused = (): void => {
      if (!spec.async) loaned?.end();
      if (started) return;
      for (let index = 0; index < moves.length; index++) {
        const internals = internalsOf(moves[index]!);
        if (internals.state === "moved") internals.state = "live";
      }
      if (entered !== undefined) takeHostOwns(owner, entered);
    };
    called.then(spec.async ? undefined : loaned?.end, refused);
  }
  return called as Promise<R>;
}

type HostOwns = (readonly [type: HostResourceType, host: object])[];

/** The first guest resource among a call's moves and loans (`self` aside), if any. */
function firstGuestResource(moves: readonly GuestResource[], loans: readonly Loan[]): GuestResource | undefined {
  if (moves.length > 0) return moves[0];
  for (let index = 0; index < loans.length; index++) {
    const resource = loans[index]![0];
    if (resource instanceof GuestResource) return resource;
  }
  return undefined;
}

/**
 * Enters the host objects an export call passes as `own`, all or none (`TableFullError`, `WrongTypeError`
 * take back the ones entered); returns those that had no entry before, which a refused call takes out again.
 */
function enterHostOwns(core: Core, owns: HostOwns): HostOwns | undefined {
  const table = hostTableState(core);
  const entered: HostOwns = [];
  try {
    for (let index = 0; index < owns.length; index++) {
      const own = owns[index]!;
      const fresh = !table.entered(own[1]);
      table.enter(own[0], own[1]);
      if (fresh) entered.push(own);
    }
  } catch (error) {
    takeHostOwns(core, entered);
    throw error;
  }
  return entered.length > 0 ? entered : undefined;
}

function takeHostOwns(core: Core, owns: HostOwns): void {
  const table = hostTableState(core);
  for (let index = 0; index < owns.length; index++) {
    try {
      table.take(owns[index]![0], owns[index]![1]);
    } catch {
      // `ResourceLentError`: the host lent the entry while the call waited. It stays, and the host, which
      // owns it, deletes it as it would any entry it pushed.
    }
  }
}

/** `callExport` for a method of a guest resource: the resource knows its instance. */
export function callMethod<R>(
  self: GuestResource,
  spec: ExportSpec<R>,
  args: readonly unknown[],
  options?: AsyncCallOptions,
): Promise<R> {
  return callExport(internalsOf(self).core, spec, args, self, options);
}

// ---------------------------------------------------------------------------------------------------------
// Host imports

/** One host import (function, resource method, static or constructor) as jco calls it. */
export interface ImportSpec {
  /** `ns:pkg/iface@1.0.0#name` (or the world-level name), for the gate and for messages. */
  readonly name: string;
  /** The host's property: a function of the interface object, a method, or a static of the class. */
  readonly member: string;
  readonly params: readonly ValueType[];
  readonly returns: ValueType | undefined;
  /**
   * Explicit borrows (issue #5): the parameter names of a function that receives borrows. The handler gets a
   * `BorrowHandle` for each borrow and must drop it before it returns, or the call fails with
   * `BorrowsRemainError` naming the parameter.
   */
  readonly paramNames: readonly string[] | undefined;
  /**
   * `--autodrop-borrows`: the generated adapter, which calls the handler with each borrowed argument held in
   * a `using` declaration (`ImportCall.borrow`), so that its views are revoked when the handler returns.
   * `target` is what the handler is called on: the interface's object, the host object of a method, or the
   * class of a constructor or static.
   */
  readonly invoke: ((target: unknown, call: ImportCall) => unknown) | undefined;
  /**
   * An `async func`: its handler may return a promise, which jco waits for with the guest blocked (so calls
   * back into the instance are let in), and its borrows last until that promise settles.
   */
  readonly async: boolean;
}

/** Describes a host import; `params` in order (their names do not matter on this side). */
export function importSpec(spec: {
  readonly name: string;
  readonly member: string;
  readonly params?: readonly ValueType[];
  readonly returns?: ValueType;
  readonly paramNames?: readonly string[];
  // `never`: a generated adapter takes its own contract type (`host: HttpImports`).
  readonly invoke?: (target: never, call: ImportCall) => unknown;
  readonly async?: boolean;
}): ImportSpec {
  return {
    name: spec.name,
    member: spec.member,
    params: spec.params ?? [],
    returns: spec.returns,
    paramNames: spec.paramNames,
    invoke: spec.invoke as ((target: unknown, call: ImportCall) => unknown) | undefined,
    async: spec.async === true,
  };
}

/** One call of a host import, as a generated `--autodrop-borrows` adapter sees it. */
export interface ImportCall {
  /** Argument `index`, converted for the host (for arguments without borrows). */
  argument<T>(index: number): T;
  /**
   * Argument `index` with a `Borrowed<T>` view for each borrow in it (a list, a record field, ...). Hold it
   * with `using`: disposing it revokes the views, so that a handler that kept one finds it expired.
   */
  borrow<T>(index: number): ScopedBorrow<T>;
}

/**
 * What lifting a `borrow<R>` of a host resource makes of the host's object while a host import's arguments
 * are lifted: a view or an explicit handle. Lifting is synchronous and runs no user code, so one module-level
 * slot serves (and keeps `ValueType.lift` free of a parameter that only borrows need).
 */
let receiveBorrow: ((resource: object, resourceType: string) => object) | undefined;

function liftReceiving(
  type: ValueType,
  value: unknown,
  core: Core,
  receive: (resource: object, resourceType: string) => object,
): unknown {
  const previous = receiveBorrow;
  receiveBorrow = receive;
  try {
    return type.lift(value, core);
  } finally {
    receiveBorrow = previous;
  }
}

class HostImportCall implements ImportCall {
  private readonly core: Core;
  private readonly spec: ImportSpec;
  private readonly args: readonly unknown[];
  /** jco awaits this import (JSPI): its views must outlive the adapter's `using` until the promise settles. */
  private readonly awaited: boolean;
  private readonly scopes: BorrowScope[] = [];

  constructor(core: Core, spec: ImportSpec, args: readonly unknown[], awaited: boolean) {
    this.core = core;
    this.spec = spec;
    this.args = args;
    this.awaited = awaited;
  }

  argument<T>(index: number): T {
    const type = this.spec.params[index];
    const value = this.args[index];
    return (type?.handles === true ? type.lift(value, this.core) : value) as T;
  }

  borrow<T>(index: number): ScopedBorrow<T> {
    const type = this.spec.params[index];
    if (type === undefined) throw new RangeError(`\`${this.spec.name}\` has no parameter ${index}`);
    const scope = createBorrowScope(this.spec.name);
    this.scopes.push(scope);
    const value = liftReceiving(type, this.args[index], this.core, (resource, resourceType) =>
      scope.view(resource, resourceType),
    ) as T;
    const awaited = this.awaited;
    return {
      value,
      [Symbol.dispose]() {
        // The adapter is synchronous and returns the handler's promise as it is; `callHost` closes the scope
        // when that settles.
        if (!awaited) scope.close();
      },
    };
  }

  /** Revokes what the adapter did not: everything, for an awaited import (the generated ones use `using`). */
  close(): void {
    for (const scope of this.scopes) scope.close();
  }
}

/**
 * Lifts the guest's arguments and calls the host: through the generated adapter (`spec.invoke`), with
 * explicit borrow handles that the handler must drop (`spec.paramNames`), or plainly.
 */
function callHost(
  core: Core,
  spec: ImportSpec,
  args: readonly unknown[],
  call: (lifted: unknown[]) => unknown,
  target: unknown,
): unknown {
  // An import that jco awaits (JSPI `asyncImports`) may return a promise: its borrows last until it settles.
  const awaited = spec.async || core.isAsyncImport(spec.name);
  const invoke = spec.invoke;
  if (invoke !== undefined) {
    const importCall = new HostImportCall(core, spec, args, awaited);
    const close = (): void => importCall.close();
    return endBorrows(awaited, () => invoke(target, importCall), close, close);
  }
  const names = spec.paramNames;
  if (names === undefined) {
    const lifted: unknown[] = [];
    spec.params.forEach((type, index) => lifted.push(type.handles ? type.lift(args[index], core) : args[index]));
    return call(lifted);
  }
  const scope = createBorrowScope(spec.name);
  const lifted = spec.params.map((type, index) => {
    if (!type.handles) return args[index];
    const parameter = names[index] ?? `#${index}`;
    return liftReceiving(type, args[index], core, (resource, resourceType) =>
      scope.handle(resource, resourceType, parameter),
    );
  });
  return endBorrows(
    awaited,
    () => call(lifted),
    () => scope.close(),
    () => revokeQuietly(scope),
  );
}

/**
 * Runs a handler, then ends the borrows of its call: `end` when it returned (a thrown `ResultError` is how
 * a handler returns `err`, so its borrows must be dropped by then too), `revoke` when it failed otherwise
 * (its own failure is what the caller sees). The promise of an awaited import ends them when it settles.
 */
function endBorrows(awaited: boolean, run: () => unknown, end: () => void, revoke: () => void): unknown {
  let value: unknown;
  try {
    value = run();
  } catch (error) {
    if (error instanceof ResultError) end();
    else revoke();
    throw error;
  }
  if (!awaited || !isThenable(value)) {
    end();
    return value;
  }
  return Promise.resolve(value).then(
    (settled: unknown) => {
      end();
      return settled;
    },
    (error: unknown) => {
      if (error instanceof ResultError) end();
      else revoke();
      throw error;
    },
  );
}

function revokeQuietly(scope: BorrowScope): void {
  try {
    scope.close();
  } catch {
    // `BorrowsRemainError`: the handles are revoked, and the handler's own failure is what the caller sees.
  }
}


/**
 * Runs one host import for jco: lifts the guest's arguments, calls the host through the gate's
 * `runImport`, and lowers what it returns, checked. For `-> result<T, E>` the host returns `T` or throws
 * `ResultError<E>`; the SDK hands jco `{ tag, val }` explicitly, so a `T` that looks like a result is never
 * misread (docs/jco-notes.md §8).
 */
function runHost(
  core: Core,
  spec: ImportSpec,
  args: readonly unknown[],
  call: (lifted: unknown[]) => unknown,
  target?: unknown,
): unknown {
  // Entries the guest lends to the handler (`borrow<R>` arguments) are lent in the table until it returns,
  // or, for an import that jco awaits, until its promise settles.
  return core.gate.runImport(spec.name, () => withImportLends(core, () => {
    const returns = spec.returns;
    let value: unknown;
    try {
      value = callHost(core, spec, args, call, target);
    } catch (error) {
      if (isResultType(returns) && error instanceof ResultError) {
        return { tag: "err", val: lowerReturn(core, spec, returns.err, error.payload) };
      }
      throw error;
    }
    if (isThenable(value)) {
      if (!spec.async && !core.isAsyncImport(spec.name)) {
        // Refused, so nobody else will ever look at it: its rejection must not become an unhandled one.
        Promise.resolve(value).then(ignore, ignore);
        throw new TypeError(
          `\`${spec.name}\` returned a promise: jco calls host imports synchronously, so handlers must return a value`,
        );
      }
      // An import listed in jco's `asyncImports` (JSPI): jco awaits what the adapter returns, guest suspended.
      return Promise.resolve(value).then(
        (settled: unknown) =>
          isResultType(returns)
            ? { tag: "ok", val: lowerReturn(core, spec, returns.ok, settled) }
            : lowerReturn(core, spec, returns, settled),
        (error: unknown) => {
          if (isResultType(returns) && error instanceof ResultError) {
            return { tag: "err", val: lowerReturn(core, spec, returns.err, error.payload) };
          }
          throw error;
        },
      );
    }
    if (isResultType(returns)) return { tag: "ok", val: lowerReturn(core, spec, returns.ok, value) };
    return lowerReturn(core, spec, returns, value);
  }), spec.async);
}

function lowerReturn(core: Core, spec: ImportSpec, type: ValueType | undefined, value: unknown): unknown {
  if (type === undefined) return undefined;
  try {
    return type.lower(value, "result", { core, moves: [] });
  } catch (error) {
    if (error instanceof TypeError) throw new TypeError(`\`${spec.name}\` returned an invalid value: ${error.message}`);
    if (error instanceof RangeError) throw new RangeError(`\`${spec.name}\` returned an invalid value: ${error.message}`);
    throw error;
  }
}

/** The host's object of an import, or a clear error when it is missing. */
function requireHost(host: unknown, what: string): Record<string, unknown> {
  if ((typeof host !== "object" && typeof host !== "function") || host === null) {
    throw new TypeError(`the host did not provide ${what}`);
  }
  return host as Record<string, unknown>;
}

/** The host function `member` of `host`, read at each call (so it may be replaced later). */
function hostMember(host: Record<string, unknown>, spec: ImportSpec): (...args: unknown[]) => unknown {
  const fn = host[spec.member];
  if (typeof fn !== "function") throw new TypeError(`the host did not provide \`${spec.name}\` (\`${spec.member}\`)`);
  return fn as (...args: unknown[]) => unknown;
}

/** The function jco calls for a host import: `target[spec.member]` run through the gate. */
export function adaptImport(core: InstanceCore, spec: ImportSpec, target: object | undefined): (...args: unknown[]) => unknown {
  const owner = coreOf(core);
  const host = requireHost(target, `the object that implements \`${spec.name}\``);
  hostMember(host, spec);
  return (...args) =>
    runHost(owner, spec, args, (lifted) => Reflect.apply(hostMember(host, spec), host, lifted), host);
}

/**
 * The class jco gets for a host resource in one instance. jco constructs it for `[constructor]r`, calls its
 * statics and methods, and checks `instanceof` on every object that crosses; each adapter stands for one
 * host object (the host class's instances need not be anything in particular). `hostClass` provides the
 * constructor and statics, when the resource has any.
 */
export function hostResourceClass(
  core: InstanceCore,
  type: HostResourceType,
  hostClass: unknown,
  members: HostResourceMembers = {},
): object {
  const owner = coreOf(core);
  const needsClass = members.create !== undefined || Object.keys(members.statics ?? {}).length > 0;
  const statics = needsClass ? requireHost(hostClass, `the class of resource \`${type.name}\``) : {};
  if (members.create !== undefined && typeof hostClass !== "function") {
    throw new TypeError(`the host did not provide a class (with a constructor) for resource \`${type.name}\``);
  }
  const construct = hostClass as new (...args: unknown[]) => object;
  // The instance's resource table (host-resources.ts): objects the guest owns are entries of it.
  const table = hostTableState(owner);
  const hosts = new WeakMap<object, object>();
  const adapters = new WeakMap<object, object>();
  // jco's `new` makes the adapter itself; the host object it stands for needs no lowering.
  const create = members.create === undefined ? undefined : { ...members.create, returns: undefined };

  class Adapter {
    constructor(...args: unknown[]) {
      if (create === undefined) throw new TypeError(`resource \`${type.name}\` has no constructor`);
      let host: object | undefined;
      const enter = (made: object): undefined => {
        host = made;
        table.enter(type, made);
        return undefined;
      };
      // A generated adapter (`--autodrop-borrows`) constructs the object itself; it is entered all the same.
      const invoke = create.invoke;
      const spec =
        invoke === undefined ? create : { ...create, invoke: (target: unknown, call: ImportCall) => enter(invoke(target, call) as object) };
      runHost(owner, spec, args, (lifted) => enter(Reflect.construct(construct, lifted) as object), construct);
      hosts.set(this, host!);
      adapters.set(host!, this);
    }
  }
  const hostOf = (adapter: unknown): object => {
    const host = isObject(adapter) ? hosts.get(adapter) : undefined;
    if (host === undefined) throw new TypeError(`not a \`${type.label}\` of this instance`);
    // The host may have deleted the entry while the guest still held it: a use after free, refused.
    table.assertUsable(type, host);
    return host;
  };
  for (const [jcoName, spec] of Object.entries(members.methods ?? {})) {
    const method = function (this: unknown, ...args: unknown[]): unknown {
      const host = hostOf(this) as Record<string, unknown>;
      return runHost(owner, spec, args, (lifted) => Reflect.apply(hostMember(host, spec), host, lifted), host);
    };
    Object.defineProperty(Adapter.prototype, jcoName, { value: method, writable: true, configurable: true });
  }
  for (const [jcoName, spec] of Object.entries(members.statics ?? {})) {
    // A class's `prototype` cannot be replaced: a static of that name is unreachable through jco.
    if (jcoName === "prototype") continue;
    hostMember(statics, spec);
    const fn = (...args: unknown[]): unknown =>
      runHost(owner, spec, args, (lifted) => Reflect.apply(hostMember(statics, spec), statics, lifted), statics);
    Object.defineProperty(Adapter, jcoName, { value: fn, writable: true, configurable: true });
  }
  const dropName = `${type.name}#[drop]`;
  Object.defineProperty(Adapter.prototype, Symbol.dispose, {
    value(this: object): void {
      // jco drops the guest's own handle: the entry is deleted (its destructor runs unless the host deleted
      // it first; a parent with children or a lent entry fails, and the guest traps), and a later return of
      // the host object gets a fresh adapter.
      const host = hosts.get(this);
      if (host === undefined) return;
      owner.gate.runImport(dropName, () => table.drop(type, host));
      hosts.delete(this);
      if (adapters.get(host) === this) adapters.delete(host);
    },
    writable: true,
    configurable: true,
  });
  owner.defineHostBridge(type, {
    adapter: Adapter,
    toGuest(host, own) {
      if (own) table.enter(type, host);
      let adapter = adapters.get(host);
      if (adapter === undefined) {
        adapter = Object.create(Adapter.prototype) as object;
        hosts.set(adapter, host);
        adapters.set(host, adapter);
      }
      return adapter;
    },
    fromGuest(adapter, borrow) {
      const host = hostOf(adapter);
      if (borrow) table.lendForImport(host);
      return host;
    },
  });
  return Adapter;
}
