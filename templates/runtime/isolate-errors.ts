/**
 * Runtime, isolation errors: what an instance running in a worker (`instantiate({ isolate })`) adds to the
 * errors of `errors.ts`. Consumes the facts of the failure (the call and its deadline, the memory cap) and
 * produces `Error` subclasses with a stable `name` and those facts as readonly fields, branded like their
 * siblings so that `instanceof` works across copies of the runtime.
 */

import { TrapError, WitTsError } from "./errors.js";

function defineName(target: { readonly prototype: object }, name: string): void {
  Object.defineProperty(target.prototype, "name", {
    value: name,
    writable: true,
    configurable: true,
  });
}

/**
 * A call of an isolated instance was still running when its deadline passed: the worker running the guest
 * was terminated, so the call is a trap (it poisons the instance; `restart: true` starts a fresh worker for
 * the next call). Calls queued behind it reject with `InstancePoisonedError`, whose `firstTrap` is this error.
 */
export class CallTimeoutError extends TrapError {
  declare readonly name: "CallTimeoutError";
  /** The deadline, in milliseconds from the moment the call started running. */
  readonly timeoutMs: number;

  constructor(functionName: string, timeoutMs: number) {
    super(functionName, undefined);
    this.message = `\`${functionName}\` was still running after its deadline of ${timeoutMs} ms: the worker running the guest was terminated`;
    this.timeoutMs = timeoutMs;
  }
}
defineName(CallTimeoutError, "CallTimeoutError");

/**
 * A guest of an isolated instance asked for more linear memory than `isolate.memoryLimitBytes` allows: the
 * cause of the trap that ends a `memory.grow` past the cap, or the reason instantiation failed when a memory's
 * declared minimum is already over it.
 */
export class MemoryLimitError extends WitTsError {
  declare readonly name: "MemoryLimitError";
  /** The cap, in bytes, that each linear memory of the component is held to. */
  readonly limitBytes: number;
  /** The size the memory was to have, in bytes: what the refused grow asked for, or the declared minimum. */
  readonly requestedBytes: number;

  constructor(
    limitBytes: number,
    requestedBytes: number,
    atInstantiation = false,
    options?: { readonly cause?: unknown },
  ) {
    super(
      atInstantiation
        ? `a linear memory of the component starts at ${requestedBytes} bytes, over the memory limit of ${limitBytes} bytes`
        : `the guest tried to grow its linear memory to ${requestedBytes} bytes, over the memory limit of ${limitBytes} bytes`,
      options,
    );
    this.limitBytes = limitBytes;
    this.requestedBytes = requestedBytes;
  }
}
defineName(MemoryLimitError, "MemoryLimitError");
