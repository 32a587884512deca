/**
 * The source map: every WIT text the front end reads is added here once and
 * gets a base offset, so a span is just a pair of global offsets. The lexer
 * produces spans, the renderer turns them back into `file:line:col`. Text is
 * normalized on the way in (a leading BOM is eaten, CRLF folds to LF) so that
 * every later phase sees one shape of input; line and column numbers are the
 * same as in the original file because only line ends change.
 */

/** A half-open range `[start, end)` of global offsets into a {@link SourceMap}. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** The sentinel for "no location known" (synthesized items, internal errors). */
export const UNKNOWN_SPAN: Span = Object.freeze({ start: -1, end: -1 });

export function isUnknownSpan(span: Span): boolean {
  return span.start < 0;
}

/** One file in the map. `base` is the global offset of its first character. */
export interface SourceFile {
  readonly path: string;
  readonly text: string;
  readonly base: number;
  /** Offsets (relative to the file) at which each line starts. */
  readonly lineStarts: readonly number[];
}

/** Where a global offset falls: 1-based line and column (columns count code points, as wit-parser's do). */
export interface Location {
  readonly path: string;
  readonly line: number;
  readonly column: number;
  /** The whole text of that line, without its line break. */
  readonly lineText: string;
}

/**
 * A file of the map. Its line starts are found on first use: only a diagnostic needs them, and a file of
 * megabytes has tens of thousands of lines.
 */
class MappedFile implements SourceFile {
  #lineStarts: number[] | undefined;

  constructor(
    readonly path: string,
    readonly text: string,
    readonly base: number,
  ) {}

  get lineStarts(): readonly number[] {
    if (this.#lineStarts === undefined) {
      const text = this.text;
      const starts = [0];
      // `indexOf` skips to the next line end far faster than a loop over every character.
      for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
      this.#lineStarts = starts;
    }
    return this.#lineStarts;
  }
}

export class SourceMap {
  readonly #files: SourceFile[] = [];
  #next = 0;

  /** Adds a file and returns its base offset. Offsets of different files never touch (one gap between them). */
  add(path: string, text: string): number {
    const normalized = normalizeText(text);
    const base = this.#next;
    this.#files.push(new MappedFile(path, normalized, base));
    // A gap of one keeps an end-of-file span of one file distinct from the start of the next.
    this.#next = base + normalized.length + 1;
    return base;
  }

  get files(): readonly SourceFile[] {
    return this.#files;
  }

  /** The file that contains a global offset (an offset at end of file belongs to that file). */
  fileAt(offset: number): SourceFile | undefined {
    let lo = 0;
    let hi = this.#files.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const f = this.#files[mid]!;
      if (offset < f.base) hi = mid - 1;
      else if (offset > f.base + f.text.length) lo = mid + 1;
      else return f;
    }
    return undefined;
  }

  /** The text a span covers. */
  text(s: Span): string {
    const f = this.fileAt(s.start);
    if (!f) return "";
    return f.text.slice(s.start - f.base, s.end - f.base);
  }

  locate(offset: number): Location | undefined {
    const f = this.fileAt(offset);
    if (!f) return undefined;
    const rel = offset - f.base;
    let lo = 0;
    let hi = f.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (f.lineStarts[mid]! <= rel) lo = mid;
      else hi = mid - 1;
    }
    const lineStart = f.lineStarts[lo]!;
    const nextStart = lo + 1 < f.lineStarts.length ? f.lineStarts[lo + 1]! - 1 : f.text.length;
    const lineText = f.text.slice(lineStart, nextStart);
    const column = codePointLength(f.text.slice(lineStart, rel)) + 1;
    return { path: f.path, line: lo + 1, column, lineText };
  }
}

/** Eats a leading BOM and folds CRLF line ends to LF (a lone CR stays whitespace, as in wit-parser). */
function normalizeText(text: string): string {
  let t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (t.includes("\r\n")) t = t.replace(/\r\n/g, "\n");
  return t;
}

export function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A high surrogate followed by a low one is a single code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}
