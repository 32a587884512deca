/**
 * Runtime, resources as values: the descriptors of resource types (the guest's, wrapped in
 * {@link GuestResource} subclasses whose methods go through the instance's gate, declared by
 * `guest-resource-classes.ts`, and the host's, handed to jco as
 * adapter objects by `import-adapters.ts`), and `own<R>`/`borrow<R>`, the value types that pass them. Passing a
 * guest resource as `own` moves it into the guest; disposing one drops the guest's handle through the gate; a
 * borrow of a host resource that a host import receives becomes a view or an explicit handle (`borrow.ts`).
 *
 * Consumes resource objects and jco's handles; produces wrappers and checked handles for jco.
 */

import { isBorrow, unwrapBorrow, type BorrowHandle, type Borrowed } from "./borrow.js";
import { assertNotLent, disposeUnlessLent } from "./loans.js";
import { ReentranceError, ResourceDisposedError } from "./errors.js";
import { coreOf, ignore, type Core, type InstanceCore } from "./instance-core.js";
import { isObject, mismatch, type LowerContext, type ValueType } from "./value-types.js";

declare const resourceBrand: unique symbol;

/**
 * A resource the guest implements (declared in an exported interface). `R` is its declared interface, the type
 * of its `own` handles.
 */
export interface GuestResourceType<R = unknown> {
  readonly side: "guest";
  /**
   * The full WIT name, `ns:pkg/iface@version#name`: how every message, the resource table and `counts()` name
   * the type, so that a user can find it whichever interface or version declared it.
   */
  readonly name: string;
  /** The class that wraps jco's objects of this type (built from the export table, or generated). */
  readonly wrapper: GuestResourceClass;
  /** Only carries `R` for the type checker. */
  readonly [resourceBrand]?: R;
}

/** A resource the host implements (declared in an imported interface or in the world); `R` as for a guest one. */
export interface HostResourceType<R = unknown> {
  readonly side: "host";
  /** The full WIT name, as for a guest resource. */
  readonly name: string;
  /** Only carries `R` for the type checker. */
  readonly [resourceBrand]?: R;
}

export type ResourceDescriptor<R = unknown> = GuestResourceType<R> | HostResourceType<R>;

/** How generated wrapper classes are constructed (by the runtime only). */
export type GuestResourceClass = new (
  core: InstanceCore,
  raw: object,
  type: GuestResourceType,
) => GuestResource;

/** Declares a host resource of interface `R`. */
/*#__NO_SIDE_EFFECTS__*/
export function hostResource<R>(name: string): HostResourceType<R> {
  return { side: "host", name };
}

/** `own<R>`: the resource object itself; passing a guest resource moves it into the guest. */
/*#__NO_SIDE_EFFECTS__*/
export function own<R>(resource: ResourceDescriptor<R>): ValueType<R> {
  return handle("own", resource);
}

/** What an export call accepts for a `borrow<R>` of a host resource: the object, or a borrow to lend on. */
export type Lendable<R> = Borrowed<R & object> | BorrowHandle<R & object>;

/**
 * `borrow<R>`: the resource object, lent for the length of the call. An export takes a `Borrowed<R>` (any `R`
 * fits it), and for a host resource also a borrow the host received, to lend on; a host import receives a
 * `Borrowed<R>` view (`--autodrop-borrows`; see {@link borrowHandle} for the explicit handles).
 */
export function borrow<R>(resource: GuestResourceType<R>): ValueType<Borrowed<R & object>>;
export function borrow<R>(
  resource: HostResourceType<R>,
): ValueType<Borrowed<R & object>, Lendable<R>>;
/*#__NO_SIDE_EFFECTS__*/
export function borrow(resource: ResourceDescriptor): ValueType {
  return handle("borrow", resource);
}

/**
 * `borrow<R>` of a host resource where host imports receive explicit `BorrowHandle<R>`s (the default, without
 * `--autodrop-borrows`): the same descriptor as {@link borrow}, typed for what such a handler receives.
 */
/*#__NO_SIDE_EFFECTS__*/
export function borrowHandle<R>(
  resource: HostResourceType<R>,
): ValueType<BorrowHandle<R & object>, Lendable<R>> {
  return handle("borrow", resource);
}

/** The one descriptor behind `own` and `borrow`: its TypeScript types are the callers' to state. */
function handle<T, In>(kind: "own" | "borrow", resource: ResourceDescriptor): ValueType<T, In> {
  const label = `${kind}<${resource.name}>`;
  if (resource.side === "guest") {
    return {
      kind,
      label,
      handles: true,
      lower: (value, path, context) => lowerGuestResource(resource, kind, value, path, context),
      lift: (value, core) => new resource.wrapper(core, value as object, resource),
    };
  }
  return {
    kind,
    label,
    handles: true,
    lower(value, path, context) {
      if (!isObject(value) && typeof value !== "function") {
        throw new TypeError(mismatch(path, `a \`${resource.name}\` object`, value));
      }
      let host: object = value;
      // A borrow a host import received may be lent on (while its call lasts), never given away.
      if (isBorrow(host)) {
        if (kind === "own") {
          throw new TypeError(
            `\`${path}\` is a borrowed \`${resource.name}\`: only an owned one can be passed as \`own\``,
          );
        }
        host = unwrapBorrow(host);
        context.lentOn?.push(value);
      }
      notePassed(context, host, kind, resource.name, path);
      if (kind === "borrow") context.loans?.push([host, resource.name]);
      return coreOf(context.core)
        .hostBridge(resource)
        .toGuest(host, kind === "own", context.gifts);
    },
    lift(value, core) {
      const host = coreOf(core)
        .hostBridge(resource)
        .fromGuest(value, kind === "borrow");
      return kind === "borrow" && receiveBorrow !== undefined
        ? receiveBorrow(host, resource.name)
        : host;
    },
  };
}

export type GuestState = "live" | "moved" | "disposed";

export interface GuestInternals {
  readonly core: Core;
  readonly raw: object;
  readonly generation: number;
  readonly type: GuestResourceType;
  state: GuestState;
  /**
   * Disposed while a call was moving it (a `using` scope that ended after `sdk.consume(r)`): if the call is
   * refused and gives it back, it is dropped then, since nobody else will.
   */
  disposeRequested: boolean;
}

export let internalsOf!: (resource: GuestResource) => GuestInternals;

/**
 * The base of the generated classes that stand for guest resources. Methods go through the instance's
 * call gate; disposing drops the guest's handle (through the gate as well, after any call in flight).
 */
export class GuestResource implements Disposable {
  readonly #internals: GuestInternals;

  constructor(core: InstanceCore, raw: object, type: GuestResourceType) {
    const owner = coreOf(core);
    this.#internals = {
      core: owner,
      raw,
      generation: owner.generation,
      type,
      state: "live",
      disposeRequested: false,
    };
  }

  static {
    internalsOf = (resource) => resource.#internals;
  }

  /**
   * Drops the guest's handle; idempotent. Use `using` to do it at the end of a scope. While a call borrows
   * it, throws `ResourceLentError` and changes nothing (see `disposeUnlessLent` for the one exception).
   */
  [Symbol.dispose](): void {
    const internals = this.#internals;
    if (internals.state === "moved") internals.disposeRequested = true;
    if (internals.state !== "live") return;
    disposeUnlessLent(this, internals.type.name, () => dropGuestHandle(internals));
    internals.state = "disposed";
  }
}

/** Drops the guest's handle of a disposed resource, through the gate. */
function dropGuestHandle(internals: GuestInternals): void {
  const { core, raw } = internals;
  // A restarted instance has no handle to drop: the trap took the old one down with everything else.
  if (internals.generation !== core.generation || core.gate.disposed) return;
  const name = `${internals.type.name}#[drop]`;
  const drop = (): void => {
    // Checked again when the drop runs: queued behind a trap, it runs after the restart, and the resource
    // then belonged to the dead instance; it is simply forgotten.
    if (internals.generation !== core.generation) return;
    (raw as Disposable)[Symbol.dispose]();
  };
  // Fire and forget: `Symbol.dispose` is synchronous. Called from inside an import handler (or by a call
  // that lent the resource, as it returns), the gate refuses the reentrant call; the drop is then made again
  // once the call in flight has settled (`afterCurrentCall`), not merely a microtask later, which would still
  // be inside that call (an asynchronous one) and be refused again. Other refusals (the instance was disposed
  // or is poisoned) leave nothing to drop; a trap of the drop itself poisons the instance, as any trap does.
  const retry = (): void => {
    core.gate.call(name, drop).then(undefined, ignore);
  };
  core.gate.call(name, drop).then(undefined, (error: unknown) => {
    if (error instanceof ReentranceError) core.gate.afterCurrentCall(retry);
  });
}

/** The raw object of a live guest resource of this instance, or the error that says why there is none. */
export function liveGuestRaw(resource: GuestResource, core: Core): object {
  const internals = internalsOf(resource);
  if (internals.core !== core)
    throw new TypeError(`\`${internals.type.name}\` belongs to another instance`);
  if (internals.state !== "live" || internals.generation !== core.generation) {
    throw new ResourceDisposedError(internals.type.name);
  }
  return internals.raw;
}

function lowerGuestResource(
  type: GuestResourceType,
  kind: "own" | "borrow",
  value: unknown,
  path: string,
  context: LowerContext,
): object {
  if (!(value instanceof type.wrapper)) {
    throw new TypeError(mismatch(path, `a \`${type.name}\` that this SDK returned`, value));
  }
  const core = coreOf(context.core);
  if (internalsOf(value).core !== core) {
    throw new TypeError(`\`${path}\` is a \`${type.name}\` of another instance`);
  }
  const raw = liveGuestRaw(value, core);
  notePassed(context, value, kind, type.name, path);
  if (kind === "own") {
    // Moving it would remove the host's handle while another call still borrows it.
    assertNotLent(value, type.name);
    context.moves.push(value);
  } else {
    context.loans?.push([value, type.name]);
  }
  return raw;
}

/**
 * Records that this call passes `resource` as `kind`, refusing what would give the guest a handle it cannot
 * have: the same resource moved twice (two owning handles), or moved and lent (the guest could drop the
 * handle it borrows). `assertNotLent` only sees the loans of other calls.
 */
function notePassed(
  context: LowerContext,
  resource: object,
  kind: "own" | "borrow",
  label: string,
  path: string,
): void {
  const passed = (context.passed ??= new Map());
  const earlier = passed.get(resource);
  if (earlier === undefined) {
    passed.set(resource, kind);
    return;
  }
  if (earlier === "own") {
    throw new TypeError(
      kind === "own"
        ? `\`${path}\` is a \`${label}\` that this call already moves (\`own\`): a resource can be moved only once`
        : `\`${path}\` is a \`${label}\` that this call moves (\`own\`): the same call cannot also borrow it`,
    );
  }
  if (kind === "own") {
    throw new TypeError(
      `\`${path}\` is a \`${label}\` that this call also borrows: the same call cannot move it (\`own\`)`,
    );
  }
}

/**
 * What lifting a `borrow<R>` of a host resource makes of the host's object while a host import's arguments
 * are lifted: a view or an explicit handle. Lifting is synchronous and runs no user code, so one module-level
 * slot serves (and keeps `ValueType.lift` free of a parameter that only borrows need).
 */
let receiveBorrow: ((resource: object, resourceType: string) => object) | undefined;

export function liftReceiving(
  type: ValueType,
  value: unknown,
  core: Core,
  receive: (resource: object, resourceType: string) => object,
): unknown {
  const previous = receiveBorrow;
  receiveBorrow = receive;
  try {
    return type.lift(value, core);
  } finally {
    receiveBorrow = previous;
  }
}
