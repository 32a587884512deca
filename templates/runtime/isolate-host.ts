/**
 * Runtime, isolation host: the host's side of an instance that runs in a worker (`instantiate({ isolate })`).
 * It stands where jco's module stands for an in-thread instance: `start` takes the import object the SDK
 * built for jco (its adapters still run on the host's thread, with the host's state and resource table) and
 * gives back an exports object of the same shape whose functions post each call to the worker and return a
 * promise of its result, so the SDK's call gate, lowering, lifting, borrows and resource wrappers work as in
 * thread. What it adds:
 *
 * - a deadline per call (`callTimeoutMs`): a call still running when it passes is ended by terminating the
 *   worker, and rejects with `CallTimeoutError` (a trap, which poisons the instance; `restart` then starts a
 *   fresh worker). The host's thread never runs guest code, so its timers and I/O keep running meanwhile.
 * - a memory cap (`memoryLimitBytes`), applied by the worker to the core modules it loads (`memory-limit.ts`).
 * - the import channel: the worker posts each import use and blocks; this side runs it at once from its
 *   message handler and writes the answer into shared memory, waking the worker with `Atomics.notify`
 *   (`isolate-reply-channel.ts`). A handler's promise (JSPI imports) is answered `pending` and settled by a
 *   later message.
 *
 * Consumes `IsolateOptions` (`isolate-options.ts`) and jco's import object; produces the exports stand-in. Uses Node's
 * `worker_threads` when `process.getBuiltinModule` has it, a module Web Worker otherwise.
 */

import { isThenable } from "./call-gate.js";
import { CallTimeoutError, MemoryLimitError } from "./isolate-errors.js";
import { startsOffThread } from "./loans.js";
import type { IsolateOptions } from "./isolate-options.js";
import { createReplyBuffer, ReplyWriter } from "./isolate-reply-channel.js";
import {
  decodeValue,
  encodeValue,
  HANDLE_KEY,
  rebuildError,
  type FromWorker,
  type HandleMark,
  type ImportOp,
  type ImportReply,
  type ImportShape,
  type MemberShape,
  type ToWorker,
  type WireError,
} from "./isolate-wire.js";

/** The host's side of one isolated instance, across restarts. */
export interface IsolatedComponent {
  /** Starts a fresh worker (ending the previous one) and instantiates the component in it. Boxed: see `start`. */
  start(imports: object): Promise<{ readonly exports: Readonly<Record<string, unknown>> }>;
  /** Terminates the worker. */
  close(): Promise<void>;
}

interface WorkerHandle {
  post(message: ToWorker, transfer?: readonly unknown[]): void;
  terminate(): void;
  ref(): void;
  unref(): void;
}

interface NodeWorker {
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  terminate(): Promise<number>;
  on(event: "message" | "error" | "exit", listener: (value: never) => void): void;
  ref(): void;
  unref(): void;
}

interface NodeThreads {
  readonly Worker: new (url: object, options?: object) => NodeWorker;
}

interface WebWorker {
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  terminate(): void;
  onmessage: ((event: { readonly data: unknown }) => void) | null;
  onerror: ((event: { readonly message?: string }) => void) | null;
}

/** The web-platform globals this file uses (Node has them too); typed here, as the runtime assumes no DOM lib. */
interface HostGlobals {
  readonly URL: new (url: string, base?: string) => { readonly href: string };
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

const web = globalThis as unknown as HostGlobals;

/** A URL given as a `URL` object or as its text. */
function href(url: { readonly href: string } | string): string {
  return typeof url === "string" ? url : url.href;
}

function spawnWorker(
  url: string,
  onMessage: (message: FromWorker) => void,
  onExit: (error: Error) => void,
): WorkerHandle {
  const builtin = (
    globalThis as { readonly process?: { getBuiltinModule?: (id: string) => unknown } }
  ).process?.getBuiltinModule;
  const threads = builtin?.("node:worker_threads") as NodeThreads | undefined;
  if (threads !== undefined) {
    const worker = new threads.Worker(new web.URL(url));
    worker.on("message", (message: FromWorker) => onMessage(message));
    worker.on("error", (error: Error) => onExit(error));
    worker.on("exit", (code: number) =>
      onExit(new Error(`the worker running the guest exited with code ${code}`)),
    );
    return {
      post: (message, transfer) => worker.postMessage(message, transfer),
      terminate: () => void worker.terminate(),
      ref: () => worker.ref(),
      unref: () => worker.unref(),
    };
  }
  const WorkerClass = (
    globalThis as { readonly Worker?: new (url: string, options: object) => WebWorker }
  ).Worker;
  if (WorkerClass === undefined)
    throw new TypeError("`isolate` needs workers: Node's `worker_threads` or Web Workers");
  const worker = new WorkerClass(url, { type: "module" });
  worker.onmessage = (event) => onMessage(event.data as FromWorker);
  worker.onerror = (event) =>
    onExit(new Error(`the worker running the guest failed: ${event.message ?? "unknown error"}`));
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    terminate: () => worker.terminate(),
    ref: () => {},
    unref: () => {},
  };
}

/**
 * The import object's hidden keys whose read throws (see `refusedKeys` in `isolate-wire.ts`): the worker's copy
 * of the import object throws the same when jco reads them.
 */
function refusedKeys(imports: object): Record<string, string> {
  const refused: Record<string, string> = {};
  for (const key of Object.getOwnPropertyNames(imports)) {
    const descriptor = Object.getOwnPropertyDescriptor(imports, key);
    if (descriptor === undefined || descriptor.enumerable || descriptor.get === undefined) continue;
    try {
      descriptor.get.call(imports);
    } catch (error) {
      refused[key] = error instanceof Error ? error.message : String(error);
    }
  }
  return refused;
}

/** Describes jco's import object for the worker, and keys its classes (host resources). */
function describeImports(imports: object, classKeys: Map<object, string>): ImportShape {
  const shape: Record<string, Record<string, MemberShape>> = {};
  for (const [key, value] of Object.entries(imports as Record<string, unknown>)) {
    if ((typeof value !== "object" && typeof value !== "function") || value === null) continue;
    const members: Record<string, MemberShape> = {};
    for (const [name, member] of Object.entries(value as Record<string, unknown>)) {
      if (typeof member !== "function") continue;
      const prototype = (member as { readonly prototype?: unknown }).prototype;
      const methods =
        typeof prototype === "object" && prototype !== null
          ? Object.getOwnPropertyNames(prototype).filter(
              (property) =>
                property !== "constructor" &&
                typeof (prototype as Record<string, unknown>)[property] === "function",
            )
          : [];
      const dispose =
        typeof prototype === "object" && prototype !== null && Symbol.dispose in prototype;
      // A plain `function` has a prototype too: a class is one declared as such, or one with methods.
      if (
        !/^class\b/.test(Function.prototype.toString.call(member)) &&
        methods.length === 0 &&
        !dispose
      ) {
        members[name] = { kind: "function" };
        continue;
      }
      const cls = JSON.stringify([key, name]);
      const statics = Object.getOwnPropertyNames(member).filter(
        (property) =>
          !["length", "name", "prototype", "caller", "arguments"].includes(property) &&
          typeof (member as unknown as Record<string, unknown>)[property] === "function",
      );
      members[name] = { kind: "class", cls, statics, methods, dispose };
      classKeys.set(member, cls);
    }
    shape[key] = members;
  }
  return shape;
}

interface PendingCall {
  readonly name: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly timer: unknown;
}

/** jco's `ComponentError`, rebuilt for a `result` error that crossed: the SDK recognises it by name and `payload`. */
class ComponentError extends Error {
  readonly payload: unknown;

  constructor(payload: unknown) {
    super("component returned an error");
    this.payload = payload;
  }
}

/** One worker: its calls in flight, the host objects it was given and the guest objects it lent out. */
class Session {
  private readonly worker: WorkerHandle;
  private readonly pending = new Map<number, PendingCall>();
  private nextCall = 1;
  private dead: Error | undefined;
  private readonly replyBuffer = createReplyBuffer();
  private readonly replies = new ReplyWriter(this.replyBuffer);
  private readonly classKeys = new Map<object, string>();
  private readonly hostObjects = new Map<number, object>();
  private readonly hostIds = new WeakMap<object, number>();
  private nextHostId = 1;
  private readonly guestProxies = new Map<number, object>();
  private readonly proxyIds = new WeakMap<object, number>();
  /** Errors host handlers threw, kept so that the trap they cause carries the object itself. */
  private readonly hostErrors = new Map<number, unknown>();
  private nextErrorRef = 1;
  private started: { resolve(): void; reject(error: unknown): void } | undefined;
  readonly exports: Readonly<Record<string, unknown>>;
  private readonly imports: object;
  private readonly options: IsolateOptions;
  private readonly runningFunction: () => string | undefined;

  constructor(imports: object, options: IsolateOptions, runningFunction: () => string | undefined) {
    this.imports = imports;
    this.options = options;
    this.runningFunction = runningFunction;
    const here = (import.meta as unknown as { readonly url: string }).url;
    const workerUrl = href(options.workerUrl ?? new web.URL("./isolate-worker.js", here));
    this.worker = spawnWorker(workerUrl, this.onMessage, this.onExit);
    this.worker.unref();
    this.exports = this.proxy(null, []) as Readonly<Record<string, unknown>>;
    const shape = describeImports(imports, this.classKeys);
    this.worker.post({
      kind: "start",
      componentUrl: href(options.componentUrl),
      imports: shape,
      refusedKeys: refusedKeys(imports),
      memoryLimitBytes: options.memoryLimitBytes,
      replies: this.replyBuffer,
    });
  }

  /** Resolves once the component is instantiated in the worker. */
  ready(): Promise<void> {
    this.worker.ref();
    return new Promise<void>((resolve, reject) => {
      this.started = { resolve, reject };
    }).finally(() => this.worker.unref());
  }

  close(reason: Error): void {
    if (this.dead !== undefined) return;
    this.dead = reason;
    this.worker.terminate();
    this.started?.reject(reason);
    this.started = undefined;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const call of pending) {
      if (call.timer !== undefined) web.clearTimeout(call.timer);
      call.reject(reason);
    }
  }

  /** A stand-in for jco's object at `path` (of the exports, or of guest resource `target`). */
  private proxy(target: number | null, path: readonly string[]): unknown {
    const children = new Map<string, unknown>();
    const base = function (): void {};
    return new Proxy(base, {
      get: (_, key) => {
        if (key === Symbol.dispose && target !== null && path.length === 0)
          return () => this.drop(target);
        // A guest resource is never a thenable: a promise resolved with one must not call into the guest.
        if (typeof key !== "string" || (key === "then" && target !== null && path.length === 0))
          return undefined;
        let child = children.get(key);
        if (child === undefined) {
          child = this.proxy(target, [...path, key]);
          children.set(key, child);
        }
        return child;
      },
      apply: (_, __, args: unknown[]) => this.call(target, path, false, args),
      construct: (_, args: unknown[]) => this.call(target, path, true, args) as object,
    });
  }

  private call(
    target: number | null,
    path: readonly string[],
    construct: boolean,
    args: readonly unknown[],
  ): Promise<unknown> {
    const name = this.runningFunction() ?? path.join(".");
    if (this.dead !== undefined) return Promise.reject(this.dead);
    let encoded: unknown;
    try {
      encoded = encodeValue(args, this.markOf);
    } catch (error) {
      return Promise.reject(error);
    }
    const id = this.nextCall++;
    // The guest runs the call in the worker: the rest of the caller's job is after its start, not inside it.
    startsOffThread();
    return new Promise((resolve, reject) => {
      const limit = this.options.callTimeoutMs;
      const timer =
        limit === undefined
          ? undefined
          : web.setTimeout(() => this.close(new CallTimeoutError(name, limit)), limit);
      this.pending.set(id, { name, resolve, reject, timer });
      this.worker.ref();
      this.worker.post({ kind: "call", id, target, path, construct, args: encoded as unknown[] });
    });
  }

  private drop(target: number): void {
    const proxy = this.guestProxies.get(target);
    this.guestProxies.delete(target);
    if (proxy !== undefined) this.proxyIds.delete(proxy);
    if (this.dead === undefined) this.worker.post({ kind: "drop", target });
  }

  private settleCall(id: number): PendingCall | undefined {
    const call = this.pending.get(id);
    if (call === undefined) return undefined;
    this.pending.delete(id);
    if (call.timer !== undefined) web.clearTimeout(call.timer);
    if (this.pending.size === 0) {
      this.worker.unref();
      this.hostErrors.clear();
    }
    return call;
  }

  private readonly onMessage = (message: FromWorker): void => {
    if (this.dead !== undefined) return;
    switch (message.kind) {
      case "started":
        this.started?.resolve();
        this.started = undefined;
        return;
      case "start-failed":
        this.started?.reject(this.error(message.error));
        this.started = undefined;
        return;
      case "returned": {
        const value = decodeValue(message.value, this.resolveMark);
        this.settleCall(message.id)?.resolve(value);
        return;
      }
      case "failed": {
        const error = this.error(message.error);
        this.settleCall(message.id)?.reject(error);
        return;
      }
      case "import":
        this.answer(message.id, message.op);
        return;
      default: {
        const unreachable: never = message;
        return unreachable;
      }
    }
  };

  private readonly onExit = (error: Error): void => {
    this.close(error);
  };

  /** Runs one import use for the worker, which is blocked until the reply is posted and signalled. */
  private answer(id: number, op: ImportOp): void {
    let reply: ImportReply;
    try {
      const result = this.runImport(op);
      if (isThenable(result)) {
        reply = { kind: "pending" };
        Promise.resolve(result).then(
          (value) =>
            this.settleImport(id, () => ({
              kind: "value",
              value: encodeValue(value, this.markOf),
            })),
          (error: unknown) =>
            this.settleImport(id, () => ({ kind: "error", error: this.keepError(error) })),
        );
      } else {
        reply = { kind: "value", value: encodeValue(result, this.markOf) };
      }
    } catch (error) {
      reply = { kind: "error", error: this.keepError(error) };
    }
    try {
      this.replies.write(reply);
    } catch (error) {
      // A value that cannot cross (or an answer too large): the guest's import fails with the host's error.
      this.replies.write({ kind: "error", error: this.keepError(error) });
    }
  }

  private settleImport(id: number, reply: () => ImportReply): void {
    if (this.dead !== undefined) return;
    let made: ImportReply;
    try {
      made = reply();
    } catch (error) {
      made = { kind: "error", error: this.keepError(error) };
    }
    this.worker.post({ kind: "import-settled", id, reply: made });
  }

  private runImport(op: ImportOp): unknown {
    switch (op.kind) {
      case "call": {
        const [holder, fn] = this.lookup(op.path);
        return Reflect.apply(fn, holder, this.decodeArgs(op.args));
      }
      case "construct": {
        const [, cls] = this.lookup(op.path);
        return Reflect.construct(cls, this.decodeArgs(op.args));
      }
      case "method": {
        const self = this.hostObject(op.self) as Record<string, unknown>;
        const fn = self[op.member];
        if (typeof fn !== "function")
          throw new TypeError(`host resource has no method \`${op.member}\``);
        return Reflect.apply(fn, self, this.decodeArgs(op.args));
      }
      case "dispose": {
        const self = this.hostObject(op.self);
        (self as Disposable)[Symbol.dispose]();
        this.hostObjects.delete(op.self);
        this.hostIds.delete(self);
        return undefined;
      }
      default: {
        const unreachable: never = op;
        return unreachable;
      }
    }
  }

  private lookup(path: readonly string[]): [holder: unknown, fn: (...args: unknown[]) => unknown] {
    let holder: unknown = this.imports;
    const last = path.length - 1;
    for (let index = 0; index < last; index++)
      holder = (holder as Record<string, unknown>)[path[index] ?? ""];
    const fn = (holder as Record<string, unknown>)[path[last] ?? ""];
    if (typeof fn !== "function")
      throw new TypeError(`the import object has no function at ${path.join(".")}`);
    return [holder, fn as (...args: unknown[]) => unknown];
  }

  private decodeArgs(args: readonly unknown[]): unknown[] {
    return decodeValue(args, this.resolveMark) as unknown[];
  }

  private hostObject(id: number): object {
    const found = this.hostObjects.get(id);
    if (found === undefined)
      throw new TypeError(`host resource ${id} is not known to this instance`);
    return found;
  }

  /** Keeps a handler's error on this side; the worker throws a stand-in that names it. */
  private keepError(error: unknown): WireError {
    const ref = this.nextErrorRef++;
    this.hostErrors.set(ref, error);
    return { kind: "host", ref };
  }

  private error(error: WireError): unknown {
    switch (error.kind) {
      case "component-error":
        return new ComponentError(decodeValue(error.payload, this.resolveMark));
      case "host":
        return this.hostErrors.has(error.ref)
          ? this.hostErrors.get(error.ref)
          : new Error("a host import failed");
      case "memory-limit": {
        const cause = error.error === undefined ? undefined : { cause: this.error(error.error) };
        return new MemoryLimitError(
          error.limitBytes,
          error.requestedBytes,
          error.atInstantiation,
          cause,
        );
      }
      case "error":
        return rebuildError(error);
      case "value":
        return error.value;
      default: {
        const unreachable: never = error;
        return unreachable;
      }
    }
  }

  private readonly markOf = (resource: object): HandleMark => {
    const guest = this.proxyIds.get(resource);
    if (guest !== undefined) return { [HANDLE_KEY]: "guest", id: guest };
    let id = this.hostIds.get(resource);
    const cls = this.classKeys.get(
      (resource as { readonly constructor?: object }).constructor ?? Object,
    );
    if (cls === undefined) {
      throw new TypeError(
        "an object of no class the component imports cannot cross to an isolated instance",
      );
    }
    if (id === undefined) {
      id = this.nextHostId++;
      this.hostIds.set(resource, id);
      this.hostObjects.set(id, resource);
    }
    return { [HANDLE_KEY]: "host", id, cls };
  };

  private readonly resolveMark = (mark: HandleMark): object => {
    if (mark[HANDLE_KEY] === "host") return this.hostObject(mark.id);
    let proxy = this.guestProxies.get(mark.id);
    if (proxy === undefined) {
      proxy = this.proxy(mark.id, []) as object;
      this.guestProxies.set(mark.id, proxy);
      this.proxyIds.set(proxy, mark.id);
    }
    return proxy;
  };
}

/** The host's side of an isolated instance; `runningFunction` names the call in flight (for deadlines). */
export function createIsolatedComponent(
  options: IsolateOptions,
  runningFunction: () => string | undefined,
): IsolatedComponent {
  const limit = options.callTimeoutMs;
  if (limit !== undefined && !(limit > 0))
    throw new RangeError("`isolate.callTimeoutMs` must be a positive number");
  const memory = options.memoryLimitBytes;
  if (memory !== undefined && !(memory >= 0))
    throw new RangeError("`isolate.memoryLimitBytes` must be a number of bytes");
  let session: Session | undefined;
  return {
    async start(imports) {
      session?.close(new Error("the instance was restarted"));
      const fresh = new Session(imports, options, runningFunction);
      session = fresh;
      try {
        await fresh.ready();
      } catch (error) {
        fresh.close(error instanceof Error ? error : new Error("the worker failed to start"));
        throw error;
      }
      return { exports: fresh.exports };
    },
    async close() {
      session?.close(new Error("the instance was disposed"));
      session = undefined;
    },
  };
}
