/**
 * Code generation, functions: what every emitter needs to say about a WIT function, in one place. Consumes
 * the plan's units and the model's functions; produces {@link FunctionInfo} (the names a function gets in
 * its file: its member on the SDK's objects, jco's name, its spec constant and its `XxxError` alias, plus
 * its parameters and whether it returns a `result`) and prints the pieces shared by both sides: the
 * signature, the JSDoc, the error alias, the spec constants that `runtime/export-calls.ts` and
 * `runtime/import-adapters.ts` act on and the `--autodrop-borrows` adapters of imports that receive borrows.
 *
 * Names are claimed per unit in one deterministic pass (free functions, then resources in declaration
 * order), so the contract interfaces and the factories always agree.
 */
import type { Function, Stability, Type, TypeId } from "../wit/model.js";
import { decideDirect } from "./emit-direct.js";
import { functionBaseName, type Side, type Unit } from "./emit-plan.js";
import {
  array,
  assignment,
  callArgs,
  object,
  pure,
  signature,
  typeArgs,
  union,
  type GeneratedFile,
  type Printable,
} from "./printer/index.js";
import type { JsDocTag } from "./printer/index.js";
import {
  createNameScope,
  quotePropertyKey,
  stringLiteral,
  toLowerCamel,
  toUpperCamel,
  tsName,
} from "./names.js";
import {
  containsBorrow,
  descriptorExpr,
  printableIds,
  typeExpr,
  typeNameRef,
  underlying,
  type EmitContext,
} from "./type-expr.js";

export interface ParamInfo {
  /** The parameter's TypeScript name. */
  readonly name: string;
  readonly type: Type;
}

/** Everything the emitters need to know about one function of a unit. */
export interface FunctionInfo {
  readonly func: Function;
  /** The resource it belongs to, if any. */
  readonly resource: TypeId | undefined;
  readonly kind: "function" | "method" | "static" | "constructor";
  /** Parameters without a method's `self`. */
  readonly params: ParamInfo[];
  /** `-> result<T, E>`: the function resolves with (returns) `T` and rejects with (throws) `ResultError<E>`. */
  readonly fallible: { readonly ok: Type | undefined; readonly err: Type | undefined } | undefined;
  /** Its name on the SDK's objects (exports object, host contract, resource class or static side). */
  readonly member: string;
  /** Its name on jco's objects. */
  readonly jcoName: string;
  /** Its spec: an entry of the unit's spec table (`exportSpecs.add`, `importSpecs["[method]r.f"]`). */
  readonly spec: string;
  /** The `XxxError` alias, for fallible functions. */
  readonly errorAlias: string | undefined;
  /** Fallible exports: `isXxxError`, the guard that narrows a caught value to `XxxError`. */
  readonly errorGuard: string | undefined;
  /** Which way it is called: the host implements it (`import`) or calls the guest's (`export`). */
  readonly direction: Side;
  /**
   * An `async func`: an export returns its value when the guest's task returns it and takes a last
   * `options` argument (`AsyncCallOptions`); an import's handler may return a promise.
   */
  readonly async: boolean;
  /** An import with a borrow among its parameters (anywhere in them): its handler receives borrows. */
  readonly receivesBorrows: boolean;
  /**
   * `--autodrop-borrows`, for an import that receives borrows: the generated adapter function that holds
   * the borrowed arguments in `using` declarations (see `printImportAdapter`).
   */
  readonly adapter: string | undefined;
  /** An export the SDK calls directly (`emit-direct.ts`): its `directSpec` constant, sync member and target. */
  readonly direct: DirectInfo | undefined;
}

/** How an exported function is called directly. */
export interface DirectInfo {
  /** The module-level `directSpec` constant. */
  readonly spec: string;
  /** The synchronous form's name on the SDK's object (`addSync`). */
  readonly syncMember: string;
  /** The `DirectTarget` literal. */
  readonly target: string;
}

/** The names of one resource's members in a unit. */
export interface ResourceInfo {
  readonly id: TypeId;
  /** The key of the resource's class on the interface object: jco's and the SDK's (UpperCamel). */
  readonly jcoName: string;
  readonly member: string;
  readonly constructor: FunctionInfo | undefined;
  readonly methods: FunctionInfo[];
  readonly statics: FunctionInfo[];
}

export interface UnitFunctions {
  readonly functions: FunctionInfo[];
  readonly resources: Map<TypeId, ResourceInfo>;
}

/**
 * What the index reads of another unit's functions: whether the host implements anything there, which
 * resources have a static side, and the error aliases and guards it re-exports. Kept once the unit's file is
 * printed, when its {@link FunctionInfo}s are let go.
 */
export interface UnitSurface {
  /** The unit has free functions. */
  readonly hasFunctions: boolean;
  /** Resources with a constructor or static functions. */
  readonly staticSides: ReadonlySet<TypeId>;
  /** The `XxxError` aliases, in the order the unit declares them (functions, then each resource's). */
  readonly errorAliases: readonly string[];
  /** The `isXxxError` guards, in the same order. */
  readonly errorGuards: readonly string[];
}

const cache = new WeakMap<Unit, UnitFunctions>();

const surfaces = new WeakMap<Unit, UnitSurface>();

/** The units whose functions were let go: asking for them again would claim their names twice. */
const released = new WeakSet<Unit>();

const tableNames = new WeakMap<Unit, Partial<Record<Side, string>>>();

/** The name of a unit's spec table for one side (`exportSpecs`, `importSpecs`), claimed when first needed. */
function specTable(unit: Unit, side: Side): string {
  let names = tableNames.get(unit);
  if (names === undefined) tableNames.set(unit, (names = {}));
  return (names[side] ??= unit.valueScope.claim(`${side}Specs`));
}

/** The name of the spec table a function's spec is in (`exportSpecs.add` -> `exportSpecs`). */
export function specTableName(info: FunctionInfo): string {
  return /^[^.[]*/.exec(info.spec)![0];
}

/** `.name`, or `["[method]r.f"]` for a key that is no identifier. */
function propertyAccess(key: string): string {
  const quoted = quotePropertyKey(key);
  return quoted === key ? `.${key}` : `[${quoted}]`;
}

/** Names the generated function bodies use besides the unit's constants (see `emit-exports.ts`, `emit-index.ts`). */
const BODY_NAMES: ReadonlySet<string> = new Set([
  "core",
  "host",
  "self",
  "options",
  "imports",
  "callExport",
  "callMethod",
  "call",
]);

/**
 * `name`, or with the smallest suffix `2`, `3`, ... that no parameter before it has ignoring case: what a name
 * scope of the parameters would give, without one (functions have a few parameters, and there are many).
 */
function claimParam(before: readonly ParamInfo[], name: string): string {
  if (before.length === 0) return name;
  let candidate = name;
  for (let n = 2; before.some((p) => sameIgnoringCase(p.name, candidate)); n++) {
    candidate = `${name}${n}`;
  }
  return candidate;
}

function sameIgnoringCase(a: string, b: string): boolean {
  return a === b || a.toLowerCase() === b.toLowerCase();
}

/** `r-f` for a method `f` of `r`, else `f`: what the error alias and the adapter are named after. */
function qualifiedName(cx: EmitContext, base: string, resource: TypeId | undefined): string {
  return resource === undefined
    ? base
    : `${cx.resolve.types[resource]!.name ?? "resource"}-${base}`;
}

/** Describes one function of `unit`, claiming its spec constant and error alias there. */
function describe(
  cx: EmitContext,
  unit: Unit,
  func: Function,
  resource: TypeId | undefined,
  kind: FunctionInfo["kind"],
  member: string,
  direction: Side,
): FunctionInfo {
  const resolve = cx.resolve;
  const base = functionBaseName(func);
  const result = func.result === undefined ? undefined : underlying(resolve, func.result);
  const resultDef =
    result === undefined || typeof result === "string" ? undefined : resolve.types[result.id]!.kind;
  // The model's own `result` kind: its `ok` and `err` are what `fallible` says.
  const fallible = resultDef?.kind === "result" ? resultDef : undefined;
  const spec = specTable(unit, direction) + propertyAccess(func.name);
  let borrows = false;
  if (direction === "import") {
    for (let i = kind === "method" ? 1 : 0; i < func.params.length && !borrows; i++)
      borrows = containsBorrow(resolve, func.params[i]!.type);
  }
  const adapter =
    borrows && cx.borrows === "autodrop"
      ? unit.valueScope.claim(`${toLowerCamel(qualifiedName(cx, base, resource))}Adapter`)
      : undefined;
  // Parameters are bound inside the generated bodies, which use the function's own spec and a few fixed
  // names: keep clear of those rather than shadow them.
  const paramList: ParamInfo[] = [];
  for (let i = kind === "method" ? 1 : 0; i < func.params.length; i++) {
    const p = func.params[i]!;
    let name = tsName(p.name, "local");
    while (unit.valueScope.has(name) || BODY_NAMES.has(name)) name = `${name}_`;
    paramList.push({ name: claimParam(paramList, name), type: p.type });
  }
  const errorAlias =
    fallible === undefined
      ? undefined
      : unit.typeScope.claim(`${toUpperCamel(qualifiedName(cx, base, resource))}Error`);
  return {
    func,
    resource,
    kind,
    params: paramList,
    fallible,
    member,
    jcoName: toLowerCamel(base),
    spec,
    errorAlias,
    errorGuard:
      errorAlias === undefined || direction !== "export"
        ? undefined
        : unit.valueScope.claim(`is${errorAlias}`),
    direction,
    async: func.kind.kind.startsWith("async-"),
    receivesBorrows: borrows,
    adapter,
    direct: undefined,
  };
}

/**
 * The same function with its direct-call names claimed, when the component's canonical options allow a direct
 * call; `claimMember` claims the sync form's name among the object's members.
 */
function withDirect(
  cx: EmitContext,
  unit: Unit,
  info: FunctionInfo,
  claimMember: (name: string) => string,
): FunctionInfo {
  const canon = cx.canon;
  if (canon === undefined || info.kind !== "function" || info.direction !== "export") return info;
  const decision = decideDirect(cx.resolve, canon, canonicalName(unit, info.func), info.func);
  if (decision.kind !== "direct") return info;
  const spec = unit.valueScope.claim(`${toLowerCamel(functionBaseName(info.func))}Direct`);
  return {
    ...info,
    direct: { spec, syncMember: claimMember(`${info.member}Sync`), target: decision.target },
  };
}

/**
 * The functions of a unit, described (and their names claimed) when first asked for: the generator asks just
 * before printing the unit's file and lets them go once it is printed ({@link releaseUnitFunctions}), so that
 * no unit's descriptions outlive its file.
 */
export function unitFunctions(cx: EmitContext, unit: Unit = cx.unit): UnitFunctions {
  let info = cache.get(unit);
  if (info !== undefined) return info;
  if (released.has(unit)) {
    throw new Error(
      `the functions of ${unit.path} were asked for after it was printed (a wit-ts bug)`,
    );
  }
  const members = createNameScope();
  // Arrays of descriptions are all made by pushes onto `[]`, so that emitters looping over them see few shapes.
  const functions: FunctionInfo[] = [];
  for (let i = 0; i < unit.functions.length; i++) {
    const func = unit.functions[i]!;
    functions.push(
      describe(
        cx,
        unit,
        func,
        undefined,
        "function",
        members.declare(func.name, "property"),
        unit.side,
      ),
    );
  }
  // Sync forms are named after every function has its name, so that a WIT name never loses to one.
  const claimMember = (name: string): string => members.claim(name);
  for (let i = 0; i < functions.length; i++) {
    functions[i] = withDirect(cx, unit, functions[i]!, claimMember);
  }
  const resources = new Map<TypeId, ResourceInfo>();
  for (const [id, group] of unit.resources) {
    const name = cx.resolve.types[id]!.name ?? "resource";
    const instance = createNameScope();
    const statics = createNameScope();
    const ctor = group.constructor;
    const constructor =
      ctor === undefined
        ? undefined
        : describe(cx, unit, ctor, id, "constructor", statics.claim("create"), unit.side);
    const jcoName = toUpperCamel(name);
    const member = members.claim(jcoName);
    const methods: FunctionInfo[] = [];
    for (let i = 0; i < group.methods.length; i++) {
      const func = group.methods[i]!;
      methods.push(
        describe(
          cx,
          unit,
          func,
          id,
          "method",
          instance.declare(functionBaseName(func), "member"),
          unit.side,
        ),
      );
    }
    const staticInfos: FunctionInfo[] = [];
    for (let i = 0; i < group.statics.length; i++) {
      const func = group.statics[i]!;
      staticInfos.push(
        describe(
          cx,
          unit,
          func,
          id,
          "static",
          statics.declare(functionBaseName(func), "static-member"),
          unit.side,
        ),
      );
    }
    resources.set(id, { id, jcoName, member, constructor, methods, statics: staticInfos });
  }
  info = { functions, resources };
  cache.set(unit, info);
  return info;
}

/** What the index reads of `unit`'s functions (see {@link UnitSurface}), whether or not its file is printed. */
export function unitSurface(cx: EmitContext, unit: Unit): UnitSurface {
  return surfaces.get(unit) ?? surfaceOf(unitFunctions(cx, unit));
}

/** Lets go of `unit`'s function descriptions once its file is printed, keeping what the index reads of them. */
export function releaseUnitFunctions(unit: Unit): void {
  const info = cache.get(unit);
  if (info === undefined) return;
  surfaces.set(unit, surfaceOf(info));
  cache.delete(unit);
  released.add(unit);
}

function surfaceOf(info: UnitFunctions): UnitSurface {
  const staticSides = new Set<TypeId>();
  const errorAliases: string[] = [];
  const errorGuards: string[] = [];
  noteErrorNames(info.functions, errorAliases, errorGuards);
  for (const resource of info.resources.values()) {
    // A resource class's static side: its constructor and static functions (`hasStaticSide`).
    if (resource.constructor !== undefined || resource.statics.length > 0)
      staticSides.add(resource.id);
    if (resource.constructor !== undefined)
      noteErrorNames([resource.constructor], errorAliases, errorGuards);
    noteErrorNames(resource.methods, errorAliases, errorGuards);
    noteErrorNames(resource.statics, errorAliases, errorGuards);
  }
  return { hasFunctions: info.functions.length > 0, staticSides, errorAliases, errorGuards };
}

/** Appends the error aliases and guards of `infos` to `aliases` and `guards`. */
function noteErrorNames(infos: readonly FunctionInfo[], aliases: string[], guards: string[]): void {
  for (let i = 0; i < infos.length; i++) {
    const fn = infos[i]!;
    if (fn.errorAlias !== undefined) aliases.push(fn.errorAlias);
    if (fn.errorGuard !== undefined) guards.push(fn.errorGuard);
  }
}

const worldExportCache = new WeakMap<Unit, FunctionInfo[]>();

/** The world-level exported functions, named as the plan keys them on the instance. */
export function worldExportFunctions(cx: EmitContext): FunctionInfo[] {
  const unit = cx.plan.index;
  let infos = worldExportCache.get(unit);
  if (infos === undefined) {
    unitFunctions(cx, unit);
    infos = cx.plan.worldExports.map(({ func, key }) =>
      describe(cx, unit, func, undefined, "function", key, "export"),
    );
    // World-level sync forms share the instance with the export keys, the interface keys and its own members.
    const taken = new Set<string>([
      ...infos.map((info) => info.member),
      ...cx.plan.exportUnits.map((u) => u.instanceKey),
      "poisoned",
      "resources",
      "then",
    ]);
    const claim = (name: string): string => {
      let candidate = name;
      for (let n = 2; taken.has(candidate); n++) candidate = `${name}${n}`;
      taken.add(candidate);
      return candidate;
    };
    infos = infos.map((info) => withDirect(cx, unit, info, claim));
    worldExportCache.set(unit, infos);
  }
  return infos;
}

/** `@since` / `@unstable` / `@deprecated` tags for a stability annotation. */
export function stabilityTags(stability: Stability): JsDocTag[] {
  switch (stability.kind) {
    case "unknown":
      return [];
    case "stable": {
      const tags: JsDocTag[] = [{ kind: "since", version: stability.since }];
      if (stability.deprecated !== undefined)
        tags.push({ kind: "deprecated", since: stability.deprecated });
      return tags;
    }
    case "unstable": {
      const tags: JsDocTag[] = [{ kind: "unstable", feature: stability.feature }];
      if (stability.deprecated !== undefined)
        tags.push({ kind: "deprecated", since: stability.deprecated });
      return tags;
    }
    default: {
      const never: never = stability;
      throw new Error(`unknown stability ${JSON.stringify(never)}`);
    }
  }
}

/**
 * The tags of an interface as the world uses it: the world item's stability (`@since` on
 * `export documented;`) and the interface's own, each tag once.
 */
export function interfaceTags(unit: Unit, iface: { readonly stability: Stability }): JsDocTag[] {
  const seen = new Set<string>();
  return [...stabilityTags(unit.stability), ...stabilityTags(iface.stability)].filter((tag) => {
    const key = JSON.stringify(tag);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The contexts derived from a file's, by borrow direction and giver (see {@link derived}), made once per file. */
const derivedContexts = new WeakMap<EmitContext, (EmitContext | undefined)[]>();

/** The context {@link derived} was last called with, and its slots: a file's calls come in a row. */
let lastDerivedFrom: EmitContext | undefined;
let lastDerived: (EmitContext | undefined)[] | undefined;

/** `cx` with `borrowDirection` and `gives` set; the same object for the same arguments. */
function derived(
  cx: EmitContext,
  borrowDirection: Side | undefined,
  gives: "host" | "guest" | undefined,
): EmitContext {
  let slots = cx === lastDerivedFrom ? lastDerived : derivedContexts.get(cx);
  if (slots === undefined) derivedContexts.set(cx, (slots = []));
  lastDerivedFrom = cx;
  lastDerived = slots;
  const slot =
    (borrowDirection === undefined ? 0 : borrowDirection === "import" ? 3 : 6) +
    (gives === undefined ? 0 : gives === "host" ? 1 : 2);
  return (slots[slot] ??= withFlow(cx, borrowDirection, gives));
}

/**
 * `cx` with `borrowDirection` and `gives` set, as a new object of the same shape as the file's own context
 * (`generate.ts` makes those with every field): a spread would give derived contexts shapes of their own, and
 * every emitter that reads a context would then see several.
 */
function withFlow(
  cx: EmitContext,
  borrowDirection: Side | undefined,
  gives: "host" | "guest" | undefined,
): EmitContext {
  return {
    plan: cx.plan,
    resolve: cx.resolve,
    unit: cx.unit,
    runtime: cx.runtime,
    borrows: cx.borrows,
    borrowDirection,
    canon: cx.canon,
    gives,
  };
}

/** The parameters of a signature: `name: Type`. */
export function signatureParams(cx: EmitContext, info: FunctionInfo): Printable[] {
  const pcx = derived(cx, info.direction, info.direction === "export" ? "host" : "guest");
  const own = info.params;
  const params: Printable[] = [];
  for (let i = 0; i < own.length; i++) {
    const p = own[i]!;
    params.push([p.name, ": ", typeExpr(pcx, p.type)]);
  }
  // Never taken by a WIT parameter: those are renamed away from `options` (see BODY_NAMES).
  if (info.async && info.direction === "export")
    params.push(["options?: ", cx.runtime.type("AsyncCallOptions")]);
  return params;
}

/** The arguments after the spec and the argument array of an async export's call: its call options. */
export function asyncCallArgs(info: FunctionInfo, method: boolean): Printable[] {
  if (!info.async || info.direction !== "export") return [];
  return method ? ["options"] : ["undefined", "options"];
}

/**
 * What the function gives back, before any `Promise`: the `ok` type of a `result`, or `void`. The handler
 * of an async import may give it as a promise (`T | PromiseLike<T>`).
 */
export function valueTypeExpr(cx: EmitContext, info: FunctionInfo): Printable {
  const rcx = info.direction === "import" ? derived(cx, cx.borrowDirection, "host") : cx;
  const returned = info.fallible !== undefined ? info.fallible.ok : info.func.result;
  const value: Printable =
    returned === undefined
      ? "void"
      : info.direction === "export"
        ? settledTypeExpr(rcx, returned)
        : typeExpr(rcx, returned);
  if (info.direction !== "import" || !info.async) return value;
  return union([value, ["PromiseLike", typeArgs([value])]]);
}

/**
 * The type an export's promise resolves with for a result of type `type`. A `future<T>` result cannot be
 * handed over as is: a promise resolved with a promise takes on its value, so the call resolves with `T`
 * once the future settles (`future` without a type: `undefined`).
 */
function settledTypeExpr(cx: EmitContext, type: Type): Printable {
  const u = underlying(cx.resolve, type);
  if (typeof u === "string") return typeExpr(cx, type);
  const kind = cx.resolve.types[u.id]!.kind;
  if (kind.kind !== "future") return typeExpr(cx, type);
  return kind.type === undefined ? "undefined" : typeExpr(cx, kind.type);
}

/** `Promise<T>`: what an export wrapper returns. */
export function promiseTypeExpr(cx: EmitContext, info: FunctionInfo): Printable {
  return ["Promise", typeArgs([valueTypeExpr(cx, info)])];
}

/**
 * Prints `member(params): R` followed by `tail`: `;` for a member of an interface (type position), ` {`
 * for a method of an object literal or class. In an interface, a member called `new` would read as a
 * construct signature, so it is quoted there.
 */
export function printSignature(
  f: GeneratedFile,
  cx: EmitContext,
  info: FunctionInfo,
  returnType: Printable,
  tail: ";" | " {",
): void {
  const name = tail === ";" && info.member === "new" ? '"new"' : info.member;
  f.print(name, signature(signatureParams(cx, info), returnType), tail);
}

/**
 * The JSDoc of a function: its WIT docs, stability, and which `XxxError` a `result` error is (rejected with
 * by an export, thrown by an import's handler to return `err`); the alias's own type says the rest.
 */
export function functionDoc(f: GeneratedFile, info: FunctionInfo): void {
  const tags = stabilityTags(info.func.stability);
  const docs = info.func.docs.contents;
  if (info.errorAlias === undefined) {
    f.jsDoc({ docs, tags });
    return;
  }
  // On either side the alias says it all: `ResultError<E>` carries the `err` value.
  const text = `{@link ${info.errorAlias}}`;
  if (docs === undefined && tags.length === 0) {
    f.print("/** @throws ", text, " */");
    return;
  }
  tags.push({ kind: "throws", text });
  f.jsDoc({ docs, tags });
}

/** `export type XxxError = ResultError<E>;` for a fallible function. */
function printErrorAlias(f: GeneratedFile, cx: EmitContext, info: FunctionInfo): void {
  if (info.errorAlias === undefined || info.fallible === undefined) return;
  const err = info.fallible.err;
  f.print(
    "export type ",
    info.errorAlias,
    " = ",
    cx.runtime.type("ResultError"),
    typeArgs([err === undefined ? "undefined" : typeExpr(cx, err)]),
    ";",
  );
}

/** The error aliases of `infos`, one per line, then a blank line if there were any. */
export function printErrorAliases(
  f: GeneratedFile,
  cx: EmitContext,
  infos: readonly FunctionInfo[],
): void {
  let printed = false;
  for (const info of infos) {
    if (info.errorAlias === undefined) continue;
    printErrorAlias(f, cx, info);
    printed = true;
  }
  if (printed) f.print();
}

/**
 * `export const isXxxError = errorGuard(exportSpecs, "f");` for a fallible export, after its table: the guard
 * that narrows a caught value to `XxxError`, its type derived from the table entry. The only call marked
 * `/*@__PURE__*\/`: esbuild honours the runtime's `#__NO_SIDE_EFFECTS__` only within one file, and a guard,
 * whose argument is a plain reference, is what an esbuild bundle can drop when the app does not use it.
 */
export function printErrorGuard(f: GeneratedFile, cx: EmitContext, info: FunctionInfo): void {
  if (info.errorGuard === undefined) return;
  f.print(
    "export const ",
    info.errorGuard,
    " = ",
    pure([
      cx.runtime.value("errorGuard"),
      callArgs([specTableName(info), stringLiteral(info.func.name)]),
    ]),
    ";",
  );
}

/** How a table names the descriptor of a type: its own expression, or a constant declared before the table. */
type DescriptorOf = (type: Type) => Printable;

/**
 * Declares, before a table, each descriptor that more than one of its entries spells out the same way
 * (`list(tuple([u32, s64, string]))` in every function that takes such a list), so that the entries name it
 * once declared and most of them fit on one line; returns how the entries name each descriptor.
 */
function shareDescriptors(
  f: GeneratedFile,
  cx: EmitContext,
  functions: readonly FunctionInfo[],
): DescriptorOf {
  const ids = printableIds(cx);
  // Each type's key, found once per table: a descriptor is the same printable for every use of its type in a
  // file, so only types (not uses) are looked at; structurally equal types of different ids share a key.
  const keys = new Map<TypeId, number>();
  const counts = new Map<number, number>();
  const keyOfType = (type: Type): number => {
    // Primitive types are runtime names already (`u32`).
    if (typeof type === "string") return -1;
    let key = keys.get(type.id);
    if (key === undefined) {
      const expr = descriptorExpr(cx, type);
      // Only calls (`list(...)`) are worth a name: a named type's descriptor is a name already, and a handle's
      // (`borrow(fileType)`) says more in the entry than a name would.
      key = !Array.isArray(expr) || isHandleDescriptor(expr) ? -1 : ids.of(expr);
      keys.set(type.id, key);
    }
    return key;
  };
  const count = (type: Type | undefined): void => {
    if (type === undefined) return;
    const key = keyOfType(type);
    if (key >= 0) counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  for (const info of functions) {
    for (const p of info.params) count(p.type);
    count(info.func.result);
  }
  const names = new Map<number, string>();
  const declare = (type: Type | undefined): void => {
    if (type === undefined) return;
    const key = keyOfType(type);
    if (key < 0 || (counts.get(key) ?? 0) < 2 || names.has(key)) return;
    // Short names: a table may cite each many times, and the declarations sit just above it.
    const name = cx.unit.valueScope.claim(`d${names.size + 1}`);
    names.set(key, name);
    f.print("const ", name, " = ", descriptorExpr(cx, type), ";");
  };
  for (const info of functions) {
    for (const p of info.params) declare(p.type);
    declare(info.func.result);
  }
  if (names.size === 0) return (type) => descriptorExpr(cx, type);
  f.print();
  return (type) => {
    const key = keyOfType(type);
    return (key < 0 ? undefined : names.get(key)) ?? descriptorExpr(cx, type);
  };
}

/** Whether a descriptor call is `borrow(r)`, `borrowHandle(r)` or `own(r)`. */
function isHandleDescriptor(expr: readonly Printable[]): boolean {
  const fn = expr[0];
  return (
    typeof fn === "object" &&
    fn !== null &&
    "kind" in fn &&
    fn.kind === "import" &&
    (fn.name === "borrow" || fn.name === "borrowHandle" || fn.name === "own")
  );
}

/** The descriptors of a function's parameters, in order. */
function paramDescriptors(info: FunctionInfo, descriptor: DescriptorOf): Printable {
  const params = info.params;
  const items: Printable[] = [];
  for (let i = 0; i < params.length; i++) items.push(descriptor(params[i]!.type));
  return array(items);
}

/** Appends what follows the parameters in a table entry to `entry`: the result's descriptor, then the options, if any. */
function entryTail(
  entry: Printable[],
  info: FunctionInfo,
  descriptor: DescriptorOf,
  options: Printable | undefined,
): void {
  const result = info.func.result;
  if (result !== undefined || options !== undefined)
    entry.push(result === undefined ? "undefined" : descriptor(result));
  if (options !== undefined) entry.push(options);
}

/** The options of an async export's entry: the same printable for every entry. */
const ASYNC_OPTION = object([["async", "true"]]);

/** The parameters' names as one string: `a, b`. */
function paramNames(info: FunctionInfo): string {
  const params = info.params;
  let names = "";
  for (let i = 0; i < params.length; i++)
    names += i === 0 ? params[i]!.name : `, ${params[i]!.name}`;
  return names;
}

/** `const xSpecs = table(iface, { ...entries }[, root]);` (`exportTable` and `importTable` are `#__NO_SIDE_EFFECTS__`). */
function printTable(
  f: GeneratedFile,
  cx: EmitContext,
  side: Side,
  entries: (readonly [string, Printable])[],
  tail: readonly Printable[],
): void {
  const iface = cx.unit.kind === "index" ? "" : cx.unit.key;
  f.print(
    "const ",
    specTable(cx.unit, side),
    " = ",
    cx.runtime.value(side === "export" ? "exportTable" : "importTable"),
    callArgs([stringLiteral(iface), object(entries, { expand: true }), ...tail]),
    ";",
  );
}

/**
 * The export table of a unit: `const exportSpecs = exportTable(iface, { [witName]: [jco?, "a, b", [types],
 * returns] })`, one entry per export, its name and jco path derived by the runtime; `jcoPath` is where jco
 * keeps each function below the interface's object (see `ExportEntry`), stated only when the runtime would
 * derive another from the WIT name. The spec's parameter and result
 * types are inferred from the descriptors, so the wrappers' declared types are checked against them.
 */
export function printExportTable(
  f: GeneratedFile,
  cx: EmitContext,
  functions: readonly FunctionInfo[],
  jcoPath: (info: FunctionInfo) => string,
): void {
  if (functions.length === 0) return;
  const descriptor = shareDescriptors(f, cx, functions);
  const entries: (readonly [string, Printable])[] = [];
  for (let i = 0; i < functions.length; i++) {
    const info = functions[i]!;
    const path = jcoPath(info);
    const entry: Printable[] = [];
    if (path !== exportPathOf(info.func.name)) entry.push(stringLiteral(path));
    entry.push(stringLiteral(paramNames(info)), paramDescriptors(info, descriptor));
    entryTail(entry, info, descriptor, info.async ? ASYNC_OPTION : undefined);
    entries.push([info.func.name, array(entry)]);
  }
  const root = cx.unit.jcoExportKey;
  const iface = cx.unit.kind === "index" ? "" : cx.unit.key;
  printTable(f, cx, "export", entries, root === iface ? [] : [stringLiteral(root)]);
}

/**
 * The import table of a unit: `const importSpecs = importTable(iface, { [witName]: [member?, [types],
 * returns, options] })`, the member stated only when the runtime would derive another from the WIT name; the options name the parameters of a function that receives explicit borrows, or
 * its `--autodrop-borrows` adapter, and mark an `async func`.
 */
export function printImportTable(
  f: GeneratedFile,
  cx: EmitContext,
  functions: readonly FunctionInfo[],
): void {
  if (functions.length === 0) return;
  const descriptor = shareDescriptors(f, cx, functions);
  const entries: (readonly [string, Printable])[] = [];
  for (let i = 0; i < functions.length; i++) {
    const info = functions[i]!;
    const options: (readonly [string, Printable])[] = [];
    if (info.adapter !== undefined) options.push(["invoke", info.adapter]);
    else if (info.receivesBorrows) options.push(["names", stringLiteral(paramNames(info))]);
    if (info.async) options.push(["async", "true"]);
    const entry: Printable[] = [];
    if (info.member !== importMemberOf(info.func.name)) entry.push(stringLiteral(info.member));
    entry.push(paramDescriptors(info, descriptor));
    entryTail(entry, info, descriptor, options.length > 0 ? object(options) : undefined);
    entries.push([info.func.name, array(entry)]);
  }
  printTable(f, cx, "import", entries, []);
}

/**
 * The `--autodrop-borrows` adapter of an import that receives borrows: it calls the handler on `host` (the
 * interface's object, the host object of a method, the class of a constructor or static) with each
 * argument that holds borrows in a `using` declaration, so that the views in it are revoked when the
 * handler returns, whatever it kept:
 *
 * ```ts
 * function inspectAdapter(host: HttpImports, call: ImportCall): string {
 *   using req = call.borrow<Borrowed<Request>>(0);
 *   return host.inspect(req.value);
 * }
 * ```
 */
export function printImportAdapter(
  f: GeneratedFile,
  cx: EmitContext,
  info: FunctionInfo,
  hostType: Printable,
): void {
  if (info.adapter === undefined) return;
  const pcx = withFlow(cx, "import", cx.gives);
  const returns: Printable =
    info.kind === "constructor" ? typeNameRef(cx, info.resource!) : valueTypeExpr(pcx, info);
  f.jsDoc({
    docs: `Runs the handler of \`${info.func.name}\`; \`using\` revokes the views it borrowed as it returns.`,
  });
  f.print(
    "function ",
    info.adapter,
    signature(
      [
        ["host: ", hostType],
        ["call: ", cx.runtime.type("ImportCall")],
      ],
      returns,
    ),
    " {",
  );
  f.indent(() => {
    const args: Printable[] = [];
    info.params.forEach((p, index) => {
      const type = typeExpr(pcx, p.type);
      if (!containsBorrow(cx.resolve, p.type)) {
        args.push(["call.argument", typeArgs([type]), callArgs([index])]);
        return;
      }
      f.print(
        assignment(["using ", p.name], ["call.borrow", typeArgs([type]), callArgs([index])]),
        ";",
      );
      args.push(`${p.name}.value`);
    });
    f.print(
      info.kind === "constructor"
        ? ["return new host", callArgs(args)]
        : ["return host.", info.member, callArgs(args)],
      ";",
    );
  });
  f.print("}");
  f.print();
}

/** `get-a-b` -> `getAB`, as the runtime's `camel` (`runtime/member-names.ts`). */
function camel(name: string): string {
  return name.replace(/-(.)/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * The jco path the runtime derives for an export under WIT key `key` when its entry states none (the
 * runtime's `exportPathOf`, which a test holds this to).
 */
export function exportPathOf(key: string): string {
  const dot = key.indexOf(".");
  const upper = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);
  if (key.startsWith("[constructor]")) return upper(camel(key.slice("[constructor]".length)));
  if (key.startsWith("[static]"))
    return `${upper(camel(key.slice("[static]".length, dot)))}.${camel(key.slice(dot + 1))}`;
  if (key.startsWith("[method]")) return camel(key.slice(dot + 1));
  return camel(key);
}

/** The host member the runtime derives for an import under WIT key `key` (the runtime's `importMemberOf`). */
export function importMemberOf(key: string): string {
  if (key.startsWith("[constructor]")) return "create";
  return key.startsWith("[") ? camel(key.slice(key.indexOf(".") + 1)) : camel(key);
}

/** `ns:pkg/iface@1.0.0#[method]r.f`: the canonical name of a function of a unit, for the gate and messages. */
function canonicalName(unit: Unit, func: Function): string {
  return unit.kind === "index" ? func.name : `${unit.key}#${func.name}`;
}

/** Arguments of a call that passes the parameters on: `[a, b]`. */
export function argumentArray(info: FunctionInfo): Printable {
  const params = info.params;
  const names: Printable[] = [];
  for (let i = 0; i < params.length; i++) names.push(params[i]!.name);
  return array(names);
}
