/**
 * Isolated calls: ns per call of the WAT adder's `add(u32, u32)` through the SDK in thread and through the
 * SDK with `isolate` (the component in a worker), side by side in one process, plus the round trip of a
 * synchronous import (`reenter`, whose guest calls the host's `callback`), which in isolated mode blocks the
 * worker on `Atomics.wait` until the host answers. Same method as `calls.js`: short batches alternating
 * between the sides, medians, min-max spreads. Plain Node on `dist/` (run `npm run build` first).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadAdder } from "./calls.js";
import { fmt, median, spread } from "./stats.js";

async function nsPerCall(loop, n) {
  const started = process.hrtime.bigint();
  await loop(n);
  return Number(process.hrtime.bigint() - started) / n;
}

function shapes(inThread, isolated) {
  const awaitEach = (app) => async (n) => {
    let sink = 0;
    for (let i = 0; i < n; i++) sink += await app.add(i, 1);
    return sink;
  };
  const pipelined = (app) => async (n) => {
    let last;
    for (let i = 0; i < n; i++) last = app.add(i, 1);
    return await last;
  };
  const importRoundTrip = (app) => async (n) => {
    let sink = 0;
    for (let i = 0; i < n; i++) sink += await app.reenter(i);
    return sink;
  };
  return [
    { name: "`add`, await each call", a: awaitEach(inThread), b: awaitEach(isolated) },
    { name: "`add`, pipelined (await the last)", a: pipelined(inThread), b: pipelined(isolated) },
    {
      name: "`reenter`: a call whose guest calls a sync host import",
      a: importRoundTrip(inThread),
      b: importRoundTrip(isolated),
    },
  ];
}

export async function benchIsolate({ calls = 500, runs = 31 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "wit-ts-bench-isolate-"));
  try {
    const { app, instantiate, callback, componentUrl } = await loadAdder(dir);
    const isolated = await instantiate({
      imports: { callback },
      component: {
        instantiate: () => Promise.reject(new Error("isolated: the worker instantiates")),
      },
      isolate: { componentUrl, callTimeoutMs: 10_000 },
    });
    if ((await isolated.add(2, 3)) !== 5 || (await isolated.reenter(7)) !== 7)
      throw new Error("the isolated adder does not add");
    const rows = [];
    for (const shape of shapes(app, isolated)) {
      for (let i = 0; i < 3; i++) {
        await nsPerCall(shape.a, 2_000);
        await nsPerCall(shape.b, 2_000);
      }
      const inThread = [];
      const inWorker = [];
      for (let run = 0; run < runs; run++) {
        if (run % 2 === 0) {
          inThread.push(await nsPerCall(shape.a, calls));
          inWorker.push(await nsPerCall(shape.b, calls));
        } else {
          inWorker.push(await nsPerCall(shape.b, calls));
          inThread.push(await nsPerCall(shape.a, calls));
        }
      }
      rows.push({
        shape: shape.name,
        a: median(inThread),
        aSpread: spread(inThread),
        b: median(inWorker),
        bSpread: spread(inWorker),
      });
    }
    await app[Symbol.asyncDispose]();
    await isolated[Symbol.asyncDispose]();
    const range = (s) => `${fmt(s.min, 0)}-${fmt(s.max, 0)}`;
    const lines = [
      `WAT adder through its SDK: ${runs} batches of ${calls.toLocaleString("en")} calls per side, in-thread and ` +
        `isolated batches alternating (node ${process.version})`,
      "",
      "| shape | in thread ns/call (median) | spread | isolated ns/call (median) | spread | added per call | isolated / in thread |",
      "| --- | --- | --- | --- | --- | --- | --- |",
      ...rows.map(
        (r) =>
          `| ${r.shape} | ${fmt(r.a)} | ${range(r.aSpread)} | ${fmt(r.b)} | ${range(r.bSpread)} | ${fmt(r.b - r.a)} ns | ${fmt(r.b / r.a, 1)} |`,
      ),
      "",
      "An isolated call is two messages between threads (the call, its answer) plus the codec's walk over the",
      "arguments and the result; a synchronous import adds two more (the request, and the answer the worker reads",
      "while it blocks on `Atomics.wait`). Pipelined calls overlap the host's and the worker's work.",
    ];
    return { rows, markdown: lines.join("\n") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// `node scripts/bench/isolate.js [calls per batch] [batches]` runs this benchmark alone.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const calls = Number(process.argv[2] ?? 500);
  const runs = Number(process.argv[3] ?? 31);
  console.log((await benchIsolate({ calls, runs })).markdown);
}
