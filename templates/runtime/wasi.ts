/**
 * Runtime, WASI capabilities: what a component that imports `wasi:*` interfaces may reach of the host, per
 * instance, and nothing unless granted (as wasmtime's `WasiCtxBuilder`). Consumes the `wasi` option of a
 * generated `instantiate` and the loaders of `@bytecodealliance/preview2-shim`'s per-package modules that the
 * generated code passes in; produces, per WASI package, the object `wasiImport` reads the interfaces from:
 * the shim's own module for what is inherited, and instance-local interfaces (environment, arguments,
 * working folder, preopens, network, stdio, clocks, random) for everything else.
 *
 * Without a `wasi` option a component gets an empty environment, arguments of just the program name, no
 * working folder, no preopened directories, no network, an empty stdin, stdout and stderr discarded, the real
 * clocks and random, and an `exit` that ends the call (a trap) instead of the host process. `wasi: "inherit"`
 * (or `"inherit"` for one capability) gives the shim's process-wide defaults instead. The shim's
 * module-global setters (`_setEnv`, `_setPreopens`) are never used: they would leak one instance's grants
 * into every other instance in the process.
 */

/** A directory of in-memory files: a name maps to a file's contents or to a sub-directory. */
export interface WasiFiles {
  readonly [name: string]: string | Uint8Array | WasiFiles;
}

/**
 * One preopened directory (wasmtime's `preopened_dir`). A string is a host path, read-write; `{ host }` a
 * host path, `{ files }` an in-memory directory (browser build of the shim only; writes stay in that
 * instance's copy). `readOnly` refuses every change with the WASI error `not-permitted`, as wasmtime does
 * for a directory preopened without `DirPerms::MUTATE` / `FilePerms::WRITE`.
 */
export type WasiPreopen =
  | string
  | { readonly host: string; readonly readOnly?: boolean }
  | { readonly files: WasiFiles; readonly readOnly?: boolean };

/**
 * Network access, each kind off unless `true` (wasmtime's `allow_tcp`, `allow_udp`, `allow_ip_name_lookup`;
 * `http` is outgoing `wasi:http` requests). A refused socket call fails with `access-denied`, a refused name
 * lookup with `permanent-resolver-failure` (the shim's code), a refused request with `HTTP-request-denied`.
 */
export interface WasiNetwork {
  readonly tcp?: boolean;
  readonly udp?: boolean;
  readonly ipNameLookup?: boolean;
  readonly http?: boolean;
}

/** Where a guest's output stream goes: the host's own stream, nowhere, or a function that gets each write. */
export type WasiOutput = "inherit" | "discard" | ((bytes: Uint8Array) => void);

/** What a guest's stdin reads: the host's own stdin, or these bytes (a string is UTF-8) then end of stream. */
export type WasiInput = "inherit" | string | Uint8Array;

/**
 * The capabilities one instance is granted. Every member is optional; left out, it is denied (or, for
 * clocks and random, real). Names follow wasmtime's `WasiCtxBuilder`.
 */
export interface WasiCapabilities {
  /** Environment variables (`envs`); `"inherit"`: the host process's (`inherit_env`). Default: none. */
  readonly env?: Readonly<Record<string, string>> | "inherit";
  /** Arguments, the program name first (`args`); `"inherit"`: the host's (`inherit_args`). Default: the world's name. */
  readonly args?: readonly string[] | "inherit";
  /** The guest's initial working folder, a guest path; `"inherit"`: the host's. Default: none. */
  readonly cwd?: string | "inherit";
  /** Preopened directories by guest path (`preopened_dir`); `"inherit"`: the shim's process-wide ones. Default: none. */
  readonly preopens?: Readonly<Record<string, WasiPreopen>> | "inherit";
  /** `true`: every kind of network access (`inherit_network`); `"inherit"`: the shim's defaults. Default: none. */
  readonly network?: boolean | WasiNetwork | "inherit";
  /** Default: empty (end of stream at once). */
  readonly stdin?: WasiInput;
  /** Default: discarded. */
  readonly stdout?: WasiOutput;
  /** Default: discarded. */
  readonly stderr?: WasiOutput;
  /** The wall clock's time (`wall_clock`), e.g. `() => new Date(0)` in tests. Default: the real one. */
  readonly wallClock?: () => Date;
  /** The monotonic clock in nanoseconds (`monotonic_clock`). Waiting still takes real time. Default: the real one. */
  readonly monotonicClock?: () => bigint;
  /** Seeds `wasi:random` (secure, insecure and the insecure seed) with a deterministic generator, for tests only. */
  readonly random?: { readonly seed: bigint };
}

/** The `wasi` option of a generated `instantiate`: `"inherit"` gives the shim's process-wide defaults. */
export type WasiOptions = "inherit" | WasiCapabilities;

/** Imports one of the shim's per-package modules (`@bytecodealliance/preview2-shim/cli`, ...). */
export type WasiShimLoader = () => Promise<object>;

/** The shim's modules that the world's imports read, by WASI package. */
export interface WasiShimLoaders {
  readonly cli?: WasiShimLoader;
  readonly clocks?: WasiShimLoader;
  readonly filesystem?: WasiShimLoader;
  readonly http?: WasiShimLoader;
  readonly io?: WasiShimLoader;
  readonly random?: WasiShimLoader;
  readonly sockets?: WasiShimLoader;
}

/** One instance's WASI packages: each loads the shim's module once and builds the instance's interfaces. */
export interface WasiHost {
  readonly cli: WasiShimLoader;
  readonly clocks: WasiShimLoader;
  readonly filesystem: WasiShimLoader;
  readonly http: WasiShimLoader;
  readonly io: WasiShimLoader;
  readonly random: WasiShimLoader;
  readonly sockets: WasiShimLoader;
}

/**
 * Thrown (as a trap) when the guest calls `wasi:cli/exit`: the call ends, the host process does not. `code`
 * is the exit status (0 for `exit(ok)`, 1 for `exit(err)`).
 */
export class WasiExitError extends Error {
  declare readonly name: "WasiExitError";
  readonly code: number;
  constructor(code: number) {
    super(`the component called wasi:cli/exit with status ${code}`);
    this.code = code;
  }
}
Object.defineProperty(WasiExitError.prototype, "name", {
  value: "WasiExitError",
  writable: true,
  configurable: true,
});

/** A shim module or interface object, read loosely: the shim ships no types for its instantiation use. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped by the shim; reads are checked by tests
type Shim = Readonly<Record<string, any>>;

type Package = keyof WasiHost;

/**
 * The members of `WasiCapabilities`, in its order: written as a record over its keys, so that tsc refuses a list
 * that misses one or names one it lacks. The code generator's list of what each WASI interface reaches is
 * tested against it.
 */
export const wasiCapabilityNames = Object.keys({
  env: true,
  args: true,
  cwd: true,
  preopens: true,
  network: true,
  stdin: true,
  stdout: true,
  stderr: true,
  wallClock: true,
  monotonicClock: true,
  random: true,
} satisfies Record<keyof WasiCapabilities, true>) as readonly (keyof WasiCapabilities)[];

const CAPABILITY_KEYS: ReadonlySet<string> = new Set(wasiCapabilityNames);

/**
 * The WASI packages of one instance. `options` is the `wasi` option as the host gave it (checked here, so a
 * mistake fails `instantiate`); `program` is the default first argument; `loaders` import the shim's modules.
 */
export function createWasiHost(
  options: WasiOptions | undefined,
  program: string,
  loaders: WasiShimLoaders,
): WasiHost {
  const caps = checkOptions(options);
  const cache = new Map<Package, Promise<object>>();
  const load = (pkg: Package): Promise<Shim> => {
    const loader = loaders[pkg];
    if (loader === undefined)
      return Promise.reject(new Error(`no loader for wasi:${pkg} (a wit-ts bug)`));
    return loader() as Promise<Shim>;
  };
  const build = async (pkg: Package): Promise<object> => {
    if (caps === "inherit") return load(pkg);
    switch (pkg) {
      case "cli":
        return createCli(
          caps,
          program,
          await load("cli"),
          loaders.io === undefined ? undefined : await load("io"),
        );
      case "clocks":
        return createClocks(caps, await load("clocks"));
      case "filesystem":
        return createFilesystem(caps, await load("filesystem"));
      case "http":
        return createHttp(caps, await load("http"));
      case "io":
        return load("io");
      case "random":
        return createRandom(caps, await load("random"));
      case "sockets":
        return createSockets(caps, await load("sockets"));
      default:
        return pkg satisfies never;
    }
  };
  const member =
    (pkg: Package): WasiShimLoader =>
    () => {
      let built = cache.get(pkg);
      if (built === undefined) {
        built = build(pkg).then(markRawBorrowers);
        cache.set(pkg, built);
      }
      return built;
    };
  return {
    cli: member("cli"),
    clocks: member("clocks"),
    filesystem: member("filesystem"),
    http: member("http"),
    io: member("io"),
    random: member("random"),
    sockets: member("sockets"),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The shim's calling convention

/**
 * The shim's interface objects, resource classes and their prototypes. The shim's implementations read the
 * private fields of the resources they are given (`startConnect(network)`), so the SDK hands them the
 * resources themselves where it gives a host's handlers `BorrowHandle`s or views; see {@link takesRawBorrows}.
 */
const rawBorrowers = new WeakSet<object>();

/** Registers the interfaces of one WASI package and the classes they hold; returns the package. */
function markRawBorrowers(pkg: object): object {
  for (const iface of Object.values(pkg) as unknown[]) {
    if (typeof iface !== "object" || iface === null) continue;
    rawBorrowers.add(iface);
    for (const member of Object.values(iface) as unknown[]) {
      const prototype =
        typeof member === "function"
          ? (member as { readonly prototype?: unknown }).prototype
          : undefined;
      if (typeof prototype === "object" && prototype !== null) {
        rawBorrowers.add(member as object);
        rawBorrowers.add(prototype);
      }
    }
  }
  return pkg;
}

/**
 * Whether a host import's target (an interface object, a resource object, a class) is the shim's: its
 * `borrow<R>` arguments are then passed as the resources themselves, with nothing to drop.
 */
export function takesRawBorrows(target: unknown): boolean {
  if ((typeof target !== "object" && typeof target !== "function") || target === null) return false;
  if (rawBorrowers.has(target)) return true;
  const prototype = Object.getPrototypeOf(target) as unknown;
  return typeof prototype === "object" && prototype !== null && rawBorrowers.has(prototype);
}

// ---------------------------------------------------------------------------------------------------------
// Checking the option

function checkOptions(options: WasiOptions | undefined): WasiCapabilities | "inherit" {
  if (options === undefined) return {};
  if (options === "inherit") return options;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(
      'the `wasi` option must be "inherit" or an object of capabilities, not ' + String(options),
    );
  }
  for (const key of Object.keys(options)) {
    if (!CAPABILITY_KEYS.has(key)) {
      throw new TypeError(
        `\`wasi.${key}\` is not a WASI capability (${[...CAPABILITY_KEYS].join(", ")})`,
      );
    }
  }
  const {
    env,
    args,
    cwd,
    preopens,
    network,
    stdin,
    stdout,
    stderr,
    wallClock,
    monotonicClock,
    random,
  } = options;
  if (env !== undefined && env !== "inherit") {
    if (typeof env !== "object" || env === null)
      throw new TypeError('`wasi.env` must be a record of strings or "inherit"');
    for (const [name, value] of Object.entries(env)) {
      if (typeof value !== "string") throw new TypeError(`\`wasi.env.${name}\` must be a string`);
    }
  }
  if (
    args !== undefined &&
    args !== "inherit" &&
    (!Array.isArray(args) || !args.every((a) => typeof a === "string"))
  ) {
    throw new TypeError('`wasi.args` must be an array of strings or "inherit"');
  }
  if (cwd !== undefined && typeof cwd !== "string")
    throw new TypeError('`wasi.cwd` must be a guest path or "inherit"');
  if (preopens !== undefined && preopens !== "inherit") {
    if (typeof preopens !== "object" || preopens === null) {
      throw new TypeError('`wasi.preopens` must be a record of guest paths or "inherit"');
    }
    for (const [guest, preopen] of Object.entries(preopens)) checkPreopen(guest, preopen);
  }
  if (network !== undefined && network !== "inherit" && typeof network !== "boolean") {
    if (typeof network !== "object" || network === null) {
      throw new TypeError('`wasi.network` must be a boolean, an object of booleans or "inherit"');
    }
    for (const [kind, allowed] of Object.entries(network)) {
      if (!["tcp", "udp", "ipNameLookup", "http"].includes(kind)) {
        throw new TypeError(
          `\`wasi.network.${kind}\` is not a kind of network access (tcp, udp, ipNameLookup, http)`,
        );
      }
      if (typeof allowed !== "boolean")
        throw new TypeError(`\`wasi.network.${kind}\` must be a boolean`);
    }
  }
  if (stdin !== undefined && typeof stdin !== "string" && !(stdin instanceof Uint8Array)) {
    throw new TypeError('`wasi.stdin` must be "inherit", a string or a Uint8Array');
  }
  for (const [name, output] of [
    ["stdout", stdout],
    ["stderr", stderr],
  ] as const) {
    if (
      output !== undefined &&
      output !== "inherit" &&
      output !== "discard" &&
      typeof output !== "function"
    ) {
      throw new TypeError(
        `\`wasi.${name}\` must be "inherit", "discard" or a function of the bytes written`,
      );
    }
  }
  if (wallClock !== undefined && typeof wallClock !== "function") {
    throw new TypeError("`wasi.wallClock` must be a function that returns a Date");
  }
  if (monotonicClock !== undefined && typeof monotonicClock !== "function") {
    throw new TypeError(
      "`wasi.monotonicClock` must be a function that returns nanoseconds as a bigint",
    );
  }
  if (
    random !== undefined &&
    (typeof random !== "object" || random === null || typeof random.seed !== "bigint")
  ) {
    throw new TypeError("`wasi.random` must be `{ seed: bigint }`");
  }
  return options;
}

function checkPreopen(guest: string, preopen: WasiPreopen): void {
  const where = `\`wasi.preopens[${JSON.stringify(guest)}]\``;
  if (!guest.startsWith("/"))
    throw new TypeError(`${where}: a guest path must be absolute (start with "/")`);
  if (typeof preopen === "string") return;
  if (typeof preopen !== "object" || preopen === null) {
    throw new TypeError(
      `${where} must be a host path, { host, readOnly? } or { files, readOnly? }`,
    );
  }
  if (
    "host" in preopen
      ? typeof preopen.host !== "string"
      : !("files" in preopen) || typeof preopen.files !== "object"
  ) {
    throw new TypeError(
      `${where} must be a host path, { host, readOnly? } or { files, readOnly? }`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------------
// wasi:cli

function createCli(
  caps: WasiCapabilities,
  program: string,
  cli: Shim,
  io: Shim | undefined,
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
      throw new WasiExitError(status.tag === "err" ? 1 : 0);
    },
    exitWithCode(code: number): never {
      throw new WasiExitError(code);
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

function createFilesystem(caps: WasiCapabilities, filesystem: Shim): object {
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

function createSockets(caps: WasiCapabilities, sockets: Shim): object {
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

function createHttp(caps: WasiCapabilities, http: Shim): object {
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

function createClocks(caps: WasiCapabilities, clocks: Shim): object {
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

function createRandom(caps: WasiCapabilities, random: Shim): object {
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
