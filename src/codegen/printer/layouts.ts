/**
 * What emitters print: `Printable` pieces (code text, literals, symbols) and the layout constructors for the
 * constructs whose line breaks depend on the width (parameter and argument lists, unions, object types and
 * literals, type argument lists, assignments). A constructor only records the construct; `print-line.ts` decides,
 * by one fixed rule per construct, whether it stays on the line or goes one item per line.
 */
import type { SymbolRef } from "./symbols.js";

/**
 * What `print` accepts: code text (one line's worth, no line breaks), numbers and bigints (printed as literals),
 * symbols, layouts, and arrays of these, which are concatenated.
 */
export type Printable =
  string | number | bigint | boolean | SymbolRef | Layout | readonly Printable[];

/** A construct whose line breaks depend on the width; built by the constructors below. */
export type Layout =
  | UnionLayout
  | TypeArgsLayout
  | TypeParamsLayout
  | SignatureLayout
  | CallArgsLayout
  | ArrayLayout
  | ArrayTypeLayout
  | ObjectTypeLayout
  | ObjectLayout
  | AssignmentLayout;

export interface UnionLayout {
  readonly kind: "union";
  readonly types: readonly Printable[];
}
export interface TypeArgsLayout {
  readonly kind: "type-args";
  readonly types: readonly Printable[];
}
export interface TypeParamsLayout {
  readonly kind: "type-params";
  readonly params: readonly Printable[];
}
export interface SignatureLayout {
  readonly kind: "signature";
  readonly params: readonly Printable[];
  readonly returnType: Printable | undefined;
  readonly arrow: boolean;
}
export interface CallArgsLayout {
  readonly kind: "call-args";
  readonly args: readonly Printable[];
}
export interface ArrayLayout {
  readonly kind: "array";
  readonly items: readonly Printable[];
}
export interface ArrayTypeLayout {
  readonly kind: "array-type";
  readonly element: Printable;
}
export interface ObjectTypeLayout {
  readonly kind: "object-type";
  readonly members: readonly Printable[];
  readonly expand: boolean;
}
export interface ObjectLayout {
  readonly kind: "object";
  readonly entries: readonly (readonly [key: string, value: Printable])[];
  readonly expand: boolean;
}
export interface AssignmentLayout {
  readonly kind: "assignment";
  readonly left: Printable;
  readonly right: Printable;
}

/**
 * A union type `A | B | C`. Broken, each member goes on its own line behind a leading `| `, starting on the
 * next line (after `: ` or `= `) or where it stands when that is the start of a line (a type argument of its
 * own). No members prints `never`; one member prints just that member.
 */
export function union(types: readonly Printable[]): UnionLayout {
  // A union member that is itself a union is the same type as its members spliced in. A loop, not `flatMap`,
  // which costs several times more on Node 20 and is called for every optional type of every file.
  const spliced: Printable[] = [];
  for (let i = 0; i < types.length; i++) {
    const t = types[i]!;
    const member = unwrap(t);
    if (isLayout(member, "union")) {
      for (let j = 0; j < member.types.length; j++) spliced.push(member.types[j]!);
    } else {
      spliced.push(t);
    }
  }
  return { kind: "union", types: spliced };
}

/** Type arguments `<A, B>` of a type reference (`Promise<T>`); broken one per line. A sole argument that is plain text or an object type stays hugged: `Promise<{` ... `}>`. */
export function typeArgs(types: readonly Printable[]): TypeArgsLayout {
  return { kind: "type-args", types };
}

/** Type parameters `<T, U extends X>` of a declaration; one per line with a trailing comma when broken. */
export function typeParams(params: readonly Printable[]): TypeParamsLayout {
  return { kind: "type-params", params };
}

/**
 * A parameter list with its return type: `(a: A, b: B): R` for functions and methods, `(a: A) => R` with
 * `arrow: true` for function types. Print the name (and `async`, `static`, ...) before it and ` {` or `;` after.
 * Broken, the parameters go one per line with a trailing comma (none after a `...rest` parameter); the return
 * type then breaks on its own if it still does not fit. A sole parameter typed with an object type is hugged: `(options: {` ... `})`.
 */
export function signature(
  params: readonly Printable[],
  returnType?: Printable,
  options: { readonly arrow?: boolean } = {},
): SignatureLayout {
  return { kind: "signature", params, returnType, arrow: options.arrow ?? false };
}

/**
 * Call (or `new`) arguments `(a, b)`; broken one per line with a trailing comma. When the last argument is a
 * non-empty {@link object} or {@link array} literal, it is hugged instead: `f(a, {` ... `})`.
 */
export function callArgs(args: readonly Printable[]): CallArgsLayout {
  return { kind: "call-args", args };
}

/** An array literal `[a, b]`; broken one per line with a trailing comma. */
export function array(items: readonly Printable[]): ArrayLayout {
  return { kind: "array", items };
}

/** An array type `T[]`, parenthesizing a union or function type element. */
export function arrayType(element: Printable): ArrayTypeLayout {
  return { kind: "array-type", element };
}

/**
 * An object type literal `{ a: A; b?: B }`; members are printed pieces such as `[key, ": ", type]`. Broken, one
 * member per line each ending in `;`. `expand: true` always breaks it.
 */
export function objectType(
  members: readonly Printable[],
  options: { readonly expand?: boolean } = {},
): ObjectTypeLayout {
  return { kind: "object-type", members, expand: options.expand ?? false };
}

/**
 * An object literal `{ a: 1, "b-c": x }`. Keys are property names, quoted only when needed. Broken, one entry
 * per line with a trailing comma; `expand: true` always breaks it.
 */
export function object(
  entries: readonly (readonly [key: string, value: Printable])[],
  options: { readonly expand?: boolean } = {},
): ObjectLayout {
  return { kind: "object", entries, expand: options.expand ?? false };
}

/**
 * A type alias without its `;`: `head = type`, where `head` is, say, `export type Foo`. Only the type breaks:
 * a union moves to the next line, one member per line.
 */
export function typeAlias(head: Printable, type: Printable): AssignmentLayout {
  return { kind: "assignment", left: head, right: type };
}

/** An assignment without its `;`: `left = value`, for `const x = value`, `x = value` and class fields. Only the value breaks. */
export function assignment(left: Printable, value: Printable): AssignmentLayout {
  return { kind: "assignment", left, right: value };
}

/** `/*@__PURE__*\/ call`: marks a call bundlers may drop when its result is unused. */
export function pure(call: Printable): Printable {
  return ["/*@__PURE__*/ ", call];
}

/** Looks through one-element arrays, which only wrap. */
export function unwrap(p: Printable): Printable {
  let current = p;
  while (Array.isArray(current) && current.length === 1) {
    current = (current as readonly Printable[])[0]!;
  }
  return current;
}

export function isLayout<K extends Layout["kind"]>(
  p: Printable,
  kind: K,
): p is Extract<Layout, { kind: K }> {
  return typeof p === "object" && !Array.isArray(p) && (p as Layout | SymbolRef).kind === kind;
}

/** Whether `p` is a concatenation (`Array.isArray` does not narrow a readonly array). */
export function isConcat(p: Printable): p is readonly Printable[] {
  return Array.isArray(p);
}
