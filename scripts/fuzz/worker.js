/**
 * The fuzz loop in a worker thread, so that a case which exhausts the heap or
 * never ends kills only the worker: `scripts/fuzz.js` sees it die (or go
 * quiet), reports that case and starts a new worker after it. Consumes
 * `workerData` `{ seed, first, cases, skip, keepGoing, skipKnown, chunk, dist,
 * conformanceDir, samplesDir }`; posts `{ type: "start", index }` before each
 * case, `{ type: "chunk", stats }` after every `chunk` cases and at the end,
 * and `{ type: "done" }`. Stages come from `dist/`; generation is appended when
 * `dist/codegen/generate.js` exports `generate` and `selectWorld`.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parentPort, workerData } from "node:worker_threads";
import { loadCorpus } from "./corpus.js";
import { runFuzz } from "./engine.js";
import { knownCrash } from "./known-crashes.js";
import { createFrontEndStage, createGenerateStage } from "./stages.js";

const { seed, first, cases, skip, keepGoing, skipKnown, chunk, dist, conformanceDir, samplesDir } =
  workerData;
const load = (p) => import(pathToFileURL(join(dist, p)).href);

const { resolveFiles, resolvePath } = await load("wit/load.js");
const { renderDiagnostic } = await load("diagnostics/render.js");
const { toJson } = await load("wit/json.js");
const stages = [createFrontEndStage({ resolveFiles, resolvePath, renderDiagnostic, toJson })];
if (existsSync(join(dist, "codegen", "generate.js"))) {
  const { generate, selectWorld } = await load("codegen/generate.js");
  if (typeof generate === "function" && typeof selectWorld === "function") {
    stages.push(createGenerateStage({ generate, selectWorld, renderDiagnostic }));
  }
}
parentPort.postMessage({ type: "stages", names: stages.map((s) => s.name) });

const corpus = loadCorpus({ conformanceDir, samplesDir });
const skipped = new Set(skip);
for (let from = first; from < first + cases; from += chunk) {
  const stats = runFuzz({
    corpus,
    stages,
    seed,
    first: from,
    cases: Math.min(chunk, first + cases - from),
    keepGoing,
    skip: skipped,
    exclude: skipKnown ? knownCrash : undefined,
    onCaseStart: (index) => parentPort.postMessage({ type: "start", index }),
  });
  // Errors cross the thread boundary as plain objects; the case's files stay behind (the failure's path has them).
  for (const f of stats.failures) {
    f.error = { message: f.error?.message ?? String(f.error), stack: f.error?.stack };
    delete f.case;
  }
  parentPort.postMessage({ type: "chunk", from, stats });
  if (!keepGoing && stats.failures.length > 0) break;
}
parentPort.postMessage({ type: "done" });
