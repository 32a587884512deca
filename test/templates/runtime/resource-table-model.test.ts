import { describe, expect, it } from "vitest";
import * as runtime from "../../../templates/runtime/index.js";

interface ModelCheckResult {
  readonly ops: number;
  readonly seed: number;
  readonly capacity: number;
  readonly outcomes: ReadonlyMap<string, number>;
  /** Empty when the table matched the model on every operation; else the first mismatch. */
  readonly mismatches: readonly string[];
}
interface ModelCheckModule {
  runTableModelCheck(
    runtimeModule: unknown,
    options: { readonly ops: number; readonly seed: number; readonly capacity?: number },
  ): ModelCheckResult;
}

// The driver is plain JavaScript shared with `scripts/table-model-check.js`'s command line (which runs 1,000,000+
// operations against dist/); a non-literal specifier keeps the type checker from wanting a declaration file.
const driverPath: string = "../../../scripts/table-model-check.js";
const { runTableModelCheck } = (await import(driverPath)) as ModelCheckModule;

/** TABLE_MODEL_SEED=<n> reruns a failing seed. */
const seedOverride = process.env["TABLE_MODEL_SEED"];
const runs: [seed: number, capacity: number][] =
  seedOverride === undefined
    ? [
        [1, 4],
        [2, 16],
        [3, 64],
        [4, 256],
        [5, 1024],
      ]
    : [4, 16, 64, 256, 1024].map((capacity) => [Number(seedOverride), capacity]);

describe("resource table: model-based randomized check", () => {
  it.each(runs)(
    "matches the reference model for 10,000 operations (seed %i, capacity %i)",
    (seed, capacity) => {
      const result = runTableModelCheck(runtime, { ops: 10_000, seed, capacity });
      expect(result.mismatches).toEqual([]);
      expect([result.ops, result.seed, result.capacity]).toEqual([10_000, seed, capacity]);
    },
  );

  it("reaches every outcome that matters, so the check is not vacuous", () => {
    const totals = new Map<string, number>();
    for (const seed of [11, 12]) {
      const result = runTableModelCheck(runtime, { ops: 10_000, seed, capacity: 16 });
      expect(result.mismatches).toEqual([]);
      for (const [key, n] of result.outcomes) {
        totals.set(key, (totals.get(key) ?? 0) + n);
      }
    }
    const expected = [
      "push:ok",
      "push:TableFullError",
      "pushChild:ok",
      "pushChild:StaleHandleError",
      "pushChild:InvalidHandleError",
      "get:ok",
      "get:StaleHandleError",
      "get:InvalidHandleError",
      "get:WrongTypeError",
      "lend:ok",
      "release:ok",
      "release:NotLentError",
      "delete:ok",
      "delete:HasChildrenError",
      "delete:ResourceLentError",
      "delete:WrongTypeError",
      "take:ok",
      "children:ok",
      "parentOf:ok",
      "disposeAll:ok",
      "dispose:ok",
    ];
    const missing = expected.filter((key) => (totals.get(key) ?? 0) < 3);
    expect(missing).toEqual([]);
  });

  it("returns the mismatch, naming the seed, when the table misbehaves", () => {
    const brokenRuntime = {
      ...runtime,
      createResourceTable(options: runtime.ResourceTableOptions) {
        const table = runtime.createResourceTable(options);
        // A table that forgets to count releases: deleting after lend + release must now fail.
        return Object.assign(table, { release: () => {} });
      },
    };
    expect(
      runTableModelCheck(brokenRuntime, { ops: 10_000, seed: 7, capacity: 16 }).mismatches,
    ).toEqual([
      expect.stringMatching(
        /^table model mismatch at operation \d+ \((delete|take|release)\), seed 7, capacity 16: expected /,
      ),
    ]);

    const noDestructors = {
      ...runtime,
      createResourceTable(options: runtime.ResourceTableOptions) {
        const table = runtime.createResourceTable(options);
        // A delete that forgets to run destructors.
        return Object.assign(table, {
          delete: (handle: runtime.Handle<unknown>, type: runtime.ResourceTypeRef<unknown>) =>
            void table.take(handle, type),
        });
      },
    };
    expect(
      runTableModelCheck(noDestructors, { ops: 10_000, seed: 8, capacity: 16 }).mismatches,
    ).toEqual([
      expect.stringMatching(
        /^table model mismatch at operation \d+ \(delete\), seed 8, capacity 16: destructor calls \[\], expected \[(value|type):\d+\]$/,
      ),
    ]);
  });
});
