/**
 * Resolution, stage 2, worlds: `include` (wit-parser's `Remap::resolve_include`). Consumes a {@link Resolve}
 * whose types and interfaces are final, the including world and the included one (final already: worlds are
 * added in dependency order); copies the included world's imports and exports into the including one,
 * renaming kebab-named items under `include w with { a as b }`, merging and checking their stability, and
 * deep-copying world-owned types and inline interfaces (`resolve-clone.ts`) so that the copies belong to the
 * including world.
 */
import { codes } from "../diagnostics/codes.js";
import { abort, error } from "../diagnostics/diagnostic.js";
import type { Span } from "../diagnostics/source-map.js";
import type { PackageId, Resolve, Stability, WorldId, WorldItem, WorldKey } from "./model.js";
import { UNKNOWN_STABILITY, stabilityEquals } from "./model.js";
import type { IncludeName } from "./resolve-package-state.js";
import { Cloner } from "./resolve-clone.js";

/**
 * The new name of a world item under `include ... with { name as as }`:
 * the item itself, or a resource function whose resource is renamed
 * (`[method]r.f` -> `[method]r2.f`, `[constructor]r` -> `[constructor]r2`).
 */
function rename(original: string, n: IncludeName): string | undefined {
  if (original === n.name) return n.as;
  const bracket = original.indexOf("]");
  if (bracket < 0) return undefined;
  const kind = original.slice(0, bracket);
  const rest = original.slice(bracket + 1);
  const dot = rest.indexOf(".");
  if (dot >= 0 && rest.slice(0, dot) === n.name) return `${kind}]${n.as}.${rest.slice(dot + 1)}`;
  if (rest === n.name) return `${kind}]${n.as}`;
  return undefined;
}

/** Copies the imports and exports of world `from` into world `into` (one `include`). */
export function applyInclude(
  resolve: Resolve,
  into: WorldId,
  from: WorldId,
  names: readonly IncludeName[],
  span: Span,
  pkg: PackageId,
): void {
  const world = resolve.worlds[into]!;
  const included = resolve.worlds[from]!;
  // Snapshots: including a world into itself is impossible (a cycle), but
  // the maps of `into` change below while those of `from` are read.
  const imports = [...included.imports];
  const exports = [...included.exports];
  let unused = names.slice();
  for (const [key] of [...imports, ...exports]) {
    if (typeof key === "string") unused = unused.filter((n) => rename(key, n) === undefined);
  }
  if (unused.length > 0) {
    abort(
      error(
        codes.IncludeNameNotFound,
        `no import or export kebab-name \`${unused[0]!.name}\`. Note that an ID does not support renaming`,
        span,
      ),
    );
  }
  // wit-parser only knows the package of already-added worlds here, so an
  // include is "external" exactly when it names a world of another package.
  const external = world.package !== included.package;
  const cloner = new Cloner(resolve, { kind: "world", id: from }, { kind: "world", id: into }, pkg);
  for (const entry of imports)
    includeItem(resolve, cloner, names, world.imports, entry, span, "import", external);
  for (const entry of exports)
    includeItem(resolve, cloner, names, world.exports, entry, span, "export", external);
}

function includeItem(
  resolve: Resolve,
  cloner: Cloner,
  names: readonly IncludeName[],
  dst: Map<WorldKey, WorldItem>,
  [key, item]: [WorldKey, WorldItem],
  span: Span,
  desc: "import" | "export",
  external: boolean,
): void {
  if (typeof key === "string") {
    let newName = key;
    for (const n of names) {
      const r = rename(key, n);
      if (r !== undefined) {
        newName = r;
        break;
      }
    }
    // A renamed function or type carries its new name itself, not only in the key.
    let copy = cloner.worldItem(item);
    if (copy.kind === "function")
      copy = { kind: "function", func: { ...copy.func, name: newName } };
    else if (copy.kind === "type") resolve.types[copy.id]!.name = newName;
    if (dst.has(newName)) {
      abort(
        error(
          codes.WorldItemConflict,
          `${desc} of \`${newName}\` shadows previously ${desc}ed items`,
          span,
        ),
      );
    }
    dst.set(newName, copy);
    return;
  }
  if (item.kind !== "interface") throw new Error("interface key without an interface");
  const prev = dst.get(key);
  const into = prev === undefined ? item : prev;
  if (into.kind !== "interface") throw new Error("interface key without an interface");
  const merged = mergeIncludeStability(item.stability, into.stability, external, span);
  dst.set(key, { kind: "interface", id: into.id, stability: merged });
}

/**
 * The stability of an interface included twice. A `@since` from another
 * package is dropped (its versions mean nothing here); otherwise an unknown
 * side takes the other's, and two different known ones are an error.
 */
function mergeIncludeStability(
  from: Stability,
  into: Stability,
  external: boolean,
  span: Span,
): Stability {
  if (external && from.kind === "stable") return UNKNOWN_STABILITY;
  if (stabilityEquals(from, into) || from.kind === "unknown") return into;
  if (into.kind === "unknown") return from;
  abort(
    error(
      codes.StabilityMismatch,
      `mismatch in stability from '${debugStability(from)}' to '${debugStability(into)}'`,
      span,
    ),
  );
}

/** Rust's `{:?}` of a `Stability`, for the mismatch message. */
function debugStability(s: Stability): string {
  const version = (v: string): string => {
    const m = /^(\d+)\.(\d+)\.(\d+)(?:-([^+]*))?(?:\+(.*))?$/.exec(v);
    if (!m) return v;
    let out = `Version { major: ${m[1]}, minor: ${m[2]}, patch: ${m[3]}`;
    if (m[4]) out += `, pre: Prerelease("${m[4]}")`;
    if (m[5]) out += `, build: BuildMetadata("${m[5]}")`;
    return `${out} }`;
  };
  const dep = (d: string | undefined): string => (d === undefined ? "None" : `Some(${version(d)})`);
  switch (s.kind) {
    case "unknown":
      return "Unknown";
    case "stable":
      return `Stable { since: ${version(s.since)}, deprecated: ${dep(s.deprecated)} }`;
    case "unstable":
      return `Unstable { feature: "${s.feature}", deprecated: ${dep(s.deprecated)} }`;
    default: {
      const never: never = s;
      return never;
    }
  }
}
