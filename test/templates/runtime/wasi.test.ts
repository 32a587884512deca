/**
 * Runtime, WASI capabilities (`templates/runtime/wasi.ts`) against the browser build of
 * `@bytecodealliance/preview2-shim` (loaded by file path: its modules run under Node too), where no real
 * component is needed: in-memory preopens and the refusal of host paths, read-only views, per-host
 * isolation, stdio sinks and sources, fixed clocks, seeded random, denied outgoing HTTP and the checks of
 * the option. The Node build is exercised end to end by test/e2e/sdk-wasi-capabilities.test.ts.
 */
import { describe, expect, it } from "vitest";
import {
  createWasiHost,
  type WasiOptions,
  type WasiShimLoaders,
} from "../../../templates/runtime/wasi.js";
import { WasiExitError } from "../../../templates/runtime/wasi-exit-error.js";

const browser = new URL(
  "../../../node_modules/@bytecodealliance/preview2-shim/dist/browser/",
  import.meta.url,
);
const load = (name: string) => (): Promise<object> =>
  import(new URL(`${name}.js`, browser).href) as Promise<object>;
const loaders: WasiShimLoaders = {
  cli: load("cli"),
  clocks: load("clocks"),
  filesystem: load("filesystem"),
  http: load("http"),
  io: load("io"),
  random: load("random"),
  sockets: load("sockets"),
};

// The shim's objects, read loosely.
type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

async function packageOf(
  options: WasiOptions | undefined,
  pkg: keyof WasiShimLoaders,
): Promise<Any> {
  return createWasiHost(options, "prog", loaders)[pkg]();
}

function readText(dir: Any, path: string): string {
  const file = dir.openAt({}, path, {}, { read: true });
  return new TextDecoder().decode(file.read(1000n, 0n)[0]);
}

describe("WASI capabilities on the browser build of the shim", () => {
  it("preopens in-memory directories, one copy per instance", async () => {
    const options: WasiOptions = {
      preopens: { "/data": { files: { "a.txt": "alpha", sub: { "b.txt": "beta" } } } },
    };
    const first = await packageOf(options, "filesystem");
    const second = await packageOf(options, "filesystem");
    const [[dir, path]] = first.preopens.getDirectories();
    expect(path).toBe("/data");
    expect(readText(dir, "a.txt")).toBe("alpha");
    expect(readText(dir, "sub/b.txt")).toBe("beta");
    const file = dir.openAt({}, "a.txt", { truncate: true }, { write: true });
    file.write(new TextEncoder().encode("changed"), 0n);
    expect(readText(dir, "a.txt")).toBe("changed");
    expect(readText(second.preopens.getDirectories()[0][0], "a.txt")).toBe("alpha");
  });

  it("refuses a host path with an error that says what to give instead", async () => {
    await expect(packageOf({ preopens: { "/data": "/etc" } }, "filesystem")).rejects.toThrow(
      '`wasi.preopens["/data"]`: "/etc" is a host path, which a browser cannot open; give in-memory files instead',
    );
    await expect(
      packageOf({ preopens: { "/data": { host: "/etc", readOnly: true } } }, "filesystem"),
    ).rejects.toThrow(TypeError);
  });

  it("gives no preopens by default, and read-only views that refuse changes with `not-permitted`", async () => {
    expect((await packageOf(undefined, "filesystem")).preopens.getDirectories()).toEqual([]);
    const fs = await packageOf(
      { preopens: { "/ro": { files: { "a.txt": "alpha", d: {} }, readOnly: true } } },
      "filesystem",
    );
    const [[dir]] = fs.preopens.getDirectories();
    expect(dir).toBeInstanceOf(fs.types.Descriptor);
    expect(readText(dir, "a.txt")).toBe("alpha");
    expect(() => dir.openAt({}, "a.txt", {}, { write: true })).toThrow("not-permitted");
    expect(() => dir.openAt({}, "new.txt", { create: true }, { read: true })).toThrow(
      "not-permitted",
    );
    expect(() => dir.createDirectoryAt("x")).toThrow("not-permitted");
    expect(() => dir.unlinkFileAt("a.txt")).toThrow("not-permitted");
    const sub = dir.openAt({}, "d", { directory: true }, { read: true });
    expect(() => sub.createDirectoryAt("x")).toThrow("not-permitted");
    expect(dir.isSameObject(dir)).toBe(true);
    expect(readText(dir, "a.txt")).toBe("alpha");
  });

  it("gives an empty environment and the program name by default, and exactly what is granted", async () => {
    const none = await packageOf(undefined, "cli");
    expect(none.environment.getEnvironment()).toEqual([]);
    expect(none.environment.getArguments()).toEqual(["prog"]);
    expect(none.environment.initialCwd()).toBeUndefined();
    expect(none.terminalStdout.getTerminalStdout()).toBeUndefined();
    const granted = await packageOf({ env: { A: "1" }, args: ["p", "x"], cwd: "/work" }, "cli");
    expect(granted.environment.getEnvironment()).toEqual([["A", "1"]]);
    expect(granted.environment.getArguments()).toEqual(["p", "x"]);
    expect(granted.environment.initialCwd()).toBe("/work");
  });

  it("turns `exit` into an error that ends the call, with the status", async () => {
    const cli = await packageOf(undefined, "cli");
    expect(() => cli.exit.exit({ tag: "err" })).toThrow(WasiExitError);
    expect(() => cli.exit.exit({ tag: "ok" })).toThrow(expect.objectContaining({ code: 0 }));
  });

  it("sends stdout to the host's sink, discards stderr, and reads stdin from the host's bytes", async () => {
    const written: string[] = [];
    const cli = await packageOf(
      { stdout: (bytes) => written.push(new TextDecoder().decode(bytes)), stdin: "in" },
      "cli",
    );
    const io = await loaders.io!();
    const out = cli.stdout.getStdout();
    expect(out).toBeInstanceOf((io as Any).streams.OutputStream);
    expect(cli.stdout.getStdout()).toBe(out);
    expect(out.checkWrite()).toBeGreaterThan(0n);
    out.write(new TextEncoder().encode("hello "));
    out.blockingWriteAndFlush(new TextEncoder().encode("world"));
    expect(written.join("")).toBe("hello world");
    cli.stderr.getStderr().blockingWriteAndFlush(new TextEncoder().encode("dropped"));
    const input = cli.stdin.getStdin();
    expect(input).toBeInstanceOf((io as Any).streams.InputStream);
    expect(new TextDecoder().decode(input.blockingRead(1n))).toBe("i");
    expect(new TextDecoder().decode(input.read(10n))).toBe("n");
    expect(() => input.read(10n)).toThrow(expect.objectContaining({ tag: "closed" }));
  });

  it("reads the clocks the host gives", async () => {
    const clocks = await packageOf(
      { wallClock: () => new Date(1_500), monotonicClock: () => 42n },
      "clocks",
    );
    expect(clocks.wallClock.now()).toEqual({ seconds: 1n, nanoseconds: 500_000_000 });
    expect(clocks.monotonicClock.now()).toBe(42n);
    const real = await packageOf(undefined, "clocks");
    expect(real.wallClock.now().seconds).toBeGreaterThan(1_700_000_000n);
  });

  it("repeats the same random numbers for the same seed", async () => {
    const a = await packageOf({ random: { seed: 7n } }, "random");
    const b = await packageOf({ random: { seed: 7n } }, "random");
    const c = await packageOf({ random: { seed: 8n } }, "random");
    const first = [
      a.random.getRandomU64(),
      a.random.getRandomBytes(13n),
      a.insecure.getInsecureRandomU64(),
    ];
    expect([
      b.random.getRandomU64(),
      b.random.getRandomBytes(13n),
      b.insecure.getInsecureRandomU64(),
    ]).toEqual(first);
    expect(c.random.getRandomU64()).not.toBe(first[0]);
    expect(a.insecureSeed.insecureSeed()).toEqual(b.insecureSeed.insecureSeed());
  });

  it("denies outgoing HTTP with the interface's `HTTP-request-denied` unless granted", async () => {
    const denied = await packageOf(undefined, "http");
    expect(() => denied.outgoingHandler.handle()).toThrow(
      expect.objectContaining({ tag: "HTTP-request-denied" }),
    );
    const shim = (await loaders.http!()) as Any;
    expect((await packageOf({ network: { http: true } }, "http")).outgoingHandler).toBe(
      shim.outgoingHandler,
    );
    expect((await packageOf({ network: true }, "http")).outgoingHandler).toBe(shim.outgoingHandler);
  });

  it('gives the shim\'s modules unchanged with `"inherit"`', async () => {
    for (const pkg of ["cli", "clocks", "filesystem", "http", "io", "random", "sockets"] as const) {
      expect(await packageOf("inherit", pkg)).toBe(await loaders[pkg]!());
    }
  });

  it("refuses a mistaken option, naming it", () => {
    const make = (options: unknown) => () =>
      createWasiHost(options as WasiOptions, "prog", loaders);
    expect(make("all")).toThrow(
      'the `wasi` option must be "inherit" or an object of capabilities, not all',
    );
    expect(make({ envs: {} })).toThrow("`wasi.envs` is not a WASI capability");
    expect(make({ env: { A: 1 } })).toThrow("`wasi.env.A` must be a string");
    expect(make({ args: "prog" })).toThrow("`wasi.args` must be an array of strings");
    expect(make({ network: { smtp: true } })).toThrow(
      "`wasi.network.smtp` is not a kind of network access",
    );
    expect(make({ stdout: "console" })).toThrow(
      '`wasi.stdout` must be "inherit", "discard" or a function',
    );
    expect(make({ random: { seed: 1 } })).toThrow("`wasi.random` must be `{ seed: bigint }`");
  });
});
