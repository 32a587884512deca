/**
 * Numbers for printables by structure. Consumes printables (text, numbers, symbols, layouts and arrays of
 * them); produces one number per distinct structure: two printables get the same number exactly when they
 * print the same way from the same symbols (when `JSON.stringify` would spell them the same). Emitters use it
 * to find repeated expressions (a descriptor several functions of a table spell out) without spelling each as
 * a string: a printable object is numbered once, from the numbers of its parts, and remembered.
 */
import type { Layout, Printable } from "./layouts.js";
import type { ImportSymbol, LocalSymbol } from "./symbols.js";

export class PrintableIds {
  /** Each structure's number, by a short key made of its kind and its parts' numbers. */
  private readonly byKey = new Map<string, number>();
  /**
   * Printables are values that are not changed once built, so an object's number holds for good. Kept for as
   * long as the numbers are (one generation): the printables it holds live that long anyway.
   */
  private readonly byObject = new Map<object, number>();
  /** Text's numbers, by the text itself: most leaves are text, and most text is met often. */
  private readonly strings = new Map<string, number>();

  /** The number of `p`'s structure. */
  of(p: Printable): number {
    switch (typeof p) {
      case "string": {
        let id = this.strings.get(p);
        if (id === undefined) this.strings.set(p, (id = this.intern(`s${p}`)));
        return id;
      }
      case "number":
        return this.intern(`n${p}`);
      case "boolean":
        return this.intern(p ? "t" : "f");
      case "bigint":
        return this.intern(`b${p}`);
      case "object":
        if (p === null) return this.intern("z");
        break;
      default:
        // `undefined` and functions, which `JSON.stringify` leaves out of objects and writes as `null` in arrays.
        return this.intern("z");
    }
    let id = this.byObject.get(p);
    if (id !== undefined) return id;
    let key: string;
    const kind = (p as { kind?: unknown }).kind;
    if (kind === "import") {
      // A symbol: its own fields, without listing them (`toTypeOnly`, a function, is no part of it).
      const symbol = p as ImportSymbol;
      key = `i${symbol.typeOnly ? "t" : "v"}${symbol.from}\0${symbol.name}`;
    } else if (Array.isArray(p)) {
      key = this.listKey("a", p as readonly Printable[]);
    } else {
      key = this.layoutKey(p as Layout | LocalSymbol);
    }
    id = this.intern(key);
    this.byObject.set(p, id);
    return id;
  }

  /** `prefix` and the numbers of `items`. */
  private listKey(prefix: string, items: readonly Printable[]): string {
    let key = prefix;
    for (let i = 0; i < items.length; i++) key += `${this.of(items[i]!)},`;
    return key;
  }

  /**
   * A layout's key: its kind and its fields' numbers in a fixed order per kind (`-` for a field left out),
   * without listing its fields.
   */
  private layoutKey(p: Layout | LocalSymbol): string {
    switch (p.kind) {
      case "local":
        return `l${p.name}`;
      case "union":
      case "type-args":
        return this.listKey(`o${p.kind}:`, p.types);
      case "type-params":
        return this.listKey("otype-params:", p.params);
      case "call-args":
        return this.listKey("ocall-args:", p.args);
      case "array":
        return this.listKey("oarray:", p.items);
      case "array-type":
        return `oarray-type:${this.of(p.element)}`;
      case "signature":
        return this.listKey(
          `osignature:${p.arrow ? "t" : "f"}${p.returnType === undefined ? "-" : this.of(p.returnType)}:`,
          p.params,
        );
      case "object-type":
        return this.listKey(`oobject-type:${p.expand ? "t" : "f"}:`, p.members);
      case "object": {
        let key = `oobject:${p.expand ? "t" : "f"}:`;
        for (let i = 0; i < p.entries.length; i++) {
          const [name, value] = p.entries[i]!;
          key += `${this.of(name)}=${this.of(value)},`;
        }
        return key;
      }
      case "assignment":
        return `oassignment:${this.of(p.left)}=${this.of(p.right)}`;
      default: {
        const unreachable: never = p;
        throw new Error(`unknown printable ${JSON.stringify(unreachable)}`);
      }
    }
  }

  private intern(key: string): number {
    let id = this.byKey.get(key);
    if (id === undefined) this.byKey.set(key, (id = this.byKey.size));
    return id;
  }
}
