/**
 * World selection, as wit-parser's `Resolve::select_world`: consumes the resolved model, the packages given as
 * input (the last one is the main package) and the `--world` the user typed, if any; produces the world's id or a
 * diagnostic. A name is `world` (in the main package), `ns:pkg/world` or `ns:pkg/world@1.2.3` (the version
 * belongs to the package; without one, the only version of `ns:pkg` present is taken). The form
 * `ns:pkg@1.2.3/world` is accepted as well. An unknown world is reported with every world that exists, by full
 * name; when the input was a component, the hint says that its own world is `root:component/root`.
 */
import { codes } from "../diagnostics/codes.js";
import { error, type Diagnostic } from "../diagnostics/diagnostic.js";
import { UNKNOWN_SPAN } from "../diagnostics/source-map.js";
import { formatPackageName, type PackageId, type Resolve, type WorldId } from "./model.js";

/** The package jco's `componentWit` prints a component's own world into. */
const COMPONENT_PACKAGE = "root:component";

/** The world to generate, or a diagnostic saying why there is none. */
export function selectWorld(
  resolve: Resolve,
  packageIds: readonly PackageId[],
  name?: string,
): WorldId | Diagnostic {
  const main = packageIds[packageIds.length - 1];
  if (name === undefined) {
    if (main === undefined) return worldError("no package found to select a world from");
    const pkg = resolve.packages[main]!;
    const worlds = [...pkg.worlds.values()];
    if (worlds.length === 1) return worlds[0]!;
    const pkgName = formatPackageName(pkg.name);
    if (worlds.length === 0) return worldError(`no worlds found in package \`${pkgName}\``);
    const names = [...pkg.worlds.keys()].map((w) => `\`${w}\``).join(", ");
    return worldError(
      `multiple worlds found in package \`${pkgName}\`: one must be explicitly chosen`,
      {
        hint: `pass --world with one of ${names}`,
      },
    );
  }
  const slash = name.indexOf("/");
  if (slash < 0) {
    const id = main === undefined ? undefined : resolve.packages[main]!.worlds.get(name);
    return id ?? unknownWorld(resolve, name);
  }
  let pkgPart = name.slice(0, slash);
  let worldName = name.slice(slash + 1);
  // `ns:pkg/world@1.2.3`: the version is the package's.
  const at = worldName.indexOf("@");
  if (at >= 0) {
    if (pkgPart.includes("@")) return unknownWorld(resolve, name);
    pkgPart = `${pkgPart}${worldName.slice(at)}`;
    worldName = worldName.slice(0, at);
  }
  const pkgId = findPackage(resolve, pkgPart);
  if (typeof pkgId !== "number") return pkgId ?? unknownWorld(resolve, name);
  return resolve.packages[pkgId]!.worlds.get(worldName) ?? unknownWorld(resolve, name);
}

/** `ns:pkg@1.2.3` exactly, or `ns:pkg` when only one version of it is present. */
function findPackage(resolve: Resolve, spelled: string): PackageId | Diagnostic | undefined {
  const exact = resolve.packageNames.get(spelled);
  if (exact !== undefined || spelled.includes("@")) return exact;
  const versions = [...resolve.packageNames].filter(([key]) => key.split("@")[0] === spelled);
  if (versions.length === 1) return versions[0]![1];
  if (versions.length > 1) {
    const names = versions
      .map(([key]) => `\`${key}\``)
      .sort()
      .join(", ");
    return worldError(`package \`${spelled}\` is present in several versions: name one`, {
      hint: `one of ${names}`,
    });
  }
  return undefined;
}

/** Every world of the model, by full name (`ns:pkg/world@1.2.3`). */
function worldNames(resolve: Resolve): string[] {
  const out: string[] = [];
  for (const pkg of resolve.packages) {
    const { namespace, name, version } = pkg.name;
    for (const world of pkg.worlds.keys())
      out.push(`${namespace}:${name}/${world}${version === undefined ? "" : `@${version}`}`);
  }
  return out.sort();
}

function unknownWorld(resolve: Resolve, name: string): Diagnostic {
  const all = worldNames(resolve);
  const component = resolve.packageNames.has(COMPONENT_PACKAGE)
    ? `; a component's own world is \`${COMPONENT_PACKAGE}/root\`, whatever its WIT called it`
    : "";
  return worldError(`no world named \`${name}\``, {
    hint:
      all.length === 0
        ? `there are no worlds${component}`
        : `the worlds are ${all.map((w) => `\`${w}\``).join(", ")}${component}`,
  });
}

function worldError(message: string, extra: { hint?: string } = {}): Diagnostic {
  return error(codes.WorldSelection, message, UNKNOWN_SPAN, extra);
}
