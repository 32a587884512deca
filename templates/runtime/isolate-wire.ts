/**
 * Runtime, isolation wire format: the messages between the host's side of an isolated instance
 * (`isolate-host.ts`) and the worker that runs the guest (`isolate-worker.ts`), and the value codec both sides use.
 *
 * What crosses is what jco exchanges with its host: the values the SDK has already lowered (or jco has
 * lifted), by structured clone. Resources cannot be cloned, so the codec walks each value and swaps every
 * object that is not plain data (an array, a `Map`, a typed array, an object whose prototype is
 * `Object.prototype`) for a handle mark: the host's resource objects stay in the host's table and cross as
 * `host` handles, which the worker turns into stand-in objects of the import's class; the guest's resource
 * objects stay in the worker and cross as `guest` handles, which the host turns into proxies that forward to
 * the worker. Marks are objects keyed by a name no WIT record field can have (it starts with a NUL). Messages
 * travel by structured clone, except the answers to synchronous imports, which the worker must read while it
 * blocks: those go through shared memory (`isolate-reply-channel.ts`).
 *
 * Consumes and produces plain data; no host-specific imports.
 */

/** The key of a handle mark. */
export const HANDLE_KEY = "\u0000wit-ts-handle";

/** A resource crossing the boundary: which side owns the object, its number there and, for the host's, its class. */
export interface HandleMark {
  readonly [HANDLE_KEY]: "host" | "guest";
  readonly id: number;
  /** For a host object: the key of its class in the import shape (the worker makes a stand-in of it). */
  readonly cls?: string;
}

/** A member of the host's import object, as the worker rebuilds it. */
export type MemberShape =
  | { readonly kind: "function" }
  | {
      readonly kind: "class";
      /** The class's key, in host marks. */
      readonly cls: string;
      readonly statics: readonly string[];
      readonly methods: readonly string[];
      /** Whether instances have `[Symbol.dispose]` (jco calls it when the guest drops its handle). */
      readonly dispose: boolean;
    };

/** jco's import object, described: its keys, then each key's members. */
export type ImportShape = Readonly<Record<string, Readonly<Record<string, MemberShape>>>>;

/** An error crossing the boundary. */
export type WireError =
  /** jco's `ComponentError` (a `result` error of an export): the host rebuilds one with the payload. */
  | { readonly kind: "component-error"; readonly payload: unknown }
  /** An error a host handler threw: the host still holds the object itself, under `ref`. */
  | { readonly kind: "host"; readonly ref: number }
  /** A trap of a grow past the memory limit (`error` is the trap), or a minimum over the limit. */
  | {
      readonly kind: "memory-limit";
      readonly limitBytes: number;
      readonly requestedBytes: number;
      readonly atInstantiation: boolean;
      readonly error: WireError | undefined;
    }
  | {
      readonly kind: "error";
      readonly name: string;
      readonly message: string;
      readonly stack: string | undefined;
    }
  | { readonly kind: "value"; readonly value: unknown };

/** One use of the host's import object by the guest. */
export type ImportOp =
  /** A function (or a static of a class) at `path` of the import object. */
  | { readonly kind: "call"; readonly path: readonly string[]; readonly args: readonly unknown[] }
  /** `new` of the class at `path`. */
  | {
      readonly kind: "construct";
      readonly path: readonly string[];
      readonly args: readonly unknown[];
    }
  | {
      readonly kind: "method";
      readonly self: number;
      readonly member: string;
      readonly args: readonly unknown[];
    }
  | { readonly kind: "dispose"; readonly self: number };

/** The host's answer to an {@link ImportOp}. `pending`: the handler returned a promise (a JSPI import). */
export type ImportReply =
  | { readonly kind: "value"; readonly value: unknown }
  | { readonly kind: "error"; readonly error: WireError }
  | { readonly kind: "pending" };

/** Messages from the host to the worker. */
export type ToWorker =
  | {
      readonly kind: "start";
      readonly componentUrl: string;
      readonly imports: ImportShape;
      /**
       * Keys of the import object that the host refuses to be read, with the message of the `TypeError` the
       * read throws (the SDK refuses the unversioned key of an interface imported in two versions, with the fix).
       */
      readonly refusedKeys: Readonly<Record<string, string>>;
      readonly memoryLimitBytes: number | undefined;
      /** Where the host writes the answers to synchronous imports (`isolate-reply-channel.ts`). */
      readonly replies: SharedArrayBuffer;
    }
  | {
      readonly kind: "call";
      readonly id: number;
      /** A guest resource (for a method), or null for the exports object. */
      readonly target: number | null;
      readonly path: readonly string[];
      readonly construct: boolean;
      readonly args: readonly unknown[];
    }
  | { readonly kind: "drop"; readonly target: number }
  | { readonly kind: "import-settled"; readonly id: number; readonly reply: ImportReply };

/** Messages from the worker to the host. */
export type FromWorker =
  | { readonly kind: "started" }
  | { readonly kind: "start-failed"; readonly error: WireError }
  | { readonly kind: "returned"; readonly id: number; readonly value: unknown }
  | { readonly kind: "failed"; readonly id: number; readonly error: WireError }
  | { readonly kind: "import"; readonly id: number; readonly op: ImportOp };

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function isBinary(value: object): boolean {
  return ArrayBuffer.isView(value) || value instanceof ArrayBuffer;
}

/**
 * `value` with every resource object replaced by `mark(object)`; arrays, maps and plain objects are copied
 * only where something inside them changed, so plain data costs one walk and no allocation.
 */
export function encodeValue(value: unknown, mark: (resource: object) => HandleMark): unknown {
  // The host's stand-ins for guest resources are functions (proxies): `mark` knows them, and refuses others.
  if (typeof value === "function") return mark(value);
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      const encoded = encodeValue(item, mark);
      if (copy !== undefined) copy.push(encoded);
      else if (encoded !== item) {
        copy = value.slice(0, index);
        copy.push(encoded);
      }
    }
    return copy ?? value;
  }
  if (isBinary(value)) return value;
  if (value instanceof Map) {
    let changed = false;
    const entries: [unknown, unknown][] = [];
    for (const [key, item] of value) {
      const encodedKey = encodeValue(key, mark);
      const encodedItem = encodeValue(item, mark);
      changed ||= encodedKey !== key || encodedItem !== item;
      entries.push([encodedKey, encodedItem]);
    }
    return changed ? new Map(entries) : value;
  }
  if (isPlainObject(value)) {
    let copy: Record<string, unknown> | undefined;
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const item = record[key];
      const encoded = encodeValue(item, mark);
      if (encoded === item && copy === undefined) continue;
      copy ??= { ...record };
      copy[key] = encoded;
    }
    return copy ?? value;
  }
  return mark(value);
}

/** The inverse of {@link encodeValue}: every handle mark becomes `resolve(mark)`. */
export function decodeValue(value: unknown, resolve: (mark: HandleMark) => object): unknown {
  if (typeof value !== "object" || value === null || isBinary(value)) return value;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++)
      value[index] = decodeValue(value[index], resolve);
    return value;
  }
  if (value instanceof Map) {
    let changed = false;
    const entries: [unknown, unknown][] = [];
    for (const [key, item] of value) {
      const decodedKey = decodeValue(key, resolve);
      changed ||= decodedKey !== key;
      entries.push([decodedKey, decodeValue(item, resolve)]);
    }
    if (!changed) {
      for (const [key, item] of entries) value.set(key, item);
      return value;
    }
    return new Map(entries);
  }
  const record = value as Record<string, unknown>;
  if (HANDLE_KEY in record) return resolve(record as unknown as HandleMark);
  for (const key of Object.keys(record)) record[key] = decodeValue(record[key], resolve);
  return value;
}

/** Rebuilds an error that crossed as `{ kind: "error" }`: a standard class when its name is one, else `Error`. */
export function rebuildError(error: {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
}): Error {
  const wasm = (globalThis as { readonly WebAssembly?: Record<string, unknown> }).WebAssembly;
  const standard: Readonly<Record<string, ErrorConstructor | undefined>> = {
    Error,
    TypeError,
    RangeError,
    ReferenceError,
    SyntaxError,
    RuntimeError: wasm?.["RuntimeError"] as ErrorConstructor | undefined,
    CompileError: wasm?.["CompileError"] as ErrorConstructor | undefined,
    LinkError: wasm?.["LinkError"] as ErrorConstructor | undefined,
  };
  const made = new (standard[error.name] ?? Error)(error.message);
  if (made.name !== error.name)
    Object.defineProperty(made, "name", { value: error.name, configurable: true, writable: true });
  if (error.stack !== undefined)
    Object.defineProperty(made, "stack", {
      value: error.stack,
      configurable: true,
      writable: true,
    });
  return made;
}
