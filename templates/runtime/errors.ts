/**
 * Runtime, errors: the typed errors that a generated SDK throws or rejects with. Consumes nothing but the
 * values it describes (function names, resource type names, handles, causes) and produces `Error` subclasses
 * with a stable `name`, a message that says what happened and why, and the same facts as readonly fields so
 * that callers never need to parse messages.
 *
 * This file is copied into every generated SDK, so two SDKs in one program carry two copies of each class.
 * `instanceof` is made to work across such copies: every class is branded through a registered symbol and
 * matched by its stable `name` (see {@link WitTsError}'s `Symbol.hasInstance`).
 */

/** Registered, so that the copies of this file in different generated SDKs agree on it. */
const errorBrand: symbol = Symbol.for("wit-ts.runtime.error");

/** The `name` of every error class in this file; `WitTsError` itself is abstract in spirit. */
export type WitTsErrorName =
  | "TrapError"
  | "InstancePoisonedError"
  | "InstanceDisposedError"
  | "ReentranceError"
  | "ResultError"
  | "BorrowExpiredError"
  | "BorrowsRemainError"
  | "ResourceLentError"
  | "NotLentError"
  | "ResourceDisposedError"
  | "StaleHandleError"
  | "InvalidHandleError"
  | "WrongTypeError"
  | "HasChildrenError"
  | "TableFullError"
  | "CallTimeoutError"
  | "MemoryLimitError";

/**
 * The base of every error the runtime produces. Catch it to tell SDK errors from anything else.
 *
 * `instanceof` also recognises errors made by another copy of the runtime (another generated SDK): the
 * ordinary prototype check comes first, then the brand and the stable `name`.
 */
export class WitTsError extends Error {
  declare readonly name: WitTsErrorName | "WitTsError";

  constructor(message: string, options?: { readonly cause?: unknown }) {
    // Only pass `options` when there is a cause, so that `"cause" in error` stays false otherwise.
    super(
      message,
      options !== undefined && "cause" in options ? { cause: options.cause } : undefined,
    );
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (typeof value !== "object" || value === null) return false;
    if ((value as { readonly [key: symbol]: unknown })[errorBrand] !== true) return false;
    if (this === WitTsError) return true;
    // Every concrete class but one derives directly from WitTsError, so matching the name is exact; the one,
    // `CallTimeoutError` (an isolated instance's deadline), is a `TrapError` too.
    const name = (value as { readonly name?: unknown }).name;
    const wanted = (this.prototype as { readonly name?: unknown }).name;
    return name === wanted || (wanted === "TrapError" && name === "CallTimeoutError");
  }
}

/** Puts the stable name (and, on the base, the brand) on the prototype: no per-instance cost, survives minifiers. */
function defineErrorName(target: { readonly prototype: object }, name: string): void {
  Object.defineProperty(target.prototype, "name", {
    value: name,
    writable: true,
    configurable: true,
  });
}
defineErrorName(WitTsError, "WitTsError");
Object.defineProperty(WitTsError.prototype, errorBrand, { value: true });

/** Renders any thrown value or payload for a message without ever throwing itself. */
export function describeValue(value: unknown): string {
  try {
    switch (typeof value) {
      case "string":
        return JSON.stringify(value);
      case "number":
      case "boolean":
      case "undefined":
        return String(value);
      case "bigint":
        return `${value}n`;
      case "symbol":
        return value.toString();
      case "function":
        return `function ${value.name || "(anonymous)"}`;
      case "object": {
        if (value === null) return "null";
        if (value instanceof Error) return `${value.name}: ${value.message}`;
        // WIT variants and enums arrive from jco as `{ tag, val }`.
        const tag = (value as { readonly tag?: unknown }).tag;
        if (typeof tag === "string") {
          const val = (value as { readonly val?: unknown }).val;
          return val === undefined
            ? `{ tag: ${JSON.stringify(tag)} }`
            : `{ tag: ${JSON.stringify(tag)}, val: … }`;
        }
        return Object.prototype.toString.call(value);
      }
      default:
        // `typeof` of an `unknown` does not narrow to `never`; only a future primitive type lands here.
        return String(value);
    }
  } catch {
    return "(unprintable value)";
  }
}

/** Like `describeValue`, never throws: a cause may be a revoked proxy or have throwing getters. */
function describeCause(cause: unknown): string {
  try {
    if (cause instanceof Error) {
      const message: unknown = cause.message;
      const name = String(cause.name);
      return message === "" ? name : `${name}: ${String(message)}`;
    }
  } catch {
    return "(unprintable value)";
  }
  return describeValue(cause);
}

/** The guest trapped (or a host import threw through it) during a call; the original error is `cause`. */
export class TrapError extends WitTsError {
  declare readonly name: "TrapError" | "CallTimeoutError";
  /** The export whose call trapped. */
  readonly functionName: string;

  constructor(functionName: string, cause: unknown) {
    super(`guest trapped during \`${functionName}\`: ${describeCause(cause)}`, { cause });
    this.functionName = functionName;
  }
}
defineErrorName(TrapError, "TrapError");

/**
 * A call on an instance that trapped earlier. A trap leaves the guest's memory in an unknown state, so the
 * instance refuses further calls (unless a restart hook brought it back; `restartError` says why that failed).
 */
export class InstancePoisonedError extends WitTsError {
  declare readonly name: "InstancePoisonedError";
  /** The call that was refused. */
  readonly functionName: string;
  /** The first trap, which poisoned the instance. */
  readonly firstTrap: TrapError;
  /** The export that trapped first. */
  readonly trapFunctionName: string;
  /** True when the instance's restart hook ran for this call and failed; `restartError` is what it threw. */
  readonly restartFailed: boolean;
  readonly restartError: unknown;

  constructor(functionName: string, firstTrap: TrapError, restart?: { readonly error: unknown }) {
    const failure =
      restart === undefined
        ? ""
        : `; restarting the instance failed: ${describeCause(restart.error)}`;
    super(
      `cannot call \`${functionName}\`: the instance is poisoned because \`${firstTrap.functionName}\` trapped ` +
        `earlier (${describeCause(firstTrap.cause)})${failure}`,
      { cause: restart === undefined ? firstTrap : restart.error },
    );
    this.functionName = functionName;
    this.firstTrap = firstTrap;
    this.trapFunctionName = firstTrap.functionName;
    this.restartFailed = restart !== undefined;
    this.restartError = restart?.error;
  }
}
defineErrorName(InstancePoisonedError, "InstancePoisonedError");

/** A call on an instance after its disposal began. */
export class InstanceDisposedError extends WitTsError {
  declare readonly name: "InstanceDisposedError";
  readonly functionName: string;

  constructor(functionName: string) {
    super(`cannot call \`${functionName}\`: the instance has been disposed`);
    this.functionName = functionName;
  }
}
defineErrorName(InstanceDisposedError, "InstanceDisposedError");

/**
 * A call into an instance from inside one of its own imports while an export call is in flight. The component
 * model forbids it (an instance may not be re-entered, Explainer.md "may_enter"), and queueing the call would
 * deadlock, so it is refused before it reaches the guest; the outer call is unaffected.
 */
export class ReentranceError extends WitTsError {
  declare readonly name: "ReentranceError";
  /** The export call in flight. */
  readonly outerFunction: string;
  /** The refused call. */
  readonly innerFunction: string;
  /** The host import the refused call came from, when known. */
  readonly importName: string | undefined;

  constructor(outerFunction: string, innerFunction: string, importName?: string) {
    const via = importName === undefined ? "" : ` (from inside its import \`${importName}\`)`;
    super(
      `cannot call \`${innerFunction}\` while \`${outerFunction}\` is running on the same instance${via}: the ` +
        `component model forbids entering an instance from inside its own import (reentrance)`,
    );
    this.outerFunction = outerFunction;
    this.innerFunction = innerFunction;
    this.importName = importName;
  }
}
defineErrorName(ReentranceError, "ReentranceError");

/**
 * A guest function returned the error case of its `result`. Not a trap: the instance stays usable. `E` is the
 * WIT error type, so `payload` keeps its type in the generated `.d.ts`.
 */
export class ResultError<E = unknown> extends WitTsError {
  declare readonly name: "ResultError";
  readonly payload: E;
  readonly functionName: string | undefined;

  constructor(payload: E, functionName?: string) {
    const where = functionName === undefined ? "" : `\`${functionName}\` `;
    super(`${where}returned an error: ${describeValue(payload)}`);
    this.payload = payload;
    this.functionName = functionName;
  }
}
defineErrorName(ResultError, "ResultError");

/** Why a borrow ended: its call returned (or settled), or the handler dropped its explicit handle. */
export type BorrowEndReason = "call-ended" | "dropped";

/** A borrowed resource used after the call that lent it ended, or after its borrow handle was dropped. */
export class BorrowExpiredError extends WitTsError {
  declare readonly name: "BorrowExpiredError";
  readonly resourceType: string;
  /** The host import whose call lent the resource. */
  readonly functionName: string;
  readonly reason: BorrowEndReason;

  constructor(resourceType: string, functionName: string, reason: BorrowEndReason = "call-ended") {
    super(
      reason === "dropped"
        ? `borrowed \`${resourceType}\` used after its borrow handle was dropped (in the call to \`${functionName}\`)`
        : `borrowed \`${resourceType}\` used after the call to \`${functionName}\` ended: a borrow is only valid ` +
            `during the call that lent it`,
    );
    this.resourceType = resourceType;
    this.functionName = functionName;
    this.reason = reason;
  }
}
defineErrorName(BorrowExpiredError, "BorrowExpiredError");

/** A host import handler (explicit borrow mode) returned while still holding borrow handles it had to drop. */
export class BorrowsRemainError extends WitTsError {
  declare readonly name: "BorrowsRemainError";
  readonly functionName: string;
  /** The parameters whose handles were not dropped, in parameter order. */
  readonly parameters: readonly string[];

  constructor(functionName: string, parameters: readonly string[]) {
    const list = parameters.map((parameter) => `\`${parameter}\``).join(", ");
    super(
      `borrow handles still remain at the end of the call to \`${functionName}\`: ` +
        `${parameters.length === 1 ? "parameter" : "parameters"} ${list} not dropped`,
    );
    this.functionName = functionName;
    this.parameters = Object.freeze([...parameters]);
  }
}
defineErrorName(BorrowsRemainError, "BorrowsRemainError");

/** An owned resource was to be deleted or disposed while lent (borrowed) to the guest. Nothing was changed. */
export class ResourceLentError extends WitTsError {
  declare readonly name: "ResourceLentError";
  readonly resourceType: string;
  /** How many borrows were outstanding. */
  readonly lendCount: number;

  constructor(resourceType: string, lendCount: number) {
    super(
      `cannot remove owned resource while borrowed: \`${resourceType}\` has ${lendCount} outstanding ` +
        `${lendCount === 1 ? "borrow" : "borrows"}`,
    );
    this.resourceType = resourceType;
    this.lendCount = lendCount;
  }
}
defineErrorName(ResourceLentError, "ResourceLentError");

/** `release` without a matching `lend`: a bookkeeping bug in the caller. */
export class NotLentError extends WitTsError {
  declare readonly name: "NotLentError";
  readonly resourceType: string;

  constructor(resourceType: string) {
    super(`cannot release \`${resourceType}\`: it is not lent`);
    this.resourceType = resourceType;
  }
}
defineErrorName(NotLentError, "NotLentError");

/** A resource used after it was disposed. */
export class ResourceDisposedError extends WitTsError {
  declare readonly name: "ResourceDisposedError";
  readonly resourceType: string;

  constructor(resourceType: string) {
    super(`\`${resourceType}\` used after it was disposed`);
    this.resourceType = resourceType;
  }
}
defineErrorName(ResourceDisposedError, "ResourceDisposedError");

function handleLabel(handle: unknown, resourceType: string | undefined): string {
  const rendered = typeof handle === "number" ? String(handle) : describeValue(handle);
  return resourceType === undefined
    ? `handle ${rendered}`
    : `\`${resourceType}\` handle ${rendered}`;
}

/** A resource-table handle whose entry was deleted (its slot may hold something else by now). */
export class StaleHandleError extends WitTsError {
  declare readonly name: "StaleHandleError";
  readonly handle: number;
  /** The type the caller expected, when it said. */
  readonly resourceType: string | undefined;

  constructor(handle: number, resourceType?: string) {
    super(`${handleLabel(handle, resourceType)} is stale: the resource it referred to was deleted`);
    this.handle = handle;
    this.resourceType = resourceType;
  }
}
defineErrorName(StaleHandleError, "StaleHandleError");

/** A value that this resource table never issued as a handle. */
export class InvalidHandleError extends WitTsError {
  declare readonly name: "InvalidHandleError";
  readonly handle: unknown;
  readonly resourceType: string | undefined;

  constructor(handle: unknown, resourceType?: string) {
    super(`${handleLabel(handle, resourceType)} is invalid: this table never issued it`);
    this.handle = handle;
    this.resourceType = resourceType;
  }
}
defineErrorName(InvalidHandleError, "InvalidHandleError");

/** A live handle used as a resource of another type. */
export class WrongTypeError extends WitTsError {
  declare readonly name: "WrongTypeError";
  readonly handle: number;
  readonly expectedType: string;
  readonly actualType: string;

  constructor(handle: number, expectedType: string, actualType: string) {
    super(`handle ${handle} is a \`${actualType}\`, not a \`${expectedType}\``);
    this.handle = handle;
    this.expectedType = expectedType;
    this.actualType = actualType;
  }
}
defineErrorName(WrongTypeError, "WrongTypeError");

/** A resource-table entry deleted while it still has live children. Nothing was changed. */
export class HasChildrenError extends WitTsError {
  declare readonly name: "HasChildrenError";
  readonly handle: number;
  readonly resourceType: string;
  readonly childCount: number;

  constructor(handle: number, resourceType: string, childCount: number) {
    super(
      `cannot delete \`${resourceType}\` handle ${handle}: it still has ${childCount} ` +
        `${childCount === 1 ? "child" : "children"}; delete those first`,
    );
    this.handle = handle;
    this.resourceType = resourceType;
    this.childCount = childCount;
  }
}
defineErrorName(HasChildrenError, "HasChildrenError");

/** The resource table holds as many entries as its capacity allows. Nothing was changed. */
export class TableFullError extends WitTsError {
  declare readonly name: "TableFullError";
  readonly capacity: number;

  constructor(capacity: number) {
    super(`resource table is full: it holds at most ${capacity} entries`);
    this.capacity = capacity;
  }
}
defineErrorName(TableFullError, "TableFullError");

/**
 * Reports an error that has no caller to go to (a host callback that the runtime ran later: a deferred
 * disposal, an `afterCurrentCall` hook) as an uncaught error of its own job: Node's `uncaughtException`, a
 * browser's `error` event. The runtime never logs (it may not assume a console) and never swallows a host's
 * exception.
 */
export function reportUncaught(error: unknown): void {
  const host = globalThis as unknown as {
    readonly queueMicrotask?: (callback: () => void) => void;
  };
  const thrower = (): void => {
    throw error;
  };
  // Every host the runtime supports has `queueMicrotask`; without it, an unhandled rejection says the same.
  if (typeof host.queueMicrotask === "function") host.queueMicrotask(thrower);
  else void Promise.resolve().then(thrower);
}
