/**
 * `node scripts/direct-differential.js [calls] [seed]`: the direct-call differential suite
 * (test/e2e/direct-differential.test.ts) at scale: `calls` calls per suite (default 1,000,000, spread over the
 * suites' functions, each made through the direct path, its synchronous form and jco), with a printed seed
 * (random unless given) that replays the run. `npm test` runs the same suite with 1,500 calls per suite.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const calls = Number(process.argv[2] ?? 1_000_000);
const seed = Number(process.argv[3] ?? Math.floor(Math.random() * 2 ** 31));
const root = fileURLToPath(new URL("..", import.meta.url));
console.log(
  `direct-call differential run: ${calls.toLocaleString("en")} calls per suite, seed ${seed}`,
);
const run = spawnSync("npx", ["vitest", "run", "test/e2e/direct-differential.test.ts"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, WIT_TS_DIFF_CALLS: String(calls), WIT_TS_DIFF_SEED: String(seed) },
});
process.exit(run.status ?? 1);
