/**
 * The index spaces of a component binary, as its sections define them. Phase: input reading, for
 * `wit-ts gen x.wasm`. Consumes the bytes of a component (or of a component nested in one) and produces a
 * `ComponentBody`: for each component-level index space the decoder follows (types, instances, components,
 * functions), one entry per index saying where the item comes from (defined here, imported, instantiated,
 * aliased out of an instance or an enclosing component, re-exported), plus the component's imports and exports.
 * Nothing is evaluated here: component-instances.ts follows these entries to the types they stand for. Core
 * items are skipped; only what can add to a component-level index space is read.
 */
import {
  readDefType,
  Reader,
  readExternDesc,
  readExternName,
  readExternNameParts,
  readOptional,
} from "./binary-reader.js";
import { bail, DecodeError, type ExternDesc, type Slot } from "./component-types.js";

/** Component-level sorts (`sort` in Binary.md); a core sort is `CORE`. */
const CORE = 0x00;
export const FUNC = 0x01;
export const TYPE = 0x03;
export const COMPONENT = 0x04;
export const INSTANCE = 0x05;

export interface SortIdx {
  readonly sort: number;
  readonly index: number;
}

/** One entry of a component's type index space. */
export type TypeEntry =
  | { readonly kind: "slot"; readonly slot: Slot }
  | { readonly kind: "import"; readonly name: string; readonly desc: ExternDesc }
  | { readonly kind: "export"; readonly name: string; readonly index: number };

/** One entry of a component's instance index space. */
export type InstanceEntry =
  | { readonly kind: "import"; readonly name: string; readonly type: number }
  | {
      readonly kind: "instantiate";
      readonly component: number;
      readonly args: ReadonlyMap<string, SortIdx>;
    }
  | { readonly kind: "inline"; readonly exports: ReadonlyMap<string, SortIdx> }
  | { readonly kind: "alias"; readonly instance: number; readonly name: string }
  | { readonly kind: "export"; readonly name: string; readonly index: number };

/** One entry of a component's component index space. */
export type ComponentEntry =
  | { readonly kind: "defined"; readonly body: ComponentBody }
  | { readonly kind: "outer"; readonly count: number; readonly index: number }
  | { readonly kind: "export"; readonly index: number }
  | { readonly kind: "opaque"; readonly what: string };

/** One entry of a component's function index space; `type` indices are into the same component's types. */
export type FuncEntry =
  | { readonly kind: "typed"; readonly type: number }
  | { readonly kind: "alias"; readonly instance: number; readonly name: string }
  | { readonly kind: "export"; readonly index: number; readonly ascribed: number | undefined }
  | { readonly kind: "unknown"; readonly why: string };

export interface ComponentExport {
  readonly name: string;
  /** The interface a plainly named export stands for (`export mirror: ns:pkg/store;`). */
  readonly implements: string | undefined;
  readonly item: SortIdx;
  readonly ascribed: ExternDesc | undefined;
}

/** What the decoder keeps of a component (or of a nested one): its index spaces, imports and exports. */
export interface ComponentBody {
  readonly types: TypeEntry[];
  readonly instances: InstanceEntry[];
  readonly components: ComponentEntry[];
  readonly funcs: FuncEntry[];
  /** `implements`: the interface a plainly named import stands for (`import primary: ns:pkg/store;`). */
  readonly imports: {
    readonly name: string;
    readonly implements: string | undefined;
    readonly desc: ExternDesc;
  }[];
  readonly exports: ComponentExport[];
}

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

/** Skips a `canon` entry's options; `false` for an option this reader does not know. */
function skipCanonOptions(r: Reader): boolean {
  let known = true;
  const n = r.u32();
  for (let i = 0; i < n && known; i++) {
    const b = r.byte();
    if (b === 0x03 || b === 0x04 || b === 0x05 || b === 0x07 || b === 0x08) r.u32();
    else if (b > 0x09) known = false;
  }
  return known;
}

/**
 * One `canon` entry: the type of the function it adds to the component's function index space (`canon lift`
 * is the only one that does), `"core"` for the entries that define core functions, or `undefined` for an entry
 * whose immediates this reader does not know (the rest of the section cannot then be read).
 */
function readCanon(r: Reader): number | "core" | undefined {
  const op = r.byte();
  switch (op) {
    case 0x00: {
      r.byte();
      r.u32();
      if (!skipCanonOptions(r)) return undefined;
      return r.u32();
    }
    case 0x01:
      r.byte();
      r.u32();
      return skipCanonOptions(r) ? "core" : undefined;
    case 0x02: // resource.new, resource.drop, resource.rep, resource.drop async: a resource type index
    case 0x03:
    case 0x04:
    case 0x07:
      r.u32();
      return "core";
    default:
      // The async ABI's built-ins: their immediates keep changing, and only define core functions.
      return undefined;
  }
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
    const exports = new Map<string, SortIdx>();
    for (const [name, item] of r.vec(() => [readExternName(r), readSortIdx(r)] as const))
      exports.set(name, item);
    return { kind: "inline", exports };
  }
  return bail(`unknown instance expression 0x${b.toString(16)}`);
}

/** Walks a component binary section by section, keeping the index spaces this decoder needs. */
export function readComponent(bytes: Uint8Array, nested = false): ComponentBody {
  const r = new Reader(bytes);
  r.preamble(nested ? "a nested core module" : "a core module");
  const body: ComponentBody = {
    types: [],
    instances: [],
    components: [],
    funcs: [],
    imports: [],
    exports: [],
  };
  // Once a function enters the index space without a known origin, later indices cannot be trusted.
  let lost: string | undefined;
  const addFunc = (entry: FuncEntry): void => {
    if (entry.kind === "unknown") lost ??= entry.why;
    body.funcs.push(lost === undefined ? entry : { kind: "unknown", why: lost });
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
        case 8: {
          const count = r.u32();
          for (let i = 0; i < count; i++) {
            const entry = readCanon(r);
            if (entry === "core") continue;
            if (entry === undefined) {
              addFunc({ kind: "unknown", why: "a canonical built-in this decoder does not read" });
              r.pos = end;
              break;
            }
            addFunc({ kind: "typed", type: entry });
          }
          break;
        }
        case 4:
          body.components.push({
            kind: "defined",
            body: readComponent(bytes.subarray(start, end), true),
          });
          r.pos = end;
          break;
        case 5:
          for (const entry of r.vec(() => readInstance(r))) body.instances.push(entry);
          break;
        case 6:
          r.vec(() => readAlias(r, body, addFunc));
          break;
        case 7:
          for (const slot of r.vec(() => readTypeEntry(r))) body.types.push({ kind: "slot", slot });
          break;
        case 10:
          r.vec(() => {
            const { name, implements: implemented } = readExternNameParts(r);
            const desc = readExternDesc(r);
            body.imports.push({ name, implements: implemented, desc });
            switch (desc.kind) {
              case "instance":
                body.instances.push({ kind: "import", name, type: desc.type });
                break;
              case "type-eq":
              case "type-sub":
                body.types.push({ kind: "import", name, desc });
                break;
              case "func":
                addFunc({ kind: "typed", type: desc.type });
                break;
              case "component":
                body.components.push({ kind: "opaque", what: `imported component \`${name}\`` });
                break;
              case "other":
                break;
            }
          });
          break;
        case 11:
          r.vec(() => {
            const { name, implements: implemented } = readExternNameParts(r);
            const item = readSortIdx(r);
            const ascribed = readOptional(r, () => readExternDesc(r));
            body.exports.push({ name, implements: implemented, item, ascribed });
            // An export is also a new entry of its sort's index space.
            if (item.sort === TYPE) body.types.push({ kind: "export", name, index: item.index });
            else if (item.sort === INSTANCE)
              body.instances.push({ kind: "export", name, index: item.index });
            else if (item.sort === COMPONENT)
              body.components.push({ kind: "export", index: item.index });
            else if (item.sort === FUNC)
              addFunc({
                kind: "export",
                index: item.index,
                ascribed: ascribed?.kind === "func" ? ascribed.type : undefined,
              });
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

function readAlias(r: Reader, body: ComponentBody, addFunc: (entry: FuncEntry) => void): void {
  const sort = r.byte();
  if (sort === CORE) r.byte();
  const target = r.byte();
  if (target === 0x00) {
    const instance = r.u32();
    const name = r.string();
    if (sort === TYPE)
      body.types.push({ kind: "slot", slot: { kind: "alias-export", instance, name } });
    else if (sort === INSTANCE) body.instances.push({ kind: "alias", instance, name });
    else if (sort === COMPONENT)
      body.components.push({ kind: "opaque", what: `component \`${name}\` of an instance` });
    else if (sort === FUNC) addFunc({ kind: "alias", instance, name });
  } else if (target === 0x01) {
    // A core export: core items only.
    r.u32();
    r.string();
  } else if (target === 0x02) {
    const count = r.u32();
    const index = r.u32();
    if (sort === TYPE) body.types.push({ kind: "slot", slot: { kind: "outer", count, index } });
    else if (sort === COMPONENT) body.components.push({ kind: "outer", count, index });
  } else bail(`unknown alias target 0x${target.toString(16)}`);
}
