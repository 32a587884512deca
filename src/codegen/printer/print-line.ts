/**
 * Prints one line of a generated file. Consumes what one `print` call received (text, symbols, layouts) and the
 * line's indentation; produces its text, on one physical line when it fits in the width, otherwise on
 * several (the width is a parameter: {@link WIDTH} by default), by fixed rules and without a layout engine:
 * - a line is printed left to right; every layout met on the way (a parameter list, a union, an object...) stays
 *   on the line when its one-line form fits in what is left of the line, counting the text that follows it up to
 *   the next place that could break, and is broken otherwise;
 * - a broken layout puts one item per line, one level (2 spaces) deeper, each printed by the same rule (see
 *   `layouts.ts` for each construct's broken form);
 * - an object built with `expand: true` is always broken, and so is every layout around it.
 * Widths count UTF-16 code units: generated code is ASCII but for string literals and comments.
 */
import { quotePropertyKey } from "../names.js";
import {
  isConcat,
  isLayout,
  unwrap,
  type Layout,
  type ObjectLayout,
  type Printable,
} from "./layouts.js";
import { TextBuffer } from "./text-buffer.js";
import type { SymbolRef } from "./symbols.js";

/** The columns a line should keep within: the repository's own prettier width, so generated code reads like it. */
export const WIDTH = 100;
/** Spaces per indentation level. */
export const TAB_WIDTH = 2;

/** What a line printer writes to before its first line. */
const NO_BUFFER = new TextBuffer();

export class LinePrinter {
  /** Where the file's text goes: the file's buffer, given with each line. */
  private out = NO_BUFFER;
  /** The column where {@link out} ends. */
  private column = 0;
  /** The indentation level of the physical line being printed. */
  private depth = 0;
  /** Whether nothing but indentation is on the current physical line yet. */
  private fresh = true;

  /** `name` gives a symbol's name in the file (and notes its use); `width` is the columns lines keep within. */
  constructor(
    private readonly name: (symbol: SymbolRef) => string,
    private readonly width = WIDTH,
  ) {}

  /**
   * Appends a line at indentation level `depth` to `out`, after the indentation of its first physical line
   * (which the caller wrote). Most lines fit: their pieces go to `out` as they are, and nothing is built.
   */
  print(out: TextBuffer, content: Printable, depth: number): void {
    this.out = out;
    this.depth = depth;
    this.column = depth * TAB_WIDTH;
    this.fresh = true;
    this.write(content, 0);
  }

  // --- one-line forms -----------------------------------------------------------------------------------------

  /**
   * Writes the one-line form of `p`, stopping with false as soon as it passes column `limit` or meets an object
   * that must be broken (the caller then takes back what was written).
   */
  private flat(p: Printable, limit: number): boolean {
    switch (typeof p) {
      case "string":
        return this.piece(p, limit);
      case "number":
        return this.piece(numberLiteral(p), limit);
      case "boolean":
        return this.piece(String(p), limit);
      case "bigint":
        return this.piece(`${p}n`, limit);
      case "object":
        if ((p as unknown) === null) return unprintable(p);
        break;
      default:
        return unprintable(p);
    }
    if (isConcat(p)) {
      for (let i = 0; i < p.length; i++) {
        if (!this.flat(p[i]!, limit)) {
          return false;
        }
      }
      return true;
    }
    switch (p.kind) {
      case "import":
      case "local":
        return this.piece(this.name(p), limit);
      case "union":
        if (p.types.length < 2) {
          return p.types.length === 0 ? this.piece("never", limit) : this.flat(p.types[0]!, limit);
        }
        return this.flatList("", p.types, " | ", "", limit, true);
      case "type-args":
        return p.types.length === 0 || this.flatList("<", p.types, ", ", ">", limit);
      case "type-params":
        return p.params.length === 0 || this.flatList("<", p.params, ", ", ">", limit);
      case "signature":
        return (
          this.flatList("(", p.params, ", ", ")", limit) &&
          (p.returnType === undefined ||
            (this.piece(p.arrow ? " => " : ": ", limit) && this.flat(p.returnType, limit)))
        );
      case "call-args":
        return this.flatList("(", p.args, ", ", ")", limit);
      case "array":
        return this.flatList("[", p.items, ", ", "]", limit);
      case "array-type": {
        const element = unwrap(p.element);
        return needsParentheses(element)
          ? this.piece("(", limit) && this.flat(element, limit) && this.piece(")[]", limit)
          : this.flat(element, limit) && this.piece("[]", limit);
      }
      case "object-type":
        if (p.members.length === 0) {
          return this.piece("{}", limit);
        }
        return !p.expand && this.flatList("{ ", p.members, "; ", " }", limit);
      case "object": {
        if (p.entries.length === 0) {
          return this.piece("{}", limit);
        }
        if (p.expand || !this.piece("{ ", limit)) {
          return false;
        }
        for (let i = 0; i < p.entries.length; i++) {
          const [key, value] = p.entries[i]!;
          if (
            !this.piece(i > 0 ? ", " : "", limit) ||
            !this.piece(quotePropertyKey(key), limit) ||
            !this.piece(": ", limit)
          ) {
            return false;
          }
          if (!this.flat(value, limit)) {
            return false;
          }
        }
        return this.piece(" }", limit);
      }
      case "assignment":
        return this.flat(p.left, limit) && this.piece(" = ", limit) && this.flat(p.right, limit);
      default: {
        const unreachable: never = p;
        throw new Error(`unknown printable ${JSON.stringify(unreachable)}`);
      }
    }
  }

  /** `open`, the items joined by `separator`, `close`; `members` parenthesizes function types, as union members need. */
  private flatList(
    open: string,
    items: readonly Printable[],
    separator: string,
    close: string,
    limit: number,
    members = false,
  ): boolean {
    if (!this.piece(open, limit)) {
      return false;
    }
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const parenthesized = members && isLayout(unwrap(item), "signature");
      if (
        (i > 0 && !this.piece(separator, limit)) ||
        (parenthesized && !this.piece("(", limit)) ||
        !this.flat(item, limit) ||
        (parenthesized && !this.piece(")", limit))
      ) {
        return false;
      }
    }
    return this.piece(close, limit);
  }

  /** Writes `p` on one line if it fits before column `limit` (and may), else takes it back and returns false. */
  private tryFlat(p: Printable, limit: number): boolean {
    const mark = this.out.length;
    const column = this.column;
    const fresh = this.fresh;
    if (this.flat(p, limit)) {
      return true;
    }
    this.out.truncate(mark);
    this.column = column;
    this.fresh = fresh;
    return false;
  }

  // --- writing ------------------------------------------------------------------------------------------------

  /** Writes text; true while the line is within `limit`. */
  private piece(text: string, limit: number): boolean {
    if (text !== "") {
      this.out.write(text);
      this.column += text.length;
      this.fresh = false;
    }
    return this.column <= limit;
  }

  private text(text: string): void {
    this.piece(text, Number.POSITIVE_INFINITY);
  }

  /** Starts the next physical line at the current depth (dropping the spaces the last one ended with). */
  private newline(): void {
    const out = this.out;
    let end = out.length;
    if (end > 0 && out.at(end - 1) === 0x20) {
      end--;
      while (end > 0 && isSpaceInLine(out.at(end - 1))) end--;
      out.truncate(end);
    }
    const spaces = this.depth * TAB_WIDTH;
    out.lineBreak();
    out.spaces(spaces);
    this.column = spaces;
    this.fresh = true;
  }

  /**
   * Writes `p` from the current column; `trailing` is the width of what follows it on the line up to the next
   * place that could break, which its one-line form must leave room for.
   */
  private write(p: Printable, trailing: number): void {
    if (isConcat(p)) {
      const items = p;
      for (let i = 0; i < items.length; i++) {
        const item = items[i]!;
        // Only a layout (or a concatenation, which may hold one) reads what follows it on the line.
        if (
          typeof item === "object" &&
          item !== null &&
          (isConcat(item) || (item.kind !== "import" && item.kind !== "local"))
        ) {
          this.write(item, this.leadOf(items, i + 1, trailing));
        } else {
          this.text(this.plain(item as PlainPiece));
        }
      }
      return;
    }
    if (typeof p !== "object" || p === null || p.kind === "import" || p.kind === "local") {
      this.text(this.plain(p));
      return;
    }
    if (!this.tryFlat(p, this.width - trailing)) {
      this.broken(p, trailing);
    }
  }

  /** The width of `items[from..]` up to their first place that could break, plus `trailing` when there is none. */
  private leadOf(items: readonly Printable[], from: number, trailing: number): number {
    let width = 0;
    for (let i = from; i < items.length; i++) {
      const lead = this.lead(items[i]!);
      if (lead < 0) {
        return width - lead - 1;
      }
      width += lead;
    }
    return width + trailing;
  }

  /**
   * The width of `p` up to its first place that could break, encoded as `-width - 1` when there is such a place
   * (text and symbols have none: their width is returned as is).
   */
  private lead(p: Printable): number {
    if (isConcat(p)) {
      const items = p;
      let width = 0;
      for (const item of items) {
        const lead = this.lead(item);
        if (lead < 0) {
          return lead - width;
        }
        width += lead;
      }
      return width;
    }
    if (typeof p !== "object" || p === null || p.kind === "import" || p.kind === "local") {
      return this.plain(p).length;
    }
    switch (p.kind) {
      case "union":
        return p.types.length > 1 ? -1 : this.lead(p.types[0] ?? "never");
      case "type-args": {
        if (p.types.length !== 1) {
          return p.types.length === 0 ? 0 : -2;
        }
        // A hugged sole argument (see hugsSoleTypeArg) breaks inside, else the list breaks after `<`. The
        // argument's lead is computed once: nested type arguments would otherwise cost 2^depth.
        const inner = this.lead(p.types[0]!);
        if (inner >= 0) {
          return inner + 2;
        }
        return isLayout(unwrap(p.types[0]!), "object-type") ? inner - 1 : -2;
      }
      case "type-params":
        return p.params.length === 0 ? 0 : -2;
      case "call-args":
        return p.args.length === 0 ? 2 : -2;
      case "array":
        return p.items.length === 0 ? 2 : -2;
      case "object-type":
        return p.members.length === 0 ? 2 : -2;
      case "object":
        return p.entries.length === 0 ? 2 : -2;
      case "signature":
        return -2;
      case "array-type": {
        const element = unwrap(p.element);
        if (needsParentheses(element)) {
          return -2;
        }
        const inner = this.lead(element);
        return inner >= 0 ? inner + 2 : inner;
      }
      case "assignment":
        return this.lead(p.left);
      default: {
        const unreachable: never = p;
        throw new Error(`unknown layout ${JSON.stringify(unreachable)}`);
      }
    }
  }

  /** The text of a piece that is not a layout. */
  private plain(p: PlainPiece): string {
    switch (typeof p) {
      case "string":
        return p;
      case "number":
        return numberLiteral(p);
      case "bigint":
        return `${p}n`;
      case "boolean":
        return String(p);
      case "object":
        return (p as unknown) === null ? unprintable(p) : this.name(p);
      default:
        return unprintable(p);
    }
  }

  /** Whether a sole type argument is hugged: plain text or an object type, where breaking around it gains nothing. */
  private hugsSoleTypeArg(arg: Printable): boolean {
    return isLayout(unwrap(arg), "object-type") || this.lead(arg) >= 0;
  }

  /** Writes a layout in its broken form. */
  private broken(p: Layout, trailing: number): void {
    switch (p.kind) {
      case "union":
        return this.brokenUnion(p.types, trailing);
      case "type-args":
        if (p.types.length === 1 && this.hugsSoleTypeArg(p.types[0]!)) {
          this.text("<");
          this.write(p.types[0]!, trailing + 1);
          this.text(">");
          return;
        }
        return this.items("<", p.types, ">", "", trailing);
      case "type-params":
        return this.items("<", p.params, ">", ",", trailing);
      case "signature":
        return this.brokenSignature(p.params, p.returnType, p.arrow, trailing);
      case "call-args":
        return this.brokenCallArgs(p.args, trailing);
      case "array":
        return this.items("[", p.items, "]", ",", trailing);
      case "array-type": {
        const element = unwrap(p.element);
        if (isLayout(element, "union") && element.types.length > 1) {
          this.text("(");
          this.depth++;
          this.newline();
          this.brokenUnion(element.types, 0);
          this.depth--;
          this.newline();
          this.text(")[]");
          return;
        }
        const parenthesized = needsParentheses(element);
        this.text(parenthesized ? "(" : "");
        this.write(element, trailing + (parenthesized ? 3 : 2));
        this.text(parenthesized ? ")[]" : "[]");
        return;
      }
      case "object-type":
        return this.items("{", p.members, "}", ";", trailing, ";");
      case "object":
        return this.entries(p.entries, trailing);
      case "assignment":
        this.write(p.left, 2 + this.leadOf([p.right], 0, trailing));
        this.text(" = ");
        this.write(p.right, trailing);
        return;
      default: {
        const unreachable: never = p;
        throw new Error(`unknown layout ${JSON.stringify(unreachable)}`);
      }
    }
  }

  /**
   * `open`, then each item on a line of its own one level deeper followed by `separator` (`last` after the last
   * one), then `close` on a line of its own.
   */
  private items(
    open: string,
    items: readonly Printable[],
    close: string,
    last: string,
    trailing: number,
    separator = ",",
  ): void {
    this.text(open);
    this.depth++;
    for (let i = 0; i < items.length; i++) {
      this.newline();
      const end = i < items.length - 1 ? separator : last;
      this.write(items[i]!, end.length);
      this.text(end);
    }
    this.depth--;
    this.newline();
    this.write(close, trailing);
  }

  /**
   * An object literal's entries as {@link items} prints `[key, ": ", value]` items between `{` and `}`, without
   * making those items: a spec table has one entry per function.
   */
  private entries(entries: ObjectLayout["entries"], trailing: number): void {
    this.text("{");
    this.depth++;
    for (let i = 0; i < entries.length; i++) {
      this.newline();
      const [key, value] = entries[i]!;
      this.text(quotePropertyKey(key));
      this.text(": ");
      this.write(value, 1);
      this.text(",");
    }
    this.depth--;
    this.newline();
    this.write("}", trailing);
  }

  /** `| A` lines; from the next line, one level deeper, unless the union starts its line. */
  private brokenUnion(types: readonly Printable[], trailing: number): void {
    if (types.length < 2) {
      this.write(types[0] ?? "never", trailing);
      return;
    }
    const deeper = !this.fresh;
    if (deeper) {
      this.depth++;
      this.newline();
    }
    for (let i = 0; i < types.length; i++) {
      if (i > 0) {
        this.newline();
      }
      this.text("| ");
      const member = types[i]!;
      const after = i === types.length - 1 ? trailing : 0;
      if (isLayout(unwrap(member), "signature")) {
        this.text("(");
        this.write(member, after + 1);
        this.text(")");
      } else {
        this.write(member, after);
      }
    }
    if (deeper) {
      this.depth--;
    }
  }

  private brokenSignature(
    params: readonly Printable[],
    returnType: Printable | undefined,
    arrow: boolean,
    trailing: number,
  ): void {
    const returnLead =
      returnType === undefined ? 0 : (arrow ? 4 : 2) + this.leadOf([returnType], 0, trailing);
    // The parameters stay on the line when there are none, or when the return type is an object type and they
    // fit with its `{`: then the object type breaks. Otherwise the parameters break first.
    if (params.length === 0) {
      this.text("()");
    } else if (
      returnsObjectType(returnType) &&
      this.tryFlat(["(", commaSeparated(params), ")"], this.width - returnLead)
    ) {
      // Written.
    } else if (params.length === 1 && endsInObjectType(params[0]!)) {
      // A sole parameter typed with an object type is hugged: `(options: {` ... `})`.
      this.text("(");
      this.write(params[0]!, 1 + returnLead);
      this.text(")");
    } else {
      const rest = startsWithRest(params[params.length - 1]!);
      this.items("(", params, ")", rest ? "" : ",", returnLead);
    }
    if (returnType !== undefined) {
      this.text(arrow ? " => " : ": ");
      this.write(returnType, trailing);
    }
  }

  private brokenCallArgs(args: readonly Printable[], trailing: number): void {
    const last = args.length > 0 ? unwrap(args[args.length - 1]!) : undefined;
    const hug =
      (last !== undefined && isLayout(last, "object") && last.entries.length > 0) ||
      (last !== undefined && isLayout(last, "array") && last.items.length > 0);
    if (!hug) {
      this.items("(", args, ")", ",", trailing);
      return;
    }
    this.text("(");
    for (let i = 0; i < args.length - 1; i++) {
      this.write(args[i]!, 2);
      this.text(", ");
    }
    this.write(args[args.length - 1]!, trailing + 1);
    this.text(")");
  }
}

/** What {@link LinePrinter.plain} prints: anything but a layout or a concatenation. */
type PlainPiece = string | number | bigint | boolean | SymbolRef;

/** Whether a code unit is white space that is not a line break (what `trimEnd` drops within a line). */
export function isSpaceInLine(c: number): boolean {
  if (c === 0x20 || c === 0x09) return true;
  if (c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029) return false;
  return (c < 0x20 || c > 0x7e) && /\s/.test(String.fromCharCode(c));
}

function numberLiteral(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`cannot print the number ${n} as a literal`);
  return String(n);
}

/** Throws for what is no `Printable` (`null`, `undefined`, a function...), naming it. */
function unprintable(p: unknown): never {
  throw new Error(p === null ? "cannot print null" : `cannot print ${String(p)}`);
}

/** Whether a parameter is a rest parameter: its first text is `...`. */
function startsWithRest(p: Printable): boolean {
  let first = p;
  while (isConcat(first) && first.length > 0) {
    first = first[0]!;
  }
  return typeof first === "string" && first.startsWith("...");
}

/** Whether a return type is an object type or an array of them. */
function returnsObjectType(returnType: Printable | undefined): boolean {
  if (returnType === undefined) {
    return false;
  }
  const type = unwrap(returnType);
  return (
    isLayout(type, "object-type") ||
    (isLayout(type, "array-type") && isLayout(unwrap(type.element), "object-type"))
  );
}

/** `items` separated by `, `, as one concatenation. */
function commaSeparated(items: readonly Printable[]): Printable[] {
  const out: Printable[] = [];
  for (let i = 0; i < items.length; i++) {
    if (i > 0) {
      out.push(", ");
    }
    out.push(items[i]!);
  }
  return out;
}

/** Whether a parameter is `[name, ": ", objectType(...)]`. */
function endsInObjectType(p: Printable): boolean {
  const unwrapped = unwrap(p);
  return (
    isConcat(unwrapped) &&
    unwrapped.length > 1 &&
    isLayout(unwrap(unwrapped[unwrapped.length - 1]!), "object-type")
  );
}

/** Whether an array type's element needs parentheses: a union of several members or a function type. */
function needsParentheses(element: Printable): boolean {
  return (isLayout(element, "union") && element.types.length > 1) || isLayout(element, "signature");
}
