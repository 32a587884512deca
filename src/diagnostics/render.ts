/**
 * Renders a {@link Diagnostic} for people, in wit-parser's layout:
 *
 * ```text
 * error[WIT2001]: type `bar` does not exist
 *      --> world.wit:5:14
 *       |
 *     5 |   type foo = bar;
 *       |              ^--
 * ```
 *
 * Consumes diagnostics and the source map; produces plain strings (ANSI
 * colours only when asked, which the CLI does only on a TTY without NO_COLOR).
 */
import type { Diagnostic } from "./diagnostic.js";
import { codePointLength, isUnknownSpan, type SourceMap, type Span } from "./source-map.js";

export interface RenderOptions {
  readonly color?: boolean;
}

/**
 * A line longer than this is not printed in a code frame (wit-parser prints
 * `file:line:col: message` instead, so a minified input cannot flood a terminal).
 */
const MAX_FRAME_LINE = 1024;

export function renderDiagnostic(
  d: Diagnostic,
  sources: SourceMap,
  options: RenderOptions = {},
): string {
  const c = palette(options.color ?? false);
  const head = `${c.red(`${d.severity}[${d.code}]`)}${c.bold(`: ${d.message}`)}`;
  const lines = [head];
  if (d.hint) lines.push(d.hint);
  lines.push(...frame(d.span, sources, c));
  for (const r of d.related ?? []) {
    lines.push(`${c.blue("note")}: ${r.message}`);
    lines.push(...frame(r.span, sources, c));
  }
  return lines.join("\n");
}

export function renderDiagnostics(
  ds: readonly Diagnostic[],
  sources: SourceMap,
  options: RenderOptions = {},
): string {
  return ds.map((d) => renderDiagnostic(d, sources, options)).join("\n\n");
}

/** `path:line:col` for a span, or undefined when it is unknown. */
export function formatLocation(s: Span, sources: SourceMap): string | undefined {
  if (isUnknownSpan(s)) return undefined;
  const loc = sources.locate(s.start);
  return loc ? `${loc.path}:${loc.line}:${loc.column}` : undefined;
}

function frame(s: Span, sources: SourceMap, c: Palette): string[] {
  if (isUnknownSpan(s)) return [];
  const loc = sources.locate(s.start);
  if (!loc) return [];
  const where = `${loc.path}:${loc.line}:${loc.column}`;
  if (loc.lineText.length > MAX_FRAME_LINE) return [`     --> ${where}`];
  const lineNo = String(loc.line);
  const gutter = " ".repeat(Math.max(5, lineNo.length));
  const text = loc.lineText.replace(/\t/g, " ");
  // The caret sits under the span's first character; dashes cover the rest of it on that line.
  const startCol = loc.column - 1;
  const lineChars = codePointLength(loc.lineText);
  const spanChars = codePointLength(sources.text(s));
  const width = Math.max(1, Math.min(spanChars, lineChars - startCol));
  const marker = `${" ".repeat(startCol)}^${"-".repeat(width - 1)}`;
  return [
    `${gutter}${c.blue("-->")} ${where}`,
    `${gutter} ${c.blue("|")}`,
    `${lineNo.padStart(gutter.length)} ${c.blue("|")} ${text}`,
    `${gutter} ${c.blue("|")} ${c.red(marker)}`,
  ];
}

interface Palette {
  red(s: string): string;
  blue(s: string): string;
  bold(s: string): string;
}

function palette(color: boolean): Palette {
  const wrap = (code: string) => (s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  return { red: wrap("1;31"), blue: wrap("1;34"), bold: wrap("1") };
}
