/**
 * Runtime, instance core: the per-instance state every generated wrapper of one component instance shares (its
 * call gate, jco's exports object, the restart generation, the host resource adapters) and the functions that
 * make it: instantiating jco's instantiation-mode module (also without ever resolving a promise with a thenable
 * exports object), restarting after a trap, the world instance's controls, and WASI defaults from
 * `@bytecodealliance/preview2-shim`.
 *
 * Consumes jco's module and the generated import object; produces the core that `export-calls.ts` and
 * `import-adapters.ts` act on.
 */

import { createCallGate, type CallGate, type CallOptions } from "./call-gate.js";
import type { ExportSpec } from "./export-calls.js";
import type { GuestResource, HostResourceType } from "./guest-resources.js";
import type { LowerContext } from "./value-types.js";
import { createTaskTracker, jcoTaskHooksKey, type TaskTracker } from "./tasks.js";
import { createIsolatedComponent, type IsolatedComponent } from "./isolate-host.js";
import type { IsolateOptions } from "./isolate-options.js";
import type { Loan } from "./loans.js";
import { coreModuleNames, invokeAt } from "./jco-module.js";

/** A rejection handler for promises nobody else looks at (so that their rejection is not an unhandled one). */
export function ignore(): void {}

/** The adapter class of one host resource in one instance, and the two-way map it keeps. */
export interface HostBridge {
  readonly adapter: new (...args: never[]) => object;
  /**
   * The adapter for `host`; as `own`, `host` also gets an entry in the instance's resource table, owned by
   * the guest, and `gifts` (when given) gets the function that undoes that.
   */
  toGuest(host: object, own: boolean, gifts: (() => void)[] | undefined): object;
  /** The host object of an adapter; a borrow (into a host import) lends its entry for the import's length. */
  fromGuest(adapter: unknown, borrow: boolean): object;
}

/** jco's `getCoreModule`: a core module (a `WebAssembly.Module`, or a promise of one) by file name. */
export type GetCoreModule = (path: string) => unknown;

/** jco's `instantiateCore`. */
type InstantiateCore = (module: unknown, imports: unknown) => unknown;

/** The part of jco's instantiation-mode module (its `<name>.js`) that the SDK uses. */
export interface ComponentModule {
  instantiate(
    getCoreModule: GetCoreModule | undefined,
    imports: object,
    instantiateCore?: InstantiateCore,
  ): unknown;
}

/** What generated `instantiate` functions pass on from their options. */
export interface InstanceOptions {
  readonly component?: ComponentModule | undefined;
  readonly getCoreModule?: GetCoreModule | undefined;
  /** Instantiate the component again after a trap, before the next call, instead of refusing calls. */
  readonly restart?: boolean | undefined;
  /**
   * The imports given to jco's `asyncImports` (JSPI output: `asyncMode: "jspi"`), by WIT name
   * (`ns:pkg/iface#fn`, `ns:pkg/iface@1.0.0#[method]r.m`, a world-level `fn`): their handlers may return a
   * promise, which jco's suspended guest waits for.
   */
  readonly asyncImports?: readonly string[] | undefined;
  /**
   * Call the component's core exports directly with the SDK's own canonical ABI where the generator found how
   * (an SDK generated from a `.wasm`; `direct-calls.ts`), and give the core instances the SDK's own lowered
   * host functions (`direct-imports.ts`). Default true; false sends every call through jco.
   */
  readonly directCalls?: boolean | undefined;
  /**
   * Every `async func` export call settles only when its task has ended (its work after returning the value
   * included), as if each call passed `{ untilTaskEnds: true }`.
   */
  readonly untilTaskEnds?: boolean | undefined;
  /** Run the component in a worker, with call deadlines and a memory cap (`isolate-host.ts`). */
  readonly isolate?: IsolateOptions | undefined;
}

/** What the generator knows about the component when it writes `instantiate`. */
export interface InstanceDefaults {
  /** Loads the component the SDK was generated from (only when it was generated from a `.wasm`). */
  readonly component?: () => Promise<ComponentModule>;
  /**
   * Instantiate without ever resolving a promise with jco's exports object: needed when the world exports
   * a function named `then`, which makes that object a thenable: a promise resolved with it would call
   * that function instead of holding the object. Requires a
   * `getCoreModule`.
   */
  readonly synchronous?: boolean;
  /**
   * The SDK's own lowering of the imports the component lowers, used when calls are direct
   * (`importLowering` of `direct-imports.ts`); handed in, so that an SDK that lowers nothing carries none of it.
   */
  readonly lowering?: ImportLowering;
}

/** The SDK's own lowering of a component's host imports, as `createInstanceCore` uses it. */
export interface ImportLowering {
  /**
   * Where jco's output (as `wit-ts gen x.wasm` patches it) announces, at each instantiation, that its
   * trampolines may be called outside its tasks: a symbol key of the import object.
   */
  readonly announceKey: symbol;
  /** Takes the instance flags that announcement hands over, for `owner`'s live component. */
  announced(owner: object, flags: unknown): void;
  /**
   * Whether some imports keep jco's trampolines: jco's output must then announce that they may be called
   * outside its tasks, or the instance calls through jco.
   */
  readonly keepsJcoImports: boolean;
  /**
   * The core imports of instantiation `ordinal` with the SDK's lowered host functions in place of jco's, or a
   * string naming what is missing (the instance then makes every call through jco).
   */
  substitute(
    owner: object,
    ordinal: number,
    coreImports: unknown,
    jcoImports: object,
    instances: readonly object[],
  ): { readonly imports: unknown } | string;
}

/** The per-instance state every generated wrapper of one instance shares. */
export interface InstanceCore {
  readonly gate: CallGate;
  /** The component-model async tasks of the instance (`tasks.ts`). */
  readonly tasks: TaskTracker;
  /** jco's exports object of the live component instance (a restart replaces it). */
  readonly exports: Readonly<Record<string, unknown>>;
  /** Counts restarts: guest resources of an earlier generation belonged to a dead instance. */
  readonly generation: number;
}

export function coreOf(core: InstanceCore): Core {
  // Every instance core is a `Core` of this copy of the runtime (`createInstanceCore`).
  if (!(core instanceof Core)) throw new TypeError("not an instance core of this runtime");
  return core;
}

/** For calls whose every exception is a trap (`ExportSpec.direct`): no classifier. */
export const trapEverything: CallOptions = {};

/** Never resolve anything with it: it may be a thenable (see `InstanceDefaults.synchronous`). */
type JcoExports = Readonly<Record<string, unknown>>;

/** Shared by calls that move and lend nothing; frozen, so that a push (a wit-ts bug) throws. */
export const noLoans = Object.freeze([]) as unknown as Loan[];

export const noMoves = Object.freeze([]) as unknown as GuestResource[];

let lastEpoch = 0;

function nextEpoch(): number {
  return ++lastEpoch;
}

export class Core implements InstanceCore {
  readonly gate: CallGate;
  readonly tasks: TaskTracker;
  /** The lowering context of calls whose arguments hold no resources (`ExportSpec.plain`). */
  readonly plainContext: LowerContext = { core: this, moves: noMoves, loans: noLoans };
  /** Calls a `direct` export (see `ExportSpec.direct`) on the live instance's exports. */
  readonly invokeDirect = (spec: ExportSpec<unknown>, args: readonly unknown[]): unknown =>
    invokeAt(this.exports, spec.path, false, args);
  exports: JcoExports = {};
  generation = 0;
  /**
   * The core instances of the live component, in the order jco instantiated them (its `instantiateCore`
   * hook), for direct calls; undefined when direct calls are off. A restart replaces the array.
   */
  coreInstances: readonly object[] | undefined = undefined;
  /**
   * Changes, to a number no instance core of this copy of the runtime has had, whenever `coreInstances` does:
   * a direct function's binding made in one epoch is used as it is while the epoch lasts (one compare).
   */
  coreEpoch: number = nextEpoch();
  private readonly directCalls: boolean;
  private readonly lowering: ImportLowering | undefined;
  /** Whether jco's output announced, in the latest instantiation, that its trampolines work outside tasks. */
  private untaskedImports = false;
  /**
   * Set when an exception left a host import handler during the call in flight: whatever the call then
   * throws is a trap, even an error that looks like a `result` error (a handler may rethrow one it got from
   * another call).
   */
  importFailed = false;
  private readonly bridges = new Map<HostResourceType, HostBridge>();
  private imports: object = {};
  private readonly component: ComponentModule;
  private readonly getCoreModule: GetCoreModule | undefined;
  private readonly synchronous: boolean;
  private readonly asyncImports: ReadonlySet<string>;
  /** The worker-side stand-in for jco's module, when the instance is isolated. */
  private readonly isolated: IsolatedComponent | undefined;

  constructor(component: ComponentModule, options: InstanceOptions, defaults: InstanceDefaults) {
    this.component = component;
    this.getCoreModule = options.getCoreModule;
    this.synchronous = defaults.synchronous === true;
    this.lowering = defaults.lowering;
    this.asyncImports = new Set(options.asyncImports ?? []);
    // jco's JSPI output suspends the guest inside its own export wrappers, and an isolated instance's core
    // instances live in its worker: their calls go through jco.
    this.directCalls =
      options.directCalls !== false &&
      (options.asyncImports?.length ?? 0) === 0 &&
      options.isolate === undefined;
    // Disposal waits for the async tasks too (a task may still run after its call settled); on a poisoned
    // instance that wait ends at once (the task tracker does not wait for the dead instance's tasks).
    const beforeClose = (): Promise<void> => this.tasks.settled();
    this.gate = createCallGate(
      options.restart === true ? { restart: () => this.restart(), beforeClose } : { beforeClose },
    );
    this.tasks = createTaskTracker(this.gate, { untilTaskEnds: options.untilTaskEnds });
    const isolated =
      options.isolate === undefined
        ? undefined
        : createIsolatedComponent(options.isolate, () => this.gate.runningFunction);
    this.isolated = isolated;
    if (isolated !== undefined) this.gate.addReleaseHook(() => isolated.close());
  }

  async start(imports: object): Promise<void> {
    // jco's output as `wit-ts gen x.wasm` transpiles it reports its async tasks through this key.
    Object.defineProperty(imports, jcoTaskHooksKey, {
      value: this.tasks.hooks,
      configurable: true,
    });
    const lowering = this.lowering;
    if (lowering !== undefined) {
      Object.defineProperty(imports, lowering.announceKey, {
        value: (flags: unknown): void => {
          this.untaskedImports = true;
          lowering.announced(this, flags);
        },
        configurable: true,
      });
    }
    this.imports = imports;
    await this.instantiate();
  }

  private async restart(): Promise<void> {
    await this.instantiate();
    this.generation++;
  }

  private async instantiate(): Promise<void> {
    if (this.isolated !== undefined) {
      this.exports = (await this.isolated.start(this.imports)).exports;
      this.tasks.instantiated();
      return;
    }
    const capture: Capture | undefined = this.directCalls
      ? {
          instances: [],
          imports: this.imports,
          lowering: this.lowering,
          owner: this,
          failed: undefined,
        }
      : undefined;
    this.coreInstances = undefined;
    this.coreEpoch = nextEpoch();
    this.untaskedImports = false;
    if (this.synchronous) {
      // Boxed: an async function that returned the exports object itself would resolve its promise with it.
      this.exports = (
        await instantiateSynchronously(this.component, this.getCoreModule, this.imports, capture)
      ).exports;
    } else {
      // jco's exports object is awaited only here, and only when it cannot be a thenable.
      this.exports = (await this.component.instantiate(
        this.getCoreModule,
        this.imports,
        capture === undefined ? undefined : capturingInstantiate(capture),
      )) as JcoExports;
    }
    // An import the SDK could not substitute stays jco's trampoline, and jco's trampolines work outside its
    // tasks only in its output as `wit-ts gen` patches it: otherwise every call goes through jco.
    const usable =
      capture?.failed === undefined &&
      (this.lowering?.keepsJcoImports !== true || this.untaskedImports);
    this.coreInstances = usable ? capture?.instances : undefined;
    this.coreEpoch = nextEpoch();
    this.tasks.instantiated();
  }

  /** Whether jco awaits this import's handler (JSPI); jco accepts its name with or without the version. */
  isAsyncImport(name: string): boolean {
    const names = this.asyncImports;
    return names.size > 0 && (names.has(name) || names.has(name.replace(/@[^#]*#/, "#")));
  }

  /** The bridge of a host resource; defined by `hostResourceClass` before the instance starts. */
  hostBridge(type: HostResourceType): HostBridge {
    const bridge = this.bridges.get(type);
    if (bridge === undefined)
      throw new Error(`host resource \`${type.name}\` was never set up (a wit-ts bug)`);
    return bridge;
  }

  defineHostBridge(type: HostResourceType, bridge: HostBridge): void {
    this.bridges.set(type, bridge);
  }
}

/**
 * Instantiates without letting a promise resolve with the exports object: learns the core module names,
 * loads them, then instantiates with callbacks that answer synchronously (`coreModuleNames`).
 */
async function instantiateSynchronously(
  component: ComponentModule,
  getCoreModule: GetCoreModule | undefined,
  imports: object,
  capture: Capture | undefined,
): Promise<{ readonly exports: JcoExports }> {
  if (getCoreModule === undefined) {
    throw new TypeError(
      "this world exports a function named `then`, so the SDK must instantiate it synchronously: " +
        "pass `getCoreModule`",
    );
  }
  const modules = new Map<string, unknown>();
  for (const name of coreModuleNames(component, imports))
    modules.set(name, await getCoreModule(name));
  const wasm = (
    globalThis as unknown as { readonly WebAssembly: { readonly Instance: InstanceClass } }
  ).WebAssembly;
  const exports = component.instantiate(
    (name) => modules.get(name),
    imports,
    (module, coreImports) => {
      if (capture === undefined) return new wasm.Instance(module, coreImports);
      const slot = capture.instances.length;
      capture.instances.push({});
      const instance = new wasm.Instance(module, substitute(capture, slot, coreImports));
      capture.instances[slot] = instance;
      return instance;
    },
  );
  // A promise here means jco yielded after all; resolving it is exactly what must not happen. Its rejection is
  // silenced (nobody else holds it), and through handlers that return nothing: a pass-through handler would
  // resolve a derived promise with the exports object, calling its `then`.
  if (exports instanceof Promise) {
    exports.then(ignore, ignore);
    throw new TypeError("jco did not instantiate the component synchronously");
  }
  return { exports: exports as JcoExports };
}

type InstanceClass = new (module: unknown, imports: unknown) => object;

/** What direct calls record while jco instantiates the core modules. */
interface Capture {
  /** The core instances by instantiation order (a placeholder until each exists). */
  readonly instances: object[];
  /** The import object given to jco: the SDK's import adapters. */
  readonly imports: object;
  /** The lowered imports and those that keep jco's trampolines (guarded for `may_leave`), if any. */
  readonly lowering: ImportLowering | undefined;
  /** Who is leaving when the guest calls a lowered import (`direct-imports.ts`). */
  readonly owner: object;
  /** Why an import could not be substituted, if one could not. */
  failed: string | undefined;
}

/** The core imports of instantiation `slot`, with the SDK's lowered host functions in place of jco's. */
function substitute(capture: Capture, slot: number, coreImports: unknown): unknown {
  if (capture.failed !== undefined || capture.lowering === undefined) return coreImports;
  const outcome = capture.lowering.substitute(
    capture.owner,
    slot,
    coreImports,
    capture.imports,
    capture.instances,
  );
  if (typeof outcome === "string") {
    capture.failed = outcome;
    return coreImports;
  }
  return outcome.imports;
}

/**
 * jco's default `instantiateCore` (`WebAssembly.instantiate`) that also records each core instance, by call
 * order (jco awaits each instantiation before it starts the next), and substitutes the lowered imports.
 */
function capturingInstantiate(capture: Capture): InstantiateCore {
  const wasm = (
    globalThis as unknown as {
      readonly WebAssembly: { instantiate(module: unknown, imports: unknown): Promise<object> };
    }
  ).WebAssembly;
  return async (module, imports) => {
    const slot = capture.instances.length;
    capture.instances.push({});
    const instance = await wasm.instantiate(module, substitute(capture, slot, imports));
    capture.instances[slot] = instance;
    return instance;
  };
}

/** The core instances of a live instance, in jco's instantiation order, when direct calls are on. */
export function capturedCoreInstances(core: InstanceCore): readonly object[] | undefined {
  return coreOf(core).coreInstances;
}

/** Creates the core of one instance; `startInstance` then instantiates the component. */
export async function createInstanceCore(
  options: InstanceOptions,
  defaults: InstanceDefaults = {},
): Promise<InstanceCore> {
  let component = options.component;
  if (component === undefined && options.isolate !== undefined) {
    // The worker imports jco's module itself (`isolate.componentUrl`); the host needs none.
    component = {
      instantiate: () => Promise.reject(new Error("an isolated instance runs in its worker")),
    };
  }
  if (component === undefined) {
    if (defaults.component === undefined) {
      throw new TypeError(
        "`component` is required: pass jco's instantiation-mode module of the component",
      );
    }
    component = await defaults.component();
  }
  const core = new Core(component, options, defaults);
  return core;
}

/** Builds jco's object for an imported interface from the host's object for it. */
export type ImportFactory<H> = (core: InstanceCore, host: H) => object;

/** A world-level function or resource class of the host's imports, whose jco entry is built in place. */
type WorldLevel = ((...args: never) => unknown) | (abstract new (...args: never) => unknown);

/**
 * Per key of jco's import object: jco's object itself; a factory, given the host's object under that key of
 * `imports` (of that object's type); or a `wasi:*` factory and the shim's loader, for when the host leaves the
 * interface out.
 */
export type JcoImports<I> = {
  readonly [K in keyof I as NonNullable<I[K]> extends WorldLevel ? never : K]?:
    | ImportFactory<NonNullable<I[K]>>
    | readonly [ImportFactory<NonNullable<I[K]>>, () => Promise<object>];
} & Readonly<Record<string, object>>;

/**
 * Instantiates the component with jco's import object, made from `entries` and the host's `imports`. jco
 * reads an interface from its id without the version unless told otherwise (its `map` option), so each
 * versioned interface is also put under its unversioned id. `versions` lists, per unversioned interface id,
 * the versions of it the world imports: the SDK feeds each from its versioned key only, which jco reads when
 * told to by its `map` option.
 */
export async function startInstance<I extends object>(
  core: InstanceCore,
  imports?: I,
  entries: JcoImports<I> = {},
  versions?: Readonly<Record<string, readonly string[]>>,
): Promise<void> {
  const host = (imports ?? {}) as Readonly<Record<string, object | undefined>>;
  const jco: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(entries as Readonly<Record<string, unknown>>)) {
    if (typeof entry === "function") {
      jco[key] = (entry as ImportFactory<unknown>)(core, hostImports(host, key));
    } else if (Array.isArray(entry)) {
      const [factory, load] = entry as [ImportFactory<unknown>, () => Promise<object>];
      jco[key] = factory(core, await wasiImport(host, key, load));
    } else {
      jco[key] = entry;
    }
  }
  addUnversionedKeys(jco, versions);
  if (versions !== undefined) guardMergedVersions(jco, versions);
  return coreOf(core).start(jco);
}

/** The host's object under `key`, or an error that names the key (not its first function). */
function hostImports(imports: object, key: string): object {
  const provided: unknown = (imports as Readonly<Record<string, unknown>>)[key];
  if ((typeof provided !== "object" && typeof provided !== "function") || provided === null) {
    throw new TypeError(
      `the host did not provide ${JSON.stringify(key)}: \`imports\` has no object under that key`,
    );
  }
  return provided;
}

/** `ns:pkg/iface` for `ns:pkg/iface@1.2.3`, once per unversioned id that one key alone has. */
function addUnversionedKeys(
  imports: Record<string, unknown>,
  versions: Readonly<Record<string, readonly string[]>> | undefined,
): void {
  const byBare = new Map<string, string | undefined>();
  for (const key of Object.keys(imports)) {
    const bare = key.replace(/@[^/#@]*$/, "");
    if (bare === key) continue;
    // Two versions of one interface cannot share it (`guardMergedVersions`).
    byBare.set(bare, byBare.has(bare) ? undefined : key);
  }
  for (const [bare, key] of byBare) {
    if (key === undefined || bare in imports) continue;
    if (versions?.[bare] !== undefined) continue;
    imports[bare] = imports[key];
  }
}

/**
 * Makes a component transpiled without jco's `map` for two versions of one interface fail at instantiation with
 * the fix, instead of jco's "Cannot destructure property ... of 'imports.ns:pkg/iface'": such a component reads
 * every version from the unversioned key, which the SDK never fills (one host implementation would then serve
 * every version). Not enumerable, so that nothing but such a read sees it.
 */
function guardMergedVersions(
  imports: object,
  versions: Readonly<Record<string, readonly string[]>>,
): void {
  for (const [bare, ids] of Object.entries(versions)) {
    Object.defineProperty(imports, bare, {
      configurable: true,
      enumerable: false,
      get(): never {
        const maps = ids.map((id) => `--map ${id}=${id}`).join(" ");
        const api = ids.map((id) => `${JSON.stringify(id)}: ${JSON.stringify(id)}`).join(", ");
        throw new TypeError(
          `the component reads \`${bare}\` for ${ids.join(" and ")}: it was transpiled without jco's ` +
            `\`map\` for them, so it cannot tell the versions apart. Transpile it again with ` +
            `\`jco transpile <component.wasm> --instantiation async ${maps}\` (the command ` +
            `\`wit-ts gen\` prints; with jco's API, \`map: { ${api} }\`)`,
        );
      },
    });
  }
}

/** What every generated instance has besides the world's exports. */
export interface InstanceControls extends AsyncDisposable {
  /** True after a trap, until a restart succeeds. */
  readonly poisoned: boolean;
  /**
   * Resolves when no call is in flight and every component-model async task of the instance has ended
   * (work after a call returned included); rejects with the `TrapError` of a trap in such late work.
   */
  idle(): Promise<void>;
}

/** Adds `poisoned` and `[Symbol.asyncDispose]` to the object of the world's exports. */
export function createWorldInstance<T extends object>(
  core: InstanceCore,
  members: T,
): T & InstanceControls {
  const gate = coreOf(core).gate;
  Object.defineProperty(members, "poisoned", { get: () => gate.poisoned, enumerable: true });
  Object.defineProperty(members, Symbol.asyncDispose, { value: () => gate.dispose() });
  const tasks = coreOf(core).tasks;
  Object.defineProperty(members, "idle", { value: () => tasks.idle(), enumerable: true });
  return members as T & InstanceControls;
}

/**
 * A `wasi:*` import the host did not provide: the matching interface of `@bytecodealliance/preview2-shim`.
 * `load` imports the shim's module of the WASI package (`@bytecodealliance/preview2-shim/cli` for
 * `wasi:cli/environment@0.2.3`, whose `environment` export is the interface).
 */
export async function wasiImport<T extends object, K extends keyof T & string>(
  imports: T,
  key: K,
  load: () => Promise<object>,
): Promise<NonNullable<T[K]>> {
  const provided = imports[key];
  if (provided !== undefined && provided !== null) return provided as NonNullable<T[K]>;
  const iface = /^wasi:[^/@]+\/([^/@]+)/
    .exec(key)?.[1]
    ?.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  const shim = (await load()) as Readonly<Record<string, unknown>>;
  const found = iface === undefined ? undefined : shim[iface];
  if (found === undefined || found === null) {
    throw new TypeError(
      `\`${key}\` was not provided and @bytecodealliance/preview2-shim has no default for it`,
    );
  }
  return found as NonNullable<T[K]>;
}
