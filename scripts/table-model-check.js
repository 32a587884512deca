#!/usr/bin/env node
/**
 * Model-based randomized check of the runtime's resource table. Drives the real table and a tiny reference
 * model (plain Maps and Sets) with the same seeded PRNG through push, pushChild, get, has, lend, release,
 * delete, take, children, parentOf, disposeAll and dispose (`table[Symbol.dispose]()`, what `using` calls),
 * and compares every result, every error kind, every destructor call (and its order) and the live counts
 * after every operation.
 *
 *   node scripts/table-model-check.js [ops=1000000] [seed=random]   (needs `npx tsc -p tsconfig.build.json`)
 *
 * `runTableModelCheck(runtime, { ops, seed, capacity })` is exported for the tests, which pass the runtime
 * sources instead of dist/. It returns its `mismatches`: empty when the table matched the model on every
 * operation, else the first mismatch, naming the seed, the operation and the capacity (the run stops there,
 * since every later operation would only repeat its consequences).
 */

import { createRandom } from "./fuzz/random.js";

// "a": values dispose themselves; "b": the type's destructor; "c": nothing to run; "d": both, the type's wins.
const typeNames = ["a", "b", "c", "d"];
const undefinedType = "never-defined";

/** Weighted operations; disposeAll and dispose are rare so that tables fill up between sweeps. */
const operations = [
  ["push", 150],
  ["pushChild", 110],
  ["get", 140],
  ["has", 50],
  ["lend", 60],
  ["release", 90],
  ["delete", 170],
  ["take", 40],
  ["children", 50],
  ["parentOf", 30],
  ["lendCount", 20],
  ["disposeAll", 1],
  ["dispose", 1],
];
const totalWeight = operations.reduce((sum, [, weight]) => sum + weight, 0);

/** Values that were never handles: the model calls them invalid, as it does any number it never saw issued. */
const oddHandles = [0, -1, 1.5, Number.NaN, Infinity, "1", null, undefined, 2 ** 53 + 2, {}];

export function runTableModelCheck(runtime, options = {}) {
  const ops = options.ops ?? 10_000;
  const seed = (options.seed ?? 1) >>> 0;
  const random = createRandom(seed);
  const capacity = options.capacity ?? random.pick([4, 16, 64, 256]);
  const context = `seed ${seed}, capacity ${capacity}`;
  const table = runtime.createResourceTable({ capacity });

  const log = [];
  const typeDestructor = (value) => log.push(`type:${value.id}`);
  const tokens = {
    a: table.defineType("a"),
    b: table.defineType("b", { dispose: typeDestructor }),
    c: table.defineType("c"),
    d: table.defineType("d", { dispose: typeDestructor }),
  };
  let nextId = 0;
  const makeValue = (type) => {
    const value = { id: nextId++, type };
    if (type === "a" || type === "d") value[Symbol.dispose] = () => log.push(`value:${value.id}`);
    return value;
  };
  const expectedDisposal = (entry) =>
    entry.type === "a"
      ? [`value:${entry.value.id}`]
      : entry.type === "c"
        ? []
        : [`type:${entry.value.id}`];

  // The model.
  const issued = new Set();
  /** handle -> { type, value, parent, children: Set (creation order), lends }; Map order is creation order. */
  const live = new Map();
  const liveList = [];
  const livePosition = new Map();
  const dead = [];
  const addLive = (handle, entry) => {
    live.set(handle, entry);
    livePosition.set(handle, liveList.length);
    liveList.push(handle);
  };
  const removeLive = (handle) => {
    const entry = live.get(handle);
    live.delete(handle);
    const position = livePosition.get(handle);
    const last = liveList.pop();
    if (last !== handle) {
      liveList[position] = last;
      livePosition.set(last, position);
    }
    livePosition.delete(handle);
    if (entry.parent !== undefined) live.get(entry.parent).children.delete(handle);
    if (dead.length < 1024) dead.push(handle);
    else dead[random.below(dead.length)] = handle;
  };
  /** What the model says a handle is: an entry, or the error the table must throw. */
  const classify = (handle) => {
    const entry = live.get(handle);
    if (entry !== undefined) return entry;
    return issued.has(handle) ? "StaleHandleError" : "InvalidHandleError";
  };

  const pickHandle = () => {
    const roll = random.next();
    if (roll < 0.78 && liveList.length > 0) return random.pick(liveList);
    if (roll < 0.9 && dead.length > 0) return random.pick(dead);
    if (roll < 0.95) return random.pick(oddHandles);
    return 1 + random.below(2 ** 40);
  };
  const pickTypeFor = (handle) => {
    const entry = live.get(handle);
    if (entry !== undefined && random.next() < 0.85) return entry.type;
    return random.next() < 0.1 ? undefinedType : random.pick(typeNames);
  };
  /** Names and tokens must behave the same. */
  const typeRef = (type) => (type !== undefinedType && random.next() < 0.5 ? tokens[type] : type);

  const stats = new Map();
  const count = (key) => stats.set(key, (stats.get(key) ?? 0) + 1);
  const show = (value) =>
    typeof value === "number"
      ? String(value)
      : typeof value === "string"
        ? `"${value}"`
        : String(value);

  let index = 0;
  let operation = "";
  const mismatches = [];
  const fail = (detail) => {
    throw new Mismatch(
      `table model mismatch at operation ${index} (${operation}), ${context}: ${detail}`,
    );
  };
  /** Runs `action` on the real table and compares with the expected error name, or returns its result. */
  const attempt = (expectedError, action) => {
    let result;
    try {
      result = action();
    } catch (error) {
      const name = error instanceof Error ? error.name : String(error);
      if (expectedError === undefined) fail(`expected success, got ${name}: ${error.message}`);
      if (name !== expectedError) fail(`expected ${expectedError}, got ${name}: ${error.message}`);
      if (!(error instanceof runtime[expectedError]))
        fail(`${name} is not an instance of runtime.${expectedError}`);
      count(`${operation}:${name}`);
      return { failed: true };
    }
    if (expectedError !== undefined)
      fail(`expected ${expectedError}, got success (${show(result)})`);
    count(`${operation}:ok`);
    return { failed: false, result };
  };
  const expectLog = (expected) => {
    const actual = log.splice(0);
    if (
      actual.length !== expected.length ||
      actual.some((entry, position) => entry !== expected[position])
    ) {
      fail(`destructor calls [${actual.join(", ")}], expected [${expected.join(", ")}]`);
    }
  };
  /** The handle's error if not live, else the type error if the type is wrong, else undefined. */
  const typedError = (handle, type) => {
    const entry = classify(handle);
    if (typeof entry === "string") return entry;
    return entry.type === type ? undefined : "WrongTypeError";
  };

  try {
    for (index = 0; index < ops; index++) step();
  } catch (error) {
    if (!(error instanceof Mismatch)) throw error;
    mismatches.push(error.message);
  }
  return { ops, seed, capacity, outcomes: stats, mismatches };

  function step() {
    let roll = random.below(totalWeight);
    operation = operations.find(([, weight]) => (roll -= weight) < 0)[0];
    switch (operation) {
      case "push": {
        const type = random.pick(typeNames);
        const value = makeValue(type);
        const full = live.size >= capacity;
        const { failed, result } = attempt(full ? "TableFullError" : undefined, () =>
          table.push(typeRef(type), value),
        );
        if (!failed) {
          if (!Number.isSafeInteger(result) || result <= 0 || issued.has(result))
            fail(`push returned ${show(result)}`);
          issued.add(result);
          addLive(result, { type, value, parent: undefined, children: new Set(), lends: 0 });
        }
        break;
      }
      case "pushChild": {
        const parent = pickHandle();
        const type = random.pick(typeNames);
        const value = makeValue(type);
        const parentEntry = classify(parent);
        const expected =
          typeof parentEntry === "string"
            ? parentEntry
            : live.size >= capacity
              ? "TableFullError"
              : undefined;
        const { failed, result } = attempt(expected, () =>
          table.pushChild(typeRef(type), value, parent),
        );
        if (!failed) {
          if (!Number.isSafeInteger(result) || result <= 0 || issued.has(result))
            fail(`pushChild returned ${show(result)}`);
          issued.add(result);
          addLive(result, { type, value, parent, children: new Set(), lends: 0 });
          parentEntry.children.add(result);
        }
        break;
      }
      case "get": {
        const handle = pickHandle();
        const type = pickTypeFor(handle);
        const { failed, result } = attempt(typedError(handle, type), () =>
          table.get(handle, typeRef(type)),
        );
        if (!failed && result !== live.get(handle).value) fail(`get returned another value`);
        break;
      }
      case "has": {
        const handle = pickHandle();
        const withType = random.next() < 0.5;
        const type = pickTypeFor(handle);
        const entry = classify(handle);
        const expected = typeof entry !== "string" && (!withType || entry.type === type);
        const { result } = attempt(undefined, () =>
          withType ? table.has(handle, typeRef(type)) : table.has(handle),
        );
        if (result !== expected) fail(`has returned ${result}, expected ${expected}`);
        break;
      }
      case "lend": {
        const handle = pickHandle();
        const entry = classify(handle);
        const { failed } = attempt(typeof entry === "string" ? entry : undefined, () =>
          table.lend(handle),
        );
        if (!failed) entry.lends++;
        break;
      }
      case "release": {
        const handle = pickHandle();
        const entry = classify(handle);
        const expected =
          typeof entry === "string" ? entry : entry.lends === 0 ? "NotLentError" : undefined;
        const { failed } = attempt(expected, () => table.release(handle));
        if (!failed) entry.lends--;
        break;
      }
      case "lendCount": {
        const handle = pickHandle();
        const entry = classify(handle);
        const { failed, result } = attempt(typeof entry === "string" ? entry : undefined, () =>
          table.lendCount(handle),
        );
        if (!failed && result !== entry.lends)
          fail(`lendCount returned ${result}, expected ${entry.lends}`);
        break;
      }
      case "delete":
      case "take": {
        const handle = pickHandle();
        const type = pickTypeFor(handle);
        const entry = classify(handle);
        let expected = typedError(handle, type);
        if (expected === undefined) {
          if (entry.children.size > 0) expected = "HasChildrenError";
          else if (entry.lends > 0) expected = "ResourceLentError";
        }
        const { failed, result } = attempt(expected, () =>
          operation === "delete"
            ? table.delete(handle, typeRef(type))
            : table.take(handle, typeRef(type)),
        );
        if (!failed) {
          if (operation === "take" && result !== entry.value) fail(`take returned another value`);
          removeLive(handle);
          expectLog(operation === "delete" ? expectedDisposal(entry) : []);
        } else {
          expectLog([]);
        }
        break;
      }
      case "children": {
        const handle = pickHandle();
        const entry = classify(handle);
        const { failed, result } = attempt(typeof entry === "string" ? entry : undefined, () =>
          table.children(handle),
        );
        if (!failed) {
          const expected = [...entry.children];
          if (
            result.length !== expected.length ||
            result.some((child, position) => child !== expected[position])
          ) {
            fail(`children [${result.join(", ")}], expected [${expected.join(", ")}]`);
          }
        }
        break;
      }
      case "parentOf": {
        const handle = pickHandle();
        const entry = classify(handle);
        const { failed, result } = attempt(typeof entry === "string" ? entry : undefined, () =>
          table.parentOf(handle),
        );
        if (!failed && result !== entry.parent)
          fail(`parentOf returned ${show(result)}, expected ${show(entry.parent)}`);
        break;
      }
      case "dispose": {
        // The whole-table `Symbol.dispose`: disposeAll without the report.
        const newestFirst = [...live.keys()].reverse();
        const expectedLog = newestFirst.flatMap((handle) => expectedDisposal(live.get(handle)));
        const { result } = attempt(undefined, () => table[Symbol.dispose]());
        if (result !== undefined) fail(`dispose returned ${show(result)}`);
        for (const handle of newestFirst) removeLive(handle);
        expectLog(expectedLog);
        break;
      }
      case "disposeAll": {
        const newestFirst = [...live.keys()].reverse();
        const byType = new Map();
        for (const handle of newestFirst) {
          const { type } = live.get(handle);
          byType.set(type, (byType.get(type) ?? 0) + 1);
        }
        const expectedLog = newestFirst.flatMap((handle) => expectedDisposal(live.get(handle)));
        const { result } = attempt(undefined, () => table.disposeAll());
        if (result.total !== newestFirst.length)
          fail(`disposeAll total ${result.total}, expected ${newestFirst.length}`);
        const sameCounts =
          result.byType.size === byType.size &&
          [...byType].every(([type, n]) => result.byType.get(type) === n);
        if (!sameCounts)
          fail(
            `disposeAll byType ${JSON.stringify([...result.byType])}, expected ${JSON.stringify([...byType])}`,
          );
        if (result.errors.length !== 0) fail(`disposeAll reported destructor errors`);
        for (const handle of newestFirst) removeLive(handle);
        expectLog(expectedLog);
        break;
      }
      default:
        fail(`unknown operation`);
    }
    if (table.size !== live.size) fail(`size ${table.size}, expected ${live.size}`);
    if (index % 16 === 0) {
      for (const type of typeNames) {
        let expected = 0;
        for (const entry of live.values()) if (entry.type === type) expected++;
        const actual = random.next() < 0.5 ? table.count(type) : table.count(tokens[type]);
        if (actual !== expected) fail(`count(${type}) ${actual}, expected ${expected}`);
      }
    }
  }
}

/** How `fail` leaves the operation loop: caught there and returned as data, never thrown to the caller. */
class Mismatch extends Error {}

async function main() {
  const ops = Number(process.argv[2] ?? 1_000_000);
  const seed =
    process.argv[3] === undefined ? Math.floor(Math.random() * 2 ** 32) : Number(process.argv[3]);
  if (!Number.isSafeInteger(ops) || ops <= 0 || !Number.isSafeInteger(seed)) {
    console.error("usage: node scripts/table-model-check.js [ops] [seed]");
    process.exit(2);
  }
  const runtime = await import("../dist/runtime/index.js");
  const started = performance.now();
  // Several capacities per run, all derived from the one seed so that a failure is reproducible.
  const capacities = [4, 64, 1024];
  const results = [];
  for (const [position, capacity] of capacities.entries()) {
    const share = Math.ceil(ops / capacities.length);
    const result = runTableModelCheck(runtime, { ops: share, seed: seed + position, capacity });
    if (result.mismatches.length > 0) {
      console.error(`FAILED (run with: node scripts/table-model-check.js ${ops} ${seed})`);
      for (const mismatch of result.mismatches) console.error(mismatch);
      process.exit(1);
    }
    results.push(result);
  }
  const elapsed = (performance.now() - started) / 1000;
  const outcomes = new Map();
  for (const result of results) {
    for (const [key, n] of result.outcomes) outcomes.set(key, (outcomes.get(key) ?? 0) + n);
  }
  const total = results.reduce((sum, result) => sum + result.ops, 0);
  console.log(
    `table model check: ${total} operations, seed ${seed}, capacities ${capacities.join("/")}, ${elapsed.toFixed(1)} s`,
  );
  for (const [key, n] of [...outcomes].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`  ${key.padEnd(34)} ${String(n).padStart(9)}`);
  }
  console.log("OK: the table matched the model on every operation");
}

const invokedDirectly =
  process.argv[1] !== undefined &&
  import.meta.url === (await import("node:url")).pathToFileURL(process.argv[1]).href;
if (invokedDirectly) await main();
