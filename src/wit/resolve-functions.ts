/**
 * Resolution, stage 1: functions. Consumes a function's row of the file's
 * function table (`func-table.ts`) and its rows of the file's parameter table
 * and produces a model {@link Function}: freestanding
 * functions, and a resource's constructor, methods (with their `self`
 * borrow) and static functions under wit-parser's bracketed names, with the
 * checks for duplicate parameters and for a constructor's declared result.
 */
import type * as ast from "./ast.js";
import { codes } from "../diagnostics/codes.js";
import { FuncKind } from "./func-table.js";
import { NO_TYPE, Ty, typeErrorSpan } from "./type-table.js";
import {
  UNKNOWN_STABILITY,
  typeRef,
  type Function,
  type FunctionKind,
  type Param,
  type Type,
  type TypeId,
} from "./model.js";
import { fail, type PackageState } from "./resolve-package-state.js";
import { resolveType, borrowHandle } from "./resolve-type-expr.js";

export const FREESTANDING: FunctionKind = Object.freeze({ kind: "freestanding" });
export const ASYNC_FREESTANDING: FunctionKind = Object.freeze({ kind: "async-freestanding" });

/** A resource's member (row `row` of the current file's function table) under wit-parser's bracketed name. */
export function resolveResourceFunc(r: PackageState, row: number): Function {
  const ft = r.ft;
  const resource = ft.resources[row]!;
  const found = r.typeLookup.ids.get(resource.name);
  if (found === undefined) throw new Error("resource missing from its scope");
  const id = found as TypeId;
  const isAsync = ft.isAsync(row);
  let name: string;
  let kind: FunctionKind;
  const funcKind = ft.kind(row);
  switch (funcKind) {
    case FuncKind.Method:
      name = `[method]${resource.name}.${ft.names[row]!}`;
      kind = { kind: isAsync ? "async-method" : "method", resource: id };
      break;
    case FuncKind.Static:
      name = `[static]${resource.name}.${ft.names[row]!}`;
      kind = { kind: isAsync ? "async-static" : "static", resource: id };
      break;
    case FuncKind.Constructor:
      name = `[constructor]${resource.name}`;
      kind = { kind: "constructor", resource: id };
      break;
    case FuncKind.Freestanding:
      throw new Error("a freestanding function among a resource's members");
    default: {
      const never: never = funcKind;
      return never;
    }
  }
  return resolveFunction(r, ft.docs[row]!, ft.attributes[row]!, name, row, kind);
}

/** The function of row `row` of the current file's function table, with the docs and gates given. */
export function resolveFunction(
  r: PackageState,
  docs: ast.Docs,
  attributes: readonly ast.Attribute[],
  name: string,
  row: number,
  kind: FunctionKind,
): Function {
  const d = r.docs(docs);
  const stability = r.stability(attributes);
  const params = resolveParams(r, row, kind);
  const result = resolveResult(r, row, kind);
  return { name, kind, params, result, docs: d, stability };
}

function resolveParams(r: PackageState, row: number, kind: FunctionKind): Param[] {
  const method = kind.kind === "method" || kind.kind === "async-method";
  const table = r.pt;
  const ft = r.ft;
  const first = ft.firstParam[row]!;
  const paramCount = ft.paramCount[row]!;
  const end = first + paramCount;
  const count = paramCount + (method ? 1 : 0);
  // Sized up front: an empty array's first push reserves room for 17, and
  // functions are many while their parameters are few.
  const params: Param[] = new Array<Param>(count);
  let n = 0;
  if (method) {
    // Methods take `self: borrow<R>` first.
    params[n++] = {
      name: "self",
      type: borrowHandle(r, kind.resource, UNKNOWN_STABILITY, ft.funcStart[row]!, ft.funcEnd[row]!),
    };
  }
  // Parameter lists are usually short: a linear scan beats allocating a set, up to a point.
  const seen = count > 16 ? new Set<string>(method ? ["self"] : []) : undefined;
  for (let row = first; row < end; row++) {
    const type = resolveType(r, table.type[row]!, UNKNOWN_STABILITY);
    const name = table.names[row]!;
    let dup = false;
    if (seen) dup = seen.has(name);
    else for (let i = 0; i < n; i++) if (params[i]!.name === name) dup = true;
    if (dup)
      fail(codes.DuplicateName, `param \`${name}\` is defined more than once`, table.span(row));
    seen?.add(name);
    params[n++] = { name, type };
  }
  return params;
}

function resolveResult(r: PackageState, row: number, kind: FunctionKind): Type | undefined {
  const resultAst = r.ft.result[row]!;
  if (kind.kind !== "constructor") {
    return resultAst === NO_TYPE ? undefined : resolveType(r, resultAst, UNKNOWN_STABILITY);
  }
  // A constructor returns its resource, or `result<R, E>` of it when declared.
  if (resultAst === NO_TYPE) return typeRef(kind.resource);
  const result = resolveType(r, resultAst, UNKNOWN_STABILITY);
  const def = typeof result === "string" ? undefined : r.types[result.id]!.kind;
  if (!def || def.kind !== "result") {
    fail(
      codes.InvalidConstructor,
      "if a constructor return type is declared it must be a `result`",
      typeErrorSpan(r.tt, resultAst),
    );
  }
  const ok = def.ok;
  if (ok !== undefined && typeof ok !== "string" && ok.id === kind.resource) return result;
  const tt = r.tt;
  const okSpan =
    tt.kind[resultAst] === Ty.Result && tt.a[resultAst] !== NO_TYPE
      ? typeErrorSpan(tt, tt.a[resultAst]!)
      : typeErrorSpan(tt, resultAst);
  fail(codes.InvalidConstructor, "the `ok` type must be the resource being constructed", okSpan);
}
