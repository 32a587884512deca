/**
 * What the declarations of a package refer to, for resolution stage 1 (`resolve-package.ts`). Consumes the
 * tree of a file (and its type table) and produces two kinds of references: the paths a declaration list
 * mentions (`use`, `include`, imports and exports), which decide the package's structure before any item
 * is resolved, and the names a type definition refers to, which order a scope's types (`resolve-toposort.ts`).
 * Both are collected in wit-parser's order, because that order fixes the order of the ids and of errors.
 */
import type * as ast from "./ast.js";
import type { Edge } from "./resolve-toposort.js";
import {
  handleResource,
  NO_TYPE,
  Ty,
  typeNameId,
  type TyKind,
  type TypeTable,
} from "./type-table.js";

/** One path a declaration list mentions, with what wit-parser's `for_each_path` passes along with it. */
export interface PathUse {
  /** The interface or world whose `use` or `include` this is; undefined for world imports, exports and `use`s. */
  readonly owner: ast.Id | undefined;
  readonly attributes: readonly ast.Attribute[];
  readonly path: ast.UsePath;
  /** The names a `use` imports; undefined for other paths. */
  readonly names: readonly ast.UseName[] | undefined;
  readonly kind: "world" | "interface" | "unknown";
}

/**
 * Appends every path a declaration list mentions to `out`, in wit-parser's
 * order (`DeclList::for_each_path`): per item; inside a world, `use` and
 * `include` as written, then the paths of all imports, then those of all
 * exports (imports first so that printing round-trips). Collected once per
 * file, since three passes of the resolver need them and most items (type
 * definitions, functions) mention no path.
 */
export function collectPaths(items: readonly ast.AstItem[], out: PathUse[]): void {
  for (const item of items) {
    switch (item.kind) {
      case "world": {
        for (const w of item.items) {
          if (w.kind === "use") {
            out.push({
              owner: undefined,
              attributes: w.attributes,
              path: w.from,
              names: w.names,
              kind: "interface",
            });
          } else if (w.kind === "include") {
            out.push({
              owner: item.name,
              attributes: w.attributes,
              path: w.from,
              names: undefined,
              kind: "world",
            });
          }
        }
        for (const wanted of ["import", "export"] as const) {
          for (const e of item.items) {
            if (e.kind !== wanted) continue;
            const ext = e.extern;
            switch (ext.kind) {
              case "interface":
                collectInterfaceUses(undefined, ext.items, out);
                break;
              case "path":
              case "named-path":
                out.push({
                  owner: undefined,
                  attributes: e.attributes,
                  path: ext.path,
                  names: undefined,
                  kind: "interface",
                });
                break;
              case "func":
                break;
              default: {
                const never: never = ext;
                return never;
              }
            }
          }
        }
        break;
      }
      case "interface":
        collectInterfaceUses(item.name, item.items, out);
        break;
      case "toplevel-use":
        out.push({
          owner: undefined,
          attributes: item.attributes,
          path: item.item,
          names: undefined,
          kind: "unknown",
        });
        break;
      case "package":
        collectPaths(item.items, out);
        break;
      default: {
        const never: never = item;
        return never;
      }
    }
  }
}

function collectInterfaceUses(
  owner: ast.Id | undefined,
  items: readonly ast.InterfaceItem[],
  out: PathUse[],
): void {
  for (const i of items) {
    if (i.kind === "use") {
      out.push({
        owner,
        attributes: i.attributes,
        path: i.from,
        names: i.names,
        kind: "interface",
      });
    }
  }
}

/** Collects the names a type expression refers to, for the topological sort of a scope's types. */
function collectDeps(tt: TypeTable, t: ast.Type, deps: Edge[]): void {
  const kind = tt.kind[t] as TyKind;
  switch (kind) {
    case Ty.Primitive:
      return;
    case Ty.Name:
      deps.push(typeNameId(tt, t));
      return;
    case Ty.Own:
    case Ty.Borrow:
      deps.push(handleResource(tt, t));
      return;
    case Ty.List:
    case Ty.FixedLengthList:
    case Ty.Option:
      collectDeps(tt, tt.a[t]!, deps);
      return;
    case Ty.Map:
      collectDeps(tt, tt.a[t]!, deps);
      collectDeps(tt, tt.b[t]!, deps);
      return;
    case Ty.Result:
      if (tt.a[t] !== NO_TYPE) collectDeps(tt, tt.a[t]!, deps);
      if (tt.b[t] !== NO_TYPE) collectDeps(tt, tt.b[t]!, deps);
      return;
    case Ty.Tuple: {
      const first = tt.a[t]!;
      const end = first + tt.b[t]!;
      for (let i = first; i < end; i++) collectDeps(tt, tt.elems[i]!, deps);
      return;
    }
    case Ty.Future:
    case Ty.Stream:
      if (tt.a[t] !== NO_TYPE) collectDeps(tt, tt.a[t]!, deps);
      return;
    default: {
      const never: never = kind;
      return never;
    }
  }
}

export function collectDefDeps(tt: TypeTable, def: ast.TypeDef, deps: Edge[]): void {
  switch (def.kind) {
    case "type":
      collectDeps(tt, def.type, deps);
      return;
    case "record":
      for (const f of def.fields) collectDeps(tt, f.type, deps);
      return;
    case "variant":
      for (const c of def.cases) if (c.type !== undefined) collectDeps(tt, c.type, deps);
      return;
    case "flags":
    case "enum":
    case "resource":
      return;
    default: {
      const never: never = def;
      return never;
    }
  }
}
