/**
 * The corpus: every SDK wit-ts generates compiles. Consumes every world of every package in `wit-samples/` (deps'
 * worlds included) and a set of real components: wit-component's encoding of the single-file samples' worlds (one
 * of them also nested two levels deep, as composition tools write), componentize-js guests of the e2e suite,
 * wit-bindgen's async components in `../shared/fixtures/jco-p3/`, and jco's own test components (built by
 * wit-bindgen and cargo-component: WASI users, resources, nested components), read from a cache folder. Produces one
 * generation per input, as `wit-ts gen` does (the SDKs share one copy of the runtime, `runtimeImport`), and one strict
 * type-check of all the SDKs together (no `skipLibCheck`, no `dom`). An input that cannot be generated or does not
 * compile yet is listed in KNOWN_FAILURES with the reason; the list may only shrink, so an input on it that starts to
 * work fails the test until it is taken off.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, join } from "node:path";
import { componentEmbed, componentNew } from "@bytecodealliance/jco";
import { afterAll, describe, expect, it } from "vitest";
import { generateSdk, type GenerateSdkResult } from "../src/index.js";
import { resolvePath } from "../src/wit/load.js";
import { buildComponent, COMPONENT_CACHE_DIR } from "./e2e/support/components.js";
import { readFixture } from "./e2e/support/fixtures.js";
import { nestComponent } from "./e2e/support/nest.js";
import { STRICT_APP_OPTIONS, typeCheck } from "./support/typecheck.js";

const ROOT = join(import.meta.dirname, "..");
const SAMPLES_DIR = join(ROOT, "wit-samples");
const P3_DIR = join(ROOT, "..", "shared", "fixtures", "jco-p3");
/**
 * jco's test components (`packages/jco-transpile/test/fixtures/components/**` of bytecodealliance/jco at commit
 * 2103f7299e8d958098a357cfc37a83f344584360, the `.wasm` files flattened into one folder): 49 MB, so not in the
 * repository.
 */
const JCO_DIR = join(COMPONENT_CACHE_DIR, "jco-components");

/** Inputs known not to generate, or to generate an SDK that does not compile, by case name. May only shrink. */
const KNOWN_FAILURES: Readonly<
  Record<string, { readonly stage: "generate" | "compile"; readonly reason: string }>
> = {};

/**
 * Errors tsc reports outside the SDKs' own files (in packages they import), with the reason. May only shrink.
 */
const KNOWN_SHARED_FAILURES: readonly { readonly pattern: RegExp; readonly reason: string }[] = [];

/**
 * The SDKs import one copy of the runtime (`runtimeImport`), mapped to templates/runtime by `paths`: each SDK's own
 * code is what varies by input, and a hundred copies of the runtime would make the one tsc run take minutes.
 */
const RUNTIME = "wit-ts-corpus-runtime";

const work = join(ROOT, "node_modules", ".cache", `wit-ts-corpus-${process.pid}`);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every SDK generated so far, by case name: its TypeScript files (what an app's `tsc` reads). */
const sdks = new Map<string, GenerateSdkResult["files"]>();
/** Why a case failed to generate, by case name. */
const failed = new Map<string, string>();

function record(name: string, result: GenerateSdkResult): void {
  if (result.diagnostics.length > 0) {
    failed.set(name, result.diagnostics.map((d) => d.message).join("; "));
    return;
  }
  sdks.set(
    name,
    result.files.filter((f) => f.path.endsWith(".ts")),
  );
}

/** Generates the SDK of a component as `wit-ts gen <name>.wasm` does. */
async function generateComponent(name: string, bytes: Uint8Array): Promise<void> {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${basename(name)}.wasm`);
  writeFileSync(path, bytes);
  record(name, await generateSdk({ input: path, out: join(dir, "sdk"), runtimeImport: RUNTIME }));
}

function expectGenerated(name: string): void {
  if (KNOWN_FAILURES[name]?.stage !== "generate") expect(failed.get(name), name).toBeUndefined();
  else expect(failed.has(name), `${name} generates now: take it off KNOWN_FAILURES`).toBe(true);
}

const samples = readdirSync(SAMPLES_DIR)
  .filter((name) => statSync(join(SAMPLES_DIR, name)).isDirectory())
  .sort();

/** Every world of a sample's packages (deps included), by full name as wit-parser spells it (`ns:pkg/w@v`). */
function worldsOf(sample: string): string[] {
  const r = resolvePath(join(SAMPLES_DIR, sample));
  if (!r.resolve) throw new Error(`${sample}: ${r.diagnostics.map((d) => d.message).join("; ")}`);
  const resolve = r.resolve;
  return resolve.worlds.map((w) => {
    const p = resolve.packages[w.package!]!.name;
    return `${p.namespace}:${p.name}/${w.name}${p.version === undefined ? "" : `@${p.version}`}`;
  });
}

/** The one `.wit` file of a sample without deps, or undefined. */
function singleWit(sample: string): string | undefined {
  const entries = readdirSync(join(SAMPLES_DIR, sample)).filter(
    (e) => !e.startsWith("__generated"),
  );
  const wit = entries.filter((e) => e.endsWith(".wit"));
  return wit.length === 1 && entries.length === 1
    ? readFileSync(join(SAMPLES_DIR, sample, wit[0]!), "utf8")
    : undefined;
}

describe("wit-samples: every world", () => {
  for (const sample of samples) {
    it(`${sample}`, async () => {
      for (const world of worldsOf(sample)) {
        const name = `wit/${sample}/${world}`;
        record(
          name,
          await generateSdk({
            input: join(SAMPLES_DIR, sample),
            world,
            out: join(work, name),
            runtimeImport: RUNTIME,
          }),
        );
        expectGenerated(name);
      }
    }, 120_000);
  }
});

describe("wit-component's encoding of the single-file samples' worlds", () => {
  for (const sample of samples) {
    const wit = singleWit(sample);
    if (wit === undefined) continue;
    it(`${sample}`, async () => {
      for (const world of worldsOf(sample)) {
        const bytes = await componentNew(
          await componentEmbed({ dummy: true, witSource: wit, world }),
        );
        const name = `dummy/${sample}/${world.replace(/[:@/]/g, "_")}`;
        await generateComponent(name, bytes);
        expectGenerated(name);
        if (sample === "resources") {
          await generateComponent(`${name}-nested`, nestComponent(nestComponent(bytes)));
          expectGenerated(`${name}-nested`);
        }
      }
    }, 300_000);
  }
});

describe("componentize-js guests", () => {
  it("fixtures/calls and fixtures/guest (a world-level resource)", async () => {
    const calls = await buildComponent({
      name: "calls",
      wit: readFixture("calls/calls.wit"),
      world: "calls",
      js: readFixture("calls/guest.js"),
    });
    await generateComponent("componentize-js/calls", calls);
    expectGenerated("componentize-js/calls");
    const guest = await buildComponent({
      name: "e2e-guest",
      wit: readFixture("guest/guest.wit"),
      js: readFixture("guest/guest.js"),
      world: "guest",
    });
    await generateComponent("componentize-js/guest", guest);
    expectGenerated("componentize-js/guest");
  }, 300_000);
});

/** Every `.wasm` under `dir`, by path relative to it. */
function wasmFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".wasm"))
    .map((f) => f.split("\\").join("/"))
    .sort();
}

describe("wit-bindgen's async components (../shared/fixtures/jco-p3)", () => {
  const files = wasmFiles(P3_DIR);
  it.skipIf(files.length > 0)(`SKIPPED: no components in ${P3_DIR}`, () => {
    console.warn(`corpus: ${P3_DIR} is absent; its components are not checked`);
  });
  for (const file of files) {
    it(
      file,
      async () => {
        const name = `jco-p3/${file.replace(/\.wasm$/, "")}`;
        await generateComponent(name, readFileSync(join(P3_DIR, file)));
        expectGenerated(name);
      },
      120_000,
    );
  }
});

describe("jco's test components (cache folder)", () => {
  const files = wasmFiles(JCO_DIR);
  it.skipIf(files.length > 0)(`SKIPPED: no components in ${JCO_DIR}`, () => {
    console.warn(
      `corpus: ${JCO_DIR} is empty or absent; put the .wasm files of bytecodealliance/jco's packages/jco-transpile/test/fixtures/components/ there to check them`,
    );
  });
  for (const file of files) {
    it(
      file,
      async () => {
        const name = `jco/${file.replace(/\.wasm$/, "")}`;
        await generateComponent(name, readFileSync(join(JCO_DIR, file)));
        expectGenerated(name);
      },
      120_000,
    );
  }
});

describe("every generated SDK", () => {
  it("type-checks strictly, all together (no skipLibCheck, no dom)", async () => {
    expect(sdks.size).toBeGreaterThan(0);
    const folders = new Map<string, string>();
    const files = new Map<string, string | Uint8Array>();
    for (const [index, [name, sdk]] of [...sdks].entries()) {
      const folder = `sdk${index}`;
      folders.set(folder, name);
      for (const f of sdk) files.set(`${folder}/${f.path}`, f.content);
    }
    for (const file of readdirSync(join(ROOT, "templates", "runtime")).filter((f) =>
      f.endsWith(".ts"),
    ))
      files.set(`runtime/${file}`, readFileSync(join(ROOT, "templates", "runtime", file), "utf8"));
    const output = await typeCheck(files, {
      ...STRICT_APP_OPTIONS,
      paths: { [RUNTIME]: ["./runtime/index.ts"] },
    });
    // tsc's lines start with the file's path: `sdk3/index.ts(1,2): error ...`.
    const errors = new Map<string, string[]>();
    for (const line of output.split("\n")) {
      const folder = /^(sdk\d+)\//.exec(line)?.[1];
      if (folder === undefined) continue;
      const name = folders.get(folder)!;
      errors.set(name, [...(errors.get(name) ?? []), line]);
    }
    for (const name of sdks.keys()) {
      if (KNOWN_FAILURES[name]?.stage !== "compile") expect(errors.get(name), name).toBeUndefined();
      else expect(errors.has(name), `${name} compiles now: take it off KNOWN_FAILURES`).toBe(true);
    }
    const shared = output
      .split("\n")
      .filter((line) => /error TS/.test(line) && !/^sdk\d+\//.test(line));
    for (const line of shared)
      expect(
        KNOWN_SHARED_FAILURES.some((k) => k.pattern.test(line)),
        `unexpected: ${line}`,
      ).toBe(true);
    for (const known of KNOWN_SHARED_FAILURES)
      expect(
        shared.some((line) => known.pattern.test(line)),
        `no longer seen, take it off KNOWN_SHARED_FAILURES: ${known.reason}`,
      ).toBe(true);
  }, 600_000);
});
