/**
 * JSDoc for generated code (codegen phase). Consumes WIT documentation (free
 * text, several lines, as the model keeps it) plus structured tags
 * (stability, parameters) and produces the lines of a `/** ... *\/` block,
 * either bare (for `GeneratedFile`, which indents them) or joined at a given
 * indentation.
 */
import { WIDTH } from "./print-line.js";

// The text is copied, not reflowed: the author's line breaks are the best we
// have (and prettier, under `--format`, never rewraps comments either). Only what would break the comment or the file is
// changed: a star followed by a slash would end the comment early, so it is
// written `*\/`; line terminators other than `\n` (`\r`, U+2028, U+2029,
// U+0085) become line breaks, since JavaScript ends a line at U+2028 and
// U+2029 and the next line would then lack its ` * ` prefix; control and
// format characters (bidirectional overrides, zero-width characters, a stray
// BOM) and lone surrogates are spelled `\uXXXX` so the source shows what is
// there. Trailing whitespace is removed. Backticks and
// Markdown are kept as they are.

/** A tag line after the documentation text. */
export type JsDocTag =
  /** `@since 0.2.0`, from WIT `@since(version = 0.2.0)`. */
  | { readonly kind: "since"; readonly version: string }
  /** `@deprecated since 1.2.0`, from WIT `@deprecated(version = 1.2.0)`. */
  | {
      readonly kind: "deprecated";
      readonly since?: string | undefined;
      readonly reason?: string | undefined;
    }
  /** `@unstable feature x`, from WIT `@unstable(feature = x)`. */
  | { readonly kind: "unstable"; readonly feature: string }
  | { readonly kind: "param"; readonly name: string; readonly text: string }
  | { readonly kind: "returns"; readonly text: string }
  | { readonly kind: "throws"; readonly text: string };

export interface JsDocInput {
  /** The WIT docs, or undefined when the item has none. */
  readonly docs?: string | undefined;
  readonly tags?: readonly JsDocTag[] | undefined;
}

/**
 * The lines of the JSDoc block for `input`, without indentation, or no
 * lines when there is nothing to say. A single line of text without tags is
 * written `/** text *\/` when that fits in the width after `indentWidth`
 * columns of indentation; everything else is a block with one ` * ` line per
 * line of text and a bare ` *` for empty lines.
 */
export function jsDocLines(input: JsDocInput, indentWidth = 0): string[] {
  // Loops that push, not spreads, `flatMap` and `map`: every array here is then made the same way, and code
  // compiled for the usual one-line docs is not thrown away when a block with tags comes.
  const body = docsLines(input.docs);
  const tags: string[] = [];
  const inputTags = input.tags;
  if (inputTags !== undefined) {
    for (let i = 0; i < inputTags.length; i++) {
      const lines = tagLines(inputTags[i]!);
      for (let j = 0; j < lines.length; j++) tags.push(lines[j]!);
    }
  }
  if (body.length === 0 && tags.length === 0) {
    return [];
  }
  if (tags.length === 0 && body.length === 1) {
    const single = `/** ${body[0]} */`;
    if (indentWidth + single.length <= WIDTH) {
      return [single];
    }
  }
  const out: string[] = ["/**"];
  for (let i = 0; i < body.length; i++) out.push(commentLine(body[i]!));
  if (body.length > 0 && tags.length > 0) out.push(" *");
  for (let i = 0; i < tags.length; i++) out.push(commentLine(tags[i]!));
  out.push(" */");
  return out;
}

function commentLine(line: string): string {
  return line === "" ? " *" : ` * ${line}`;
}

/**
 * The JSDoc block for `input` as text: each line prefixed with `indent`
 * (spaces), joined with `\n`, without a final newline; "" when empty.
 */
export function renderJsDoc(input: JsDocInput, indent = ""): string {
  return jsDocLines(input, indent.length)
    .map((line) => indent + line)
    .join("\n");
}

/** WIT docs as comment-safe lines, dedented, without blank lines around. */
function docsLines(docs: string | undefined): string[] {
  if (docs === undefined) {
    return [];
  }
  // One line of printable ASCII without `*/` (most docs) needs none of the steps below but the trim.
  if (ONE_PLAIN_LINE.test(docs) && !docs.includes("*/")) {
    const line = docs.trim();
    return line === "" ? [] : [line];
  }
  return dedentedLines(sanitizeLines(docs));
}

/**
 * `lines` without the indentation all non-blank lines share (docs written as `/// text` keep the space after
 * `///`), keeping relative indentation of code samples, and without blank lines around.
 */
function dedentedLines(lines: readonly string[]): string[] {
  let common = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "") continue;
    let indent = 0;
    while (
      indent < line.length &&
      (line.charCodeAt(indent) === 0x20 || line.charCodeAt(indent) === 0x09)
    )
      indent++;
    if (common < 0 || indent < common) common = indent;
  }
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start] === "") start++;
  while (end > start && lines[end - 1] === "") end--;
  const out: string[] = [];
  for (let i = start; i < end; i++) out.push(common > 0 ? lines[i]!.slice(common) : lines[i]!);
  return out;
}

const ONE_PLAIN_LINE = /^[\x20-\x7e]*$/;

function tagLines(tag: JsDocTag): string[] {
  switch (tag.kind) {
    case "since":
      return withTag("@since", tag.version);
    case "deprecated": {
      const since = tag.since === undefined ? "" : `since ${tag.since}`;
      const reason = tag.reason ?? "";
      return withTag("@deprecated", [since, reason].filter((s) => s !== "").join(" "));
    }
    case "unstable":
      return withTag("@unstable", `feature ${tag.feature}`);
    case "param":
      return withTag("@param", `${tag.name} ${tag.text}`);
    case "returns":
      return withTag("@returns", tag.text);
    case "throws":
      return withTag("@throws", tag.text);
    default: {
      const unreachable: never = tag;
      throw new Error(`unknown JSDoc tag ${JSON.stringify(unreachable)}`);
    }
  }
}

/** `@tag text`, with further lines of `text` on lines of their own. */
function withTag(tag: string, text: string): string[] {
  const [first = "", ...rest] = sanitizeLines(text.trim());
  return [first === "" ? tag : `${tag} ${first}`, ...rest];
}

/** Splits at every line terminator and makes each line safe inside a block comment. */
function sanitizeLines(text: string): string[] {
  return text.split(/\r\n|[\n\r\u2028\u2029\u0085]/).map(sanitizeLine);
}

/** Characters written as `\uXXXX` text inside a comment (see the file comment). */
const UNSAFE_IN_COMMENT = /[\p{Cc}\p{Cf}\p{Cs}]/gu;

function sanitizeLine(line: string): string {
  return line
    .replace(UNSAFE_IN_COMMENT, (c) =>
      c === "\t" ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    )
    .replaceAll("*/", "*\\/")
    .trimEnd();
}
