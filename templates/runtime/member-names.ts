/**
 * Runtime, member names: the name a table entry's function has on jco's objects and on the host's, derived
 * from its WIT key when the entry does not state it, at run time and, identically, in the type system. The
 * rule is jco's for lower-case kebab names (`get-a-b` -> `getAB`, resource `http-request` -> `HttpRequest`);
 * the generator states the name in the entry whenever the rule would give another one (an acronym, a name it
 * renamed), so the rule only has to be right where it is used.
 *
 * Consumes WIT keys (`f`, `[method]r.f`, `[static]r.f`, `[constructor]r`); produces names and their types.
 */

/** `get-a-b` -> `getAB`: each `-` dropped and the letter after it upper-cased. */
export type Camel<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<Camel<Tail>>}`
  : S;

/**
 * jco's path of an export below the interface's object when its entry does not state it: `f`, the method's
 * name, `Class` for a constructor, `Class.f` for a static.
 */
export type ExportPathOf<K> = K extends `[constructor]${infer R}`
  ? Capitalize<Camel<R>>
  : K extends `[static]${infer R}.${infer F}`
    ? `${Capitalize<Camel<R>>}.${Camel<F>}`
    : K extends `[method]${string}.${infer F}`
      ? Camel<F>
      : K extends string
        ? Camel<K>
        : never;

/** The host's member of an import when its entry does not state it: `create` for a constructor. */
export type ImportMemberOf<K> = K extends `[constructor]${string}`
  ? "create"
  : K extends `[${string}]${string}.${infer F}`
    ? Camel<F>
    : K extends string
      ? Camel<K>
      : never;

/** `get-a-b` -> `getAB`, as {@link Camel}. */
export function camel(name: string): string {
  return name.replace(/-(.)/g, (_, letter: string) => letter.toUpperCase());
}

/** What {@link ExportPathOf} gives for WIT key `key`. */
export function exportPathOf(key: string): string {
  const dot = key.indexOf(".");
  if (key.startsWith("[constructor]")) return upper(camel(key.slice("[constructor]".length)));
  if (key.startsWith("[static]"))
    return `${upper(camel(key.slice("[static]".length, dot)))}.${camel(key.slice(dot + 1))}`;
  if (key.startsWith("[method]")) return camel(key.slice(dot + 1));
  return camel(key);
}

/** What {@link ImportMemberOf} gives for WIT key `key`. */
export function importMemberOf(key: string): string {
  if (key.startsWith("[constructor]")) return "create";
  return key.startsWith("[") ? camel(key.slice(key.indexOf(".") + 1)) : camel(key);
}

function upper(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
