/**
 * Code generation, entry point: the host SDK of one world. Consumes a resolved model, a world and the
 * options; produces the SDK's files in memory (`index.ts`, `interfaces/*.ts` and, unless the runtime is
 * imported from elsewhere, `runtime/*.ts`), synchronously and deterministically: the same input gives the
 * same bytes. The plan (`emit-plan.ts`) decides files and names up front; each file is then printed once,
 * line by line, through a `GeneratedFile`. World selection lives in `wit/select-world.ts` (re-exported here).
 */
import type { Resolve, WorldId } from "../wit/model.js";
import type { ComponentCanon } from "../wit/decoding/canonical-options.js";
import { planDirectImports } from "./emit-direct.js";
import { emitExportSide } from "./emit-exports.js";
import { releaseUnitFunctions, unitFunctions, worldExportFunctions } from "./emit-functions.js";
import { emitImportSide } from "./emit-imports.js";
import { emitIndex } from "./emit-index.js";
import { createPlan, type Plan, type Unit } from "./emit-plan.js";
import { emitTypes } from "./emit-types.js";
import { generatedByComment, printGeneratedFile, type GeneratedFile } from "./printer/index.js";
import { createSdkRuntime, type SdkRuntime } from "./runtime-files.js";
export { selectWorld } from "../wit/select-world.js";
import { forgetUnitExprs, moduleSpecifier, type EmitContext } from "./type-expr.js";

/** A generated file: a `/`-separated path relative to the output directory, and its text. */
export interface OutputFile {
  readonly path: string;
  readonly content: string;
}

export interface GenerateOptions {
  /** The input as the user gave it, for the `@generated` header (`/` separators, never absolute). */
  readonly input: string;
  /** wit-ts's version, for the header. */
  readonly version: string;
  /** Import the runtime from this specifier instead of copying it into `runtime/`. */
  readonly runtimeImport?: string;
  /** The component shipped with the SDK: `entry` is jco's instantiation-mode module, relative to the output. */
  readonly component?: { readonly entry: string };
  /**
   * Import handlers get `Borrowed<T>` views, held by the generated adapters in `using` declarations and
   * revoked when the handler returns, instead of explicit `BorrowHandle<T>`s that they drop.
   */
  readonly autodropBorrows?: boolean;
  /**
   * The canonical options of the component the SDK is generated from: its exports are then called directly
   * with the SDK's own canonical ABI where they allow it (`emit-direct.ts`).
   */
  readonly canon?: ComponentCanon;
}

/** Generates the SDK of `world`. Never fails for a resolved model; a thrown error is a wit-ts bug. */
export function generate(resolve: Resolve, world: WorldId, options: GenerateOptions): OutputFile[] {
  const plan = createPlan(resolve, world);
  // Decided before anything is printed: an import the SDK cannot lower keeps every export off the direct path.
  if (options.canon !== undefined) planDirectImports(resolve, world, options.canon);
  // Only the index names the input: the other files would each repeat it.
  const indexPreamble = generatedByComment({
    version: options.version,
    input: options.input,
    world: plan.worldName,
  });
  const preamble = generatedByComment({ version: options.version, world: plan.worldName });
  const files: OutputFile[] = [];
  const runtime = createSdkRuntime(options.runtimeImport);
  // The index last: it reads what every interface file declares, which each file's functions decide as the file
  // is printed; an interface file reads no other file's functions.
  const contexts = [...plan.units, plan.index].map((unit) => context(plan, unit, options, runtime));
  for (const cx of contexts) {
    const unit = cx.unit;
    // The unit's function names, claimed before its mark so that printing it again keeps them.
    unitFunctions(cx);
    if (unit.kind === "index") worldExportFunctions(cx);
    const typeMark = unit.typeScope.mark();
    const valueMark = unit.valueScope.mark();
    const head = unit.kind === "index" ? indexPreamble : preamble;
    const content = printGeneratedFile(unit.path, { preamble: head }, (f) => {
      // The file may be printed twice (see printGeneratedFile): the second time claims the same names again.
      unit.typeScope.rollback(typeMark);
      unit.valueScope.rollback(valueMark);
      reserveNames(f, unit);
      if (unit.kind === "index") {
        const entry = options.component?.entry;
        emitIndex(f, cx, {
          component: entry === undefined ? undefined : moduleSpecifier(unit.path, entry),
        });
      } else {
        emitTypes(f, cx);
        if (unit.side === "import") emitImportSide(f, cx);
        else emitExportSide(f, cx);
      }
      // Every name the file declares, including those claimed while printing (spec tables, error aliases,
      // locals), so that an import of the same name (a runtime helper called `exportTable`, `ResultError`, a
      // type of another file) gets an alias instead of clashing with it.
      f.reserve(...unit.typeScope.names(), ...unit.valueScope.names());
    });
    files.push({ path: unit.path, content });
    forgetUnitExprs(unit);
    if (unit.kind !== "index") releaseUnitFunctions(unit);
  }
  files.push(...runtime.outputFiles(preamble));
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function context(
  plan: Plan,
  unit: Unit,
  options: GenerateOptions,
  runtime: SdkRuntime,
): EmitContext {
  // Every context has every field, in the order `derived` (emit-functions.ts) writes them: one shape for all.
  return {
    plan,
    resolve: plan.resolve,
    unit,
    runtime: runtime.importsFor(unit.path),
    borrows: options.autodropBorrows === true ? "autodrop" : "explicit",
    borrowDirection: undefined,
    canon: options.canon,
    gives: undefined,
  };
}

/** Tells the file which names it declares, so imports of the same names get aliases. */
function reserveNames(f: GeneratedFile, unit: Unit): void {
  for (const names of unit.typeNames.values()) {
    f.reserve(names.type, names.descriptor);
    if (names.classType !== undefined) f.reserve(names.classType);
    if (names.wrapper !== undefined) f.reserve(names.wrapper);
  }
  f.reserve(unit.contract, unit.factory);
}
