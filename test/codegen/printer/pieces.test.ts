/**
 * The printer's piece buffer: a file's text comes out whole and in order however many chunks it was joined in,
 * pieces taken back before a flush never reach the text, and nothing of one file leaks into the next.
 */
import { describe, expect, it } from "vitest";
import { Pieces } from "../../../src/codegen/printer/pieces.js";

/** Writes `lines` lines of `perLine` pieces each, flushing between lines as the file printer does. */
function writeLines(out: Pieces, lines: number, perLine: number, tag: string): string {
  let expected = "";
  for (let line = 0; line < lines; line++) {
    for (let i = 0; i < perLine; i++) {
      out.push(`${tag}${line}.${i} `);
      expected += `${tag}${line}.${i} `;
    }
    // A piece taken back, as a line that did not fit takes back its one-line form.
    const mark = out.length;
    out.push("taken back");
    out.truncate(mark);
    out.push("\n");
    expected += "\n";
    out.flush();
  }
  return expected;
}

describe("Pieces", () => {
  it("joins a file of many chunks whole and in order", () => {
    const out = new Pieces();
    const expected = writeLines(out, 400, 37, "a");
    expect(out.take()).toBe(expected);
  });

  it("starts the next file empty, after a take or a clear", () => {
    const out = new Pieces();
    writeLines(out, 300, 20, "a");
    out.take();
    expect(out.take()).toBe("");
    writeLines(out, 300, 20, "b");
    out.clear();
    const expected = writeLines(out, 3, 2, "c");
    expect(out.take()).toBe(expected);
  });

  it("joins one line longer than a chunk", () => {
    const out = new Pieces();
    const expected = writeLines(out, 1, 10_000, "x") + writeLines(out, 2, 3, "y");
    expect(out.take()).toBe(expected);
  });
});
