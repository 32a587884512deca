/**
 * Code generation, jco's side of a world: what `jco transpile` must be told for a component of the world to
 * run under its SDK. Consumes the resolved model and a world (and its `async func` names); produces the
 * `map` entries that keep two versions of one interface apart (jco reads both from one unversioned key
 * otherwise) and the exact `jco transpile` command line with them and the JSPI lists. `gen x.wasm`
 * transpiles with these options itself; for a WIT input the CLI prints the command and the SDK exports the
 * options as `jcoTranspileOptions`, so nobody writes them by hand.
 */
import { interfaceIdentifier, type Resolve, type WorldId } from "../wit/model.js";
import { jcoAsyncOptions, type AsyncFunctionNames } from "./async-functions.js";

/**
 * jco's `map` for a world: each versioned interface import that shares its unversioned id with another
 * import of the world (`example:dep/test@0.1.0` and `@0.2.0`) is read from its own versioned key.
 * Sorted by id; empty when no two versions of one interface meet.
 */
export function versionMaps(resolve: Resolve, world: WorldId): [string, string][] {
  const byBare = new Map<string, string[]>();
  for (const [key, item] of resolve.worlds[world]!.imports) {
    // A named import (`import primary: dep;`) is read under its name: no version to merge.
    if (item.kind !== "interface" || typeof key === "string") continue;
    const ident = interfaceIdentifier(resolve, item.id);
    if (ident === undefined) continue;
    const bare = ident.replace(/@[^/]*$/, "");
    let ids = byBare.get(bare);
    if (ids === undefined) byBare.set(bare, (ids = []));
    ids.push(ident);
  }
  const maps: [string, string][] = [];
  for (const ids of byBare.values()) if (ids.length > 1) for (const id of ids) maps.push([id, id]);
  return maps.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Quotes a shell word when it needs it (POSIX shells). */
function shellWord(text: string): string {
  return /^[\w:/@.#=-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

/**
 * `jco transpile` as an SDK of the world needs it: instantiation mode, a `--map` per versioned import that
 * meets another version of its interface, and JSPI with the async exports ({@link jcoAsyncOptions}).
 */
export function jcoTranspileCommand(
  component: string,
  names: AsyncFunctionNames,
  maps: readonly (readonly [string, string])[] = [],
): string {
  const parts = ["jco", "transpile", shellWord(component), "--instantiation", "async"];
  for (const [from, to] of maps) parts.push("--map", shellWord(`${from}=${to}`));
  const options = jcoAsyncOptions(names);
  if (options !== undefined) {
    parts.push("--async-mode", options.asyncMode);
    if (options.asyncExports.length > 0)
      parts.push("--async-exports", ...options.asyncExports.map(shellWord));
  }
  return parts.join(" ");
}
