/**
 * Resolution, stage 1: the named types of one interface or world. Consumes the
 * scope's `use` items and type definitions and allocates a model type for
 * each, `use`d names first and then definitions in dependency order (which
 * rejects cycles and unknown names in one go), with the checks of each kind
 * of definition: one constructor per resource, no empty variant or enum.
 */
import type * as ast from "./ast.js";
import { codes } from "../diagnostics/codes.js";
import { FuncKind } from "./func-table.js";
import { PRIMITIVE_NAMES, Ty, type TyKind } from "./type-table.js";
import {
  noDocs,
  typeRef,
  type Case,
  type EnumCase,
  type Field,
  type Flag,
  type Stability,
  type Type,
  type TypeDefKind,
  type TypeOwner,
} from "./model.js";
import { collectDefDeps, collectDefRefs, refName } from "./resolve-references.js";
import { toposort, type Edge } from "./resolve-toposort.js";
import { fail, type PackageState } from "./resolve-package-state.js";
import { objectArray } from "./object-array.js";
import {
  resolveOptType,
  resolveTypeNameAt,
  validateResource,
  resolveType,
  checkMapKey,
} from "./resolve-type-expr.js";

const FLOAT_RENAMES: ReadonlyMap<string, string> = new Map([
  ["float32", "f32"],
  ["float64", "f64"],
]);

/**
 * Defines the types of one scope: `use`d names first, then definitions in
 * dependency order, which rejects cycles and unknown names in one go.
 */
export function resolveTypes(
  r: PackageState,
  owner: TypeOwner,
  items: readonly (ast.Use | ast.TypeDef)[],
): void {
  if (items.length === 0) return;
  for (const item of items) if (item.kind === "use") resolveUse(r, owner, item);
  if (inDependencyOrder(r, items)) {
    for (const item of items) if (item.kind !== "use") defineTypeDef(r, owner, item);
    return;
  }

  const deps = new Map<string, Edge[]>();
  const defs = new Map<string, ast.TypeDef | undefined>();
  for (const item of items) {
    if (item.kind === "use") {
      for (const n of item.names) {
        const name = (n.as ?? n.name).name;
        deps.set(name, []);
        defs.set(name, undefined);
      }
      continue;
    }
    if (defs.has(item.name.name)) {
      fail(codes.DuplicateName, `name \`${item.name.name}\` is defined more than once`, item.name);
    }
    defs.set(item.name.name, item);
    const edges: Edge[] = [];
    collectDefDeps(r.tt, item, edges);
    deps.set(item.name.name, edges);
  }
  const order = toposort("type", deps, (name) => {
    const renamed = FLOAT_RENAMES.get(name);
    return renamed === undefined
      ? undefined
      : `the \`${name}\` type has been renamed to \`${renamed}\` and is no longer accepted, but the \`WIT_REQUIRE_F32_F64=0\` environment variable can be used to temporarily disable this error`;
  });
  for (const name of order) {
    const def = defs.get(name);
    defs.delete(name);
    if (def) defineTypeDef(r, owner, def);
  }
}

/** Rows of the type table that name types, reused from scope to scope (see `inDependencyOrder`). */
const refRows: number[] = [];

/**
 * Whether the scope's definitions can be taken in source order: each refers
 * only to `use`d names and to definitions before it, and no name is defined
 * twice. Source order is then the order the topological sort would give
 * (among ready names it takes the earliest), and most scopes are written that
 * way, so the sort and its maps are skipped. Anything else, errors included,
 * goes through the sort, which reports as wit-parser does.
 */
function inDependencyOrder(r: PackageState, items: readonly (ast.Use | ast.TypeDef)[]): boolean {
  const scope = r.typeLookup.ids;
  const tt = r.tt;
  let before: Set<string> | undefined;
  for (const item of items) {
    if (item.kind === "use") continue;
    const name = item.name.name;
    if (scope.has(name) || before?.has(name)) return false;
    refRows.length = 0;
    collectDefRefs(tt, item, refRows);
    for (const row of refRows) {
      const ref = refName(tt, row);
      if (!scope.has(ref) && !before?.has(ref)) return false;
    }
    (before ??= new Set()).add(name);
  }
  return true;
}

/** Allocates the type of one definition and defines its name in the scope. */
function defineTypeDef(r: PackageState, owner: TypeOwner, def: ast.TypeDef): void {
  const docs = r.docs(def.docs);
  const stability = r.stability(def.attributes);
  const kind = resolveTypeDef(r, def, stability);
  const id = r.allocType({ name: def.name.name, kind, owner, docs, stability });
  r.typeSpans.push(def.name);
  if (def.kind === "record")
    r.fieldSpans.set(
      id,
      def.fields.map((f) => f.name),
    );
  r.defineName(def.name, id);
}

function resolveUse(r: PackageState, owner: TypeOwner, u: ast.Use): void {
  const from = r.resolveInterfacePath(u.from);
  const stability = r.stability(u.attributes);
  const iface = r.interfaces[from]!;
  for (const n of u.names) {
    const found = iface.types.get(n.name.name);
    if (found === undefined) {
      // A freestanding function is there under its own name (resource functions' names have brackets).
      if (iface.functions.has(n.name.name)) {
        fail(codes.WrongItemKind, `cannot import function \`${n.name.name}\``, n.name);
      }
      fail(codes.UnknownName, `name \`${n.name.name}\` does not exist`, n.name);
    }
    r.typeSpans.push(n.name);
    const local = n.as ?? n.name;
    const id = r.allocType({
      name: local.name,
      kind: { kind: "type", type: typeRef(found) },
      owner,
      docs: noDocs(),
      stability,
    });
    r.defineName(local, id);
  }
}

function resolveTypeDef(r: PackageState, def: ast.TypeDef, stability: Stability): TypeDefKind {
  switch (def.kind) {
    case "type":
      return resolveTypeExpr(r, def.type, stability);
    case "resource": {
      // At most one constructor and no two members with one name.
      let ctors = 0;
      const names = new Set<string>();
      const ft = r.ft;
      for (let row = def.firstFunc, end = row + def.funcCount; row < end; row++) {
        if (ft.kind(row) === FuncKind.Constructor) {
          ctors++;
          if (ctors > 1) fail(codes.DuplicateName, "duplicate constructors", ft.nameSpan(row));
        } else {
          const name = ft.names[row]!;
          if (names.has(name)) {
            fail(codes.DuplicateName, `duplicate function name \`${name}\``, ft.nameSpan(row));
          }
          names.add(name);
        }
      }
      return { kind: "resource" };
    }
    case "record":
      return {
        kind: "record",
        fields: resolveFields(r, def.fields, stability),
      };
    case "flags":
      return {
        kind: "flags",
        flags: resolveNamed(r, def.flags),
      };
    case "variant":
      if (def.cases.length === 0) fail(codes.InvalidType, "empty variant", def.name);
      return {
        kind: "variant",
        cases: resolveCases(r, def.cases, stability),
      };
    case "enum":
      if (def.cases.length === 0) fail(codes.InvalidType, "empty enum", def.name);
      return {
        kind: "enum",
        cases: resolveNamed(r, def.cases),
      };
    default: {
      const never: never = def;
      return never;
    }
  }
}

// The members of records, flags, variants and enums are made by loops rather than `map` callbacks: a callback
// is a closure made per definition, which V8 optimizes anew in every run of a process.

function resolveFields(
  r: PackageState,
  fields: readonly ast.Field[],
  stability: Stability,
): Field[] {
  const out = objectArray<Field>();
  for (const f of fields) {
    out.push({ docs: r.docs(f.docs), name: f.name.name, type: resolveType(r, f.type, stability) });
  }
  return out;
}

function resolveCases(r: PackageState, cases: readonly ast.Case[], stability: Stability): Case[] {
  const out = objectArray<Case>();
  for (const c of cases) {
    const type = c.type === undefined ? undefined : resolveType(r, c.type, stability);
    out.push({ docs: r.docs(c.docs), name: c.name.name, type });
  }
  return out;
}

/** Flags and enum cases: a name and its docs. */
function resolveNamed(
  r: PackageState,
  members: readonly (ast.Flag | ast.EnumCase)[],
): (Flag & EnumCase)[] {
  const out = objectArray<Flag & EnumCase>();
  for (const m of members) out.push({ docs: r.docs(m.docs), name: m.name.name });
  return out;
}

/** The definition a type expression stands for (wit-parser's `resolve_type_def` on an `ast::Type`). */
function resolveTypeExpr(r: PackageState, t: ast.Type, stability: Stability): TypeDefKind {
  const tt = r.tt;
  const kind = tt.kind[t] as TyKind;
  switch (kind) {
    case Ty.Primitive:
      return { kind: "type", type: PRIMITIVE_NAMES[tt.a[t]!]! };
    case Ty.Name:
      return { kind: "type", type: typeRef(resolveTypeNameAt(r, tt, t)) };
    case Ty.List:
      return { kind: "list", element: resolveType(r, tt.a[t]!, stability) };
    case Ty.FixedLengthList:
      return {
        kind: "fixed-length-list",
        element: resolveType(r, tt.a[t]!, stability),
        size: tt.b[t]!,
      };
    case Ty.Map: {
      const key = resolveType(r, tt.a[t]!, stability);
      const value = resolveType(r, tt.b[t]!, stability);
      checkMapKey(key, tt, t);
      return { kind: "map", key, value };
    }
    case Ty.Own:
    case Ty.Borrow:
      return {
        kind: "handle",
        handle: {
          kind: kind === Ty.Own ? "own" : "borrow",
          resource: validateResource(r, tt, t),
        },
      };
    case Ty.Option:
      return { kind: "option", type: resolveType(r, tt.a[t]!, stability) };
    case Ty.Result:
      return {
        kind: "result",
        ok: resolveOptType(r, tt.a[t]!, stability),
        err: resolveOptType(r, tt.b[t]!, stability),
      };
    case Ty.Tuple: {
      const first = tt.a[t]!;
      const types = new Array<Type>(tt.b[t]!);
      for (let i = 0; i < types.length; i++)
        types[i] = resolveType(r, tt.elems[first + i]!, stability);
      return { kind: "tuple", types };
    }
    case Ty.Future:
    case Ty.Stream:
      return {
        kind: kind === Ty.Future ? "future" : "stream",
        type: resolveOptType(r, tt.a[t]!, stability),
      };
    default: {
      const never: never = kind;
      return never;
    }
  }
}
