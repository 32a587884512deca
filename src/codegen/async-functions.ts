/**
 * Code generation, async functions: which functions of a world are `async func`s, named as jco's
 * `asyncImports` / `asyncExports` options take them (`ns:pkg/iface@1.0.0#name`, `ns:pkg/iface#[method]r.m`,
 * a world-level `name`). Consumes the resolved model and a world; produces the two lists and the jco options
 * made of them (`jco-transpile.ts` puts them on the command line). `gen x.wasm` transpiles with these
 * options, an SDK generated from WIT exports them as `jcoTranspileOptions`, and the CLI prints the command,
 * so nobody writes them by hand.
 *
 * jco reads an `async func` import's kind from the component itself, and `asyncImports` marks an import as
 * "manually async" (a synchronous function whose JavaScript handler returns a promise). Marking an `async
 * func` so makes jco 1.35 treat a guest's synchronous call of it (a sync-lowered async import) as an async
 * one: the result never reaches the guest's memory. The world's async imports are therefore never put in
 * `asyncImports`; its async exports are listed in `asyncExports`, as jco's own tests do.
 */
import type { Function, Resolve, WorldId, WorldItem, WorldKey } from "../wit/model.js";

export interface AsyncFunctionNames {
  readonly imports: readonly string[];
  readonly exports: readonly string[];
}

function isAsync(func: Function): boolean {
  return func.kind.kind.startsWith("async-");
}

/** The interface's name as jco spells it in those lists, or the world-level key. */
function itemPrefix(resolve: Resolve, key: WorldKey, item: WorldItem): string | undefined {
  if (item.kind !== "interface") return undefined;
  if (typeof key === "string") return key;
  const iface = resolve.interfaces[item.id]!;
  const pkg = iface.package === undefined ? undefined : resolve.packages[iface.package];
  if (pkg === undefined || iface.name === undefined) return key.toString();
  const { namespace, name, version } = pkg.name;
  const base = `${namespace}:${name}/${iface.name}`;
  return version === undefined ? base : `${base}@${version}`;
}

function names(resolve: Resolve, items: ReadonlyMap<WorldKey, WorldItem>): string[] {
  const out: string[] = [];
  for (const [key, item] of items) {
    if (item.kind === "function") {
      if (isAsync(item.func)) out.push(item.func.name);
      continue;
    }
    if (item.kind !== "interface") continue;
    // The prefix is spelled only for an interface that has an async function: most have none.
    let prefix: string | undefined;
    for (const func of resolve.interfaces[item.id]!.functions.values()) {
      if (isAsync(func)) out.push(`${(prefix ??= itemPrefix(resolve, key, item))}#${func.name}`);
    }
  }
  return out;
}

/** The `async func`s a world imports and exports. */
export function asyncFunctionNames(resolve: Resolve, world: WorldId): AsyncFunctionNames {
  const w = resolve.worlds[world]!;
  return { imports: names(resolve, w.imports), exports: names(resolve, w.exports) };
}

/** Whether a world has any `async func` (its component then needs jco's JSPI output). */
export function hasAsyncFunctions(names: AsyncFunctionNames): boolean {
  return names.imports.length > 0 || names.exports.length > 0;
}

/** jco's transpile options for a world's async functions (see the file comment), or none without any. */
export interface JcoAsyncOptions {
  readonly asyncMode: "jspi";
  readonly asyncExports: readonly string[];
}

export function jcoAsyncOptions(names: AsyncFunctionNames): JcoAsyncOptions | undefined {
  return hasAsyncFunctions(names) ? { asyncMode: "jspi", asyncExports: names.exports } : undefined;
}
