/**
 * Resolution, stage 1: the interfaces and worlds of one package. Consumes an
 * interface's or world's tree and fills its model object: its types (through
 * `resolve-type-defs.ts`), its functions, and for a world its imports and
 * exports (interfaces by path or inline, functions, types) and its pending
 * `include`s, with wit-parser's checks for names that conflict within a
 * world and interfaces imported or exported twice.
 */
import type * as ast from "./ast.js";
import { codes } from "../diagnostics/codes.js";
import type { Span } from "../diagnostics/source-map.js";
import { usePathName } from "./ast.js";
import type { Function, InterfaceId, TypeId, WorldId, WorldKey, WorldItem } from "./model.js";
import { Scope, fail, type PackageState } from "./resolve-package-state.js";
import { resolveTypes } from "./resolve-type-defs.js";
import {
  FREESTANDING,
  ASYNC_FREESTANDING,
  resolveResourceFunc,
  resolveFunction,
} from "./resolve-functions.js";

export function resolveWorld(r: PackageState, worldId: WorldId, world: ast.World): void {
  const w = r.worlds[worldId]!;
  w.docs = r.docs(world.docs);
  w.stability = r.stability(world.attributes);

  const typeItems: (ast.Use | ast.TypeDef)[] = [];
  for (const item of world.items) {
    if (item.kind === "use" || isTypeDef(item)) typeItems.push(item);
  }
  resolveTypes(r, { kind: "world", id: worldId }, typeItems);

  for (const item of world.items) {
    if (item.kind === "include") resolveInclude(r, worldId, item);
  }

  const spans = r.worldSpans[worldId]!;
  const importSpans: Span[] = [];
  const exportSpans: Span[] = [];
  // Types defined in or used into a world are imports of that world.
  let n = 0;
  r.typeLookup.ids.forEach((id, name) => {
    const span = r.typeLookup.spans[n++]!;
    if (w.imports.has(name)) {
      fail(
        codes.WorldItemConflict,
        `import \`${name}\` conflicts with prior import of same name`,
        span,
      );
    }
    w.imports.set(name, { kind: "type", id: id as TypeId });
    importSpans.push(span);
  });

  const importedInterfaces = new Set<InterfaceId>();
  const exportedInterfaces = new Set<InterfaceId>();
  for (const item of world.items) {
    if (item.kind === "resource") {
      // A world-level resource's functions are imports of the world.
      for (let row = item.firstFunc, end = row + item.funcCount; row < end; row++) {
        importSpans.push(r.ft.nameSpan(row));
        const f = resolveResourceFunc(r, row);
        w.imports.set(f.name, { kind: "function", func: f });
      }
      continue;
    }
    if (item.kind !== "import" && item.kind !== "export") continue;
    const isImport = item.kind === "import";
    const desc = item.kind;
    const ext = item.extern;
    const worldItem = resolveWorldItem(r, item.docs, item.attributes, ext);
    let key: WorldKey;
    let span: Span;
    switch (ext.kind) {
      // Interfaces and functions are keyed by the name written in the
      // world (a function's own name, which async does not change).
      case "interface":
      case "named-path":
        key = ext.name.name;
        span = ext.name;
        break;
      case "func":
        key = (worldItem as { func: Function }).func.name;
        span = ext.name;
        break;
      case "path": {
        key = r.resolveInterfacePath(ext.path);
        span = usePathName(ext.path);
        break;
      }
      default: {
        const never: never = ext;
        return never;
      }
    }
    // An interface may appear once per direction, unless it is imported
    // under a name of the world's choosing (`import label: iface;`).
    if (worldItem.kind === "interface" && ext.kind !== "named-path") {
      const seen = isImport ? importedInterfaces : exportedInterfaces;
      if (seen.has(worldItem.id)) {
        fail(codes.WorldItemConflict, `interface cannot be ${desc}ed more than once`, span);
      }
      seen.add(worldItem.id);
    }
    const dst = isImport ? w.imports : w.exports;
    const prev = dst.get(key);
    if (prev) {
      const what =
        prev.kind === "interface" ? "interface" : prev.kind === "function" ? "func" : "type";
      fail(
        codes.WorldItemConflict,
        `${desc} \`${String(key)}\` conflicts with prior ${what} of same name`,
        span,
      );
    }
    dst.set(key, worldItem);
    (isImport ? importSpans : exportSpans).push(span);
  }
  spans.imports = importSpans;
  spans.exports = exportSpans;
  r.typeLookup = new Scope();
}

function resolveWorldItem(
  r: PackageState,
  docs: ast.Docs,
  attributes: readonly ast.Attribute[],
  ext: ast.ExternKind,
): WorldItem {
  switch (ext.kind) {
    case "interface": {
      // An inline interface gets a scope of its own.
      const saved = r.typeLookup;
      r.typeLookup = new Scope();
      const id = r.allocInterface(ext.name);
      resolveInterface(r, id, ext, docs, attributes);
      r.typeLookup = saved;
      return { kind: "interface", id, stability: r.interfaces[id]!.stability };
    }
    case "path":
    case "named-path": {
      const stability = r.stability(attributes);
      const id = r.resolveInterfacePath(ext.path);
      return { kind: "interface", id, stability };
    }
    case "func": {
      const kind = r.ft.isAsync(ext.func) ? ASYNC_FREESTANDING : FREESTANDING;
      const func = resolveFunction(r, docs, attributes, ext.name.name, ext.func, kind);
      return { kind: "function", func };
    }
    default: {
      const never: never = ext;
      return never;
    }
  }
}

function resolveInclude(r: PackageState, worldId: WorldId, inc: ast.Include): void {
  const stability = r.stability(inc.attributes);
  const [item, name, span] = r.resolveAstItemPath(inc.from);
  if (item.kind !== "world") {
    fail(codes.WrongItemKind, `name \`${name}\` is defined as an interface, not a world`, span);
  }
  r.includes[worldId]!.push({
    stability,
    world: item.id,
    names: inc.names.map((n) => ({ name: n.name.name, as: n.as.name })),
    span,
  });
}

/** An interface, or an inline interface of a world (`body`): its types, then its functions. */
export function resolveInterface(
  r: PackageState,
  id: InterfaceId,
  body: ast.Interface | ast.ExternInterface,
  docs: ast.Docs,
  attributes: readonly ast.Attribute[],
): void {
  const iface = r.interfaces[id]!;
  iface.docs = r.docs(docs);
  iface.stability = r.stability(attributes);

  resolveTypes(r, { kind: "interface", id }, body.items);
  // The scope holds the interface's types only, in definition order: it is the interface's map.
  iface.types = r.typeLookup.ids as Map<string, TypeId>;
  r.typeLookup.functions = iface.functions;

  // Functions last, once every type of the interface is known, in source order (resources' members
  // where their resource is); stage 2 finds each one's span by its row.
  const ft = r.ft;
  const first = body.firstFunc;
  const end = first + body.funcCount;
  const spans = r.interfaceSpans[id]!;
  spans.funcs = ft;
  spans.firstFunc = first;
  for (let row = first; row < end; row++) {
    let f: Function;
    if (ft.resources[row] === undefined) {
      const name = ft.names[row]!;
      r.checkFunctionName(name, ft.nameStart[row]!, ft.nameEnd[row]!);
      const kind = ft.isAsync(row) ? ASYNC_FREESTANDING : FREESTANDING;
      f = resolveFunction(r, ft.docs[row]!, ft.attributes[row]!, name, row, kind);
    } else {
      f = resolveResourceFunc(r, row);
    }
    iface.functions.set(f.name, f);
  }

  // What `use` needs of this interface later is in `iface.types` and
  // `iface.functions`: the scope itself can go.
  r.typeLookup = new Scope();
}

function isTypeDef(item: ast.WorldItem): item is ast.TypeDef {
  switch (item.kind) {
    case "type":
    case "record":
    case "flags":
    case "variant":
    case "enum":
    case "resource":
      return true;
    case "import":
    case "export":
    case "use":
    case "include":
      return false;
    default: {
      const never: never = item;
      return never;
    }
  }
}
