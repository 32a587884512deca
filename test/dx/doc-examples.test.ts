/**
 * The documentation's TypeScript examples compile against what wit-ts generates. Every ```ts block of
 * README.md and docs/sdk-design.md is extracted and matched to one entry below: the world whose SDK it uses
 * (a sample, a test fixture or a WIT text), what it takes as given (`component`, an `app`) and, for a
 * fragment, the code around it. All of them are type-checked in one `tsc` run, strict, as an app would be
 * compiled. A block that matches no entry fails the test, so an example cannot be added unchecked; a few
 * blocks are about the tool's own configuration, not the SDK, and are listed as such.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { generate, selectWorld, type OutputFile } from "../../src/codegen/generate.js";
import { resolveFiles, resolvePath, type ResolveResult } from "../../src/wit/load.js";
import { wasiPackages } from "../e2e/support/wasi-wit.js";
import { componentDeclaration } from "../../src/component.js";
import { typeCheck } from "../support/typecheck.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DOCS = ["README.md", "docs/sdk-design.md"] as const;

interface Example {
  readonly file: string;
  readonly line: number;
  readonly code: string;
}

/** The ```ts blocks of a Markdown file, dedented (blocks inside list items are indented). */
function examples(file: string): Example[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const out: Example[] = [];
  const fence = /^( *)```ts\n([\s\S]*?)^ *```$/gm;
  for (let m = fence.exec(text); m !== null; m = fence.exec(text)) {
    const indent = m[1]!.length;
    const code = m[2]!
      .split("\n")
      .map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length)))
      .join("\n");
    out.push({ file, line: text.slice(0, m.index).split("\n").length, code });
  }
  return out;
}

/** A world to generate an SDK from: a folder or file of this repository, or WIT text. */
type WorldSource =
  | { readonly kind: "path"; readonly path: string; readonly autodropBorrows?: boolean }
  | { readonly kind: "text"; readonly text: string };

const WASI_CAPS = `${readFileSync(
  join(ROOT, "test/e2e/fixtures/sdk-wasi-caps/world.wit"),
  "utf8",
).replace(
  "  import wasi:cli/exit@0.2.12;",
  "  import wasi:cli/exit@0.2.12;\n  import wasi:cli/stdout@0.2.12;\n  import wasi:cli/stderr@0.2.12;",
)}
${wasiPackages("0.2.12", ["cli", "filesystem", "io", "sockets", "clocks", "random"])}`;

const WORLDS = {
  greeter: { kind: "path", path: "wit-samples/greeter" },
  guest: { kind: "path", path: "test/e2e/fixtures/guest/guest.wit" },
  storage: { kind: "path", path: "wit-samples/async" },
  resources: { kind: "path", path: "wit-samples/resources" },
  "resources-autodrop": { kind: "path", path: "wit-samples/resources", autodropBorrows: true },
  caps: { kind: "text", text: WASI_CAPS },
  plugin: {
    kind: "text",
    text: "package example:plugin;\ninterface host {\n  log: func(message: string);\n}\nworld plugin {\n  import host;\n  export run: func() -> u32;\n}\n",
  },
} as const satisfies Record<string, WorldSource>;

type WorldName = keyof typeof WORLDS;

/** How one example is checked: its world, what it is given, and for a fragment the code around it. */
interface Check {
  /** A line of the example that tells it apart from the others. */
  readonly match: string;
  readonly world: WorldName;
  /** Declarations before the example (imports it does not make itself, the values it takes as given). */
  readonly given?: string;
  /** For a fragment: the code around it, with `$` where it goes. */
  readonly around?: string;
}

const SDK = "./generated/index.js";

const CHECKS: readonly Check[] = [
  { match: 'component: await import("./greeter-jco/greeter.js")', world: "greeter" },
  {
    match:
      'await using app = await instantiate({ component, imports: { "example:greeter/log@0.1.0"',
    world: "greeter",
    given: `import type { ComponentModule } from "${SDK}";\ndeclare const component: ComponentModule;`,
  },
  {
    match: "await app.api.checkedDiv(1, 0);",
    world: "guest",
    given: `import type { WorldInstance } from "${SDK}";\ndeclare const app: WorldInstance;`,
  },
  {
    match: '"example:storage/clock@0.1.0": {',
    world: "storage",
    given:
      `import { instantiate, type ComponentModule } from "${SDK}";\n` +
      "declare const component: ComponentModule;\n" +
      "declare const chunks: Iterable<Uint8Array>;\n" +
      "declare function sum(): Promise<bigint>;\n" +
      "declare function consume(chunk: Uint8Array): void;\n" +
      `declare const HostSession: import("${SDK}").Imports["example:storage/types@0.1.0"]["Session"];`,
  },
  {
    match: "resources.body.pushChild(body, this); // the body belongs to this request",
    world: "resources",
    given:
      `import { instantiate, type ComponentModule, type Request, type Body } from "${SDK}";\n` +
      "declare const component: ComponentModule;\n" +
      "declare function post(req: Request): number;\n" +
      "declare class HostBody implements Body { write(chunk: Uint8Array): void; size(): bigint; }",
  },
  {
    match: "inspect(req: BorrowHandle<Request>): string {",
    world: "resources",
    given: `import type { BorrowHandle, HttpImports, Request } from "${SDK}";`,
    around: "export const handlers: Pick<HttpImports, 'inspect'> = {\n$\n};",
  },
  {
    match: "let kept: Borrowed<Request> | undefined;",
    world: "resources-autodrop",
    given: `import type { Borrowed, Request } from "${SDK}";`,
  },
  {
    match: "async function peekOnce(app: WorldInstance): Promise<number> {",
    world: "resources",
    given: `import type { WorldInstance } from "${SDK}";`,
  },
  {
    match: "await using plugin = await instantiate({\n  component,\n  wasi: {",
    world: "caps",
    given:
      `import { instantiate, type ComponentModule } from "${SDK}";\n` +
      "declare const component: ComponentModule;\n" +
      "declare const log: { write(bytes: Uint8Array): void };",
  },
  {
    match: "isolate: {",
    world: "plugin",
    given:
      `import { instantiate, type ComponentModule } from "${SDK}";\n` +
      "declare const component: ComponentModule;",
  },
];

/** Blocks about the tool itself (its configuration, its bundler plugins), not about a generated SDK. */
const NOT_SDK: readonly { readonly match: string; readonly why: string }[] = [
  { match: 'import { defineConfig } from "wit-ts/config";', why: "a wit-ts config file" },
  { match: 'import witTs from "wit-ts/vite";', why: "a Vite config" },
];

function generateWorld(source: WorldSource): OutputFile[] {
  let resolved: ResolveResult;
  if (source.kind === "path") resolved = resolvePath(join(ROOT, source.path));
  else resolved = resolveFiles(new Map([["world.wit", source.text]]), "world.wit");
  if (resolved.resolve === undefined)
    throw new Error(resolved.diagnostics.map((d) => d.message).join("\n"));
  const world = selectWorld(resolved.resolve, resolved.packageIds);
  if (typeof world !== "number") throw new Error(world.message);
  return generate(resolved.resolve, world, {
    input: "world",
    version: "0.0.0-docs",
    autodropBorrows: source.kind === "path" && source.autodropBorrows === true,
  });
}

/** The example as a module: its imports first, then what it is given, then its code (in its context). */
function moduleOf(example: Example, check: Check): string {
  const lines = example.code.split("\n");
  const imports = lines.filter((l) => l.startsWith("import "));
  const body = lines.filter((l) => !l.startsWith("import ")).join("\n");
  const placed = check.around === undefined ? body : check.around.replace("$", body);
  return [...imports, check.given ?? "", placed, "export {};", ""].join("\n");
}

const all = DOCS.flatMap(examples);

describe("the documentation's TypeScript examples", () => {
  it("are each checked against a generated SDK, or are about the tool itself", () => {
    const unmatched = all.filter((example) => {
      const checks = CHECKS.filter((c) => example.code.includes(c.match));
      const tool = NOT_SDK.filter((n) => example.code.includes(n.match));
      return checks.length + tool.length !== 1;
    });
    expect(unmatched.map((e) => `${e.file}:${e.line}`)).toEqual([]);
    // Every entry still has its example (a rewritten one must be matched again).
    for (const check of [...CHECKS, ...NOT_SDK])
      expect(
        all.some((e) => e.code.includes(check.match)),
        check.match,
      ).toBe(true);
  });

  it("compile, strict, against the SDKs of their worlds", { timeout: 300_000 }, async () => {
    const files = new Map<string, string>();
    const worlds = new Set<WorldName>();
    for (const [i, example] of all.entries()) {
      const check = CHECKS.find((c) => example.code.includes(c.match));
      if (check === undefined) continue;
      worlds.add(check.world);
      const name = `${example.file.replace(/[^\w]+/g, "-")}-${example.line}`;
      files.set(`${check.world}/example-${i}-${name}.ts`, moduleOf(example, check));
    }
    for (const world of worlds) {
      for (const file of generateWorld(WORLDS[world]))
        files.set(`${world}/generated/${file.path}`, file.content);
    }
    // The module the README's first example imports: jco's output, declared as wit-ts declares it.
    files.set("greeter/greeter-jco/greeter.d.ts", componentDeclaration("// jco's module"));
    // The WASI example too: the SDK's shim loaders keep TypeScript away from the shim's declarations, which
    // name DOM types.
    expect(await typeCheck(files)).toBe("");
  });
});
