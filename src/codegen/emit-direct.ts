/**
 * Code generation, direct calls: which guest exports the SDK calls directly with its own canonical ABI, and
 * how. Consumes the model and the canonical options read from the component binary
 * (`wit/decoding/canonical-options.ts`); produces, per exported function, either a `DirectTarget` literal for
 * `runtime/direct-calls.ts` (the core export, memory, realloc, post-return, string encoding, and the value
 * types as `AbiType` trees with jco's JavaScript names) or the reason it goes through jco, and the report
 * `wit-ts gen` prints (`calls: N of M functions direct`).
 *
 * Covered: synchronous functions whose types hold no handles, futures, streams, error contexts or maps. The
 * imports the component lowers are lowered by the SDK too (`DirectImport` literals for
 * `runtime/direct-imports.ts`) where their types allow. Synchronous imports it cannot lower (resource functions,
 * handles) keep jco's trampolines (`JcoImport` literals), which `gen` patches so that they may be called
 * outside jco's tasks (`jco-untasked-imports.ts`). When an import can be neither (async, streams, futures), no
 * export of the component is called directly.
 */
import type {
  CanonicalOptions,
  ComponentCanon,
  CoreExportRef,
} from "../wit/decoding/canonical-options.js";
import type { Function, Resolve, Type, WorldId } from "../wit/model.js";
import { interfaceIdentifier } from "../wit/model.js";
import { fastForm } from "./emit-direct-fast.js";
import { jcoFieldName } from "./type-expr.js";
import { toLowerCamel } from "./names.js";

/** The decision for one exported function. */
export type DirectDecision =
  | { readonly kind: "direct"; readonly target: string }
  | { readonly kind: "jco"; readonly reason: string };

/** What `gen` reports about direct calls. */
export interface DirectCallReport {
  readonly total: number;
  readonly direct: number;
  /** Functions that go through jco, by WIT name, with the reason. */
  readonly viaJco: readonly (readonly [name: string, reason: string])[];
}

class Unsupported extends Error {
  /** Whether what is unsupported is a resource handle (jco's trampolines can still pass it). */
  readonly handle: boolean;
  constructor(message: string, handle = false) {
    super(message);
    this.handle = handle;
  }
}

function stringLiteral(text: string): string {
  return JSON.stringify(text);
}

/** The `AbiType` literal of a WIT type, or throws `Unsupported` with the reason. */
function abiType(resolve: Resolve, type: Type, depth = 0): string {
  if (depth > 100) throw new Unsupported("its types nest too deeply");
  if (typeof type === "string") {
    if (type === "error-context") throw new Unsupported("it passes an `error-context`");
    return stringLiteral(type);
  }
  const def = resolve.types[type.id]!;
  const kind = def.kind;
  const inner = (t: Type): string => abiType(resolve, t, depth + 1);
  const maybe = (t: Type | undefined): string => (t === undefined ? "null" : inner(t));
  switch (kind.kind) {
    case "type":
      return inner(kind.type);
    case "record": {
      const names = kind.fields.map((field) => stringLiteral(jcoFieldName(field.name)));
      const fields = kind.fields.map((field, index) => `[${names[index]}, ${inner(field.type)}]`);
      // Each field by name, read and written where the engine can specialise it (see `AbiType`).
      const read = `read: (r) => [${names.map((name) => `r[${name}]`).join(", ")}]`;
      const make = `make: (v) => ({ ${names.map((name, index) => `${name}: v[${index}]`).join(", ")} })`;
      return `{ kind: "record", fields: [${fields.join(", ")}], ${read}, ${make} }`;
    }
    case "tuple":
      return `{ kind: "tuple", types: [${kind.types.map(inner).join(", ")}] }`;
    case "flags":
      return `{ kind: "flags", names: [${kind.flags.map((flag) => stringLiteral(jcoFieldName(flag.name))).join(", ")}] }`;
    case "variant":
      return `{ kind: "variant", cases: [${kind.cases
        .map((c) => `[${stringLiteral(c.name)}, ${maybe(c.type)}]`)
        .join(", ")}] }`;
    case "enum":
      return `{ kind: "enum", cases: [${kind.cases.map((c) => stringLiteral(c.name)).join(", ")}] }`;
    case "option":
      return `{ kind: "option", inner: ${inner(kind.type)} }`;
    case "result":
      return `{ kind: "result", ok: ${maybe(kind.ok)}, err: ${maybe(kind.err)} }`;
    case "list":
      return `{ kind: "list", element: ${inner(kind.element)} }`;
    case "fixed-length-list":
      return `{ kind: "list", element: ${inner(kind.element)}, size: ${kind.size} }`;
    case "handle":
    case "resource":
      throw new Unsupported("it passes a resource handle", true);
    case "future":
    case "stream":
      throw new Unsupported(`it passes a \`${kind.kind}\``);
    case "map":
      throw new Unsupported("it passes a `map`");
    case "unknown":
      throw new Unsupported("a type is unresolved");
    default: {
      const never: never = kind;
      throw new Error(`unknown type kind ${JSON.stringify(never)}`);
    }
  }
}

function ref(r: CoreExportRef): string {
  return `[${r.instance}, ${stringLiteral(r.name)}]`;
}

/**
 * Decides how the SDK calls exported function `func`, named `name` as the component exports it
 * (`f`, `ns:pkg/iface@v#f`).
 */
export function decideDirect(
  resolve: Resolve,
  canon: ComponentCanon,
  name: string,
  func: Function,
): DirectDecision {
  if (func.kind.kind !== "freestanding") {
    return {
      kind: "jco",
      reason: func.kind.kind.startsWith("async") ? "it is async" : "it is a resource function",
    };
  }
  if (canon.unsupported !== undefined) return { kind: "jco", reason: canon.unsupported };
  const imports = importPlans.get(canon);
  if (imports?.kind === "blocked") return { kind: "jco", reason: imports.reason };
  const lifted = canon.exports.get(name);
  if (lifted === undefined)
    return { kind: "jco", reason: "its `canon lift` was not found in the binary" };
  if (lifted.kind === "unreachable") return { kind: "jco", reason: lifted.reason };
  const options = lifted.options;
  if (options.async) return { kind: "jco", reason: "it is lifted async" };
  let params: string[];
  let result: string | undefined;
  try {
    params = func.params.map((param) => abiType(resolve, param.type));
    result = func.result === undefined ? undefined : abiType(resolve, func.result);
  } catch (e) {
    if (e instanceof Unsupported) return { kind: "jco", reason: e.message };
    throw e;
  }
  const parts = [`core: ${ref(lifted.core)}`, ...optionParts(options)];
  parts.push(`params: [${params.join(", ")}]`);
  if (result !== undefined) parts.push(`result: ${result}`);
  // Numbers only: a call site of the function's own, which the engine binds to this one wasm function.
  const numeric = new Set(
    ["bool", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "f32", "f64"].map(
      (t) => `"${t}"`,
    ),
  );
  if (params.length <= 16 && params.every((p) => numeric.has(p))) {
    const args = params.map((_, index) => `a[${index}]`).join(", ");
    // With no parameters the arguments go unread: `_a` keeps an app's `noUnusedParameters` quiet.
    const a = params.length === 0 ? "_a" : "a";
    parts.push(
      `invoke: (f: (...args: unknown[]) => unknown, ${a}: readonly unknown[]) => f(${args})`,
    );
  }
  if (
    options.postReturn === undefined &&
    params.length <= 16 &&
    params.every((p) => numeric.has(p)) &&
    (result === undefined || numeric.has(result))
  )
    parts.push(`fast: ${fastPath(params, result)}`);
  else {
    // Strings, records, a post-return: a fast form that also lowers into and lifts from memory.
    const fast = fastForm(
      resolve,
      func.params.map((param) => param.type),
      func.result,
      options.postReturn !== undefined,
      options.encoding,
    );
    if (fast !== undefined) parts.push(`fast: ${fast}`);
  }
  return { kind: "direct", target: `{ ${parts.join(", ")} }` };
}

/**
 * The synchronous form of a function of numbers without post-return, written out (`FastCall` in
 * `runtime/direct-calls.ts` shows its shape): quick checks inlined per parameter, the core function called
 * with the arguments as they are (wasm's ToInt32/ToBigInt64 wrap u32 and u64 alike), the result lifted.
 */
function fastPath(params: readonly string[], result: string | undefined): string {
  const names = params.map((_, index) => `p${index}`);
  const typeName = (literal: string): string => JSON.parse(literal) as string;
  const checks = params.map((type, index) => `!is.${typeName(type)}(${names[index]})`).join(" || ");
  const call = `c.fn(${names.join(", ")})`;
  // Unused parameters are named `_x`: an app's `noUnusedParameters` stays quiet.
  const lines = [
    `(d, ${checks === "" ? "_is" : "is"}, ${result === undefined ? "_lift" : "lift"}) => ` +
      `(${["core", ...names].join(", ")}) => {`,
    ...(checks === "" ? [] : [`  if (${checks}) return d.slow(core, [${names.join(", ")}]);`]),
    "  const c = d.enter(core);",
    ...(result === undefined ? [] : ["  let r: unknown;"]),
    "  try {",
    `    ${result === undefined ? call : `r = ${call}`};`,
    "  } catch (error) {",
    "    throw d.trap(core, error);",
    "  }",
    // Every path returns (`return d.leave(core)` for a function without a result): an app's
    // `noImplicitReturns` stays quiet.
    ...(result === undefined
      ? ["  return d.leave(core);"]
      : ["  d.leave(core);", `  return lift.${typeName(result)}(r);`]),
    "}",
  ];
  // One line, as the printer wants (the target literal is one line already).
  return lines.map((line) => line.trim()).join(" ");
}

function optionParts(options: CanonicalOptions): string[] {
  const parts: string[] = [];
  if (options.memory !== undefined) parts.push(`memory: ${ref(options.memory)}`);
  if (options.realloc !== undefined) parts.push(`realloc: ${ref(options.realloc)}`);
  if (options.postReturn !== undefined) parts.push(`postReturn: ${ref(options.postReturn)}`);
  if (options.encoding !== "utf8") parts.push(`encoding: ${stringLiteral(options.encoding)}`);
  return parts;
}

/**
 * How the SDK lowers a component's imports: `DirectImport` literals, and `JcoImport` literals for those that
 * keep jco's trampolines; or why direct calls cannot be made at all.
 */
export type DirectImportPlan =
  | {
      readonly kind: "lowered";
      readonly literals: readonly string[];
      readonly viaJco: readonly string[];
    }
  | { readonly kind: "blocked"; readonly reason: string };

/** Plans made by {@link planDirectImports}, read by {@link decideDirect} (one per decoded component). */
const importPlans = new WeakMap<ComponentCanon, DirectImportPlan>();

/** The plan {@link planDirectImports} made for `canon`, if it ran. */
export function directImportPlan(canon: ComponentCanon): DirectImportPlan | undefined {
  return importPlans.get(canon);
}

/** Every imported function of a world by the name the component imports it under, with jco's path to it. */
function importedFunctions(
  resolve: Resolve,
  world: WorldId,
): Map<string, { readonly func: Function; readonly host: readonly [string, string] }> {
  const out = new Map<string, { func: Function; host: readonly [string, string] }>();
  for (const [key, item] of resolve.worlds[world]!.imports) {
    if (item.kind === "function")
      out.set(item.func.name, { func: item.func, host: [item.func.name, "default"] });
    else if (item.kind === "interface") {
      const ident =
        interfaceIdentifier(resolve, item.id) ?? (typeof key === "string" ? key : undefined);
      if (ident === undefined) continue;
      for (const func of resolve.interfaces[item.id]!.functions.values())
        out.set(`${ident}#${func.name}`, { func, host: [ident, toLowerCamel(func.name)] });
    }
  }
  return out;
}

/**
 * Decides how the SDK lowers the imports of a component and remembers it for {@link decideDirect}: every
 * `canon lower` must be a synchronous function of the world, lowered synchronously, or no export is called
 * directly. The SDK lowers those whose types its canonical ABI covers; the others (resource functions, handles)
 * keep jco's trampolines.
 */
export function planDirectImports(
  resolve: Resolve,
  world: WorldId,
  canon: ComponentCanon,
): DirectImportPlan {
  const known = importPlans.get(canon);
  if (known !== undefined) return known;
  const plan = makeImportPlan(resolve, world, canon);
  importPlans.set(canon, plan);
  return plan;
}

function makeImportPlan(resolve: Resolve, world: WorldId, canon: ComponentCanon): DirectImportPlan {
  const functions = importedFunctions(resolve, world);
  const literals: string[] = [];
  const viaJco: string[] = [];
  for (const lowered of canon.lowered) {
    const name = lowered.name;
    const blocked = (why: string): DirectImportPlan => ({
      kind: "blocked",
      reason: `it imports ${name === undefined ? "a function" : `\`${name}\``} the SDK does not lower (${why})`,
    });
    if (name === undefined) return blocked("its origin is not in the binary");
    const found = functions.get(name);
    if (found === undefined) return blocked("it is not a function of the world");
    if (found.func.kind.kind.startsWith("async")) return blocked("it is async");
    const options = lowered.options;
    if (typeof options === "string") return blocked(options);
    if (options.async) return blocked("it is lowered async");
    if (lowered.sites.length === 0) continue;
    const sites = lowered.sites
      .map(
        (site) => `[${site.instance}, ${stringLiteral(site.module)}, ${stringLiteral(site.name)}]`,
      )
      .join(", ");
    const keepJco = `{ name: ${stringLiteral(name)}, sites: [${sites}] }`;
    // jco lowers resource functions with its own handle tables, which its other calls share: they stay its.
    if (found.func.kind.kind !== "freestanding") {
      viaJco.push(keepJco);
      continue;
    }
    let params: string[];
    let result: string | undefined;
    try {
      params = found.func.params.map((param) => abiType(resolve, param.type));
      result = found.func.result === undefined ? undefined : abiType(resolve, found.func.result);
    } catch (e) {
      if (!(e instanceof Unsupported)) throw e;
      if (!e.handle) return blocked(e.message);
      viaJco.push(keepJco);
      continue;
    }
    const parts = [
      `name: ${stringLiteral(name)}`,
      `host: [${found.host.map(stringLiteral).join(", ")}]`,
      `sites: [${sites}]`,
      ...optionParts({ ...options, postReturn: undefined }),
      `params: [${params.join(", ")}]`,
    ];
    if (result !== undefined) parts.push(`result: ${result}`);
    literals.push(`{ ${parts.join(", ")} }`);
  }
  return { kind: "lowered", literals, viaJco };
}

/** Every exported function of a world with the name the component exports it under. */
function exportedFunctions(resolve: Resolve, world: WorldId): (readonly [string, Function])[] {
  const out: (readonly [string, Function])[] = [];
  for (const [key, item] of resolve.worlds[world]!.exports) {
    if (item.kind === "function") out.push([item.func.name, item.func]);
    else if (item.kind === "interface") {
      const ident =
        interfaceIdentifier(resolve, item.id) ?? (typeof key === "string" ? key : undefined);
      if (ident === undefined) continue;
      for (const func of resolve.interfaces[item.id]!.functions.values())
        out.push([`${ident}#${func.name}`, func]);
    }
  }
  return out;
}

/**
 * The report `gen` prints: how many exported functions are called directly, and why the others are not.
 * `untaskedImports` says whether jco's output was patched so that its trampolines work outside its tasks
 * (`jco-untasked-imports.ts`): without it, an instance of a component that keeps some makes every call
 * through jco.
 */
export function directCallReport(
  resolve: Resolve,
  world: WorldId,
  canon: ComponentCanon | undefined,
  untaskedImports = true,
): DirectCallReport {
  const functions = exportedFunctions(resolve, world);
  const plan = canon === undefined ? undefined : planDirectImports(resolve, world, canon);
  const unpatched =
    !untaskedImports && plan?.kind === "lowered" && plan.viaJco.length > 0
      ? "it imports resource functions or handles, and jco's output could not be patched to call them outside jco's tasks"
      : undefined;
  const viaJco: (readonly [string, string])[] = [];
  let direct = 0;
  for (const [name, func] of functions) {
    let decision: DirectDecision =
      canon === undefined
        ? { kind: "jco" as const, reason: "direct calls are off" }
        : decideDirect(resolve, canon, name, func);
    if (decision.kind === "direct" && unpatched !== undefined)
      decision = { kind: "jco", reason: unpatched };
    if (decision.kind === "direct") direct++;
    else viaJco.push([name, decision.reason]);
  }
  return { total: functions.length, direct, viaJco };
}
