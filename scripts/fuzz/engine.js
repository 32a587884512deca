/**
 * The fuzz loop. Consumes a corpus (`corpus.js`), a list of stages
 * (`stages.js`), a case count and a seed; produces statistics (outcomes,
 * diagnostic codes, mutators used, the slowest cases) and the failures: a
 * stage that threw, or one slower than the time limit on a case. Each case is
 * built from its own PRNG (`caseSeed(seed, index)`), so a failure replays
 * alone; its input is written under `os.tmpdir()` and the report names that
 * path, the seed and the index.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { decodedFiles, makeCase } from "./mutate.js";
import { caseSeed, createRandom } from "./random.js";

/**
 * Runs `cases` cases from index `first`, less those in `skip` and those for
 * which `exclude(c)` returns a reason (counted by reason in `excluded`: a
 * caller's list of known crashes that would take its process down; the
 * command line excludes nothing). Stops at the first failure unless `keepGoing`. `onCaseStart(index)` is called before
 * each case, `onProgress(stats)` every `progressEvery` cases.
 */
export function runFuzz({
  corpus,
  stages,
  cases,
  seed,
  first = 0,
  maxCaseMs = 1000,
  keepGoing = false,
  onProgress,
  progressEvery = 5000,
  onCaseStart,
  skip,
  exclude,
}) {
  if (corpus.seeds.length === 0) throw new Error("the fuzz corpus is empty");
  const stats = emptyStats(seed);
  const work = mkdtempSync(join(tmpdir(), "wit-ts-fuzz-"));
  try {
    for (let index = first; index < first + cases; index++) {
      if (skip?.has(index)) continue;
      if (onCaseStart) onCaseStart(index);
      const c = caseAt(corpus, seed, index);
      const excluded = exclude?.(c);
      if (excluded !== undefined) {
        bump(stats.excluded, excluded);
        continue;
      }
      for (const m of c.mutations) bump(stats.mutators, m.slice(0, m.indexOf(":")));
      let input;
      let caseDir;
      if (c.disk) {
        caseDir = join(work, String(index));
        writeCase(c, caseDir);
        input = { path: join(caseDir, c.root), options: c.options };
        stats.disk++;
      } else {
        input = { files: decodedFiles(c), root: c.root, options: c.options };
      }
      let value = input;
      let failure;
      // Each stage has the time limit to itself: the front end's budget is not the generator's.
      const stageMs = {};
      let ms = 0;
      try {
        for (const stage of stages) {
          const t0 = performance.now();
          try {
            value = stage.run(value, c);
          } catch (e) {
            failure = { stage: stage.name, error: e };
          }
          const t = performance.now() - t0;
          stageMs[stage.name] = t;
          ms += t;
          const max = stats.stageMax.get(stage.name);
          if (max === undefined || t > max.ms) stats.stageMax.set(stage.name, { ms: t, index });
          if (failure === undefined && t > maxCaseMs) {
            failure = {
              stage: stage.name,
              error: new Error(`stage took ${t.toFixed(0)} ms (limit ${maxCaseMs} ms)`),
            };
          }
          if (failure !== undefined) break;
        }
      } finally {
        if (caseDir) rmSync(caseDir, { recursive: true, force: true });
      }
      stats.cases++;
      stats.totalMs += ms;
      noteSlow(stats.slowest, { ms, stageMs, index, seed: c.seed, mutations: c.mutations });
      if (failure !== undefined) {
        // With `keepGoing`, one report per distinct bug: the same message from the same place is the same bug.
        const signature = signatureOf(failure);
        const known = stats.failures.find((f) => f.signature === signature);
        if (known) {
          known.count++;
          if (known.indices.length < 10) known.indices.push(index);
        } else {
          const path = writeFailure(c, { seed, index, ...failure });
          stats.failures.push({
            index,
            indices: [index],
            case: c,
            stage: failure.stage,
            error: failure.error,
            path,
            signature,
            count: 1,
          });
        }
        if (!keepGoing) break;
        continue;
      }
      bump(stats.outcomes, value.outcome);
      for (const code of value.codes) bump(stats.codes, code);
      if (onProgress && stats.cases % progressEvery === 0) onProgress(stats);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return stats;
}

/** Case `index` of a run seeded with `seed`: the same case every time. */
export function caseAt(corpus, seed, index) {
  return makeCase(createRandom(caseSeed(seed, index)), corpus);
}

/** Creates empty statistics (what `runFuzz` returns for zero cases). */
export function emptyStats(seed) {
  return {
    seed,
    cases: 0,
    outcomes: new Map(),
    codes: new Map(),
    mutators: new Map(),
    excluded: new Map(),
    /** The slowest case of each stage: `{ ms, index }`. */
    stageMax: new Map(),
    disk: 0,
    totalMs: 0,
    slowest: [],
    failures: [],
  };
}

/** Adds the statistics of a later part of a run (`b`) to `a`. */
export function mergeStats(a, b) {
  a.cases += b.cases;
  a.disk += b.disk;
  a.totalMs += b.totalMs;
  for (const key of ["outcomes", "codes", "mutators", "excluded"])
    for (const [k, v] of b[key]) a[key].set(k, (a[key].get(k) ?? 0) + v);
  for (const s of b.slowest) noteSlow(a.slowest, s);
  for (const [k, v] of b.stageMax)
    if (!a.stageMax.has(k) || v.ms > a.stageMax.get(k).ms) a.stageMax.set(k, v);
  for (const f of b.failures) {
    const known = a.failures.find((g) => g.signature === f.signature);
    if (known) {
      known.count += f.count;
      known.indices.push(...f.indices.slice(0, Math.max(0, 10 - known.indices.length)));
    } else a.failures.push(f);
  }
  return a;
}

/** A failure's message with names and numbers blanked, plus the frame that threw. */
export function signatureOf({ stage, error }) {
  if (!(error instanceof Error)) return `${stage}: ${String(error)}`;
  const message = error.message
    .replace(/`[^`]*`/g, "`_`")
    .replace(/\S+\.wit\b/g, "F.wit")
    .replace(/[0-9]+/g, "N");
  const frame = (error.stack ?? "").split("\n").find((l) => l.trim().startsWith("at ")) ?? "";
  return `${stage}: ${message} ${frame.trim()}`;
}

function bump(map, key) {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Keeps the five slowest cases, slowest first. */
function noteSlow(list, entry) {
  if (list.length === 5 && entry.ms <= list[4].ms) return;
  list.push(entry);
  list.sort((a, b) => b.ms - a.ms);
  if (list.length > 5) list.pop();
}

/** Writes a case's files (bytes as they are) under `dir`. */
function writeCase(c, dir) {
  for (const [p, v] of c.files) {
    const target = join(dir, p);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, v);
  }
}

/**
 * Saves a failing case as files under `os.tmpdir()`, next to a `FAILURE.txt`
 * with the seed, index, mutations, error and the command that replays it.
 * Returns the directory.
 */
export function writeFailure(c, { seed, index, stage, error }) {
  const dir = join(tmpdir(), `wit-ts-fuzz-failure-${seed}-${index}`);
  rmSync(dir, { recursive: true, force: true });
  writeCase(c, join(dir, "input"));
  const report = [
    `seed: ${seed}`,
    `case index: ${index}`,
    `replay: node scripts/fuzz.js 1 ${seed} ${index}`,
    `corpus seed: ${c.seed}`,
    `root: input/${c.root}${c.disk ? " (read from disk with resolvePath)" : " (resolveFiles, bytes decoded lossily)"}`,
    `options: ${JSON.stringify(c.options)}`,
    `mutations: ${c.mutations.join(", ") || "(none)"}`,
    `stage: ${stage}`,
    "",
    error instanceof Error ? (error.stack ?? error.message) : String(error),
    "",
  ].join("\n");
  writeFileSync(join(dir, "FAILURE.txt"), report);
  return dir;
}

/** A short human summary of a run (used by the command line and by the test's failure message). */
export function formatStats(stats) {
  const sorted = (m) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
  const lines = [
    `seed ${stats.seed}: ${stats.cases} cases in ${(stats.totalMs / 1000).toFixed(1)} s` +
      ` (${stats.disk} through files on disk), failures: ${stats.failures.length}`,
    `outcomes: ${sorted(stats.outcomes)}`,
    `codes: ${sorted(stats.codes)}`,
    `mutators: ${sorted(stats.mutators)}`,
    ...(stats.excluded.size > 0 ? [`excluded (known crashes): ${sorted(stats.excluded)}`] : []),
    `slowest case per stage: ${[...stats.stageMax].map(([k, v]) => `${k} ${v.ms.toFixed(1)} ms (#${v.index})`).join(", ")}`,
    "slowest cases (all stages):",
    ...stats.slowest.map((s) => {
      const parts = Object.entries(s.stageMs).map(([k, v]) => `${k} ${v.toFixed(0)}`);
      return `  ${s.ms.toFixed(1)} ms (${parts.join(" + ")})  #${s.index}  ${s.seed}  [${s.mutations.join(", ")}]`;
    }),
  ];
  for (const f of stats.failures) {
    lines.push(
      `FAILURE at case #${f.index} (seed ${stats.seed}, ${f.count} case(s) like it) in stage ${f.stage}: ${f.error?.message ?? String(f.error)}`,
      `  input and report: ${f.path}`,
      ...(f.count > 1
        ? [
            `  other cases like it: ${f.indices.slice(1).join(", ")}${f.count > f.indices.length ? ", ..." : ""}`,
          ]
        : []),
      `  replay: node scripts/fuzz.js 1 ${stats.seed} ${f.index}`,
    );
  }
  return lines.join("\n");
}
