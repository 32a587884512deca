/**
 * Code generation, the import side of an interface: what the host implements, and the adapters jco
 * calls. Consumes an import unit of the plan; prints (after the unit's types) the `XxxError` aliases, the
 * host contract (`HttpImports`: synchronous functions, and the class of each resource that has a
 * constructor or statics), the `--autodrop-borrows` adapters of functions that receive borrows, the unit's
 * spec table (`importTable`: one entry per function), and the factory
 * `createHttpImports(core, host)` that builds the object jco reads: each function adapted by
 * `adaptImport` (the handler runs through the gate's `runImport`; the runtime's `bindImports` adapts them all
 * from the table when jco's names are the host's), each resource a per-instance class from
 * `hostResourceClass`. An interface with nothing to implement (only types) gets its types and nothing else.
 */
import {
  functionDoc,
  printErrorAliases,
  printImportAdapter,
  printImportTable,
  specTableName,
  printSignature,
  interfaceTags,
  unitFunctions,
  unitSurface,
  valueTypeExpr,
  type FunctionInfo,
  type ResourceInfo,
} from "./emit-functions.js";
import type { Unit } from "./emit-plan.js";
import { hasStaticSide } from "./emit-resources.js";
import {
  callArgs,
  object,
  signature,
  type GeneratedFile,
  type Printable,
} from "./printer/index.js";
import { quotePropertyKey, stringLiteral } from "./names.js";
import { descriptorRef, typeNameRef, type EmitContext } from "./type-expr.js";

/** The runtime's rule for jco's name of a resource's method or static (`member-names.ts`'s `camel`). */
function lowerCamelRule(name: string): string {
  return name.replace(/-(.)/g, (_, letter: string) => letter.toUpperCase());
}

/** Every function of an import unit, resources' included, in the order their specs are printed. */
export function importFunctions(cx: EmitContext): FunctionInfo[] {
  const { functions, resources } = unitFunctions(cx);
  // Pushes onto `[]`, as `unitFunctions` makes its arrays: a spread's copy is an array of another shape.
  const out: FunctionInfo[] = [];
  for (let i = 0; i < functions.length; i++) out.push(functions[i]!);
  for (const resource of resources.values()) {
    if (resource.constructor !== undefined) out.push(resource.constructor);
    for (let i = 0; i < resource.statics.length; i++) out.push(resource.statics[i]!);
    for (let i = 0; i < resource.methods.length; i++) out.push(resource.methods[i]!);
  }
  return out;
}

/** Whether the host has anything to provide for the current unit (else it gets no contract entry). */
export function needsHost(cx: EmitContext, unit: Unit = cx.unit): boolean {
  const surface = unitSurface(cx, unit);
  return surface.hasFunctions || surface.staticSides.size > 0;
}

/** The members of a host contract: functions, then the classes of resources with a static side. */
export function printHostContractMembers(f: GeneratedFile, cx: EmitContext): void {
  const { functions, resources } = unitFunctions(cx);
  for (let i = 0; i < functions.length; i++) {
    const info = functions[i]!;
    functionDoc(f, info);
    printSignature(f, cx, info, valueTypeExpr(cx, info), ";");
  }
  for (const resource of resources.values()) {
    if (!hasStaticSide(resource)) continue;
    const names = cx.unit.typeNames.get(resource.id)!;
    f.print("readonly ", quotePropertyKey(resource.member), ": ", names.classType!, ";");
  }
}

/** The `--autodrop-borrows` adapters of a unit's host imports, then its spec table. */
export function printImportSpecs(f: GeneratedFile, cx: EmitContext): void {
  const functions = importFunctions(cx);
  if (functions.length === 0) return;
  for (let i = 0; i < functions.length; i++) {
    const info = functions[i]!;
    printImportAdapter(f, cx, info, adapterHostType(cx, info));
  }
  printImportTable(f, cx, functions);
  f.print();
}

/** What an import's handler is called on: the host's object of the unit, a resource's object or its class. */
function adapterHostType(cx: EmitContext, info: FunctionInfo): Printable {
  if (info.resource === undefined) return cx.unit.kind === "index" ? "Imports" : cx.unit.contract;
  if (info.kind === "method") return typeNameRef(cx, info.resource);
  return cx.unit.typeNames.get(info.resource)!.classType!;
}

/**
 * `hostResourceClass(core, xType, hostClass, importSpecs, "x")`: jco's class for a resource, its members taken
 * from the unit's table by the runtime; `{ create, methods, statics }` spelled out when jco's name of one of them
 * is not the lowerCamel form of its WIT name (the runtime's rule).
 */
export function hostResourceCall(
  cx: EmitContext,
  resource: ResourceInfo,
  hostClass: Printable,
): Printable {
  const name = cx.resolve.types[resource.id]!.name ?? "resource";
  const functions = [
    ...(resource.constructor === undefined ? [] : [resource.constructor]),
    ...resource.methods,
    ...resource.statics,
  ];
  const byRule = (info: FunctionInfo): boolean => {
    const key = info.func.name;
    const prefix = info.kind === "method" ? `[method]${name}.` : `[static]${name}.`;
    if (info.kind === "constructor") return key === `[constructor]${name}`;
    return key.startsWith(prefix) && info.jcoName === lowerCamelRule(key.slice(prefix.length));
  };
  if (functions.length > 0 && functions.every(byRule)) {
    return [
      cx.runtime.value("hostResourceClass"),
      callArgs([
        "core",
        descriptorRef(cx, resource.id),
        hostClass,
        specTableName(functions[0]!),
        stringLiteral(name),
      ]),
    ];
  }
  const members: (readonly [string, Printable])[] = [];
  if (resource.constructor !== undefined) members.push(["create", resource.constructor.spec]);
  if (resource.methods.length > 0)
    members.push(["methods", object(resource.methods.map((m) => [m.jcoName, m.spec]))]);
  if (resource.statics.length > 0)
    members.push(["statics", object(resource.statics.map((m) => [m.jcoName, m.spec]))]);
  const args: Printable[] = ["core", descriptorRef(cx, resource.id), hostClass];
  if (members.length > 0) args.push(object(members));
  return [cx.runtime.value("hostResourceClass"), callArgs(args)];
}

export function emitImportSide(f: GeneratedFile, cx: EmitContext): void {
  const unit = cx.unit;
  if (!unit.readByJco) return;
  const { functions, resources } = unitFunctions(cx);
  const all = importFunctions(cx);
  printErrorAliases(f, cx, all);
  const host = needsHost(cx);

  const iface = cx.resolve.interfaces[unit.iface!]!;
  if (host) {
    f.jsDoc({
      docs: iface.docs.contents,
      tags: interfaceTags(unit, iface),
    });
    f.print("export interface ", unit.contract, " {");
    f.indent(() => printHostContractMembers(f, cx));
    f.print("}");
    f.print();
  }
  printImportSpecs(f, cx);

  const classes: (readonly [string, Printable])[] = [];
  for (const resource of resources.values()) {
    const hostClass = hasStaticSide(resource) ? `host.${resource.member}` : "undefined";
    classes.push([resource.jcoName, hostResourceCall(cx, resource, hostClass)]);
  }
  const core = cx.runtime.type("InstanceCore");
  const params: Printable[] = [["core: ", core]];
  if (host) params.push(["host: ", unit.contract]);
  f.print("export function ", unit.factory, signature(params, "object"), " {");
  // The runtime adapts the functions from the table when jco's names are the host's (a name the SDK changed,
  // to keep clear of a keyword or another member, is only known here).
  if (functions.length > 0 && functions.every((info) => info.member === info.jcoName)) {
    const args: Printable[] = ["core", specTableName(functions[0]!), "host"];
    if (classes.length > 0) args.push(object(classes, { expand: true }));
    f.indent(() => f.print("return ", cx.runtime.value("bindImports"), callArgs(args), ";"));
    f.print("}");
    return;
  }
  const entries = [...classes];
  for (const info of functions) {
    entries.push([
      info.jcoName,
      [cx.runtime.value("adaptImport"), callArgs(["core", info.spec, "host"])],
    ]);
  }
  f.indent(() => f.print("return ", object(entries, { expand: true }), ";"));
  f.print("}");
}
