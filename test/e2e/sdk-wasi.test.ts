/**
 * End to end, WASI and `.wasm` input: a componentize-js guest for wit-samples/wasi imports
 * `wasi:cli/environment@0.2.3` (and componentize-js adds more `wasi:*` imports of its own). The SDK is generated
 * the way `wit-ts gen guest.wasm` does it (`generateSdk` reads the component's WIT with jco and ships jco's
 * transpilation in `component/`), written into a folder inside the repository so that the generated code can
 * resolve `@bytecodealliance/preview2-shim`, and instantiated with no `component` and no `getCoreModule`.
 * Without `wasi:*` imports it runs on the shim, granted nothing unless `wasi` says so; with one given, the
 * host's implementation wins.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { generateSdk, writeSdk } from "../../src/index.js";
import { buildComponent } from "./support/components.js";
import { writeSdkAsJs } from "./fixtures/sdk-support/sdk.js";
import { readFixture } from "./support/fixtures.js";
import { sdkWorkspace } from "./support/sdk-workspace.js";

const sample = (path: string): string =>
  readFileSync(new URL(`../../wit-samples/wasi/${path}`, import.meta.url), "utf8");

/** The sample as one text, its `deps/` as a nested package (componentize-js takes WIT as text). */
const WIT = `${sample("wasi.wit")}\n${sample("deps/cli/environment.wit").replace(/^package ([^;]+);/m, "package $1 {")}}\n`;

interface Instance extends AsyncDisposable {
  countEnv(): Promise<number>;
}

const root = sdkWorkspace("sdk-wasi");
let files: ReadonlyMap<string, string | Uint8Array>;
let instantiate: (options: object) => Promise<Instance>;

beforeAll(async () => {
  const bytes = await buildComponent({
    name: "sdk-wasi",
    wit: WIT,
    world: "wasi-user",
    js: readFixture("sdk-wasi/guest.js"),
  });
  mkdirSync(root, { recursive: true });
  const wasm = join(root, "guest.wasm");
  writeFileSync(wasm, bytes);
  const result = await generateSdk({ input: wasm });
  expect(result.diagnostics).toEqual([]);
  files = new Map(result.files.map((f) => [f.path, f.content]));
  const out = join(root, "sdk");
  writeSdk(out, result);
  // The SDK is TypeScript: turn each file into JavaScript beside it (type-checking is the goldens test's job).
  await writeSdkAsJs(result.files, out);
  const sdk = (await import(pathToFileURL(join(out, "index.js")).href)) as {
    instantiate: typeof instantiate;
  };
  instantiate = sdk.instantiate;
}, 180_000);

describe("a world that imports WASI, generated from the component binary", () => {
  it("ships jco's transpilation and reads the component's own imports", () => {
    expect(
      [...files.keys()].filter((p) => p.startsWith("component/") && p.endsWith(".js")),
    ).toEqual(["component/guest.js"]);
    const index = (files.get("index.ts") as string).split("\n");
    expect(index).toContain(
      '  readonly "wasi:cli/environment@0.2.12"?: environment.EnvironmentImports;',
    );
  });

  it("runs on @bytecodealliance/preview2-shim when the host leaves the WASI imports out, granting nothing", async () => {
    const app = await instantiate({ imports: {} });
    try {
      // No environment variables; the arguments are just the program name.
      expect(await app.countEnv()).toBe(1);
    } finally {
      await app[Symbol.asyncDispose]();
    }
  });

  it('passes the shim\'s process-wide environment through with `wasi: "inherit"`', async () => {
    const { environment } = (await import("@bytecodealliance/preview2-shim/cli")) as unknown as {
      environment: { getEnvironment(): [string, string][]; getArguments(): string[] };
    };
    const expected = environment.getEnvironment().length * 1000 + environment.getArguments().length;
    expect(expected).toBeGreaterThan(1000);
    const app = await instantiate({ imports: {}, wasi: "inherit" });
    try {
      expect(await app.countEnv()).toBe(expected);
    } finally {
      await app[Symbol.asyncDispose]();
    }
  });

  it("uses the host's implementation of a WASI interface when one is given", async () => {
    const app = await instantiate({
      imports: {
        // componentize-js raised the import to its own WASI version, 0.2.12.
        "wasi:cli/environment@0.2.12": {
          getEnvironment: () => [
            ["A", "1"],
            ["B", "2"],
          ],
          getArguments: () => ["prog", "x", "y"],
          initialCwd: () => undefined,
        },
      },
    });
    try {
      expect(await app.countEnv()).toBe(2003);
    } finally {
      await app[Symbol.asyncDispose]();
    }
  });
});
