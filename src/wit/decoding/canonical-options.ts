/**
 * The canonical options of a component's functions, read from its binary, and where each core item they name
 * lives at run time. Phase: input reading, for `wit-ts gen x.wasm`. Consumes the bytes of a component and
 * produces, for every function the component exports (`canon lift`) and every function it imports and lowers
 * (`canon lower`), its options: the core function, memory, `realloc` and `post-return` (each as a core instance
 * and an export name of it), the string encoding and whether it is async.
 *
 * A core instance is named by its ordinal among the core instantiations (`instantiate` entries of the core
 * instance section, in binary order): that is the order in which jco's instantiation-mode output calls its
 * `instantiateCore(module, imports)` hook, so the SDK can capture the live core instances and call their
 * exports itself. Core items passed through inline core instances (`(core instance (export ...))`) are
 * followed to the instantiation that defines them. Naming conventions (`cabi_post_*`) are never consulted.
 *
 * What cannot be read exactly (a nested component with core modules of its own, which jco flattens into the
 * instantiation order; canonical built-ins of the async ABI; aliases whose origin is not in the binary) makes
 * the whole component, or the one function, `undefined` with a reason: its calls then go through jco.
 */
import { Reader, readExternDesc, readExternName, readOptional } from "./binary-reader.js";
import { bail, DecodeError } from "./component-types.js";

/** A core export of a live core instance: `instance` is the ordinal of the instantiation that made it. */
export interface CoreExportRef {
  readonly instance: number;
  readonly name: string;
}

export type StringEncoding = "utf8" | "utf16" | "latin1+utf16";

/** The canonical options of one lifted or lowered function. */
export interface CanonicalOptions {
  readonly memory: CoreExportRef | undefined;
  readonly realloc: CoreExportRef | undefined;
  readonly postReturn: CoreExportRef | undefined;
  readonly encoding: StringEncoding;
  readonly async: boolean;
}

/** A function the component exports, lifted from a core function of one of its core instances. */
export interface LiftedFunction {
  readonly kind: "lifted";
  readonly core: CoreExportRef;
  readonly options: CanonicalOptions;
}

/** A function whose core side cannot be reached directly, and why. */
export interface UnreachableFunction {
  readonly kind: "unreachable";
  readonly reason: string;
}

/** Where a lowered import is passed to a core instantiation: the module's import `module`/`name`. */
export interface CoreImportSite {
  /** The ordinal of the core instantiation (the order of jco's `instantiateCore` calls). */
  readonly instance: number;
  readonly module: string;
  readonly name: string;
}

/** A function the component imports and lowers into a core function that it passes to an instantiation. */
export interface LoweredImport {
  readonly options: CanonicalOptions;
}

/** One `canon lower`, with where its core function goes. */
export interface LoweredFunction {
  /** The WIT name of the imported function, as for exports; undefined when its origin is not an import. */
  readonly name: string | undefined;
  /** Its options; a string says which core item named in them has no known origin. */
  readonly options: CanonicalOptions | string;
  /** Every core instantiation argument it is given as, through inline core instances. */
  readonly sites: readonly CoreImportSite[];
}

/** What {@link decodeCanonicalOptions} found. */
export interface ComponentCanon {
  /**
   * Exported functions by WIT name: `name` for a world-level function, `ns:pkg/iface@v#name` for a function
   * of an exported interface (`[method]r.m` and the like for resource functions).
   */
  readonly exports: ReadonlyMap<string, LiftedFunction | UnreachableFunction>;
  /** Lowered imports by WIT name, as for exports. */
  readonly imports: ReadonlyMap<string, LoweredImport>;
  /** Every `canon lower` of the component, in binary order, with the core imports it fills. */
  readonly lowered: readonly LoweredFunction[];
  /** How many core instantiations the component makes (jco calls `instantiateCore` this many times). */
  readonly instantiations: number;
  /** Why no function of this component can be called directly, when that is so. */
  readonly unsupported: string | undefined;
}

/** Component-level sorts (Binary.md `sort`) and core sorts (`core:sort`). */
const CORE = 0x00;
const FUNC = 0x01;
const COMPONENT = 0x04;
const INSTANCE = 0x05;
const CORE_FUNC = 0x00;
const CORE_MEMORY = 0x02;
const CORE_MODULE = 0x11;
const CORE_INSTANCE = 0x12;

interface SortIdx {
  readonly sort: number;
  /** The core sort when `sort` is `CORE`. */
  readonly coreSort: number;
  readonly index: number;
}

/** Where a core function or memory comes from. */
type CoreItem =
  | { readonly kind: "export"; readonly instance: number; readonly name: string }
  | { readonly kind: "builtin"; readonly what: string; readonly lowered?: number }
  | { readonly kind: "unknown" };

type CoreInstanceEntry =
  | {
      readonly kind: "instantiate";
      readonly ordinal: number;
      /** The instantiation's arguments: a core instance index per imported module name. */
      readonly args: readonly (readonly [module: string, instance: number])[];
    }
  | { readonly kind: "inline"; readonly exports: ReadonlyMap<string, SortIdx> };

/** Raw options as read from a `canon` entry: core indices, not yet resolved. */
interface RawOptions {
  memory: number | undefined;
  realloc: number | undefined;
  postReturn: number | undefined;
  encoding: StringEncoding;
  async: boolean;
}

type FuncEntry =
  | { readonly kind: "lift"; readonly core: number; readonly options: RawOptions }
  | { readonly kind: "import"; readonly name: string }
  | { readonly kind: "instance-export"; readonly instance: number; readonly name: string }
  | { readonly kind: "same"; readonly index: number }
  | { readonly kind: "unknown" };

type InstanceEntry =
  | { readonly kind: "import"; readonly name: string }
  | {
      readonly kind: "instantiate";
      readonly component: number;
      readonly args: ReadonlyMap<string, SortIdx>;
    }
  | { readonly kind: "inline"; readonly exports: ReadonlyMap<string, SortIdx> }
  | { readonly kind: "same"; readonly index: number }
  | { readonly kind: "unknown" };

/** What the reader keeps of a nested component: the origin of each of its functions and its exports. */
interface NestedComponent {
  readonly funcs: FuncEntry[];
  readonly exports: Map<string, SortIdx>;
  /** True when it defines or instantiates core modules (jco then interleaves its instantiations). */
  readonly hasCore: boolean;
}

interface TopLevel {
  readonly coreFuncs: CoreItem[];
  readonly coreMemories: CoreItem[];
  readonly coreInstances: CoreInstanceEntry[];
  readonly funcs: FuncEntry[];
  readonly instances: InstanceEntry[];
  readonly components: (NestedComponent | undefined)[];
  readonly exports: { readonly name: string; readonly item: SortIdx }[];
  /** Lowered imports: the component function lowered and the raw options. */
  readonly lowered: { readonly func: number; readonly options: RawOptions }[];
  instantiations: number;
  /** Set when a core construct was met that this reader cannot place; every function then falls back. */
  unsupported: string | undefined;
}

function readSortIdx(r: Reader): SortIdx {
  const sort = r.byte();
  const coreSort = sort === CORE ? r.byte() : -1;
  return { sort, coreSort, index: r.u32() };
}

function readCoreSortIdx(r: Reader): SortIdx {
  const coreSort = r.byte();
  return { sort: CORE, coreSort, index: r.u32() };
}

function readOptions(r: Reader): RawOptions {
  const options: RawOptions = {
    memory: undefined,
    realloc: undefined,
    postReturn: undefined,
    encoding: "utf8",
    async: false,
  };
  r.vec(() => {
    const b = r.byte();
    switch (b) {
      case 0x00:
        options.encoding = "utf8";
        break;
      case 0x01:
        options.encoding = "utf16";
        break;
      case 0x02:
        options.encoding = "latin1+utf16";
        break;
      case 0x03:
        options.memory = r.u32();
        break;
      case 0x04:
        options.realloc = r.u32();
        break;
      case 0x05:
        options.postReturn = r.u32();
        break;
      case 0x06:
        options.async = true;
        break;
      case 0x07: // callback: only async functions have one
      case 0x08: // core-type
        r.u32();
        options.async ||= b === 0x07;
        break;
      case 0x09: // gc
        options.async = true; // not the linear-memory ABI: never called directly
        break;
      default:
        bail(`unknown canonical option 0x${b.toString(16)}`);
    }
  });
  return options;
}

/** A nested component: only its function index space and exports matter (see `NestedComponent`). */
function readNested(bytes: Uint8Array): NestedComponent {
  const r = new Reader(bytes);
  r.skip(8);
  const nested: NestedComponent = { funcs: [], exports: new Map(), hasCore: false };
  let hasCore = false;
  r.sections(false, (id, start, end) => {
    switch (id) {
      case 1:
      case 2:
        hasCore = true;
        break;
      case 4:
        if (readNested(bytes.subarray(start, end)).hasCore) hasCore = true;
        break;
      case 6:
        r.vec(() => {
          const sort = r.byte();
          if (sort === CORE) r.byte();
          const target = r.byte();
          if (target === 0x00 || target === 0x01) {
            r.u32();
            r.string();
          } else {
            r.u32();
            r.u32();
          }
          if (sort === FUNC) nested.funcs.push({ kind: "unknown" });
        });
        break;
      case 8: {
        const count = r.u32();
        for (let i = 0; i < count; i++) {
          if (r.byte() !== 0x00) {
            // Anything but `canon lift` defines core functions: core work inside a nested component.
            hasCore = true;
            break;
          }
          r.byte();
          r.u32();
          readOptions(r);
          r.u32();
          nested.funcs.push({ kind: "unknown" });
        }
        break;
      }
      case 10:
        r.vec(() => {
          const name = readExternName(r);
          const desc = readExternDesc(r);
          if (desc.kind === "func") nested.funcs.push({ kind: "import", name });
        });
        break;
      case 11:
        r.vec(() => {
          const name = readExternName(r);
          const item = readSortIdx(r);
          readOptional(r, () => readExternDesc(r));
          nested.exports.set(name, item);
          if (item.sort === FUNC) nested.funcs.push({ kind: "same", index: item.index });
        });
        break;
      default:
        break;
    }
  });
  return { ...nested, hasCore };
}

function readTopLevel(bytes: Uint8Array): TopLevel {
  const r = new Reader(bytes);
  r.preamble();
  const top: TopLevel = {
    coreFuncs: [],
    coreMemories: [],
    coreInstances: [],
    funcs: [],
    instances: [],
    components: [],
    exports: [],
    lowered: [],
    instantiations: 0,
    unsupported: undefined,
  };
  let modules = 0;
  r.sections(false, (id, start, end) => {
    switch (id) {
      case 1:
        modules++;
        break;
      case 2:
        r.vec(() => {
          const b = r.byte();
          if (b === 0x00) {
            const module = r.u32();
            const args = r.vec(() => {
              const name = r.string();
              if (r.byte() !== CORE_INSTANCE)
                bail("a core instantiation argument that is not an instance");
              return [name, r.u32()] as const;
            });
            if (module >= modules)
              top.unsupported ??= "a core module that is not defined in the component itself";
            top.coreInstances.push({ kind: "instantiate", ordinal: top.instantiations++, args });
          } else if (b === 0x01) {
            const exports = new Map<string, SortIdx>();
            for (const [name, item] of r.vec(() => [r.string(), readCoreSortIdx(r)] as const))
              exports.set(name, item);
            top.coreInstances.push({ kind: "inline", exports });
          } else bail(`unknown core instance expression 0x${b.toString(16)}`);
        });
        break;
      case 4: {
        const nested = readNested(bytes.subarray(start, end));
        if (nested.hasCore) top.unsupported ??= "a nested component has core modules of its own";
        top.components.push(nested);
        break;
      }
      case 5:
        r.vec(() => {
          const b = r.byte();
          if (b === 0x00) {
            const component = r.u32();
            const args = new Map<string, SortIdx>();
            for (const [name, item] of r.vec(() => [r.string(), readSortIdx(r)] as const))
              args.set(name, item);
            top.instances.push({ kind: "instantiate", component, args });
          } else if (b === 0x01) {
            const exports = new Map<string, SortIdx>();
            for (const [name, item] of r.vec(() => [readExternName(r), readSortIdx(r)] as const))
              exports.set(name, item);
            top.instances.push({ kind: "inline", exports });
          } else bail(`unknown instance expression 0x${b.toString(16)}`);
        });
        break;
      case 6:
        r.vec(() => readAlias(r, top));
        break;
      case 8:
        r.vec(() => readCanon(r, top));
        break;
      case 10:
        r.vec(() => {
          const name = readExternName(r);
          const desc = readExternDesc(r);
          if (desc.kind === "func") top.funcs.push({ kind: "import", name });
          else if (desc.kind === "instance") top.instances.push({ kind: "import", name });
          else if (desc.kind === "component") top.components.push(undefined);
        });
        break;
      case 11:
        r.vec(() => {
          const name = readExternName(r);
          const item = readSortIdx(r);
          readOptional(r, () => readExternDesc(r));
          top.exports.push({ name, item });
          if (item.sort === FUNC) top.funcs.push({ kind: "same", index: item.index });
          else if (item.sort === INSTANCE) top.instances.push({ kind: "same", index: item.index });
          else if (item.sort === COMPONENT) top.components.push(top.components[item.index]);
        });
        break;
      default:
        // Custom, core types, types, start: nothing here adds to the index spaces read above.
        break;
    }
  });
  return top;
}

function readAlias(r: Reader, top: TopLevel): void {
  const sort = r.byte();
  const coreSort = sort === CORE ? r.byte() : -1;
  const target = r.byte();
  if (target === 0x01) {
    // A core export of a core instance.
    const instance = r.u32();
    const name = r.string();
    const item: CoreItem = { kind: "export", instance, name };
    if (coreSort === CORE_FUNC) top.coreFuncs.push(item);
    else if (coreSort === CORE_MEMORY) top.coreMemories.push(item);
    return;
  }
  if (target === 0x00) {
    const instance = r.u32();
    const name = r.string();
    if (sort === FUNC) top.funcs.push({ kind: "instance-export", instance, name });
    else if (sort === INSTANCE) top.instances.push({ kind: "unknown" });
    else if (sort === COMPONENT) top.components.push(undefined);
    return;
  }
  if (target === 0x02) {
    r.u32();
    r.u32();
    if (sort === CORE && coreSort === CORE_MODULE)
      top.unsupported ??= "a core module aliased from an outer component";
    if (sort === COMPONENT) top.components.push(undefined);
    return;
  }
  bail(`unknown alias target 0x${target.toString(16)}`);
}

function readCanon(r: Reader, top: TopLevel): void {
  const b = r.byte();
  switch (b) {
    case 0x00: {
      r.byte();
      const core = r.u32();
      const options = readOptions(r);
      r.u32();
      top.funcs.push({ kind: "lift", core, options });
      return;
    }
    case 0x01: {
      r.byte();
      const func = r.u32();
      const options = readOptions(r);
      top.coreFuncs.push({
        kind: "builtin",
        what: "a lowered import",
        lowered: top.lowered.length,
      });
      top.lowered.push({ func, options });
      return;
    }
    case 0x02:
    case 0x03:
    case 0x04:
      r.u32();
      top.coreFuncs.push({ kind: "builtin", what: "a resource built-in" });
      return;
    default:
      // The async ABI's built-ins: their immediates vary, and the core function index space cannot be
      // followed past them.
      bail(
        `canonical built-in 0x${b.toString(16)} (component-model async), which the SDK does not call directly`,
      );
  }
}

/** Follows a core item through inline core instances to an export of an instantiation. */
function resolveCore(
  top: TopLevel,
  space: "func" | "memory",
  index: number | undefined,
  depth = 0,
): CoreExportRef | string {
  if (index === undefined) return "missing";
  const item = (space === "func" ? top.coreFuncs : top.coreMemories)[index];
  if (item === undefined || item.kind === "unknown")
    return `core ${space} ${index} has no known origin`;
  if (item.kind === "builtin") return `core ${space} ${index} is ${item.what}`;
  return resolveCoreExport(top, item.instance, item.name, space, depth);
}

function resolveCoreExport(
  top: TopLevel,
  instance: number,
  name: string,
  space: "func" | "memory",
  depth: number,
): CoreExportRef | string {
  if (depth > top.coreInstances.length) return "a cycle of core instances";
  const entry = top.coreInstances[instance];
  if (entry === undefined) return `core instance ${instance} is not defined`;
  if (entry.kind === "instantiate") return { instance: entry.ordinal, name };
  const item = entry.exports.get(name);
  if (item === undefined) return `core instance ${instance} has no export \`${name}\``;
  const wanted = space === "func" ? CORE_FUNC : CORE_MEMORY;
  if (item.coreSort !== wanted) return `\`${name}\` of core instance ${instance} is not a ${space}`;
  return resolveCore(top, space, item.index, depth + 1);
}

/** The `canon lift` behind a top-level function index, or why there is none. */
function liftOf(top: TopLevel, index: number, depth = 0): LiftedFunction | UnreachableFunction {
  const unreachable = (reason: string): UnreachableFunction => ({ kind: "unreachable", reason });
  if (depth > top.funcs.length + top.instances.length) return unreachable("a cycle of aliases");
  const entry = top.funcs[index];
  if (entry === undefined) return unreachable(`function ${index} is not defined`);
  switch (entry.kind) {
    case "same":
      return liftOf(top, entry.index, depth + 1);
    case "import":
      return unreachable("it re-exports an import");
    case "instance-export":
      return funcOfInstance(top, entry.instance, entry.name, depth + 1);
    case "unknown":
      return unreachable("its origin is not in the binary");
    case "lift":
      break;
    default: {
      const never: never = entry;
      return never;
    }
  }
  const core = resolveCore(top, "func", entry.core);
  if (typeof core === "string") return unreachable(core);
  const raw = entry.options;
  const optional = (
    space: "func" | "memory",
    i: number | undefined,
  ): CoreExportRef | string | undefined =>
    i === undefined ? undefined : resolveCore(top, space, i);
  const memory = optional("memory", raw.memory);
  const realloc = optional("func", raw.realloc);
  const postReturn = optional("func", raw.postReturn);
  for (const [what, ref] of [
    ["memory", memory],
    ["realloc", realloc],
    ["post-return", postReturn],
  ] as const) {
    if (typeof ref === "string") return unreachable(`its ${what}: ${ref}`);
  }
  return {
    kind: "lifted",
    core,
    options: {
      memory: memory as CoreExportRef | undefined,
      realloc: realloc as CoreExportRef | undefined,
      postReturn: postReturn as CoreExportRef | undefined,
      encoding: raw.encoding,
      async: raw.async,
    },
  };
}

/** Function `name` of top-level instance `index`, followed to its `canon lift`. */
function funcOfInstance(
  top: TopLevel,
  index: number,
  name: string,
  depth: number,
): LiftedFunction | UnreachableFunction {
  const unreachable = (reason: string): UnreachableFunction => ({ kind: "unreachable", reason });
  const entry = top.instances[index];
  if (entry === undefined) return unreachable(`instance ${index} is not defined`);
  switch (entry.kind) {
    case "same":
      return funcOfInstance(top, entry.index, name, depth + 1);
    case "import":
      return unreachable("it re-exports an import");
    case "unknown":
      return unreachable("its instance's origin is not in the binary");
    case "inline": {
      const item = entry.exports.get(name);
      if (item === undefined || item.sort !== FUNC)
        return unreachable(`instance ${index} exports no function \`${name}\``);
      return liftOf(top, item.index, depth + 1);
    }
    case "instantiate": {
      const component = top.components[entry.component];
      if (component === undefined)
        return unreachable(`component ${entry.component} is not in the binary`);
      const exported = component.exports.get(name);
      if (exported === undefined || exported.sort !== FUNC)
        return unreachable(`no function \`${name}\` is exported`);
      // Inside the shim component, the export is one of its function imports, given by the instantiation.
      let func = component.funcs[exported.index];
      for (let hops = 0; func?.kind === "same" && hops <= component.funcs.length; hops++)
        func = component.funcs[func.index];
      if (func?.kind !== "import")
        return unreachable(`the nested component defines \`${name}\` itself`);
      const arg = entry.args.get(func.name);
      if (arg === undefined || arg.sort !== FUNC)
        return unreachable(`the instantiation passes no function \`${func.name}\``);
      return liftOf(top, arg.index, depth + 1);
    }
    default: {
      const never: never = entry;
      return never;
    }
  }
}

/** The names of an instance's functions (for exported interfaces): every name its definition can give. */
function instanceFunctionNames(top: TopLevel, index: number, depth = 0): string[] {
  const entry = top.instances[index];
  if (entry === undefined || depth > top.instances.length) return [];
  switch (entry.kind) {
    case "same":
      return instanceFunctionNames(top, entry.index, depth + 1);
    case "inline":
      return [...entry.exports].filter(([, item]) => item.sort === FUNC).map(([name]) => name);
    case "instantiate": {
      const component = top.components[entry.component];
      if (component === undefined) return [];
      return [...component.exports].filter(([, item]) => item.sort === FUNC).map(([name]) => name);
    }
    case "import":
    case "unknown":
      return [];
    default: {
      const never: never = entry;
      return never;
    }
  }
}

/** The WIT name of the import a top-level function comes from (`name`, or `ns:pkg/iface#name`). */
function importName(top: TopLevel, index: number): string | undefined {
  for (let depth = 0, i = index; depth <= top.funcs.length; depth++) {
    const entry = top.funcs[i];
    if (entry === undefined) return undefined;
    if (entry.kind === "import") return entry.name;
    if (entry.kind === "same") {
      i = entry.index;
      continue;
    }
    if (entry.kind === "instance-export") {
      const instance = top.instances[entry.instance];
      return instance?.kind === "import" ? `${instance.name}#${entry.name}` : undefined;
    }
    return undefined;
  }
  return undefined;
}

function resolveOptions(top: TopLevel, raw: RawOptions): CanonicalOptions | string {
  let failure: string | undefined;
  const ref = (space: "func" | "memory", i: number | undefined): CoreExportRef | undefined => {
    const resolved = i === undefined ? undefined : resolveCore(top, space, i);
    if (typeof resolved !== "string") return resolved;
    failure ??= `its ${space === "memory" ? "memory" : "realloc"}: ${resolved}`;
    return undefined;
  };
  const options = {
    memory: ref("memory", raw.memory),
    realloc: ref("func", raw.realloc),
    postReturn: ref("func", raw.postReturn),
    encoding: raw.encoding,
    async: raw.async,
  };
  return failure ?? options;
}

/** The `canon lower` a core function is, followed through inline core instances; undefined if none. */
function loweredOf(top: TopLevel, index: number, depth = 0): number | undefined {
  const item = top.coreFuncs[index];
  if (item === undefined || depth > top.coreInstances.length) return undefined;
  if (item.kind === "builtin") return item.lowered;
  if (item.kind !== "export") return undefined;
  const entry = top.coreInstances[item.instance];
  if (entry?.kind !== "inline") return undefined;
  const inner = entry.exports.get(item.name);
  return inner?.coreSort === CORE_FUNC ? loweredOf(top, inner.index, depth + 1) : undefined;
}

/** Where each `canon lower` is passed to a core instantiation (its import module and name there). */
function loweredSites(top: TopLevel): CoreImportSite[][] {
  const sites: CoreImportSite[][] = top.lowered.map(() => []);
  for (const entry of top.coreInstances) {
    if (entry.kind !== "instantiate") continue;
    for (const [module, instance] of entry.args) {
      const arg = top.coreInstances[instance];
      // An instantiated module's exports are its own functions: only inline instances carry lowered ones.
      if (arg?.kind !== "inline") continue;
      for (const [name, item] of arg.exports) {
        if (item.coreSort !== CORE_FUNC) continue;
        const lowered = loweredOf(top, item.index);
        if (lowered !== undefined) sites[lowered]!.push({ instance: entry.ordinal, module, name });
      }
    }
  }
  return sites;
}

/**
 * Reads the canonical options of a component's exported and imported functions (see the file comment).
 * A component this reader cannot place exactly gives every export as `unreachable` with the reason; a binary
 * that is not a component is an `error`.
 */
export function decodeCanonicalOptions(bytes: Uint8Array): ComponentCanon | { error: string } {
  let top: TopLevel;
  try {
    top = readTopLevel(bytes);
  } catch (e) {
    if (
      e instanceof DecodeError &&
      /^canonical built-in|^unknown canonical option/.test(e.message)
    ) {
      return {
        exports: new Map(),
        imports: new Map(),
        lowered: [],
        instantiations: 0,
        unsupported: e.message,
      };
    }
    if (e instanceof DecodeError || e instanceof TypeError) return { error: e.message };
    if (e instanceof RangeError) return { error: "components nested too deeply" };
    throw e;
  }
  const exports = new Map<string, LiftedFunction | UnreachableFunction>();
  for (const { name, item } of top.exports) {
    if (item.sort === FUNC) exports.set(name, liftOf(top, item.index));
    else if (item.sort === INSTANCE) {
      for (const fn of instanceFunctionNames(top, item.index)) {
        exports.set(`${name}#${fn}`, funcOfInstance(top, item.index, fn, 0));
      }
    }
  }
  if (top.unsupported !== undefined) {
    for (const name of exports.keys())
      exports.set(name, { kind: "unreachable", reason: top.unsupported });
  }
  const imports = new Map<string, LoweredImport>();
  const sites = loweredSites(top);
  const lowered = top.lowered.map(({ func, options }, index): LoweredFunction => {
    const name = importName(top, func);
    const resolved = resolveOptions(top, options);
    if (name !== undefined && typeof resolved !== "string")
      imports.set(name, { options: resolved });
    return { name, options: resolved, sites: sites[index]! };
  });
  return {
    exports,
    imports,
    lowered,
    instantiations: top.instantiations,
    unsupported: top.unsupported,
  };
}
