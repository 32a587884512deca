/**
 * Resolution, stage 2, worlds: elaboration (wit-parser's `Resolve::elaborate_world`). Consumes a
 * {@link Resolve} whose types and interfaces are final and a world just added to it, its `include`s applied
 * (`resolve-include.ts`); produces the world's final imports and exports: elaboration adds, as imports, every
 * interface that an imported or exported item transitively depends on, sorts imports by class (interfaces, type
 * imports, type definitions, functions, resource functions), and rejects worlds whose exports would need one
 * interface both imported and exported (WebAssembly/component-model#208); kebab-case names that differ only in
 * case are rejected too.
 *
 * Walks over dependency chains use explicit stacks: a chain of thousands of
 * interfaces or aliases must not overflow the call stack.
 */
import { codes } from "../diagnostics/codes.js";
import { abort, error } from "../diagnostics/diagnostic.js";
import type { Span } from "../diagnostics/source-map.js";
import type {
  InterfaceId,
  Resolve,
  Stability,
  TypeId,
  World,
  WorldId,
  WorldItem,
  WorldKey,
} from "./model.js";
import { functionResource, ownerEquals, worldKeyName } from "./model.js";

// ---------------------------------------------------------------------------
// Dependencies between interfaces
// ---------------------------------------------------------------------------

/** The interface a `use`d type comes from, when it is not the type's own owner. */
function typeInterfaceDep(resolve: Resolve, id: TypeId): InterfaceId | undefined {
  const ty = resolve.types[id]!;
  if (ty.kind.kind !== "type" || typeof ty.kind.type === "string") return undefined;
  const other = resolve.types[ty.kind.type.id]!;
  if (ownerEquals(ty.owner, other.owner)) return undefined;
  return other.owner.kind === "interface" ? other.owner.id : undefined;
}

/** The interfaces an interface uses types from, in type order (may repeat). */
function interfaceDirectDeps(resolve: Resolve, id: InterfaceId): InterfaceId[] {
  const out: InterfaceId[] = [];
  for (const t of resolve.interfaces[id]!.types.values()) {
    const dep = typeInterfaceDep(resolve, t);
    if (dep !== undefined) out.push(dep);
  }
  return out;
}

/**
 * Kebab-case names are case-insensitive: a world may not import (or
 * export) both `get-user` and `GET-USER`.
 */
export function checkCaseInsensitiveNames(world: World, span: Span): void {
  for (const [items, desc] of [
    [world.imports, "import"],
    [world.exports, "export"],
  ] as const) {
    const seen = new Map<string, string>();
    for (const key of items.keys()) {
      if (typeof key !== "string") continue;
      const lower = key.toLowerCase();
      const existing = seen.get(lower);
      if (existing !== undefined && existing !== key) {
        abort(
          error(
            codes.WorldItemConflict,
            `${desc} \`${key}\` in world \`${world.name}\` conflicts with ${desc} \`${existing}\` (kebab-case identifiers are case-insensitive)`,
            span,
          ),
        );
      }
      seen.set(lower, key);
    }
  }
}

// ---------------------------------------------------------------------------
// Elaboration
// ---------------------------------------------------------------------------

/**
 * The class of a world import, which orders imports the way a world is
 * printed: interfaces, type imports (`use`), type definitions, functions,
 * resource functions. Within a class the order stays as it is.
 */
/** The largest class {@link sortKey} gives. */
const MAX_SORT_KEY = 4;

function sortKey(resolve: Resolve, item: WorldItem): number {
  switch (item.kind) {
    case "interface":
      return 0;
    case "type": {
      const ty = resolve.types[item.id]!;
      if (ty.kind.kind === "type" && typeof ty.kind.type !== "string") {
        if (!ownerEquals(resolve.types[ty.kind.type.id]!.owner, ty.owner)) return 1;
      }
      return 2;
    }
    case "function":
      return functionResource(item.func.kind) === undefined ? 3 : 4;
    default: {
      const never: never = item;
      return never;
    }
  }
}

function sortedByClass(
  resolve: Resolve,
  entries: [WorldKey, WorldItem][],
): [WorldKey, WorldItem][] {
  // A stable sort by class, as the Rust sorts used here are: one pass per class (there are five), each in the
  // entries' order. No callbacks: a closure made per call is optimized anew in every run of a process.
  const keys = new Uint8Array(entries.length);
  for (let i = 0; i < entries.length; i++) keys[i] = sortKey(resolve, entries[i]![1]);
  const out: [WorldKey, WorldItem][] = [];
  for (let k = 0; k <= MAX_SORT_KEY; k++) {
    for (let i = 0; i < entries.length; i++) if (keys[i] === k) out.push(entries[i]!);
  }
  return out;
}

/** Imports `id` under `key`, after (transitively) every interface it depends on. */
function elaborateImport(
  resolve: Resolve,
  imports: Map<WorldKey, WorldItem>,
  key: WorldKey,
  id: InterfaceId,
  stability: Stability,
): void {
  if (imports.has(key)) return;
  const stack: { key: WorldKey; id: InterfaceId; deps: InterfaceId[]; next: number }[] = [
    { key, id, deps: interfaceDirectDeps(resolve, id), next: 0 },
  ];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next < top.deps.length) {
      const dep = top.deps[top.next++]!;
      if (!imports.has(dep))
        stack.push({ key: dep, id: dep, deps: interfaceDirectDeps(resolve, dep), next: 0 });
      continue;
    }
    stack.pop();
    imports.set(top.key, { kind: "interface", id: top.id, stability });
  }
}

/**
 * Adds the exported interfaces, and as imports what they need. An export's
 * dependency that is itself exported stays an export; any other becomes an
 * import together with its whole chain of dependencies. A world where an
 * interface would have to be both is rejected: the exports would see two
 * copies of it (WebAssembly/component-model#208).
 */
function elaborateExports(
  resolve: Resolve,
  exportInterfaces: Map<WorldKey, { id: InterfaceId; stability: Stability }>,
  imports: Map<WorldKey, WorldItem>,
  exports: Map<WorldKey, WorldItem>,
  worldSpan: Span,
): void {
  const requiredImports = new Set<InterfaceId>();
  interface Frame {
    id: InterfaceId;
    key: WorldKey;
    addExport: boolean;
    deps: InterfaceId[] | undefined;
    next: number;
  }
  for (const [rootKey, { id: rootId, stability }] of exportInterfaces) {
    // An explicit stack machine for the recursive `add_world_export`:
    // `result` carries a finished frame's answer to its parent.
    const stack: Frame[] = [
      { id: rootId, key: rootKey, addExport: true, deps: undefined, next: 0 },
    ];
    let result: boolean | undefined;
    while (stack.length > 0) {
      const f = stack[stack.length - 1]!;
      if (f.deps === undefined) {
        // Entering a frame.
        if (exports.has(f.key)) {
          result = f.addExport;
          stack.pop();
          continue;
        }
        if (!f.addExport && requiredImports.has(f.id)) {
          result = true;
          stack.pop();
          continue;
        }
        f.deps = interfaceDirectDeps(resolve, f.id);
        result = undefined;
      }
      if (result === false) {
        // A dependency failed: so does this frame (`all` stops at the first false).
        stack.pop();
        continue;
      }
      if (f.next < f.deps.length) {
        const dep = f.deps[f.next++]!;
        stack.push({
          id: dep,
          key: dep,
          // Only an export by path (`export iface;`) serves as a dependency: a named
          // one (`export name: iface;`) is a copy of its own that others cannot `use`.
          addExport: f.addExport && exportInterfaces.has(dep),
          deps: undefined,
          next: 0,
        });
        result = undefined;
        continue;
      }
      stack.pop();
      const item: WorldItem = { kind: "interface", id: f.id, stability };
      if (f.addExport) {
        if (requiredImports.has(f.id)) {
          result = false;
          continue;
        }
        exports.set(f.key, item);
      } else {
        requiredImports.add(f.id);
        if (!imports.has(f.key)) imports.set(f.key, item);
      }
      result = true;
    }
    if (result === false) {
      abort(
        error(
          codes.InvalidTransitiveDependency,
          `interface \`${worldKeyName(resolve, rootKey)}\` transitively depends on an interface in incompatible ways`,
          worldSpan,
        ),
      );
    }
  }
}

/** Fills in a world's implicit imports and puts imports in canonical order (wit-parser's `elaborate_world`). */
export function elaborateWorld(resolve: Resolve, worldId: WorldId, worldSpan: Span): void {
  const world = resolve.worlds[worldId]!;
  const imports = new Map<WorldKey, WorldItem>();
  for (const [key, item] of sortedByClass(resolve, [...world.imports])) {
    switch (item.kind) {
      case "interface":
        elaborateImport(resolve, imports, key, item.id, item.stability);
        break;
      case "function":
        imports.set(key, item);
        break;
      case "type": {
        const dep = typeInterfaceDep(resolve, item.id);
        if (dep !== undefined)
          elaborateImport(resolve, imports, dep, dep, resolve.types[item.id]!.stability);
        imports.set(key, item);
        break;
      }
      default: {
        const never: never = item;
        return never;
      }
    }
  }

  const exports = new Map<WorldKey, WorldItem>();
  // Keyed by the export's key, not the interface: `export a: iface; export b: iface;`
  // exports one interface twice, under two names.
  const exportInterfaces = new Map<WorldKey, { id: InterfaceId; stability: Stability }>();
  for (const [key, item] of world.exports) {
    switch (item.kind) {
      case "interface":
        exportInterfaces.set(key, { id: item.id, stability: item.stability });
        break;
      case "function":
        exports.set(key, item);
        break;
      case "type":
        throw new Error("a world exports a type");
      default: {
        const never: never = item;
        return never;
      }
    }
  }
  elaborateExports(resolve, exportInterfaces, imports, exports, worldSpan);

  world.imports = new Map(sortedByClass(resolve, [...imports]));
  world.exports = exports;
}
