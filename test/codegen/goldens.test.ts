/**
 * Goldens of the generator: for every sample world in `wit-samples/`, the generated SDK must equal the
 * files under `wit-samples/<sample>/__generated__/` (vitest file snapshots; `npx vitest run -u`
 * rewrites them), print the same bytes when generated again, and type-check under the strictest settings
 * an app may use, all samples in one `tsc` run (with a few extra worlds that no sample has). The runtime files are copies of `templates/runtime`, checked here once instead of being stored with every
 * sample.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { generate, selectWorld, type OutputFile } from "../../src/codegen/generate.js";
import {
  runtimeFileNeeds,
  runtimeFiles,
  type RuntimeFile,
} from "../../src/codegen/runtime-symbols.js";
import { resolveFiles, resolvePath } from "../../src/wit/load.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const samplesDir = join(root, "wit-samples");
const tsc = join(root, "node_modules", ".bin", "tsc");
const run = promisify(execFile);

/** Every sample folder (a WIT package with its `deps/`). */
const samples = readdirSync(samplesDir)
  .filter((name) => statSync(join(samplesDir, name)).isDirectory())
  .sort();

/** Fixed, so that the goldens do not change with every release. */
const VERSION = "0.0.0-golden";

/** The same world generated again from scratch: the output must not depend on anything but the input. */
function regenerate(name: string): OutputFile[] {
  if (name.startsWith("autodrop-"))
    return generateSample(name.slice("autodrop-".length), { autodropBorrows: true });
  if (name.startsWith("extra-")) return generateExtra(name.slice("extra-".length));
  return generateSample(name);
}

function expectDeterministic(name: string): void {
  expect(regenerate(name)).toEqual(generated.get(name));
}

function generateSample(
  name: string,
  options: { readonly autodropBorrows?: boolean } = {},
): OutputFile[] {
  const input = `wit-samples/${name}`;
  const resolved = resolvePath(join(samplesDir, name));
  expect(resolved.diagnostics).toEqual([]);
  const world = selectWorld(resolved.resolve!, resolved.packageIds);
  if (typeof world !== "number") throw new Error(`${name}: ${world.message}`);
  return generate(resolved.resolve!, world, { input, version: VERSION, ...options });
}

const generated = new Map(samples.map((name) => [name, generateSample(name)]));

/**
 * Samples generated a second time with `--autodrop-borrows` (issue #5), into `__generated-autodrop__/`:
 * their handlers receive scoped views through adapters that hold them with `using`.
 */
const autodropSamples = ["borrows", "resources"];
for (const name of autodropSamples) {
  generated.set(`autodrop-${name}`, generateSample(name, { autodropBorrows: true }));
}

/**
 * Worlds that no sample has, for the prettier and tsc checks only (their shape is asserted line by line in
 * generate.test.ts): world-level functions and resources, inline interfaces, resources crossing files,
 * names that collide.
 */
const extraWorlds: Record<string, string> = {
  "world-items": [
    "package extra:items;",
    "interface types {",
    "  resource thing { constructor(n: u32); get: func() -> u32; }",
    "  record holder { things: list<own<thing>>, maybe: option<own<thing>> }",
    "}",
    "interface api {",
    "  use types.{thing, holder};",
    "  resource counter { constructor(); make: static func() -> result<counter, string>; }",
    "  take: func(h: holder, c: borrow<counter>) -> result<tuple<thing, counter>, list<thing>>;",
    "  give: func() -> variant-of-things;",
    "  variant variant-of-things { one(thing), none, many(list<thing>) }",
    "}",
    "world items {",
    "  import get-thing: func() -> u64;",
    "  resource blob { constructor(n: u32); size: func() -> u32; merge: static func(a: borrow<blob>, b: blob) -> blob; }",
    "  import inline: interface { f: func(x: u32) -> result<string, string>; }",
    "  export out: interface { g: func(x: u32) -> string; }",
    "  export api;",
    "  export blobs: func(b: blob) -> list<blob>;",
    "}",
  ].join("\n"),
  collisions: [
    "package extra:app;",
    "package t:one { interface api { record api-exports { f: u8 } f: func(x: api-exports); } }",
    "package t:two@1.0.0 { interface api { f: func(); } }",
    "world w {",
    "  import t:one/api;",
    "  export t:two/api@1.0.0;",
    "  export api: func();",
    "  export poisoned: func();",
    "}",
  ].join("\n"),
  // Each key of a named interface has resources of its own, next to the types declared once.
  "named-resources": [
    "package extra:named;",
    "interface store {",
    "  resource bucket { constructor(name: string); get: func(key: string) -> u32; open: static func(name: string) -> bucket; }",
    "  record pair { b: bucket, n: u32 }",
    "  record plain { n: u32 }",
    "  make: func(p: plain) -> pair;",
    "}",
    "world w {",
    "  import primary: store;",
    "  import store;",
    "  export mirror: store;",
    "  export store;",
    "}",
  ].join("\n"),
};

function generateExtra(name: string): OutputFile[] {
  const resolved = resolveFiles(new Map([[`${name}.wit`, extraWorlds[name]!]]), `${name}.wit`);
  if (resolved.resolve === undefined)
    throw new Error(resolved.diagnostics.map((d) => d.message).join("\n"));
  const world = selectWorld(resolved.resolve, resolved.packageIds);
  if (typeof world !== "number") throw new Error(world.message);
  return generate(resolved.resolve, world, { input: `${name}.wit`, version: VERSION });
}

for (const name of Object.keys(extraWorlds)) {
  generated.set(`extra-${name}`, generateExtra(name));
}

const isRuntime = (file: OutputFile): boolean => file.path.startsWith("runtime/");

/** Relative paths of the files under `dir`, sorted. */
function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current)) {
      const path = join(current, entry);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path).split("\\").join("/"));
    }
  };
  walk(dir);
  return out.sort();
}

describe.each(samples)("wit-samples/%s", (name) => {
  const files = generated.get(name)!;

  it("matches its golden files", async () => {
    for (const file of files.filter((f) => !isRuntime(f))) {
      await expect(file.content).toMatchFileSnapshot(
        join(samplesDir, name, "__generated__", file.path),
      );
    }
  });

  it("has no golden file that is no longer generated", () => {
    const expected = files.filter((f) => !isRuntime(f)).map((f) => f.path);
    const stale = listFiles(join(samplesDir, name, "__generated__")).filter(
      (path) => !expected.includes(path),
    );
    expect(stale, "delete these golden files").toEqual([]);
  });

  it("prints the same bytes when generated again", () => {
    expectDeterministic(name);
  });

  it("copies the runtime files it can reach, each after the SDK's preamble", async () => {
    const runtime = files.filter(isRuntime);
    const copied = runtime.map((f) => f.path.slice("runtime/".length));
    // Closed under what each file needs, and always the instance core with the worker `isolate` starts.
    for (const file of copied) {
      expect(runtimeFiles, file).toContain(file);
      if (file === "index.ts") continue;
      for (const need of runtimeFileNeeds[file as Exclude<RuntimeFile, "index.ts">])
        expect(copied, `${file} needs ${need}`).toContain(need);
    }
    expect(copied).toEqual(
      expect.arrayContaining(["index.ts", "instance-core.ts", "isolate-worker.ts"]),
    );
    const preamble = `// @generated by wit-ts ${VERSION} (world `;
    for (const file of runtime) {
      expect(file.content.startsWith(preamble), file.path).toBe(true);
      if (file.path === "runtime/index.ts") {
        // The SDK's own entry point re-exports files it has, and nothing else.
        for (const match of file.content.matchAll(/ from "\.\/([\w-]+)\.js";/g))
          expect(copied).toContain(`${match[1]!}.ts`);
        continue;
      }
      const source = await readFile(join(root, "templates", file.path), "utf8");
      expect(file.content.endsWith(`\n/* eslint-disable */\n\n${source}`), file.path).toBe(true);
    }
  });
});

describe.each(autodropSamples)("wit-samples/%s with --autodrop-borrows", (name) => {
  const files = generated.get(`autodrop-${name}`)!.filter((f) => !isRuntime(f));
  const goldens = join(samplesDir, name, "__generated-autodrop__");

  it("matches its golden files", async () => {
    for (const file of files)
      await expect(file.content).toMatchFileSnapshot(join(goldens, file.path));
  });

  it("has no golden file that is no longer generated", () => {
    const expected = files.map((f) => f.path);
    expect(
      listFiles(goldens).filter((path) => !expected.includes(path)),
      "delete these golden files",
    ).toEqual([]);
  });

  it("prints the same bytes when generated again", () => {
    expectDeterministic(`autodrop-${name}`);
  });
});

describe.each(Object.keys(extraWorlds))("extra world %s", (name) => {
  it("prints the same bytes when generated again", () => {
    expectDeterministic(`extra-${name}`);
  });
});

describe("the generated SDKs", () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("type-check with tsc under the strictest settings, all samples in one run", async () => {
    // Inside the repository, so that `@types/node` and preview2-shim resolve as in an app.
    const cache = join(root, "node_modules", ".cache");
    await mkdir(cache, { recursive: true });
    dir = await mkdtemp(join(cache, "wit-ts-goldens-"));
    for (const [name, files] of generated) {
      for (const file of files) {
        const path = join(dir, name, file.path);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, file.content);
      }
    }
    await writeFile(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    const compilerOptions = {
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      noImplicitOverride: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
      noImplicitReturns: true,
      verbatimModuleSyntax: true,
      isolatedModules: true,
      skipLibCheck: false,
      noEmit: true,
      target: "ES2022",
      lib: ["ES2022", "esnext.disposable"],
      module: "NodeNext",
      moduleResolution: "NodeNext",
      types: ["node"],
    };
    await writeFile(
      join(dir, "tsconfig.json"),
      JSON.stringify({ compilerOptions, include: ["**/*.ts"] }),
    );
    expect((await readdir(dir)).length).toBe(generated.size + 2);
    let output: string;
    try {
      const { stdout, stderr } = await run(tsc, ["-p", dir], { cwd: dir });
      output = stdout + stderr;
    } catch (error) {
      const failure = error as { stdout?: string; stderr?: string; message: string };
      output = `${failure.stdout ?? ""}${failure.stderr ?? ""}` || failure.message;
    }
    expect(output).toBe("");
    // One tsc run over every sample's SDK (each with its own runtime copy, isolation files included): minutes on a
    // busy machine.
  }, 300_000);
});
