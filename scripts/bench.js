/**
 * `npm run bench`: every benchmark of the project, side by side in one run, as ratios where a baseline
 * exists. Prints markdown and writes it to docs/benchmarks.md; a script, never a timed test (this machine
 * is noisy: medians and spreads). `npm run bench -- <word>` runs only the sections whose title has <word>.
 */
import { writeFileSync } from "node:fs";
import { arch, cpus, loadavg, totalmem } from "node:os";
import { benchFrontend } from "./bench/frontend.js";
import { benchTable } from "./bench/table.js";
import { benchCalls } from "./bench/calls.js";
import { benchIsolate } from "./bench/isolate.js";
import { benchDirectCallsAlone } from "./bench/direct-calls.js";
import { benchGenerate } from "./bench/generate.js";
import { benchCli } from "./bench/cli.js";
import { benchWatch } from "./bench/watch.js";

// Each section returns its markdown and `targets`: rows of the summary table, each with its place in it (`row`),
// what is measured (`figure`), wit-ts's and jco's figures, the target, the spread and whether it is met.
const sections = [
  ["Front end: parse + resolve", () => benchFrontend()],
  ["Resource table: push / get / delete vs a plain Map", () => benchTable()],
  ["Calls: ns per call of a trivial export, raw jco vs the SDK", () => benchCalls()],
  ["Isolated calls: ns per call in thread vs in a worker", () => benchIsolate()],
  ["Direct calls: raw core wasm vs the SDK's direct path vs jco", () => benchDirectCallsAlone()],
  ["Generation: synthetic WIT, wit-ts vs jco types", () => benchGenerate()],
  ["Whole process: `wit-ts gen` vs `jco types` on wasi:http/proxy", () => benchCli()],
  ["Watch: regeneration after a one-file change", () => benchWatch()],
];

const only = process.argv[2];
const out = [
  "# Benchmarks",
  "",
  `Written by \`npm run bench\` (scripts/bench.js) on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ` +
    `${cpus().length} cores (${cpus()[0]?.model ?? arch()}), ${Math.round(totalmem() / 2 ** 30)} GiB. Medians of several runs ` +
    "with min-max spreads; jco runs side by side in the same run.",
  "",
];
// Wall times mean little on a busy machine: the load average before and after says how busy it was.
const load = () => loadavg()[0].toFixed(1);
const loadBefore = load();
const targets = [];
const body = [];
for (const [title, run] of sections) {
  if (only && !title.toLowerCase().includes(only.toLowerCase())) continue;
  console.log(`## ${title}\n`);
  // Sections may be asynchronous (they load dist/ with `import()`).
  const result = await run();
  console.log(result.markdown);
  console.log();
  body.push(`## ${title}`, "", result.markdown, "");
  targets.push(...(result.targets ?? []));
}
// One row per target, in a fixed order whatever order the sections ran in.
targets.sort((a, b) => a.row - b.row);
const verdict = (met) => (met === undefined ? "n/a" : met ? "met" : "**NOT met**");
const summary = [
  "## Targets",
  "",
  "| figure | wit-ts | jco | target | spread | verdict |",
  "| --- | --- | --- | --- | --- | --- |",
  ...targets.map(
    (t) =>
      `| ${t.figure} | ${t.witTs} | ${t.jco ?? ""} | ${t.target} | ${t.spread} | ${verdict(t.met)} |`,
  ),
  "",
  "What limits the targets not met, and what was measured about it: see docs/performance-notes.md.",
  "",
];
out.push(
  `Load average (1 min) ${loadBefore} at the start and ${load()} at the end, on ${cpus().length} cores: wall ` +
    "times are comparable only between runs of similar load; main-thread CPU and allocation move less with it.",
  "",
);
console.log(out.at(-2));
if (targets.length > 0) console.log(summary.join("\n"));
if (!only)
  writeFileSync(
    new URL("../docs/benchmarks.md", import.meta.url),
    [...out, ...summary, ...body].join("\n"),
  );
