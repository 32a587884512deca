/**
 * Code generation, direct calls' fast forms: the synchronous form of one exported function written out as its
 * own function literal (`DirectTarget.fast`, whose shape `FastCall` in `runtime/direct-calls.ts` shows), for
 * functions whose values are numbers, bools, strings and records of them. Consumes the function's WIT types
 * (through the model) and whether it has a post-return; produces the literal's text, one line as the printer
 * wants, or undefined when a type is not covered (the function then takes the generic synchronous path).
 *
 * Written out, each argument is checked inline, each record field read once by name, each string lowered
 * straight into the guest's memory, the core function called with its flat values at a call site of its own,
 * and the result lifted field by field at offsets known here: no arrays of flat values, no codec objects, no
 * closures per call. The canonical ABI's rules stay those of the generic path: lowering, the call and lifting
 * inside the gate, post-return after lifting (also when lifting throws), a throw anywhere a trap.
 */
import type { StringEncoding } from "../wit/decoding/canonical-options.js";
import type { Resolve, Type } from "../wit/model.js";
import { jcoFieldName } from "./type-expr.js";

/** The types a fast form covers. */
type FastType =
  | { readonly kind: "number"; readonly name: NumberName }
  | { readonly kind: "string" }
  | { readonly kind: "record"; readonly fields: readonly (readonly [string, FastType])[] };

type NumberName =
  "bool" | "u8" | "s8" | "u16" | "s16" | "u32" | "s32" | "u64" | "s64" | "f32" | "f64";

const NUMBERS: Readonly<Record<NumberName, { size: number; load: string }>> = {
  bool: { size: 1, load: "getUint8" },
  u8: { size: 1, load: "getUint8" },
  s8: { size: 1, load: "getInt8" },
  u16: { size: 2, load: "getUint16" },
  s16: { size: 2, load: "getInt16" },
  u32: { size: 4, load: "getUint32" },
  s32: { size: 4, load: "getInt32" },
  u64: { size: 8, load: "getBigUint64" },
  s64: { size: 8, load: "getBigInt64" },
  f32: { size: 4, load: "getFloat32" },
  f64: { size: 8, load: "getFloat64" },
};

const MAX_FLAT_PARAMS = 16;
/** Records nest at most this deep in a fast form (deeper ones take the generic path). */
const MAX_DEPTH = 4;

function fastTypeOf(resolve: Resolve, type: Type, depth = 0): FastType | undefined {
  if (typeof type === "string") {
    if (type === "string") return { kind: "string" };
    return type in NUMBERS ? { kind: "number", name: type as NumberName } : undefined;
  }
  const kind = resolve.types[type.id]!.kind;
  if (kind.kind === "type") return fastTypeOf(resolve, kind.type, depth);
  if (kind.kind !== "record" || depth >= MAX_DEPTH) return undefined;
  const fields: (readonly [string, FastType])[] = [];
  for (const field of kind.fields) {
    const inner = fastTypeOf(resolve, field.type, depth + 1);
    if (inner === undefined) return undefined;
    fields.push([jcoFieldName(field.name), inner]);
  }
  return fields.length === 0 ? undefined : { kind: "record", fields };
}

function flatCount(type: FastType): number {
  switch (type.kind) {
    case "number":
      return 1;
    case "string":
      return 2;
    case "record":
      return type.fields.reduce((sum, [, field]) => sum + flatCount(field), 0);
    default: {
      const never: never = type;
      return never;
    }
  }
}

/** Size and alignment (CanonicalABI.md, "Element Size" and "Alignment"). */
function layout(type: FastType): { readonly size: number; readonly align: number } {
  switch (type.kind) {
    case "number": {
      const size = NUMBERS[type.name].size;
      return { size, align: size };
    }
    case "string":
      return { size: 8, align: 4 };
    case "record": {
      let size = 0;
      let align = 1;
      for (const [, field] of type.fields) {
        const inner = layout(field);
        size = alignTo(size, inner.align) + inner.size;
        align = Math.max(align, inner.align);
      }
      return { size: alignTo(size, align), align };
    }
    default: {
      const never: never = type;
      return never;
    }
  }
}

function alignTo(offset: number, align: number): number {
  return Math.ceil(offset / align) * align;
}

function key(name: string): string {
  return JSON.stringify(name);
}

/** Statements that check one argument (or field) and return through the slow path when it fails. */
interface Lowering {
  /**
   * Records' checks and every field read, before any other check: each field is read once, and no getter runs
   * between the checks and the gate.
   */
  readonly reads: string[];
  /** Checks, before the gate is entered. */
  readonly checks: string[];
  /**
   * Conditions under which the call takes the slow path, not yet written: consecutive ones become one `if`
   * with one `return` (each `return d.slow(core, [...])` is about 20 bytes of bytecode, and a fast form larger
   * than the engine's limit for inlining, 460 bytes on Node 20, is called rather than inlined into its caller).
   */
  readonly refusals: string[];
  /** Statements inside the call, before the core function is called (strings are lowered here). */
  readonly lowers: string[];
  /** The core function's flat arguments. */
  readonly flat: string[];
  /** Whether anything needs the guest's memory. */
  memory: boolean;
  /** Whether strings are UTF-8 (lowered by `m.lowerUtf8`). */
  readonly utf8: boolean;
}

/** Writes the pending refusals as one check (in their order: `||` stops at the first that holds). */
function flushRefusals(out: Lowering, slow: string): void {
  if (out.refusals.length === 0) return;
  out.checks.push(`if (${out.refusals.join(" || ")}) return ${slow};`);
  out.refusals.length = 0;
}

function lowerValue(type: FastType, name: string, slow: string, out: Lowering): void {
  switch (type.kind) {
    case "number":
      // Bools and numbers go to wasm as they are: its ToInt32 makes `true` 1 and wraps u32, its ToBigInt64
      // wraps u64, as the canonical ABI does.
      out.refusals.push(`!is.${type.name}(${name})`);
      out.flat.push(name);
      return;
    case "string":
      // Checked before the gate (a lone surrogate is refused by the slow path, which names it, before the
      // guest's realloc runs); UTF-8, the common encoding, has a lowering of its own, small enough for the
      // engine to inline.
      out.refusals.push(`!is.string(${name})`);
      out.lowers.push(`const ${name}p = m.${out.utf8 ? "lowerUtf8" : "lowerString"}(${name});`);
      out.lowers.push(`const ${name}n = m.written;`);
      out.flat.push(`${name}p`, `${name}n`);
      out.memory = true;
      return;
    case "record": {
      out.reads.push(`if (typeof ${name} !== "object" || ${name} === null) return ${slow};`);
      const fields = type.fields.map((_, index) => `${name}_${index}`);
      // Each field read once, by name: a getter is not run twice.
      out.reads.push(
        `const ${type.fields
          .map(
            ([field], index) =>
              `${fields[index]} = (${name} as Record<string, unknown>)[${key(field)}]`,
          )
          .join(", ")};`,
      );
      type.fields.forEach(([, field], index) => lowerValue(field, fields[index]!, slow, out));
      return;
    }
    default: {
      const never: never = type;
      return never;
    }
  }
}

/**
 * The expression that loads a value of `type` at `at` (an expression) from the view `w`; `lift` is the memory's
 * method that lifts a string.
 */
function loadValue(type: FastType, at: string, lift: string): string {
  switch (type.kind) {
    case "number": {
      // A 64-bit integer is read from a typed array: the return area is aligned to its record's alignment (8,
      // when it holds one) and the field's offset is a multiple of 8, so `at` is too.
      if (type.name === "u64" || type.name === "s64") return `m.${type.name}[(${at}) >>> 3]`;
      const { size, load } = NUMBERS[type.name];
      const read = `w.${load}(${at}${size === 1 ? "" : ", true"})`;
      return type.name === "bool" ? `${read} !== 0` : read;
    }
    case "string":
      return `m.${lift}(w.getUint32(${at}, true), w.getUint32(${at} + 4, true))`;
    case "record": {
      let offset = 0;
      const parts: string[] = [];
      const base = at;
      for (const [field, inner] of type.fields) {
        const { size, align } = layout(inner);
        offset = alignTo(offset, align);
        parts.push(
          `${key(field)}: ${loadValue(inner, offset === 0 ? base : `${base} + ${offset}`, lift)}`,
        );
        offset += size;
      }
      return `{ ${parts.join(", ")} }`;
    }
    default: {
      const never: never = type;
      return never;
    }
  }
}

/** The expression that lifts a result of one flat value `r`. */
function liftFlat(type: FastType): string {
  switch (type.kind) {
    case "number":
      return `lift.${type.name}(r)`;
    case "string":
      throw new Error("a string is two flat values");
    case "record":
      // One flat value: exactly one field, down to a number.
      return `{ ${key(type.fields[0]![0])}: ${liftFlat(type.fields[0]![1])} }`;
    default: {
      const never: never = type;
      return never;
    }
  }
}

/**
 * The fast form of a function with `params` and `result`, or undefined when a type is not covered or its
 * parameters spill to memory. `postReturn`: whether its canonical options name a post-return; `encoding`: their
 * string encoding.
 */
export function fastForm(
  resolve: Resolve,
  params: readonly Type[],
  result: Type | undefined,
  postReturn: boolean,
  encoding: StringEncoding,
): string | undefined {
  const types: FastType[] = [];
  for (const param of params) {
    const type = fastTypeOf(resolve, param);
    if (type === undefined) return undefined;
    types.push(type);
  }
  const resultType = result === undefined ? undefined : fastTypeOf(resolve, result);
  if (result !== undefined && resultType === undefined) return undefined;
  if (types.reduce((sum, type) => sum + flatCount(type), 0) > MAX_FLAT_PARAMS) return undefined;
  const names = types.map((_, index) => `p${index}`);
  const slow = `d.slow(core, [${names.join(", ")}])`;
  const lowering: Lowering = {
    reads: [],
    checks: [],
    refusals: [],
    lowers: [],
    flat: [],
    memory: false,
    utf8: encoding === "utf8",
  };
  types.forEach((type, index) => lowerValue(type, names[index]!, slow, lowering));
  flushRefusals(lowering, slow);
  const call = `c.fn(${lowering.flat.join(", ")})`;
  // UTF-8 (the common encoding) has a lift of its own, small enough for the engine to inline.
  const liftText = encoding === "utf8" ? "liftUtf8" : "liftString";
  let lift: string[] = [];
  if (resultType !== undefined) {
    if (flatCount(resultType) === 1) lift = [`v = ${liftFlat(resultType)};`];
    else {
      const { size, align } = layout(resultType);
      // More than one flat result: the core function returns a pointer to them (its return area).
      lift = [`const q = m.area(r, ${align}, ${size});`, "const w = m.view;"];
      lift.push(`v = ${loadValue(resultType, "q", liftText)};`);
      lowering.memory = true;
    }
  }
  const usesNumberLift = resultType !== undefined && flatCount(resultType) === 1;
  const body: string[] = [
    `(d, ${lowering.checks.length === 0 ? "_is" : "is"}, ${usesNumberLift ? "lift" : "_lift"}) => ` +
      `(${["core", ...names].join(", ")}) => {`,
    ...lowering.reads,
    ...lowering.checks,
    "const c = d.enter(core);",
    ...(lowering.memory ? ["const m = c.memory;"] : []),
    ...(resultType === undefined ? [] : ["let v: unknown;"]),
  ];
  if (postReturn) {
    // One `try` for the whole call; `s` tells its `catch` how far the call got (see `FastCall.fail`).
    body.push("let s = 0;", "let r: unknown;", "let o: object | undefined;", "try {");
    body.push(...lowering.lowers, `r = ${call};`, "s = 1;", ...lift);
    body.push("s = 2;", "o = d.forbid(core);", "c.postReturn(r);", "d.allow(o);");
    body.push("} catch (error) {", "throw d.fail(core, error, s, r, o);", "}");
  } else {
    body.push("try {", ...lowering.lowers);
    body.push(resultType !== undefined ? `const r = ${call};` : `${call};`, ...lift);
    body.push("} catch (error) {", "throw d.trap(core, error);", "}");
  }
  // Every path returns (`return d.leave(core)` without a result): an app's `noImplicitReturns` stays quiet.
  body.push(
    ...(resultType === undefined ? ["return d.leave(core);"] : ["d.leave(core);", "return v;"]),
  );
  body.push("}");
  return body.join(" ");
}
