/**
 * Runtime, guest resource descriptors and their classes: {@link guestResource} declares a resource the guest
 * implements and the class that wraps its objects (a {@link GuestResource}, so disposing it drops the guest's
 * handle). The class is built here from the interface's export table, a method for each `[method]r.f` entry
 * under jco's name that calls the guest through the instance's gate, as `bindExports` builds the interface's
 * object; the generator prints the class itself only when it named a method otherwise (a keyword, a clash). One
 * class per descriptor, built once, so `instanceof` tells this SDK's objects of the type apart from any other.
 *
 * The table's entries name the descriptor (`own(counterType)`), so the descriptor comes first and is handed the
 * table as a function, read when the first object is wrapped; its type comes from the generated annotation
 * (`const counterType: GuestResourceType<Counter> = ...`), which keeps the descriptor's type from depending on
 * the table's. The call compiles only when the table's methods of the resource are exactly the declared
 * interface's, parameter for parameter, as `bindExports` checks the interface's functions.
 *
 * Consumes resource names, export tables and generated classes; produces guest resource descriptors.
 */

import type { BoundMethod, Exactly, HasEntries } from "./bind-exports.js";
import { callMethod, type ExportSpec, type PathOf } from "./export-calls.js";
import {
  GuestResource,
  type GuestResourceClass,
  type GuestResourceType,
} from "./guest-resources.js";
import { camel } from "./member-names.js";
import type { AsyncCallOptions } from "./tasks.js";

/**
 * The methods the class built from entries `T` has for resource `N`: each `[method]N.f` entry under jco's name
 * (the one it states, or `f` in lowerCamel), typed as `bindExports` types a function.
 */
export type GuestMethods<T, N extends string> = {
  readonly [
    K in keyof T as K extends `[method]${N}.${string}` ? PathOf<K, T[K]> : never
  ]: BoundMethod<T[K]>;
};

/** The resource's own name in its full WIT name (`ns:pkg/iface#name`, or the bare name). */
export type ResourceNameOf<S extends string> = S extends `${string}#${infer N}` ? N : S;

/** `unknown` when the class built from table `T` for the resource named `S` has exactly the methods of `R`. */
type BuildsExactly<T, S extends string, R> =
  T extends HasEntries<infer E>
    ? [Exactly<GuestMethods<E, ResourceNameOf<S>> & Disposable>] extends [Exactly<R>]
      ? unknown
      : never
    : never;

/** `unknown` when `R` has no method but its destructor. */
type NoMethods<R> = [Exclude<keyof R, typeof Symbol.dispose>] extends [never] ? unknown : never;

/**
 * Declares guest resource `name` (`ns:pkg/iface@version#r`) whose class is built from the interface's export
 * table, which `table` returns: its `[method]r.f` entries become the methods. `R`, the declared interface, comes
 * from the annotation of the constant the descriptor is assigned to; the table's methods must be exactly its.
 */
export function guestResource<R, T, S extends string>(
  name: S & BuildsExactly<T, S, R>,
  table: () => T,
): GuestResourceType<R>;
/** Declares guest resource `name` whose objects have no method but their destructor. */
export function guestResource<R>(name: string & NoMethods<R>): GuestResourceType<R>;
/** Declares guest resource `name` of interface `R` and the generated class that wraps its objects. */
export function guestResource<R>(
  name: string,
  wrapper: GuestResourceClass & (new (...args: never[]) => R),
): GuestResourceType<R>;
/*#__NO_SIDE_EFFECTS__*/
export function guestResource(
  name: string,
  given?: GuestResourceClass | (() => unknown),
): GuestResourceType {
  if (given === undefined || given.prototype instanceof GuestResource) {
    return { side: "guest", name, wrapper: (given as GuestResourceClass) ?? classOf(name, {}) };
  }
  const table = given as () => Readonly<Record<string, ExportSpec>>;
  let wrapper: GuestResourceClass | undefined;
  return {
    side: "guest",
    name,
    get wrapper() {
      return (wrapper ??= classOf(name, table()));
    },
  };
}

/** The class of guest resource `name`: a method for each of its `[method]` entries in `table`. */
function classOf(name: string, table: Readonly<Record<string, ExportSpec>>): GuestResourceClass {
  const resource = name.slice(name.lastIndexOf("#") + 1);
  const wrapper = class extends GuestResource {};
  // Named as the generator names a printed one, for stack traces and the console.
  Object.defineProperty(wrapper, "name", {
    value: `${resource.charAt(0).toUpperCase()}${camel(resource.slice(1))}Resource`,
  });
  const prefix = `[method]${resource}.`;
  for (const [key, spec] of Object.entries(table)) {
    if (!key.startsWith(prefix)) continue;
    // As a class's methods are: not enumerable, writable, configurable.
    Object.defineProperty(wrapper.prototype, spec.path[spec.path.length - 1]!, {
      value: methodOf(spec),
      writable: true,
      configurable: true,
    });
  }
  return wrapper;
}

/** A method that calls `spec` on its resource: exactly as many arguments as it has parameters, then an async call's options. */
function methodOf(spec: ExportSpec): (this: GuestResource, ...args: unknown[]) => Promise<unknown> {
  const arity = spec.params.length;
  if (spec.async) {
    return function (this: GuestResource, ...args) {
      return callMethod(
        this,
        spec,
        args.slice(0, arity),
        args[arity] as AsyncCallOptions | undefined,
      );
    };
  }
  return function (this: GuestResource, ...args) {
    if (args.length !== arity) args = Array.from({ length: arity }, (_, index) => args[index]);
    return callMethod(this, spec, args);
  };
}
