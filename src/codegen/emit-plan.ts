/**
 * Code generation, planning: decides, before anything is printed, what every emitter must agree on.
 * Consumes the resolved model and the world to generate; produces a {@link Plan}: one {@link Unit} per
 * output file of the SDK (the world entry `index.ts` and one file per interface and side), the names
 * declared in each file, the file every named type is declared in, whether a resource is implemented by
 * the guest or by the host, and the keys under which jco reads imports and exports
 * (jco's own names for them). Emitters only read the plan, so cross-file references come out the same from both ends.
 *
 * An interface that the world both imports and exports gets two files: the import side describes what the
 * host implements, the export side what the guest implements, and their resources are different things. Types
 * that hold no resource are the same on both sides and are declared once, in the import side's file.
 */
import type {
  Function,
  InterfaceId,
  Type,
  Resolve,
  Stability,
  TypeDef,
  TypeId,
  WorldId,
  WorldKey,
} from "../wit/model.js";
import { interfaceIdentifier } from "../wit/model.js";
import { publicRuntimeSymbols } from "./runtime-symbols.js";
import { createNameScope, toLowerCamel, toUpperCamel, tsName, type NameScope } from "./names.js";

/** Which direction a file's functions go: implemented by the host (`import`) or by the guest (`export`). */
export type Side = "import" | "export";

/** Who implements a resource: the guest (it is exported) or the host (it is imported). */
export type ResourceSide = "guest" | "host";

/** A resource together with its functions, grouped from the interface's mangled function names. */
export interface ResourceFunctions {
  readonly constructor: Function | undefined;
  readonly methods: Function[];
  readonly statics: Function[];
}

/** Names declared for one named type in its file. */
export interface TypeNames {
  /** The TypeScript type (interface or alias). */
  readonly type: string;
  /** The runtime descriptor constant (`pointType`). */
  readonly descriptor: string;
  /** Resources: the static-side type (`CounterClass`). */
  readonly classType: string | undefined;
  /** Guest resources: the wrapper class (`CounterResource`). */
  readonly wrapper: string | undefined;
}

/** One output file of the SDK. */
export interface Unit {
  readonly kind: "index" | "interface";
  readonly path: string;
  readonly side: Side;
  /** The interface (interface units only). */
  readonly iface: InterfaceId | undefined;
  /**
   * `ns:pkg/iface@1.0.0`, or the world key of an inline interface or of a named one (`primary` of
   * `import primary: store;`).
   */
  readonly key: string;
  /** A named interface (`import primary: store;`): jco reads and writes it under its name. */
  readonly named: boolean;
  /** The world item's stability (`@since` on `export documented;`). */
  readonly stability: Stability;
  /** Named types declared in this file, in dependency (id) order. */
  readonly types: TypeId[];
  readonly typeNames: Map<TypeId, TypeNames>;
  /** Free functions of this file, in declaration order. */
  readonly functions: Function[];
  /** Functions of each resource declared in this file. */
  readonly resources: Map<TypeId, ResourceFunctions>;
  /** Names claimed in this file: types (and classes), and values. */
  readonly typeScope: NameScope;
  readonly valueScope: NameScope;
  /** `HttpImports` / `StoreExports` (interface units). */
  readonly contract: string;
  /** `createHttpImports` / `createStoreExports` (interface units). */
  readonly factory: string;
  /** Export side: jco's key of the interface object (the full id, or the alias of an inline interface). */
  readonly jcoExportKey: string;
  /** Export side: the instance property; import side: the key in `Imports`. */
  instanceKey: string;
  /** Import side: whether jco reads it at all (only interfaces with functions or resources). */
  readonly readByJco: boolean;
}

export interface Plan {
  readonly resolve: Resolve;
  readonly world: WorldId;
  readonly worldName: string;
  readonly index: Unit;
  /** Interface units, import side first, in world order. */
  readonly units: Unit[];
  /**
   * The file that declares a named type, seen from a file of `side`; from `from` itself when it declares
   * the type (a resource of a named interface is that key's own).
   */
  declaringUnit(id: TypeId, side: Side, from?: Unit): Unit;
  /** The resource typedef an id stands for, following `type` aliases (a `use` of a resource). */
  resourceOf(id: TypeId): TypeId | undefined;
  /** Who implements a resource, seen from a file of `side`. */
  resourceSide(resource: TypeId, side: Side): ResourceSide;
  /** Interface units of the world's exports, and their instance keys. */
  readonly exportUnits: Unit[];
  readonly importUnits: Unit[];
  /** World-level exported functions with their instance keys. */
  readonly worldExports: { readonly func: Function; readonly key: string }[];
  /**
   * Interfaces the world imports at several versions: unversioned id -> the versioned ids. jco reads them
   * apart only when transpiled with its `map`; the SDK feeds only the versioned keys.
   */
  readonly mergedVersions: ReadonlyMap<string, string[]>;
}

/** Splits functions into free functions and resource members (`[method]r.f`, `[static]r.f`, `[constructor]r`). */
function groupFunctions(
  functions: Iterable<Function>,
  resourceIds: readonly TypeId[],
): { free: Function[]; resources: Map<TypeId, ResourceFunctions> } {
  const resources = new Map<
    TypeId,
    {
      constructor: Function | undefined;
      methods: Function[];
      statics: Function[];
    }
  >();
  for (const id of resourceIds)
    resources.set(id, { constructor: undefined, methods: [], statics: [] });
  const free: Function[] = [];
  for (const func of functions) {
    const kind = func.kind;
    switch (kind.kind) {
      case "freestanding":
      case "async-freestanding":
        free.push(func);
        break;
      case "constructor":
      case "method":
      case "async-method":
      case "static":
      case "async-static": {
        let group = resources.get(kind.resource);
        if (group === undefined) {
          group = { constructor: undefined, methods: [], statics: [] };
          resources.set(kind.resource, group);
        }
        if (kind.kind === "constructor") group.constructor = func;
        else if (kind.kind === "method" || kind.kind === "async-method") group.methods.push(func);
        else group.statics.push(func);
        break;
      }
      default: {
        const never: never = kind;
        throw new Error(`unknown function kind ${JSON.stringify(never)}`);
      }
    }
  }
  return { free, resources };
}

/** The plain name of a function: `f`, or the method/static name of `[method]r.f`; `constructor` for constructors. */
export function functionBaseName(func: Function): string {
  if (func.kind.kind === "constructor") return "constructor";
  const dot = func.name.lastIndexOf(".");
  return dot >= 0 ? func.name.slice(dot + 1) : func.name;
}

function isResource(resolve: Resolve, id: TypeId): boolean {
  return resolve.types[id]!.kind.kind === "resource";
}

export function createPlan(resolve: Resolve, worldId: WorldId): Plan {
  const world = resolve.worlds[worldId]!;
  const importUnits: Unit[] = [];
  const exportUnits: Unit[] = [];
  const importOf = new Map<InterfaceId, Unit>();
  const exportOf = new Map<InterfaceId, Unit>();
  const files = createNameScope(["index", "runtime", "component"]);

  // File names: `<ns>-<pkg>-<iface>`, the version added only where two versions of one interface meet; an
  // interface imported or exported under a name of its own (`import primary: store;`) adds that name.
  interface Entry {
    readonly key: WorldKey;
    readonly id: InterfaceId;
    readonly side: Side;
    readonly stability: Stability;
    readonly base: string;
    readonly version: string | undefined;
    /** `import name: iface;`: a named interface, read by jco under `name`. */
    readonly named: boolean;
  }
  const entries: Entry[] = [];
  const entry = (key: WorldKey, id: InterfaceId, side: Side, stability: Stability): void => {
    const iface = resolve.interfaces[id]!;
    const ident = interfaceIdentifier(resolve, id);
    if (ident !== undefined && iface.package !== undefined) {
      const pkg = resolve.packages[iface.package]!.name;
      const both = side === "export" && world.imports.has(key);
      const named = typeof key === "string";
      const base =
        `${pkg.namespace}-${pkg.name}-${iface.name}` +
        `${named ? `-${key}` : ""}${both ? "-exports" : ""}`;
      entries.push({ key, id, side, stability, base, version: pkg.version, named });
    } else {
      entries.push({
        key,
        id,
        side,
        stability,
        base: `${world.name}-${String(key)}`,
        version: undefined,
        named: false,
      });
    }
  };
  for (const [key, item] of world.imports)
    if (item.kind === "interface") entry(key, item.id, "import", item.stability);
  for (const [key, item] of world.exports)
    if (item.kind === "interface") entry(key, item.id, "export", item.stability);
  const baseCount = new Map<string, number>();
  for (const e of entries)
    baseCount.set(e.base.toLowerCase(), (baseCount.get(e.base.toLowerCase()) ?? 0) + 1);
  // One interface may be imported (or exported) under several keys. One of them declares its types: the
  // one by path when there is one (what other interfaces `use`), else the first. The others declare only
  // the resources and the types that hold them: each key is an instance with resources of its own.
  const canonical = new Map<string, Entry>();
  for (const e of entries) {
    const slot = `${e.side}:${e.id}`;
    const seen = canonical.get(slot);
    if (seen === undefined || (seen.named && !e.named)) canonical.set(slot, e);
  }
  const importedIds = new Set(entries.filter((e) => e.side === "import").map((e) => e.id));

  const unitFor = (e: Entry): Unit => {
    const { key, id, side, stability, base, version, named } = e;
    const iface = resolve.interfaces[id]!;
    const ident = interfaceIdentifier(resolve, id);
    const displayKey = named
      ? String(key)
      : (ident ?? (typeof key === "string" ? key : `interface-${id}`));
    const shared = (baseCount.get(base.toLowerCase()) ?? 0) > 1;
    const path = files.claim(shared && version !== undefined ? `${base}-${version}` : base);
    // The export side of an interface the world also imports declares only what differs per side (its
    // resources and the types that hold them); the rest is the same WIT type, declared once, on the import
    // side. So does every key of an interface but its canonical one.
    const ownsAll =
      canonical.get(`${side}:${id}`) === e && (side === "import" || !importedIds.has(id));
    const types = [...iface.types.values()]
      .filter((t) => ownsAll || holdsResource(resolve, t))
      .sort((a, b) => a - b);
    const grouped = groupFunctions(
      iface.functions.values(),
      types.filter((t) => isResource(resolve, t)),
    );
    const typeScope = createNameScope();
    const valueScope = createNameScope();
    const typeNames = new Map<TypeId, TypeNames>();
    for (const t of types)
      typeNames.set(t, declareType(resolve, t, typeScope, valueScope, side === "export"));
    const stem = iface.name ?? (typeof key === "string" ? key : "interface");
    const contract = typeScope.claim(
      `${toUpperCamel(stem)}${side === "import" ? "Imports" : "Exports"}`,
    );
    const factory = valueScope.claim(
      `create${toUpperCamel(stem)}${side === "import" ? "Imports" : "Exports"}`,
    );
    const hasMembers = iface.functions.size > 0 || types.some((t) => isResource(resolve, t));
    // jco names an export instance by its key: the interface's id, or the lowerCamel of a plain name.
    const jcoExportKey = named ? toLowerCamel(displayKey) : (ident ?? toLowerCamel(displayKey));
    return {
      kind: "interface",
      path: `interfaces/${path}.ts`,
      side,
      iface: id,
      key: displayKey,
      named,
      stability,
      types,
      typeNames,
      functions: grouped.free,
      resources: grouped.resources,
      typeScope,
      valueScope,
      contract,
      factory,
      jcoExportKey,
      instanceKey: "",
      readByJco: hasMembers,
    };
  };

  for (const e of entries) {
    const unit = unitFor(e);
    (e.side === "import" ? importUnits : exportUnits).push(unit);
    if (canonical.get(`${e.side}:${e.id}`) === e)
      (e.side === "import" ? importOf : exportOf).set(e.id, unit);
  }

  // jco reads an import from its unversioned key unless told otherwise (`map`); the SDK feeds both (the runtime
  // adds the unversioned key, `startInstance`), except that two versions of one interface cannot share it.
  const unversionedCount = new Map<string, number>();
  const unversioned = (u: Unit): string => u.key.replace(/@[^/]*$/, "");
  for (const u of importUnits)
    unversionedCount.set(unversioned(u), (unversionedCount.get(unversioned(u)) ?? 0) + 1);
  const mergedVersions = new Map<string, string[]>();
  for (const u of importUnits) {
    const bare = unversioned(u);
    if (bare !== u.key && unversionedCount.get(bare)! > 1 && u.readByJco) {
      let ids = mergedVersions.get(bare);
      if (ids === undefined) mergedVersions.set(bare, (ids = []));
      ids.push(u.key);
    }
    u.instanceKey = u.key;
  }

  // The world entry: world-level types (imported resources, `use`d aliases) and functions.
  const worldTypes: TypeId[] = [];
  for (const item of world.imports.values()) if (item.kind === "type") worldTypes.push(item.id);
  worldTypes.sort((a, b) => a - b);
  // The index re-exports the runtime's public API: its own declarations step around those names.
  const indexTypes = createNameScope([
    ...publicRuntimeSymbols,
    "Imports",
    "WorldInstance",
    "InstantiateOptions",
    "HostResources",
    "ImportContext",
    "WasiOptions",
  ]);
  const indexValues = createNameScope([
    "instantiate",
    "defaultComponent",
    ...["cli", "clocks", "filesystem", "http", "io", "random", "sockets"].map(
      (p) => `loadWasi${toUpperCamel(p)}`,
    ),
  ]);
  const indexTypeNames = new Map<TypeId, TypeNames>();
  for (const t of worldTypes)
    indexTypeNames.set(t, declareType(resolve, t, indexTypes, indexValues, false));
  const importedFunctions: Function[] = [];
  for (const item of world.imports.values())
    if (item.kind === "function") importedFunctions.push(item.func);
  const groupedImports = groupFunctions(
    importedFunctions,
    worldTypes.filter((t) => isResource(resolve, t)),
  );
  const index: Unit = {
    kind: "index",
    path: "index.ts",
    side: "import",
    iface: undefined,
    key: world.name,
    named: false,
    stability: world.stability,
    types: worldTypes,
    typeNames: indexTypeNames,
    functions: groupedImports.free,
    resources: groupedImports.resources,
    typeScope: indexTypes,
    valueScope: indexValues,
    contract: "Imports",
    factory: "instantiate",
    jcoExportKey: "",
    instanceKey: "",
    readByJco: true,
  };

  // Instance keys: world-level functions keep their names; interfaces take their own name, qualified
  // with the package (then namespace, then version) when that is taken. `resources` is the instance's
  // host resources, reserved in every world so that adding a resource renames nothing; `idle` waits for its
  // async tasks.
  const instanceKeys = createNameScope(["poisoned", "resources", "idle"]);
  const worldExports: { func: Function; key: string }[] = [];
  for (const item of world.exports.values()) {
    if (item.kind === "function")
      worldExports.push({
        func: item.func,
        key: instanceKeys.declare(item.func.name, "property"),
      });
  }
  for (const unit of exportUnits) {
    // A named export is the instance's member of that name, as a world-level function is.
    if (unit.named) {
      unit.instanceKey = instanceKeys.declare(unit.key, "property");
      continue;
    }
    const iface = resolve.interfaces[unit.iface!]!;
    const pkg = iface.package === undefined ? undefined : resolve.packages[iface.package]!.name;
    const stem = iface.name ?? unit.key;
    const candidates = [stem];
    if (pkg !== undefined) {
      candidates.push(`${pkg.name}-${stem}`, `${pkg.namespace}-${pkg.name}-${stem}`);
      if (pkg.version !== undefined)
        candidates.push(`${pkg.namespace}-${pkg.name}-${stem}-${pkg.version}`);
    }
    const free = candidates.map((c) => tsName(c, "property")).find((c) => !instanceKeys.has(c));
    unit.instanceKey = instanceKeys.claim(
      free ?? tsName(candidates[candidates.length - 1]!, "property"),
    );
  }

  const typeHome = (id: TypeId, side: Side, from?: Unit): Unit => {
    if (from !== undefined && from.kind === "interface" && from.typeNames.has(id)) return from;
    const owner = resolve.types[id]!.owner;
    switch (owner.kind) {
      case "interface": {
        const exported = side === "export" ? exportOf.get(owner.id) : undefined;
        const unit =
          (exported !== undefined && exported.typeNames.has(id) ? exported : undefined) ??
          importOf.get(owner.id) ??
          exportOf.get(owner.id);
        if (unit === undefined) {
          throw new Error(
            `type ${id} belongs to an interface the world neither imports nor exports (a wit-ts bug)`,
          );
        }
        return unit;
      }
      case "world":
        return index;
      case "none":
        throw new Error(`anonymous type ${id} has no declaring file (a wit-ts bug)`);
      default: {
        const never: never = owner;
        throw new Error(`unknown owner ${JSON.stringify(never)}`);
      }
    }
  };

  const resourceOf = (id: TypeId): TypeId | undefined => {
    let current: TypeDef = resolve.types[id]!;
    let currentId = id;
    // Alias chains are short (one per `use`), but never trust input: bound the walk.
    for (let steps = 0; steps < resolve.types.length + 1; steps++) {
      if (current.kind.kind === "resource") return currentId;
      if (current.kind.kind !== "type" || typeof current.kind.type === "string") return undefined;
      currentId = current.kind.type.id;
      current = resolve.types[currentId]!;
    }
    return undefined;
  };

  return {
    resolve,
    world: worldId,
    worldName: world.name,
    index,
    units: [...importUnits, ...exportUnits],
    declaringUnit: typeHome,
    resourceOf,
    resourceSide(resource, side) {
      const unit = typeHome(resource, side);
      return unit.kind === "interface" && unit.side === "export" ? "guest" : "host";
    },
    exportUnits,
    importUnits,
    worldExports,
    mergedVersions,
  };
}

/** Claims the names of one named type in its file. */
function declareType(
  resolve: Resolve,
  id: TypeId,
  types: NameScope,
  values: NameScope,
  guestSide: boolean,
): TypeNames {
  const def = resolve.types[id]!;
  const witName = def.name ?? `type-${id}`;
  const type = types.declare(witName, "type");
  const resource = def.kind.kind === "resource";
  const classType = resource ? types.claim(`${type}Class`) : undefined;
  const wrapper = resource && guestSide ? types.claim(`${type}Resource`) : undefined;
  if (wrapper !== undefined) values.claim(wrapper);
  const descriptor = values.claim(`${toLowerCamel(witName)}Type`);
  return { type, descriptor, classType, wrapper };
}

const resourceCache = new WeakMap<Resolve, Map<TypeId, boolean>>();

/**
 * Whether a named type is a resource or holds a handle anywhere (through fields, cases, elements, aliases):
 * such a type means a different thing on the import side (host objects) and the export side (guest objects).
 */
function holdsResource(resolve: Resolve, id: TypeId): boolean {
  let cache = resourceCache.get(resolve);
  if (cache === undefined) resourceCache.set(resolve, (cache = new Map()));
  const walk = (type: Type | undefined): boolean =>
    type !== undefined && typeof type !== "string" && holds(type.id);
  const holds = (t: TypeId): boolean => {
    const known = cache.get(t);
    if (known !== undefined) return known;
    cache.set(t, false); // a cycle cannot be valid WIT; never loop on one
    const kind = resolve.types[t]!.kind;
    let found: boolean;
    switch (kind.kind) {
      case "resource":
      case "handle":
        found = true;
        break;
      case "record":
        found = kind.fields.some((f) => walk(f.type));
        break;
      case "variant":
        found = kind.cases.some((c) => walk(c.type));
        break;
      case "tuple":
        found = kind.types.some(walk);
        break;
      case "list":
      case "fixed-length-list":
        found = walk(kind.element);
        break;
      case "map":
        found = walk(kind.key) || walk(kind.value);
        break;
      case "option":
      case "type":
        found = walk(kind.type);
        break;
      case "result":
        found = walk(kind.ok) || walk(kind.err);
        break;
      case "future":
      case "stream":
        found = walk(kind.type);
        break;
      case "flags":
      case "enum":
      case "unknown":
        found = false;
        break;
      default: {
        const never: never = kind;
        throw new Error(`unknown type kind ${JSON.stringify(never)}`);
      }
    }
    cache.set(t, found);
    return found;
  };
  return holds(id);
}
