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

/**
 * Collects the rows of a type expression that name a type (`Name`, `Own`, `Borrow`), in source order, for
 * the order of a scope's types. Rows, not names with spans: most scopes only check them, and a span is only
 * needed for an error.
 */
function collectRefs(tt: TypeTable, t: ast.Type, rows: number[]): void {
  const kind = tt.kind[t] as TyKind;
  switch (kind) {
    case Ty.Primitive:
      return;
    case Ty.Name:
    case Ty.Own:
    case Ty.Borrow:
      rows.push(t);
      return;
    case Ty.List:
    case Ty.FixedLengthList:
    case Ty.Option:
      collectRefs(tt, tt.a[t]!, rows);
      return;
    case Ty.Map:
      collectRefs(tt, tt.a[t]!, rows);
      collectRefs(tt, tt.b[t]!, rows);
      return;
    case Ty.Result:
      if (tt.a[t] !== NO_TYPE) collectRefs(tt, tt.a[t]!, rows);
      if (tt.b[t] !== NO_TYPE) collectRefs(tt, tt.b[t]!, rows);
      return;
    case Ty.Tuple: {
      const first = tt.a[t]!;
      const end = first + tt.b[t]!;
      for (let i = first; i < end; i++) collectRefs(tt, tt.elems[i]!, rows);
      return;
    }
    case Ty.Future:
    case Ty.Stream:
      if (tt.a[t] !== NO_TYPE) collectRefs(tt, tt.a[t]!, rows);
      return;
    default: {
      const never: never = kind;
      return never;
    }
  }
}

/** The rows of a type definition that name other types (see {@link collectRefs}), appended to `rows`. */
export function collectDefRefs(tt: TypeTable, def: ast.TypeDef, rows: number[]): void {
  switch (def.kind) {
    case "type":
      collectRefs(tt, def.type, rows);
      return;
    case "record":
      for (const f of def.fields) collectRefs(tt, f.type, rows);
      return;
    case "variant":
      for (const c of def.cases) if (c.type !== undefined) collectRefs(tt, c.type, rows);
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

/** The name a row found by {@link collectDefRefs} refers to. */
export function refName(tt: TypeTable, row: number): string {
  return tt.names[tt.a[row]!]!;
}

/** The names a type definition refers to, each with its span, for the topological sort of a scope's types. */
export function collectDefDeps(tt: TypeTable, def: ast.TypeDef, deps: Edge[]): void {
  const rows: number[] = [];
  collectDefRefs(tt, def, rows);
  for (const row of rows)
    deps.push(tt.kind[row] === Ty.Name ? typeNameId(tt, row) : handleResource(tt, row));
}
