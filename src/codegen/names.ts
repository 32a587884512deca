/**
 * Naming for the code generator (codegen phase): turns WIT kebab-case names (with `%`
 * escapes already removed by the front end) into TypeScript identifiers, and
 * keeps those identifiers out of the way of the language and the platform.
 * Consumes plain strings, produces plain strings; it knows nothing about the
 * model or about printing, so every emitter names things the same way.
 */

// The rule, in one place:
//
// 1. Case. Types, classes and interfaces are `UpperCamel`; functions,
//    parameters, fields, methods and locals are `lowerCamel`
//    (`toUpperCamel`, `toLowerCamel`). Word boundaries follow the
//    `heck` crate, which jco's `js-component-bindgen` uses, so names match
//    jco's where both generate them: `http-request` -> `HttpRequest`,
//    `HTTP-request` -> `HttpRequest` (acronym segments are capitalized, not
//    kept upper case), `a-b-c` -> `ABC` / `aBC` (single letters are words
//    like any other), `f32-x` -> `F32X` / `f32X` and `v2` -> `V2` / `v2`
//    (digits stay attached to the letters before them and never start a
//    word of their own; a digit-only segment just concatenates, so `v2-0`
//    and `v20` both give `v20`, which `createNameScope` separates).
//    A result that would start with a digit gets a leading `_`.
// 2. Reserved names. A name reserved in the context it is used in
//    (`NameContext`) gets one trailing `_`: `type` stays `type` as a
//    parameter but `delete` becomes `delete_`, `Error` becomes `Error_` as a
//    type, `then` becomes `then_` as a field or export. No reserved name ends
//    in `_`, so the rule never needs to apply twice.
// 3. Uniqueness. Within one scope (a module's bindings, a class's members,
//    an interface's fields) names are claimed in declaration order; a name
//    equal to an earlier one ignoring case gets the smallest suffix `2`, `3`,
//    ... that is free. Ignoring case keeps names apart that only differ in
//    case (`aBc` from `a-bc` and `aBC` from `a-b-c`), which would read as the
//    same word and clash as file names on case-insensitive file systems.

/**
 * Where a name is used; decides which names are reserved.
 *
 * - `local`: a binding inside a module or function (`const`, `let`,
 *   `function`, parameters, imports).
 * - `export`: a binding exported from a module. As `local`, plus names that
 *   change what importing the module means (`then` makes the namespace
 *   object a thenable, so `await import(...)` would call it).
 * - `type`: a type name (interface, type alias, class, enum). JavaScript
 *   reserved words, TypeScript's predefined types and contextual keywords,
 *   and the global values and types generated code relies on.
 * - `property`: a key of an object literal or a field of an object type.
 *   Any IdentifierName is valid here; only names that change how the object
 *   behaves are reserved (`then`, `__proto__`, `toString`, ...).
 * - `member`: an instance method or field of a class. As `property`; a
 *   method called `constructor` would be the constructor.
 * - `static-member`: a static method or field of a class. As `member`, plus
 *   the properties every class already has as a function object
 *   (`prototype`, `name`, `length`, `call`, ...).
 */
export type NameContext = "local" | "export" | "type" | "property" | "member" | "static-member";

/**
 * ECMAScript reserved words as binding identifiers in module code (modules
 * are strict and `await` is reserved at their top level), including the
 * literals `null`, `true`, `false` and the future reserved word `enum`.
 * ECMA-262 §13.1.1 (static semantics of identifiers) and §12.7.2.
 */
export const JS_RESERVED_WORDS: ReadonlySet<string> = new Set([
  "await",
  "break",
  "case",
  "catch",
  "class",
  "const",
  "continue",
  "debugger",
  "default",
  "delete",
  "do",
  "else",
  "enum",
  "export",
  "extends",
  "false",
  "finally",
  "for",
  "function",
  "if",
  "implements",
  "import",
  "in",
  "instanceof",
  "interface",
  "let",
  "new",
  "null",
  "package",
  "private",
  "protected",
  "public",
  "return",
  "static",
  "super",
  "switch",
  "this",
  "throw",
  "true",
  "try",
  "typeof",
  "var",
  "void",
  "while",
  "with",
  "yield",
  // Not reserved words, but strict mode forbids binding them (§13.1.1).
  "arguments",
  "eval",
]);

/**
 * Names TypeScript rejects or reads specially in a type declaration.
 * `Interface name cannot be 'string'` and friends for the predefined types
 * (checked against tsc 6); the contextual keywords are valid type names
 * today but are kept out so declarations stay unambiguous to readers.
 */
export const TS_TYPE_RESERVED: ReadonlySet<string> = new Set([
  // Predefined types: "Type alias name cannot be 'any'" (TS2457).
  "any",
  "bigint",
  "boolean",
  "never",
  "number",
  "object",
  "string",
  "symbol",
  "undefined",
  "unknown",
  // `type as = ...` is a syntax error.
  "as",
  // Contextual keywords of the type language and declarations.
  "abstract",
  "asserts",
  "declare",
  "global",
  "infer",
  "intrinsic",
  "is",
  "keyof",
  "module",
  "namespace",
  "readonly",
  "satisfies",
  "type",
  "unique",
]);

/**
 * Global values and types the generated code (and the runtime it imports)
 * refers to by name, so a generated binding must not shadow them: ES2022
 * built-ins, TypeScript's utility and iteration types, the explicit resource
 * management globals and the few host APIs the host SDK uses.
 */
export const GLOBAL_NAMES: ReadonlySet<string> = new Set([
  // ECMAScript value properties and functions of the global object.
  "globalThis",
  "Infinity",
  "NaN",
  "undefined",
  "eval",
  "isFinite",
  "isNaN",
  "parseFloat",
  "parseInt",
  "decodeURI",
  "decodeURIComponent",
  "encodeURI",
  "encodeURIComponent",
  // ECMAScript constructors and namespaces.
  "AggregateError",
  "Array",
  "ArrayBuffer",
  "Atomics",
  "BigInt",
  "BigInt64Array",
  "BigUint64Array",
  "Boolean",
  "DataView",
  "Date",
  "Error",
  "EvalError",
  "FinalizationRegistry",
  "Float32Array",
  "Float64Array",
  "Function",
  "Int8Array",
  "Int16Array",
  "Int32Array",
  "Intl",
  "Iterator",
  "JSON",
  "Map",
  "Math",
  "Number",
  "Object",
  "Promise",
  "Proxy",
  "RangeError",
  "ReferenceError",
  "Reflect",
  "RegExp",
  "Set",
  "SharedArrayBuffer",
  "String",
  "Symbol",
  "SyntaxError",
  "TypeError",
  "Uint8Array",
  "Uint8ClampedArray",
  "Uint16Array",
  "Uint32Array",
  "URIError",
  "WeakMap",
  "WeakRef",
  "WeakSet",
  // Explicit resource management (the runtime's borrows and handles).
  "AsyncDisposable",
  "AsyncDisposableStack",
  "Disposable",
  "DisposableStack",
  "SuppressedError",
  // TypeScript global types.
  "ArrayLike",
  "AsyncGenerator",
  "AsyncIterable",
  "AsyncIterableIterator",
  "AsyncIterator",
  "Awaited",
  "Capitalize",
  "ConstructorParameters",
  "Exclude",
  "Extract",
  "Generator",
  "InstanceType",
  "Iterable",
  "IterableIterator",
  "Lowercase",
  "NonNullable",
  "Omit",
  "Parameters",
  "Partial",
  "Pick",
  "PromiseLike",
  "PropertyKey",
  "Readonly",
  "ReadonlyArray",
  "ReadonlyMap",
  "ReadonlySet",
  "Record",
  "Required",
  "ReturnType",
  "ThisType",
  "Uncapitalize",
  "Uppercase",
  // Host APIs used by generated code.
  "AbortController",
  "AbortSignal",
  "TextDecoder",
  "TextEncoder",
  "URL",
  "WebAssembly",
  "clearTimeout",
  "console",
  "queueMicrotask",
  "setTimeout",
  "structuredClone",
]);

/**
 * Property names that change how an object behaves when an own property
 * shadows them: `then` makes any object (a record, a resource, a module
 * namespace) a thenable that `await` calls; `__proto__` in an object literal
 * sets the prototype; the `Object.prototype` methods are called implicitly
 * by string conversion, equality helpers and debuggers.
 */
const OBJECT_KEY_RESERVED: ReadonlySet<string> = new Set([
  "then",
  "__proto__",
  "constructor",
  "prototype",
  "hasOwnProperty",
  "isPrototypeOf",
  "propertyIsEnumerable",
  "toLocaleString",
  "toString",
  "valueOf",
]);

/**
 * Properties every class has as a function object. `static prototype` is an
 * error (TS2699); the others would hide `Function.prototype` members or the
 * class's own `name` and `length` that tools rely on.
 */
const STATIC_MEMBER_RESERVED: ReadonlySet<string> = new Set([
  "prototype",
  "name",
  "length",
  "caller",
  "arguments",
  "apply",
  "bind",
  "call",
]);

/** Export names that change what importing the module means. */
const EXPORT_RESERVED: ReadonlySet<string> = new Set(["then", "__esModule"]);

/** True when `name` must not be used as is in `context`. */
export function isReservedName(name: string, context: NameContext): boolean {
  switch (context) {
    case "local":
      return JS_RESERVED_WORDS.has(name) || GLOBAL_NAMES.has(name);
    case "export":
      return JS_RESERVED_WORDS.has(name) || GLOBAL_NAMES.has(name) || EXPORT_RESERVED.has(name);
    case "type":
      return (
        JS_RESERVED_WORDS.has(name) ||
        TS_TYPE_RESERVED.has(name) ||
        GLOBAL_NAMES.has(name) ||
        EXPORT_RESERVED.has(name)
      );
    case "property":
    case "member":
      return OBJECT_KEY_RESERVED.has(name);
    case "static-member":
      return OBJECT_KEY_RESERVED.has(name) || STATIC_MEMBER_RESERVED.has(name);
    default: {
      const unreachable: never = context;
      throw new Error(`unknown name context ${String(unreachable)}`);
    }
  }
}

/** Applies rule 2: a reserved name gets one trailing `_`. */
export function escapeReservedName(name: string, context: NameContext): string {
  return isReservedName(name, context) ? `${name}_` : name;
}

/**
 * Splits a name into words the way `heck` does: any character that is not
 * a letter or digit separates words; inside a run, a lower-case letter
 * followed by an upper-case one ends a word (`fooBar`), and an upper-case
 * letter that follows another upper-case one and precedes a lower-case one
 * starts a word (`HTTPRequest` -> `HTTP`, `Request`). Digits take the case
 * of what came before them, so they never start a word.
 */
export function splitWords(name: string): string[] {
  if (isAscii(name)) {
    return splitAsciiWords(name);
  }
  const words: string[] = [];
  for (const run of name.split(/[^\p{L}\p{N}]+/u)) {
    const chars = Array.from(run);
    let start = 0;
    // The case of the last cased character in the current word.
    let mode: WordCase = "none";
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i]!;
      const next = chars[i + 1];
      const nextMode: WordCase = isLower(c) ? "lower" : isUpper(c) ? "upper" : mode;
      if (next === undefined) {
        break;
      }
      if (nextMode === "lower" && isUpper(next)) {
        words.push(chars.slice(start, i + 1).join(""));
        start = i + 1;
        mode = "none";
      } else if (mode === "upper" && isUpper(c) && isLower(next)) {
        words.push(chars.slice(start, i).join(""));
        start = i;
        mode = "upper";
      } else {
        mode = nextMode;
      }
    }
    if (start < chars.length) {
      words.push(chars.slice(start).join(""));
    }
  }
  return words;
}

type WordCase = "none" | "lower" | "upper";

function isAscii(name: string): boolean {
  return /^\p{ASCII}*$/u.test(name);
}

/**
 * {@link splitWords} for ASCII names (nearly all of them), on character
 * codes: the general version makes a string of every character, which is
 * slow on long names.
 */
function splitAsciiWords(name: string): string[] {
  const words: string[] = [];
  forEachAsciiWord(name, (start, end) => words.push(name.slice(start, end)));
  return words;
}

/** Calls `visit` with the bounds of each word of an ASCII name, as {@link splitWords} splits it. */
function forEachAsciiWord(name: string, visit: (start: number, end: number) => void): void {
  const n = name.length;
  let i = 0;
  while (i < n) {
    while (i < n && !isAsciiAlphanumeric(name.charCodeAt(i))) {
      i++;
    }
    const runStart = i;
    while (i < n && isAsciiAlphanumeric(name.charCodeAt(i))) {
      i++;
    }
    const runEnd = i;
    let start = runStart;
    let mode: WordCase = "none";
    for (let j = runStart; j + 1 < runEnd; j++) {
      const c = name.charCodeAt(j);
      const next = name.charCodeAt(j + 1);
      const nextMode: WordCase = isAsciiLower(c) ? "lower" : isAsciiUpper(c) ? "upper" : mode;
      if (nextMode === "lower" && isAsciiUpper(next)) {
        visit(start, j + 1);
        start = j + 1;
        mode = "none";
      } else if (mode === "upper" && isAsciiUpper(c) && isAsciiLower(next)) {
        visit(start, j);
        start = j;
        mode = "upper";
      } else {
        mode = nextMode;
      }
    }
    if (start < runEnd) {
      visit(start, runEnd);
    }
  }
}

const latin1 = new TextDecoder("latin1");

/**
 * UpperCamel (`upperFirst`) or lowerCamel of an ASCII name, written into one
 * buffer: the same as joining capitalized words, without a string per word.
 */
function asciiCamel(name: string, upperFirst: boolean): string {
  const out = new Uint8Array(name.length);
  let length = 0;
  let first = true;
  forEachAsciiWord(name, (start, end) => {
    for (let i = start; i < end; i++) {
      const c = name.charCodeAt(i);
      const upper = i === start && (upperFirst || !first);
      out[length++] = (upper ? isAsciiLower(c) : isAsciiUpper(c)) ? c ^ 0x20 : c;
    }
    first = false;
  });
  return latin1.decode(out.subarray(0, length));
}

function isAsciiLower(c: number): boolean {
  return c >= 0x61 && c <= 0x7a;
}

function isAsciiUpper(c: number): boolean {
  return c >= 0x41 && c <= 0x5a;
}

function isAsciiAlphanumeric(c: number): boolean {
  return isAsciiLower(c) || isAsciiUpper(c) || (c >= 0x30 && c <= 0x39);
}

function isLower(c: string): boolean {
  return c !== c.toUpperCase() && c === c.toLowerCase();
}

function isUpper(c: string): boolean {
  return c !== c.toLowerCase() && c === c.toUpperCase();
}

function capitalize(word: string): string {
  if (word === "") {
    return "";
  }
  const first = String.fromCodePoint(word.codePointAt(0)!);
  return first.toUpperCase() + word.slice(first.length).toLowerCase();
}

function guardLeadingDigit(name: string): string {
  if (name === "") {
    throw new Error("cannot name an empty identifier");
  }
  return /^\p{N}/u.test(name) ? `_${name}` : name;
}

/**
 * Generation converts the same few names over and over (a field name for
 * its type, its descriptor and every use), so conversions are remembered;
 * the memo is emptied when it grows large, which bounds it in long-running
 * processes (watch mode) without changing any result.
 */
function memoized(convert: (name: string) => string): (name: string) => string {
  const known = new Map<string, string>();
  return (name) => {
    let converted = known.get(name);
    if (converted === undefined) {
      converted = convert(name);
      if (known.size >= 10_000) {
        known.clear();
      }
      known.set(name, converted);
    }
    return converted;
  };
}

/** `http-request` -> `HttpRequest` (rule 1). */
export const toUpperCamel: (name: string) => string = memoized((name) =>
  guardLeadingDigit(
    isAscii(name) ? asciiCamel(name, true) : splitWords(name).map(capitalize).join(""),
  ),
);

/** `http-request` -> `httpRequest` (rule 1). */
export const toLowerCamel: (name: string) => string = memoized((name) =>
  guardLeadingDigit(
    isAscii(name)
      ? asciiCamel(name, false)
      : splitWords(name)
          .map((word, i) => (i === 0 ? word.toLowerCase() : capitalize(word)))
          .join(""),
  ),
);

/**
 * A WIT name as a TypeScript identifier for `context`: `UpperCamel` for
 * types, `lowerCamel` for everything else, then reserved names escaped.
 * Uniqueness is the caller's scope's job ({@link createNameScope}).
 */
export function tsName(witName: string, context: NameContext): string {
  const cased = context === "type" ? toUpperCamel(witName) : toLowerCamel(witName);
  return escapeReservedName(cased, context);
}

/**
 * Names claimed in one scope, in declaration order (rule 3). The same
 * sequence of claims always gives the same names.
 */
export interface NameScope {
  /** Claims `name` as is, or with the smallest free suffix `2`, `3`, ... */
  claim(name: string): string;
  /** `claim(tsName(witName, context))`. */
  declare(witName: string, context: NameContext): string;
  /** True when a name equal to `name` ignoring case has been claimed. */
  has(name: string): boolean;
  /** The names claimed so far (not the `taken` ones), in claim order. */
  names(): readonly string[];
  /** A mark to {@link rollback} to: the number of names claimed so far. */
  mark(): number;
  /** Frees every name claimed since `mark`, as if they had never been claimed. */
  rollback(mark: number): void;
}

/**
 * A fresh scope. `taken` names are treated as claimed already (say, the
 * runtime helpers a module imports), so declarations step around them.
 */
export function createNameScope(taken: Iterable<string> = []): NameScope {
  return new Scope(taken);
}

/**
 * A scope as a class: generation makes thousands of scopes, and methods on one prototype give every call site
 * one target to compile for, where an object of closures per scope gave each scope's calls new targets.
 */
class Scope implements NameScope {
  /** Keyed by lower case: names differing only in case collide on purpose. */
  private readonly claimed = new Set<string>();
  private readonly claimedNames: string[] = [];

  constructor(taken: Iterable<string>) {
    for (const name of taken) {
      this.claimed.add(caseKey(name));
    }
  }

  claim(name: string): string {
    let candidate = name;
    let key = caseKey(candidate);
    for (let n = 2; this.claimed.has(key); n++) {
      candidate = `${name}${n}`;
      key = caseKey(candidate);
    }
    this.claimed.add(key);
    this.claimedNames.push(candidate);
    return candidate;
  }

  declare(witName: string, context: NameContext): string {
    return this.claim(tsName(witName, context));
  }

  has(name: string): boolean {
    return this.claimed.has(caseKey(name));
  }

  names(): readonly string[] {
    return this.claimedNames;
  }

  mark(): number {
    return this.claimedNames.length;
  }

  rollback(mark: number): void {
    // A claimed name was free when claimed, so forgetting it leaves the names claimed before it as they were.
    const names = this.claimedNames;
    for (let i = mark; i < names.length; i++) this.claimed.delete(caseKey(names[i]!));
    names.length = mark;
  }
}

/**
 * `name` in lower case, the key names are compared by in a scope. A name without upper-case ASCII letters
 * or other characters is its own key. The others are converted each time: on Node 20 `toLowerCase` of a short
 * name costs less than looking it up in a memo (30-40 against 70-100 ns a call, measured on names such as
 * `Fn12Error` built afresh for each question, as a scope's callers build them).
 */
function caseKey(name: string): string {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if ((c >= 0x41 && c <= 0x5a) || c > 0x7f) return name.toLowerCase();
  }
  return name;
}

/** True when `name` is an ECMAScript IdentifierName (reserved words included). */
export function isIdentifierName(name: string): boolean {
  // The ASCII test first: it is the usual case, and a Unicode property class costs several times more.
  return ASCII_IDENTIFIER.test(name) || UNICODE_IDENTIFIER.test(name);
}

const ASCII_IDENTIFIER = /^[A-Za-z$_][A-Za-z0-9$_]*$/;
const UNICODE_IDENTIFIER = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200C\u200D]*$/u;

/**
 * A property key as written in an object literal, object type or class
 * body: bare when it is an IdentifierName, otherwise a string literal. This
 * is exactly what prettier's `quoteProps: "as-needed"` leaves alone: it
 * unquotes identifier-like keys and never quotes bare ones (numeric keys stay
 * quoted under the TypeScript parser).
 */
export function quotePropertyKey(name: string): string {
  return isIdentifierName(name) ? name : stringLiteral(name);
}

/**
 * A JavaScript string literal for `value`, quoted the way prettier quotes
 * it: double quotes unless the text has more `"` than `'`. Escapes
 * backslashes, the chosen quote, every line terminator (including U+2028
 * and U+2029, which end a line in JavaScript source), control and format
 * characters (so bidirectional overrides cannot reorder the visible source),
 * non-ASCII space characters and lone surrogates (which UTF-8 cannot carry).
 * Other characters are written as themselves; prettier keeps escapes as it
 * finds them, so the result is stable under formatting.
 */
export function stringLiteral(value: string): string {
  // Printable ASCII without quotes or backslashes needs no escape (the usual case).
  if (/^[\x20\x21\x23-\x5b\x5d-\x7e]*$/.test(value)) {
    return `"${value}"`;
  }
  let doubles = 0;
  let singles = 0;
  for (const c of value) {
    if (c === '"') {
      doubles++;
    } else if (c === "'") {
      singles++;
    }
  }
  const quote = doubles > singles ? "'" : '"';
  let out = quote;
  for (const c of value) {
    out += escapeChar(c, quote);
  }
  return out + quote;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
  "\v": "\\v",
};

/**
 * Characters a string literal spells as `\uXXXX`. Unassigned code points are
 * deliberately not included: which those are depends on the Unicode version
 * of the Node.js that runs the generator, and output must not.
 */
const NEEDS_UNICODE_ESCAPE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]$|^(?! )\p{Zs}$/u;

function escapeChar(c: string, quote: string): string {
  if (c === quote) {
    return `\\${c}`;
  }
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) {
    return simple;
  }
  if (NEEDS_UNICODE_ESCAPE.test(c)) {
    // A few format characters live above U+FFFF (tag characters); spell
    // those as a pair of surrogate escapes, which means the same thing.
    let out = "";
    for (let i = 0; i < c.length; i++) {
      out += `\\u${c.charCodeAt(i).toString(16).padStart(4, "0")}`;
    }
    return out;
  }
  return c;
}
