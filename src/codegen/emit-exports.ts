/**
 * Code generation, the export side of an interface: what the guest implements, as the app calls it.
 * Consumes an export unit of the plan; prints (after the unit's types) the `XxxError` aliases of fallible
 * functions, the contract interface (`StoreExports`: functions returning promises, and the static side of
 * each resource), the unit's spec table (`exportTable`: where jco keeps each function, how to check and
 * convert its values), the `isXxxError` guards derived from it, and the factory `createStoreExports(core)`
 * that `instantiate` calls: the runtime's `bindExports` builds the object from the table (typed so that the
 * table must bind to exactly the contract), or, when members were renamed or have direct forms, an object
 * printed member by member; every member goes through `callExport`, so through the instance's call gate.
 */
import {
  argumentArray,
  asyncCallArgs,
  functionDoc,
  printErrorAliases,
  printErrorGuard,
  printExportTable,
  printSignature,
  specTableName,
  promiseTypeExpr,
  valueTypeExpr,
  interfaceTags,
  unitFunctions,
  type FunctionInfo,
  type ResourceInfo,
} from "./emit-functions.js";
import { hasStaticSide } from "./emit-resources.js";
import { callArgs, signature, typeArgs, type GeneratedFile } from "./printer/index.js";
import { quotePropertyKey } from "./names.js";
import type { EmitContext } from "./type-expr.js";

/** Every function of an export unit, resources' included, in the order their specs are printed. */
function allFunctions(cx: EmitContext): FunctionInfo[] {
  const { functions, resources } = unitFunctions(cx);
  const out = [...functions];
  for (const resource of resources.values()) {
    if (resource.constructor !== undefined) out.push(resource.constructor);
    out.push(...resource.statics, ...resource.methods);
  }
  return out;
}

/** jco's path to a function below the interface's object (see `ExportEntry`): `f`, `Class`, `Class.f`. */
function jcoPath(cx: EmitContext, info: FunctionInfo): string {
  if (info.resource === undefined) return info.jcoName;
  const cls = unitFunctions(cx).resources.get(info.resource)!.jcoName;
  switch (info.kind) {
    case "method":
    case "function":
      return info.jcoName;
    case "constructor":
      return cls;
    case "static":
      return `${cls}.${info.jcoName}`;
    default: {
      const never: never = info.kind;
      throw new Error(`unknown function kind ${String(never)}`);
    }
  }
}

/**
 * The spec table of a unit's guest exports (interface units and world-level exports alike), then the
 * `directSpec` constants of the functions called directly.
 */
export function printExportSpecs(
  f: GeneratedFile,
  cx: EmitContext,
  functions: readonly FunctionInfo[],
): void {
  if (functions.length === 0) return;
  printExportTable(f, cx, functions, (info) => jcoPath(cx, info));
  f.print();
  for (const info of functions) {
    const direct = info.direct;
    if (direct === undefined) continue;
    f.print(
      "const ",
      direct.spec,
      " = ",
      cx.runtime.value("directSpec"),
      callArgs([info.spec, direct.target]),
      ";",
    );
    f.print();
  }
  let guarded = false;
  for (const info of functions) {
    if (info.errorGuard === undefined) continue;
    printErrorGuard(f, cx, info);
    guarded = true;
  }
  if (guarded) f.print();
}

/** The synchronous form's member in a contract interface (`addSync(a: number): number;`), if it has one. */
export function printSyncSignature(f: GeneratedFile, cx: EmitContext, info: FunctionInfo): void {
  const direct = info.direct;
  if (direct === undefined) return;
  f.jsDoc({
    docs:
      `\`${info.member}\` called synchronously: returns the value or throws what the awaited form rejects with;\n` +
      "throws `InstanceBusyError` while other calls run or wait.",
  });
  printSignature(f, cx, { ...info, member: direct.syncMember }, valueTypeExpr(cx, info), ";");
}

/** `name(params): Promise<R> {` ... `return callExport(core, spec, [args]);` ... `},` inside an object literal. */
export function printExportMethod(f: GeneratedFile, cx: EmitContext, info: FunctionInfo): void {
  printSignature(f, cx, info, promiseTypeExpr(cx, info), " {");
  const direct = info.direct;
  f.indent(() => {
    f.print(
      "return ",
      direct === undefined ? cx.runtime.value("callExport") : cx.runtime.value("callDirect"),
      callArgs(
        direct === undefined
          ? ["core", info.spec, argumentArray(info), ...asyncCallArgs(info, false)]
          : ["core", direct.spec, argumentArray(info)],
      ),
      ";",
    );
  });
  f.print("},");
  if (direct === undefined) return;
  printSignature(f, cx, { ...info, member: direct.syncMember }, valueTypeExpr(cx, info), " {");
  f.indent(() => {
    // The spec's own `sync`: a call site per function, into a fast path of its own when it has one.
    f.print(
      "return ",
      direct.spec,
      ".sync",
      callArgs(["core", ...info.params.map((p) => p.name)]),
      ";",
    );
  });
  f.print("},");
}

export function emitExportSide(f: GeneratedFile, cx: EmitContext): void {
  const unit = cx.unit;
  const { functions, resources } = unitFunctions(cx);
  const all = allFunctions(cx);
  printErrorAliases(f, cx, all);

  const iface = cx.resolve.interfaces[unit.iface!]!;
  f.jsDoc({
    docs: iface.docs.contents,
    tags: interfaceTags(unit, iface),
  });
  const staticSides = [...resources.values()].filter(hasStaticSide);
  if (functions.length === 0 && staticSides.length === 0) {
    f.print("export interface ", unit.contract, " {}");
  } else {
    f.print("export interface ", unit.contract, " {");
    f.indent(() => {
      for (const info of functions) {
        functionDoc(f, info);
        printSignature(f, cx, info, promiseTypeExpr(cx, info), ";");
        printSyncSignature(f, cx, info);
      }
      for (const resource of staticSides) {
        const names = unit.typeNames.get(resource.id)!;
        f.print("readonly ", quotePropertyKey(resource.member), ": ", names.classType!, ";");
      }
    });
    f.print("}");
  }
  f.print();
  printExportSpecs(f, cx, all);

  const core = cx.runtime.type("InstanceCore");
  f.print("export function ", unit.factory, signature([["core: ", core]], unit.contract), " {");
  f.indent(() => {
    if (functions.length === 0 && staticSides.length === 0) {
      f.print("return {};");
      return;
    }
    if (bindsByName(functions, staticSides)) {
      f.print(
        "return ",
        cx.runtime.value("bindExports"),
        typeArgs([unit.contract]),
        callArgs([
          "core",
          specTableName(functions[0] ?? staticSides[0]!.constructor ?? staticSides[0]!.statics[0]!),
        ]),
        ";",
      );
      return;
    }
    f.print("return {");
    f.indent(() => {
      for (const info of functions) printExportMethod(f, cx, info);
      for (const resource of staticSides) {
        f.print(quotePropertyKey(resource.member), ": {");
        f.indent(() => {
          const ctor = resource.constructor;
          if (ctor !== undefined) printExportMethod(f, cx, ctor);
          for (const info of resource.statics) printExportMethod(f, cx, info);
        });
        f.print("},");
      }
    });
    f.print("};");
  });
  f.print("}");
}

/**
 * Whether the runtime can build the interface's object from its table (`bindExports`): every member has jco's
 * name (a name the SDK changed, to keep clear of a keyword or another member, is only known here) and none
 * has a synchronous direct form.
 */
function bindsByName(
  functions: readonly FunctionInfo[],
  staticSides: readonly ResourceInfo[],
): boolean {
  const plain = (info: FunctionInfo): boolean =>
    info.direct === undefined && info.member === info.jcoName;
  return (
    functions.every(plain) &&
    staticSides.every(
      (resource) => resource.member === resource.jcoName && resource.statics.every(plain),
    )
  );
}
