/**
 * A typed handle on Node's global `WebAssembly` for the end-to-end suite. The project compiles with
 * `lib: ES2022` and `@types/node@20`, neither of which declares `WebAssembly`, and a global
 * declaration here could clash with one the runtime code adds later; so this module types only the
 * few members the tests use and exports them as values. It consumes nothing and produces `wasm`.
 */

declare const coreModuleBrand: unique symbol;
declare const coreInstanceBrand: unique symbol;

/** A compiled core module (`WebAssembly.Module`). */
export interface CoreModule {
  readonly [coreModuleBrand]: true;
}

/** An instantiated core module (`WebAssembly.Instance`). */
export interface CoreInstance {
  readonly [coreInstanceBrand]: true;
  readonly exports: Record<string, unknown>;
}

/** Core import object: module name -> field name -> value. */
export type CoreImports = Record<string, Record<string, unknown>>;

interface WebAssemblyApi {
  readonly Module: new (bytes: Uint8Array) => CoreModule;
  readonly Instance: new (module: CoreModule, imports?: CoreImports) => CoreInstance;
  readonly RuntimeError: new (message?: string) => Error;
}

/** Node's `WebAssembly`, typed for the tests. */
export const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
