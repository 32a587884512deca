/**
 * Runtime, jco's module: what both an in-thread instance (`instance-core.ts`) and an isolated instance's worker
 * (`isolate-worker.ts`) read of jco's instantiation-mode output. Consumes the transpiled module and errors
 * thrown through it; produces the names of the core modules to load before instantiating, calls of the
 * functions at a path of its exports, and recognises jco's `ComponentError`.
 */
import type { ComponentModule } from "./instance-core.js";

/**
 * The file names of the component's core modules, in the order jco asks for them. jco asks for every core
 * module before it instantiates any, so its `instantiate` runs only until the first instantiation. Knowing
 * them, the caller loads each and instantiates again with callbacks that answer at once: jco then returns
 * the exports object itself, never a promise resolved with it (a world that exports `then` makes that
 * object a thenable, which no promise may be resolved with).
 */
export function coreModuleNames(component: ComponentModule, imports: object): string[] {
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
  return names;
}

/**
 * Recognises jco's `ComponentError` by its constructor's name and its `payload`: each instance defines a class of
 * its own, so `instanceof` cannot tell it across instances.
 */
export function isComponentError(error: unknown): error is Error & { readonly payload: unknown } {
  return (
    error instanceof Error &&
    error.constructor.name === "ComponentError" &&
    Object.prototype.hasOwnProperty.call(error, "payload")
  );
}

/** Walks `path` from `root` and calls (or constructs) what it names. */
export function invokeAt(
  root: object,
  path: readonly string[],
  construct: boolean,
  args: readonly unknown[],
): unknown {
  let holder: unknown = root;
  const last = path.length - 1;
  for (let index = 0; index < last; index++)
    holder = (holder as Record<string, unknown>)[path[index] ?? ""];
  const target = (holder as Record<string, unknown>)[path[last] ?? ""];
  if (typeof target !== "function")
    throw new TypeError(`jco's exports have no function at ${path.join(".")}`);
  return construct ? Reflect.construct(target, args) : Reflect.apply(target, holder, args);
}
