/**
 * Runtime, direct imports: the host functions the SDK lowers itself. For an SDK generated from a `.wasm`, the
 * generator reads every `canon lower` of the component (the imported function, its memory, `realloc` and
 * string encoding, and which core instantiation receives it under which import name) and emits them as
 * {@link DirectImport}s. When direct calls are on, the instance core hands each core instantiation these
 * functions in place of jco's import trampolines: they lift the guest's flat arguments with the SDK's own
 * canonical ABI (`canonical-abi.ts`), call the same import adapter jco would call (so the checks, the gate's
 * reentrance rules and trap classification are unchanged) and lower its result. jco's trampolines expect to run
 * inside jco's own task for the export call; a directly called export has none, and a trampoline called from
 * one leaves a task behind that never ends (`idle()` and disposal then wait forever).
 *
 * Imports the SDK cannot lower (resource functions, functions passing handles) keep jco's trampolines
 * ({@link JcoImport}s): jco's handle tables are then the only ones, shared by every call. jco's output, as
 * `wit-ts gen` patches it, lets them be called outside jco's tasks and announces that at instantiation
 * ({@link jcoUntaskedImportsKey}); without the announcement the instance calls through jco.
 *
 * They keep the canonical ABI's `may_leave` rule: while the SDK runs the guest's `realloc` or post-return
 * (`noLeave` in `canonical-memory.ts`), an import the guest calls traps, lowered by the SDK or jco's; and while
 * jco runs the guest's post-return (its instance flags), an import the SDK lowers traps as jco's own do.
 * Copied into SDKs like its siblings: no host-specific imports.
 */
import { codecOf, type AbiType, type Codec, type FlatCursor } from "./canonical-abi.js";
import {
  CanonicalTrap,
  GuestMemory,
  leavingForbidden,
  type CoreFunction,
  type CoreMemory,
  type StringEncoding,
} from "./canonical-memory.js";
import type { ImportLowering } from "./instance-core.js";

/** A core export: the ordinal of the core instantiation that made it, and its export name. */
type CoreRef = readonly [instance: number, name: string];

/** What the generator knows about one lowered import (from `canon lower`). */
export interface DirectImport {
  /** `ns:pkg/iface@1.0.0#name` or a world-level `name`, for messages. */
  readonly name: string;
  /** Where jco's import object holds the adapter: its key (versioned; jco's unversioned key is tried too), member. */
  readonly host: readonly [key: string, member: string];
  /** Each core instantiation import it fills: instantiation ordinal, module name, import name. */
  readonly sites: readonly (readonly [instance: number, module: string, name: string])[];
  readonly memory?: CoreRef;
  readonly realloc?: CoreRef;
  readonly encoding?: StringEncoding;
  readonly params: readonly AbiType[];
  readonly result?: AbiType;
}

/** An import that keeps jco's trampoline: where it goes, for the `may_leave` guard. */
export interface JcoImport {
  readonly name: string;
  readonly sites: readonly (readonly [instance: number, module: string, name: string])[];
}

/**
 * Where jco's output (as `wit-ts gen x.wasm` patches it) announces, at each instantiation, that its trampolines
 * may be called outside its tasks, handing over its instance flags: a symbol key of the import object.
 */
export const jcoUntaskedImportsKey: symbol = Symbol.for("wit-ts.jco-untasked-imports.v1");

/** jco's per-component instance flags (`may_leave` is 1, cleared while jco runs a post-return). */
type JcoInstanceFlags = ReadonlyMap<unknown, { readonly value: unknown }>;

/** jco's instance flags of each instance's live component, by the owner given to {@link substituteImports}. */
const jcoFlags = new WeakMap<object, JcoInstanceFlags>();

/** Records the instance flags jco's output announced for `owner`'s live component. */
export function setJcoInstanceFlags(owner: object, flags: unknown): void {
  if (flags instanceof Map) jcoFlags.set(owner, flags as JcoInstanceFlags);
}

/** Whether jco runs a post-return of `owner`'s component (then no import may be called). */
function jcoForbidsLeaving(owner: object): boolean {
  const flags = jcoFlags.get(owner);
  if (flags === undefined) return false;
  for (const flag of flags.values()) if (flag.value === 0) return true;
  return false;
}

function leaveTrap(name: string): CanonicalTrap {
  return new CanonicalTrap(
    `the guest called \`${name}\` while it may not leave the instance (during its realloc or post-return)`,
  );
}

const MAX_FLAT_PARAMS = 16;
const MAX_FLAT_RESULTS = 1;

function coreExport(instances: readonly object[], ref: CoreRef): unknown {
  const instance = instances[ref[0]] as
    { readonly exports?: Readonly<Record<string, unknown>> } | undefined;
  return instance?.exports?.[ref[1]];
}

function hostFunction(jcoImports: object, host: DirectImport["host"]): unknown {
  const table = jcoImports as Readonly<
    Record<string, Readonly<Record<string, unknown>> | undefined>
  >;
  const [key, member] = host;
  const holder = table[key] ?? table[key.replace(/@[^/#]*$/, "")];
  return holder?.[member];
}

/**
 * The core function the guest calls for `spec`: lifts, calls `host`, lowers. Memory and `realloc` are looked
 * up at the first call (the core instance that exports them is often instantiated after the one importing
 * this function).
 */
function lowerImport(
  owner: object,
  spec: DirectImport,
  host: (...args: unknown[]) => unknown,
  instances: readonly object[],
): (...flat: unknown[]) => unknown {
  const params = spec.params.map(codecOf);
  const flatCount = params.reduce((sum, codec) => sum + codec.flat.length, 0);
  const spill: Codec | undefined =
    flatCount > MAX_FLAT_PARAMS ? codecOf({ kind: "tuple", types: spec.params }) : undefined;
  const result = spec.result === undefined ? undefined : codecOf(spec.result);
  const returnArea = result !== undefined && result.flat.length > MAX_FLAT_RESULTS;
  const count = params.length;
  let memory: GuestMemory | undefined;
  const memoryOf = (): GuestMemory => {
    if (memory !== undefined) {
      memory.refresh();
      return memory;
    }
    const core = spec.memory === undefined ? undefined : coreExport(instances, spec.memory);
    const realloc = spec.realloc === undefined ? undefined : coreExport(instances, spec.realloc);
    if (spec.memory !== undefined && !isMemory(core))
      throw new CanonicalTrap(`\`${spec.name}\` was called before its memory exists`);
    if (spec.realloc !== undefined && typeof realloc !== "function")
      throw new CanonicalTrap(`\`${spec.name}\` was called before its realloc exists`);
    memory = new GuestMemory(
      core as CoreMemory | undefined,
      realloc as CoreFunction | undefined,
      spec.encoding ?? "utf8",
      owner,
    );
    return memory;
  };
  return (...flat: unknown[]): unknown => {
    if (leavingForbidden(owner) || jcoForbidsLeaving(owner)) throw leaveTrap(spec.name);
    const guest = memoryOf();
    let args: unknown[];
    if (spill !== undefined) {
      const ptr = (flat[0] as number) >>> 0;
      if (ptr % spill.align !== 0)
        throw new CanonicalTrap(`the parameters at ${ptr} are not aligned to ${spill.align}`);
      guest.check(ptr, spill.size);
      args = spill.load(guest, ptr) as unknown[];
    } else {
      args = new Array<unknown>(count);
      const cursor: FlatCursor = { values: flat, index: 0 };
      for (let index = 0; index < count; index++) args[index] = params[index]!.lift(guest, cursor);
    }
    const value = host(...args);
    if (result === undefined) return undefined;
    if (returnArea) {
      const ptr = (flat[flat.length - 1] as number) >>> 0;
      if (ptr % result.align !== 0)
        throw new CanonicalTrap(`the return area at ${ptr} is not aligned to ${result.align}`);
      // Lowering may call the guest's realloc (strings, lists): `GuestMemory.alloc` forbids leaving meanwhile.
      guest.refresh();
      guest.check(ptr, result.size);
      result.store(guest, ptr, value);
      return undefined;
    }
    const out: unknown[] = [];
    result.lower(guest, value, out);
    return out[0];
  };
}

function isMemory(value: unknown): value is CoreMemory {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { readonly buffer?: unknown }).buffer instanceof ArrayBuffer
  );
}

/** jco's trampoline `trampoline`, trapping while the SDK runs the guest's realloc or post-return. */
function guardJcoImport(
  owner: object,
  name: string,
  trampoline: (...args: unknown[]) => unknown,
): (...args: unknown[]) => unknown {
  return (...args) => {
    if (leavingForbidden(owner)) throw leaveTrap(name);
    return trampoline(...args);
  };
}

/**
 * Replaces jco's trampolines in the imports of core instantiation `ordinal` with the SDK's lowered host
 * functions, and guards those of `kept`. `jcoImports` is the import object the SDK gave jco (its adapters);
 * `instances` fills as jco instantiates. Returns the imports to instantiate with, or a string naming what is
 * missing (the instance then makes every call through jco).
 */
export function substituteImports(
  owner: object,
  lowered: readonly DirectImport[],
  kept: readonly JcoImport[],
  ordinal: number,
  coreImports: unknown,
  jcoImports: object,
  instances: readonly object[],
): { readonly imports: unknown } | string {
  let copy: Record<string, Record<string, unknown>> | undefined;
  const original = coreImports as Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  for (const spec of kept) {
    for (const [instance, module, name] of spec.sites) {
      if (instance !== ordinal) continue;
      const trampoline = original?.[module]?.[name];
      if (typeof trampoline !== "function")
        return `core instantiation ${ordinal} has no import \`${module}\`/\`${name}\``;
      copy ??= { ...original };
      if (copy[module] === original[module]) copy[module] = { ...original[module] };
      copy[module]![name] = guardJcoImport(
        owner,
        spec.name,
        trampoline as (...args: unknown[]) => unknown,
      );
    }
  }
  for (const spec of lowered) {
    for (const [instance, module, name] of spec.sites) {
      if (instance !== ordinal) continue;
      const host = hostFunction(jcoImports, spec.host);
      if (typeof host !== "function") return `no host function for \`${spec.name}\``;
      if (original?.[module]?.[name] === undefined)
        return `core instantiation ${ordinal} has no import \`${module}\`/\`${name}\``;
      copy ??= { ...original };
      if (copy[module] === original[module]) copy[module] = { ...original[module] };
      copy[module]![name] = lowerImport(
        owner,
        spec,
        host as (...args: unknown[]) => unknown,
        instances,
      );
    }
  }
  return { imports: copy ?? coreImports };
}

/**
 * The lowering `createInstanceCore` is given (`InstanceDefaults.lowering`) by an SDK generated from a component
 * that lowers imports: `directImports` are lowered by the SDK itself, `jcoImports` keep jco's trampolines.
 */
export function importLowering(imports: {
  readonly directImports?: readonly DirectImport[];
  readonly jcoImports?: readonly JcoImport[];
}): ImportLowering {
  const lowered = imports.directImports ?? [];
  const kept = imports.jcoImports ?? [];
  return {
    announceKey: jcoUntaskedImportsKey,
    announced: setJcoInstanceFlags,
    keepsJcoImports: kept.length > 0,
    substitute: (owner, ordinal, coreImports, jcoImports, instances) =>
      lowered.length === 0 && kept.length === 0
        ? { imports: coreImports }
        : substituteImports(owner, lowered, kept, ordinal, coreImports, jcoImports, instances),
  };
}
