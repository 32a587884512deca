/**
 * The WIT packages a runnable component uses, decoded from the component's own binary. Phase: input reading,
 * for `wit-ts gen x.wasm`. Consumes the bytes of a component (as wit-component, componentize-js or jco write
 * them) and produces WIT source text, one `package ns:pkg@v;` with its interfaces per package that the
 * component's top-level imports and exports name (`ns:pkg/iface@v`), except `root:component` and the packages
 * the caller already has. jco's `componentWit` prints only the component's own world, which names these
 * packages without defining them.
 *
 * An imported interface is typed by the instance type of its import. An exported interface is typed by an
 * ascription on its export, by the import it re-exports, or (what wit-component writes) by the exports of the
 * nested "shim" component it instantiates, with that component's type imports replaced by the instantiation's
 * arguments. Either way the interface becomes a list of instance-type declarations in wit-packages.ts's IR,
 * set in a scope whose parent is the component's own type index space, and is printed by wit-packages.ts's
 * printer: `use` where a type is an alias of another instance's export, resources with their
 * `[constructor]`/`[method]`/`[static]` functions. Only the items the component uses appear (a component's
 * import declares just the functions it calls). Whatever does not fit is an error message, never a guess.
 */
import {
  readDefType,
  Reader,
  readExternDesc,
  readExternName,
  readOptional,
} from "./binary-reader.js";
import { bail, DecodeError, type Decl, type ExternDesc, type Slot } from "./component-types.js";
import { parseQualified, PrintScope, WitPrinter } from "./wit-printer.js";

/** Component-level sorts (`sort` in Binary.md); a core sort is `CORE`. */
const CORE = 0x00;
const FUNC = 0x01;
const TYPE = 0x03;
const COMPONENT = 0x04;
const INSTANCE = 0x05;

interface SortIdx {
  readonly sort: number;
  readonly index: number;
}

/** One entry of a component's type index space, as its binary defines it. */
type TypeEntry =
  | { readonly kind: "slot"; readonly slot: Slot }
  | { readonly kind: "import"; readonly name: string; readonly desc: ExternDesc }
  | { readonly kind: "export"; readonly name: string; readonly index: number };

/** One entry of a component's instance index space. */
type InstanceEntry =
  | { readonly kind: "import"; readonly name: string; readonly type: number }
  | {
      readonly kind: "instantiate";
      readonly component: number;
      readonly args: ReadonlyMap<string, SortIdx>;
    }
  | { readonly kind: "export"; readonly name: string; readonly index: number }
  | { readonly kind: "opaque"; readonly what: string };

interface ComponentExport {
  readonly name: string;
  readonly item: SortIdx;
  readonly ascribed: ExternDesc | undefined;
}

/** What the decoder keeps of a component (or of a nested one): its index spaces, imports and exports. */
interface ComponentBody {
  readonly types: TypeEntry[];
  readonly instances: InstanceEntry[];
  /** Nested components by index; `undefined` for imported or aliased ones, whose bodies are not at hand. */
  readonly components: (ComponentBody | undefined)[];
  /** Function index -> its type index, or `undefined` when unknown (aliases, `canon lift`). */
  readonly funcs: (number | undefined)[];
  readonly imports: { readonly name: string; readonly desc: ExternDesc }[];
  readonly exports: ComponentExport[];
}

// ---------------------------------------------------------------------------
// Binary walk
// ---------------------------------------------------------------------------

function readSortIdx(r: Reader): SortIdx {
  const sort = r.byte();
  if (sort === CORE)
    r.byte(); // the core sort; nothing here needs core items
  else if (sort < FUNC || sort > INSTANCE) bail(`unknown sort 0x${sort.toString(16)}`);
  return { sort, index: r.u32() };
}

/** A type-section entry of a component: a resource definition, or anything an instance type may hold too. */
function readTypeEntry(r: Reader): Slot {
  const b = r.byte();
  if (b === 0x3f || b === 0x3e) {
    // `(resource (rep i32) (dtor f)?)`; 0x3e is the async form, whose destructor is not optional.
    const rep = r.byte();
    if (rep !== 0x7f) bail(`unsupported resource representation 0x${rep.toString(16)}`);
    if (b === 0x3f) readOptional(r, () => r.u32());
    else {
      r.u32();
      readOptional(r, () => r.u32());
    }
    return { kind: "resource", name: undefined };
  }
  r.pos--;
  return readDefType(r);
}

/** Walks a component binary section by section, keeping the index spaces this decoder needs. */
function readComponent(bytes: Uint8Array): ComponentBody {
  const r = new Reader(bytes);
  r.preamble();
  const body: ComponentBody = {
    types: [],
    instances: [],
    components: [],
    funcs: [],
    imports: [],
    exports: [],
  };
  // Once a function enters the index space without a known type, later indices cannot be trusted.
  let funcsKnown = true;
  const addFunc = (type: number | undefined): void => {
    if (type === undefined) funcsKnown = false;
    body.funcs.push(funcsKnown ? type : undefined);
  };
  r.sections(true, (id, start, end) => {
    try {
      switch (id) {
        case 0: // custom
        case 1: // core module
        case 2: // core instances
        case 3: // core types
        case 9: // start: only adds values
          r.pos = end;
          break;
        case 8: // canon: defines core functions and lifted functions whose types this decoder does not track
          funcsKnown = false;
          r.pos = end;
          break;
        case 4:
          body.components.push(readComponent(bytes.subarray(start, end)));
          r.pos = end;
          break;
        case 5:
          for (const entry of r.vec(() => readInstance(r))) body.instances.push(entry);
          break;
        case 6:
          r.vec(() => {
            const sort = r.byte();
            if (sort === CORE) r.byte();
            const target = r.byte();
            if (target === 0x00) {
              const instance = r.u32();
              const name = r.string();
              if (sort === TYPE)
                body.types.push({ kind: "slot", slot: { kind: "alias-export", instance, name } });
              else if (sort === INSTANCE)
                body.instances.push({ kind: "opaque", what: "an instance alias" });
              else if (sort === COMPONENT) body.components.push(undefined);
              else if (sort === FUNC) addFunc(undefined);
            } else if (target === 0x01) {
              r.u32();
              r.string();
            } else if (target === 0x02) {
              const count = r.u32();
              const index = r.u32();
              if (sort === TYPE)
                body.types.push({ kind: "slot", slot: { kind: "outer", count, index } });
              else if (sort === COMPONENT) body.components.push(undefined);
            } else bail(`unknown alias target 0x${target.toString(16)}`);
          });
          break;
        case 7:
          for (const slot of r.vec(() => readTypeEntry(r))) body.types.push({ kind: "slot", slot });
          break;
        case 10:
          r.vec(() => {
            const name = readExternName(r);
            const desc = readExternDesc(r);
            body.imports.push({ name, desc });
            switch (desc.kind) {
              case "instance":
                body.instances.push({ kind: "import", name, type: desc.type });
                break;
              case "type-eq":
              case "type-sub":
                body.types.push({ kind: "import", name, desc });
                break;
              case "func":
                addFunc(desc.type);
                break;
              case "component":
                body.components.push(undefined);
                break;
              default:
                break;
            }
          });
          break;
        case 11:
          r.vec(() => {
            const name = readExternName(r);
            const item = readSortIdx(r);
            const ascribed = readOptional(r, () => readExternDesc(r));
            body.exports.push({ name, item, ascribed });
            // An export is also a new entry of its sort's index space.
            if (item.sort === TYPE) body.types.push({ kind: "export", name, index: item.index });
            else if (item.sort === INSTANCE)
              body.instances.push({ kind: "export", name, index: item.index });
            else if (item.sort === COMPONENT) body.components.push(body.components[item.index]);
            else if (item.sort === FUNC)
              addFunc(
                ascribed?.kind === "func"
                  ? ascribed.type
                  : funcsKnown
                    ? body.funcs[item.index]
                    : undefined,
              );
          });
          break;
        default:
          bail(`unknown section ${id}`);
      }
    } catch (e) {
      if (e instanceof DecodeError && !e.message.includes(" (in section ")) {
        throw new DecodeError(`${e.message} (in section ${id} at byte ${start})`);
      }
      throw e;
    }
  });
  return body;
}

function readInstance(r: Reader): InstanceEntry {
  const b = r.byte();
  if (b === 0x00) {
    const component = r.u32();
    const args = new Map<string, SortIdx>();
    for (const [name, item] of r.vec(() => [r.string(), readSortIdx(r)] as const))
      args.set(name, item);
    return { kind: "instantiate", component, args };
  }
  if (b === 0x01) {
    r.vec(() => {
      readExternName(r);
      readSortIdx(r);
    });
    return { kind: "opaque", what: "an instance of inline exports" };
  }
  return bail(`unknown instance expression 0x${b.toString(16)}`);
}

// ---------------------------------------------------------------------------
// Interfaces
// ---------------------------------------------------------------------------

/** One interface to print: its instance-type declarations and the scope they are read in. */
interface InterfaceSource {
  readonly name: string;
  readonly scope: PrintScope;
  readonly decls: readonly Decl[];
}

class ComponentInterfaces {
  /** The component's type index space, and its instances' names, for the printer. */
  readonly top = new PrintScope(undefined, []);

  constructor(private readonly body: ComponentBody) {
    for (const t of body.types) {
      if (t.kind === "slot") this.top.slots.push(t.slot);
      else if (t.kind === "export")
        this.top.slots.push({ kind: "eq", target: t.index, name: t.name });
      else if (t.desc.kind === "type-eq")
        this.top.slots.push({ kind: "eq", target: t.desc.type, name: t.name });
      else this.top.slots.push({ kind: "resource", name: t.name });
    }
    // An instance is known by its import name, or by the name it is exported under (wit-component aliases
    // types out of the shim instance it exports, as well as out of the export itself).
    const names: (string | undefined)[] = body.instances.map((i) =>
      i.kind === "import" || i.kind === "export" ? i.name : undefined,
    );
    for (const e of body.exports) if (e.item.sort === INSTANCE) names[e.item.index] ??= e.name;
    for (const [i, n] of names.entries()) this.top.instances.push(n ?? `instance ${i}`);
  }

  /** The interface an instance type at a top-level type index describes. */
  fromType(name: string, type: number): InterfaceSource {
    const t = this.top.resolve(type);
    if (t.slot.kind !== "instance") bail(`\`${name}\` is not typed by an instance type`);
    return { name, scope: new PrintScope(t.scope, t.slot.decls), decls: t.slot.decls };
  }

  /** The interface of an instance of the component, found by following how the instance was made. */
  fromInstance(name: string, index: number, depth = 0): InterfaceSource {
    const entry = this.body.instances[index];
    if (!entry) bail(`\`${name}\` exports an unknown instance ${index}`);
    if (depth > this.body.instances.length)
      bail(`\`${name}\` exports an instance defined by itself`);
    switch (entry.kind) {
      case "import":
        return this.fromType(name, entry.type);
      case "export":
        return this.fromInstance(name, entry.index, depth + 1);
      case "instantiate": {
        const component = this.body.components[entry.component];
        if (!component)
          bail(
            `\`${name}\` instantiates component ${entry.component}, whose definition is not in the binary`,
          );
        return this.fromShim(name, component, entry.args);
      }
      case "opaque":
        return bail(
          `the type of \`${name}\` cannot be told: it is ${entry.what}, with no type given on its export`,
        );
    }
  }

  /**
   * The interface of an instance of a nested component: the nested component's exports, read in its own type
   * index space, where each type import stands for the top-level type passed for it.
   */
  private fromShim(
    name: string,
    c: ComponentBody,
    args: ReadonlyMap<string, SortIdx>,
  ): InterfaceSource {
    const scope = new PrintScope(this.top, []);
    const decls: Decl[] = [];
    const arg = (what: string, sort: number): number => {
      const a = args.get(what);
      if (!a || a.sort !== sort)
        bail(
          `\`${name}\`: the instantiation passes no ${sort === TYPE ? "type" : "instance"} for \`${what}\``,
        );
      return a.index;
    };
    for (const i of c.instances) {
      scope.instances.push(
        i.kind === "import" ? (this.top.instances[arg(i.name, INSTANCE)] ?? "") : "",
      );
    }
    for (const t of c.types) {
      if (t.kind === "slot") {
        decls.push({ kind: "type", slot: t.slot });
        scope.slots.push(t.slot);
      } else if (t.kind === "import") {
        // `(alias outer 1 N)`: the same type as the argument, with everything known about it up there.
        const slot: Slot = { kind: "outer", count: 1, index: arg(t.name, TYPE) };
        decls.push({ kind: "type", slot });
        scope.slots.push(slot);
      } else {
        const target = scope.resolve(t.index);
        if (target.slot.kind === "resource") {
          // A resource the component defines (the exported interface's own), now named by this export.
          if (target.slot.name !== undefined)
            bail(`\`${name}\` exports resource \`${t.name}\`, which it does not define`);
          if (!target.scope.names.has(target.index)) target.scope.names.set(target.index, t.name);
          decls.push({ kind: "export", name: t.name, desc: { kind: "type-sub" } });
          scope.slots.push({ kind: "resource", name: t.name });
        } else {
          // A definition passed in from the top level gets the name here, so references to it print it.
          if (
            target.scope !== scope &&
            target.slot.kind === "defined" &&
            !target.scope.names.has(target.index)
          ) {
            target.scope.names.set(target.index, t.name);
          }
          decls.push({ kind: "export", name: t.name, desc: { kind: "type-eq", type: t.index } });
          scope.slots.push({ kind: "eq", target: t.index, name: t.name });
        }
      }
    }
    for (const e of c.exports) {
      if (e.item.sort === TYPE) continue; // in the type index space above, in order
      if (e.item.sort !== FUNC)
        bail(`\`${name}\` exports \`${e.name}\`, which is not a function or a type`);
      const type = e.ascribed?.kind === "func" ? e.ascribed.type : c.funcs[e.item.index];
      if (type === undefined)
        bail(`the type of function \`${e.name}\` of \`${name}\` cannot be told`);
      decls.push({ kind: "export", name: e.name, desc: { kind: "func", type } });
    }
    return { name, scope, decls };
  }
}

/** The package a fully qualified interface name belongs to: `ns:pkg` or `ns:pkg@v`. */
function packageId(pkg: string, version: string | undefined): string {
  return version === undefined ? pkg : `${pkg}@${version}`;
}

export interface ComponentPackagesOptions {
  /** Packages (`ns:pkg` or `ns:pkg@v`) the caller supplies itself; they are not decoded. */
  readonly skip?: (id: string) => boolean;
}

/**
 * Decodes the WIT packages a component's imports and exports name, as source text by package id
 * (`ns:pkg@v`), sorted. `root:component` (jco's name for the component's own world) is left out, and so is
 * every package `skip` accepts.
 */
export function decodeComponentPackages(
  bytes: Uint8Array,
  options: ComponentPackagesOptions = {},
): { packages: Map<string, string> } | { error: string } {
  try {
    const body = readComponent(bytes);
    const interfaces = new ComponentInterfaces(body);
    const byPackage = new Map<
      string,
      { pkg: string; version: string | undefined; items: Map<string, InterfaceSource> }
    >();
    const wanted = (
      qualified: string,
    ): { items: Map<string, InterfaceSource>; name: string } | undefined => {
      const q = parseQualified(qualified);
      if (!q) return undefined; // a world-level item (`import f: func`), part of the component's own world
      const id = packageId(q.pkg, q.version);
      if (q.pkg === "root:component" || options.skip?.(id)) return undefined;
      let p = byPackage.get(id);
      if (!p) byPackage.set(id, (p = { pkg: q.pkg, version: q.version, items: new Map() }));
      return { items: p.items, name: q.name };
    };
    // Exports first: an exported interface declares all of its functions, an import only those it calls.
    for (const e of body.exports) {
      if (e.item.sort !== INSTANCE) continue;
      const w = wanted(e.name);
      if (!w || w.items.has(w.name)) continue;
      w.items.set(
        w.name,
        e.ascribed?.kind === "instance"
          ? interfaces.fromType(w.name, e.ascribed.type)
          : { ...interfaces.fromInstance(e.name, e.item.index), name: w.name },
      );
    }
    for (const i of body.imports) {
      if (i.desc.kind !== "instance") continue;
      const w = wanted(i.name);
      if (!w || w.items.has(w.name)) continue;
      w.items.set(w.name, interfaces.fromType(w.name, i.desc.type));
    }
    const packages = new Map<string, string>();
    for (const id of [...byPackage.keys()].sort()) {
      const p = byPackage.get(id)!;
      packages.set(id, new WitPrinter().printInterfaces(p.pkg, p.version, [...p.items.values()]));
    }
    return { packages };
  } catch (e) {
    if (e instanceof DecodeError || e instanceof TypeError) return { error: e.message };
    // Types and components nest by recursion here; absurdly deep nesting is refused rather than crashing.
    if (e instanceof RangeError) return { error: "types or components nested too deeply" };
    throw e;
  }
}
