/**
 * Code generation, the world entry `index.ts`: how an app instantiates the world. Consumes the whole
 * plan; prints the world-level types and the specs of world-level functions, then the `Imports` type (one
 * typed object: interfaces keyed by their full WIT id, world-level functions and resources by name;
 * `wasi:*` interfaces optional), the `WorldInstance` type (exported interfaces, world-level functions,
 * `poisoned`, `[Symbol.asyncDispose]`), `InstantiateOptions`, and `instantiate`, which builds the instance
 * core (one call gate), adapts every import for jco under each key jco may read, instantiates the
 * component and wraps its exports. A world that imports resources also gets
 * `HostResources` (a typed view of the instance's resource table per resource, on `instance.resources`)
 * and `ImportContext` (what `imports` gets when it is a function), see `runtime/host-resources.ts`.
 */
import {
  functionDoc,
  printErrorAliases,
  printSignature,
  promiseTypeExpr,
  interfaceTags,
  stabilityTags,
  unitFunctions,
  worldExportFunctions,
} from "./emit-functions.js";
import { directImportPlan } from "./emit-direct.js";
import { printExportMethod, printExportSpecs, printSyncSignature } from "./emit-exports.js";
import {
  hostResourceCall,
  importFunctions,
  needsHost,
  printHostContractMembers,
  printImportSpecs,
} from "./emit-imports.js";
import type { Unit } from "./emit-plan.js";
import { printReExports } from "./emit-reexports.js";
import { hasStaticSide } from "./emit-resources.js";
import type { TypeId } from "../wit/model.js";
import { emitTypes } from "./emit-types.js";
import { printWasiHost, printWasiOptionsType, wasiCapabilities } from "./emit-wasi.js";
import { asyncFunctionNames, jcoAsyncOptions } from "./async-functions.js";
import { jcoTranspileCommand, versionMaps } from "./jco-transpile.js";
import {
  array,
  callArgs,
  object,
  signature,
  typeArgs,
  type GeneratedFile,
  type Printable,
} from "./printer/index.js";
import { createNameScope, quotePropertyKey, stringLiteral, toUpperCamel } from "./names.js";
import { declaredSymbol, descriptorRef, typeNameRef, type EmitContext } from "./type-expr.js";

export interface IndexOptions {
  /** The specifier of jco's module in the output (`./component/x.js`), when the SDK ships the component. */
  readonly component: string | undefined;
}

/** The WASI packages `@bytecodealliance/preview2-shim` has a module for (`.../cli`, ...). */
const SHIM_PACKAGES: ReadonlySet<string> = new Set([
  "cli",
  "clocks",
  "filesystem",
  "http",
  "io",
  "random",
  "sockets",
]);

/** The shim package that provides a `wasi:*` interface by default, if any. */
function shimPackage(unit: Unit): string | undefined {
  const match = /^wasi:([^/@]+)\//.exec(unit.key);
  return match !== null && SHIM_PACKAGES.has(match[1]!) ? match[1] : undefined;
}

/** Whether an import may be left out (preview2-shim provides it). */
function isWasi(unit: Unit): boolean {
  return shimPackage(unit) !== undefined;
}

/** One view of `HostResources`: a resource jco reads from the host, the file it belongs to, and its key. */
interface ResourceView {
  readonly id: TypeId;
  readonly unit: Unit;
  readonly key: string;
}

/**
 * The host resources of the world, in plan order (imported interfaces, then the world's own), each with
 * its key on `HostResources`: the lowerCamel name, stepping around the runtime's own members.
 */
function hostResourceViews(cx: EmitContext): ResourceView[] {
  const keys = createNameScope(["table", "size", "counts", "leaks"]);
  const views: ResourceView[] = [];
  const add = (id: TypeId, unit: Unit): void => {
    const name = cx.resolve.types[id]!.name ?? "resource";
    // An interface imported under several keys has resources of its own under each (`bucket`, `bucket2`).
    views.push({
      id,
      unit: cx.plan.declaringUnit(id, "import", unit),
      key: keys.declare(name, "property"),
    });
  };
  for (const unit of cx.plan.importUnits) {
    if (unit.readByJco) for (const id of unit.resources.keys()) add(id, unit);
  }
  for (const id of cx.plan.index.resources.keys()) add(id, cx.plan.index);
  return views;
}

/** `HostResources` (a view per host resource on the runtime's base) and `ImportContext`. */
function printHostResources(
  f: GeneratedFile,
  cx: EmitContext,
  views: readonly ResourceView[],
): void {
  f.jsDoc({
    docs:
      "The host resources of an instance: a typed view of its resource table per\n" +
      "resource the world imports, under its lowerCamel name. Objects the guest owns\n" +
      "are entries; the host enters its own with `push` / `pushChild` and deletes\n" +
      "what the guest gave it with `delete`, which runs the object's destructor.",
  });
  f.print("export interface HostResources extends ", cx.runtime.type("HostResourcesBase"), " {");
  f.indent(() => {
    for (const view of views) {
      f.print(
        "readonly ",
        quotePropertyKey(view.key),
        ": ",
        cx.runtime.type("ResourceTableView"),
        typeArgs([typeNameRef(cx, view.id, view.unit)]),
        ";",
      );
    }
  });
  f.print("}");
  f.print();
  f.jsDoc({
    docs: "What `imports` gets when it is a function, before the instance starts.",
  });
  f.print("export interface ImportContext {");
  f.indent(() => {
    f.jsDoc({
      docs: "The instance's host resources (the same object as `instance.resources`).",
    });
    f.print("readonly resources: HostResources;");
  });
  f.print("}");
  f.print();
}

/**
 * `export const jcoTranspileOptions = { map: {...}, asyncMode: "jspi", asyncExports: [...] }` for a world
 * with two versions of one interface or with `async func`s: what jco's `transpile` needs (besides
 * instantiation mode) so that the component runs under this SDK (`jcoAsyncOptions` for the async part).
 */
function printJcoTranspileOptions(f: GeneratedFile, cx: EmitContext): void {
  const names = asyncFunctionNames(cx.resolve, cx.plan.world);
  const maps = versionMaps(cx.resolve, cx.plan.world);
  const options = jcoAsyncOptions(names);
  const async = options !== undefined;
  if (!async && maps.length === 0) return;
  const name = cx.unit.valueScope.claim("jcoTranspileOptions");
  const needs = [
    ...(maps.length > 0 ? ["two versions of one interface"] : []),
    ...(async ? ["`async func`s"] : []),
  ];
  f.jsDoc({
    docs:
      `What jco's \`transpile\` needs for this world's ${needs.join(" and ")} (besides\n` +
      '`instantiation: "async"`); on the command line:\n' +
      `\`${jcoTranspileCommand("component.wasm", names, maps)}\``,
  });
  const members: (readonly [string, Printable])[] = [];
  if (maps.length > 0)
    members.push([
      "map",
      object(
        maps.map(([from, to]) => [from, stringLiteral(to)]),
        { expand: true },
      ),
    ]);
  if (options !== undefined)
    members.push(
      ["asyncMode", stringLiteral(options.asyncMode)],
      ["asyncExports", array(options.asyncExports.map(stringLiteral))],
    );
  f.print("export const ", name, " = ", object(members, { expand: true }), " as const;");
  f.print();
}

/** The local function that imports one shim package (`loadWasiCli`). */
function shimLoader(pkg: string): string {
  return `loadWasi${toUpperCamel(pkg)}`;
}

export function emitIndex(f: GeneratedFile, cx: EmitContext, options: IndexOptions): void {
  const { plan } = cx;
  const world = cx.resolve.worlds[plan.world]!;
  const worldImports = unitFunctions(cx);
  const worldExports = worldExportFunctions(cx);
  const hostUnits = plan.importUnits.filter((u) => u.readByJco && needsHost(cx, u));
  const worldResources = [...worldImports.resources.values()];
  const synchronous = worldExports.some((info) => info.jcoName === "then");
  const views = hostResourceViews(cx);
  // The WASI interfaces the shim provides by default, and the shim packages they come from.
  const wasiUnits = hostUnits.filter(isWasi);
  const wasiLoaders = [...new Set(wasiUnits.map((u) => shimPackage(u)!))]
    .sort()
    .map((pkg) => [pkg, shimLoader(pkg)] as const);

  printReExports(f, cx);
  emitTypes(f, cx);
  printJcoTranspileOptions(f, cx);
  printErrorAliases(f, cx, importFunctions(cx));
  printImportSpecs(f, cx);
  printErrorAliases(f, cx, worldExports);
  printExportSpecs(f, cx, worldExports);

  // Imports
  const optionalImports =
    hostUnits.every(isWasi) &&
    worldImports.functions.length === 0 &&
    !worldResources.some(hasStaticSide);
  f.jsDoc({
    docs:
      `What the host provides for the imports of world \`${world.name}\`: interfaces under\n` +
      "their WIT ids, world-level functions and resources by name. Handlers run\n" +
      "synchronously; `wasi:*` interfaces left out come from `@bytecodealliance/preview2-shim`" +
      (wasiUnits.length > 0 ? ",\nwith only the capabilities `wasi` grants." : "."),
  });
  const importMembers =
    hostUnits.length > 0 || worldImports.functions.length > 0 || worldResources.some(hasStaticSide);
  if (!importMembers) {
    f.print("export interface Imports {}");
  } else {
    f.print("export interface Imports {");
    f.indent(() => {
      for (const unit of hostUnits) {
        // The interface's docs are on its contract; its stability tags are repeated where it is used.
        const iface = cx.resolve.interfaces[unit.iface!]!;
        f.jsDoc({ tags: interfaceTags(unit, iface) });
        const contract = declaredSymbol(cx, unit, unit.contract, true);
        f.print(
          "readonly ",
          quotePropertyKey(unit.key),
          isWasi(unit) ? "?: " : ": ",
          contract,
          ";",
        );
      }
      printHostContractMembers(f, cx);
    });
    f.print("}");
  }
  f.print();

  if (views.length > 0) printHostResources(f, cx, views);
  if (wasiUnits.length > 0)
    printWasiOptionsType(f, cx, wasiCapabilities(wasiUnits.map((u) => u.key)));

  // WorldInstance
  f.jsDoc({
    docs:
      `An instance of world \`${world.name}\`. Calls into it run one at a time, in call\n` +
      "order, through one call gate; a trap poisons it. Dispose of it (`await using`)\n" +
      "to wait for the calls in flight.",
    tags: stabilityTags(world.stability),
  });
  f.print("export interface WorldInstance extends AsyncDisposable {");
  f.indent(() => {
    for (const unit of plan.exportUnits) {
      const iface = cx.resolve.interfaces[unit.iface!]!;
      f.jsDoc({ tags: interfaceTags(unit, iface) });
      const contract = declaredSymbol(cx, unit, unit.contract, true);
      f.print("readonly ", quotePropertyKey(unit.instanceKey), ": ", contract, ";");
    }
    for (const info of worldExports) {
      functionDoc(f, info);
      printSignature(f, cx, info, promiseTypeExpr(cx, info), ";");
      printSyncSignature(f, cx, info);
    }
    if (views.length > 0) {
      f.jsDoc({
        docs: "The host resources of this instance: a typed table view per resource, live\ncounts, and what disposal found left.",
      });
      f.print("readonly resources: HostResources;");
    }
    f.jsDoc({
      docs: "True after a trap, until a restart succeeds: the instance refuses calls.",
    });
    f.print("readonly poisoned: boolean;");
    f.jsDoc({
      docs:
        "Resolves when no call is in flight and every component-model async task of\n" +
        "the instance has ended (work after a call returned included); rejects with\n" +
        "the `TrapError` of a trap in such late work.",
    });
    f.print("idle(): Promise<void>;");
  });
  f.print("}");
  f.print();

  // InstantiateOptions
  const runtime = cx.runtime;
  f.jsDoc({ docs: "Options of {@link instantiate}." });
  f.print("export interface InstantiateOptions {");
  f.indent(() => {
    if (views.length > 0) {
      f.jsDoc({
        docs: "The host's implementations of the world's imports, or a function that returns\nthem given the instance's host resources (to `pushChild` from a method).",
      });
      f.print(
        optionalImports ? "readonly imports?: " : "readonly imports: ",
        "Imports | ((context: ImportContext) => Imports);",
      );
    } else {
      f.jsDoc({ docs: "The host's implementations of the world's imports." });
      f.print(optionalImports ? "readonly imports?: Imports;" : "readonly imports: Imports;");
    }
    f.jsDoc({
      docs:
        options.component === undefined
          ? 'jco\'s instantiation-mode module of the component:\n`await import("./component/name.js")`.'
          : "jco's instantiation-mode module of the component; by default the one in\n`component/`.",
    });
    f.print(
      options.component === undefined ? "readonly component: " : "readonly component?: ",
      runtime.type("ComponentModule"),
      ";",
    );
    f.jsDoc({
      docs: synchronous
        ? "Compiles a core module (`name.core.wasm`) of the component. Required: this\nworld exports `then`, so it is instantiated synchronously."
        : "Compiles a core module (`name.core.wasm`) of the component; jco's own\nloader by default.",
    });
    f.print(
      synchronous ? "readonly getCoreModule: " : "readonly getCoreModule?: ",
      runtime.type("GetCoreModule"),
      ";",
    );
    f.jsDoc({
      docs:
        "Instantiate the component again after a trap, before the next call, instead\n" +
        "of refusing calls. Guest state is lost: the new instance starts afresh, and\n" +
        "guest resources of the old one are disposed.",
    });
    f.print("readonly restart?: boolean;");
    f.jsDoc({
      docs:
        'With jco\'s JSPI output (`asyncMode: "jspi"`): the imports given to its\n' +
        "`asyncImports`, by WIT name. Their handlers may return a promise, which the\n" +
        "suspended guest waits for.",
    });
    f.print("readonly asyncImports?: readonly string[];");
    if (wasiUnits.length > 0) {
      f.jsDoc({
        docs:
          "The WASI capabilities this instance is granted (a restart keeps them); none\n" +
          'by default. `"inherit"` passes the host process\'s through.',
      });
      f.print("readonly wasi?: WasiOptions;");
    }
    f.jsDoc({
      docs:
        "Run the component in a worker: calls get a deadline (`callTimeoutMs`) and\n" +
        "linear memories a cap (`memoryLimitBytes`); imports still run on this thread.\n" +
        "The instance behaves as in-thread otherwise.",
    });
    f.print("readonly isolate?: ", runtime.type("IsolateOptions"), ";");
    if (cx.canon !== undefined) {
      f.jsDoc({
        docs:
          "Call the component's core exports directly with the SDK's own canonical ABI\n" +
          "where it can (default true); false sends every call through jco.",
      });
      f.print("readonly directCalls?: boolean;");
    }
    f.jsDoc({
      docs:
        "Every `async func` export call settles only when its task has ended (its work\n" +
        "after returning the value included), as if each passed `{ untilTaskEnds: true }`.",
    });
    f.print("readonly untilTaskEnds?: boolean;");
    if (views.length > 0) {
      f.jsDoc({
        docs: "Most host resources alive at once, all types together (default 1,000,000);\none more throws `TableFullError`.",
      });
      f.print("readonly resourceCapacity?: number;");
      f.jsDoc({
        docs: "Called when disposing the instance finds host resources still alive (it\ndisposes them, children first) or a destructor throws. The report is also\nin `resources.leaks`.",
      });
      f.print("readonly onLeak?: (report: ", runtime.type("LeakReport"), ") => void;");
    }
  });
  f.print("}");
  f.print();

  // instantiate
  f.jsDoc({
    docs:
      `Instantiates the component of world \`${world.name}\` with the host's imports and\n` +
      "returns its exports.",
  });
  f.print(
    "export async function instantiate",
    signature(["options: InstantiateOptions"], "Promise<WorldInstance>"),
    " {",
  );
  f.indent(() => {
    const usesImports =
      hostUnits.length > 0 ||
      worldImports.functions.length > 0 ||
      worldResources.some(hasStaticSide);
    const printImports = (): void => {
      if (!usesImports) return;
      if (views.length === 0) {
        f.print(
          optionalImports
            ? "const imports = options.imports ?? {};"
            : "const imports = options.imports;",
        );
        return;
      }
      // A function gets the resources first: its methods may `pushChild`.
      f.print("const imports =");
      f.indent(() => {
        f.print('typeof options.imports === "function"');
        f.indent(() => {
          f.print("? options.imports({ resources })");
          f.print(optionalImports ? ": (options.imports ?? {});" : ": options.imports;");
        });
      });
    };
    if (views.length === 0) printImports();
    const defaults: (readonly [string, Printable])[] = [];
    if (options.component !== undefined) defaults.push(["component", "defaultComponent"]);
    if (synchronous) defaults.push(["synchronous", "true"]);
    const lowered = cx.canon === undefined ? undefined : directImportPlan(cx.canon);
    if (lowered?.kind === "lowered") {
      // Handed in by the SDKs that lower imports, so that the others carry none of the lowering.
      const lowering: (readonly [string, Printable])[] = [];
      if (lowered.literals.length > 0)
        lowering.push(["directImports", `[${lowered.literals.join(", ")}]`]);
      if (lowered.viaJco.length > 0)
        lowering.push(["jcoImports", `[${lowered.viaJco.join(", ")}]`]);
      if (lowering.length > 0)
        defaults.push([
          "lowering",
          [runtime.value("importLowering"), callArgs([object(lowering)])],
        ]);
    }
    const coreArgs: Printable[] = ["options"];
    if (defaults.length > 0) coreArgs.push(object(defaults));
    f.print("const core = await ", runtime.value("createInstanceCore"), callArgs(coreArgs), ";");
    if (views.length > 0) {
      const types = object(views.map((view) => [view.key, descriptorRef(cx, view.id, view.unit)]));
      f.print(
        "const resources = ",
        runtime.value("createHostResources"),
        "<HostResources>",
        callArgs(["core", types, "options"]),
        ";",
      );
      printImports();
    }

    const wasi = wasiUnits.length > 0 ? cx.unit.valueScope.claim("wasi") : undefined;
    if (wasi !== undefined) printWasiHost(f, cx, wasi, world.name, wasiLoaders);
    // Each imported interface's factory goes to the runtime with the key the host's object and jco's share,
    // so that the key is written once; the runtime looks the host's object up and calls the factory.
    const jco: (readonly [string, Printable])[] = [];
    for (const unit of plan.importUnits) {
      if (!unit.readByJco) continue;
      const factory = declaredSymbol(cx, unit, unit.factory, false);
      if (!needsHost(cx, unit)) jco.push([unit.key, [factory, callArgs(["core"])]]);
      else if (isWasi(unit))
        jco.push([unit.key, array([factory, `${wasi}.${shimPackage(unit)!}`])]);
      else jco.push([unit.key, factory]);
    }
    for (const resource of worldResources) {
      const name = cx.resolve.types[resource.id]!.name ?? "resource";
      const hostClass = hasStaticSide(resource) ? `imports.${resource.member}` : "undefined";
      jco.push([name, object([["default", hostResourceCall(cx, resource, hostClass)]])]);
    }
    for (const info of worldImports.functions) {
      const adapted: Printable = [
        runtime.value("adaptImport"),
        callArgs(["core", info.spec, "imports"]),
      ];
      jco.push([info.func.name, object([["default", adapted]])]);
    }
    const startArgs: Printable[] = ["core"];
    if (jco.length > 0) {
      startArgs.push(hostUnits.length > 0 ? "imports" : "undefined");
      startArgs.push(object(jco, { expand: true }));
    }
    if (plan.mergedVersions.size > 0) {
      startArgs.push(
        object(
          [...plan.mergedVersions].map(([bare, ids]) => [bare, array(ids.map(stringLiteral))]),
          { expand: true },
        ),
      );
    }
    f.print("await ", runtime.value("startInstance"), callArgs(startArgs), ";");

    const createInstance = runtime.value("createWorldInstance");
    if (plan.exportUnits.length === 0 && worldExports.length === 0) {
      f.print(
        "return ",
        createInstance,
        views.length > 0 ? "(core, { resources });" : "(core, {});",
      );
      return;
    }
    f.print("return ", createInstance, "(core, {");
    f.indent(() => {
      if (views.length > 0) f.print("resources,");
      for (const unit of plan.exportUnits) {
        const factory = declaredSymbol(cx, unit, unit.factory, false);
        f.print(quotePropertyKey(unit.instanceKey), ": ", factory, callArgs(["core"]), ",");
      }
      for (const info of worldExports) printExportMethod(f, cx, info);
    });
    f.print("});");
  });
  f.print("}");

  if (options.component !== undefined) {
    f.print();
    f.jsDoc({
      docs: "The component this SDK was generated from, transpiled by jco into `component/`.",
    });
    f.print("function defaultComponent(): Promise<", runtime.type("ComponentModule"), "> {");
    f.indent(() => f.print("return import(", stringLiteral(options.component!), ");"));
    f.print("}");
  }
  const shims = new Set<string>();
  for (const unit of plan.importUnits) {
    if (unit.readByJco && isWasi(unit) && needsHost(cx, unit)) {
      shims.add(shimPackage(unit)!);
    }
  }
  for (const pkg of [...shims].sort()) {
    f.print();
    f.jsDoc({
      docs: `\`wasi:${pkg}\` from \`@bytecodealliance/preview2-shim\`, loaded only when needed.`,
    });
    f.print("function ", shimLoader(pkg), "(): Promise<object> {");
    f.indent(() => {
      // The cast keeps TypeScript from loading the shim's declarations, which name DOM types (an app
      // without `dom` would not compile); bundlers still see the literal once types are stripped.
      f.print("// The specifier is cast so that TypeScript does not read the shim's declarations.");
      f.print(
        "return import(",
        stringLiteral(`@bytecodealliance/preview2-shim/${pkg}`),
        " as string);",
      );
    });
    f.print("}");
  }
}
