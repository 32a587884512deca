#!/usr/bin/env node
/**
 * Micro-benchmark of the call gate's fast path (an idle gate, a trivial synchronous guest call): ns per call
 * of the raw call and of the same call through `gate.call`, medians of several runs, side by side.
 *
 *   npx tsc -p tsconfig.build.json && node scripts/bench-gate.js [calls=1000000] [runs=7]
 *
 * Two shapes: a loop that only creates the call's promise (the gate's own cost) and a loop that awaits each
 * call (what an SDK user writes; the raw side awaits the raw value, so both pay one await). The budget is
 * well under 150 ns over raw; a jco export call itself costs about 1,750 ns.
 */

import { createCallGate } from "../dist/runtime/call-gate.js";

const calls = Number(process.argv[2] ?? 1_000_000);
const runs = Number(process.argv[3] ?? 7);
if (!Number.isSafeInteger(calls) || calls <= 0 || !Number.isSafeInteger(runs) || runs <= 0) {
  console.error("usage: node scripts/bench-gate.js [calls] [runs]");
  process.exit(2);
}

let counter = 0;
/** The "guest export": trivial, and not foldable away because it has a side effect. */
function rawExport(value) {
  counter += value;
  return counter;
}
/** What generated code passes to the gate; the raw side calls it too, so only the gate differs. */
const invoke = () => rawExport(1);

const gate = createCallGate();

function rawLoop(n) {
  let sink = 0;
  for (let index = 0; index < n; index++) sink += invoke();
  return sink;
}

async function gatedLoop(n) {
  let last;
  for (let index = 0; index < n; index++) last = gate.call("f", invoke);
  return last;
}

async function rawAwaitLoop(n) {
  let sink = 0;
  for (let index = 0; index < n; index++) sink += await invoke();
  return sink;
}

async function gatedAwaitLoop(n) {
  let sink = 0;
  for (let index = 0; index < n; index++) sink += await gate.call("f", invoke);
  return sink;
}

async function time(loop, n) {
  const started = process.hrtime.bigint();
  await loop(n);
  return Number(process.hrtime.bigint() - started) / n;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const shapes = [
  { name: "call (promise not awaited)", raw: rawLoop, gated: gatedLoop, n: calls },
  {
    name: "await each call",
    raw: rawAwaitLoop,
    gated: gatedAwaitLoop,
    n: Math.max(1, Math.floor(calls / 4)),
  },
];

// Warm up so that both sides are optimised before measuring.
for (const shape of shapes) {
  await time(shape.raw, Math.min(shape.n, 200_000));
  await time(shape.gated, Math.min(shape.n, 200_000));
}

console.log(`call gate fast path: ${runs} runs, median ns/call (node ${process.version})`);
console.log(
  `${"shape".padEnd(28)} ${"raw".padStart(8)} ${"gated".padStart(8)} ${"overhead".padStart(9)}   runs raw | gated`,
);
for (const shape of shapes) {
  const raw = [];
  const gated = [];
  // Interleave the two sides so that machine noise hits both alike.
  for (let run = 0; run < runs; run++) {
    raw.push(await time(shape.raw, shape.n));
    gated.push(await time(shape.gated, shape.n));
  }
  const rawMedian = median(raw);
  const gatedMedian = median(gated);
  const format = (values) => values.map((value) => value.toFixed(0)).join(" ");
  console.log(
    `${shape.name.padEnd(28)} ${rawMedian.toFixed(1).padStart(8)} ${gatedMedian.toFixed(1).padStart(8)} ` +
      `${(gatedMedian - rawMedian).toFixed(1).padStart(9)}   ${format(raw)} | ${format(gated)}`,
  );
}
if (gate.state !== "idle") throw new Error(`gate ended ${gate.state}`);
