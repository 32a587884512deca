/**
 * End to end, versions: a componentize-js guest for wit-samples/versions imports `example:dep/test` at
 * 0.1.0 and at 0.2.0. jco alone reads both from one unversioned key; transpiled with the `map` the CLI
 * passes (each versioned import read from its own key), the generated SDK feeds each version its own
 * host implementation, typed by version. For the WIT route, where the user transpiles: `gen` gives the
 * exact `jco transpile` command (run here with jco's own CLI), and a component transpiled without the
 * maps fails at `instantiate` with an error that names them.
 */
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSdk } from "../../src/index.js";
import {
  buildComponent,
  importEntry,
  loadCoreModuleFactory,
  transpileInstantiation,
} from "./support/components.js";
import { readFixture } from "./support/fixtures.js";
import { createTempDir, removeTempDirs } from "./support/temp-dirs.js";
import { loadGuest, type LoadedGuest } from "./fixtures/sdk-support/sdk.js";

const sample = (path: string): string =>
  readFileSync(new URL(`../../wit-samples/versions/${path}`, import.meta.url), "utf8");

/** The sample as one text, its `deps/` as nested packages (componentize-js takes WIT as text). */
const WIT = [sample("versions.wit"), sample("deps/dep-v1/dep.wit"), sample("deps/dep-v2/dep.wit")]
  .map((text, index) =>
    index === 0 ? text : text.replace(/^package ([^;]+);/m, "package $1 {") + "}\n",
  )
  .join("\n");

interface Instance extends AsyncDisposable {
  report(): Promise<string>;
}

const GUEST = {
  name: "sdk-versions",
  wit: WIT,
  world: "versions",
  js: readFixture("sdk-versions/guest.js"),
};

let guest: LoadedGuest;

beforeAll(async () => {
  guest = await loadGuest({
    ...GUEST,
    map: {
      "example:dep/test@0.1.0": "example:dep/test@0.1.0",
      "example:dep/test@0.2.0": "example:dep/test@0.2.0",
    },
  });
});

afterAll(removeTempDirs);

describe("two versions of one interface", () => {
  it("each get the host implementation given under their own versioned key", async () => {
    const instantiate = guest.sdk["instantiate"] as (options: object) => Promise<Instance>;
    const calls: string[] = [];
    const app = await instantiate({
      imports: {
        "example:dep/test@0.1.0": { version: () => (calls.push("v1"), "one") },
        "example:dep/test@0.2.0": {
          version: () => (calls.push("v2"), "two"),
          extra: (x: number) => (calls.push(`extra ${x}`), x + 1),
        },
      },
      component: guest.component,
      getCoreModule: guest.getCoreModule,
    });
    try {
      expect(await app.report()).toBe("one|two|42");
      expect(calls).toEqual(["v1", "v2", "extra 41"]);
    } finally {
      await app[Symbol.asyncDispose]();
    }
  });

  it("are typed separately: the 0.2.0 contract has `extra`, the 0.1.0 one does not", () => {
    const index = guest.files.get("index.ts")!.split("\n");
    expect(index).toContain('  readonly "example:dep/test@0.1.0": test.TestImports;');
    expect(index).toContain('  readonly "example:dep/test@0.2.0": depTest.TestImports;');
    const v1 = guest.files.get("interfaces/example-dep-test-0.1.0.ts")!.split("\n");
    const v2 = guest.files.get("interfaces/example-dep-test-0.2.0.ts")!.split("\n");
    expect(
      v1.slice(
        v1.indexOf("export interface TestImports {"),
        v1.indexOf("export interface TestImports {") + 3,
      ),
    ).toEqual(["export interface TestImports {", "  version(): string;", "}"]);
    expect(
      v2.slice(
        v2.indexOf("export interface TestImports {"),
        v2.indexOf("export interface TestImports {") + 4,
      ),
    ).toEqual([
      "export interface TestImports {",
      "  version(): string;",
      "  extra(x: number): number;",
      "}",
    ]);
  });
});

/** Host implementations that answer with their version. */
const IMPORTS = {
  "example:dep/test@0.1.0": { version: () => "one" },
  "example:dep/test@0.2.0": { version: () => "two", extra: (x: number) => x + 1 },
};

describe("two versions through the WIT route (the user transpiles)", () => {
  it("gen prints the jco command with a map per version, and jco's CLI run with it gives a working component", async () => {
    const result = await generateSdk({
      input: fileURLToPath(new URL("../../wit-samples/versions", import.meta.url)),
    });
    expect(result.jcoCommand).toBe(
      "jco transpile component.wasm --instantiation async" +
        " --map example:dep/test@0.1.0=example:dep/test@0.1.0" +
        " --map example:dep/test@0.2.0=example:dep/test@0.2.0",
    );
    const dir = await createTempDir("versions-cli");
    const wasm = join(dir, "component.wasm");
    writeFileSync(wasm, await buildComponent(GUEST));
    const [jco, transpile, , ...flags] = result.jcoCommand!.split(" ");
    expect([jco, transpile]).toEqual(["jco", "transpile"]);
    const cli = fileURLToPath(
      new URL("../../node_modules/@bytecodealliance/jco/dist/jco.js", import.meta.url),
    );
    await promisify(execFile)(
      process.execPath,
      [cli, "transpile", wasm, ...flags, "--name", "component", "-o", join(dir, "out"), "--quiet"],
      { cwd: dir },
    );
    const instantiate = guest.sdk["instantiate"] as (options: object) => Promise<Instance>;
    const app = await instantiate({
      imports: IMPORTS,
      component: await importEntry(join(dir, "out", "component.js")),
      getCoreModule: loadCoreModuleFactory(join(dir, "out")),
    });
    try {
      expect(await app.report()).toBe("one|two|42");
    } finally {
      await app[Symbol.asyncDispose]();
    }
  });

  it("a component transpiled without the maps fails at instantiate with the flags that fix it", async () => {
    const transpiled = await transpileInstantiation(await buildComponent(GUEST), {
      name: "unmapped",
      outDir: await createTempDir("versions-unmapped"),
    });
    const instantiate = guest.sdk["instantiate"] as (options: object) => Promise<Instance>;
    const failure = instantiate({
      imports: IMPORTS,
      component: await importEntry(transpiled.entryPath),
      getCoreModule: loadCoreModuleFactory(transpiled.outDir),
    });
    await expect(failure).rejects.toThrow(TypeError);
    await expect(failure).rejects.toThrow(
      "the component reads `example:dep/test` for example:dep/test@0.1.0 and example:dep/test@0.2.0: " +
        "it was transpiled without jco's `map` for them, so it cannot tell the versions apart. " +
        "Transpile it again with `jco transpile <component.wasm> --instantiation async " +
        "--map example:dep/test@0.1.0=example:dep/test@0.1.0 --map example:dep/test@0.2.0=example:dep/test@0.2.0`",
    );
  });

  it("an isolated instance of a component transpiled without the maps fails with the same fix", async () => {
    const transpiled = await transpileInstantiation(await buildComponent(GUEST), {
      name: "unmapped",
      outDir: await createTempDir("versions-unmapped-isolated"),
    });
    const instantiate = guest.sdk["instantiate"] as (options: object) => Promise<Instance>;
    const failure = instantiate({
      imports: IMPORTS,
      isolate: { componentUrl: pathToFileURL(transpiled.entryPath).href },
    });
    await expect(failure).rejects.toThrow(TypeError);
    await expect(failure).rejects.toThrow(
      "it was transpiled without jco's `map` for them, so it cannot tell the versions apart. " +
        "Transpile it again with `jco transpile <component.wasm> --instantiation async " +
        "--map example:dep/test@0.1.0=example:dep/test@0.1.0 --map example:dep/test@0.2.0=example:dep/test@0.2.0`",
    );
  });
});
