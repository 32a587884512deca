/**
 * Code generation, resources: the declarations of one resource, which depend on who implements it.
 * Consumes the plan (which side the resource is on) and the functions grouped by `emit-functions.ts`;
 * prints, at the resource's place among the file's types:
 *
 * - guest resources (exported): the instance interface (`Counter extends Disposable`, methods returning
 *   promises), its static side (`CounterClass`: `create` for the constructor, statics), and its descriptor,
 *   whose class the runtime builds from the export table (`runtime/guest-resource-classes.ts`: a
 *   `GuestResource` whose methods call through the gate), or which is given a printed class when the SDK
 *   renamed a method;
 * - host resources (imported, or declared in the world): the contract the host's objects implement
 *   (`Request extends Destructible`: synchronous methods, an optional `[Symbol.dispose]`), the static side the host provides when
 *   the resource has a constructor or statics (`RequestClass`, a class fits), and its descriptor. The
 *   import adapters hand jco a per-instance class built from the specs (`hostResourceClass`); the
 *   objects live in the instance's resource table, typed per resource in `index.ts`'s `HostResources`.
 */
import type { TypeId } from "../wit/model.js";
import {
  argumentArray,
  asyncCallArgs,
  functionDoc,
  printSignature,
  promiseTypeExpr,
  signatureParams,
  specTableName,
  stabilityTags,
  unitFunctions,
  valueTypeExpr,
  type ResourceInfo,
} from "./emit-functions.js";
import type { Unit } from "./emit-plan.js";
import { printDescriptor } from "./emit-descriptor.js";
import {
  callArgs,
  signature,
  typeArgs,
  type GeneratedFile,
  type Printable,
} from "./printer/index.js";
import { stringLiteral } from "./names.js";
import { typeNameRef, type EmitContext } from "./type-expr.js";

/** `ns:pkg/iface#name`, or the bare name of a world-level resource. */
function resourceName(cx: EmitContext, unit: Unit, id: TypeId): string {
  const name = cx.resolve.types[id]!.name ?? "resource";
  return unit.kind === "index" ? name : `${unit.key}#${name}`;
}

/** The grouped functions of a resource of the current unit (empty when it has none). */
function resourceInfo(cx: EmitContext, id: TypeId): ResourceInfo {
  const info = unitFunctions(cx).resources.get(id);
  if (info === undefined) throw new Error(`resource ${id} was not grouped (a wit-ts bug)`);
  return info;
}

/** True when the resource has something on its static side (a constructor or statics). */
export function hasStaticSide(info: ResourceInfo): boolean {
  return info.constructor !== undefined || info.statics.length > 0;
}

export function emitResource(f: GeneratedFile, cx: EmitContext, id: TypeId): void {
  const def = cx.resolve.types[id]!;
  f.jsDoc({ docs: def.docs.contents, tags: stabilityTags(def.stability) });
  if (cx.plan.resourceSide(id, cx.unit.side) === "guest") emitGuestResource(f, cx, id);
  else emitHostResource(f, cx, id);
}

function emitGuestResource(f: GeneratedFile, cx: EmitContext, id: TypeId): void {
  const names = cx.unit.typeNames.get(id)!;
  const info = resourceInfo(cx, id);
  const self = typeNameRef(cx, id);
  if (info.methods.length === 0) {
    f.print("export interface ", names.type, " extends Disposable {}");
  } else {
    f.print("export interface ", names.type, " extends Disposable {");
    f.indent(() => {
      for (const method of info.methods) {
        functionDoc(f, method);
        printSignature(f, cx, method, promiseTypeExpr(cx, method), ";");
      }
    });
    f.print("}");
  }
  f.print();
  if (hasStaticSide(info)) {
    f.print("export interface ", names.classType!, " {");
    f.indent(() => {
      const ctor = info.constructor;
      if (ctor !== undefined) {
        functionDoc(f, ctor);
        printSignature(f, cx, ctor, ["Promise", typeArgs([self])], ";");
      }
      for (const fn of info.statics) {
        functionDoc(f, fn);
        printSignature(f, cx, fn, promiseTypeExpr(cx, fn), ";");
      }
    });
    f.print("}");
    f.print();
  }
  const name = stringLiteral(resourceName(cx, cx.unit, id));
  const guestResource = cx.runtime.value("guestResource");
  if (info.methods.length === 0) {
    printDescriptor(f, names.descriptor, [guestResource, typeArgs([self]), callArgs([name])]);
  } else if (info.methods.every((method) => method.member === method.jcoName)) {
    // The runtime builds the class from the table's `[method]` entries, under jco's names, which are the SDK's.
    // The table names this descriptor, so it is read when first needed and the annotation types the descriptor.
    f.print(
      "export const ",
      names.descriptor,
      ": ",
      cx.runtime.type("GuestResourceType"),
      typeArgs([self]),
      " = ",
      guestResource,
      callArgs([name, `() => ${specTableName(info.methods[0]!)}`]),
      ";",
    );
  } else {
    printGuestClass(f, cx, names.wrapper!, self, info);
    f.print();
    printDescriptor(f, names.descriptor, [
      guestResource,
      typeArgs([self]),
      callArgs([name, names.wrapper!]),
    ]);
  }
  f.print();
}

/**
 * The class that wraps the resource's objects, printed because the SDK named one of its methods otherwise than
 * jco (a keyword, a clash), which the runtime's class built from the table could not know.
 */
function printGuestClass(
  f: GeneratedFile,
  cx: EmitContext,
  wrapper: string,
  self: Printable,
  info: ResourceInfo,
): void {
  f.print(
    "class ",
    wrapper,
    " extends ",
    cx.runtime.value("GuestResource"),
    " implements ",
    self,
    " {",
  );
  f.indent(() => {
    info.methods.forEach((method, index) => {
      if (index > 0) f.print();
      printSignature(f, cx, method, promiseTypeExpr(cx, method), " {");
      f.indent(() => {
        f.print(
          "return ",
          cx.runtime.value("callMethod"),
          callArgs(["this", method.spec, argumentArray(method), ...asyncCallArgs(method, true)]),
          ";",
        );
      });
      f.print("}");
    });
  });
  f.print("}");
}

function emitHostResource(f: GeneratedFile, cx: EmitContext, id: TypeId): void {
  const names = cx.unit.typeNames.get(id)!;
  const info = resourceInfo(cx, id);
  const self = typeNameRef(cx, id);
  // The optional destructor, and what it is for, comes from the runtime's `Destructible`.
  const base = cx.runtime.type("Destructible");
  if (info.methods.length === 0) {
    f.print("export interface ", names.type, " extends ", base, " {}");
  } else {
    f.print("export interface ", names.type, " extends ", base, " {");
    f.indent(() => {
      for (const method of info.methods) {
        functionDoc(f, method);
        printSignature(f, cx, method, valueTypeExpr(cx, method), ";");
      }
    });
    f.print("}");
  }
  f.print();
  if (hasStaticSide(info)) {
    f.print("export interface ", names.classType!, " {");
    f.indent(() => {
      const ctor = info.constructor;
      if (ctor !== undefined) {
        functionDoc(f, ctor);
        f.print("new ", signature(signatureParams(cx, ctor), self), ";");
      }
      for (const fn of info.statics) {
        functionDoc(f, fn);
        printSignature(f, cx, fn, valueTypeExpr(cx, fn), ";");
      }
    });
    f.print("}");
    f.print();
  }
  printDescriptor(f, names.descriptor, [
    cx.runtime.value("hostResource"),
    typeArgs([self]),
    callArgs([stringLiteral(resourceName(cx, cx.unit, id))]),
  ]);
  f.print();
}
