/**
 * `npm run bench`: every benchmark of the project, side by side in one run, as ratios where a baseline
 * exists. Prints markdown; a script, never a timed test (this machine is noisy: medians and spreads).
 */
import { benchFrontend } from "./bench/frontend.js";
import { benchTable } from "./bench/table.js";
import { benchCalls } from "./bench/calls.js";
import { benchGenerate } from "./bench/generate.js";

const sections = [
  ["Front end: parse + resolve (issue #2)", () => benchFrontend().markdown],
  ["Resource table: push / get / delete vs a plain Map (issue #6)", async () => (await benchTable()).markdown],
  ["Calls: ns per call of a trivial export, raw jco vs the SDK (issue #4)", async () => (await benchCalls()).markdown],
  ["Generation: synthetic WIT, wit-ts vs jco types (issue #8)", () => benchGenerate().markdown],
];

for (const [title, run] of sections) {
  console.log(`## ${title}\n`);
  // Sections may be asynchronous (they load dist/ with `import()`).
  console.log(await run());
  console.log();
}
