/**
 * End to end, `.wasm` input whose world imports and exports its own (non-WASI) interfaces: jco's `componentWit`
 * prints only the component's world, so the packages it names are decoded from the binary
 * (src/wit/decoding/component-packages.ts) and handed to the resolver as `deps/`. Two componentize-js guests, the same
 * builds (and cache entries) as calls.test.ts and jco-baseline.test.ts: fixtures/calls imports
 * `wit-ts:calls/host`, whose SDK is generated, type-checked, and run with a host implementation of that import;
 * fixtures/guest imports and exports interfaces of `wit-ts:e2e@0.1.0` with records, variants, enums, flags,
 * resources and `use`s, whose SDK is generated and type-checked.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { type GenerateSdkResult } from "../../src/index.js";
import { buildComponent } from "./support/components.js";
import { writeSdkAsJs } from "./fixtures/sdk-support/sdk.js";
import { readFixture } from "./support/fixtures.js";
import { generateFromWasm, sdkWorkspace } from "./support/sdk-workspace.js";

const root = sdkWorkspace("sdk-component-deps");

function fileText(result: GenerateSdkResult, path: string): string {
  const file = result.files.find((f) => f.path === path);
  if (!file) throw new Error(`no ${path}; files: ${result.files.map((f) => f.path).join(", ")}`);
  return file.content as string;
}

/**
 * TypeScript's errors for the written SDK, strict, as a user's project would compile it: `skipLibCheck` off,
 * declarations in `component/` included (wit-ts writes them; jco's own, which do not always parse, are not used).
 */
function typeErrors(out: string): string[] {
  const program = ts.createProgram([join(out, "index.ts")], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2022.d.ts", "lib.esnext.disposable.d.ts"],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ["node"],
    skipLibCheck: false,
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map(
      (d) => `${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`,
    );
}

interface Calls extends AsyncDisposable {
  callHost(x: number): Promise<number>;
  add(a: number, b: number): Promise<number>;
}

describe("a component importing wit-ts:calls/host", () => {
  it("generates, type-checks and runs with the host's implementation of the decoded interface", async () => {
    const bytes = await buildComponent({
      name: "calls",
      wit: readFixture("calls/calls.wit"),
      world: "calls",
      js: readFixture("calls/guest.js"),
    });
    const { result, out } = await generateFromWasm(root, "calls", bytes);
    expect(result.diagnostics).toEqual([]);
    const host = fileText(result, "interfaces/wit-ts-calls-host.ts");
    expect(host).toMatch(/export interface HostImports \{[^}]*notify\(x: number\): number;/);
    expect(fileText(result, "index.ts")).toContain(
      '  readonly "wit-ts:calls/host": host.HostImports;',
    );
    expect(typeErrors(out)).toEqual([]);

    await writeSdkAsJs(result.files, out);
    const sdk = (await import(pathToFileURL(join(out, "index.js")).href)) as {
      instantiate(options: object): Promise<Calls>;
    };
    const seen: number[] = [];
    const app = await sdk.instantiate({
      imports: {
        "wit-ts:calls/host": {
          notify: (x: number) => {
            seen.push(x);
            return x * 2;
          },
        },
      },
    });
    try {
      expect(await app.callHost(20)).toBe(41);
      expect(await app.add(2, 3)).toBe(5);
      expect(seen).toEqual([20]);
    } finally {
      await app[Symbol.asyncDispose]();
    }
  }, 180_000);
});

describe("a component importing and exporting interfaces with types, resources and uses", () => {
  it("generates an SDK with every decoded type, and it type-checks", async () => {
    const bytes = await buildComponent({
      name: "e2e-guest",
      wit: readFixture("guest/guest.wit"),
      js: readFixture("guest/guest.js"),
      world: "guest",
    });
    const { result, out } = await generateFromWasm(root, "guest", bytes);
    expect(result.diagnostics).toEqual([]);
    const types = fileText(result, "interfaces/wit-ts-e2e-types.ts");
    expect(types).toContain("export interface Point {");
    expect(types).toMatch(/export type Color = "red" \| "green" \| "dark-blue";/);
    expect(types).toContain("export interface Perms {");
    expect(types).toMatch(/export type Shape =/);
    const host = fileText(result, "interfaces/wit-ts-e2e-host.ts");
    expect(host).toContain("export interface Logger extends Destructible {");
    expect(host).toContain("export interface HostImports {");
    const api = fileText(result, "interfaces/wit-ts-e2e-api.ts");
    expect(api).toContain("export interface Counter extends Disposable {");
    expect(fileText(result, "index.ts")).toContain(
      '  readonly "wit-ts:e2e/host@0.1.0": host.HostImports;',
    );
    expect(typeErrors(out)).toEqual([]);
  }, 180_000);
});
