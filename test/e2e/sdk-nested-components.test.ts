/**
 * End to end, `.wasm` input that nests components and re-exports an instance of an inner one, the shape
 * composition tools write. Two componentize-js guests (the builds and cache entries of calls.test.ts and
 * sdk-app.test.ts) are each nested two levels deep by support/nest.ts: the outer component imports what the guest
 * imports, instantiates the middle one, and re-exports its exports through aliases, so the interfaces the guest
 * exports are typed only by following instance aliases and instantiations down to the guest. The SDK of each is
 * generated as `wit-ts gen x.wasm` does, and type-checked as a strict app would (no `skipLibCheck`, no `dom`);
 * the `kinds` guest's SDK runs; fixtures/guest's (imported and exported interfaces with records, variants and
 * resources, a world-level resource) decodes to the same packages as the guest alone.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { type GenerateSdkResult } from "../../src/index.js";
import { decodeComponentPackages } from "../../src/wit/decoding/component-packages.js";
import { typeCheck } from "../support/typecheck.js";
import { writeSdkAsJs } from "./fixtures/sdk-support/sdk.js";
import { buildComponent } from "./support/components.js";
import { readFixture } from "./support/fixtures.js";
import { nestComponent } from "./support/nest.js";
import { generateFromWasm, sdkWorkspace } from "./support/sdk-workspace.js";

const root = sdkWorkspace("sdk-nested-components");

/** The SDK's files with an app beside it, as a strict app's `tsc` sees them. */
async function appTypeErrors(result: GenerateSdkResult, app: string): Promise<string> {
  const files = new Map<string, string | Uint8Array>([["app.ts", app]]);
  for (const f of result.files) files.set(`sdk/${f.path}`, f.content);
  return typeCheck(files);
}

function packages(bytes: Uint8Array): Map<string, string> {
  const r = decodeComponentPackages(bytes);
  if ("error" in r) throw new Error(r.error);
  return r.packages;
}

/** wit-samples/types up to the part componentize-js cannot build, and a world exporting `kinds` (as sdk-types.test.ts). */
const sampleWit = readFileSync(
  new URL("../../wit-samples/types/types.wit", import.meta.url),
  "utf8",
);
const KINDS_WIT = `${sampleWit.slice(0, sampleWit.indexOf("/// Types that componentize-js"))}world kinds-guest {\n  export kinds;\n}\n`;

interface Kinds extends AsyncDisposable {
  readonly kinds: {
    bools(a: boolean): Promise<boolean>;
    fallible(fail: boolean): Promise<{ x: number; y: number }>;
  };
}

describe("a guest nested two levels deep, its exports re-exported through instance aliases", () => {
  it("generates, type-checks and runs the SDK of an exported interface (sdk-types's guest)", async () => {
    const guest = await buildComponent({
      name: "sdk-types",
      wit: KINDS_WIT,
      world: "kinds-guest",
      js: readFixture("sdk-types/guest.js"),
    });
    const bytes = nestComponent(nestComponent(guest));
    const { result, out } = await generateFromWasm(root, "kinds", bytes);
    expect(result.diagnostics.map((d) => d.message)).toEqual([]);
    const app = [
      'import { instantiate } from "./sdk/index.js";',
      "const app = await instantiate({ imports: {} });",
      "const b: boolean = await app.kinds.bools(false);",
      "console.log(b);",
      "await app[Symbol.asyncDispose]();",
      "",
    ].join("\n");
    expect(await appTypeErrors(result, app)).toBe("");

    await writeSdkAsJs(result.files, out);
    const sdk = (await import(pathToFileURL(join(out, "index.js")).href)) as {
      instantiate(options: object): Promise<Kinds>;
    };
    const instance = await sdk.instantiate({ imports: {} });
    try {
      expect(await instance.kinds.bools(false)).toBe(true);
      expect(await instance.kinds.fallible(false)).toEqual({ x: 1, y: 2 });
    } finally {
      await instance[Symbol.asyncDispose]();
    }
  }, 180_000);

  it("decodes fixtures/guest's interfaces and world-level resource as the guest alone, and type-checks", async () => {
    const guest = await buildComponent({
      name: "e2e-guest",
      wit: readFixture("guest/guest.wit"),
      js: readFixture("guest/guest.js"),
      world: "guest",
    });
    const bytes = nestComponent(nestComponent(guest));
    expect(packages(bytes)).toEqual(packages(guest));
    const { result } = await generateFromWasm(root, "guest", bytes);
    expect(result.diagnostics.map((d) => d.message)).toEqual([]);
    const app = 'import * as sdk from "./sdk/index.js";\nexport type Sdk = typeof sdk;\n';
    expect(await appTypeErrors(result, app)).toBe("");
  }, 180_000);
});
