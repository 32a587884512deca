/**
 * The resolver's entry point: AST -> model. Consumes parsed files grouped by
 * package source (the main file or directory, then each dependency) and
 * produces a {@link Resolve} plus the ids of the main packages, or
 * diagnostics. It strings the two stages together the way wit-parser does:
 *
 * 1. per package group (`resolve-package.ts`): each file's nested
 *    `package a:b { ... }` blocks become packages of their own, resolved as
 *    soon as their file is added; the rest of every file forms the group's
 *    main package;
 * 2. across groups (`resolve-merge.ts`): packages are added to the
 *    `Resolve` in dependency order (`resolve-remap.ts`), connected to each
 *    other, feature-gated and their worlds elaborated (`resolve-world.ts`).
 *
 * Resolution stops at the first error, as wit-parser's does, so a reported
 * location always matches wit-parser's. Errors travel as
 * {@link DiagnosticAbort} inside the stages and come out of here as data.
 */
import { spanOf, type WitFile } from "./ast.js";
import { DiagnosticAbort, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { PackageId, Resolve } from "./model.js";
import { createResolve } from "./model.js";
import { pushGroups, type UnresolvedGroup } from "./resolve-merge.js";
import { PackageResolver, type UnresolvedPackage } from "./resolve-package.js";
import { anchorShape } from "./shape-anchor.js";

export interface ResolveOptions {
  /** Features whose `@unstable` items are kept. */
  readonly features?: readonly string[];
  /** Keep every `@unstable` item. */
  readonly allFeatures?: boolean;
}

/**
 * Collects the files of one package group (one `.wit` file, or the `.wit`
 * files of one directory, in path order) and resolves them on `finish()`.
 * Methods throw {@link DiagnosticAbort} on user errors.
 */
export class GroupResolver {
  private readonly main = new PackageResolver();
  private readonly nested: UnresolvedPackage[] = [];

  addFile(file: WitFile): void {
    const top = [];
    for (const item of file.items) {
      if (item.kind === "package") {
        // A nested package is a package of its own, made of this block alone.
        const r = new PackageResolver();
        r.push({
          package: item.name,
          items: item.items,
          types: file.types,
          funcs: file.funcs,
          params: file.params,
        });
        this.nested.push(r.resolve());
      } else {
        top.push(item);
      }
    }
    this.main.push({
      package: file.package,
      items: top,
      types: file.types,
      funcs: file.funcs,
      params: file.params,
    });
  }

  finish(): UnresolvedGroup {
    return { main: this.main.resolve(), nested: this.nested };
  }
}

/** Keeps the maps of a group's resolvers, scopes and tries alive between runs (see `shape-anchor.ts`). */
anchorShape(new GroupResolver());

export interface ResolveAstsResult {
  readonly resolve: Resolve | undefined;
  readonly packageIds: PackageId[];
  readonly diagnostics: Diagnostic[];
}

/** Runs `f`, turning a {@link DiagnosticAbort} into its diagnostic. */
export function catchAbort<T>(
  f: () => T,
): { value: T; diagnostics: [] } | { value: undefined; diagnostics: Diagnostic[] } {
  try {
    return { value: f(), diagnostics: [] };
  } catch (e) {
    if (e instanceof DiagnosticAbort)
      return { value: undefined, diagnostics: [detached(e.diagnostic)] };
    throw e;
  }
}

/**
 * The diagnostic with spans of its own: the resolver reports at nodes of the
 * tree, which are spans themselves (see `ast.ts`), and a diagnostic must
 * neither keep the tree alive nor show its fields.
 */
function detached(d: Diagnostic): Diagnostic {
  const related = d.related?.map((r) => ({ ...r, span: spanOf(r.span) }));
  return { ...d, span: spanOf(d.span), ...(related && { related }) };
}

/**
 * Stage 2 for groups already through stage 1: builds the {@link Resolve}.
 * `early` groups (packages decoded from wasm) are added first, one by one,
 * as wit-parser merges them while it reads the `deps/` folder.
 */
export function resolveGroups(
  main: UnresolvedGroup,
  deps: readonly UnresolvedGroup[],
  options: ResolveOptions = {},
  early: readonly UnresolvedGroup[] = [],
): ResolveAstsResult {
  const resolve = createResolve(options.features ?? [], options.allFeatures ?? false);
  const r = catchAbort(() => {
    const defined = new Map<string, UnresolvedPackage>();
    for (const g of early) pushGroups(resolve, g, [], defined);
    return pushGroups(resolve, main, deps, defined);
  });
  if (r.value === undefined)
    return { resolve: undefined, packageIds: [], diagnostics: r.diagnostics };
  return { resolve, packageIds: [r.value], diagnostics: [] };
}
