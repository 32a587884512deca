/**
 * `npm run bench`: every benchmark of the project, side by side in one run, as ratios where a baseline
 * exists. Prints markdown and writes it to docs/benchmarks.md; a script, never a timed test (this machine
 * is noisy: medians and spreads). `npm run bench -- <word>` runs only the sections whose title has <word>.
 */
import { writeFileSync } from "node:fs";
import { arch, cpus, totalmem } from "node:os";
import { benchFrontend } from "./bench/frontend.js";
import { benchTable } from "./bench/table.js";
import { benchCalls } from "./bench/calls.js";
import { benchIsolate } from "./bench/isolate.js";
import { benchDirectCalls } from "./bench/direct-calls.js";
import { benchGenerate } from "./bench/generate.js";
import { benchCli } from "./bench/cli.js";
import { benchWatch } from "./bench/watch.js";

// Each section returns its markdown and, for the targets of issue #8, `targets`: rows of the summary table.
const sections = [
  ["Front end: parse + resolve (issue #2)", () => benchFrontend()],
  ["Resource table: push / get / delete vs a plain Map (issue #6)", () => benchTable()],
  ["Calls: ns per call of a trivial export, raw jco vs the SDK (issue #4)", () => benchCalls()],
  ["Isolated calls: ns per call in thread vs in a worker", () => benchIsolate()],
  ["Direct calls: raw core wasm vs the SDK's direct path vs jco", () => benchDirectCalls()],
  ["Generation: synthetic WIT, wit-ts vs jco types (issue #8)", () => benchGenerate()],
  ["Whole process: `wit-ts gen` vs `jco types` on wasi:http/proxy (issue #8)", () => benchCli()],
  ["Watch: regeneration after a one-file change (issue #8)", () => benchWatch()],
];

const only = process.argv[2];
const out = [
  "# Benchmarks",
  "",
  `Written by \`npm run bench\` (scripts/bench.js) on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ` +
    `${cpus().length} cores (${cpus()[0]?.model ?? arch()}), ${Math.round(totalmem() / 2 ** 30)} GiB. Medians of several runs ` +
    "with min-max spreads; baselines run side by side in the same process or run.",
  "",
];
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
// The six targets of issue #8 (target 4 is issue #4's), one row each, in their order, above the sections.
targets.sort((a, b) => parseInt(a.target, 10) - parseInt(b.target, 10));
const verdict = (met) => (met === undefined ? "n/a" : met ? "met" : "**NOT met**");
const summary = [
  "## Targets (issue #8)",
  "",
  "| target | figure | spread | verdict |",
  "| --- | --- | --- | --- |",
  ...targets.map((t) => `| ${t.target} | ${t.figure} | ${t.spread} | ${verdict(t.met)} |`),
  "",
  "What limits the targets not met, and what was measured about it: see docs/performance-notes.md.",
  "",
];
if (targets.length > 0) console.log(summary.join("\n"));
if (!only)
  writeFileSync(
    new URL("../docs/benchmarks.md", import.meta.url),
    [...out, ...summary, ...body].join("\n"),
  );
