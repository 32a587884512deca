/**
 * The WIT packages a runnable component uses, decoded from the component's own binary. Phase: input reading,
 * for `wit-ts gen x.wasm`. Consumes the bytes of a component (as wit-component, componentize-js or jco write
 * them) and produces WIT source text, one `package ns:pkg@v;` with its interfaces per package that the
 * component's top-level imports and exports name (`ns:pkg/iface@v`), except `root:component` and the packages
 * the caller already has. jco's `componentWit` prints only the component's own world, which names these
 * packages without defining them.
 *
 * An imported interface is typed by the instance type of its import; an exported one by an ascription on its
 * export, or by following how the exported instance was made (component-instances.ts: the import it re-exports,
 * the exports of the nested "shim" component wit-component instantiates for it, or an instance that a nested or
 * composed component exports). Each interface is a list of instance-type declarations in wit-packages.ts's IR,
 * printed by wit-packages.ts's printer: `use` where a type is an alias of another instance's export, resources
 * with their `[constructor]`/`[method]`/`[static]` functions. Only the items the component uses appear (a
 * component's import declares just the functions it calls). Whatever does not fit is an error message, never a
 * guess.
 */
import { INSTANCE, readComponent, type ComponentExport } from "./component-body.js";
import { Frame, type InterfaceSource } from "./component-instances.js";
import { DecodeError } from "./component-types.js";
import { parseQualified, WitPrinter } from "./wit-printer.js";

/** The package a fully qualified interface name belongs to: `ns:pkg` or `ns:pkg@v`. */
function packageId(pkg: string, version: string | undefined): string {
  return version === undefined ? pkg : `${pkg}@${version}`;
}

/** The interface of a top-level instance export; what stops the decoder is said of the export. */
function exported(top: Frame, name: string, e: ComponentExport): InterfaceSource {
  if (e.ascribed?.kind === "instance") return top.fromType(name, e.ascribed.type);
  try {
    return top.interfaceOf(name, e.item.index);
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    throw new DecodeError(`the type of \`${e.name}\` cannot be told: ${error.message}`);
  }
}

export interface ComponentPackagesOptions {
  /** Packages (`ns:pkg` or `ns:pkg@v`) the caller supplies itself; they are not decoded. */
  readonly skip?: (id: string) => boolean;
}

/**
 * Decodes the WIT packages a component's imports and exports name, as source text by package id
 * (`ns:pkg@v`), sorted. `root:component` (jco's name for the component's own world) is left out, and so is
 * every package `skip` accepts.
 */
export function decodeComponentPackages(
  bytes: Uint8Array,
  options: ComponentPackagesOptions = {},
): { packages: Map<string, string> } | { error: string } {
  try {
    const body = readComponent(bytes);
    const interfaces = new Frame(body, undefined, undefined);
    const byPackage = new Map<
      string,
      { pkg: string; version: string | undefined; items: Map<string, InterfaceSource> }
    >();
    const wanted = (
      qualified: string,
    ): { items: Map<string, InterfaceSource>; name: string } | undefined => {
      const q = parseQualified(qualified);
      if (!q) return undefined; // a world-level item (`import f: func`), part of the component's own world
      const id = packageId(q.pkg, q.version);
      if (q.pkg === "root:component" || options.skip?.(id)) return undefined;
      let p = byPackage.get(id);
      if (!p) byPackage.set(id, (p = { pkg: q.pkg, version: q.version, items: new Map() }));
      return { items: p.items, name: q.name };
    };
    // Exports first: an exported interface declares all of its functions, an import only those it calls.
    for (const e of body.exports) {
      if (e.item.sort !== INSTANCE) continue;
      const w = wanted(e.implements ?? e.name);
      if (!w || w.items.has(w.name)) continue;
      w.items.set(w.name, exported(interfaces, w.name, e));
    }
    for (const i of body.imports) {
      if (i.desc.kind !== "instance") continue;
      const w = wanted(i.implements ?? i.name);
      if (!w || w.items.has(w.name)) continue;
      w.items.set(w.name, interfaces.fromType(w.name, i.desc.type));
    }
    const packages = new Map<string, string>();
    for (const id of [...byPackage.keys()].sort()) {
      const p = byPackage.get(id)!;
      packages.set(id, new WitPrinter().printInterfaces(p.pkg, p.version, [...p.items.values()]));
    }
    return { packages };
  } catch (e) {
    if (e instanceof DecodeError || e instanceof TypeError) return { error: e.message };
    // Types and components nest by recursion here; absurdly deep nesting is refused rather than crashing.
    if (e instanceof RangeError) return { error: "types or components nested too deeply" };
    throw e;
  }
}
