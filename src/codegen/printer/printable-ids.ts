/**
 * Numbers for printables by structure. Consumes printables (text, numbers, symbols, layouts and arrays of
 * them); produces one number per distinct structure: two printables get the same number exactly when they
 * print the same way from the same symbols (when `JSON.stringify` would spell them the same). Emitters use it
 * to find repeated expressions (a descriptor several functions of a table spell out) without spelling each as
 * a string: a printable object is numbered once, from the numbers of its parts, and remembered.
 */
import type { Printable } from "./layouts.js";
import type { ImportSymbol } from "./symbols.js";

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
      key = "a";
      const items = p as readonly Printable[];
      for (let i = 0; i < items.length; i++) key += `${this.of(items[i]!)},`;
    } else {
      key = "o";
      const fields = p as unknown as Record<string, unknown>;
      for (const name of Object.keys(fields)) {
        const value = fields[name];
        if (value === undefined || typeof value === "function") continue;
        key += `${name}:${this.of(value as Printable)},`;
      }
    }
    id = this.intern(key);
    this.byObject.set(p, id);
    return id;
  }

  private intern(key: string): number {
    let id = this.byKey.get(key);
    if (id === undefined) this.byKey.set(key, (id = this.byKey.size));
    return id;
  }
}
