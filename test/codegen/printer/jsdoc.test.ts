/**
 * JSDoc blocks from WIT docs and tags (`src/codegen/jsdoc.ts`): whole-line
 * assertions on the block for each kind of input that needs care.
 */
import { describe, expect, it } from "vitest";
import { jsDocLines, renderJsDoc } from "../../../src/codegen/printer/jsdoc.js";
import { WIDTH } from "../../../src/codegen/printer/print-line.js";

describe("jsDocLines", () => {
  it("prints nothing without docs or tags", () => {
    expect(jsDocLines({})).toEqual([]);
    expect(jsDocLines({ docs: "  \n \n" })).toEqual([]);
    expect(renderJsDoc({ docs: undefined, tags: [] }, "  ")).toBe("");
  });

  it("keeps one line of text on one line", () => {
    expect(jsDocLines({ docs: "Returns the `body`." })).toEqual(["/** Returns the `body`. */"]);
  });

  it("uses a block when the one line would pass the width", () => {
    // `/** text */` is 7 columns more than its text.
    const text = "x".repeat(WIDTH - 10);
    expect(jsDocLines({ docs: text }, 3)).toEqual([`/** ${text} */`]);
    expect(jsDocLines({ docs: text }, 4)).toEqual(["/**", ` * ${text}`, " */"]);
  });

  it("prints lines, blank lines and tags", () => {
    expect(
      jsDocLines({
        docs: "First line.\n\nSecond paragraph:\n  indented code",
        tags: [
          { kind: "param", name: "request", text: "the request" },
          { kind: "returns", text: "the response" },
          { kind: "throws", text: "`error-code` on failure" },
          { kind: "since", version: "0.2.0" },
          { kind: "deprecated", since: "1.2.0", reason: "use `fetch` instead" },
          { kind: "unstable", feature: "http-trailers" },
          { kind: "deprecated" },
        ],
      }),
    ).toEqual([
      "/**",
      " * First line.",
      " *",
      " * Second paragraph:",
      " *   indented code",
      " *",
      " * @param request the request",
      " * @returns the response",
      " * @throws `error-code` on failure",
      " * @since 0.2.0",
      " * @deprecated since 1.2.0 use `fetch` instead",
      " * @unstable feature http-trailers",
      " * @deprecated",
      " */",
    ]);
  });

  it("prints tags alone as a block", () => {
    expect(jsDocLines({ tags: [{ kind: "since", version: "0.2.0" }] })).toEqual([
      "/**",
      " * @since 0.2.0",
      " */",
    ]);
  });

  it("escapes the comment terminator", () => {
    expect(jsDocLines({ docs: "a */ b */" })).toEqual(["/** a *\\/ b *\\/ */"]);
    expect(jsDocLines({ docs: "*/" })).toEqual(["/** *\\/ */"]);
    expect(jsDocLines({ tags: [{ kind: "unstable", feature: "x*/" }] })).toEqual([
      "/**",
      " * @unstable feature x*\\/",
      " */",
    ]);
  });

  it("turns every line terminator into a line of its own", () => {
    expect(jsDocLines({ docs: "a\r\nb\rc\u2028d\u2029e\u0085f" })).toEqual([
      "/**",
      " * a",
      " * b",
      " * c",
      " * d",
      " * e",
      " * f",
      " */",
    ]);
  });

  it("spells control and format characters and lone surrogates as escapes", () => {
    expect(jsDocLines({ docs: "a\u0000b\u202Ec\uFEFFd\uD800e\u200Bf\tg" })).toEqual([
      "/** a\\u0000b\\u202ec\\ufeffd\\ud800e\\u200bf\tg */",
    ]);
  });

  it("removes trailing whitespace, common indentation and blank edges", () => {
    expect(jsDocLines({ docs: "\n   one   \n     two\t\n\n   three\n\n" })).toEqual([
      "/**",
      " * one",
      " *   two",
      " *",
      " * three",
      " */",
    ]);
  });

  it("trims one line of plain text and drops one of spaces only", () => {
    expect(jsDocLines({ docs: "   one two   " })).toEqual(["/** one two */"]);
    expect(jsDocLines({ docs: "one" })).toEqual(["/** one */"]);
    expect(jsDocLines({ docs: "    " })).toEqual([]);
    expect(jsDocLines({ docs: "" })).toEqual([]);
    expect(jsDocLines({ docs: " a */ " })).toEqual(["/** a *\\/ */"]);
  });

  it("keeps backticks and Markdown as written", () => {
    expect(jsDocLines({ docs: "Use `a` and **b** ([link](https://x.y/*))." })).toEqual([
      "/** Use `a` and **b** ([link](https://x.y/*)). */",
    ]);
  });
});

describe("renderJsDoc", () => {
  it("indents every line", () => {
    expect(renderJsDoc({ docs: "a\nb", tags: [{ kind: "since", version: "1.0.0" }] }, "    ")).toBe(
      ["    /**", "     * a", "     * b", "     *", "     * @since 1.0.0", "     */"].join("\n"),
    );
  });
});
