/**
 * Runtime, entry point: re-exports everything generated SDK code may use (see `symbols.ts` for the list
 * the generator imports through). The runtime files are copied into each generated SDK, so this file and
 * its siblings import nothing but each other.
 */

export * from "./errors.js";
export * from "./call-gate.js";
export * from "./resource-table.js";
export * from "./borrow.js";
export * from "./loans.js";
export * from "./host-resources.js";
export * from "./value-types.js";
export * from "./leaf-types.js";
export * from "./compound-types.js";
export * from "./guest-resources.js";
export * from "./instance-core.js";
export * from "./jco-module.js";
export * from "./member-names.js";
export * from "./export-calls.js";
export * from "./bind-exports.js";
export * from "./guest-resource-classes.js";
export * from "./import-adapters.js";
export * from "./wasi.js";
export * from "./wasi-exit-error.js";
export * from "./raw-borrowers.js";
export * from "./isolate-errors.js";
export type * from "./isolate-options.js";
export * from "./canonical-memory.js";
export * from "./canonical-abi.js";
export * from "./direct-calls.js";
export * from "./direct-imports.js";
export * from "./tasks.js";
export * from "./async-values.js";
