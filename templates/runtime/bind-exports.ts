/**
 * Runtime, export objects: the object an app calls for one exported interface (`app.store.add(...)`,
 * `app.store.Counter.create(...)`) is built here from the interface's spec table, instead of being printed
 * method by method. {@link bindExports} gives each function, constructor and static of the table a method that
 * goes through {@link callExport}; its type is the contract interface the SDK declares, and a table whose
 * descriptors disagree with that interface (a parameter or result of another type, a parameter too many or too
 * few, a member missing or extra) is a compile error, so the declared types and the runtime checks cannot drift.
 *
 * Consumes an instance core and a table from `exportTable`; produces the interface's object.
 */

import {
  callExport,
  type BodyOf,
  type ExportSpec,
  type ExportSpecOf,
  type PathOf,
} from "./export-calls.js";
import type { Borrowed } from "./borrow.js";
import type { Lendable } from "./guest-resources.js";
import type { InstanceCore } from "./instance-core.js";
import type { AsyncCallOptions } from "./tasks.js";

declare const boundBrand: unique symbol;
declare const entriesBrand: unique symbol;

/** WIT keys of the table's functions (neither methods, constructors nor statics). */
type FreeKey<K> = K extends `[${string}` ? never : K;

/**
 * The SDK's method for a table entry: its parameters, and call options after them for an `async func`; a
 * `result<_, E>` resolves with nothing (`void`), as the contract interface says.
 */
export type BoundMethod<E> =
  ExportSpecOf<E> extends ExportSpec<infer R, infer P, unknown>
    ? BodyOf<E> extends readonly [string, readonly unknown[], unknown, { readonly async: true }]
      ? (...args: [...Declared<P>, options?: AsyncCallOptions | undefined]) => Promise<Resolved<R>>
      : (...args: Declared<P>) => Promise<Resolved<R>>
    : never;

/**
 * Parameters as the contract interface declares them: a borrow the host lends is declared `Borrowed<R>` (the
 * host's own object fits it), though lowering also takes the `BorrowHandle<R>` of a borrow a host import received.
 */
type Declared<P> = {
  [I in keyof P]: [P[I]] extends [Lendable<infer R>]
    ? [Lendable<R>] extends [P[I]]
      ? Borrowed<R & object>
      : P[I]
    : P[I];
};

/**
 * `void` for a value that can only be `undefined` (the `ok` of `result<_, E>`); a descriptor whose type the
 * signature states (`Contextual`, such as a `future` result) stays as it is.
 */
type Resolved<R> = 0 extends 1 & R ? R : [R] extends [undefined] ? void : R;

/** jco's name of a resource class, from a constructor's or static's path (`Counter`, `Counter.zero`). */
type ClassOf<K, E> = K extends `[constructor]${string}`
  ? PathOf<K, E>
  : K extends `[static]${string}`
    ? PathOf<K, E> extends `${infer C}.${string}`
      ? C
      : never
    : never;

/** The static side of class `C`: `create` for its constructor, then its statics by name. */
type StaticSide<T, C extends string> = {
  readonly [
    K in keyof T as K extends `[constructor]${string}`
      ? PathOf<K, T[K]> extends C
        ? "create"
        : never
      : K extends `[static]${string}`
        ? PathOf<K, T[K]> extends `${C}.${infer F}`
          ? F
          : never
        : never
  ]: BoundMethod<T[K]>;
};

/** The object {@link bindExports} builds from a table of entries `T`. */
export type BoundExports<T> = {
  readonly [K in keyof T as FreeKey<K> extends never ? never : PathOf<K, T[K]>]: BoundMethod<T[K]>;
} & {
  readonly [C in { [K in keyof T]: ClassOf<K, T[K]> }[keyof T]]: StaticSide<T, C>;
};

/**
 * What two object types are compared by: each function member as its parameter tuple and its result, each
 * object member member by member. A method's parameters are compared both ways only in this form (TypeScript
 * checks a method's parameters bivariantly, so an interface would accept a wrapper that takes less).
 */
export type CallShape<T> = {
  [K in keyof T]-?: T[K] extends (...args: infer P) => infer R
    ? [P, R]
    : T[K] extends object
      ? CallShape<T[K]>
      : T[K];
};

/** Carries a shape for the type checker: a function of it, so that it is compared both ways. */
export type Exactly<T> = (shape: CallShape<T>) => CallShape<T>;

/**
 * The type of a spec table built from entries `T`: each entry's spec, keyed by WIT name, and what
 * {@link bindExports} makes of the table.
 */
export type ExportTable<T> = { readonly [K in keyof T]: ExportSpecOf<T[K]> } & BindsTo<
  BoundExports<T>
> &
  HasEntries<T>;

/**
 * A table built from entries `T`, for the type checker: what a guest resource's class built from the table has
 * (`guestResource`) is read from the entries, which say more than the specs (jco's name, `async`).
 */
export interface HasEntries<T> {
  /** Only carries `T` for the type checker. */
  readonly [entriesBrand]?: { readonly entries: T };
}

/** A table from `exportTable` that binds, through {@link bindExports}, to exactly the object type `I`. */
export interface BindsTo<I> {
  /** Only carries `I` for the type checker. */
  readonly [boundBrand]?: Exactly<I>;
}

/**
 * The object of an exported interface: a method per function of `table` (jco's name is the SDK's), and per
 * resource with a constructor or statics its static side (`Counter.create(...)`, `Counter.zero()`). `I` is the
 * contract interface; the table must bind to exactly it.
 */
export function bindExports<I>(core: InstanceCore, table: BindsTo<I>): I {
  const out: Record<string, unknown> = {};
  const classes: Record<string, Record<string, unknown>> = {};
  for (const [wit, spec] of Object.entries(table as Readonly<Record<string, ExportSpec>>)) {
    if (wit.startsWith("[method]")) continue;
    const method = bind(core, spec);
    if (wit.startsWith("[constructor]")) {
      (classes[spec.path[spec.path.length - 1]!] ??= {})["create"] = method;
    } else if (wit.startsWith("[static]")) {
      const [cls, name] = spec.path.slice(-2) as [string, string];
      (classes[cls] ??= {})[name] = method;
    } else {
      out[spec.path[spec.path.length - 1]!] = method;
    }
  }
  return Object.assign(out, classes) as I;
}

/** One export as a method: its arguments, exactly as many as it has parameters, then an async call's options. */
function bind(core: InstanceCore, spec: ExportSpec): (...args: unknown[]) => Promise<unknown> {
  const arity = spec.params.length;
  if (spec.async) {
    return (...args) =>
      callExport(
        core,
        spec,
        args.slice(0, arity),
        undefined,
        args[arity] as AsyncCallOptions | undefined,
      );
  }
  return (...args) => {
    if (args.length !== arity) args = Array.from({ length: arity }, (_, index) => args[index]);
    return callExport(core, spec, args);
  };
}
