/**
 * Front-end benchmark: parse + resolve synthetic WIT of about 1, 1.5 and 10 MB, each measurement
 * in a fresh process (see `frontend-worker.js`: a cold run, then a warm one after a full GC, then one split
 * into stages), and report medians: warm time and MB/s, the main thread's CPU time and the MB/s it gives,
 * the cold time, peak RSS of one run, and where the warm time goes. Targets: at least 40 MB/s warm on the
 * 1.5 MB input (a row of the summary table), at least 20 MB/s on 10 MB, and linear growth (10 MB at most 11x
 * the time of 1 MB). Two more inputs are chains of interfaces that each `use` a type of the next (the shape the
 * fuzzer's long-chain mutation writes), of 3,000 and 30,000 interfaces: a package of many small interfaces,
 * where the cost per interface shows, and whose growth must stay linear too (at most 11x for 10x). MB/s of CPU leaves out the time the process waits for a core, which is most of the wall
 * time on a loaded machine, so it is the figure to compare across runs; the target is judged on wall time.
 *
 * `BENCH_RUNS=n` sets the number of measurements per size (default 5). `BENCH_BASELINE=<dist dir>` also
 * measures another build of the front end (say, a `git worktree` of an older commit, built), alternating
 * with this one so that both see the same load, and adds it side by side. `BENCH_DIST=<dist dir>` measures
 * another build than `dist/` as the current one.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { interfacesForSize, synthWit } from "../synth-wit.js";
import { fmt, median, spread } from "./stats.js";

const worker = fileURLToPath(new URL("./frontend-worker.js", import.meta.url));
const ownDist = process.env.BENCH_DIST ?? fileURLToPath(new URL("../../dist/", import.meta.url));

export function benchFrontend({
  runs = Number(process.env.BENCH_RUNS ?? 5),
  baseline = process.env.BENCH_BASELINE,
} = {}) {
  const builds = baseline
    ? [
        ["baseline", baseline],
        ["current", ownDist],
      ]
    : [["current", ownDist]];
  const dir = mkdtempSync(join(tmpdir(), "wit-ts-bench-"));
  try {
    const rows = [];
    for (const mb of [1, 1.5, 10]) {
      const text = synthWit({ interfaces: interfacesForSize(mb * 1e6) });
      const file = join(dir, `synthetic-${mb}mb.wit`);
      writeFileSync(file, text);
      const samples = new Map(builds.map(([name]) => [name, []]));
      for (let i = 0; i < runs; i++) {
        for (const [name, dist] of builds) {
          const out = execFileSync(process.execPath, ["--expose-gc", worker, file, dist], {
            encoding: "utf8",
          });
          samples.get(name).push(JSON.parse(out));
        }
      }
      for (const [name] of builds) rows.push(summarize(name, text.length / 1e6, samples.get(name)));
    }
    const chainRows = [];
    for (const n of [3000, 30000]) {
      const text = useChain(n);
      const file = join(dir, `use-chain-${n}.wit`);
      writeFileSync(file, text);
      const samples = new Map(builds.map(([name]) => [name, []]));
      for (let i = 0; i < runs; i++) {
        for (const [name, dist] of builds) {
          const out = execFileSync(process.execPath, ["--expose-gc", worker, file, dist], {
            encoding: "utf8",
          });
          samples.get(name).push(JSON.parse(out));
        }
      }
      for (const [name] of builds) {
        chainRows.push({ n, ...summarize(name, text.length / 1e6, samples.get(name)) });
      }
    }
    const chainCurrent = chainRows.filter((r) => r.build === "current");
    const chainRatio = chainCurrent[1].ms / chainCurrent[0].ms;
    const chainCpuRatio =
      chainCurrent[0].cpuMs === undefined
        ? undefined
        : chainCurrent[1].cpuMs / chainCurrent[0].cpuMs;
    const current = rows.filter((r) => r.build === "current");
    const [small, , large] = current;
    const ratio = large.ms / small.ms;
    const sizeRatio = large.mb / small.mb;
    const lines = [
      "| build | input | warm (median) | spread | MB/s | main-thread CPU | MB/s of CPU | steady wall / CPU | cold (1st run) | peak RSS | allocated | read / parse / stage 1 / stage 2 |",
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
      ...rows.map(
        (r) =>
          `| ${r.build} | ${fmt(r.mb, 2)} MB | ${fmt(r.ms)} ms | ${fmt(r.spread.min)}-${fmt(r.spread.max)} ms | ` +
          `${fmt(r.mbPerS)} | ${r.cpuMs === undefined ? "n/a" : `${fmt(r.cpuMs, 0)} ms`} | ` +
          `${r.cpuMs === undefined ? "n/a" : fmt(r.mb / (r.cpuMs / 1000))} | ` +
          `${r.steadyMs === undefined ? "n/a" : `${fmt(r.steadyMs)} / ${r.steadyCpuMs === undefined ? "n/a" : fmt(r.steadyCpuMs, 0)} ms`} | ` +
          `${fmt(r.coldMs)} ms | ` +
          `${fmt(r.rss)} MiB | ${fmt(r.allocatedMB)} MB | ${r.stages.map((s) => fmt(s, 0)).join(" / ")} ms |`,
      ),
      "",
      "Warm: the second run in a process, after a full GC. Steady (inputs under 2 MB): the medians of runs 3-7,",
      "each after a full GC, wall and main-thread CPU. Cold: the first (JIT warm-up included). Peak RSS:",
      "of the process after the cold run. Stages: a third run, split; wall medians. Main-thread CPU leaves out",
      "GC helper threads and waiting for a CPU, so it moves less with the load on the machine than wall time.",
      "Allocated: by a fourth run, from V8's sampling heap profiler (garbage included); the load does not move it.",
      "",
      `10 MB / 1 MB time ratio: ${fmt(ratio, 2)} for ${fmt(sizeRatio, 2)}x the input (target <= 11x): ${ratio <= 11 ? "met" : "NOT met"}`,
      `throughput on 10 MB: ${fmt(large.mbPerS)} MB/s (aim >= 20 MB/s): ${large.mbPerS >= 20 ? "met" : "NOT met"}`,
      `1.5 MB warm: ${fmt(current[1].ms)} ms (aim: well under 100 ms)`,
      "",
      "| build | use chain | warm (median) | main-thread CPU | allocated |",
      "| --- | --- | --- | --- | --- |",
      ...chainRows.map(
        (r) =>
          `| ${r.build} | ${r.n} interfaces, ${fmt(r.mb * 1000, 0)} KB | ${fmt(r.ms)} ms | ` +
          `${r.cpuMs === undefined ? "n/a" : `${fmt(r.cpuMs, 0)} ms`} | ${fmt(r.allocatedMB)} MB |`,
      ),
      "",
      `use chain, 30,000 / 3,000 interfaces: ${fmt(chainRatio, 2)}x the warm time` +
        (chainCpuRatio === undefined ? "" : `, ${fmt(chainCpuRatio, 2)}x the CPU`) +
        ` (linear: at most 11x): ${chainRatio <= 11 ? "met" : "NOT met"}`,
    ];
    const mid = current[1];
    const midBase = rows.filter((r) => r.build === "baseline")[1];
    const cpuMbPerS = (r) => (r.cpuMs === undefined ? undefined : r.mb / (r.cpuMs / 1000));
    const targets = [
      {
        row: 5,
        figure: `front end (parse + resolve), ${fmt(mid.mb, 2)} MB warm`,
        witTs:
          `${fmt(mid.mbPerS)} MB/s (${fmt(mid.ms)} ms)` +
          (cpuMbPerS(mid) === undefined ? "" : `; ${fmt(cpuMbPerS(mid))} MB/s of main-thread CPU`) +
          (midBase === undefined ? "" : `; baseline ${fmt(midBase.mbPerS)} MB/s`),
        target: "at least 40 MB/s",
        spread: `${fmt(mid.mb / (mid.spread.max / 1000))}-${fmt(mid.mb / (mid.spread.min / 1000))} MB/s over ${runs} runs`,
        met: mid.mbPerS >= 40,
      },
    ];
    return { rows, ratio, targets, markdown: lines.join("\n") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `n` interfaces, each using the type `t` of the next; the last defines it. */
function useChain(n) {
  const lines = ["package chain:test;"];
  for (let i = 0; i < n; i++) {
    lines.push(
      i === n - 1 ? `interface c${i} { type t = u8; }` : `interface c${i} { use c${i + 1}.{t}; }`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function summarize(build, mb, samples) {
  const warm = samples.map((s) => s.warmMs);
  const ms = median(warm);
  const cpu = samples.map((s) => s.cpuMs).filter((c) => c !== undefined);
  const stageNames = ["read", "parse", "stage1", "stage2"];
  return {
    build,
    mb,
    ms,
    spread: spread(warm),
    mbPerS: mb / (ms / 1000),
    cpuMs: cpu.length > 0 ? median(cpu) : undefined,
    steadyMs: optionalMedian(samples.map((s) => s.steadyMs)),
    steadyCpuMs: optionalMedian(samples.map((s) => s.steadyCpuMs)),
    coldMs: median(samples.map((s) => s.coldMs)),
    rss: median(samples.map((s) => s.rssMiB)),
    allocatedMB: median(samples.map((s) => s.allocatedMB)),
    stages: stageNames.map((name) => median(samples.map((s) => s.stages[name]))),
  };
}

/** The median of the values that are there, or undefined when none is. */
function optionalMedian(values) {
  const present = values.filter((v) => v !== undefined && v !== null);
  return present.length > 0 ? median(present) : undefined;
}
