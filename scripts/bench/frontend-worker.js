// One measurement in a fresh process (run with --expose-gc): parse + resolve one WIT file with a built front
// end (`dist`, default ../../dist), and print JSON:
// - cold: the first run, JIT warm-up included (what one CLI call pays), and the peak RSS right after it;
// - warm: a second run after a full GC (so that it does not pay for collecting the first run's garbage):
//   wall ms and, on Linux, the main thread's CPU ms (which other load on the machine inflates less than wall);
// - steady: for inputs under 2 MB, the medians of five more runs, each after a full GC: what a process that
//   resolves again and again (`--watch`, a bundler plugin) pays once the JIT has settled;
// - stages: a third run split into read + source map, parse, resolve stage 1 (per package) and stage 2 (merge);
// - allocated: MB allocated by a fourth run, from V8's sampling heap profiler (collected objects included), a
//   figure that the load on the machine does not move.
// A fresh process per measurement keeps peak-memory figures honest.
/* global gc -- defined by node --expose-gc */
import { readFileSync, statSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { peakRssMiB } from "./stats.js";

const [file, dist = new URL("../../dist/", import.meta.url).pathname] = process.argv.slice(2);
const load = (path) => import(pathToFileURL(`${dist}/${path}`).href);
const { resolvePath } = await load("wit/load.js");
const { SourceMap } = await load("diagnostics/source-map.js");
const { parseFile } = await load("wit/parser.js");
const { GroupResolver, resolveGroups } = await load("wit/resolve.js");

if (typeof gc !== "function") throw new Error("run with --expose-gc");

/**
 * CPU ms of the main thread so far, on Linux: the scheduler's run time of the thread in nanoseconds
 * (`schedstat`), else utime + stime in 10 ms ticks (`stat`), which is too coarse for a run of 40 ms;
 * undefined elsewhere.
 */
function mainThreadCpuMs() {
  try {
    return (
      Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8").split(" ")[0]) / 1e6
    );
  } catch {
    // No schedstat (a kernel without CONFIG_SCHEDSTATS): fall back to the tick counts.
  }
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8")
      .split(") ")[1]
      .split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

function check(result) {
  if (result.diagnostics.length > 0) {
    console.error(result.diagnostics.map((d) => d.message).join("\n"));
    process.exit(1);
  }
}

let t0 = performance.now();
check(resolvePath(file));
const coldMs = performance.now() - t0;
const rssMiB = peakRssMiB();

gc();
const cpu0 = mainThreadCpuMs();
t0 = performance.now();
check(resolvePath(file));
const warmMs = performance.now() - t0;
const cpu1 = mainThreadCpuMs();

const steadyWall = [];
const steadyCpu = [];
for (let i = statSync(file).size < 2e6 ? 5 : 0; i > 0; i--) {
  gc();
  const c0 = mainThreadCpuMs();
  const w0 = performance.now();
  check(resolvePath(file));
  steadyWall.push(performance.now() - w0);
  if (c0 !== undefined) steadyCpu.push(mainThreadCpuMs() - c0);
}
const middle = (xs) =>
  xs.length === 0 ? undefined : xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// The stages as `resolvePath` strings them together for a single file.
gc();
const stages = {};
t0 = performance.now();
const sources = new SourceMap();
sources.add(file, readFileSync(file, "utf8"));
let t1 = performance.now();
stages.read = t1 - t0;
let parsed = parseFile(sources.files[0]);
check(parsed);
t0 = performance.now();
stages.parse = t0 - t1;
const group = new GroupResolver();
group.addFile(parsed.ast);
// eslint-disable-next-line no-useless-assignment -- unreferenced, the tree can be collected
parsed = undefined; // as in `resolvePath`: the resolver lets go of the tree as it goes
const unresolved = group.finish();
t1 = performance.now();
stages.stage1 = t1 - t0;
check(resolveGroups(unresolved, []));
stages.stage2 = performance.now() - t1;

gc();
const session = new Session();
session.connect();
await session.post("HeapProfiler.startSampling", {
  samplingInterval: 8192,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
check(resolvePath(file));
const { profile } = await session.post("HeapProfiler.stopSampling");
session.disconnect();
let allocated = 0;
const pending = [profile.head];
while (pending.length > 0) {
  const node = pending.pop();
  allocated += node.selfSize;
  pending.push(...node.children);
}

process.stdout.write(
  JSON.stringify({
    coldMs,
    rssMiB,
    warmMs,
    cpuMs: cpu0 === undefined ? undefined : cpu1 - cpu0,
    steadyMs: middle(steadyWall),
    steadyCpuMs: middle(steadyCpu),
    stages,
    allocatedMB: allocated / 1e6,
  }) + "\n",
);
