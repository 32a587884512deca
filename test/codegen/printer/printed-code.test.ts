/**
 * What the printer promises about the code it prints: it parses, it is the same code whatever the width (the
 * tokens of a file printed in 80 columns equal those of the same file printed on unlimited lines, up to the
 * trailing commas and leading `|` that broken lists and unions add), and printing is deterministic. Each case
 * prints a file: a hand-written sample of what emitters print, the same constructs swept across the 80-column
 * boundary, and files built from a seeded random mix of every layout constructor. (That generated SDKs also
 * type-check is the goldens' test.)
 */
import ts from "typescript";
import { describe, expect, it } from "vitest";
import {
  array,
  arrayType,
  assignment,
  callArgs,
  createGeneratedFile,
  createImportSymbol,
  createLocalSymbol,
  generatedByComment,
  object,
  objectType,
  pure,
  signature,
  typeAlias,
  typeArgs,
  typeParams,
  union,
  type GeneratedFile,
  type Printable,
} from "../../../src/codegen/printer/index.js";

/** Prints what `build` prints in 80 columns and on unlimited lines, and checks the promises above. */
function expectSoundPrinting(build: (f: GeneratedFile) => void): void {
  const print = (width?: number): string => {
    const f = newFile(width);
    build(f);
    return f.toString();
  };
  const text = print();
  const { diagnostics } = ts.transpileModule(text, {
    reportDiagnostics: true,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  });
  expect(
    diagnostics?.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")) ?? [],
    text,
  ).toEqual([]);
  expect(tokens(text)).toEqual(tokens(print(Number.POSITIVE_INFINITY)));
  expect(print()).toBe(text);
}

/** The tokens of `text`, without the separators a broken list or union adds. */
function tokens(text: string): string[] {
  const scanner = ts.createScanner(
    ts.ScriptTarget.Latest,
    false,
    ts.LanguageVariant.Standard,
    text,
  );
  const all: string[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.WhitespaceTrivia || kind === ts.SyntaxKind.NewLineTrivia) continue;
    all.push(scanner.getTokenText());
  }
  const closers = new Set([")", "]", "}", ">"]);
  const beforeUnion = new Set(["=", ":", "(", "<", ",", "=>"]);
  return all.filter((token, i) => {
    if ((token === "," || token === ";") && closers.has(all[i + 1] ?? "")) return false;
    if (token === "|" && beforeUnion.has(all[i - 1] ?? "")) return false;
    return true;
  });
}

function newFile(width?: number): GeneratedFile {
  return createGeneratedFile("interfaces/wasi-http-types.ts", {
    preamble: generatedByComment({
      version: "0.1.0",
      input: "wit/",
      world: "proxy",
    }),
    ...(width === undefined ? {} : { width }),
  });
}

const runtime = "../runtime/index.js";
const Resource = createImportSymbol("Resource", runtime);
const Borrow = createImportSymbol("Borrow", runtime, { typeOnly: true });
const callGate = createImportSymbol("callGate", runtime);
const Result = createImportSymbol("Result", runtime, { typeOnly: true });
const Pollable = createImportSymbol("Pollable", "./wasi-io-poll.js");
const InputStream = createImportSymbol("InputStream", "./wasi-io-streams.js");

describe("printed code parses, is the same code at any width, and is deterministic", () => {
  it("a sample of what emitters print", () => {
    expectSoundPrinting((f) => {
      const Method = createLocalSymbol("Method");
      const ErrorCode = createLocalSymbol("ErrorCode");
      const Fields = createLocalSymbol("Fields");
      const Request = createLocalSymbol("OutgoingRequest");

      f.jsDoc({
        docs: "This type corresponds to HTTP standard Methods.",
        tags: [{ kind: "since", version: "0.2.0" }],
      });
      f.print(
        typeAlias(
          ["export type ", Method],
          union([
            ...["get", "head", "post", "put", "delete", "connect", "options", "trace", "patch"].map(
              (m) => f.string(m),
            ),
            objectType(['tag: "other"', "val: string"]),
          ]),
        ),
        ";",
      );
      f.print();
      f.jsDoc({
        docs: "These cases are inspired by the IANA HTTP Proxy Error Types:\n  https://www.iana.org/assignments/http-proxy-status/http-proxy-status.xhtml#table-http-proxy-error-types",
      });
      f.print(
        typeAlias(
          ["export type ", ErrorCode],
          union([
            objectType(['tag: "DNS-timeout"']),
            objectType([
              'tag: "DNS-error"',
              ["val: ", objectType(["rcode?: string", "infoCode?: number"])],
            ]),
            objectType(['tag: "destination-not-found"']),
            objectType(['tag: "internal-error"', ["val: ", union(["string", "undefined"])]]),
          ]),
        ),
        ";",
      );
      f.print();
      f.print("export interface RequestOptions {");
      f.indent(() => {
        f.jsDoc({
          docs: "The timeout for the initial connect to the HTTP Server.",
        });
        f.print("connectTimeout?: ", union(["bigint", "undefined"]), ";");
        f.print(
          f.propertyKey("between-bytes-timeout"),
          "?: ",
          union(["bigint", "undefined", ["Promise", typeArgs([union(["bigint", "undefined"])])]]),
          ";",
        );
        f.print(
          "readonly headers: ",
          ["ReadonlyArray", typeArgs([["readonly [", "string", ", ", "Uint8Array", "]"]])],
          ";",
        );
        f.print("then_?: never;");
      });
      f.print("}");
      f.print();
      f.jsDoc({
        docs: "Represents an outgoing HTTP Request.\n\nOnly `*/` is special.",
      });
      f.print("export class ", Request, " extends ", Resource, " {");
      f.indent(() => {
        f.print("#handle: number;");
        f.print();
        f.print("constructor", signature([["headers: ", f.typeRef(Resource)]]), " {");
        f.indent(() => {
          f.print("super", callArgs([f.string("wasi:http/types#outgoing-request")]), ";");
          f.print("this.#handle = ", callGate, callArgs(["headers"]), ";");
        });
        f.print("}");
        f.print();
        f.jsDoc({
          docs: "Set the Method for the Request. Fails if the string present in a\n`method.other` argument is not a syntactically valid method.",
          tags: [{ kind: "param", name: "method", text: "the method" }],
        });
        f.print(
          "setMethod",
          signature([["method: ", Method]], [Result, typeArgs(["void", "void"])]),
          " {",
        );
        f.indent(() => {
          f.print(
            "return ",
            callGate,
            callArgs([
              "this.#handle",
              f.string("[method]outgoing-request.set-method"),
              object([
                ["method", "method"],
                ["encoding", f.string("utf8")],
              ]),
            ]),
            ";",
          );
        });
        f.print("}");
        f.print();
        f.print(
          "static async fromParts",
          signature(
            [
              ["method: ", Method],
              ["pathWithQuery: ", union(["string", "undefined"])],
              ["headers: ", Fields],
              ["body: ", arrayType(f.typeRef(InputStream))],
              ["...rest: ", arrayType(Borrow)],
            ],
            ["Promise", typeArgs([[Result, typeArgs([Request, ErrorCode])]])],
          ),
          " {",
        );
        f.indent(() => {
          f.print(assignment("const pollable", pure(["new ", Pollable, callArgs([])])), ";");
          f.print(
            assignment(
              "const options",
              object([
                ["pollable", "pollable"],
                ["rest", "rest"],
                ["pathWithQuery", "pathWithQuery"],
              ]),
            ),
            ";",
          );
          f.print("return ", callGate, callArgs(["method", "headers", "body", "options"]), ";");
        });
        f.print("}");
      });
      f.print("}");
      f.print();
      f.print("export class ", Fields, " {}");
      f.print(
        assignment("export const methods", array(["get", "head", "post"].map((m) => f.string(m)))),
        ";",
      );
      f.print(
        assignment(
          "export const exportsTable",
          object(
            [
              [
                "wasi:http/types@0.2.0",
                object([
                  ["Fields", Fields],
                  ["OutgoingRequest", Request],
                ]),
              ],
              ["wasi:http/outgoing-handler@0.2.0", object([["handle", f.string("x")]])],
            ],
            { expand: true },
          ),
        ),
        ";",
      );
    });
  });

  it("constructs swept across the 80-column boundary", () => {
    expectSoundPrinting((f) => {
      const T = createImportSymbol("Value", "./value.js", { typeOnly: true });
      for (let n = 1; n <= 48; n++) {
        const name = `n${"x".repeat(n)}`;
        f.print(
          typeAlias(
            `export type U${name}`,
            union([f.string("alpha"), f.string("beta"), T, "undefined"]),
          ),
          ";",
        );
        f.print(typeAlias(`export type H${name}`, union([T, "null"])), ";");
        f.print(
          typeAlias(`export type O${name}`, objectType([`a${name}: string`, "b?: number"])),
          ";",
        );
        f.print(
          typeAlias(
            `export type F${name}`,
            signature([`a: ${name}`, "b: number"], "void", { arrow: true }),
          ),
          ";",
        );
        f.print(
          `export function f${name}`,
          signature(
            ["a: string", ["b: ", union(["number", "bigint"])]],
            ["Promise", typeArgs([T])],
          ),
          " {}",
        );
        f.print(
          assignment(`export const c${name}`, [
            `make`,
            callArgs(["a", "b", object([["key", name]])]),
          ]),
          ";",
        );
        f.print(assignment(`export const s${name}`, f.string(name)), ";");
        f.print(
          assignment(`export const p${name}`, pure([`make`, callArgs([name.slice(0, 12)])])),
          ";",
        );
        f.print(
          `let m${name}: Map`,
          typeArgs([`K${name}`, ["Array", typeArgs([union(["string", "number"])])]]),
          ";",
        );
        f.print(`export class K${name}`, typeParams([`T extends ${name}`, "U"]), " {}");
        f.print("export interface I", name, " {");
        f.indent(() => {
          f.print(name, ": ", union(["string", "number", "boolean", "bigint"]), ";");
          f.print(
            `m${name}`,
            signature([["opts: ", objectType(["a: string", "b: number"])]], "void"),
            ";",
          );
        });
        f.print("}");
      }
    });
  });

  it.each(Array.from({ length: 40 }, (_, i) => i + 1))("random mix of layouts, seed %i", (seed) => {
    expectSoundPrinting((f) => randomFile(seed, f));
  });
});

/** A file of random declarations using every layout helper, from a seeded generator. */
function randomFile(seed: number, f: GeneratedFile): void {
  let state = seed;
  const random = (): number => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const list = <T>(lo: number, hi: number, make: () => T): T[] =>
    Array.from({ length: int(lo, hi) }, make);
  const maxLength = int(3, 40);
  // Identifiers start with `q` or `T` and use letters that spell no keyword.
  const ident = (type: boolean): string =>
    (type ? "T" : "q") + list(0, maxLength, () => pick([..."abcefghjklmnprs"])).join("");

  const key = (): string =>
    f.propertyKey(pick([ident(false), "a-b", "x", "wasi:http/types@0.2.0", "constructor"]));
  const typeExpr = (depth: number): Printable => {
    const r = random();
    if (depth > 3 || r < 0.3) {
      return pick<Printable>([
        "string",
        "number",
        "undefined",
        "null",
        "void",
        Borrow,
        InputStream,
        f.string(ident(false)),
        createLocalSymbol(ident(true)),
      ]);
    }
    if (r < 0.45) return union(list(2, 6, () => typeExpr(depth + 1)));
    if (r < 0.5)
      return union([
        pick<Printable>([
          Borrow,
          [Result, typeArgs([typeExpr(depth + 1)])],
          objectType([[key(), ": ", typeExpr(depth + 1)]]),
        ]),
        pick(["null", "void", "undefined"]),
      ]);
    if (r < 0.65)
      return [
        pick<Printable>(["Promise", "Map", Result]),
        typeArgs(list(1, 3, () => typeExpr(depth + 1))),
      ];
    if (r < 0.78)
      return objectType(
        list(0, 4, () => [key(), pick([": ", "?: "]), typeExpr(depth + 1)]),
        { expand: random() < 0.15 },
      );
    if (r < 0.86) return arrayType(typeExpr(depth + 1));
    return signature(params(depth + 1), typeExpr(depth + 1), { arrow: true });
  };
  const params = (depth: number): Printable[] => {
    const ps: Printable[] = list(0, 4, () => [ident(false), pick([": ", "?: "]), typeExpr(depth)]);
    if (ps.length > 0 && random() < 0.2) {
      ps[ps.length - 1] = ["...", ident(false), ": ", arrayType(typeExpr(depth))];
    }
    return ps;
  };
  const valueExpr = (depth: number): Printable => {
    const r = random();
    if (depth > 3 || r < 0.35) {
      return pick<Printable>([
        ident(false),
        f.string(ident(false) + pick(["", "'", '"', "\n"])),
        int(0, 99999),
        "true",
        callGate,
        "undefined",
      ]);
    }
    if (r < 0.55)
      return [
        pick(["", "new ", "await "]),
        ident(false),
        callArgs(list(0, 4, () => valueExpr(depth + 1))),
      ];
    if (r < 0.6) return pure([ident(false), callArgs(list(0, 2, () => valueExpr(depth + 1)))]);
    if (r < 0.8)
      return object(
        list(
          0,
          4,
          () =>
            [
              pick([ident(false), "a-b", "x", "wasi:http/types@0.2.0"]),
              valueExpr(depth + 1),
            ] as const,
        ),
        { expand: random() < 0.15 },
      );
    return array(list(0, 4, () => valueExpr(depth + 1)));
  };
  const declaration = (i: number): void => {
    switch (int(0, 7)) {
      case 0:
        f.print(
          typeAlias(
            [
              "export type ",
              createLocalSymbol(ident(true) + i),
              typeParams(list(0, 2, () => ident(true))),
            ],
            typeExpr(0),
          ),
          ";",
        );
        break;
      case 1:
        f.jsDoc({ docs: `Docs for ${ident(false)}.\n\nMore.` });
        f.print("export interface ", createLocalSymbol(ident(true) + i), " {");
        f.indent(() => {
          for (const _ of list(1, 3, () => 0)) f.print(key(), ": ", typeExpr(0), ";");
          f.print(ident(false), signature(params(1), typeExpr(1)), ";");
        });
        f.print("}");
        break;
      case 2:
        f.print("export function ", ident(false) + i, signature(params(1), typeExpr(1)), " {");
        f.indent(() => f.print("return ", valueExpr(0), ";"));
        f.print("}");
        break;
      case 3:
        f.print(assignment(["export const ", ident(false) + i], valueExpr(0)), ";");
        break;
      case 4:
        f.print(ident(false), callArgs(list(0, 4, () => valueExpr(0))), ";");
        break;
      case 5:
        f.print("export class ", createLocalSymbol(ident(true) + i), " {");
        f.indent(() => {
          f.print("static async ", ident(false), signature(params(1), typeExpr(1)), " {");
          f.indent(() => f.print("return ", valueExpr(1), ";"));
          f.print("}");
        });
        f.print("}");
        break;
      case 6:
        f.print(assignment(["let ", ident(false) + i, ": ", typeExpr(0)], valueExpr(1)), ";");
        break;
      default:
        f.print("let ", ident(false) + i, ": ", typeExpr(0), ";");
    }
    if (random() < 0.5) f.print();
  };
  const nest = (depth: number, i: number): void => {
    if (depth === 0) {
      declaration(i);
      return;
    }
    f.print(`export namespace N${depth}x${i} {`);
    f.indent(() => nest(depth - 1, i));
    f.print("}");
  };
  for (let i = 0, n = int(3, 8); i < n; i++) {
    nest(int(0, 3), i);
  }
}
