/**
 * Code generation, type declarations: the named types of one file (an interface's, or the world's in
 * `index.ts`), in dependency order. Consumes the plan's unit and the model; prints, per type, its
 * TypeScript declaration with the WIT docs as JSDoc (records and flags as interfaces, variants, enums and
 * everything else as type aliases, as the README's type mapping says) followed by its runtime descriptor constant,
 * which the function specs use to check and convert values. Resources are the resource emitter's job.
 */
import type { Case, TypeId } from "../wit/model.js";
import { stabilityTags } from "./emit-functions.js";
import { printDescriptor } from "./emit-descriptor.js";
import { emitResource } from "./emit-resources.js";
import {
  objectType,
  typeAlias,
  union,
  type GeneratedFile,
  type Printable,
} from "./printer/index.js";
import { quotePropertyKey, stringLiteral } from "./names.js";
import {
  anonymousTypeExpr,
  jcoFieldName,
  structureDescriptor,
  typeExpr,
  type EmitContext,
} from "./type-expr.js";

/** Prints every named type of the current unit. */
export function emitTypes(f: GeneratedFile, cx: EmitContext): void {
  for (const id of cx.unit.types) emitType(f, cx, id);
}

function emitType(f: GeneratedFile, cx: EmitContext, id: TypeId): void {
  const def = cx.resolve.types[id]!;
  const names = cx.unit.typeNames.get(id)!;
  const kind = def.kind;
  if (kind.kind === "resource") {
    emitResource(f, cx, id);
    return;
  }
  f.jsDoc({ docs: def.docs.contents, tags: stabilityTags(def.stability) });
  const head = `export type ${names.type}`;
  switch (kind.kind) {
    case "record":
      printInterface(f, names.type, kind.fields.length, () => {
        for (const field of kind.fields) {
          f.jsDoc({ docs: field.docs.contents });
          f.print(quotePropertyKey(jcoFieldName(field.name)), ": ", typeExpr(cx, field.type), ";");
        }
      });
      break;
    case "flags":
      printInterface(f, names.type, kind.flags.length, () => {
        for (const flag of kind.flags) {
          f.jsDoc({ docs: flag.docs.contents });
          // jco reads a missing member as false, so none is required.
          f.print(quotePropertyKey(jcoFieldName(flag.name)), "?: boolean;");
        }
      });
      break;
    case "variant":
      f.print(typeAlias(head, union(variantMembers(cx, kind.cases))), ";");
      break;
    case "enum":
      f.print(typeAlias(head, union(enumMembers(kind.cases))), ";");
      break;
    case "tuple":
    case "option":
    case "result":
    case "list":
    case "fixed-length-list":
    case "map":
    case "future":
    case "stream":
    case "handle":
    case "type":
      f.print(typeAlias(head, anonymousTypeExpr(cx, def)), ";");
      break;
    case "unknown":
      throw new Error(`type \`${def.name ?? id}\` was never resolved (a wit-ts bug)`);
    default: {
      const never: never = kind;
      throw new Error(`unknown type kind ${JSON.stringify(never)}`);
    }
  }
  f.print();
  printDescriptor(f, names.descriptor, structureDescriptor(cx, def, id));
  f.print();
}

/** `export interface Name { ... }`, or `{}` on one line when it has no members (as prettier prints it). */
function printInterface(f: GeneratedFile, name: string, members: number, body: () => void): void {
  if (members === 0) {
    f.print(`export interface ${name} {}`);
    return;
  }
  f.print(`export interface ${name} {`);
  f.indent(body);
  f.print("}");
}

// The member lists below are built by loops that push onto `[]`: a `map` result is a packed array while the
// builtin runs and a holey one once the compiler inlines it, and the printer would meet both shapes.

/** `{ tag: "a"; val: A }` per case of a variant. */
function variantMembers(cx: EmitContext, cases: readonly Case[]): Printable[] {
  const out: Printable[] = [];
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i]!;
    const members: Printable[] = [["tag: ", stringLiteral(c.name)]];
    if (c.type !== undefined) members.push(["val: ", typeExpr(cx, c.type)]);
    out.push(objectType(members));
  }
  return out;
}

/** `"a"` per case of an enum. */
function enumMembers(cases: readonly { readonly name: string }[]): Printable[] {
  const out: Printable[] = [];
  for (let i = 0; i < cases.length; i++) out.push(stringLiteral(cases[i]!.name));
  return out;
}
