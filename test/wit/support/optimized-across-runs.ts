/**
 * A harness for tests that check that V8 keeps the front end's optimized code from one run to the next.
 * Consumes a WIT text, the built methods to watch and the code to run between two readings; produces which of
 * the watched methods were optimized before and after it, read in a child Node process with V8's natives syntax
 * (`--allow-natives-syntax`, `--expose-gc`) that loads the built front end from `dist/`. The child resolves the
 * text twice, has every watched method optimized on the third run, reads their status (bit 16 of
 * `%GetOptimizationStatus` is "optimized"), runs `between`, and reads it again. A `report` expression is
 * evaluated first, before anything has run.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

const DIST = join(import.meta.dirname, "..", "..", "..", "dist");

/** Whether `dist/` holds the built module at `path` (relative to `dist/`). */
export function isBuilt(path: string): boolean {
  return existsSync(join(DIST, path));
}

/** A method to watch: the module under `dist/` that exports its class, the class, the method. */
export interface Watched {
  readonly module: string;
  readonly owner: string;
  readonly method: string;
}

export interface AcrossRuns {
  /** The watched methods (as `Owner.method`) optimized after the third run. */
  readonly before: string[];
  /** The same after `between`. */
  readonly after: string[];
  /** The JSON value of the `report` expression, read before the first run. */
  readonly report: unknown;
}

export function optimizedAcrossRuns(options: {
  wit: string;
  watched: readonly Watched[];
  /** Code the child runs between the two readings (`run()` resolves the text again; `gc()` collects). */
  between: string;
  /**
   * An expression the child evaluates before the first run, while no allocation site has learnt anything from
   * the front end's work (it may `await` and use natives syntax).
   */
  report?: string;
}): AcrossRuns {
  const imports = options.watched
    .map(
      (w, i) =>
        `const m${i} = await import(dist + ${JSON.stringify("/" + w.module)});\n` +
        `fns[${JSON.stringify(`${w.owner}.${w.method}`)}] = m${i}.${w.owner}.prototype.${w.method};`,
    )
    .join("\n");
  const child = `
const dist = process.argv[1];
const { resolveFiles } = await import(dist + "/wit/load.js");
const files = new Map([["t.wit", ${JSON.stringify(options.wit)}]]);
const run = () => {
  if (resolveFiles(files, "t.wit").diagnostics.length > 0) throw new Error("the input does not resolve");
};
const fns = {};
${imports}
const report = ${options.report ?? "null"};
for (const f of Object.values(fns)) %PrepareFunctionForOptimization(f);
run();
run();
for (const f of Object.values(fns)) %OptimizeFunctionOnNextCall(f);
run();
const optimized = () =>
  Object.entries(fns).filter(([, f]) => (%GetOptimizationStatus(f) & 16) !== 0).map(([name]) => name);
const before = optimized();
${options.between}
const after = optimized();
console.log(JSON.stringify({ before, after, report }));
`;
  const result = spawnSync(
    process.execPath,
    // Optimization is synchronous: on a loaded machine a compile that tiering had already queued on a
    // background thread could otherwise still be unfinished when the child reads the status.
    [
      "--allow-natives-syntax",
      "--expose-gc",
      "--no-concurrent-recompilation",
      "--input-type=module",
      "-e",
      child,
      DIST,
    ],
    { encoding: "utf8" },
  );
  if (result.stderr !== "") throw new Error(`the child process failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as AcrossRuns;
}
