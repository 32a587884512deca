/**
 * Arrays for the front end's per-run tables that start with the elements kind their contents will have.
 * Consumes a length (or nothing) and produces an empty or pre-sized array that V8 already stores as "any
 * value" rather than as small integers.
 *
 * Why: an empty `[]` or a `new Array(n)` starts as an array of small integers, and becomes an array of any
 * value at its first store of a string or an object. Within a run, V8 optimizes its writers for the arrays it
 * has seen by then, which have all made that change; the next run's fresh arrays have not, so every writer
 * meets a hidden class it was not compiled for ("wrong map"), and once recompiled for both, a value that is
 * not a small integer ("not a Smi"): two deoptimizations and recompilations per writer in the second and third
 * runs of a process (a `--watch` regeneration, a bundler plugin's rebuild, the bench's warm runs). An array
 * that has made the change before anything reads it gives every writer one hidden class from the first run on.
 * Elements kinds never change back, so removing the placeholder keeps the kind.
 */

/** An empty array of any value. */
export function objectArray<T>(): T[] {
  const a: unknown[] = [null];
  a.pop();
  return a as T[];
}

/** An array of `length` holes, stored as any value (`length` at least 1). */
export function sizedObjectArray<T>(length: number): T[] {
  const a = new Array<unknown>(length);
  a[0] = undefined;
  return a as T[];
}
