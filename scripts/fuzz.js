#!/usr/bin/env node
/**
 * Fuzzes the WIT front end: mutates the wit-parser UI suite
 * (`../shared/conformance/wit-parser-ui/`, positive and parse-fail cases, read
 * in place) and `wit-samples/`, and runs every case through `resolveFiles` /
 * `resolvePath`, `renderDiagnostic` on every diagnostic and `toJson` on
 * success, from `dist/` (build first: `npx tsc -p tsconfig.build.json`).
 * Every case must succeed or fail with a diagnostic, within one second.
 *
 *   node scripts/fuzz.js [cases=100000] [seed=random] [first-index=0]
 *
 * Prints statistics and the slowest cases; on a failure prints the seed, the
 * case index and the path of the failing input (under the OS temp folder) and
 * exits 1. `node scripts/fuzz.js 1 SEED INDEX` replays one case;
 * `FUZZ_KEEP_GOING=1` runs on past failures and reports each distinct one once;
 * `FUZZ_SKIP_KNOWN=1` leaves out (and counts) the cases of the known crashes
 * listed in `scripts/fuzz/known-crashes.js`.
 * When `dist/codegen/generate.js` exports `generate` and `selectWorld`,
 * resolved cases also go through generation.
 *
 * The cases run in a worker thread with a bounded heap: a case that runs out
 * of memory, or goes quiet for {@link HANG_MS}, is reported like any other
 * failure instead of taking the fuzzer down with it.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { loadCorpus } from "./fuzz/corpus.js";
import { caseAt, emptyStats, formatStats, mergeStats, writeFailure } from "./fuzz/engine.js";

/** A case still running after this long is hung (the per-case limit is 1 s; this only catches the ones that never end). */
const HANG_MS = 10_000;
/** The worker's heap; the largest cases (a 4 MB file of one identifier) need far less. */
const WORKER_HEAP_MB = 512;
/** Cases per statistics message; a dead worker's unfinished chunk is rerun without the case that killed it. */
const CHUNK = 1000;

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [casesArg, seedArg, firstArg] = process.argv.slice(2);
const cases = casesArg === undefined ? 100_000 : Number(casesArg);
const seed = seedArg === undefined ? Math.floor(Math.random() * 2 ** 32) : Number(seedArg) >>> 0;
const first = firstArg === undefined ? 0 : Number(firstArg);
if (
  !Number.isInteger(cases) ||
  cases < 1 ||
  !Number.isInteger(first) ||
  first < 0 ||
  Number.isNaN(seed)
) {
  console.error("usage: node scripts/fuzz.js [cases] [seed] [first-index]");
  process.exit(2);
}
const keepGoing = process.env["FUZZ_KEEP_GOING"] === "1";
const skipKnown = process.env["FUZZ_SKIP_KNOWN"] === "1";
const dirs = {
  dist: join(root, "dist"),
  conformanceDir: join(root, "..", "shared", "conformance", "wit-parser-ui"),
  samplesDir: join(root, "wit-samples"),
};
const corpus = loadCorpus(dirs);
if (!corpus.conformancePresent) {
  console.warn(`NOTE: ${dirs.conformanceDir} is absent: fuzzing the wit-samples only`);
}
console.log(
  `corpus: ${corpus.seeds.length} seeds; seed ${seed}, ${cases} cases from index ${first}`,
);

const total = emptyStats(seed);
const skip = [];
let from = first;
const end = first + cases;
const started = performance.now();
while (from < end) {
  const r = await runWorker(from, end - from);
  for (const s of r.chunks) mergeStats(total, s);
  if (r.death === undefined) break;
  // The case that killed the worker: rebuild it from the seed and index, save it, and go on after it.
  const index = r.death.index;
  const c = caseAt(corpus, seed, index);
  const error = r.death.error;
  const path = writeFailure(c, { seed, index, stage: "worker", error });
  mergeStats(total, {
    ...emptyStats(seed),
    cases: 1,
    failures: [
      {
        index,
        indices: [index],
        stage: "worker",
        error,
        path,
        signature: `worker: ${error.message}`,
        count: 1,
      },
    ],
  });
  if (!keepGoing) break;
  skip.push(index);
  from = r.resumeAt;
}
console.log(formatStats(total));
console.log(`wall time: ${((performance.now() - started) / 1000).toFixed(1)} s`);
process.exit(total.failures.length === 0 ? 0 : 1);

/**
 * Runs cases `[from, from + count)` in a fresh worker. Returns the statistics
 * of the chunks it finished and, when it died or hung, the case it was on and
 * the index to resume at (the start of the unfinished chunk).
 */
function runWorker(from, count) {
  return new Promise((resolve) => {
    const chunks = [];
    let current = from;
    let resumeAt = from;
    let settled = false;
    const worker = new Worker(new URL("./fuzz/worker.js", import.meta.url), {
      workerData: {
        seed,
        first: from,
        cases: count,
        skip,
        keepGoing,
        skipKnown,
        chunk: CHUNK,
        ...dirs,
      },
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    const finish = (death) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ chunks, death, resumeAt });
    };
    let timer;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        void worker.terminate();
        finish({
          index: current,
          error: new Error(`case still running after ${HANG_MS / 1000} s (hung)`),
        });
      }, HANG_MS);
    };
    arm();
    worker.on("message", (m) => {
      if (m.type === "start") {
        current = m.index;
        arm();
      } else if (m.type === "stages") {
        if (from === first) console.log(`stages: ${m.names.join(" -> ")}`);
      } else if (m.type === "chunk") {
        chunks.push(m.stats);
        resumeAt = m.from + CHUNK;
        const done = chunks.reduce((n, s) => n + s.cases, total.cases);
        if (done % 10_000 < CHUNK)
          console.log(`  ${done} cases, ${((performance.now() - started) / 1000).toFixed(0)} s`);
      } else if (m.type === "done") {
        finish(undefined);
      }
    });
    worker.on("error", (e) =>
      finish({
        index: current,
        error: new Error(`worker died: ${e.message} (${e.code ?? "no code"})`),
      }),
    );
    worker.on("exit", (code) =>
      finish(
        code === 0
          ? undefined
          : { index: current, error: new Error(`worker exited with code ${code}`) },
      ),
    );
  });
}
