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
import { benchGenerate } from "./bench/generate.js";
import { benchCli } from "./bench/cli.js";
import { benchWatch } from "./bench/watch.js";

const sections = [
  ["Front end: parse + resolve (issue #2)", () => benchFrontend().markdown],
  ["Resource table: push / get / delete vs a plain Map (issue #6)", async () => (await benchTable()).markdown],
  ["Calls: ns per call of a trivial export, raw jco vs the SDK (issue #4)", async () => (await benchCalls()).markdown],
  ["Generation: synthetic WIT, wit-ts vs jco types (issue #8)", () => benchGenerate().markdown],
  ["Whole process: `wit-ts gen` vs `jco types` on wasi:http/proxy (issue #8)", () => benchCli().markdown],
  ["Watch: regeneration after a one-file change (issue #8)", async () => (await benchWatch()).markdown],
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
for (const [title, run] of sections) {
  if (only && !title.toLowerCase().includes(only.toLowerCase())) continue;
  console.log(`## ${title}\n`);
  // Sections may be asynchronous (they load dist/ with `import()`).
  const markdown = await run();
  console.log(markdown);
  console.log();
  out.push(`## ${title}`, "", markdown, "");
}
if (!only) writeFileSync(new URL("../docs/benchmarks.md", import.meta.url), out.join("\n"));
