/**
 * End to end, every name the SDK could trip over: a world generated from every symbol the runtime exports
 * (`src/codegen/runtime-symbols.ts`, so a new runtime export is covered the day it is added), every
 * JavaScript reserved word and every TypeScript type keyword, each used as an interface name, a function name,
 * a parameter name, a record type name, a field name, a host resource's method and static name (type-checked only), and a world-level
 * function name, on the import side and the export side. The SDK must type-check under strict settings and run:
 * a WAT guest forwards every export to the import of the same name (adding one), so each call crosses both ways.
 */
import { afterAll, describe, expect, it } from "vitest";
import { runtimeSymbols } from "../../src/codegen/runtime-symbols.js";
import {
  GLOBAL_NAMES,
  JS_RESERVED_WORDS,
  TS_TYPE_RESERVED,
  toLowerCamel,
  toUpperCamel,
  tsName,
} from "../../src/codegen/names.js";
import { KEYWORDS } from "../../src/wit/lexer.js";
import { typeCheck } from "../support/typecheck.js";
import { generate, selectWorld } from "../../src/codegen/generate.js";
import { resolveFiles } from "../../src/wit/load.js";
import { pathToFileURL } from "node:url";
import { prepareComponent } from "./fixtures/sdk-support/sdk.js";
import { componentFromWat, importEntry, loadCoreModuleFactory } from "./support/components.js";
import { removeTempDirs } from "./support/temp-dirs.js";

afterAll(removeTempDirs);

/** `createInstanceCore` -> `create-instance-core`, `WitTsError` -> `wit-ts-error`, `u8List` -> `u8-list`. */
function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1-$2")
    .toLowerCase();
}

const NAMES = [
  ...new Set(
    [...runtimeSymbols.map((s) => s.name), ...JS_RESERVED_WORDS, ...TS_TYPE_RESERVED].map(kebab),
  ),
].sort();

/** A name as WIT spells it: `%` before a WIT keyword. */
const wit = (name: string): string => (KEYWORDS.has(name) ? `%${name}` : name);

/**
 * (World-level imports are type-checked only, see {@link guestWat}.) Names jco's own output cannot carry: it binds functions by their names in its strict-mode module, where
 * `arguments` and `eval` are syntax errors, and world-level imports next to its `instantiate`'s own parameters
 * (`getCoreModule`, `imports`, `instantiateCore`). They are type-checked, not run.
 */
const JCO_UNBUILDABLE: ReadonlySet<string> = new Set([
  "arguments",
  "eval",
  "get-core-module",
  "imports",
  "instantiate-core",
]);
/** jco also destructures imported functions into variables of its module, shadowing globals it reads (`undefined`). */
const RUNNABLE = NAMES.filter(
  (n) =>
    !JCO_UNBUILDABLE.has(n) &&
    !GLOBAL_NAMES.has(toLowerCamel(n)) &&
    !GLOBAL_NAMES.has(toUpperCamel(n)),
);

const worldOf = (names: readonly string[], worldImports: boolean): string =>
  [
    "package names:all;",
    "interface types {",
    ...names.map((n) => `  record ${wit(n)} { ${wit(n)}: u32 }`),
    "}",
    "interface funcs {",
    ...names.map((n) => `  ${wit(n)}: func(${wit(n)}: u32) -> u32;`),
    "}",
    "interface methods {",
    "  resource thing {",
    ...names.map((n) => `    ${wit(n)}: func(${wit(n)}: u32) -> u32;`),
    "  }",
    "  resource other-thing {",
    ...names.map((n) => `    ${wit(n)}: static func(${wit(n)}: u32) -> u32;`),
    "  }",
    "}",
    ...names.map(
      (n) =>
        `interface ${wit(n)} {\n  use types.{${wit(n)} as rec};\n  ${wit(n)}: func(${wit(n)}: u32, r: rec) -> u32;\n}`,
    ),
    "world names {",
    "  import methods;",
    "  import funcs;",
    "  export funcs;",
    ...names.flatMap((n) => [`  import ${wit(n)};`, `  export ${wit(n)};`]),
    ...names.flatMap((n) => [
      ...(worldImports ? [`  import ${wit(n)}: func(${wit(n)}: u32) -> u32;`] : []),
      `  export ${wit(n)}: func(${wit(n)}: u32) -> u32;`,
    ]),
    "}",
  ].join("\n");
const WIT = worldOf(NAMES, true);

/** Every export calls the import of the same name and adds one. */
function forwarder(
  index: number,
  module: string,
  field: string,
  params: number,
  exportName: string,
): string[] {
  const args = Array.from({ length: params }, (_, i) => `(local.get ${i})`).join(" ");
  const types = Array.from({ length: params }, () => "i32").join(" ");
  return [
    `  (import ${JSON.stringify(module)} ${JSON.stringify(field)} (func $i${index} (param ${types}) (result i32)))`,
    `  (func $e${index} (export ${JSON.stringify(exportName)}) (param ${types}) (result i32) (i32.add (call $i${index} ${args}) (i32.const 1)))`,
  ];
}

function guestWat(names: readonly string[]): string {
  const imports: string[] = [];
  const funcs: string[] = [];
  let i = 0;
  const add = (module: string, field: string, params: number, exportName: string): void => {
    const [imp, fn] = forwarder(i++, module, field, params, exportName);
    imports.push(imp!);
    funcs.push(fn!);
  };
  for (const n of names) add("names:all/funcs", n, 1, `names:all/funcs#${n}`);
  for (const n of names) add(`names:all/${n}`, n, 2, `names:all/${n}#${n}`);
  // World-level exports answer by themselves (x + 1): jco binds world-level imports as variables of its module,
  // where `undefined`, `Object` and its own helpers' names break it.
  names.forEach((n, k) =>
    funcs.push(
      `  (func (export ${JSON.stringify(n)}) (param i32) (result i32) (i32.add (local.get 0) (i32.const ${k + 1})))`,
    ),
  );
  return ["(module", ...imports, '  (memory (export "memory") 1)', ...funcs, ")"].join("\n");
}

describe("a world made of every runtime symbol and keyword", () => {
  it(`generates an SDK that type-checks (${NAMES.length} names) and runs (${RUNNABLE.length} of them)`, async () => {
    const resolved = resolveFiles(new Map([["names.wit", WIT]]), "names.wit");
    expect(resolved.diagnostics).toEqual([]);
    const world = selectWorld(resolved.resolve!, resolved.packageIds);
    if (typeof world !== "number") throw new Error(world.message);
    const files = generate(resolved.resolve!, world, { input: "names.wit", version: "0.0.0-e2e" });
    expect(await typeCheck(new Map(files.map((f) => [f.path, f.content])))).toBe("");

    // jco's component encoder allows 1,000 instances, and each name is an imported and an exported interface:
    // the runnable names go through in parts.
    const failures: string[] = [];
    const PART = 100;
    for (let part = 0; part * PART < RUNNABLE.length; part++) {
      const chunk = RUNNABLE.slice(part * PART, (part + 1) * PART);
      const runnable = worldOf(chunk, false);
      const bytes = await componentFromWat(guestWat(chunk), runnable, "names");
      const prepared = await prepareComponent({
        name: `sdk-names-${part}`,
        wit: runnable,
        world: "names",
        bytes,
      });
      const component = await importEntry(prepared.transpiled.entryPath).catch((e: unknown) => {
        throw new Error(`jco's module does not load: ${String(e)}`);
      });
      const guest = {
        sdk: (await import(pathToFileURL(prepared.sdkIndex).href)) as Record<string, unknown>,
        component,
        getCoreModule: loadCoreModuleFactory(prepared.transpiled.outDir),
      };

      const host =
        (add: number) =>
        (...args: unknown[]) =>
          (args[0] as number) * 10 + add;
      const funcs: Record<string, unknown> = {};
      // The guest never calls the resources' statics, which the SDK still wants to see: any name is a function.
      const statics = new Proxy(class {}, {
        get: (target, key) =>
          key in target ? (target as unknown as Record<PropertyKey, unknown>)[key] : () => 0,
      });
      const imports: Record<string, unknown> = {
        "names:all/funcs": funcs,
        "names:all/methods": { OtherThing: statics },
      };
      for (const n of chunk) {
        funcs[tsName(n, "property")] = host(1);
        imports[`names:all/${n}`] = {
          [tsName(n, "property")]: (x: number, r: Record<string, number>) =>
            x * 10 + 2 + r[toLowerCamel(n)]! * 0,
        };
      }
      const sdk = guest.sdk as { instantiate(options: object): Promise<Record<string, unknown>> };
      const app = await sdk.instantiate({
        imports,
        component: guest.component,
        getCoreModule: guest.getCoreModule,
      });
      const expectCall = async (
        what: string,
        call: () => Promise<unknown>,
        expected: number,
      ): Promise<void> => {
        try {
          const got = await call();
          if (got !== expected) failures.push(`${what}: ${String(got)}`);
        } catch (e) {
          failures.push(`${what}: ${(e as Error).message}`);
        }
      };
      const keys = Object.keys(app);
      for (const n of chunk) {
        const member = tsName(n, "property");
        const fns = app["funcs"] as Record<string, (x: number) => Promise<number>>;
        await expectCall(`funcs.${member}`, () => fns[member]!(4), 42);
        const k = chunk.indexOf(n) + 1;
        await expectCall(
          `world ${member}`,
          () => (app[member] as (x: number) => Promise<number>)(4),
          4 + k,
        );
        const key = keys.find(
          (k) =>
            k === member ||
            k.startsWith(`${toLowerCamel(`all-${n}`)}`) ||
            k === tsName(`all-${n}`, "property"),
        );
        const iface = (key === undefined ? undefined : app[key]) as
          Record<string, (x: number, r: object) => Promise<number>> | undefined;
        if (iface === undefined || typeof iface[member] !== "function")
          failures.push(`interface ${n}: no instance key`);
        else
          await expectCall(`${n}.${member}`, () => iface[member]!(4, { [toLowerCamel(n)]: 1 }), 43);
      }
      await (app as unknown as AsyncDisposable)[Symbol.asyncDispose]();
    }
    expect(failures).toEqual([]);
  }, 600_000);
});
