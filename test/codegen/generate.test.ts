/**
 * Unit tests of the generator's entry points: world selection (wit-parser's messages), the shape of the
 * output (paths, preamble, runtime files or `runtimeImport`, the shipped component), and the decisions
 * that the goldens show only in passing: which keys jco is fed, how instance keys are qualified, world-level
 * and inline items, escaping of dangerous names. Assertions are on whole lines.
 */
import { describe, expect, it } from "vitest";
import {
  generate,
  selectWorld,
  type GenerateOptions,
  type OutputFile,
} from "../../src/codegen/generate.js";
import { codes } from "../../src/diagnostics/codes.js";
import { resolveFiles, resolvePath } from "../../src/wit/load.js";
import type { PackageId, Resolve, WorldId } from "../../src/wit/model.js";

function resolveText(text: string): { resolve: Resolve; packageIds: PackageId[] } {
  const result = resolveFiles(new Map([["world.wit", text]]), "world.wit");
  expect(result.diagnostics.map((d) => d.message)).toEqual([]);
  return { resolve: result.resolve!, packageIds: result.packageIds };
}

function worldOf(resolve: Resolve, packageIds: PackageId[], name?: string): WorldId {
  const world = selectWorld(resolve, packageIds, name);
  if (typeof world !== "number") throw new Error(world.message);
  return world;
}

const options: GenerateOptions = { input: "world.wit", version: "1.2.3" };

function generateText(
  text: string,
  extra: Partial<GenerateOptions> = {},
  world?: string,
): Map<string, string> {
  const { resolve, packageIds } = resolveText(text);
  const files = generate(resolve, worldOf(resolve, packageIds, world), { ...options, ...extra });
  return new Map(files.map((f) => [f.path, f.content]));
}

function lines(text: string | undefined): string[] {
  return (text ?? "").split("\n");
}

function sample(name: string, extra: Partial<GenerateOptions> = {}): OutputFile[] {
  const resolved = resolvePath(`wit-samples/${name}`);
  return generate(resolved.resolve!, worldOf(resolved.resolve!, resolved.packageIds), {
    input: `wit-samples/${name}`,
    version: "1.2.3",
    ...extra,
  });
}

describe("selectWorld", () => {
  const two = resolveText("package a:b;\nworld one {}\nworld two {}\n");

  it("picks the only world of the main package", () => {
    const { resolve, packageIds } = resolveText("package a:b;\nworld only {}\n");
    expect(resolve.worlds[worldOf(resolve, packageIds)]!.name).toBe("only");
  });

  it("asks for a choice among several worlds, as wit-parser does", () => {
    const diagnostic = selectWorld(two.resolve, two.packageIds);
    expect(diagnostic).toMatchObject({
      code: codes.WorldSelection,
      severity: "error",
      message: "multiple worlds found in package `a:b`: one must be explicitly chosen",
      hint: "pass --world with one of `one`, `two`",
    });
  });

  it("reports a package without worlds", () => {
    const { resolve, packageIds } = resolveText("package a:b;\ninterface i {}\n");
    expect(selectWorld(resolve, packageIds)).toMatchObject({
      message: "no worlds found in package `a:b`",
    });
  });

  it("selects by name, plain or qualified by package, and reports unknown names", () => {
    expect(two.resolve.worlds[worldOf(two.resolve, two.packageIds, "two")]!.name).toBe("two");
    expect(two.resolve.worlds[worldOf(two.resolve, two.packageIds, "a:b/one")]!.name).toBe("one");
    expect(selectWorld(two.resolve, two.packageIds, "three")).toMatchObject({
      message: "no world named `three`",
      hint: "the worlds are `a:b/one`, `a:b/two`",
    });
    expect(selectWorld(two.resolve, two.packageIds, "x:y/one")).toMatchObject({
      message: "no world named `x:y/one`",
    });
  });
});

describe("generate: output files", () => {
  it("writes index, one file per interface and side, and the runtime, sorted, each with the preamble", () => {
    const files = sample("greeter");
    expect(files.map((f) => f.path)).toEqual([
      "index.ts",
      "interfaces/example-greeter-greet.ts",
      "interfaces/example-greeter-log.ts",
      // What a WIT-only world without async values, WASI or resources of the host's reaches: no direct calls,
      // no canonical ABI, no WASI host.
      ...[
        "async-values.ts",
        "bind-exports.ts",
        "borrow.ts",
        "call-gate.ts",
        "compound-types.ts",
        "errors.ts",
        "export-calls.ts",
        "guest-resources.ts",
        "host-resources.ts",
        "import-adapters.ts",
        "index.ts",
        "instance-core.ts",
        "isolate-errors.ts",
        "isolate-host.ts",
        "isolate-options.ts",
        "isolate-reply-channel.ts",
        "isolate-wire.ts",
        "isolate-worker.ts",
        "jco-module.ts",
        "leaf-types.ts",
        "loans.ts",
        "member-names.ts",
        "memory-limit.ts",
        "raw-borrowers.ts",
        "resource-table.ts",
        "tasks.ts",
        "value-types.ts",
        "wasi-exit-error.ts",
        "wasm-binary.ts",
      ].map((file) => `runtime/${file}`),
    ]);
    // Only the index names the input, so moving it changes one file of the SDK.
    for (const file of files) {
      expect(lines(file.content).slice(0, 2), file.path).toEqual([
        file.path === "index.ts"
          ? "// @generated by wit-ts 1.2.3 from wit-samples/greeter (world greeter)"
          : "// @generated by wit-ts 1.2.3 (world greeter)",
        "/* eslint-disable */",
      ]);
    }
  });

  it("is deterministic", () => {
    expect(sample("resources")).toEqual(sample("resources"));
  });

  it("imports the runtime from `runtimeImport` instead of copying it", () => {
    const files = sample("greeter", { runtimeImport: "@acme/wit-ts-runtime" });
    expect(files.map((f) => f.path)).toEqual([
      "index.ts",
      "interfaces/example-greeter-greet.ts",
      "interfaces/example-greeter-log.ts",
    ]);
    const greet = lines(
      files.find((f) => f.path === "interfaces/example-greeter-greet.ts")!.content,
    );
    expect(greet.slice(3, 8)).toEqual([
      "import {",
      "  type InstanceCore, type ResultError, bindExports, enumeration, errorGuard, exportTable, record,",
      "  result, string, u32,",
      '} from "@acme/wit-ts-runtime";',
      "",
    ]);
  });

  it("defaults to the component shipped in the output when there is one", () => {
    const index = lines(
      sample("greeter", { component: { entry: "component/greeter.js" } })[0]!.content,
    );
    expect(index).toContain("  readonly component?: ComponentModule;");
    expect(index).toContain(
      "  const core = await createInstanceCore(options, { component: defaultComponent });",
    );
    expect(index.slice(-4)).toEqual([
      "function defaultComponent(): Promise<ComponentModule> {",
      '  return import("./component/greeter.js");',
      "}",
      "",
    ]);
  });
});

describe("generate: what jco is fed", () => {
  it("feeds an import under its versioned key (the runtime adds the unversioned one)", () => {
    const index = lines(sample("greeter")[0]!.content);
    const start = index.indexOf("  await startInstance(core, imports, {");
    expect(index.slice(start, start + 3)).toEqual([
      "  await startInstance(core, imports, {",
      '    "example:greeter/log@0.1.0": log.createLogImports,',
      "  });",
    ]);
  });

  it("feeds two versions of one interface only under their versioned keys, guarding the unversioned one", () => {
    const index = lines(sample("versions")[0]!.content);
    const start = index.indexOf("  await startInstance(core, imports, {");
    expect(index.slice(start, start + 6)).toEqual([
      "  await startInstance(core, imports, {",
      '    "example:dep/test@0.1.0": test.createTestImports,',
      '    "example:dep/test@0.2.0": depTest.createTestImports,',
      "  }, {",
      '    "example:dep/test": ["example:dep/test@0.1.0", "example:dep/test@0.2.0"],',
      "  });",
    ]);
    // The index names each file's declarations through the namespace it re-exports.
    expect(index).toContain('  readonly "example:dep/test@0.1.0": test.TestImports;');
    expect(index).toContain('  readonly "example:dep/test@0.2.0": depTest.TestImports;');
  });

  it("makes `wasi:*` imports optional and defaults them to preview2-shim, loaded on demand", () => {
    const index = lines(sample("wasi")[0]!.content);
    expect(index).toContain(
      '  readonly "wasi:cli/environment@0.2.3"?: environment.EnvironmentImports;',
    );
    expect(index).toContain("  readonly imports?: Imports;");
    expect(index).toContain("  const imports = options.imports ?? {};");
    expect(index).toContain(
      '  const wasi = createWasiHost(options.wasi, "wasi-user", { cli: loadWasiCli });',
    );
    expect(index).toContain(
      '    "wasi:cli/environment@0.2.3": [environment.createEnvironmentImports, wasi.cli],',
    );
    expect(index.slice(-5)).toEqual([
      "function loadWasiCli(): Promise<object> {",
      "  // The specifier is cast so that TypeScript does not read the shim's declarations.",
      '  return import("@bytecodealliance/preview2-shim/cli" as string);',
      "}",
      "",
    ]);
  });

  it("gives a world with WASI imports a `wasi` option of the capabilities they reach, and no other world", () => {
    const index = lines(sample("wasi")[0]!.content);
    expect(index).toContain(
      'export type WasiOptions = "inherit" | Pick<WasiCapabilities, "env" | "args" | "cwd">;',
    );
    expect(index).toContain("  readonly wasi?: WasiOptions;");
    for (const name of ["greeter", "resources", "types"]) {
      expect(sample(name)[0]!.content).not.toContain("WasiOptions");
    }
  });

  it("adapts world-level function and resource imports under their WIT names, as `default`", () => {
    const index = lines(
      generateText(
        [
          "package a:b;",
          "world w {",
          "  import get-thing: func() -> u64;",
          "  resource blob {",
          "    constructor(n: u32);",
          "    size: func() -> u32;",
          "  }",
          "  import inline: interface { f: func(); }",
          "  export out: interface { g: func(); }",
          "}",
        ].join("\n"),
      ).get("index.ts"),
    );
    const start = index.indexOf("  await startInstance(core, imports, {");
    expect(index.slice(start, start + 5)).toEqual([
      "  await startInstance(core, imports, {",
      "    inline: inline.createInlineImports,",
      '    blob: { default: hostResourceClass(core, blobType, imports.Blob, importSpecs, "blob") },',
      '    "get-thing": { default: adaptImport(core, importSpecs["get-thing"], imports) },',
      "  });",
    ]);
    const imports = index.indexOf("export interface Imports {");
    expect(index.slice(imports, imports + 5)).toEqual([
      "export interface Imports {",
      "  readonly inline: inline.InlineImports;",
      "  getThing(): bigint;",
      "  readonly Blob: BlobClass;",
      "}",
    ]);
  });

  it("keys a named interface by its kebab name for imports and its lowerCamel name for exports, as jco does", () => {
    const out = generateText(
      "package a:b;\ninterface store {\n  get: func(key: u32) -> u32;\n}\nworld w {\n  import my-store: store;\n  export my-mirror: store;\n}\n",
    );
    const index = lines(out.get("index.ts"));
    expect(index).toContain('  readonly "my-store": myStore.StoreImports;');
    expect(index).toContain('    "my-store": myStore.createStoreImports,');
    expect(index).toContain("  readonly myMirror: myMirror.StoreExports;");
    // The table is given jco's key of the export as its root, from which the runtime derives each path.
    const mirror = lines(out.get("interfaces/a-b-store-my-mirror.ts"));
    const start = mirror.indexOf("const exportSpecs = exportTable(");
    expect(mirror.slice(start + 1, start + 6)).toEqual([
      '  "my-mirror",',
      "  {",
      '    get: ["key", [u32], u32],',
      "  },",
      '  "myMirror",',
    ]);
  });

  it("reads an inline export through jco's alias of it", () => {
    const out = generateText(
      "package a:b;\nworld w {\n  export out-api: interface { g: func(); }\n}\n",
    );
    const file = lines(out.get("interfaces/w-out-api.ts"));
    // The interface is named `out-api`; jco keys its object `outApi`, which the table is given as its root.
    const start = file.indexOf("const exportSpecs = exportTable(");
    expect(file.slice(start + 1, start + 7)).toEqual([
      '  "out-api",',
      "  {",
      '    g: ["", []],',
      "  },",
      '  "outApi",',
      ");",
    ]);
  });
});

describe("generate: names", () => {
  const twoApis = [
    "package a:app;",
    "package t:one { interface api { f: func(); } }",
    "package t:two@1.0.0 { interface api { f: func(); } }",
    "world w {",
    "  export t:one/api;",
    "  export t:two/api@1.0.0;",
    "  export api: func();",
    "}",
  ].join("\n");

  it("qualifies exported interfaces whose names are taken on the instance", () => {
    const index = lines(generateText(twoApis).get("index.ts"));
    const start = index.indexOf("export interface WorldInstance extends AsyncDisposable {");
    expect(index.slice(start + 1, start + 4)).toEqual([
      "  readonly oneApi: api.ApiExports;",
      "  readonly twoApi: twoApi.ApiExports;",
      "  api(): Promise<void>;",
    ]);
  });

  it("escapes a world-level export named `then` and instantiates such a world synchronously", () => {
    const index = lines(sample("keywords")[0]!.content);
    expect(index).toContain("  then_(): Promise<number>;");
    expect(index).toContain("  readonly getCoreModule: GetCoreModule;");
    expect(index).toContain(
      "  const core = await createInstanceCore(options, { synchronous: true });",
    );
    // A world-level export's path is its jco name alone (`then`, derived from the key): the table's
    // interface is empty.
    expect(index).toContain('  then: ["", [], u32],');
  });

  it("keeps jco's record field names, quotes an interface member called `new`", () => {
    const file = lines(
      sample("keywords").find((f) => f.path === "interfaces/example-keywords-interface.ts")!
        .content,
    );
    expect(file).toContain("  constructor: number;");
    expect(file).toContain("  then: number;");
    expect(file).toContain('  "new"(this_: string, arguments_: string[]): string;');
    expect(file).toContain("    new: adaptImport(core, importSpecs.new, host),");
    expect(file).toContain("  then_(catch_: number, finally_: number): number;");
  });

  it("gives an interface that is imported and exported one file per side", () => {
    const paths = sample("keywords").map((f) => f.path);
    expect(paths).toContain("interfaces/example-keywords-interface.ts");
    expect(paths).toContain("interfaces/example-keywords-interface-exports.ts");
  });
});

describe("generate: borrows (issue #5)", () => {
  const text = [
    "package t:b;",
    "interface h {",
    "  resource file { constructor(dir: borrow<file>, name: string); }",
    "  record pair { a: borrow<file>, n: u32 }",
    "  take: func(n: u32, p: pair, call: borrow<file>) -> string;",
    "  plain: func(f: file) -> u32;",
    "}",
    "world w {",
    "  import h;",
    "  use h.{file};",
    "  export give: func(f: borrow<file>) -> u32;",
    "}",
  ].join("\n");

  /** The lines of `path` from the one that starts with `first`, through the next line that is only `last`. */
  function block(files: Map<string, string>, path: string, first: string, last: string): string[] {
    const all = lines(files.get(path));
    const start = all.findIndex((line) => line.startsWith(first));
    expect(start, first).toBeGreaterThanOrEqual(0);
    return all.slice(start, all.indexOf(last, start) + 1);
  }

  it("without the option, types received borrows as handles that the spec names for BorrowsRemainError", () => {
    const files = generateText(text);
    expect(block(files, "interfaces/t-b-h.ts", "export interface Pair", "}")).toEqual([
      "export interface Pair {",
      "  a: BorrowHandle<File>;",
      "  n: number;",
      "}",
    ]);
    expect(block(files, "interfaces/t-b-h.ts", "export interface HImports", "}")).toEqual([
      "export interface HImports {",
      "  take(n: number, p: Pair, call_: BorrowHandle<File>): string;",
      "  plain(f: File): number;",
      "  readonly File: FileClass;",
      "}",
    ]);
    expect(block(files, "interfaces/t-b-h.ts", "const importSpecs", "});")).toEqual([
      'const importSpecs = importTable("t:b/h", {',
      '  take: [[u32, pairType, borrowHandle(fileType)], string, { names: "n, p, call_" }],',
      // A function without borrows keeps the plain spec.
      "  plain: [[own(fileType)], u32],",
      '  "[constructor]file": [[borrowHandle(fileType), string], own(fileType), { names: "dir, name" }],',
      "});",
    ]);
    expect(lines(files.get("interfaces/t-b-h.ts"))).toContain(
      "  new (dir: BorrowHandle<File>, name: string): File;",
    );
    // Nothing in the file uses `using`.
    expect(files.get("interfaces/t-b-h.ts")).not.toMatch(/\busing\b/);
  });

  it("types a borrow the host lends to an export as `Borrowed<T>`, which an owned `T` fits, in both modes", () => {
    for (const autodropBorrows of [false, true]) {
      const index = lines(generateText(text, { autodropBorrows }).get("index.ts"));
      expect(index).toContain("  give(f: Borrowed<File>): Promise<number>;");
      expect(index).toContain("    give(f: Borrowed<File>): Promise<number> {");
    }
  });

  it("with the option, adapts each import that receives borrows with `using` declarations", () => {
    const files = generateText(text, { autodropBorrows: true });
    const path = "interfaces/t-b-h.ts";
    expect(block(files, path, "export interface HImports", "}")).toContain(
      "  take(n: number, p: Pair, call_: Borrowed<File>): string;",
    );
    expect(block(files, path, "function takeAdapter", "}")).toEqual([
      "function takeAdapter(host: HImports, call: ImportCall): string {",
      "  using p = call.borrow<Pair>(1);",
      "  using call_ = call.borrow<Borrowed<File>>(2);",
      "  return host.take(call.argument<number>(0), p.value, call_.value);",
      "}",
    ]);
    expect(block(files, path, "const importSpecs", "});").slice(1, 2)).toEqual([
      "  take: [[u32, pairType, borrow(fileType)], string, { invoke: takeAdapter }],",
    ]);
    expect(block(files, path, "function fileConstructorAdapter", "}")).toEqual([
      "function fileConstructorAdapter(host: FileClass, call: ImportCall): File {",
      "  using dir = call.borrow<Borrowed<File>>(0);",
      "  return new host(dir.value, call.argument<string>(1));",
      "}",
    ]);
    expect(files.get(path)).not.toContain("plainAdapter");
    expect(files.get(path)).not.toContain("names:");
  });
});

describe("generate: host resources (issue #6)", () => {
  const world = [
    "package a:b;",
    "interface api {",
    "  resource size;",
    "  resource then { constructor(); }",
    "  resource blob { read: func() -> u32; }",
    "}",
    "world w {",
    "  import api;",
    "  resource blob;",
    "  export resources: func();",
    "}",
  ].join("\n");

  it("types one table view per imported resource, keyed clear of the base's members and of each other", () => {
    const index = lines(generateText(world).get("index.ts"));
    const start = index.indexOf("export interface HostResources extends HostResourcesBase {");
    expect(index.slice(start, start + 6)).toEqual([
      "export interface HostResources extends HostResourcesBase {",
      "  readonly size2: ResourceTableView<api.Size>;",
      "  readonly then_: ResourceTableView<api.Then>;",
      // The world's own `blob` is `Blob` in index.ts; the interface's is `api.Blob`.
      "  readonly blob: ResourceTableView<api.Blob>;",
      "  readonly blob2: ResourceTableView<Blob>;",
      "}",
    ]);
    const core = index.indexOf("  const core = await createInstanceCore(options);");
    expect(index.slice(core, core + 10)).toEqual([
      "  const core = await createInstanceCore(options);",
      "  const resources = createHostResources<HostResources>(",
      "    core,",
      "    { size2: api.sizeType, then_: api.thenType, blob: api.blobType, blob2: blobType },",
      "    options,",
      "  );",
      "  const imports =",
      '    typeof options.imports === "function"',
      "      ? options.imports({ resources })",
      "      : options.imports;",
    ]);
    // `resources` is reserved on the instance: an export of that name steps aside.
    expect(index).toContain("  resources2(): Promise<void>;");
    expect(index).toContain("  readonly resources: HostResources;");
    expect(index).toContain("  readonly imports: Imports | ((context: ImportContext) => Imports);");
    expect(index).toContain("  readonly onLeak?: (report: LeakReport) => void;");
    expect(index.filter((line) => line === "    resources,")).toHaveLength(1);
  });

  it("adds nothing to a world without host resources", () => {
    const index = generateText("package a:b;\nworld w {\n  import f: func();\n}\n").get(
      "index.ts",
    )!;
    expect(index).not.toContain("interface HostResources");
    expect(index).not.toContain("readonly resources: HostResources");
    expect(index).not.toContain("resourceCapacity");
    expect(lines(index)).toContain("  const imports = options.imports;");
  });
});
