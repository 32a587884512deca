/**
 * Differential testing of direct calls: value types described once, as WIT text for the guest and as random
 * value generators for the calls, and a loader that generates an SDK from a component binary (so with direct
 * calls) and instantiates it twice, once calling core exports directly and once through jco. Consumes a seed
 * and a component; produces random arguments (edge values weighted in: 0, -1, the limits, NaN payloads,
 * -0, empty and non-ASCII strings, lone surrogates, empty and large lists), outcomes of calls, and a
 * comparison of outcomes that sees NaN as NaN and typed arrays element by element.
 */
import { writeFile, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { generateSdk } from "../../../src/index.js";
import { writeSdkAsJs } from "../fixtures/sdk-support/sdk.js";
import { createTempDir } from "./temp-dirs.js";
import { loadCoreModuleFactory } from "./components.js";

/** A WIT type in a small tree form: the WIT text and the generators are made from it. */
export type TestType =
  | "bool"
  | "u8"
  | "u16"
  | "u32"
  | "u64"
  | "s8"
  | "s16"
  | "s32"
  | "s64"
  | "f32"
  | "f64"
  | "char"
  | "string"
  | { readonly list: TestType }
  | { readonly fixed: TestType; readonly size: number }
  | { readonly record: string; readonly fields: readonly (readonly [string, TestType])[] }
  | { readonly tuple: readonly TestType[] }
  | { readonly variant: string; readonly cases: readonly (readonly [string, TestType | null])[] }
  | { readonly enum: string; readonly cases: readonly string[] }
  | { readonly flags: string; readonly names: readonly string[] }
  | { readonly option: TestType }
  | { readonly result: readonly [TestType | null, TestType | null] };

/** WIT for a type; named types are declared into `decls` once. */
export function witType(type: TestType, decls: Map<string, string>): string {
  if (typeof type === "string") return type;
  if ("list" in type) return `list<${witType(type.list, decls)}>`;
  if ("fixed" in type) return `list<${witType(type.fixed, decls)}, ${type.size}>`;
  if ("tuple" in type) return `tuple<${type.tuple.map((t) => witType(t, decls)).join(", ")}>`;
  if ("option" in type) return `option<${witType(type.option, decls)}>`;
  if ("result" in type) {
    const [ok, err] = type.result;
    if (ok === null && err === null) return "result";
    if (err === null) return `result<${witType(ok!, decls)}>`;
    return `result<${ok === null ? "_" : witType(ok, decls)}, ${witType(err, decls)}>`;
  }
  if ("record" in type) {
    if (!decls.has(type.record)) {
      decls.set(type.record, "");
      decls.set(
        type.record,
        `record ${type.record} { ${type.fields.map(([n, t]) => `${n}: ${witType(t, decls)}`).join(", ")} }`,
      );
    }
    return type.record;
  }
  if ("variant" in type) {
    if (!decls.has(type.variant)) {
      decls.set(type.variant, "");
      const cases = type.cases.map(([n, t]) => (t === null ? n : `${n}(${witType(t, decls)})`));
      decls.set(type.variant, `variant ${type.variant} { ${cases.join(", ")} }`);
    }
    return type.variant;
  }
  if ("enum" in type) {
    decls.set(type.enum, `enum ${type.enum} { ${type.cases.join(", ")} }`);
    return type.enum;
  }
  decls.set(type.flags, `flags ${type.flags} { ${type.names.join(", ")} }`);
  return type.flags;
}

/** A small seeded generator (mulberry32): the same seed gives the same calls. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function lowerCamel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

const INTEGERS: Readonly<Record<string, readonly [number, number]>> = {
  u8: [0, 255],
  u16: [0, 65535],
  u32: [0, 4294967295],
  s8: [-128, 127],
  s16: [-32768, 32767],
  s32: [-2147483648, 2147483647],
};

const TYPED: Readonly<
  Record<string, new (length: number) => { [index: number]: number | bigint; length: number }>
> = {
  u8: Uint8Array,
  s8: Int8Array,
  u16: Uint16Array,
  s16: Int16Array,
  u32: Uint32Array,
  s32: Int32Array,
  u64: BigUint64Array as never,
  s64: BigInt64Array as never,
  f32: Float32Array,
  f64: Float64Array,
};

const STRINGS = [
  "",
  "a",
  "hello, world!",
  "héllo wörld",
  "✓ done",
  "😀 emoji",
  "\u{10ffff}",
  "\u00ff\u00e9",
  "\0nul",
];
const LONE = ["\ud800", "a\udc00b", "\udbff\udfff\ud800"];

/** A random value of `type` in the SDK's shapes; `random` drives every choice. */
export function randomValue(type: TestType, random: () => number, depth = 0): unknown {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const edge = random() < 0.3;
  if (typeof type === "string") {
    switch (type) {
      case "bool":
        return random() < 0.5;
      case "u64":
      case "s64": {
        const bits =
          (BigInt(Math.floor(random() * 2 ** 32)) << 32n) | BigInt(Math.floor(random() * 2 ** 32));
        if (type === "u64") return edge ? pick([0n, 1n, 2n ** 64n - 1n, 2n ** 63n]) : bits;
        return edge ? pick([0n, -1n, 2n ** 63n - 1n, -(2n ** 63n)]) : BigInt.asIntN(64, bits);
      }
      case "f32": {
        if (edge) return pick([0, -0, Infinity, -Infinity, NaN, 1.5, Math.fround(3.4e38), 1e-45]);
        const view = new DataView(new ArrayBuffer(4));
        view.setUint32(0, Math.floor(random() * 2 ** 32));
        return view.getFloat32(0);
      }
      case "f64": {
        if (edge)
          return pick([0, -0, Infinity, -Infinity, NaN, Number.MAX_VALUE, Number.MIN_VALUE, 0.1]);
        const view = new DataView(new ArrayBuffer(8));
        view.setUint32(0, Math.floor(random() * 2 ** 32));
        view.setUint32(4, Math.floor(random() * 2 ** 32));
        return view.getFloat64(0);
      }
      case "char": {
        if (edge)
          return String.fromCodePoint(
            pick([0, 0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xffff, 0x10000, 0x10ffff]),
          );
        let code = Math.floor(random() * 0x110000);
        if (code >= 0xd800 && code <= 0xdfff) code -= 0x800;
        return String.fromCodePoint(code);
      }
      case "string": {
        if (random() < 0.6) return pick(STRINGS);
        if (random() < 0.3) return pick(LONE);
        const length = random() < 0.1 ? 2000 : Math.floor(random() * 40);
        let out = "";
        for (let index = 0; index < length; index++) {
          out +=
            random() < 0.8
              ? String.fromCharCode(32 + Math.floor(random() * 95))
              : String.fromCodePoint(Math.floor(random() * 0xd000));
        }
        return out;
      }
      default: {
        const [min, max] = INTEGERS[type]!;
        if (edge) return pick([0, min, max, min < 0 ? -1 : 1]);
        return min + Math.floor(random() * (max - min + 1));
      }
    }
  }
  if ("list" in type) {
    const element = type.list;
    const typed = typeof element === "string" ? TYPED[element] : undefined;
    const length =
      depth > 2
        ? 0
        : random() < 0.15
          ? 0
          : random() < 0.05
            ? typed !== undefined
              ? 70_000
              : 50
            : Math.floor(random() * 5);
    if (typed !== undefined) {
      const array = new typed(length);
      // Random bytes: every bit pattern, NaN payloads included for floats.
      const bytes = new Uint8Array((array as unknown as { buffer: ArrayBuffer }).buffer);
      for (let index = 0; index < bytes.length; index++) bytes[index] = Math.floor(random() * 256);
      return array;
    }
    return Array.from({ length }, () => randomValue(element, random, depth + 1));
  }
  if ("fixed" in type)
    return Array.from({ length: type.size }, () => randomValue(type.fixed, random, depth + 1));
  if ("tuple" in type) return type.tuple.map((t) => randomValue(t, random, depth + 1));
  if ("record" in type) {
    const out: Record<string, unknown> = {};
    for (const [name, field] of type.fields)
      out[lowerCamel(name)] = randomValue(field, random, depth + 1);
    return out;
  }
  if ("variant" in type) {
    const [tag, payload] = pick(type.cases);
    return payload === null ? { tag } : { tag, val: randomValue(payload, random, depth + 1) };
  }
  if ("enum" in type) return pick(type.cases);
  if ("flags" in type) {
    const out: Record<string, boolean> = {};
    // A member left out reads as false.
    for (const name of type.names) if (random() < 0.7) out[lowerCamel(name)] = random() < 0.5;
    return out;
  }
  if ("option" in type) {
    const nested = typeof type.option === "object" && "option" in type.option;
    if (random() < 0.3) return nested ? { tag: "none" } : undefined;
    const val = randomValue(type.option, random, depth + 1);
    return nested ? { tag: "some", val } : val;
  }
  const [ok, err] = type.result;
  return random() < 0.5
    ? { tag: "ok", val: ok === null ? undefined : randomValue(ok, random, depth + 1) }
    : { tag: "err", val: err === null ? undefined : randomValue(err, random, depth + 1) };
}

/** What a call gave: a value, or an error by class (and message or payload where those must agree). */
export type Outcome =
  | { readonly kind: "value"; readonly value: unknown }
  | { readonly kind: "error"; readonly name: string; readonly detail: unknown };

export async function outcomeOf(call: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { kind: "value", value: await call() };
  } catch (error) {
    const e = error as { name?: string; message?: string; payload?: unknown };
    const name = e?.name ?? typeof error;
    // Traps carry the engine's or the ABI's own words; what matters is that both are traps.
    const detail =
      name === "ResultError"
        ? e.payload
        : name === "TrapError" || name === "InstancePoisonedError"
          ? undefined
          : e?.message;
    return { kind: "error", name, detail };
  }
}

/** Deep equality for call outcomes: NaN equals NaN, -0 differs from 0, typed arrays compare element-wise. */
export function same(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return Object.is(a, b);
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return a === b;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.constructor !== b.constructor)
      return false;
    const x = a as unknown as ArrayLike<unknown>;
    const y = b as unknown as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let index = 0; index < x.length; index++) if (!same(x[index], y[index])) return false;
    return true;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = (o: object): string[] =>
    Object.keys(o)
      .filter((k) => (o as Record<string, unknown>)[k] !== undefined)
      .sort();
  const ka = keys(a);
  const kb = keys(b);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) =>
    same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}

/** A short rendering of a value for failure messages. */
export function show(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) =>
      typeof v === "bigint"
        ? `${v}n`
        : typeof v === "number" && !Number.isFinite(v)
          ? String(v)
          : ArrayBuffer.isView(v)
            ? `${v.constructor.name}(${(v as unknown as ArrayLike<unknown>).length})`
            : v,
    )?.slice(0, 400) ?? String(value)
  );
}

/** An SDK generated from a component binary, instantiated twice: with direct calls and through jco. */
export interface DifferentialPair {
  readonly direct: Record<string, unknown>;
  readonly viaJco: Record<string, unknown>;
  /** What `gen` reported: how many functions are direct. */
  readonly report: {
    readonly total: number;
    readonly direct: number;
    readonly viaJco: readonly (readonly [string, string])[];
  };
  /** The generated files (to look at what was emitted). */
  readonly files: ReadonlyMap<string, string>;
}

/**
 * Generates the SDK of `bytes` (as `wit-ts gen x.wasm` does) and instantiates it twice with `imports`;
 * `options` adds instantiation options of each instance's own (a host per instance, a stdout sink).
 */
export async function loadPair(
  name: string,
  bytes: Uint8Array,
  imports: object,
  options?: (path: "direct" | "jco") => object,
): Promise<DifferentialPair> {
  const dir = await createTempDir(`direct-${name}`);
  const input = join(dir, `${name}.wasm`);
  await writeFile(input, bytes);
  const result = await generateSdk({ input });
  if (result.diagnostics.length > 0)
    throw new Error(result.diagnostics.map((d) => d.message).join("\n"));
  const out = join(dir, "sdk");
  for (const file of result.files) {
    if (typeof file.content === "string" && file.path.endsWith(".ts")) continue;
    await mkdir(dirname(join(out, file.path)), { recursive: true });
    await writeFile(join(out, file.path), file.content);
  }
  const entry = await writeSdkAsJs(result.files, out);
  const sdk = (await import(pathToFileURL(entry).href)) as {
    instantiate(options: object): Promise<Record<string, unknown>>;
  };
  const getCoreModule = loadCoreModuleFactory(join(out, "component"));
  const direct = await sdk.instantiate({
    imports,
    getCoreModule,
    restart: true,
    directCalls: true,
    ...options?.("direct"),
  });
  const viaJco = await sdk.instantiate({
    imports,
    getCoreModule,
    restart: true,
    directCalls: false,
    ...options?.("jco"),
  });
  const files = new Map(
    result.files
      .filter((f) => typeof f.content === "string")
      .map((f) => [f.path, f.content as string]),
  );
  return { direct, viaJco, report: result.directCalls!, files };
}

/** The flat core types of a test type (CanonicalABI.md `flatten_type`), enough to see joined slots. */
function flat(type: TestType): string[] {
  if (typeof type === "string") {
    if (type === "u64" || type === "s64") return ["i64"];
    if (type === "f32" || type === "f64") return [type];
    if (type === "string") return ["i32", "i32"];
    return ["i32"];
  }
  if ("list" in type) return ["i32", "i32"];
  if ("fixed" in type) return Array.from({ length: type.size }, () => flat(type.fixed)).flat();
  if ("tuple" in type) return type.tuple.flatMap(flat);
  if ("record" in type) return type.fields.flatMap(([, t]) => flat(t));
  if ("enum" in type) return ["i32"];
  if ("flags" in type)
    return Array.from({ length: Math.ceil(type.names.length / 32) }, () => "i32");
  const cases: (TestType | null)[] =
    "variant" in type
      ? type.cases.map(([, t]) => t)
      : "option" in type
        ? [null, type.option]
        : [type.result[0], type.result[1]];
  const joined: string[] = [];
  for (const c of cases) {
    if (c === null) continue;
    flat(c).forEach((t, i) => {
      const have = joined[i];
      joined[i] =
        have === undefined || have === t
          ? t
          : (have === "i32" && t === "f32") || (have === "f32" && t === "i32")
            ? "i32"
            : "i64";
    });
  }
  return ["i32", ...joined];
}

/**
 * jco 1.35 coerces a variant payload into a wider shared flat slot unlike the canonical ABI (`lower_flat_variant`):
 * an `s8`/`s16`/`s32` goes into an `i64` slot sign-extended (`BigInt(toInt32(x))`) where the ABI zero-extends,
 * and an `f32` or `f64` sharing an `i32`/`i64` slot is not passed as its bits; a guest that reads the slot by the
 * ABI's rules (componentize-js does) then sees another number. True when `value` of `type` holds such a payload:
 * there the direct path is checked against the canonical result (an echo's argument) instead of against jco.
 */
export function hitsJcoSignExtension(type: TestType, value: unknown): boolean {
  if (typeof type === "string" || value === undefined || value === null) return false;
  if ("list" in type || "fixed" in type) {
    return (
      Array.isArray(value) &&
      value.some((v) => hitsJcoSignExtension("list" in type ? type.list : type.fixed, v))
    );
  }
  if ("tuple" in type)
    return type.tuple.some((t, i) => hitsJcoSignExtension(t, (value as unknown[])[i]));
  if ("record" in type) {
    return type.fields.some(([n, t]) =>
      hitsJcoSignExtension(t, (value as Record<string, unknown>)[lowerCamel(n)]),
    );
  }
  if ("enum" in type || "flags" in type) return false;
  let payloadType: TestType | null;
  let payload: unknown;
  if ("variant" in type) {
    const v = value as { tag: string; val?: unknown };
    payloadType = type.cases.find(([tag]) => tag === v.tag)?.[1] ?? null;
    payload = v.val;
  } else if ("option" in type) {
    const nested = typeof type.option === "object" && "option" in type.option;
    payloadType = type.option;
    payload = nested ? (value as { tag: string; val?: unknown }).val : value;
    if (nested && (value as { tag: string }).tag === "none") return false;
  } else {
    const v = value as { tag: string; val?: unknown };
    payloadType = v.tag === "ok" ? type.result[0] : type.result[1];
    payload = v.val;
  }
  if (payloadType === null) return false;
  const joined = flat(type).slice(1);
  const own = flat(payloadType);
  const negatives = (t: TestType, v: unknown, at: number): boolean => {
    if (typeof t === "string") {
      if (joined[at] === own[at]) return false;
      return (
        t === "f32" ||
        t === "f64" ||
        ((t === "s8" || t === "s16" || t === "s32") && (v as number) < 0)
      );
    }
    if ("record" in t) {
      let i = at;
      return t.fields.some(([n, ft]) => {
        const hit = negatives(ft, (v as Record<string, unknown>)[lowerCamel(n)], i);
        i += flat(ft).length;
        return hit;
      });
    }
    if ("tuple" in t) {
      let i = at;
      return t.tuple.some((tt, k) => {
        const hit = negatives(tt, (v as unknown[])[k], i);
        i += flat(tt).length;
        return hit;
      });
    }
    return false;
  };
  return negatives(payloadType, payload, 0) || hitsJcoSignExtension(payloadType, payload);
}

/** What an echo of `value` gives back: flags members left out read as false, `f32`s are rounded, lone surrogates replaced. */
export function canonicalValue(type: TestType, value: unknown): unknown {
  if (typeof type === "string") {
    if (type === "f32") return Math.fround(value as number);
    // A UTF-8 guest cannot hold a lone surrogate: it comes back as U+FFFD.
    if (type === "string")
      return new TextDecoder().decode(new TextEncoder().encode(value as string));
    return value;
  }
  if (value === undefined || value === null) return value;
  if ("list" in type)
    return Array.isArray(value) ? value.map((v) => canonicalValue(type.list, v)) : value;
  if ("fixed" in type) return (value as unknown[]).map((v) => canonicalValue(type.fixed, v));
  if ("tuple" in type) return type.tuple.map((t, i) => canonicalValue(t, (value as unknown[])[i]));
  if ("record" in type) {
    const out: Record<string, unknown> = {};
    for (const [n, t] of type.fields)
      out[lowerCamel(n)] = canonicalValue(t, (value as Record<string, unknown>)[lowerCamel(n)]);
    return out;
  }
  if ("enum" in type) return value;
  if ("flags" in type) {
    const out: Record<string, boolean> = {};
    for (const n of type.names)
      out[lowerCamel(n)] = (value as Record<string, unknown>)[lowerCamel(n)] === true;
    return out;
  }
  if ("variant" in type) {
    const v = value as { tag: string; val?: unknown };
    const t = type.cases.find(([tag]) => tag === v.tag)?.[1] ?? null;
    return t === null ? { tag: v.tag } : { tag: v.tag, val: canonicalValue(t, v.val) };
  }
  if ("option" in type) {
    const nested = typeof type.option === "object" && "option" in type.option;
    if (!nested) return canonicalValue(type.option, value);
    const v = value as { tag: string; val?: unknown };
    return v.tag === "none" ? v : { tag: "some", val: canonicalValue(type.option, v.val) };
  }
  const v = value as { tag: string; val?: unknown };
  const t = v.tag === "ok" ? type.result[0] : type.result[1];
  return { tag: v.tag, val: t === null ? undefined : canonicalValue(t, v.val) };
}

/** Whether a guest defect applies: surely, not at all, or depending on a NaN's sign bit (not kept across calls). */
export type Verdict = "yes" | "maybe" | "no";

function worst(a: Verdict, b: Verdict): Verdict {
  if (a === "yes" || b === "yes") return "yes";
  return a === "maybe" || b === "maybe" ? "maybe" : "no";
}

/**
 * A componentize-js 0.22 guest traps (`unreachable`) when it hands its engine a negative 64-bit integer for a
 * core `i64` it passes out (an import's argument, a flat result): its engine takes only 0 to 2^64 - 1 there.
 * Its bindings (jco's, generated into the guest) make one from a negative `s64`, and, in a variant's `i64` slot
 * shared with wider cases, from a negative `s8`/`s16`/`s32` (`BigInt(toInt32(x))`, sign-extended) and from a
 * float whose sign bit is set (reinterpreted as a signed integer). True ("yes") when the guest, passing `value`
 * of `type` on to an import as flat arguments, does that: the guest then traps before the import runs, whatever
 * the host lowered. `value` is what the guest holds (the canonical value, as the direct path passes it).
 */
export function guestPassesNegativeI64(type: TestType, value: unknown): Verdict {
  return negativeI64(type, value, flat(type));
}

/** {@link guestPassesNegativeI64} for `value` whose flat values travel in `slots` (joined by enclosing variants). */
function negativeI64(type: TestType, value: unknown, slots: readonly string[]): Verdict {
  if (typeof type === "string") {
    switch (type) {
      case "s64":
        return (value as bigint) < 0n ? "yes" : "no";
      case "s8":
      case "s16":
      case "s32":
        return slots[0] === "i64" && (value as number) < 0 ? "yes" : "no";
      case "f32":
      case "f64": {
        if (slots[0] !== "i64") return "no";
        const x = value as number;
        if (Number.isNaN(x)) return "maybe";
        return x < 0 || Object.is(x, -0) ? "yes" : "no";
      }
      default:
        return "no";
    }
  }
  if ("list" in type || "enum" in type || "flags" in type) return "no";
  const fields = (types: readonly TestType[], values: readonly unknown[]): Verdict => {
    let at = 0;
    let verdict: Verdict = "no";
    types.forEach((t, i) => {
      const width = flat(t).length;
      verdict = worst(verdict, negativeI64(t, values[i], slots.slice(at, at + width)));
      at += width;
    });
    return verdict;
  };
  if ("fixed" in type)
    return fields(
      Array.from({ length: type.size }, () => type.fixed),
      value as readonly unknown[],
    );
  if ("tuple" in type) return fields(type.tuple, value as readonly unknown[]);
  if ("record" in type) {
    const record = value as Record<string, unknown>;
    return fields(
      type.fields.map(([, t]) => t),
      type.fields.map(([n]) => record[lowerCamel(n)]),
    );
  }
  let payloadType: TestType | null;
  let payload: unknown;
  if ("variant" in type) {
    const v = value as { tag: string; val?: unknown };
    payloadType = type.cases.find(([tag]) => tag === v.tag)?.[1] ?? null;
    payload = v.val;
  } else if ("option" in type) {
    const nested = typeof type.option === "object" && "option" in type.option;
    if (nested ? (value as { tag: string }).tag === "none" : value === undefined) return "no";
    payloadType = type.option;
    payload = nested ? (value as { val?: unknown }).val : value;
  } else {
    const v = value as { tag: string; val?: unknown };
    payloadType = v.tag === "ok" ? type.result[0] : type.result[1];
    payload = v.val;
  }
  if (payloadType === null) return "no";
  return negativeI64(payloadType, payload, slots.slice(1, 1 + flat(payloadType).length));
}
