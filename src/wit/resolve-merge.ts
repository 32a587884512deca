/**
 * Resolution, stage 2: adding package groups to the {@link Resolve} (wit-parser's `Resolve::push_group` and
 * `sort_unresolved_packages` in `resolve/mod.rs`). Consumes the {@link UnresolvedPackage}s of stage 1, grouped by
 * file or directory, and adds them in dependency order (by name among independent ones, like wit-parser's
 * `BTreeMap`), each through a {@link Remap} (`resolve-remap.ts`); a package defined twice or a cycle of packages
 * is an error.
 */
import { codes, type DiagnosticCode } from "../diagnostics/codes.js";
import { abort, error } from "../diagnostics/diagnostic.js";
import type { Span } from "../diagnostics/source-map.js";
import type { PackageId, PackageName, Resolve } from "./model.js";
import { formatPackageName } from "./model.js";
import type { UnresolvedPackage } from "./resolve-package.js";
import { objectArray } from "./object-array.js";
import { SignaturePool } from "./signature-pool.js";
import { Remap } from "./resolve-remap.js";
import { compareOptionalVersions } from "./resolve-version.js";

/** The packages parsed from one file or directory: the main one and those nested in it. */
export interface UnresolvedGroup {
  readonly main: UnresolvedPackage;
  readonly nested: readonly UnresolvedPackage[];
}

function fail(message: string, span: Span, code: DiagnosticCode = codes.FeatureGate): never {
  abort(error(code, message, span));
}

function comparePackageNames(a: PackageName, b: PackageName): number {
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return compareOptionalVersions(a.version, b.version);
}

/**
 * Adds a main group and its dependency groups to `resolve`, dependencies
 * first, and returns the id of the main group's main package.
 */
export function pushGroups(
  resolve: Resolve,
  main: UnresolvedGroup,
  deps: readonly UnresolvedGroup[],
  /**
   * Packages of earlier calls on the same `resolve` (those decoded from wasm
   * go in first, one call each), updated here: a name seen again is the same
   * "defined in two different locations" error, not a later crash in
   * {@link Remap.append}.
   */
  defined: Map<string, UnresolvedPackage> = new Map(),
): PackageId {
  const byName = new Map<string, UnresolvedPackage>();
  for (const group of [main, ...deps]) {
    for (const pkg of [...group.nested, group.main]) {
      const key = formatPackageName(pkg.name);
      const prev = byName.get(key) ?? defined.get(key);
      if (prev) {
        abort(
          error(
            codes.DuplicatePackage,
            `package \`${key}\` is defined in two different locations`,
            pkg.nameSpan,
            {
              related: [{ span: prev.nameSpan, message: "also defined here" }],
            },
          ),
        );
      }
      byName.set(key, pkg);
    }
  }
  for (const [key, pkg] of byName) defined.set(key, pkg);

  const order = topologicalPackages(byName);
  // A type's definition is final once its package is added, so what is
  // known about borrows holds for all the packages added after it.
  const hasBorrow: (boolean | undefined)[] = objectArray();
  const signatures = new SignaturePool();
  const mainKey = formatPackageName(main.main.name);
  let mainId: PackageId | undefined;
  for (const pkg of order) {
    const id = new Remap(resolve, pkg, hasBorrow, signatures).append();
    if (formatPackageName(pkg.name) === mainKey) mainId = id;
  }
  return mainId!;
}

/**
 * Orders packages so each comes after the packages it uses, visiting them by
 * name order; a package that (transitively) uses itself is an error at the
 * `use` that closes the cycle. Iterative depth-first search.
 */
function topologicalPackages(byName: Map<string, UnresolvedPackage>): UnresolvedPackage[] {
  const roots = [...byName.values()].sort((a, b) => comparePackageNames(a.name, b.name));
  const done = new Set<string>();
  const order: UnresolvedPackage[] = [];
  const visiting = new Set<string>();
  for (const root of roots) {
    if (done.has(formatPackageName(root.name))) continue;
    const stack: { pkg: UnresolvedPackage; next: number; pending: string | undefined }[] = [
      { pkg: root, next: 0, pending: undefined },
    ];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.pending !== undefined) {
        // Back from visiting a dependency.
        visiting.delete(top.pending);
        top.pending = undefined;
      }
      if (top.next < top.pkg.foreignDeps.length) {
        const dep = top.pkg.foreignDeps[top.next++]!;
        const key = formatPackageName(dep.name);
        if (visiting.has(key))
          fail(`package \`${key}\` creates a dependency cycle`, dep.span, codes.PackageCycle);
        visiting.add(key);
        const target = byName.get(key);
        if (target && !done.has(key)) {
          top.pending = key;
          stack.push({ pkg: target, next: 0, pending: undefined });
        } else {
          visiting.delete(key);
        }
        continue;
      }
      stack.pop();
      const key = formatPackageName(top.pkg.name);
      if (!done.has(key)) {
        done.add(key);
        order.push(top.pkg);
      }
    }
  }
  return order;
}
