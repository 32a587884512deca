/**
 * Resolution, stage 1: type expressions. Consumes rows of a file's type table
 * (`type-table.ts`) and produces model types: primitives as they are, names
 * through the current scope, handles checked to name resources, and anonymous
 * types (`list<u8>`, `result<_, E>`, tuples, ...) interned once per package
 * and gated like the first annotated type they refer to.
 */
import type * as ast from "./ast.js";
import { codes } from "../diagnostics/codes.js";
import type { Span } from "../diagnostics/source-map.js";
import {
  handleResource,
  NO_TYPE,
  PRIMITIVE_NAMES,
  Ty,
  typeErrorSpan,
  typeNameId,
  TypeTable,
  type TyKind,
} from "./type-table.js";
import {
  NO_DOCS,
  NO_OWNER,
  UNKNOWN_STABILITY,
  typeRef,
  type Stability,
  type Type,
  type TypeDefKind,
  type TypeId,
} from "./model.js";
import { fail, TupleTrie, type PackageState } from "./resolve-package-state.js";

const PRIMITIVE_CODES: ReadonlyMap<string, number> = new Map(PRIMITIVE_NAMES.map((p, i) => [p, i]));

/** A number identifying a type inside one package (absent: 15, primitives: 0-13, ids: from 16), for interning. */
function typeCode(t: Type | undefined): number {
  if (t === undefined) return 15;
  return typeof t === "string" ? PRIMITIVE_CODES.get(t)! : t.id + 16;
}

/** An optional operand of a type expression: absent ({@link NO_TYPE}) or resolved. */
export function resolveOptType(
  r: PackageState,
  t: ast.Type,
  stability: Stability,
): Type | undefined {
  return t === NO_TYPE ? undefined : resolveType(r, t, stability);
}

/**
 * {@link resolveTypeName} for the name of a `Name`, `Own` or `Borrow` row, whose span is
 * only built for an error.
 */
export function resolveTypeNameAt(r: PackageState, tt: TypeTable, t: ast.Type): TypeId {
  const id = r.typeLookup.ids.get(tt.names[tt.a[t]!]!);
  if (id !== undefined) return id as TypeId;
  return resolveTypeName(r, tt.kind[t] === Ty.Name ? typeNameId(tt, t) : handleResource(tt, t));
}

function resolveTypeName(r: PackageState, name: ast.Id): TypeId {
  const scope = r.typeLookup;
  const id = scope.ids.get(name.name);
  if (id !== undefined) return id as TypeId;
  if (name.name === scope.functionName || scope.functions?.has(name.name) === true)
    fail(codes.WrongItemKind, `cannot use function \`${name.name}\` as a type`, name);
  fail(codes.UnknownName, `name \`${name.name}\` does not exist`, name);
}

/**
 * `own<T>`/`borrow<T>` (the row `t`): `T` must be a resource, possibly through aliases; foreign
 * placeholders are checked later. The name's span is only built when it is kept or reported.
 */
export function validateResource(r: PackageState, tt: TypeTable, t: ast.Type): TypeId {
  const id = resolveTypeNameAt(r, tt, t);
  let cur = id;
  for (;;) {
    const kind = r.types[cur]!.kind;
    if (kind.kind === "resource") return id;
    if (kind.kind === "type" && typeof kind.type !== "string") {
      cur = kind.type.id;
      continue;
    }
    if (kind.kind === "unknown") {
      r.requiredResources.push({ id: cur, span: handleResource(tt, t) });
      return id;
    }
    const name = handleResource(tt, t);
    fail(
      codes.HandleNotResource,
      `type \`${name.name}\` used in a handle must be a resource`,
      name,
    );
  }
}

/**
 * An anonymous type without an annotation of its own takes the stability
 * of the first annotated type it refers to (one level: that type already
 * inherited from its own parts), so that `option<T>` is gated like `T`.
 */
function findStability(r: PackageState, kind: TypeDefKind, stability: Stability): Stability {
  if (stability.kind !== "unknown") return stability;
  let found: Stability | undefined;
  switch (kind.kind) {
    case "type":
    case "option":
      found = stabilityOf(r, kind.type);
      break;
    case "handle":
      found = stabilityOf(r, typeRef(kind.handle.resource));
      break;
    case "tuple":
      for (const t of kind.types) {
        found = stabilityOf(r, t);
        if (found) break;
      }
      break;
    case "list":
    case "fixed-length-list":
      found = stabilityOf(r, kind.element);
      break;
    case "map":
      found = stabilityOf(r, kind.key) ?? stabilityOf(r, kind.value);
      break;
    case "future":
    case "stream":
      found = stabilityOf(r, kind.type);
      break;
    case "result":
      found = stabilityOf(r, kind.ok) ?? stabilityOf(r, kind.err);
      break;
    case "resource":
    case "variant":
    case "record":
    case "flags":
    case "enum":
    case "unknown":
      break;
    default: {
      const never: never = kind;
      return never;
    }
  }
  return found ?? UNKNOWN_STABILITY;
}

/** The stability of the definition `t` names, unless it is unknown (or `t` names none). */
function stabilityOf(r: PackageState, t: Type | undefined): Stability | undefined {
  if (t === undefined || typeof t === "string") return undefined;
  const s = r.types[t.id]!.stability;
  return s.kind === "unknown" ? undefined : s;
}

/**
 * A type expression in a value position. Anonymous types are interned:
 * one `list<u8>` per package, however often it is written. The lookup
 * runs before anything is allocated (keys are numbers: a part's
 * {@link typeCode} times eight plus a tag), since most uses of a compound
 * type repeat an earlier one.
 */
export function resolveType(r: PackageState, t: ast.Type, stability: Stability): Type {
  const tt = r.tt;
  const tag = tt.kind[t] as TyKind;
  switch (tag) {
    case Ty.Primitive:
      return PRIMITIVE_NAMES[tt.a[t]!]!;
    case Ty.Name:
      return typeRef(resolveTypeNameAt(r, tt, t));
    case Ty.Own:
      // An anonymous `own<T>` is just `T`; stage 2 turns resource references into handles.
      return typeRef(validateResource(r, tt, t));
    case Ty.Borrow:
      // The error span of `borrow<R>` is the resource name's.
      return borrowHandle(r, validateResource(r, tt, t), stability, tt.b[t]!, tt.c[t]!);
    case Ty.List:
    case Ty.Option:
    case Ty.Future:
    case Ty.Stream: {
      const inner =
        tag === Ty.List || tag === Ty.Option
          ? resolveType(r, tt.a[t]!, stability)
          : resolveOptType(r, tt.a[t]!, stability);
      const key =
        typeCode(inner) * 8 +
        (tag === Ty.List ? 1 : tag === Ty.Option ? 2 : tag === Ty.Future ? 3 : 4);
      const hit = r.anonSingle.get(key);
      if (hit !== undefined) return typeRef(hit);
      const kind: TypeDefKind =
        tag === Ty.List
          ? { kind: "list", element: inner! }
          : tag === Ty.Option
            ? { kind: "option", type: inner! }
            : { kind: tag === Ty.Future ? "future" : "stream", type: inner };
      const id = addAnon(r, kind, stability, typeErrorSpan(tt, t));
      r.anonSingle.set(key, id);
      return typeRef(id);
    }
    case Ty.Result:
    case Ty.Map:
    case Ty.FixedLengthList: {
      // Two parts: look up by the first part's code and tag, then by the second part.
      let x: Type | undefined;
      let y: Type | undefined;
      let a: number;
      let b: number;
      if (tag === Ty.Result) {
        x = resolveOptType(r, tt.a[t]!, stability);
        y = resolveOptType(r, tt.b[t]!, stability);
        a = typeCode(x) * 8 + 5;
        b = typeCode(y);
      } else if (tag === Ty.Map) {
        x = resolveType(r, tt.a[t]!, stability);
        y = resolveType(r, tt.b[t]!, stability);
        checkMapKey(x, tt, t);
        a = typeCode(x) * 8 + 6;
        b = typeCode(y);
      } else {
        x = resolveType(r, tt.a[t]!, stability);
        a = typeCode(x) * 8 + 7;
        b = tt.b[t]!;
      }
      let inner = r.anonPair.get(a);
      if (!inner) r.anonPair.set(a, (inner = new Map()));
      const hit = inner.get(b);
      if (hit !== undefined) return typeRef(hit);
      const kind: TypeDefKind =
        tag === Ty.Result
          ? { kind: "result", ok: x, err: y }
          : tag === Ty.Map
            ? { kind: "map", key: x!, value: y! }
            : { kind: "fixed-length-list", element: x!, size: tt.b[t]! };
      const id = addAnon(r, kind, stability, typeErrorSpan(tt, t));
      inner.set(b, id);
      return typeRef(id);
    }
    case Ty.Tuple: {
      const first = tt.a[t]!;
      const n = tt.b[t]!;
      const types = new Array<Type>(n);
      // One trie level per element, so that a lookup builds no key.
      let node = r.anonTuples;
      for (let i = 0; i < n; i++) {
        const e = resolveType(r, tt.elems[first + i]!, stability);
        types[i] = e;
        const code = typeCode(e);
        let next = node.next.get(code);
        if (next === undefined) node.next.set(code, (next = new TupleTrie()));
        node = next;
      }
      if (node.id !== undefined) return typeRef(node.id);
      const id = addAnon(r, { kind: "tuple", types }, stability, typeErrorSpan(tt, t));
      node.id = id;
      return typeRef(id);
    }
    default: {
      const never: never = tag;
      return never;
    }
  }
}

/** The interned anonymous `borrow<R>`. */
export function borrowHandle(
  r: PackageState,
  resource: TypeId,
  stability: Stability,
  start: number,
  end: number,
): Type {
  const key = typeCode(typeRef(resource)) * 8;
  const hit = r.anonSingle.get(key);
  if (hit !== undefined) return typeRef(hit);
  const id = addAnon(r, { kind: "handle", handle: { kind: "borrow", resource } }, stability, {
    start,
    end,
  });
  r.anonSingle.set(key, id);
  return typeRef(id);
}

/** Allocates a new anonymous type, which takes the stability of its parts unless it has its own. */
function addAnon(r: PackageState, kind: TypeDefKind, stability: Stability, span: Span): TypeId {
  r.typeSpans.push(span);
  return r.allocType({
    name: undefined,
    kind,
    owner: NO_OWNER,
    docs: NO_DOCS,
    stability: findStability(r, kind, stability),
  });
}

/** Map keys must be primitive and not floating point (nor `error-context`). */
export function checkMapKey(key: Type, tt: TypeTable, t: ast.Type): void {
  if (typeof key !== "string" || key === "f32" || key === "f64" || key === "error-context") {
    fail(
      codes.InvalidType,
      "invalid map key type: map keys must be bool, u8, u16, u32, u64, s8, s16, s32, s64, char, or string",
      typeErrorSpan(tt, t),
    );
  }
}
