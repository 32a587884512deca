/**
 * Runtime, import adapters: every host import is an {@link ImportSpec} that {@link adaptImport} turns into the
 * function jco calls, running the host's handler through the gate's `runImport`: it lifts the guest's arguments
 * (borrows as explicit `BorrowHandle`s or as views a generated `--autodrop-borrows` adapter holds with `using`),
 * and checks and lowers what the handler returns; a thrown `ResultError` becomes the `err` case, anything else a
 * trap. Host resources reach jco as per-instance adapter classes ({@link hostResourceClass}), one adapter per
 * resource table entry.
 *
 * Consumes the host's implementation and jco's calls; produces the import object's functions and classes.
 */

import { createBorrowScope, isBorrow, type BorrowScope, type ScopedBorrow } from "./borrow.js";
import { isThenable } from "./call-gate.js";
import { ResultError, StaleHandleError } from "./errors.js";
import { liftReceiving, type HostResourceType } from "./guest-resources.js";
import { hostTableState, withImportLends } from "./host-resources.js";
import { coreOf, ignore, type Core, type InstanceCore } from "./instance-core.js";
import { camel, importMemberOf, type Camel, type ImportMemberOf } from "./member-names.js";
import type { Handle } from "./resource-table.js";
import {
  isObject,
  isResultType,
  undoGifts,
  type InputTypeOf,
  type ResultType,
  type TupleOf,
  type ValueType,
} from "./value-types.js";
import { takesRawBorrows } from "./raw-borrowers.js";

/**
 * The members of a host resource, as jco calls them: keys are jco's (lowerCamel) names. `R` is the resource's
 * declared interface and `C` the type of the host's class: each method's spec must be implemented by the
 * member of `R` it names, each static's by the member of `C`, and the constructor by `C`'s `new`.
 */
export interface HostResourceMembers<R = never, C = never> {
  /** `[constructor]r`: jco calls `new Class(...)`. */
  readonly create?: ImportSpec<C>;
  readonly methods?: Readonly<Record<string, MemberSpec<R>>>;
  readonly statics?: Readonly<Record<string, MemberSpec<C>>>;
}

/** A spec that one of the members of `T` implements (the one it names); any spec when `T` names none. */
export type MemberSpec<T> = [keyof T & string] extends [never]
  ? ImportSpec
  : { [K in keyof T & string]: ImportSpec<T[K], K> }[keyof T & string];

/**
 * What implements the spec of member `M` of `T`: that member. When `T` has no such member only a spec that
 * does not describe its handler fits (`importSpec`), and `adaptImport` then fails when the instance starts.
 */
export type Implementation<T, M extends string> = M extends keyof T ? T[M] : unknown;

/** What one adapter of a host resource stands for. */
export interface AdapterRecord {
  readonly host: object;
  /** The entry it was handed out for; none for a borrow of an object the table does not hold. */
  readonly handle: Handle<unknown> | undefined;
}

declare const handlerBrand: unique symbol;

/**
 * One host import (function, resource method, static or constructor) as jco calls it. `H` is the type of the
 * handler its descriptors describe (`(path: string) => number`; `new (name: string) => File` for a
 * constructor), and `M` the member of the host's object that implements it: an implementation whose member
 * does not fit `H` does not compile where the spec is used ({@link adaptImport}, {@link hostResourceClass}).
 * `ImportSpec` without type arguments is any spec.
 */
export interface ImportSpec<H = never, M extends string = string> {
  /** `ns:pkg/iface@1.0.0#name` (or the world-level name), for the gate and for messages. */
  readonly name: string;
  /** The host's property: a function of the interface object, a method, or a static of the class. */
  readonly member: M;
  readonly params: readonly ValueType[];
  readonly returns: ValueType | undefined;
  /**
   * Explicit borrows (without `--autodrop-borrows`): the parameter names of a function that receives borrows. The handler gets a
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
  /** Only carries `H` for the type checker, contravariantly: an implementation must fit it. */
  readonly [handlerBrand]?: { readonly implementedBy: (handler: H) => void };
}

/**
 * Describes a host import; `params` in order (their names do not matter on this side). The spec does not
 * describe its handler's type (any implementation fits it): {@link importTable} makes specs that do.
 */
export function importSpec<M extends string>(spec: {
  readonly name: string;
  readonly member: M;
  readonly params?: readonly ValueType[] | undefined;
  readonly returns?: ValueType | undefined;
  readonly paramNames?: readonly string[] | undefined;
  // `never`: a generated adapter takes its own contract type (`host: HttpImports`).
  readonly invoke?: ((target: never, call: ImportCall) => unknown) | undefined;
  readonly async?: boolean | undefined;
}): ImportSpec<unknown, M> {
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

/**
 * One import in an interface's table ({@link importTable}): the host's member that implements it, when that is
 * not what its WIT key gives (`ImportMemberOf`), its parameters' descriptors in order, the descriptor of its
 * result, and options: the parameter names of a function that receives explicit borrows (`"a, b"`), the
 * generated `--autodrop-borrows` adapter, `async`.
 */
export type ImportEntry = ImportBody | readonly [member: string, ...ImportBody];

/** An {@link ImportEntry} without the host's member. */
export type ImportBody = readonly [
  params: readonly ValueType[],
  returns?: ValueType | undefined,
  options?: ImportOptions,
];

/** The options of an {@link ImportEntry}. */
export interface ImportOptions {
  readonly names?: string;
  // `never`: a generated adapter takes its own contract type (`host: HttpImports`).
  readonly invoke?: (target: never, call: ImportCall) => unknown;
  readonly async?: boolean;
}

/**
 * What a handler returns for a result described by `V`: the `ok` value of a `result` (the `err` one is
 * thrown as a `ResultError`), nothing for no result; an `async func`'s handler may return a promise of it.
 */
export type Returned<V, Async> = Async extends true
  ? ReturnedValue<V> | PromiseLike<ReturnedValue<V>>
  : ReturnedValue<V>;

type ReturnedValue<V> =
  V extends ResultType<unknown, unknown, infer T, never>
    ? VoidIfUndefined<T>
    : V extends ValueType
      ? InputTypeOf<V>
      : void;

/** `result<_, E>` and the like: a handler that returns nothing returns `undefined`. */
type VoidIfUndefined<T> = [T] extends [undefined] ? void : T;

/**
 * The spec an {@link ImportEntry} under WIT name `K` describes: the type of its handler, inferred from its
 * descriptors (its arguments as the SDK hands them out, its result as lowering accepts it), and its member.
 */
export type ImportSpecOf<K, E> = E extends readonly [
  infer M extends string,
  infer Ps extends readonly ValueType[],
  ...infer Rest,
]
  ? ImportSpec<HandlerOf<K, Ps, Rest>, M>
  : E extends readonly [infer Ps extends readonly ValueType[], ...infer Rest]
    ? ImportSpec<HandlerOf<K, Ps, Rest>, ImportMemberOf<K>>
    : never;

/** The handler of the import under WIT name `K` whose parameters are described by `Ps`, then `Rest`. */
type HandlerOf<K, Ps extends readonly ValueType[], Rest> = Handler<
  K,
  TupleOf<Ps>,
  Returned<
    Rest extends readonly [infer V, ...unknown[]] ? V : undefined,
    Rest extends readonly [unknown, { readonly async: infer A }] ? A : false
  >
>;

/** A constructor's handler is the class (`new`), anything else a function. */
type Handler<K, Args extends unknown[], R> = K extends `[constructor]${string}`
  ? new (...args: Args) => R
  : (...args: Args) => R;

/**
 * The specs of an interface's imports (`iface` is its WIT id; empty for the world's own functions), keyed by
 * WIT name (`f`, `[method]r.f`, `[static]r.f`, `[constructor]r`).
 */
/*#__NO_SIDE_EFFECTS__*/
export function importTable<const E extends Readonly<Record<string, ImportEntry>>>(
  iface: string,
  entries: E,
): { readonly [K in keyof E]: ImportSpecOf<K, E[K]> } {
  const table: Record<string, ImportSpec> = {};
  for (const [wit, entry] of Object.entries(entries)) {
    const [member, params, returns, options] =
      typeof entry[0] === "string"
        ? (entry as readonly [string, ...ImportBody])
        : [importMemberOf(wit), ...(entry as ImportBody)];
    table[wit] = importSpec<string>({
      name: iface === "" ? wit : `${iface}#${wit}`,
      member,
      params,
      returns,
      paramNames: options?.names?.split(", "),
      invoke: options?.invoke,
      async: options?.async,
    });
  }
  return table as { readonly [K in keyof E]: ImportSpecOf<K, E[K]> };
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
  // The shim's own WASI implementations take the resources themselves (they read their private fields).
  const raw = takesRawBorrows(target);
  const invoke = raw ? undefined : spec.invoke;
  if (invoke !== undefined) {
    const importCall = new HostImportCall(core, spec, args, awaited);
    const close = (): void => importCall.close();
    return endBorrows(awaited, () => invoke(target, importCall), close, close);
  }
  const names = raw ? undefined : spec.paramNames;
  if (names === undefined) {
    const lifted: unknown[] = [];
    spec.params.forEach((type, index) =>
      lifted.push(type.handles ? type.lift(args[index], core) : args[index]),
    );
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
function endBorrows(
  awaited: boolean,
  run: () => unknown,
  end: () => void,
  revoke: () => void,
): unknown {
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
 * `ResultError<E>`; the SDK hands jco `{ tag, val }` explicitly, because jco would otherwise take a `T` that
 * looks like `{ tag, val }` for the result itself.
 */
function runHost(
  core: Core,
  spec: ImportSpec,
  args: readonly unknown[],
  call: (lifted: unknown[]) => unknown,
  target?: unknown,
): unknown {
  // Entries the guest lends to the handler (`borrow<R>` arguments) are lent in the table until it returns,
  // or, for an import that jco awaits, until its promise settles. Whatever leaves it as an exception (or a
  // rejection) is a trap of the call in flight (`Core.importFailed`).
  let result: unknown;
  try {
    result = core.gate.runImport(
      spec.name,
      () => withImportLends(core, () => runHandler(core, spec, args, call, target)),
      spec.async,
    );
  } catch (error) {
    core.importFailed = true;
    throw error;
  }
  if (result instanceof Promise) {
    return result.then(undefined, (error: unknown) => {
      core.importFailed = true;
      // A JSPI import of a sync function: jco 1.35 never settles the export whose import failed (the guest
      // stays suspended), so the call is failed here, as the trap it is.
      if (!spec.async) core.gate.failRunning(error);
      throw error;
    });
  }
  return result;
}

function runHandler(
  core: Core,
  spec: ImportSpec,
  args: readonly unknown[],
  call: (lifted: unknown[]) => unknown,
  target: unknown,
): unknown {
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
  // A borrow view is never a promise; an expired one would throw on the look at `then`, before the check
  // that refuses it where an own value is required.
  if (!(isObject(value) && isBorrow(value)) && isThenable(value)) {
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
}

function lowerReturn(
  core: Core,
  spec: ImportSpec,
  type: ValueType | undefined,
  value: unknown,
): unknown {
  if (type === undefined) return undefined;
  // Host objects returned as `own` enter the table as the guest's; a later value that fails its check takes
  // them out again, so that a refused result leaves nothing behind.
  const gifts: (() => void)[] = [];
  try {
    return type.lower(value, "result", { core, moves: [], gifts });
  } catch (error) {
    undoGifts(gifts);
    if (error instanceof TypeError)
      throw new TypeError(`\`${spec.name}\` returned an invalid value: ${error.message}`, {
        cause: error,
      });
    if (error instanceof RangeError)
      throw new RangeError(`\`${spec.name}\` returned an invalid value: ${error.message}`, {
        cause: error,
      });
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
function hostMember(
  host: Record<string, unknown>,
  spec: ImportSpec,
): (...args: unknown[]) => unknown {
  const fn = host[spec.member];
  if (typeof fn !== "function")
    throw new TypeError(`the host did not provide \`${spec.name}\` (\`${spec.member}\`)`);
  return fn as (...args: unknown[]) => unknown;
}

/**
 * The function jco calls for a host import: `target[spec.member]` run through the gate. The member must fit
 * the handler the spec's descriptors describe.
 */
export function adaptImport<T extends object, M extends string>(
  core: InstanceCore,
  spec: ImportSpec<Implementation<T, M>, M>,
  target: T | undefined,
): (...args: unknown[]) => unknown {
  const owner = coreOf(core);
  const host = requireHost(target, `the object that implements \`${spec.name}\``);
  hostMember(host, spec);
  return (...args) =>
    runHost(
      owner,
      spec,
      args,
      (lifted) => Reflect.apply(hostMember(host, spec), host, lifted),
      host,
    );
}

/**
 * The object jco reads for an imported interface: `classes` (its resources' classes, from
 * {@link hostResourceClass}), then each function of `table` adapted by {@link adaptImport} under its host
 * member's name, which is jco's.
 */
export function bindImports<const Table extends Readonly<Record<string, AnyImportSpec>>>(
  core: InstanceCore,
  table: Table,
  host: ImportHost<Table> | undefined,
  classes: Readonly<Record<string, unknown>> = {},
): object {
  const out: Record<string, unknown> = { ...classes };
  for (const [wit, spec] of Object.entries(table) as [string, AnyImportSpec][]) {
    if (!wit.startsWith("["))
      out[spec.member] = adaptImport<object, string>(core, spec as never, host);
  }
  return out;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any handler: the table's entries differ
type AnyImportSpec = ImportSpec<any, string>;

/**
 * What the host's object must have for the functions of an import table: under each function's member name,
 * a handler that fits its entry (resource functions are the classes', checked by {@link hostResourceClass}).
 */
export type ImportHost<Table> = {
  readonly [
    K in keyof Table as K extends `[${string}`
      ? never
      : Table[K] extends ImportSpec<infer _H, infer M>
        ? M
        : never
  ]: Table[K] extends ImportSpec<infer H, string> ? H : never;
};

/**
 * The members of resource `N` in import table `T`, as {@link hostResourceClass} groups them at run time:
 * jco names a method or static by the lowerCamel form of its WIT name.
 */
export interface TableMembers<T, N extends string> {
  readonly create?: T[Extract<keyof T, `[constructor]${N}`>];
  readonly methods: {
    readonly [K in keyof T as K extends `[method]${N}.${infer F}` ? Camel<F> : never]: T[K];
  };
  readonly statics: {
    readonly [K in keyof T as K extends `[static]${N}.${infer F}` ? Camel<F> : never]: T[K];
  };
}

/** `unknown` when table `T` has an entry of resource `N`, else `never`. */
type TableHas<T, N extends string> = [
  Extract<keyof T, `[constructor]${N}` | `[method]${N}.${string}` | `[static]${N}.${string}`>,
] extends [never]
  ? never
  : unknown;

function tableMembers(
  table: Readonly<Record<string, ImportSpec>>,
  resource: string,
): HostResourceMembers {
  const methods: Record<string, ImportSpec> = {};
  const statics: Record<string, ImportSpec> = {};
  const method = `[method]${resource}.`;
  const fn = `[static]${resource}.`;
  for (const [key, spec] of Object.entries(table)) {
    if (key.startsWith(method)) methods[camel(key.slice(method.length))] = spec;
    else if (key.startsWith(fn)) statics[camel(key.slice(fn.length))] = spec;
  }
  const create = table[`[constructor]${resource}`];
  return create === undefined ? { methods, statics } : { create, methods, statics };
}

/**
 * The class jco gets for a host resource in one instance. jco constructs it for `[constructor]r`, calls its
 * statics and methods, and checks `instanceof` on every object that crosses; each adapter stands for one
 * host object (the host class's instances need not be anything in particular). `hostClass` provides the
 * constructor and statics, when the resource has any.
 */
export function hostResourceClass<R, C>(
  core: InstanceCore,
  type: HostResourceType<R>,
  hostClass: C,
  members?: NoInfer<HostResourceMembers<R, C>>,
): object;
/**
 * The same, with the members of resource `resource` taken from an import table (see {@link TableMembers}):
 * `[constructor]r`, `[method]r.f` and `[static]r.f` under jco's name for `f`, its lowerCamel name. Compiles
 * only when the host's objects and class fit those entries.
 */
export function hostResourceClass<R, C, T extends object, N extends string>(
  core: InstanceCore,
  type: HostResourceType<R>,
  hostClass: C,
  table: T,
  resource: N & (TableMembers<T, N> extends HostResourceMembers<R, C> ? TableHas<T, N> : never),
): object;
export function hostResourceClass<R, C>(
  core: InstanceCore,
  type: HostResourceType<R>,
  hostClass: C,
  given: object = {},
  resource?: string,
): object {
  const members: HostResourceMembers =
    resource === undefined ? given : tableMembers(given as Record<string, ImportSpec>, resource);
  const owner = coreOf(core);
  const needsClass = members.create !== undefined || Object.keys(members.statics ?? {}).length > 0;
  const statics = needsClass
    ? requireHost(hostClass, `the class of resource \`${type.name}\``)
    : {};
  if (members.create !== undefined && typeof hostClass !== "function") {
    throw new TypeError(
      `the host did not provide a class (with a constructor) for resource \`${type.name}\``,
    );
  }
  const construct = hostClass as new (...args: unknown[]) => object;
  // The instance's resource table (host-resources.ts): objects the guest owns are entries of it.
  const table = hostTableState(owner);
  /**
   * What each adapter stands for: a host object and, when it had one, the entry it was handed out for. One
   * adapter per entry: once the entry is deleted the adapter's handle is stale for good, even if the host
   * enters the object again (that entry gets an adapter of its own).
   */
  const records = new WeakMap<object, AdapterRecord>();
  /** The latest adapter of each host object. */
  const adapters = new WeakMap<object, object>();
  // jco's `new` makes the adapter itself; the host object it stands for needs no lowering.
  const create =
    members.create === undefined ? undefined : { ...members.create, returns: undefined };

  class Adapter {
    constructor(...args: unknown[]) {
      if (create === undefined) throw new TypeError(`resource \`${type.name}\` has no constructor`);
      let host: object | undefined;
      let given: { readonly handle: Handle<unknown>; readonly fresh: boolean } | undefined;
      const enter = (made: object): undefined => {
        if (!isObject(made) && typeof made !== "function") {
          throw new TypeError(`the constructor of \`${type.name}\` did not return an object`);
        }
        given = table.giveToGuest(type, made);
        host = made;
        return undefined;
      };
      // A generated adapter (`--autodrop-borrows`) constructs the object itself; it is entered all the same.
      const invoke = create.invoke;
      const spec =
        invoke === undefined
          ? create
          : {
              ...create,
              invoke: (target: unknown, call: ImportCall) => enter(invoke(target, call) as object),
            };
      try {
        runHost(
          owner,
          spec,
          args,
          (lifted) => enter(Reflect.construct(construct, lifted) as object),
          construct,
        );
      } catch (error) {
        // Entered, then the call failed (a borrow handle not dropped): the guest gets nothing.
        if (given !== undefined) table.giveBack(type, host!, given.handle, given.fresh);
        throw error;
      }
      records.set(this, { host: host!, handle: given!.handle });
      adapters.set(host!, this);
    }
  }
  /** The adapter that stands for `host` (and its entry `handle`, if any) in the guest. */
  const adapterFor = (host: object, handle: Handle<unknown> | undefined): object => {
    const latest = adapters.get(host);
    if (latest !== undefined && records.get(latest)?.handle === handle) return latest;
    const adapter = Object.create(Adapter.prototype) as object;
    records.set(adapter, { host, handle });
    adapters.set(host, adapter);
    return adapter;
  };
  const recordOf = (adapter: unknown): AdapterRecord => {
    const record = isObject(adapter) ? records.get(adapter) : undefined;
    if (record === undefined) throw new TypeError(`not a \`${type.name}\` of this instance`);
    // The host may have deleted the entry while the guest still held it: a use after free, refused.
    if (record.handle !== undefined && !table.isLive(record.handle))
      throw new StaleHandleError(record.handle, type.name);
    return record;
  };
  const hostOf = (adapter: unknown): object => recordOf(adapter).host;
  for (const [jcoName, spec] of Object.entries(members.methods ?? {})) {
    const method = function (this: unknown, ...args: unknown[]): unknown {
      const host = hostOf(this) as Record<string, unknown>;
      return runHost(
        owner,
        spec,
        args,
        (lifted) => Reflect.apply(hostMember(host, spec), host, lifted),
        host,
      );
    };
    Object.defineProperty(Adapter.prototype, jcoName, {
      value: method,
      writable: true,
      configurable: true,
    });
  }
  for (const [jcoName, spec] of Object.entries(members.statics ?? {})) {
    // A class's `prototype` cannot be replaced: a static of that name is unreachable through jco.
    if (jcoName === "prototype") continue;
    hostMember(statics, spec);
    const fn = (...args: unknown[]): unknown =>
      runHost(
        owner,
        spec,
        args,
        (lifted) => Reflect.apply(hostMember(statics, spec), statics, lifted),
        statics,
      );
    Object.defineProperty(Adapter, jcoName, { value: fn, writable: true, configurable: true });
  }
  const dropName = `${type.name}#[drop]`;
  Object.defineProperty(Adapter.prototype, Symbol.dispose, {
    value(this: object): void {
      // jco drops the guest's own handle: its entry is deleted (the destructor runs unless the host deleted
      // it first; a parent with children or a lent entry fails, and the guest traps). A stale handle deletes
      // nothing, not even a newer entry of the same object.
      const record = records.get(this);
      if (record === undefined) return;
      const handle = record.handle;
      if (handle !== undefined)
        owner.gate.runImport(dropName, () => table.dropHandle(type, handle));
      records.delete(this);
      if (adapters.get(record.host) === this) adapters.delete(record.host);
    },
    writable: true,
    configurable: true,
  });
  owner.defineHostBridge(type, {
    adapter: Adapter,
    toGuest(host, own, gifts) {
      if (!own) return adapterFor(host, table.liveHandleOf(host));
      // The WASI shim gives out the same object on purpose (a preopened directory, at every
      // `get-directories`), and jco hands the guest the one handle that object has; for the host's own
      // objects an object already owned by the guest is refused.
      const { handle, fresh, again } = table.giveToGuest(type, host, takesRawBorrows(host));
      if (!again) gifts?.push(() => table.giveBack(type, host, handle, fresh));
      return adapterFor(host, handle);
    },
    fromGuest(adapter, borrow) {
      const record = recordOf(adapter);
      if (borrow) table.lendForImport(record.host);
      // The guest gives its owning handle to the host: the entry stays, and is the host's now.
      else if (record.handle !== undefined) table.receiveFromGuest(record.handle);
      return record.host;
    },
  });
  return Adapter;
}
