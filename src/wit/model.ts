/**
 * The resolved model: the output of the resolver (`resolve.ts`) and the input
 * of everything after it (JSON in `json.ts`, the generator in `codegen/`).
 * It copies the shape of wit-parser's `Resolve` so that readers can
 * cross-check against `crates/wit-parser/src/lib.rs` and `resolve/mod.rs`:
 * flat arrays of packages, interfaces, worlds and types addressed by branded
 * numeric ids, with every reference already resolved (no name lookups
 * needed). Types are in dependency order: a type only refers to types with a
 * smaller id, so one forward pass over `types` sees every dependency first.
 *
 * The model is plain data. The resolver builds it by mutation; consumers must
 * treat it as read-only.
 */

import { objectArray } from "./object-array.js";

/** Index into {@link Resolve.types}. */
export type TypeId = number & { readonly __brand: "TypeId" };
/** Index into {@link Resolve.interfaces}. */
export type InterfaceId = number & { readonly __brand: "InterfaceId" };
/** Index into {@link Resolve.worlds}. */
export type WorldId = number & { readonly __brand: "WorldId" };
/** Index into {@link Resolve.packages}. */
export type PackageId = number & { readonly __brand: "PackageId" };

/** A semantic version as written in WIT (`1.2.3-pre+build`); see `resolve-version.ts` for comparisons. */
export type Version = string;

/** The primitive value types, spelled as in WIT and in wit-parser's JSON. */
export type PrimitiveType =
  | "bool"
  | "u8"
  | "u16"
  | "u32"
  | "u64"
  | "s8"
  | "s16"
  | "s32"
  | "s64"
  | "f32"
  | "f64"
  | "char"
  | "string"
  | "error-context";

/** A reference to a {@link TypeDef}. */
export interface TypeRef {
  readonly kind: "id";
  readonly id: TypeId;
}

/** A value type: a primitive, or a reference to a type definition. */
export type Type = PrimitiveType | TypeRef;

/** Shared, immutable references: there is one {@link TypeRef} object per id, so referring to a type allocates nothing. */
const refs: TypeRef[] = [];

/** Ids past this are not cached, so that one huge input does not pin memory for the life of the process. */
const MAX_CACHED_REF = 1 << 20;

export function typeRef(id: TypeId): TypeRef {
  if (id >= MAX_CACHED_REF) return Object.freeze({ kind: "id", id });
  let r = refs[id];
  if (r === undefined) {
    r = Object.freeze({ kind: "id", id });
    // Fill gaps so the array stays packed (ids are small dense integers).
    for (let i = refs.length; i < id; i++)
      refs.push(Object.freeze({ kind: "id", id: i as TypeId }));
    refs[id] = r;
  }
  return r;
}

/** Documentation comments, already stripped of comment markers (wit-parser's `Docs`). */
export interface Docs {
  contents: string | undefined;
}

/** No documentation; shared and frozen since most items have none. */
export const NO_DOCS: Docs = Object.freeze({ contents: undefined });

export function noDocs(): Docs {
  return NO_DOCS;
}

/**
 * `@since` / `@unstable` / `@deprecated` annotations (WebAssembly/component-model#332).
 * `unknown` means no annotation at all.
 */
export type Stability =
  | { readonly kind: "unknown" }
  | { readonly kind: "stable"; readonly since: Version; readonly deprecated: Version | undefined }
  | {
      readonly kind: "unstable";
      readonly feature: string;
      readonly deprecated: Version | undefined;
    };

export const UNKNOWN_STABILITY: Stability = Object.freeze({ kind: "unknown" });

export function stabilityEquals(a: Stability, b: Stability): boolean {
  switch (a.kind) {
    case "unknown":
      return b.kind === "unknown";
    case "stable":
      return b.kind === "stable" && a.since === b.since && a.deprecated === b.deprecated;
    case "unstable":
      return b.kind === "unstable" && a.feature === b.feature && a.deprecated === b.deprecated;
    default: {
      const never: never = a;
      return never;
    }
  }
}

/** Who defines a type: an interface, a world, or nobody (anonymous types such as `list<u8>`). */
export type TypeOwner =
  | { readonly kind: "interface"; readonly id: InterfaceId }
  | { readonly kind: "world"; readonly id: WorldId }
  | { readonly kind: "none" };

export const NO_OWNER: TypeOwner = Object.freeze({ kind: "none" });

export function ownerEquals(a: TypeOwner, b: TypeOwner): boolean {
  if (a.kind === "none" || b.kind === "none") return a.kind === b.kind;
  return a.kind === b.kind && a.id === b.id;
}

export interface Field {
  name: string;
  type: Type;
  docs: Docs;
}

export interface Flag {
  name: string;
  docs: Docs;
}

export interface Case {
  name: string;
  type: Type | undefined;
  docs: Docs;
}

export interface EnumCase {
  name: string;
  docs: Docs;
}

/** An owned or borrowed handle to a resource type. */
export interface Handle {
  readonly kind: "own" | "borrow";
  readonly resource: TypeId;
}

/** The structure of a type definition (wit-parser's `TypeDefKind`). */
export type TypeDefKind =
  | { kind: "record"; fields: Field[] }
  | { kind: "resource" }
  | { kind: "handle"; handle: Handle }
  | { kind: "flags"; flags: Flag[] }
  | { kind: "tuple"; types: Type[] }
  | { kind: "variant"; cases: Case[] }
  | { kind: "enum"; cases: EnumCase[] }
  | { kind: "option"; type: Type }
  | { kind: "result"; ok: Type | undefined; err: Type | undefined }
  | { kind: "list"; element: Type }
  | { kind: "fixed-length-list"; element: Type; size: number }
  | { kind: "map"; key: Type; value: Type }
  | { kind: "future"; type: Type | undefined }
  | { kind: "stream"; type: Type | undefined }
  /** `type a = b`: an alias (also what a `use` produces). */
  | { kind: "type"; type: Type }
  /** A type imported from a foreign package before that package is known; never in a finished {@link Resolve}. */
  | { kind: "unknown" };

export interface TypeDef {
  name: string | undefined;
  kind: TypeDefKind;
  owner: TypeOwner;
  docs: Docs;
  stability: Stability;
}

export interface Param {
  name: string;
  type: Type;
}

/** How a function is bound: free, or attached to a resource (wit-parser's `FunctionKind`). */
export type FunctionKind =
  | { readonly kind: "freestanding" }
  | { readonly kind: "async-freestanding" }
  | { readonly kind: "method"; readonly resource: TypeId }
  | { readonly kind: "async-method"; readonly resource: TypeId }
  | { readonly kind: "static"; readonly resource: TypeId }
  | { readonly kind: "async-static"; readonly resource: TypeId }
  | { readonly kind: "constructor"; readonly resource: TypeId };

/** The resource a function belongs to, if any. */
export function functionResource(kind: FunctionKind): TypeId | undefined {
  switch (kind.kind) {
    case "freestanding":
    case "async-freestanding":
      return undefined;
    case "method":
    case "async-method":
    case "static":
    case "async-static":
    case "constructor":
      return kind.resource;
    default: {
      const never: never = kind;
      return never;
    }
  }
}

export interface Function {
  /** The mangled name: `f`, `[method]r.f`, `[static]r.f` or `[constructor]r`. */
  name: string;
  kind: FunctionKind;
  params: Param[];
  result: Type | undefined;
  docs: Docs;
  stability: Stability;
}

export interface Interface {
  /** Undefined for an inline interface in a world (`import x: interface { ... }`). */
  name: string | undefined;
  types: Map<string, TypeId>;
  functions: Map<string, Function>;
  docs: Docs;
  stability: Stability;
  package: PackageId | undefined;
}

/**
 * The key of a world import or export: a kebab-name (a string) or, for an
 * interface imported by path (`import wasi:io/streams;`), that interface's id
 * (a number). wit-parser's JSON writes the latter as `interface-N`.
 */
export type WorldKey = string | InterfaceId;

/** What a world imports or exports (wit-parser's `WorldItem`). */
export type WorldItem =
  | { readonly kind: "interface"; readonly id: InterfaceId; readonly stability: Stability }
  | { readonly kind: "function"; readonly func: Function }
  | { readonly kind: "type"; readonly id: TypeId };

export interface World {
  name: string;
  imports: Map<WorldKey, WorldItem>;
  exports: Map<WorldKey, WorldItem>;
  package: PackageId | undefined;
  docs: Docs;
  stability: Stability;
}

export interface PackageName {
  readonly namespace: string;
  readonly name: string;
  readonly version: Version | undefined;
}

/** `ns:name` or `ns:name@version`, as wit-parser prints a package name. */
export function formatPackageName(name: PackageName): string {
  return name.version === undefined
    ? `${name.namespace}:${name.name}`
    : `${name.namespace}:${name.name}@${name.version}`;
}

export interface Package {
  name: PackageName;
  docs: Docs;
  interfaces: Map<string, InterfaceId>;
  worlds: Map<string, WorldId>;
}

/** A fully resolved set of packages (wit-parser's `Resolve`). */
export interface Resolve {
  worlds: World[];
  interfaces: Interface[];
  types: TypeDef[];
  packages: Package[];
  /** Package name (as {@link formatPackageName} prints it) to id. */
  packageNames: Map<string, PackageId>;
  /** Features enabled for `@unstable` items. */
  features: ReadonlySet<string>;
  allFeatures: boolean;
}

export function createResolve(features: Iterable<string> = [], allFeatures = false): Resolve {
  return {
    worlds: objectArray(),
    interfaces: objectArray(),
    types: objectArray(),
    packages: objectArray(),
    packageNames: new Map(),
    features: new Set(features),
    allFeatures,
  };
}

/** `ns:pkg/name@version`, the identifier of a named interface (wit-parser's `Resolve::id_of`). */
export function interfaceIdentifier(resolve: Resolve, id: InterfaceId): string | undefined {
  const iface = resolve.interfaces[id]!;
  if (iface.name === undefined || iface.package === undefined) return undefined;
  const pkg = resolve.packages[iface.package]!.name;
  const base = `${pkg.namespace}:${pkg.name}/${iface.name}`;
  return pkg.version === undefined ? base : `${base}@${pkg.version}`;
}

/** A readable name for a world key: the name itself or the interface's identifier. */
export function worldKeyName(resolve: Resolve, key: WorldKey): string {
  if (typeof key === "string") return key;
  return interfaceIdentifier(resolve, key) ?? `interface-${key}`;
}
