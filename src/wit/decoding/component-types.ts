/**
 * The decoders' intermediate form: component-type declarations (`Decl`, `Slot`) as the component model's
 * `Binary.md` describes them and the text format desugars its inline types to, read from a binary
 * (`binary-reader.ts`) or a `.wat` (`wat-reader.ts`) and printed as WIT (`wit-printer.ts`). Also the one error a
 * decoder raises for input it cannot read (`bail`), which the entry points turn into a message.
 */

/** A value type: a primitive by name, or an index into the enclosing scope's types. */
export type ValType = { readonly prim: string } | { readonly idx: number };

export type Defined =
  | { kind: "record"; fields: [string, ValType][] }
  | { kind: "variant"; cases: [string, ValType | undefined][] }
  | { kind: "list"; element: ValType; size: number | undefined }
  | { kind: "tuple"; types: ValType[] }
  | { kind: "flags"; names: string[] }
  | { kind: "enum"; names: string[] }
  | { kind: "option"; element: ValType }
  | { kind: "result"; ok: ValType | undefined; err: ValType | undefined }
  | { kind: "own" | "borrow"; resource: number }
  | { kind: "future" | "stream"; element: ValType | undefined }
  | { kind: "map"; key: ValType; value: ValType }
  | { kind: "prim"; name: string };

/** One entry of a scope's type index space. */
export type Slot =
  | { kind: "defined"; def: Defined }
  | {
      kind: "func";
      params: [string, ValType][];
      result: ValType | undefined;
      async: boolean;
    }
  | { kind: "component" | "instance"; decls: Decl[] }
  | { kind: "resource"; name: string | undefined }
  | { kind: "outer"; count: number; index: number }
  | { kind: "alias-export"; instance: number; name: string }
  /** A type export or import `(type (eq N))`: the same type as slot N, under a name. */
  | { kind: "eq"; target: number; name: string }
  /**
   * The type at `index` of another scope: a nested component's type import, bound to the type its
   * instantiation passes, or a type a component takes from an instance it made itself.
   */
  | { kind: "ref"; scope: SlotScope; index: number };

/** A scope of type slots (the printer's `PrintScope`, named here by its shape so this file imports nothing). */
export interface SlotScope {
  readonly slots: readonly Slot[];
}

export type ExternDesc =
  | { kind: "instance" | "component" | "func"; type: number }
  | { kind: "type-eq"; type: number }
  | { kind: "type-sub" }
  | { kind: "other"; what: string };

export type Decl =
  { kind: "type"; slot: Slot } | { kind: "import" | "export"; name: string; desc: ExternDesc };

export type ItemDecl = Extract<Decl, { name: string }>;

/** A top-level export of the package component: a name and the component type it names. */
export interface PackageItem {
  readonly name: string;
  readonly type: Slot;
}

export class DecodeError extends Error {}

export function bail(message: string): never {
  throw new DecodeError(message);
}

export const PRIMITIVES: ReadonlyMap<number, string> = new Map([
  [0x7f, "bool"],
  [0x7e, "s8"],
  [0x7d, "u8"],
  [0x7c, "s16"],
  [0x7b, "u16"],
  [0x7a, "s32"],
  [0x79, "u32"],
  [0x78, "s64"],
  [0x77, "u64"],
  [0x76, "f32"],
  [0x75, "f64"],
  [0x74, "char"],
  [0x73, "string"],
  [0x64, "error-context"],
]);

export const PRIMITIVE_NAMES = new Set(PRIMITIVES.values());
