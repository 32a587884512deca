/**
 * Code generation, the re-exports of `index.ts`: what makes the world entry the one module an app imports
 * from. Consumes the plan (its interface files and the names each declares) and the runtime's public symbols;
 * prints `export ... from` lines for the runtime's public symbols, one namespace per interface file
 * (`import * as store from "./interfaces/..."`, re-exported by `export { store }`; the index names the file's
 * declarations through it, `store.StoreExports`) and, flat, every public name that exactly one interface file
 * declares and the index itself does not.
 *
 * The rule, so that a name never changes meaning when another interface is added elsewhere in the world: a
 * type (record, variant, enum, flags, resource contract and its `XxxClass` static side, `XxxError` alias,
 * `XxxImports`/`XxxExports` contract) or error guard is re-exported flat when no other interface file, no name
 * of the runtime's public API and no declaration of the index has the same name; otherwise only through its
 * interface's namespace. Namespaces are named like instance keys: the interface's lowerCamel name, qualified
 * with the package, then the namespace, then the version when taken; the export side of an interface the world
 * also imports adds `Exports`.
 */
import { unitSurface, worldExportFunctions } from "./emit-functions.js";
import type { Unit } from "./emit-plan.js";
import { needsHost } from "./emit-imports.js";
import type { Resolve, TypeId } from "../wit/model.js";
import { createLocalSymbol, WIDTH, type GeneratedFile, type Printable } from "./printer/index.js";
import { createNameScope, isReservedName, tsName } from "./names.js";
import { publicRuntimeSymbols, runtimeSymbol } from "./runtime-symbols.js";
import { useNamespaces, type EmitContext } from "./type-expr.js";

/** The public names one interface file declares, split by how they are re-exported. */
interface UnitExports {
  readonly types: string[];
  readonly values: string[];
  /**
   * What each name stands for (see {@link Meanings}): a `use`d type is the type it names (so `Color` of
   * `shapes` and its `use` in `other` are one name, not a clash); anything else is itself.
   */
  readonly identity: Map<string, number>;
}

/**
 * Numbers for what a public name stands for: a type (or the static side of a resource) declared in a file,
 * or a name of one file that means nothing else. Numbers rather than strings such as `path#id`: a world of
 * thousands of interfaces has a hundred thousand public names, and each string would be built and hashed.
 */
class Meanings {
  private readonly units = new Map<Unit, number>();
  private own = 0;

  constructor(private readonly typeCount: number) {}

  /** Type `id` as declared in `unit` (`cls`: its static side). */
  type(unit: Unit, id: TypeId, cls: boolean): number {
    let n = this.units.get(unit);
    if (n === undefined) this.units.set(unit, (n = this.units.size));
    return (n * (this.typeCount + 1) + id) * 2 + (cls ? 1 : 0);
  }

  /** A name that means itself, in one file: never the same number twice. */
  unique(): number {
    return --this.own;
  }
}

/** What {@link printReExports} notes for a name that two files give different meanings. */
const AMBIGUOUS = Number.POSITIVE_INFINITY;

/** The names of `unit` an app may use: its types, static sides, contract, error aliases and guards. */
function publicNames(cx: EmitContext, unit: Unit, meanings: Meanings): UnitExports {
  const types: string[] = [];
  const values: string[] = [];
  const identity = new Map<string, number>();
  const surface = unitSurface(cx, unit);
  for (const [id, names] of unit.typeNames) {
    const target = aliasTarget(cx, id);
    const home = cx.plan.declaringUnit(target, unit.side);
    const same = home.typeNames.get(target);
    types.push(names.type);
    identity.set(
      names.type,
      same?.type === names.type
        ? meanings.type(home, target, false)
        : meanings.type(unit, id, false),
    );
    if (names.classType !== undefined && surface.staticSides.has(id)) {
      types.push(names.classType);
      identity.set(
        names.classType,
        same?.classType === names.classType
          ? meanings.type(home, target, true)
          : meanings.type(unit, id, true),
      );
    }
  }
  // Export sides always declare their contract; import sides only when the host implements something.
  if (unit.kind === "interface" && (unit.side === "export" || needsHost(cx, unit)))
    types.push(unit.contract);
  types.push(...surface.errorAliases);
  values.push(...surface.errorGuards);
  if (unit.kind === "index") {
    for (const fn of worldExportFunctions(cx)) {
      if (fn.errorAlias !== undefined) types.push(fn.errorAlias);
      if (fn.errorGuard !== undefined) values.push(fn.errorGuard);
    }
  }
  for (const name of types) if (!identity.has(name)) identity.set(name, meanings.unique());
  for (const name of values) if (!identity.has(name)) identity.set(name, meanings.unique());
  return { types, values, identity };
}

const targets = new WeakMap<Resolve, Map<TypeId, TypeId>>();

/** The type a chain of `type x = y` aliases (a `use` is one) ends at; remembered, so long chains stay linear. */
function aliasTarget(cx: EmitContext, id: TypeId): TypeId {
  let known = targets.get(cx.resolve);
  if (known === undefined) targets.set(cx.resolve, (known = new Map()));
  const chain: TypeId[] = [];
  let current = id;
  let target: TypeId | undefined;
  for (let steps = 0; steps <= cx.resolve.types.length; steps++) {
    target = known.get(current);
    if (target !== undefined) break;
    chain.push(current);
    const kind = cx.resolve.types[current]!.kind;
    if (kind.kind !== "type" || typeof kind.type === "string") break;
    const next = kind.type.id;
    if (cx.resolve.types[next]!.owner.kind === "none") break; // an alias of a structure, not a name
    current = next;
  }
  const end = target ?? current;
  for (const link of chain) known.set(link, end);
  return end;
}

/** The names `index.ts` exports itself: it must not re-export another thing under one of them. */
function indexExportNames(cx: EmitContext): Set<string> {
  const index = cx.plan.index;
  const own = publicNames(cx, index, new Meanings(cx.resolve.types.length));
  return new Set([
    ...own.types,
    ...own.values,
    "Imports",
    "WorldInstance",
    "InstantiateOptions",
    "HostResources",
    "ImportContext",
    "instantiate",
  ]);
}

/** The namespace name of each interface file (see the rule above), in plan order. */
function namespaceNames(cx: EmitContext, taken: Iterable<string>): Map<Unit, string> {
  const scope = createNameScope(taken);
  const out = new Map<Unit, string>();
  const imported = new Set(cx.plan.importUnits.map((u) => (u.named ? u.key : u.iface)));
  for (const unit of cx.plan.units) {
    const iface = cx.resolve.interfaces[unit.iface!]!;
    const pkg = iface.package === undefined ? undefined : cx.resolve.packages[iface.package]!.name;
    const both = unit.side === "export" && imported.has(unit.named ? unit.key : unit.iface);
    const suffix = both ? "-exports" : "";
    const stem = iface.name ?? unit.key;
    // A named interface (`import primary: store;`) is known by its name, as on the instance.
    const candidates = unit.named ? [unit.key, `${stem}-${unit.key}`] : [stem];
    if (pkg !== undefined && unit.named) {
      candidates.push(`${pkg.namespace}-${pkg.name}-${stem}-${unit.key}`);
    } else if (pkg !== undefined) {
      candidates.push(`${pkg.name}-${stem}`, `${pkg.namespace}-${pkg.name}-${stem}`);
      if (pkg.version !== undefined)
        candidates.push(`${pkg.namespace}-${pkg.name}-${stem}-${pkg.version}`);
    }
    // Spelled lazily: most interfaces keep their own name, and spelling is the cost on worlds of thousands.
    let chosen: string | undefined;
    for (const c of candidates) {
      chosen = tsName(`${c}${suffix}`, "export");
      if (!scope.has(chosen)) break;
    }
    out.set(unit, scope.claim(chosen!));
  }
  return out;
}

/** Prints the re-export lines of `index.ts`. */
export function printReExports(f: GeneratedFile, cx: EmitContext): void {
  const own = indexExportNames(cx);
  const runtimeNames = new Set<string>(publicRuntimeSymbols);

  // The runtime's public API, grouped by module (one module when the runtime is imported from elsewhere).
  const runtimeGroups = new Map<string, { types: string[]; values: string[] }>();
  for (const name of publicRuntimeSymbols) {
    if (own.has(name)) continue;
    const symbol = runtimeSymbol(name);
    const from = symbol.kind === "type" ? cx.runtime.type(name).from : cx.runtime.value(name).from;
    let group = runtimeGroups.get(from);
    if (group === undefined) runtimeGroups.set(from, (group = { types: [], values: [] }));
    (symbol.kind === "type" ? group.types : group.values).push(name);
  }

  const namespaces = namespaceNames(cx, [...own, ...runtimeNames]);
  const exported = new Map<Unit, UnitExports>();
  // Each name's one meaning, or AMBIGUOUS when files give it more than one.
  const meaningOf = new Map<string, number>();
  const numbers = new Meanings(cx.resolve.types.length);
  for (const unit of cx.plan.units) {
    const names = publicNames(cx, unit, numbers);
    exported.set(unit, names);
    for (const [name, key] of names.identity) {
      const known = meaningOf.get(name);
      if (known === undefined) meaningOf.set(name, key);
      else if (known !== key) meaningOf.set(name, AMBIGUOUS);
    }
  }
  const namespaceSet = new Set(namespaces.values());
  const printed = new Set<string>();
  // Flat when the name means one thing; printed once, from the first file (in plan order) that has it.
  const flat = (name: string): boolean => {
    if (
      (meaningOf.get(name) ?? AMBIGUOUS) === AMBIGUOUS ||
      own.has(name) ||
      runtimeNames.has(name) ||
      namespaceSet.has(name)
    )
      return false;
    if (printed.has(name)) return false;
    printed.add(name);
    return true;
  };
  // Each file is imported as its namespace, through which the index refers to its names (`store.Point`), and
  // re-exported as it; the binding steps around the index's own names and the locals of its functions.
  const scope = cx.unit.valueScope;
  const locals = new Map<Unit, Printable>();
  const specifiers: string[] = [];
  for (const unit of cx.plan.units) {
    const name = namespaces.get(unit)!;
    // Qualifying a type (`ns.Point`), the binding must not read as a type keyword (`number`, `keyof`) there.
    const taken =
      scope.has(name) ||
      BODY_LOCALS.has(name) ||
      name.startsWith("loadWasi") ||
      isReservedName(name, "type");
    const local = scope.claim(taken ? `${name}_` : name);
    f.reserve(local);
    locals.set(unit, createLocalSymbol(local));
    specifiers.push(local === name ? name : `${local} as ${name}`);
    f.print(
      "import * as ",
      local,
      " from ",
      f.string(`./${unit.path.replace(/\.ts$/, ".js")}`),
      ";",
    );
  }
  useNamespaces(cx.unit, locals);
  if (specifiers.length > 0) f.print();
  for (const [from, group] of [...runtimeGroups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    printExportList(f, "export", group.values, from);
    printExportList(f, "export type", group.types, from);
  }
  printExportList(f, "export", specifiers, undefined);
  for (const unit of cx.plan.units) {
    // The index is at the root of the output: its specifiers are `./<path>.js`.
    const from = `./${unit.path.replace(/\.ts$/, ".js")}`;
    const names = exported.get(unit)!;
    printExportList(f, "export", names.values.filter(flat), from);
    printExportList(f, "export type", names.types.filter(flat), from);
  }
  f.print();
}

/**
 * `export { a, b } from "m";` (or `export { a, b };` without a module), on one line when it fits in the width,
 * else its names packed into lines that fill the width, as a long import list is.
 */
function printExportList(
  f: GeneratedFile,
  keyword: string,
  names: readonly string[],
  from: string | undefined,
): void {
  if (names.length === 0) return;
  const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const tail = from === undefined ? " };" : ` } from ${f.string(from)};`;
  const oneLine = `${keyword} { ${sorted.join(", ")}${tail}`;
  if (oneLine.length <= WIDTH || sorted.length === 1) {
    f.print(oneLine);
    return;
  }
  f.print(keyword, " {");
  let line = "";
  for (const name of sorted) {
    if (line !== "" && 2 + line.length + 1 + name.length + 1 > WIDTH) {
      f.print("  ", line);
      line = "";
    }
    line = line === "" ? `${name},` : `${line} ${name},`;
  }
  if (line !== "") f.print("  ", line);
  f.print("}", tail.slice(2));
}

/**
 * Names the index binds outside its scopes: `instantiate`'s parameter and locals, which a namespace's binding
 * must not be shadowed by, and its module functions (`defaultComponent`; the shim loaders, `loadWasiCli`).
 */
const BODY_LOCALS: ReadonlySet<string> = new Set([
  "core",
  "options",
  "resources",
  "imports",
  "wasi",
  "defaultComponent",
]);
