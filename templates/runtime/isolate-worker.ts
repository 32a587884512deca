/**
 * Runtime, isolation worker: the entry point of the worker that runs one isolated instance (a Node
 * `worker_threads` worker, or a module Web Worker). It imports jco's instantiation-mode module from the URL
 * the host gives, loads the core modules beside it (each linear memory capped, `memory-limit.ts`), and
 * instantiates the component with a stand-in of the host's import object: every function, constructor,
 * method and destructor of it asks the host and blocks (`Atomics.wait`) until the host has written its answer
 * into shared memory (`isolate-reply-channel.ts`), because jco calls imports synchronously; an import whose handler returns a promise (JSPI) is answered `pending` and
 * settled later by message, the guest suspended meanwhile. It then runs the host's calls one message at a
 * time and answers each with the value or the error, over the wire format of `isolate-wire.ts`.
 *
 * Nothing here is imported by the host's side: the file is only ever the worker's entry point.
 */

import type { ComponentModule } from "./instance-core.js";
import { MemoryLimitError } from "./isolate-errors.js";
import { coreModuleNames, invokeAt, isComponentError } from "./jco-module.js";
import { ReplyReader } from "./isolate-reply-channel.js";
import { capModuleMemories, MEMORY_LIMIT_EXPORT } from "./memory-limit.js";
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
  type ToWorker,
  type WireError,
} from "./isolate-wire.js";

interface MessagePortLike {
  postMessage(message: unknown): void;
  on?(event: "message", listener: (message: unknown) => void): void;
}

interface NodeThreads {
  readonly parentPort: MessagePortLike | null;
}

interface NodeFs {
  readFileSync(path: string): Uint8Array;
}

interface NodeUrl {
  fileURLToPath(url: string): string;
}

interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (
    module: object,
    imports: unknown,
  ) => { readonly exports: Record<string, unknown> };
  readonly Global: abstract new (...args: never[]) => { readonly value: unknown };
}

/** The web-platform globals this file uses (Node has them too); typed here, as the runtime assumes no DOM lib. */
interface WorkerGlobals {
  readonly URL: new (
    url: string,
    base?: string,
  ) => { readonly href: string; readonly protocol: string };
  fetch(url: string): Promise<{
    readonly ok: boolean;
    readonly status: number;
    arrayBuffer(): Promise<ArrayBuffer>;
  }>;
  structuredClone(value: unknown): unknown;
}

const web = globalThis as unknown as WorkerGlobals;
const builtin = (
  globalThis as { readonly process?: { getBuiltinModule?: (id: string) => unknown } }
).process?.getBuiltinModule;
const threads = builtin?.("node:worker_threads") as NodeThreads | undefined;
const wasm = (globalThis as unknown as { readonly WebAssembly: WasmApi }).WebAssembly;

/** The host's end: Node's `parentPort`, or the Web Worker's global scope. */
const hostPort: MessagePortLike = threads?.parentPort ?? (globalThis as unknown as MessagePortLike);

function post(message: FromWorker): void {
  hostPort.postMessage(message);
}

/** A failure thrown by a host handler, standing in for the host's own error object (which stays there). */
class HostImportFailure extends Error {
  readonly ref: number;

  constructor(ref: number) {
    super("a host import failed");
    this.ref = ref;
  }
}

let replies: ReplyReader | undefined;
let exportsObject: Record<string, unknown> = {};
let memoryLimit: number | undefined;
/** The globals in which capped modules record the size a refused grow asked for (in 64 KiB pages). */
const refusedGrows: { readonly value: unknown }[] = [];

/** Guest resources the host holds, by number, and the numbers of those already given out. */
const guestObjects = new Map<number, object>();
const guestIds = new WeakMap<object, number>();
let nextGuestId = 1;
/** Stand-ins of host resources, by the host's number, and their classes by key. */
const stubs = new Map<number, object>();
const stubIds = new WeakMap<object, number>();
const stubClasses = new Map<string, { readonly prototype: object }>();
/** Imports answered `pending`, waiting for their `import-settled`. */
const awaitedImports = new Map<
  number,
  { resolve(value: unknown): void; reject(error: unknown): void }
>();
let nextImportId = 1;

function markOf(resource: object): HandleMark {
  const host = stubIds.get(resource);
  if (host !== undefined) return { [HANDLE_KEY]: "host", id: host };
  let id = guestIds.get(resource);
  if (id === undefined) {
    id = nextGuestId++;
    guestIds.set(resource, id);
    guestObjects.set(id, resource);
  }
  return { [HANDLE_KEY]: "guest", id };
}

function resolveMark(mark: HandleMark): object {
  if (mark[HANDLE_KEY] === "guest") {
    const guest = guestObjects.get(mark.id);
    if (guest === undefined) throw new TypeError(`guest resource ${mark.id} was dropped`);
    return guest;
  }
  const known = stubs.get(mark.id);
  if (known !== undefined) return known;
  const stubClass = mark.cls === undefined ? undefined : stubClasses.get(mark.cls);
  if (stubClass === undefined)
    throw new TypeError(`host resource ${mark.id} has no class the guest imports`);
  const stub = Object.create(stubClass.prototype) as object;
  bindStub(stub, mark.id);
  return stub;
}

function bindStub(stub: object, id: number): void {
  stubs.set(id, stub);
  stubIds.set(stub, id);
}

const encode = (value: unknown): unknown => encodeValue(value, markOf);
const decode = (value: unknown): unknown => decodeValue(value, resolveMark);

function readReply(): ImportReply {
  return replies!.read();
}

/** Turns a host reply into what the guest's import returns (or throws). */
function settle(reply: ImportReply, id: number): unknown {
  switch (reply.kind) {
    case "value":
      return decode(reply.value);
    case "error":
      throw thrown(reply.error);
    case "pending":
      return new Promise((resolve, reject) => awaitedImports.set(id, { resolve, reject }));
    default: {
      const unreachable: never = reply;
      return unreachable;
    }
  }
}

/** Asks the host and waits for its answer; the worker's thread blocks meanwhile, as the guest's stack does. */
function callHost(op: ImportOp): unknown {
  const id = nextImportId++;
  post({ kind: "import", id, op });
  return settle(readReply(), id);
}

/** A host constructor: its reply is the new object's mark, which names the stand-in being constructed. */
function constructOnHost(op: ImportOp): number {
  post({ kind: "import", id: nextImportId++, op });
  const reply = readReply();
  if (reply.kind === "error") throw thrown(reply.error);
  if (reply.kind !== "value") throw new TypeError("a host constructor returned a promise");
  return (reply.value as HandleMark).id;
}

function thrown(error: WireError): unknown {
  switch (error.kind) {
    case "host":
      return new HostImportFailure(error.ref);
    case "error":
      return rebuildError(error);
    case "value":
      return error.value;
    case "component-error":
      return new Error("a host import returned a component error");
    case "memory-limit":
      return new MemoryLimitError(error.limitBytes, error.requestedBytes, error.atInstantiation);
    default: {
      const unreachable: never = error;
      return unreachable;
    }
  }
}

function encodeArgs(args: readonly unknown[]): unknown[] {
  return args.map(encode);
}

/** Rebuilds the host's import object: stand-in functions and classes that forward to the host. */
function buildImports(shape: ImportShape): object {
  const imports: Record<string, Record<string, unknown>> = {};
  for (const [key, members] of Object.entries(shape)) {
    const target: Record<string, unknown> = {};
    for (const [name, member] of Object.entries(members)) {
      const path = [key, name];
      switch (member.kind) {
        case "function":
          target[name] = (...args: unknown[]): unknown =>
            callHost({ kind: "call", path, args: encodeArgs(args) });
          break;
        case "class": {
          const stubClass = function (this: object, ...args: unknown[]): void {
            bindStub(this, constructOnHost({ kind: "construct", path, args: encodeArgs(args) }));
          } as unknown as { prototype: Record<string | symbol, unknown> } & Record<string, unknown>;
          Object.defineProperty(stubClass, "name", { value: name });
          for (const method of member.methods) {
            stubClass.prototype[method] = function (this: object, ...args: unknown[]): unknown {
              return callHost({
                kind: "method",
                self: stubId(this),
                member: method,
                args: encodeArgs(args),
              });
            };
          }
          if (member.dispose) {
            stubClass.prototype[Symbol.dispose] = function (this: object): void {
              const id = stubId(this);
              callHost({ kind: "dispose", self: id });
              stubs.delete(id);
              stubIds.delete(this);
            };
          }
          for (const fn of member.statics) {
            const staticPath = [key, name, fn];
            stubClass[fn] = (...args: unknown[]): unknown =>
              callHost({ kind: "call", path: staticPath, args: encodeArgs(args) });
          }
          stubClasses.set(member.cls, stubClass);
          target[name] = stubClass;
          break;
        }
        default: {
          const unreachable: never = member;
          return unreachable;
        }
      }
    }
    imports[key] = target;
  }
  return imports;
}

function stubId(stub: object): number {
  const id = stubIds.get(stub);
  if (id === undefined) throw new TypeError("not a live host resource of this instance");
  return id;
}

function coreLoader(componentUrl: string): (name: string) => object {
  const fs = builtin?.("node:fs") as NodeFs | undefined;
  const url = builtin?.("node:url") as NodeUrl | undefined;
  return (name) => {
    const location = new web.URL(name, componentUrl);
    if (location.protocol !== "file:" || fs === undefined || url === undefined) {
      throw new Error(`cannot read ${location.href} synchronously`);
    }
    const bytes = fs.readFileSync(url.fileURLToPath(location.href));
    return new wasm.Module(
      memoryLimit === undefined ? bytes : capModuleMemories(bytes, memoryLimit),
    );
  };
}

async function fetchCore(componentUrl: string, name: string): Promise<object> {
  const location = new web.URL(name, componentUrl).href;
  const response = await web.fetch(location);
  if (!response.ok) throw new Error(`cannot load ${location}: ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  return new wasm.Module(memoryLimit === undefined ? bytes : capModuleMemories(bytes, memoryLimit));
}

/** jco's `instantiateCore`, given the modules `start` loads (`WebAssembly.Module`s). */
function instantiateCore(module: unknown, imports: unknown): unknown {
  const instance = new wasm.Instance(module as object, imports);
  const refused = instance.exports[MEMORY_LIMIT_EXPORT];
  if (refused instanceof wasm.Global) refusedGrows.push(refused);
  return instance;
}

async function start(message: Extract<ToWorker, { kind: "start" }>): Promise<void> {
  replies = new ReplyReader(message.replies);
  memoryLimit = message.memoryLimitBytes;
  const component = (await import(message.componentUrl)) as ComponentModule;
  const imports = buildImports(message.imports);
  for (const [key, why] of Object.entries(message.refusedKeys))
    Object.defineProperty(imports, key, {
      enumerable: false,
      get(): never {
        throw new TypeError(why);
      },
    });
  // The core modules are loaded first, so that jco returns the exports object itself (`coreModuleNames`).
  const modules = new Map<string, object>();
  const load = threads === undefined ? undefined : coreLoader(message.componentUrl);
  for (const name of coreModuleNames(component, imports))
    modules.set(
      name,
      load === undefined ? await fetchCore(message.componentUrl, name) : load(name),
    );
  const made = component.instantiate((name) => modules.get(name), imports, instantiateCore);
  exportsObject = (made instanceof Promise ? await made : made) as Record<string, unknown>;
}

/** The size, in bytes, that a grow refused by the memory cap asked for, if one was. */
function refusedGrow(): number | undefined {
  for (const global of refusedGrows) {
    const pages = global.value;
    if (typeof pages === "number" && pages !== 0) return pages * 65_536;
  }
  return undefined;
}

function wireError(error: unknown, checkMemory: boolean): WireError {
  if (error instanceof HostImportFailure) return { kind: "host", ref: error.ref };
  if (isComponentError(error)) return { kind: "component-error", payload: encode(error.payload) };
  if (error instanceof MemoryLimitError) {
    return {
      kind: "memory-limit",
      limitBytes: error.limitBytes,
      requestedBytes: error.requestedBytes,
      atInstantiation: true,
      error: undefined,
    };
  }
  const requested = checkMemory ? refusedGrow() : undefined;
  if (requested !== undefined) {
    return {
      kind: "memory-limit",
      limitBytes: memoryLimit!,
      requestedBytes: requested,
      atInstantiation: false,
      error: wireError(error, false),
    };
  }
  if (error instanceof Error)
    return { kind: "error", name: error.name, message: error.message, stack: error.stack };
  try {
    web.structuredClone(error);
    return { kind: "value", value: error };
  } catch {
    return { kind: "value", value: String(error) };
  }
}

function runCall(message: Extract<ToWorker, { kind: "call" }>): void {
  const id = message.id;
  const fail = (error: unknown): void =>
    post({ kind: "failed", id, error: wireError(error, true) });
  const succeed = (value: unknown): void => {
    let encoded: unknown;
    try {
      encoded = encode(value);
    } catch (error) {
      fail(error);
      return;
    }
    post({ kind: "returned", id, value: encoded });
  };
  let out: unknown;
  try {
    const root = message.target === null ? exportsObject : guestObjects.get(message.target);
    if (root === undefined) throw new TypeError(`guest resource ${message.target} was dropped`);
    out = invokeAt(root, message.path, message.construct, decode(message.args) as unknown[]);
  } catch (error) {
    fail(error);
    return;
  }
  if (out instanceof Promise) out.then(succeed, fail);
  else succeed(out);
}

function drop(target: number): void {
  const guest = guestObjects.get(target);
  guestObjects.delete(target);
  if (guest === undefined) return;
  guestIds.delete(guest);
  // A trap here kills jco's instance: the host learns it from the next call, which jco then refuses.
  try {
    (guest as Disposable)[Symbol.dispose]();
  } catch {
    // See above.
  }
}

function onMessage(message: ToWorker): void {
  switch (message.kind) {
    case "start":
      start(message).then(
        () => post({ kind: "started" }),
        (error: unknown) => post({ kind: "start-failed", error: wireError(error, false) }),
      );
      return;
    case "call":
      runCall(message);
      return;
    case "drop":
      drop(message.target);
      return;
    case "import-settled": {
      const waiting = awaitedImports.get(message.id);
      awaitedImports.delete(message.id);
      if (waiting === undefined) return;
      try {
        waiting.resolve(settle(message.reply, message.id));
      } catch (error) {
        waiting.reject(error);
      }
      return;
    }
    default: {
      const unreachable: never = message;
      return unreachable;
    }
  }
}

if (hostPort.on !== undefined) hostPort.on("message", (message) => onMessage(message as ToWorker));
else
  (globalThis as unknown as { onmessage: (event: { readonly data: unknown }) => void }).onmessage =
    (event) => onMessage(event.data as ToWorker);
