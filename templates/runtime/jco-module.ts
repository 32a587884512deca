/**
 * Runtime, jco's module: what both an in-thread instance (`instance-core.ts`) and an isolated instance's worker
 * (`isolate-worker.ts`) read of jco's instantiation-mode output. Consumes the transpiled module and errors
 * thrown through it; produces the names of the core modules to load before instantiating, and recognises
 * jco's `ComponentError`.
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
