/**
 * The naming rule of `src/codegen/names.ts`: case conversion (checked
 * against the names jco's heck-based rule gives), reserved names per
 * context (every word listed here from the specs, not from the module under
 * test, and the escaped names checked by the TypeScript compiler), scopes,
 * property keys and string literals.
 */
import ts from "typescript";
import { describe, expect, it } from "vitest";
import {
  createNameScope,
  escapeReservedName,
  isIdentifierName,
  isReservedName,
  quotePropertyKey,
  splitWords,
  stringLiteral,
  toLowerCamel,
  toUpperCamel,
  tsName,
  type NameContext,
} from "../../src/codegen/names.js";

describe("case conversion", () => {
  // Expected values are what heck's ToUpperCamelCase / ToLowerCamelCase give
  // (jco's rule), worked out by hand from heck's word-boundary definition.
  it.each([
    ["http-request", "HttpRequest", "httpRequest"],
    ["HTTP-request", "HttpRequest", "httpRequest"],
    ["get-HTTP", "GetHttp", "getHttp"],
    ["a-b-c", "ABC", "aBC"],
    ["f32-x", "F32X", "f32X"],
    ["v2", "V2", "v2"],
    ["v2-0", "V20", "v20"],
    ["x", "X", "x"],
    ["input-stream", "InputStream", "inputStream"],
    ["list-u8", "ListU8", "listU8"],
    ["ABC-def", "AbcDef", "abcDef"],
    ["HTTPRequest", "HttpRequest", "httpRequest"],
    ["fooBar", "FooBar", "fooBar"],
    ["wasi:http/types", "WasiHttpTypes", "wasiHttpTypes"],
  ])("%s -> %s / %s", (input, upper, lower) => {
    expect(toUpperCamel(input)).toBe(upper);
    expect(toLowerCamel(input)).toBe(lower);
  });

  it("splits words at heck's boundaries", () => {
    expect(splitWords("HTTPRequest-body2x")).toEqual(["HTTP", "Request", "body2x"]);
    expect(splitWords("aB-CD")).toEqual(["a", "B", "CD"]);
  });

  it("prefixes `_` when the result would start with a digit", () => {
    expect(toUpperCamel("0-day")).toBe("_0Day");
    expect(toLowerCamel("2x")).toBe("_2x");
  });

  it("rejects an empty name", () => {
    expect(() => toLowerCamel("")).toThrow("cannot name an empty identifier");
  });
});

/** ECMAScript reserved words, strict-mode and future reserved words, literals (ECMA-262 §12.7.2, §13.1.1). */
const JS_WORDS = [
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
  "import",
  "in",
  "instanceof",
  "new",
  "null",
  "return",
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
  "let",
  "static",
  "implements",
  "interface",
  "package",
  "private",
  "protected",
  "public",
  "arguments",
  "eval",
];

/** TypeScript's predefined type names (invalid as type names) and contextual keywords. */
const TS_TYPE_WORDS = [
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
  "as",
  "type",
  "declare",
  "namespace",
  "module",
  "abstract",
  "asserts",
  "global",
  "infer",
  "intrinsic",
  "is",
  "keyof",
  "readonly",
  "satisfies",
  "unique",
];

/** Globals generated code must not shadow. */
const GLOBALS = [
  "Object",
  "Promise",
  "Symbol",
  "Array",
  "Error",
  "Map",
  "Set",
  "Uint8Array",
  "BigInt",
  "TypeError",
  "RangeError",
  "DataView",
  "WeakRef",
  "FinalizationRegistry",
  "Reflect",
  "undefined",
  "NaN",
  "Infinity",
  "globalThis",
  "JSON",
  "Math",
  "Record",
  "Partial",
  "Readonly",
  "ReadonlyArray",
  "Iterable",
  "AsyncIterable",
  "PromiseLike",
  "Disposable",
  "AsyncDisposable",
  "TextDecoder",
  "TextEncoder",
  "WebAssembly",
  "console",
];

const OBJECT_KEYS = [
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
];

describe("reserved names", () => {
  it.each(JS_WORDS)("`%s` is escaped as a binding, export and type, not as a property", (word) => {
    for (const context of ["local", "export", "type"] as const) {
      expect(escapeReservedName(word, context)).toBe(`${word}_`);
    }
    expect(escapeReservedName(word, "property")).toBe(word);
  });

  it.each(TS_TYPE_WORDS)("`%s` is escaped as a type name only", (word) => {
    expect(escapeReservedName(word, "type")).toBe(`${word}_`);
    if (word !== "undefined") {
      expect(escapeReservedName(word, "local")).toBe(word);
    }
  });

  it.each(GLOBALS)("global `%s` is not shadowed by bindings or types", (name) => {
    expect(escapeReservedName(name, "local")).toBe(`${name}_`);
    expect(escapeReservedName(name, "export")).toBe(`${name}_`);
    expect(escapeReservedName(name, "type")).toBe(`${name}_`);
    expect(escapeReservedName(name, "property")).toBe(name);
  });

  it.each(OBJECT_KEYS)("`%s` is escaped as a property, member and static member", (name) => {
    expect(escapeReservedName(name, "property")).toBe(`${name}_`);
    expect(escapeReservedName(name, "member")).toBe(`${name}_`);
    expect(escapeReservedName(name, "static-member")).toBe(`${name}_`);
  });

  it("never exports a binding named `then`, but a local may be", () => {
    expect(tsName("then", "export")).toBe("then_");
    expect(tsName("then", "local")).toBe("then");
    expect(tsName("then", "property")).toBe("then_");
  });

  it.each(["prototype", "name", "length", "caller", "arguments", "apply", "bind", "call"])(
    "`%s` is escaped as a static member only",
    (name) => {
      expect(escapeReservedName(name, "static-member")).toBe(`${name}_`);
      expect(escapeReservedName(name, "member")).toBe(name === "prototype" ? "prototype_" : name);
    },
  );

  it("converts case by context, then escapes", () => {
    const table: [string, NameContext, string][] = [
      ["error", "type", "Error_"],
      ["error", "local", "error"],
      ["delete", "local", "delete_"],
      ["delete", "member", "delete"],
      ["object", "type", "Object_"],
      ["to-string", "member", "toString_"],
      ["value-of", "property", "valueOf_"],
      ["http-request", "type", "HttpRequest"],
      ["type", "local", "type"],
      ["undefined", "local", "undefined_"],
      ["new", "static-member", "new"],
    ];
    for (const [wit, context, expected] of table) {
      expect([wit, context, tsName(wit, context)]).toEqual([wit, context, expected]);
    }
  });

  it("escaped names compile where the originals do not", () => {
    // One module per word and declaration form; TypeScript must accept every
    // escaped form. The unescaped control proves the check can fail.
    const words = [...JS_WORDS, ...TS_TYPE_WORDS];
    const modules = (escape: boolean): Map<string, string> => {
      const files = new Map<string, string>();
      words.forEach((word, i) => {
        const t = escape ? escapeReservedName(word, "type") : word;
        const v = escape ? escapeReservedName(word, "local") : word;
        const e = escape ? escapeReservedName(word, "export") : word;
        files.set(`interface${i}.ts`, `export interface ${t} { a: 1 }`);
        files.set(`alias${i}.ts`, `export type ${t} = { b: 2 };`);
        files.set(`class${i}.ts`, `export class ${t} {}`);
        files.set(`param${i}.ts`, `export function f(${v}: number): number { return ${v}; }`);
        files.set(`const${i}.ts`, `export const ${e} = 1;`);
      });
      return files;
    };
    expect(diagnosticsOf(modules(true))).toEqual([]);
    expect(diagnosticsOf(modules(false)).length).toBeGreaterThan(words.length);
  });
});

/** TypeScript's diagnostics for in-memory strict ES modules, as `file: message`. */
function diagnosticsOf(files: ReadonlyMap<string, string>): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    types: [],
    lib: ["lib.es2022.d.ts"],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version) => {
    const text = files.get(name);
    return text === undefined
      ? getSourceFile(name, version)
      : ts.createSourceFile(name, text, ts.ScriptTarget.ES2022, true);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .map(
      (d) => `${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`,
    );
}

describe("createNameScope", () => {
  it("suffixes collisions after conversion in declaration order", () => {
    const scope = createNameScope();
    expect(
      ["foo-bar", "FOO-bar", "foo-bar", "a-bc", "a-b-c", "a-B-C"].map((n) =>
        scope.declare(n, "local"),
      ),
    ).toEqual(["fooBar", "fooBar2", "fooBar3", "aBc", "aBC2", "aBC3"]);
  });

  it("treats names differing only in case as the same", () => {
    const scope = createNameScope();
    expect(scope.claim("Foo")).toBe("Foo");
    expect(scope.claim("foo")).toBe("foo2");
    expect(scope.claim("FOO2")).toBe("FOO22");
    expect(scope.has("fOo")).toBe(true);
    expect(scope.has("bar")).toBe(false);
  });

  it("steps around names taken up front and escapes before claiming", () => {
    const scope = createNameScope(["Promise", "makeHandle"]);
    expect(scope.claim("promise")).toBe("promise2");
    expect(scope.declare("make-handle", "local")).toBe("makeHandle2");
    expect(scope.declare("delete", "local")).toBe("delete_");
    expect(scope.declare("delete", "local")).toBe("delete_2");
  });

  it("gives the same names for the same declarations", () => {
    const run = (): string[] => {
      const scope = createNameScope();
      return ["x", "X", "x-1", "x1", "then", "then"].map((n) => scope.declare(n, "export"));
    };
    expect(run()).toEqual(["x", "x2", "x1", "x12", "then_", "then_2"]);
    expect(run()).toEqual(run());
  });
});

describe("quotePropertyKey", () => {
  it.each([
    ["foo", "foo"],
    ["default", "default"],
    ["$x_1", "$x_1"],
    ["é", "é"],
    ["a-b", '"a-b"'],
    ["wasi:http/types@0.2.0", '"wasi:http/types@0.2.0"'],
    ["1a", '"1a"'],
    ["0", '"0"'],
    ["", '""'],
    ["it's", '"it\'s"'],
    ['say "hi"', `'say "hi"'`],
  ])("%s -> %s", (name, expected) => {
    expect(quotePropertyKey(name)).toBe(expected);
  });

  it("agrees with isIdentifierName", () => {
    expect(isIdentifierName("a\u200Cb")).toBe(true);
    expect(isIdentifierName("a b")).toBe(false);
    expect(isReservedName("a b", "property")).toBe(false);
  });
});

describe("stringLiteral", () => {
  it.each([
    ["plain", '"plain"'],
    ['one "double"', `'one "double"'`],
    [`it's "x"`, `'it\\'s "x"'`],
    [`it's`, `"it's"`],
    ["a\\b", '"a\\\\b"'],
    ["line\nbreak\r\t", '"line\\nbreak\\r\\t"'],
    ["\b\f\v", '"\\b\\f\\v"'],
    ["nul\0", '"nul\\u0000"'],
    ["\u2028\u2029", '"\\u2028\\u2029"'],
    ["\u202E\uFEFF\u200B", '"\\u202e\\ufeff\\u200b"'],
    ["lone \uD800", '"lone \\ud800"'],
    ["nbsp\u00A0", '"nbsp\\u00a0"'],
    ["\u{E0001}", '"\\udb40\\udc01"'],
    ["emoji 😀 é", '"emoji 😀 é"'],
    ["`${x}`", '"`${x}`"'],
  ])("%j -> %s", (value, expected) => {
    expect(stringLiteral(value)).toBe(expected);
  });

  it("evaluates back to the same string", () => {
    const samples = [
      "",
      "\"'\\",
      "\u2028 \u0000 \u007f \u0085 \uD83D \uDE00 😀",
      Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join(""),
    ];
    for (const sample of samples) {
      const evaluated: unknown = new Function(`return ${stringLiteral(sample)};`)();
      expect(evaluated).toBe(sample);
    }
  });
});
