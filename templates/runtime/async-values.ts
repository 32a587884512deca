/**
 * Runtime, async values: `future<T>`, `stream<T>` and `error-context` as an app gives and takes them.
 * Consumes jco's representations (a promise for a future the guest gives; jco's stream object, with
 * `read(count)` resolving `{ value, done }`, for a stream the guest gives; an object with a debug message
 * for an error context) and the descriptors of the element types; produces descriptors (`future(u32)`,
 * `stream(string)`, `byteStream`, `errorContext`) that lower what the host gives (any thenable; a
 * `ReadableStream`, an async or sync iterable) and lift what the guest gives (a `Promise`; a
 * `ReadableStream` that reads from jco only when the app pulls, and whose `cancel` drops jco's end, so the
 * writer in the guest sees the reader go away).
 *
 * Resources inside futures and streams are converted like any value, but the SDK does not follow them
 * through the stream: an owned guest resource written into a stream is not marked moved.
 */

import type { InstanceCore } from "./instance-core.js";
import type { LowerContext, ValueType } from "./value-types.js";

/** `future<T>` the guest gives: settles with the value the guest writes. */
export type Future<T> = Promise<T>;

/** `future<T>` the host gives: any promise or thenable of the value. */
export type FutureSource<T> = PromiseLike<T>;

/**
 * `stream<T>` the guest gives (`stream<u8>`: {@link ByteStream}): a WHATWG `ReadableStream<T>` at run time,
 * typed by the members an app uses so that the SDK needs neither the DOM's types nor Node's.
 */
export interface Stream<T> extends AsyncIterable<T> {
  /** Whether a reader holds the stream. */
  readonly locked: boolean;
  getReader(): StreamReader<T>;
  /** Drops the guest's end: its writer sees the reader go away. */
  cancel(reason?: unknown): Promise<void>;
}

/** The reader of a {@link Stream} (a `ReadableStreamDefaultReader`). */
export interface StreamReader<T> {
  read(): Promise<{ readonly done: boolean; readonly value?: T | undefined }>;
  releaseLock(): void;
  cancel(reason?: unknown): Promise<void>;
}

/** `stream<T>` the host gives: a `ReadableStream`, or an async or sync iterable of the values. */
export type StreamSource<T> = AsyncIterable<T> | Iterable<T> | { getReader(): StreamReader<T> };

/** `stream<u8>` the guest gives: chunks of bytes. */
export type ByteStream = Stream<Uint8Array>;

/** `stream<u8>` the host gives: chunks of bytes. */
export type ByteStreamSource = StreamSource<Uint8Array>;

/** `error-context`: what the component said about an error, for people (its content is not a contract). */
export class ErrorContext {
  /** The debug message the component attached. */
  readonly debugMessage: string;
  /** jco's value, handed back when the error context goes to the guest again. */
  readonly #raw: unknown;

  constructor(debugMessage: string, raw?: unknown) {
    this.debugMessage = debugMessage;
    this.#raw = raw;
  }

  /** jco's value of an error context (the object itself when it was made by the host). */
  static raw(context: ErrorContext): unknown {
    return context.#raw ?? context;
  }

  toString(): string {
    return `ErrorContext(${JSON.stringify(this.debugMessage)})`;
  }
}

/** The part of jco's stream object the SDK reads through. */
interface JcoStream {
  read(count: number): Promise<{ readonly value: unknown; readonly done: boolean }>;
  [Symbol.dispose]?(): void;
  return?(): unknown;
}

/** How many bytes one pull of a `stream<u8>` asks jco for; jco hands back fewer when fewer are ready. */
const BYTE_CHUNK = 65_536;

function mismatch(path: string, expected: string, value: unknown): string {
  const got =
    value === null
      ? "null"
      : typeof value === "object"
        ? (value.constructor?.name ?? "object")
        : typeof value;
  return `\`${path}\` must be ${expected}, got ${got}`;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { readonly then?: unknown }).then === "function"
  );
}

/** A context for values lowered later, outside the call that passed the future or stream. */
function laterContext(context: LowerContext): LowerContext {
  return { core: context.core, moves: [] };
}

/**
 * `future<T>` (`future` without a type: `element` undefined): the guest gives a `Promise` of the value, the
 * host may give any thenable of it.
 */
export function future<T, In>(element: ValueType<T, In>): ValueType<Future<T>, FutureSource<In>>;
export function future(element: undefined): ValueType<Future<undefined>, FutureSource<undefined>>;
/*#__NO_SIDE_EFFECTS__*/
export function future(element: ValueType | undefined): ValueType {
  const label = element === undefined ? "future" : `future<${element.label}>`;
  return {
    kind: "opaque",
    label,
    handles: true,
    lower(value, path, context) {
      // A value that is not a thenable is a future already settled with it: a handler's promise of a future
      // arrives here settled, because a promise resolved with a promise takes on its value.
      const later = laterContext(context);
      if (!isThenable(value)) {
        return Promise.resolve(
          element === undefined ? undefined : element.lower(value, path, later),
        );
      }
      return Promise.resolve(value).then((settled) =>
        element === undefined ? undefined : element.lower(settled, `${path} (settled)`, later),
      );
    },
    lift(value, core) {
      const settled = Promise.resolve(value);
      return element === undefined || !element.handles
        ? settled
        : settled.then((raw) => element.lift(raw, core));
    },
  };
}

/**
 * `stream<T>` (`stream` without a type: `element` undefined; values are then `undefined`): the guest gives a
 * `ReadableStream`, the host may give one or any iterable.
 */
export function stream<T, In>(element: ValueType<T, In>): ValueType<Stream<T>, StreamSource<In>>;
export function stream(element: undefined): ValueType<Stream<undefined>, StreamSource<undefined>>;
/*#__NO_SIDE_EFFECTS__*/
export function stream(element: ValueType | undefined): ValueType {
  return streamType(element === undefined ? "stream" : `stream<${element.label}>`, element, false);
}

/** `stream<u8>`: chunks of bytes rather than single numbers. */
export const byteStream: ValueType<ByteStream, ByteStreamSource> = streamType(
  "stream<u8>",
  undefined,
  true,
);

/** The descriptor of a stream; its TypeScript types are the callers' to state. */
function streamType<T, In>(
  label: string,
  element: ValueType | undefined,
  bytes: boolean,
): ValueType<T, In> {
  return {
    kind: "opaque",
    label,
    handles: true,
    lower(value, path, context) {
      const source = iterate(value, path, bytes);
      if (bytes || element === undefined) return source;
      return lowerEach(source, element, path, laterContext(context));
    },
    lift(value, core) {
      return readable(value as JcoStream, element, core, bytes);
    },
  };
}

/** What the host gives, as an iterable jco accepts (checked now: a wrong value fails the call). */
function iterate(
  value: unknown,
  path: string,
  bytes: boolean,
): AsyncIterable<unknown> | Iterable<unknown> {
  if (typeof value === "object" && value !== null) {
    if (Symbol.asyncIterator in value || Symbol.iterator in value) {
      if (bytes && value instanceof Uint8Array) return [value];
      return value as AsyncIterable<unknown> | Iterable<unknown>;
    }
    if (typeof (value as { readonly getReader?: unknown }).getReader === "function") {
      return readerIterable(value as { getReader(): StreamReader<unknown> });
    }
  }
  throw new TypeError(
    mismatch(
      path,
      bytes
        ? "a ReadableStream or iterable of Uint8Array chunks"
        : "a ReadableStream or an iterable",
      value,
    ),
  );
}

/** A `ReadableStream` without `Symbol.asyncIterator` (older browsers), read through its reader. */
async function* readerIterable(stream: {
  getReader(): StreamReader<unknown>;
}): AsyncGenerator<unknown> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

async function* lowerEach(
  source: AsyncIterable<unknown> | Iterable<unknown>,
  element: ValueType,
  path: string,
  context: LowerContext,
): AsyncGenerator<unknown> {
  let index = 0;
  for await (const value of source) yield element.lower(value, `${path}[${index++}]`, context);
}

/** The part of the WHATWG stream API the SDK builds streams with. */
interface StreamController {
  enqueue(value: unknown): void;
  close(): void;
}
type ReadableStreamClass = new (
  source: { pull(controller: StreamController): Promise<void>; cancel(): void },
  strategy: { readonly highWaterMark: number },
) => Stream<unknown>;

/** What the guest gives, as a `ReadableStream` that reads from jco when the app pulls. */
function readable(
  raw: JcoStream,
  element: ValueType | undefined,
  core: InstanceCore,
  bytes: boolean,
): Stream<unknown> {
  const host = globalThis as unknown as { readonly ReadableStream?: ReadableStreamClass };
  if (typeof host.ReadableStream !== "function") {
    throw new TypeError("a stream from the guest needs `ReadableStream`, which this host lacks");
  }
  let closed = false;
  const drop = (): void => {
    if (closed) return;
    closed = true;
    if (typeof raw[Symbol.dispose] === "function") raw[Symbol.dispose]!();
    else void raw.return?.();
  };
  return new host.ReadableStream(
    {
      async pull(controller) {
        const { value, done } = await raw.read(bytes ? BYTE_CHUNK : 1);
        if (done) {
          closed = true;
          controller.close();
          return;
        }
        if (bytes) {
          controller.enqueue(
            value instanceof Uint8Array ? value : Uint8Array.from(value as ArrayLike<number>),
          );
          return;
        }
        controller.enqueue(
          element === undefined ? undefined : element.handles ? element.lift(value, core) : value,
        );
      },
      cancel() {
        drop();
      },
    },
    // Nothing is read ahead: the guest's writer waits until the app asks for a value.
    { highWaterMark: 0 },
  );
}

/** `error-context`. */
export const errorContext: ValueType<ErrorContext> = {
  kind: "opaque",
  label: "error-context",
  handles: true,
  lower(value, path) {
    if (!(value instanceof ErrorContext))
      throw new TypeError(mismatch(path, "an ErrorContext", value));
    return ErrorContext.raw(value);
  },
  lift(value) {
    if (value instanceof ErrorContext) return value;
    const message = (value as { readonly debugMessage?: unknown } | null | undefined)?.debugMessage;
    return new ErrorContext(typeof message === "string" ? message : String(value), value);
  },
};
