/**
 * Runtime, WASI interfaces: the instance-local implementations of the WASI interfaces a component may be
 * granted, built over `@bytecodealliance/preview2-shim`'s per-package modules. Consumes one instance's checked
 * capabilities (`wasi.ts`) and the shim's module of a package; produces that package's interface objects:
 * environment, arguments, working folder and exit; stdin, stdout and stderr as given; preopened directories,
 * read-only where asked; sockets and outgoing HTTP only where granted; the given clocks and seeded random. What
 * a capability leaves as `"inherit"` is the shim's own interface.
 */
import type { WasiCapabilities, WasiFiles, WasiNetwork, WasiOutput, WasiPreopen } from "./wasi.js";

/** A shim module or interface object, read loosely: the shim ships no types for its instantiation use. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped by the shim; reads are checked by tests
export type Shim = Readonly<Record<string, any>>;

// ---------------------------------------------------------------------------------------------------------
// wasi:cli

/** `exitWith` ends the guest's call for `wasi:cli/exit` (`wasi.ts` throws its `WasiExitError`). */
export function createCli(
  caps: WasiCapabilities,
  program: string,
  cli: Shim,
  io: Shim | undefined,
  exitWith: (code: number) => never,
): object {
  const env = caps.env === "inherit" ? undefined : Object.entries(caps.env ?? {});
  const args = caps.args === "inherit" ? undefined : [...(caps.args ?? [program])];
  const cwd = caps.cwd;
  const environment = {
    getEnvironment: (): [string, string][] =>
      env === undefined ? cli["environment"].getEnvironment() : env.map(([k, v]) => [k, v]),
    getArguments: (): string[] =>
      args === undefined ? cli["environment"].getArguments() : [...args],
    initialCwd: (): string | undefined =>
      cwd === "inherit" ? cli["environment"].initialCwd() : cwd,
  };
  const exit = {
    exit(status: { readonly tag: string }): never {
      return exitWith(status.tag === "err" ? 1 : 0);
    },
    exitWithCode(code: number): never {
      return exitWith(code);
    },
  };
  const stdinOf = (): object =>
    caps.stdin === "inherit"
      ? cli["stdin"].getStdin()
      : inputSource(io, cli, caps.stdin ?? new Uint8Array(0));
  const outputOf = (output: WasiOutput | undefined, real: () => object): object => {
    if (output === "inherit") return real();
    return outputSink(io, cli, output === undefined || output === "discard" ? undefined : output);
  };
  // Built once: the guest gets the same stream from every `get-stdout`, as from the shim.
  let stdin: object | undefined;
  let stdout: object | undefined;
  let stderr: object | undefined;
  const terminal = (inherit: boolean, real: () => unknown) => (): unknown =>
    inherit ? real() : undefined;
  return {
    ...cli,
    environment,
    exit,
    stdin: { getStdin: () => (stdin ??= stdinOf()) },
    stdout: {
      getStdout: () => (stdout ??= outputOf(caps.stdout, () => cli["stdout"].getStdout())),
    },
    stderr: {
      getStderr: () => (stderr ??= outputOf(caps.stderr, () => cli["stderr"].getStderr())),
    },
    terminalStdin: {
      getTerminalStdin: terminal(caps.stdin === "inherit", () =>
        cli["terminalStdin"].getTerminalStdin(),
      ),
    },
    terminalStdout: {
      getTerminalStdout: terminal(caps.stdout === "inherit", () =>
        cli["terminalStdout"].getTerminalStdout(),
      ),
    },
    terminalStderr: {
      getTerminalStderr: terminal(caps.stderr === "inherit", () =>
        cli["terminalStderr"].getTerminalStderr(),
      ),
    },
  };
}

/** The shim's `OutputStream`/`InputStream` class, whose `instanceof` jco checks when the stream crosses. */
function streamClass(
  io: Shim | undefined,
  name: "OutputStream" | "InputStream",
): { readonly prototype: object } {
  const found = io?.["streams"]?.[name] as { readonly prototype: object } | undefined;
  if (found === undefined)
    throw new Error(
      `wasi:io/streams has no ${name} (an unexpected @bytecodealliance/preview2-shim)`,
    );
  return found;
}

/**
 * A pollable that is ready at once, of the shim's own `Pollable` class: what the real stdout stream's
 * `subscribe` gives (writing to the host's stdout never waits for the guest).
 */
function readyPollable(cli: Shim): object {
  return cli["stdout"].getStdout().subscribe();
}

/** Copies a guest buffer: the host's sink may keep it, and jco may reuse what it lifted. */
function copyBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

/**
 * An output stream of the shim's class whose writes go to `write` (or nowhere): every method is an own
 * property, so none reaches the shim's private state.
 */
function outputSink(
  io: Shim | undefined,
  cli: Shim,
  write: ((bytes: Uint8Array) => void) | undefined,
): object {
  const stream = Object.create(streamClass(io, "OutputStream").prototype) as object;
  const put = (bytes: Uint8Array): void => {
    if (write !== undefined && bytes.length > 0) write(copyBytes(bytes));
  };
  const methods: Record<string | symbol, unknown> = {
    checkWrite: () => 1_048_576n,
    write: put,
    blockingWriteAndFlush: put,
    flush: () => undefined,
    blockingFlush: () => undefined,
    writeZeroes: (len: bigint) => put(new Uint8Array(Number(len))),
    blockingWriteZeroesAndFlush: (len: bigint) => put(new Uint8Array(Number(len))),
    splice: (src: Shim, len: bigint) => {
      const bytes = src["read"](len) as Uint8Array;
      put(bytes);
      return BigInt(bytes.length);
    },
    blockingSplice: (src: Shim, len: bigint) => {
      const bytes = src["blockingRead"](len) as Uint8Array;
      put(bytes);
      return BigInt(bytes.length);
    },
    subscribe: () => readyPollable(cli),
    [Symbol.dispose]: () => undefined,
  };
  for (const key of Reflect.ownKeys(methods)) {
    Object.defineProperty(stream, key, { value: methods[key], writable: true, configurable: true });
  }
  return stream;
}

/** A string's UTF-8 bytes, through the platform's `TextEncoder` (every browser, Node, Deno and Bun have one). */
function utf8(text: string): Uint8Array {
  const { TextEncoder } = globalThis as unknown as {
    TextEncoder: new () => { encode(text: string): Uint8Array };
  };
  return new TextEncoder().encode(text);
}

/** An input stream of the shim's class that reads `source`, then reports `closed` (end of stream). */
function inputSource(io: Shim | undefined, cli: Shim, source: string | Uint8Array): object {
  const stream = Object.create(streamClass(io, "InputStream").prototype) as object;
  let rest = typeof source === "string" ? utf8(source) : copyBytes(source);
  const read = (len: bigint): Uint8Array => {
    if (rest.length === 0) throw { tag: "closed" };
    const n = Math.min(rest.length, Number(len));
    const bytes = rest.slice(0, n);
    rest = rest.subarray(n);
    return bytes;
  };
  const skip = (len: bigint): bigint => BigInt(read(len).length);
  const methods: Record<string | symbol, unknown> = {
    read,
    blockingRead: read,
    skip,
    blockingSkip: skip,
    subscribe: () => readyPollable(cli),
    [Symbol.dispose]: () => undefined,
  };
  for (const key of Reflect.ownKeys(methods)) {
    Object.defineProperty(stream, key, { value: methods[key], writable: true, configurable: true });
  }
  return stream;
}

// ---------------------------------------------------------------------------------------------------------
// wasi:filesystem

export function createFilesystem(caps: WasiCapabilities, filesystem: Shim): object {
  const preopens = caps.preopens;
  if (preopens === "inherit") return filesystem;
  const browser = "InMemoryFilesystemAdapter" in filesystem;
  const entries: [object, string][] = [];
  for (const [guest, preopen] of Object.entries(preopens ?? {})) {
    const where = `\`wasi.preopens[${JSON.stringify(guest)}]\``;
    const descriptor = browser
      ? browserPreopen(filesystem, where, preopen)
      : nodePreopen(filesystem, where, preopen);
    const readOnly = typeof preopen === "object" && preopen.readOnly === true;
    entries.push([readOnly ? readOnlyDescriptor(descriptor) : descriptor, guest]);
  }
  return {
    ...filesystem,
    preopens: { getDirectories: (): [object, string][] => entries.map(([d, p]) => [d, p]) },
  };
}

function nodePreopen(filesystem: Shim, where: string, preopen: WasiPreopen): object {
  if (typeof preopen === "object" && "files" in preopen) {
    throw new TypeError(
      `${where}: in-memory preopens need the browser build of @bytecodealliance/preview2-shim; give a host path`,
    );
  }
  const host = typeof preopen === "string" ? preopen : preopen.host;
  return onlyPreopen(filesystem["createFilesystem"]({ preopens: { "/": host } }) as Shim);
}

function browserPreopen(filesystem: Shim, where: string, preopen: WasiPreopen): object {
  if (typeof preopen === "string" || "host" in preopen) {
    const host = typeof preopen === "string" ? preopen : preopen.host;
    throw new TypeError(
      `${where}: ${JSON.stringify(host)} is a host path, which a browser cannot open; give in-memory files instead: { files: { "name.txt": "contents" } }`,
    );
  }
  const adapter = new filesystem["InMemoryFilesystemAdapter"]();
  return onlyPreopen(
    filesystem["createFilesystem"]({
      adapter,
      preopens: { "/": toFileData(preopen.files) },
    }) as Shim,
  );
}

/** The descriptor of a filesystem the shim created with one preopen. */
function onlyPreopen(created: Shim): object {
  const entries = created["preopens"].getDirectories() as readonly (readonly [object, string])[];
  return entries[0]![0];
}

/** The shim's in-memory directory shape (`{ dir: { name: { source } | { dir } } }`), copied. */
function toFileData(files: WasiFiles): object {
  const dir: Record<string, object> = {};
  for (const [name, entry] of Object.entries(files)) {
    dir[name] =
      typeof entry === "string"
        ? { source: entry }
        : entry instanceof Uint8Array
          ? { source: copyBytes(entry) }
          : toFileData(entry);
  }
  return { dir };
}

/** Descriptor methods that change something: refused under a read-only preopen. */
const MUTATING: ReadonlySet<string> = new Set([
  "writeViaStream",
  "appendViaStream",
  "setSize",
  "setTimes",
  "setTimesAt",
  "write",
  "createDirectoryAt",
  "linkAt",
  "removeDirectoryAt",
  "renameAt",
  "symlinkAt",
  "unlinkFileAt",
]);

/** The objects behind read-only views, for methods that take another descriptor (`isSameObject`). */
const viewTargets = new WeakMap<object, object>();

/**
 * A read-only view of a descriptor: a proxy (so jco's `instanceof Descriptor` holds) that refuses changes
 * with `not-permitted`, opens only for reading, and gives read-only views of what it opens.
 */
function readOnlyDescriptor(descriptor: object): object {
  const view = new Proxy(descriptor, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (typeof value !== "function" || typeof key !== "string") return value;
      if (MUTATING.has(key)) {
        return () => {
          throw "not-permitted";
        };
      }
      const method = value as (...args: unknown[]) => unknown;
      switch (key) {
        case "openAt":
          return (pathFlags: unknown, path: unknown, openFlags: Shim, flags: Shim) => {
            if (
              openFlags?.["create"] ||
              openFlags?.["truncate"] ||
              flags?.["write"] ||
              flags?.["mutateDirectory"]
            ) {
              throw "not-permitted";
            }
            return readOnlyDescriptor(
              method.call(target, pathFlags, path, openFlags, flags) as object,
            );
          };
        case "getFlags":
          return () => ({
            ...(method.call(target) as object),
            write: false,
            mutateDirectory: false,
          });
        default:
          return (...args: unknown[]) =>
            method.apply(
              target,
              args.map((a) =>
                typeof a === "object" && a !== null ? (viewTargets.get(a) ?? a) : a,
              ),
            );
      }
    },
  });
  viewTargets.set(view, descriptor);
  return view;
}

// ---------------------------------------------------------------------------------------------------------
// wasi:sockets and wasi:http

function networkGrant(caps: WasiCapabilities): Required<WasiNetwork> | "inherit" {
  const network = caps.network;
  if (network === "inherit") return network;
  if (network === true) return { tcp: true, udp: true, ipNameLookup: true, http: true };
  const given = network === undefined || network === false ? {} : network;
  return {
    tcp: given.tcp === true,
    udp: given.udp === true,
    ipNameLookup: given.ipNameLookup === true,
    http: given.http === true,
  };
}

export function createSockets(caps: WasiCapabilities, sockets: Shim): object {
  const grant = networkGrant(caps);
  if (grant === "inherit") return sockets;
  if (typeof sockets["createSockets"] !== "function") {
    // The browser build has no sockets at all: every call already fails with `not-supported`.
    return sockets;
  }
  const local = sockets["createSockets"]({}) as Shim;
  const network = local["instanceNetwork"].instanceNetwork() as object;
  if (!grant.tcp) sockets["_denyTcp"](network);
  if (!grant.udp) sockets["_denyUdp"](network);
  if (!grant.ipNameLookup) sockets["_denyDnsLookup"](network);
  return { ...sockets, ...local };
}

export function createHttp(caps: WasiCapabilities, http: Shim): object {
  const grant = networkGrant(caps);
  if (grant === "inherit" || grant.http) return http;
  return {
    ...http,
    outgoingHandler: {
      ...http["outgoingHandler"],
      handle(): never {
        // `wasi:http/types.error-code`, as jco lowers a variant.
        throw { tag: "HTTP-request-denied" };
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// wasi:clocks and wasi:random

export function createClocks(caps: WasiCapabilities, clocks: Shim): object {
  const { wallClock, monotonicClock } = caps;
  const real = clocks["monotonicClock"] as Shim;
  return {
    ...clocks,
    wallClock:
      wallClock === undefined
        ? clocks["wallClock"]
        : {
            ...clocks["wallClock"],
            now: () => {
              const ms = wallClock().getTime();
              const seconds = Math.floor(ms / 1000);
              return {
                seconds: BigInt(seconds),
                nanoseconds: Math.round((ms - seconds * 1000) * 1e6),
              };
            },
          },
    monotonicClock:
      monotonicClock === undefined
        ? real
        : {
            ...real,
            now: () => monotonicClock(),
            // Waiting takes real time: an instant of this clock becomes a duration from its present.
            subscribeInstant: (instant: bigint) => {
              const now = monotonicClock();
              return real["subscribeDuration"](instant > now ? instant - now : 0n);
            },
          },
  };
}

/** splitmix64: small, fast and deterministic; seeded random is for tests, never for secrets. */
function createGenerator(seed: bigint): () => bigint {
  const mask = (1n << 64n) - 1n;
  let state = seed & mask;
  return () => {
    state = (state + 0x9e3779b97f4a7c15n) & mask;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & mask;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & mask;
    return z ^ (z >> 31n);
  };
}

export function createRandom(caps: WasiCapabilities, random: Shim): object {
  if (caps.random === undefined) return random;
  const next = createGenerator(caps.random.seed);
  const bytes = (len: bigint): Uint8Array => {
    const out = new Uint8Array(Number(len));
    for (let i = 0; i < out.length; i += 8) {
      let word = next();
      for (let j = i; j < Math.min(i + 8, out.length); j++, word >>= 8n)
        out[j] = Number(word & 0xffn);
    }
    return out;
  };
  const seed: [bigint, bigint] = [next(), next()];
  return {
    ...random,
    random: { getRandomBytes: bytes, getRandomU64: next },
    insecure: { getInsecureRandomBytes: bytes, getInsecureRandomU64: next },
    insecureSeed: { insecureSeed: (): [bigint, bigint] => [seed[0], seed[1]] },
  };
}
