#!/usr/bin/env node
/**
 * What a queued export call pays so that jco gets exactly what was checked: lowering into a checked copy (what
 * the runtime does for records, lists, maps, variants) against checking twice (once when the call is made, again
 * when it starts, the other way to close the gap). Typed arrays are not copied (any content is valid; only a
 * buffer detached meanwhile matters, and that is checked again when the call starts); the last column shows what
 * copying their bytes would cost. Prints ns per argument, medians of several runs. Reads dist/runtime
 * (`npm run build` first).
 *
 *   node scripts/bench-queued-arguments.js
 */
import { performance } from "node:perf_hooks";

const runtime = await import("../dist/runtime/index.js");
const { record, list, u32, string, u8List } = runtime;

const point = record("point", { x: u32, y: string });
const cases = [
  ["record { x: u32, y: string }", point, { x: 7, y: "hello" }, 200_000],
  [
    "list<point>, 100 items",
    list(point),
    Array.from({ length: 100 }, (_, x) => ({ x, y: "p" })),
    5_000,
  ],
  ["list<u8>, 1 KiB", u8List, new Uint8Array(1024), 200_000],
  ["list<u8>, 1 MiB", u8List, new Uint8Array(1 << 20), 300],
];

const checkOnly = { core: undefined, moves: [] };
const copying = () => ({ core: undefined, moves: [], copy: true, arrays: [] });

function measure(run, iterations) {
  const samples = [];
  for (let round = 0; round < 7; round++) {
    const start = performance.now();
    for (let index = 0; index < iterations; index++) run();
    samples.push(((performance.now() - start) * 1e6) / iterations);
  }
  samples.sort((a, b) => a - b);
  return samples[3];
}

let sink;
console.log(
  "| argument | check once (call runs at once) | queued: what the runtime does | queued: check twice | copy of the bytes |",
);
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const [label, type, value, iterations] of cases) {
  const once = measure(() => (sink = type.lower(value, "a", checkOnly)), iterations);
  const copy = measure(() => (sink = type.lower(value, "a", copying())), iterations);
  const twice = measure(() => {
    type.lower(value, "a", checkOnly);
    sink = type.lower(value, "a", checkOnly);
  }, iterations);
  const bytes =
    value instanceof Uint8Array
      ? `${measure(() => (sink = value.slice()), iterations).toFixed(0)} ns`
      : "";
  console.log(
    `| ${label} | ${once.toFixed(0)} ns | ${copy.toFixed(0)} ns | ${twice.toFixed(0)} ns | ${bytes} |`,
  );
}
void sink;
