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
 * into every other instance in the process. The interfaces themselves are in `wasi-interfaces.ts`.
 */
import {
  createCli,
  createClocks,
  createFilesystem,
  createHttp,
  createRandom,
  createSockets,
  type Shim,
} from "./wasi-interfaces.js";
import { markRawBorrowers } from "./raw-borrowers.js";
import { WasiExitError } from "./wasi-exit-error.js";

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

/** How `wasi:cli/exit` ends the guest's call: it throws, as a trap. */
function exitWith(code: number): never {
  throw new WasiExitError(code);
}

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
          exitWith,
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
