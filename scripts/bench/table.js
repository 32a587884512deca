/**
 * Resource-table benchmark: push, get and delete throughput of the runtime's `ResourceTable`
 * (through a type token, as the generated views call it) and of a host resource view (`resources.request`
 * of a generated SDK: the table plus its object-to-handle map), against the baseline a host would write
 * without them, a plain `Map<number, T>` with a counter, all in one process on `dist/` (run
 * `npm run build` first). Each run fills an empty container with N objects, reads every one `GET_ROUNDS`
 * times in a shuffled order, then deletes them all in another; containers take turns within a run so that
 * drift hits them alike. Reports medians of several runs in million operations per second, with the
 * min-max spread, and the table's throughput as a fraction of the Map's.
 */
import { fileURLToPath, pathToFileURL } from "node:url";
import { fmt, median, spread } from "./stats.js";
import { createRandom } from "../fuzz/random.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const GET_ROUNDS = 5;

/** A fixed shuffle (seeded), so that every run and every container reads in the same order. */
function shuffled(count, seed) {
  const order = Array.from({ length: count }, (_, index) => index);
  const random = createRandom(seed);
  for (let index = count - 1; index > 0; index--) {
    const other = random.below(index + 1);
    [order[index], order[other]] = [order[other], order[index]];
  }
  return order;
}

/** The three containers under test, each as push / get / delete over handles it issued. */
function subjects(runtime) {
  return {
    map() {
      const map = new Map();
      let next = 1;
      return {
        push: (value) => {
          const handle = next++;
          map.set(handle, value);
          return handle;
        },
        get: (handle) => map.get(handle),
        delete: (handle) => map.delete(handle),
      };
    },
    table() {
      const table = runtime.createResourceTable();
      const type = table.defineType("thing");
      return {
        push: (value) => table.push(type, value),
        get: (handle) => table.get(handle, type),
        delete: (handle) => table.delete(handle, type),
      };
    },
    view() {
      // What `createHostResources` needs of an instance core: somewhere to register its disposal.
      const core = { gate: { addReleaseHook() {} } };
      const view = runtime.createHostResources(core, { thing: { name: "thing" } }).thing;
      return {
        push: (value) => view.push(value),
        get: (handle) => view.get(handle),
        delete: (handle) => view.delete(handle),
      };
    },
  };
}

/** One run of one container: seconds for N pushes, N * GET_ROUNDS gets and N deletes. */
function runOnce(make, values, getOrder, deleteOrder) {
  const subject = make();
  const handles = new Array(values.length);
  let start = performance.now();
  for (let index = 0; index < values.length; index++) handles[index] = subject.push(values[index]);
  const push = performance.now() - start;
  let sink = 0;
  start = performance.now();
  for (let round = 0; round < GET_ROUNDS; round++) {
    for (let index = 0; index < getOrder.length; index++)
      sink += subject.get(handles[getOrder[index]]).id;
  }
  const get = performance.now() - start;
  start = performance.now();
  for (let index = 0; index < deleteOrder.length; index++)
    subject.delete(handles[deleteOrder[index]]);
  const del = performance.now() - start;
  if (sink !== GET_ROUNDS * ((values.length * (values.length - 1)) / 2))
    throw new Error("a get returned the wrong value");
  return { push: push / 1000, get: get / 1000, delete: del / 1000 };
}

/**
 * Runs the benchmark and returns its markdown. `entries`: objects per run (the table's default capacity
 * is 1,000,000); `runs`: measured runs per container after one warm-up.
 */
export async function benchTable({ entries = 200_000, runs = 7 } = {}) {
  const runtime = await import(pathToFileURL(`${ROOT}dist/runtime/index.js`).href);
  const makers = subjects(runtime);
  const names = Object.keys(makers);
  const values = Array.from({ length: entries }, (_, id) => ({ id }));
  const getOrder = shuffled(entries, 1);
  const deleteOrder = shuffled(entries, 2);
  const samples = Object.fromEntries(
    names.map((name) => [name, { push: [], get: [], delete: [] }]),
  );
  for (let run = -1; run < runs; run++) {
    for (const name of names) {
      const seconds = runOnce(makers[name], values, getOrder, deleteOrder);
      if (run < 0) continue;
      const counts = { push: entries, get: entries * GET_ROUNDS, delete: entries };
      for (const op of ["push", "get", "delete"])
        samples[name][op].push(counts[op] / seconds[op] / 1e6);
    }
  }
  const cell = (name, op) => {
    const xs = samples[name][op];
    const { min, max } = spread(xs);
    return `${fmt(median(xs), 1)} (${fmt(min, 1)}-${fmt(max, 1)})`;
  };
  const ratio = (name, op) => fmt(median(samples[name][op]) / median(samples.map[op]), 2);
  const lines = [
    `${entries.toLocaleString("en-US")} entries, median of ${runs} runs, million ops/s (min-max); gets: ${GET_ROUNDS} per entry, shuffled`,
    "",
    "| operation | `Map<number, T>` + counter | `ResourceTable` | host view (`resources.x`) | table / Map | view / Map |",
    "| --- | --- | --- | --- | --- | --- |",
    ...["push", "get", "delete"].map(
      (op) =>
        `| ${op} | ${cell("map", op)} | ${cell("table", op)} | ${cell("view", op)} | ${ratio("table", op)} | ${ratio("view", op)} |`,
    ),
    "",
    "The table also checks every handle's generation and type, keeps lends, parents and creation order, and",
    "runs destructors; the view adds the object-to-handle map that lets the host name entries by object.",
  ];
  return { samples, markdown: lines.join("\n") };
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) console.log((await benchTable()).markdown);
