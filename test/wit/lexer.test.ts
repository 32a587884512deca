/**
 * Tests for the WIT lexer (src/wit/lexer.ts): token kinds and exact spans,
 * comments, `%` escapes, identifier validation messages, the forbidden
 * codepoint guard, unterminated comments and strings, and input edge cases
 * (BOM, CRLF, lone CR, a huge identifier, a second file's offsets).
 */
import { describe, expect, test } from "vitest";
import { SourceMap } from "../../src/diagnostics/source-map.js";
import { renderDiagnostic } from "../../src/diagnostics/render.js";
import {
  debugChar,
  describeToken,
  KEYWORDS,
  Tok,
  tokenize,
  tokenList,
  tokenText,
  validateIdMessage,
  type TokenKind,
  type TokenStream,
} from "../../src/wit/lexer.js";

/** Lexes `text` as the only file of a fresh source map. */
function lex(text: string, path = "t.wit"): { stream: TokenStream; sources: SourceMap } {
  const sources = new SourceMap();
  sources.add(path, text);
  return { stream: tokenize(sources.files[0]!), sources };
}

const NAMES = new Map<number, string>(Object.entries(Tok).map(([k, v]) => [v, k]));

/** Tokens as `Kind@start-end:text`, the compact form the assertions below compare. */
function show(stream: TokenStream): string[] {
  const out: string[] = [];
  for (let i = 0; i < stream.count; i++) {
    const k = stream.kinds[i]!;
    out.push(`${NAMES.get(k)}@${stream.starts[i]}-${stream.ends[i]}:${tokenText(stream, i)}`);
  }
  return out;
}

describe("tokens", () => {
  test("a package header, with exact kinds and spans", () => {
    expect(show(lex("package a:b@1.0.0;").stream)).toEqual([
      "Package@0-7:package",
      "Id@8-9:a",
      "Colon@9-10::",
      "Id@10-11:b",
      "At@11-12:@",
      "Integer@12-13:1",
      "Period@13-14:.",
      "Integer@14-15:0",
      "Period@15-16:.",
      "Integer@16-17:0",
      "Semicolon@17-18:;",
      "Eof@18-18:",
    ]);
  });

  test("every punctuation token", () => {
    const kinds = tokenList(lex("= , : . ; ( ) { } < > -> * @ / + -").stream).map((t) =>
      NAMES.get(t.kind),
    );
    expect(kinds).toEqual([
      "Equals",
      "Comma",
      "Colon",
      "Period",
      "Semicolon",
      "LeftParen",
      "RightParen",
      "LeftBrace",
      "RightBrace",
      "LessThan",
      "GreaterThan",
      "RArrow",
      "Star",
      "At",
      "Slash",
      "Plus",
      "Minus",
      "Eof",
    ]);
  });

  test("every keyword lexes to its own kind, and a longer word is an identifier", () => {
    for (const [word, kind] of KEYWORDS) {
      const { stream } = lex(`${word} ${word}x`);
      expect([stream.kinds[0], stream.kinds[1]], word).toEqual([kind, Tok.Id]);
    }
    expect(KEYWORDS.size).toBe(44);
    // The old float names are ordinary identifiers now (the resolver explains the rename).
    expect(lex("float32").stream.kinds[0]).toBe(Tok.Id);
    expect(lex("error-context").stream.kinds[0]).toBe(Tok.ErrorContext);
  });

  test("a version with pre-release and build metadata is a run of small tokens", () => {
    expect(
      show(lex("1.0.0-rc.1+build-7").stream).map(
        (s) => s.split("@")[0] + ":" + s.split(":").slice(1).join(":"),
      ),
    ).toEqual([
      "Integer:1",
      "Period:.",
      "Integer:0",
      "Period:.",
      "Integer:0",
      "Minus:-",
      "Id:rc",
      "Period:.",
      "Integer:1",
      "Plus:+",
      "Id:build-7",
      "Eof:",
    ]);
  });

  test("digits start an integer, not an identifier", () => {
    expect(show(lex("12ab a12").stream)).toEqual([
      "Integer@0-2:12",
      "Id@2-4:ab",
      "Id@5-8:a12",
      "Eof@8-8:",
    ]);
  });

  test("describeToken uses wit-parser's words", () => {
    expect(describeToken(Tok.Id)).toBe("an identifier");
    expect(describeToken(Tok.ExplicitId)).toBe("an '%' identifier");
    expect(describeToken(Tok.Integer)).toBe("an integer");
    expect(describeToken(Tok.Eof)).toBe("eof");
    expect(describeToken(Tok.Semicolon)).toBe("';'");
    expect(describeToken(Tok.RArrow)).toBe("`->`");
    expect(describeToken(Tok.Func)).toBe("keyword `func`");
    expect(describeToken(Tok.Underscore)).toBe("keyword `_`");
    expect(describeToken(Tok.ErrorContext)).toBe("keyword `error-context`");
  });
});

describe("comments", () => {
  test("line, doc and block comments are kept as tokens with their exact text", () => {
    const { stream } = lex("// a\n/// b\n/** c */ /* d */x");
    expect(show(stream)).toEqual([
      "Comment@0-4:// a",
      "Comment@5-10:/// b",
      "Comment@11-19:/** c */",
      "Comment@20-27:/* d */",
      "Id@27-28:x",
      "Eof@28-28:",
    ]);
  });

  test("block comments nest", () => {
    expect(show(lex("/* a /* b */ c */ x").stream)).toEqual([
      "Comment@0-17:/* a /* b */ c */",
      "Id@18-19:x",
      "Eof@19-19:",
    ]);
  });

  test("a line comment at end of file without a newline", () => {
    expect(show(lex("x // end").stream)).toEqual(["Id@0-1:x", "Comment@2-8:// end", "Eof@8-8:"]);
  });

  test("an unterminated block comment is an error at its start", () => {
    const { stream, sources } = lex("x\n  /* /* */ y");
    expect(stream.kinds[stream.count - 2]).toBe(Tok.Error);
    expect(renderDiagnostic(stream.error!, sources)).toBe(
      [
        "error[WIT1003]: unterminated block comment",
        "     --> t.wit:2:3",
        "      |",
        "    2 |   /* /* */ y",
        "      |   ^",
      ].join("\n"),
    );
  });

  test("deeply nested block comments do not recurse", () => {
    const n = 100_000;
    const { stream } = lex(`${"/*".repeat(n)}${"*/".repeat(n)}x`);
    expect(show(stream)).toEqual([
      `Comment@0-${4 * n}:${"/*".repeat(n)}${"*/".repeat(n)}`,
      `Id@${4 * n}-${4 * n + 1}:x`,
      `Eof@${4 * n + 1}-${4 * n + 1}:`,
    ]);
  });
});

describe("identifiers", () => {
  test("a %-escaped identifier includes the % in its span", () => {
    expect(show(lex("%interface %a-b %").stream)).toEqual([
      "ExplicitId@0-10:%interface",
      "ExplicitId@11-15:%a-b",
      "ExplicitId@16-17:%",
      "Eof@17-17:",
    ]);
  });

  test("kebab-case validation gives wit-parser's messages", () => {
    expect(validateIdMessage("foo-bar2")).toBeUndefined();
    expect(validateIdMessage("XML-http")).toBeUndefined();
    expect(validateIdMessage("GET-USER")).toBeUndefined();
    expect(validateIdMessage("foo_bar")).toBe("invalid character in identifier '_'");
    expect(validateIdMessage("Foo")).toBe("invalid character in identifier 'o'");
    expect(validateIdMessage("fooBar")).toBe("invalid character in identifier 'B'");
    expect(validateIdMessage("a-1b")).toBe("invalid character in identifier '1'");
    expect(validateIdMessage("über")).toBe("invalid character in identifier 'ü'");
    expect(validateIdMessage("e\u0301")).toBe("invalid character in identifier '\\u{301}'");
    expect(validateIdMessage("a--b")).toBe("identifiers must have characters between '-'s");
    expect(validateIdMessage("a-")).toBe("identifiers must have characters between '-'s");
    expect(validateIdMessage("-a")).toBe("identifiers must have characters between '-'s");
    expect(validateIdMessage("")).toBe("identifiers must have characters between '-'s");
  });

  test("Rust's char debug form", () => {
    expect(debugChar(0x27)).toBe("'\\''");
    expect(debugChar(0x0a)).toBe("'\\n'");
    expect(debugChar(0x23)).toBe("'#'");
    expect(debugChar(0x1f600)).toBe("'\u{1f600}'");
  });

  test("a non-ASCII identifier lexes as one word (validation rejects it later)", () => {
    expect(show(lex("größe x").stream)).toEqual(["Id@0-5:größe", "Id@6-7:x", "Eof@7-7:"]);
  });

  test("a huge identifier is one token", () => {
    const name = "a".repeat(1_000_000);
    const { stream } = lex(`${name};`);
    expect(stream.count).toBe(3);
    expect([stream.kinds[0], stream.starts[0], stream.ends[0]]).toEqual([Tok.Id, 0, 1_000_000]);
  });
});

describe("input guards", () => {
  test("a bidirectional override codepoint is rejected where it occurs, even in a comment", () => {
    const { stream, sources } = lex("interface foo {\n  // \u202e evil\n}");
    expect(tokenList(stream).map((t) => t.kind)).toEqual([Tok.Error, Tok.Eof]);
    expect(renderDiagnostic(stream.error!, sources)).toBe(
      [
        "error[WIT1001]: Input contains bidirectional override codepoint '\\u{202e}'",
        "     --> t.wit:2:6",
        "      |",
        "    2 |   // \u202e evil",
        "      |      ^",
      ].join("\n"),
    );
  });

  test("every bidi codepoint, discouraged codepoints and control codes are rejected", () => {
    for (const cp of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]) {
      expect(lex(`a${String.fromCodePoint(cp)}`).stream.error?.message).toBe(
        `Input contains bidirectional override codepoint '\\u{${cp.toString(16)}}'`,
      );
    }
    expect(lex("a\u0149").stream.error?.message).toBe(
      "Codepoint '\\u{149}' is discouraged by Unicode",
    );
    expect(lex("a\u17b5").stream.error?.message).toBe(
      "Codepoint '\\u{17b5}' is discouraged by Unicode",
    );
    expect(lex("a\u0007").stream.error?.message).toBe("Control code '\\u{7}'");
    expect(lex("a\u0085").stream.error?.message).toBe("Control code '\\u{85}'");
    expect(lex("a\u0000").stream.error?.span).toEqual({ start: 1, end: 2 });
  });

  test("tab, newline and carriage return are whitespace; a lone CR too", () => {
    expect(show(lex("a\tb\rc\n d").stream)).toEqual([
      "Id@0-1:a",
      "Id@2-3:b",
      "Id@4-5:c",
      "Id@7-8:d",
      "Eof@8-8:",
    ]);
  });

  test("an unexpected character is reported at its position", () => {
    const { stream, sources } = lex("interface x {\n  # }");
    expect(renderDiagnostic(stream.error!, sources)).toBe(
      [
        "error[WIT1002]: unexpected character '#'",
        "     --> t.wit:2:3",
        "      |",
        "    2 |   # }",
        "      |   ^",
      ].join("\n"),
    );
  });

  test("an unterminated string literal is reported at its opening quote", () => {
    const { stream, sources } = lex('interface x {}\n\n"abc\n');
    expect(renderDiagnostic(stream.error!, sources)).toBe(
      [
        "error[WIT1004]: unterminated string literal",
        "     --> t.wit:3:1",
        "      |",
        '    3 | "abc',
        "      | ^",
      ].join("\n"),
    );
    expect(show(lex('"a\\"b" x').stream)).toEqual(['String@0-6:"a\\"b"', "Id@7-8:x", "Eof@8-8:"]);
  });
});

describe("source text normalization", () => {
  test("a BOM is eaten, so the first token is at column 1", () => {
    const { stream, sources } = lex("\ufeffinterface x {}");
    expect(show(stream)[0]).toBe("Interface@0-9:interface");
    expect(sources.locate(stream.starts[0]!)).toMatchObject({ line: 1, column: 1 });
  });

  test("CRLF line ends are folded, keeping line numbers", () => {
    const { stream, sources } = lex("a\r\n\r\nb");
    expect(show(stream)).toEqual(["Id@0-1:a", "Id@3-4:b", "Eof@4-4:"]);
    expect(sources.locate(stream.starts[1]!)).toMatchObject({ line: 3, column: 1 });
  });

  test("offsets of a second file are global", () => {
    const sources = new SourceMap();
    sources.add("one.wit", "interface a {}");
    sources.add("two.wit", "world w {}");
    const stream = tokenize(sources.files[1]!);
    expect(tokenList(stream)[1]).toEqual({
      kind: Tok.Id as TokenKind,
      span: { start: 21, end: 22 },
    });
    expect(sources.locate(21)).toMatchObject({ path: "two.wit", line: 1, column: 7 });
    expect(tokenList(stream)[4]).toEqual({
      kind: Tok.Eof as TokenKind,
      span: { start: 25, end: 25 },
    });
  });
});
