/**
 * End to end, WASI capabilities: a componentize-js guest imports `wasi:cli/environment`,
 * `wasi:filesystem/preopens`, `wasi:sockets/tcp` and `wasi:cli/exit` (and, through its engine, stdout and
 * stderr), and reports what it sees. The SDK is generated from the component binary as `wit-ts gen
 * guest.wasm` does, written inside the repository so that `@bytecodealliance/preview2-shim` resolves, and
 * instantiated with different `wasi` options: nothing by default, exactly what is granted otherwise, each
 * instance its own grants, `"inherit"` for the shim's process-wide defaults, and a host implementation of a
 * WASI interface still winning over the shim.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { generateSdk, writeSdk } from "../../src/index.js";
import { buildComponent } from "./support/components.js";
import { writeSdkAsJs } from "./fixtures/sdk-support/sdk.js";
import { readFixture } from "./support/fixtures.js";
import { wasiPackages } from "./support/wasi-wit.js";
import { sdkWorkspace } from "./support/sdk-workspace.js";

/**
 * The guest's world, then the WASI packages it names, as nested packages (componentize-js takes WIT as text).
 * `network` gets the placeholder method of jco's own 0.2.10 WIT (the shim's `Network` has it): componentize-js
 * binds no class for a resource without methods, and its guest then fails with a `ReferenceError` as soon as
 * `instance-network` returns one.
 */
const WIT = `${readFixture("sdk-wasi-caps/world.wit")}\n${wasiPackages("0.2.12", [
  "cli",
  "clocks",
  "filesystem",
  "io",
  "random",
  "sockets",
]).replace(/^(\s*)resource network;$/m, "$1resource network { noop: func(); }")}`;

interface Report {
  readonly env: [string, string][];
  readonly args: string[];
  readonly cwd: string | null;
  readonly preopens: string[];
}

interface Instance extends AsyncDisposable {
  inspect(): Promise<string>;
  readFile(path: string): Promise<string>;
  writeFile(path: string, text: string): Promise<string>;
  connect(port: number): Promise<string>;
  speak(text: string): Promise<number>;
  quit(): Promise<void>;
  readonly poisoned: boolean;
}

const root = sdkWorkspace("sdk-wasi-caps");
let instantiate: (options: object) => Promise<Instance>;
let index: string;
let server: Server;
let port: number;
let hostDirs: string;

beforeAll(async () => {
  const bytes = await buildComponent({
    name: "sdk-wasi-caps",
    wit: WIT,
    world: "caps",
    js: readFixture("sdk-wasi-caps/guest.js"),
    features: ["stdio"],
  });
  mkdirSync(root, { recursive: true });
  const wasm = join(root, "guest.wasm");
  writeFileSync(wasm, bytes);
  const result = await generateSdk({ input: wasm });
  expect(result.diagnostics).toEqual([]);
  index = result.files.find((f) => f.path === "index.ts")!.content as string;
  const out = join(root, "sdk");
  writeSdk(out, result);
  await writeSdkAsJs(result.files, out);
  const sdk = (await import(pathToFileURL(join(out, "index.js")).href)) as {
    instantiate: typeof instantiate;
  };
  instantiate = sdk.instantiate;
  server = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
  hostDirs = mkdtempSync(join(tmpdir(), "wit-ts-wasi-caps-"));
}, 300_000);

afterAll(async () => {
  if (hostDirs !== undefined) rmSync(hostDirs, { recursive: true, force: true });
  await new Promise((resolve) => server?.close(resolve));
});

/** A fresh host folder holding `files`. */
function hostDir(name: string, files: Readonly<Record<string, string>>): string {
  const dir = join(hostDirs, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

async function report(app: Instance): Promise<Report> {
  return JSON.parse(await app.inspect()) as Report;
}

/** Runs `body` with the host process's stdout and stderr writes recorded (and still written). */
async function recordingHostOutput<T>(
  body: () => Promise<T>,
): Promise<{ result: T; written: string }> {
  const written: string[] = [];
  const record = (chunk: unknown): void => {
    written.push(
      typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"),
    );
  };
  const out = vi
    .spyOn(process.stdout, "write")
    .mockImplementation((chunk) => (record(chunk), true));
  const err = vi
    .spyOn(process.stderr, "write")
    .mockImplementation((chunk) => (record(chunk), true));
  try {
    return { result: await body(), written: written.join("") };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe("WASI capabilities of a generated SDK", () => {
  it("declares a `wasi` option of exactly the capabilities the world's WASI imports reach", () => {
    const lines = index.split("\n");
    // Compared without line breaks: the layout is prettier's business.
    expect(index.replace(/\s+/g, " ")).toContain(
      'export type WasiOptions = | "inherit" | Pick< WasiCapabilities, | "env" | "args" | "cwd" | "preopens" | "network" | "stdin" | "stdout" | "stderr" | "wallClock" | "monotonicClock" >;',
    );
    expect(lines).toContain("  readonly wasi?: WasiOptions;");
  });

  it("grants nothing without the option: no environment, no preopens, no network, output discarded", async () => {
    const app = await instantiate({});
    try {
      expect(await report(app)).toEqual({ env: [], args: ["root"], cwd: null, preopens: [] });
      expect(await app.readFile("/data/hello.txt")).toBe("no-preopen");
      // wasi:sockets/tcp `start-connect` fails with the interface's `access-denied`.
      expect(await app.connect(port)).toBe("access-denied");
      const { result, written } = await recordingHostOutput(() => app.speak("quiet please"));
      expect(result).toBe(12);
      expect(written).not.toContain("quiet please");
      expect(written).not.toContain("esaelp teiuq");
    } finally {
      await app[Symbol.asyncDispose]();
    }
  });

  it("grants exactly what the option names", async () => {
    const data = hostDir("granted", { "hello.txt": "hello from the host" });
    const stdout: Uint8Array[] = [];
    const stderr: Uint8Array[] = [];
    const app = await instantiate({
      wasi: {
        env: { GREETING: "hi", LANG: "C" },
        args: ["plugin", "--fast"],
        cwd: "/data",
        preopens: { "/data": data },
        network: { tcp: true },
        stdout: (bytes: Uint8Array) => stdout.push(bytes),
        stderr: (bytes: Uint8Array) => stderr.push(bytes),
      },
    });
    try {
      expect(await report(app)).toEqual({
        env: [
          ["GREETING", "hi"],
          ["LANG", "C"],
        ],
        args: ["plugin", "--fast"],
        cwd: "/data",
        preopens: ["/data"],
      });
      expect(await app.readFile("/data/hello.txt")).toBe("hello from the host");
      expect(await app.readFile("/data/missing.txt")).toBe("no-entry");
      expect(await app.writeFile("/data/out.txt", "written by the guest")).toBe("ok");
      expect(readFileSync(join(data, "out.txt"), "utf8")).toBe("written by the guest");
      expect(await app.connect(port)).toBe("connected");
      const { written } = await recordingHostOutput(() => app.speak("to the sink"));
      expect(written).not.toContain("to the sink");
      expect(Buffer.concat(stdout).toString("utf8")).toBe("to the sink\n");
      expect(Buffer.concat(stderr).toString("utf8")).toBe("knis eht ot\n");
    } finally {
      await app[Symbol.asyncDispose]();
    }
  });

  it("refuses every change under a read-only preopen with `not-permitted`", async () => {
    const data = hostDir("read-only", { "hello.txt": "read me" });
    const app = await instantiate({
      wasi: { preopens: { "/data": { host: data, readOnly: true } } },
    });
    try {
      expect(await app.readFile("/data/hello.txt")).toBe("read me");
      expect(await app.writeFile("/data/hello.txt", "overwritten")).toBe("not-permitted");
      expect(await app.writeFile("/data/new.txt", "created")).toBe("not-permitted");
      expect(readFileSync(join(data, "hello.txt"), "utf8")).toBe("read me");
    } finally {
      await app[Symbol.asyncDispose]();
    }
  });

  it("keeps two instances in one process apart: each sees only its own grants", async () => {
    const left = await instantiate({
      wasi: {
        env: { WHO: "left" },
        preopens: { "/data": hostDir("left", { "who.txt": "left's file" }) },
      },
    });
    const right = await instantiate({
      wasi: {
        env: { WHO: "right" },
        preopens: {
          "/data": hostDir("right", { "who.txt": "right's file" }),
          "/tmp": hostDir("right-tmp", {}),
        },
        network: true,
      },
    });
    try {
      const [l, r] = await Promise.all([report(left), report(right)]);
      expect(l).toEqual({ env: [["WHO", "left"]], args: ["root"], cwd: null, preopens: ["/data"] });
      expect(r).toEqual({
        env: [["WHO", "right"]],
        args: ["root"],
        cwd: null,
        preopens: ["/data", "/tmp"],
      });
      expect(await left.readFile("/data/who.txt")).toBe("left's file");
      expect(await right.readFile("/data/who.txt")).toBe("right's file");
      expect(await left.connect(port)).toBe("access-denied");
      expect(await right.connect(port)).toBe("connected");
      expect(await left.readFile("/data/who.txt")).toBe("left's file");
    } finally {
      await left[Symbol.asyncDispose]();
      await right[Symbol.asyncDispose]();
    }
  });

  it("ends the call, not the host process, when the guest exits; a restart keeps the grants", async () => {
    const app = await instantiate({ wasi: { env: { KEPT: "yes" } }, restart: true });
    try {
      const error = await app.quit().then(
        () => undefined,
        (e: unknown) => e as { name: string; cause?: { name: string; code: number } },
      );
      expect(error?.name).toBe("TrapError");
      expect(error?.cause).toMatchObject({ name: "WasiExitError", code: 1 });
      expect((await report(app)).env).toEqual([["KEPT", "yes"]]);
    } finally {
      await app[Symbol.asyncDispose]();
    }
  });

  it('passes the host process\'s environment, network and stdio through with `wasi: "inherit"`', async () => {
    const { environment } = (await import("@bytecodealliance/preview2-shim/cli")) as unknown as {
      environment: { getEnvironment(): [string, string][]; getArguments(): string[] };
    };
    const app = await instantiate({ wasi: "inherit" });
    try {
      const seen = await report(app);
      expect(seen.env).toEqual(environment.getEnvironment());
      expect(seen.env.length).toBeGreaterThan(0);
      expect(seen.args).toEqual(environment.getArguments());
      expect(await app.connect(port)).toBe("connected");
      const { written } = await recordingHostOutput(() => app.speak("out loud"));
      expect(written).toContain("out loud");
    } finally {
      await app[Symbol.asyncDispose]();
    }
  });

  it("inherits one capability at a time", async () => {
    const { environment } = (await import("@bytecodealliance/preview2-shim/cli")) as unknown as {
      environment: { getEnvironment(): [string, string][] };
    };
    const app = await instantiate({ wasi: { env: "inherit" } });
    try {
      const seen = await report(app);
      expect(seen.env).toEqual(environment.getEnvironment());
      expect(seen.preopens).toEqual([]);
      expect(await app.connect(port)).toBe("access-denied");
    } finally {
      await app[Symbol.asyncDispose]();
    }
  });

  it("lets a host implementation of a WASI interface win over the shim and the grants", async () => {
    const app = await instantiate({
      wasi: { env: { GRANTED: "1" } },
      imports: {
        "wasi:cli/environment@0.2.12": {
          getEnvironment: () => [["FROM", "host"]],
          getArguments: () => ["host-args"],
          initialCwd: () => "/host",
        },
      },
    });
    try {
      expect(await report(app)).toEqual({
        env: [["FROM", "host"]],
        args: ["host-args"],
        cwd: "/host",
        preopens: [],
      });
    } finally {
      await app[Symbol.asyncDispose]();
    }
  });

  it("refuses a mistaken option before the component starts, naming it", async () => {
    await expect(instantiate({ wasi: { enviroment: {} } })).rejects.toThrow(
      "`wasi.enviroment` is not a WASI capability",
    );
    await expect(instantiate({ wasi: { preopens: { data: "/tmp" } } })).rejects.toThrow(
      '`wasi.preopens["data"]`: a guest path must be absolute (start with "/")',
    );
    await expect(
      instantiate({ wasi: { preopens: { "/data": { files: { "a.txt": "a" } } } } }),
    ).rejects.toThrow(
      "in-memory preopens need the browser build of @bytecodealliance/preview2-shim",
    );
  });
});
