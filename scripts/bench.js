/**
 * `npm run bench`: every benchmark of the project, side by side in one run, as ratios where a baseline
 * exists. Prints markdown; a script, never a timed test (this machine is noisy: medians and spreads).
 */
import { benchFrontend } from "./bench/frontend.js";

const sections = [["Front end: parse + resolve (issue #2)", () => benchFrontend().markdown]];

for (const [title, run] of sections) {
  console.log(`## ${title}\n`);
  console.log(run());
  console.log();
}
