/**
 * Generation benchmark: host types for synthetic WIT (`scripts/synth-wit.js`) of about 1.5 MB and 15 MB,
 * wit-ts (`generateSdk` on `dist/`: parse + resolve + generate, nothing written) against jco 1.35 (`types`, its
 * `generateTypes`). Each measurement runs in a child process (generate-worker.js): in-process warm times (untimed
 * warm-ups, then timed runs; medians with min-max spreads, children alternating between the tools so machine noise
 * hits both alike), and the peak RSS of one cold generation in a fresh process. Targets: wit-ts at most jco's time on
 * 1.5 MB (a third of it is the aim), 10x the input in at most 11x the time, peak memory no more than jco's, output at
 * most 2.5x jco's. Run `npm run build` first.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { interfacesForSize, synthWit } from "../synth-wit.js";
import { fmt, median, spread } from "./stats.js";

const worker = fileURLToPath(new URL("./generate-worker.js", import.meta.url));

/** One child process: `warmups` untimed generations, then `runs` timed; undefined when it fails or times out. */
function child(tool, file, warmups, runs, timeoutMs) {
  try {
    const out = execFileSync(
      process.execPath,
      [worker, tool, file, String(warmups), String(runs)],
      {
        encoding: "utf8",
        timeout: timeoutMs,
        maxBuffer: 1 << 20,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    return JSON.parse(out);
  } catch (e) {
    return { error: String(e.message ?? e).split("\n")[0] };
  }
}

/** Warm in-process times of both tools: `rounds` children each, alternating, `runs` timed runs per child. */
function warmTimes(file, { rounds, warmups, runs, timeoutMs, tools }) {
  const results = Object.fromEntries(
    tools.map((t) => [t, { ms: [], bytes: 0, files: 0, error: undefined }]),
  );
  for (let r = 0; r < rounds; r++) {
    for (const tool of tools) {
      const row = results[tool];
      if (row.error) continue;
      const out = child(tool, file, warmups, runs, timeoutMs);
      if (out.error) {
        row.error = out.error;
        continue;
      }
      row.ms.push(...out.ms);
      row.bytes = out.bytes;
      row.files = out.files;
    }
  }
  return results;
}

export function benchGenerate({ rounds = 2, runs = 4, rssRuns = 3 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "wit-ts-bench-gen-"));
  try {
    const inputs = [1.5e6, 15e6].map((size) => {
      const text = synthWit({ interfaces: interfacesForSize(size) });
      const file = join(dir, `synthetic-${size / 1e6}mb.wit`);
      writeFileSync(file, text);
      return { size, mb: text.length / 1e6, file };
    });
    const [small, large] = inputs;
    const smallTimes = warmTimes(small.file, {
      rounds,
      warmups: 2,
      runs,
      timeoutMs: 300_000,
      tools: ["wit-ts", "jco"],
    });
    // jco at 10x is slow and memory-hungry; it is measured once per round and dropped if it fails.
    const largeTimes = warmTimes(large.file, {
      rounds,
      warmups: 1,
      runs: 2,
      timeoutMs: 600_000,
      tools: ["wit-ts", "jco"],
    });

    const rss = {};
    for (const tool of ["wit-ts", "jco"]) {
      const peaks = [];
      for (let i = 0; i < rssRuns; i++) {
        const out = child(tool, small.file, 0, 1, 300_000);
        if (!out.error) peaks.push(out.maxRssMiB);
      }
      rss[tool] = peaks;
    }
    const bare = JSON.parse(
      execFileSync(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `import { peakRssMiB } from ${JSON.stringify(new URL("./stats.js", import.meta.url).href)}; console.log(JSON.stringify(peakRssMiB()))`,
        ],
        {
          encoding: "utf8",
        },
      ),
    );

    const row = (tool, input, times) => {
      const t = times[tool];
      if (t.error || t.ms.length === 0) return { tool, input, error: t.error ?? "no runs" };
      const sp = spread(t.ms);
      return {
        tool,
        input,
        ms: median(t.ms),
        min: sp.min,
        max: sp.max,
        n: t.ms.length,
        outMb: t.bytes / 1e6,
        files: t.files,
      };
    };
    const rows = [
      row("wit-ts", small, smallTimes),
      row("jco", small, smallTimes),
      row("wit-ts", large, largeTimes),
      row("jco", large, largeTimes),
    ];
    const [ours, theirs, ours10, theirs10] = rows;
    const ratio =
      ours.ms !== undefined && theirs.ms !== undefined ? ours.ms / theirs.ms : undefined;
    const growth =
      ours.ms !== undefined && ours10.ms !== undefined ? ours10.ms / ours.ms : undefined;
    // The same ratio from the fastest runs (the least disturbed by other work on the machine). A slow run of the
    // small input alone can pull the median ratio under the limit, so the verdict needs both.
    const growthOfMins =
      ours.min !== undefined && ours10.min !== undefined ? ours10.min / ours.min : undefined;
    const growthMet =
      growth === undefined || growthOfMins === undefined
        ? undefined
        : growth <= 11 && growthOfMins <= 11;
    const outRatio =
      ours.outMb !== undefined && theirs.outMb !== undefined
        ? ours.outMb / theirs.outMb
        : undefined;
    const jcoGrowth =
      theirs.ms !== undefined && theirs10.ms !== undefined ? theirs10.ms / theirs.ms : undefined;
    const sizeRatio = large.mb / small.mb;
    const peak = (xs) => (xs.length ? median(xs) : undefined);
    const oursRss = peak(rss["wit-ts"]);
    const theirsRss = peak(rss.jco);

    const cells = (r) =>
      r.error
        ? [`failed: ${r.error}`, "", ""]
        : [
            `${fmt(r.ms)} ms`,
            `${fmt(r.min)}-${fmt(r.max)} ms (${r.n} runs)`,
            `${fmt(r.outMb, 2)} MB in ${r.files} files`,
          ];
    const verdict = (ok) => (ok === undefined ? "n/a" : ok ? "met" : "NOT met");
    const markdown = [
      `Synthetic WIT (\`scripts/synth-wit.js\`), in-process warm generation (parse + resolve + generate, nothing written):`,
      `wit-ts \`generateSdk\` against jco 1.35 \`types\`; ${rounds} child processes per tool, alternating.`,
      "",
      "| tool | input | median | spread | output |",
      "| --- | --- | --- | --- | --- |",
      ...rows.map((r) => `| ${r.tool} | ${fmt(r.input.mb, 2)} MB | ${cells(r).join(" | ")} |`),
      "",
      `Time, wit-ts / jco on ${fmt(small.mb, 2)} MB: ${ratio === undefined ? "n/a" : fmt(ratio, 2)} (target <= 1; aim <= 0.33): ${verdict(ratio === undefined ? undefined : ratio <= 1)}`,
      `Output, wit-ts / jco on ${fmt(small.mb, 2)} MB: ${outRatio === undefined ? "n/a" : fmt(outRatio, 2)} (target <= 2.5): ${verdict(outRatio === undefined ? undefined : outRatio <= 2.5)}`,
      `Growth, ${fmt(sizeRatio, 1)}x the input: wit-ts ${growth === undefined ? "n/a" : `${fmt(growth, 2)}x`} the time (fastest runs: ${growthOfMins === undefined ? "n/a" : `${fmt(growthOfMins, 2)}x`}; target <= 11x for both): ${verdict(growthMet)}; jco ${jcoGrowth === undefined ? "n/a" : `${fmt(jcoGrowth, 2)}x`}`,
      "",
      `Peak RSS of one cold generation of ${fmt(small.mb, 2)} MB in a fresh process (median of ${rssRuns}; a bare \`node\` is ${fmt(bare)} MiB):`,
      "",
      "| tool | peak RSS |",
      "| --- | --- |",
      `| wit-ts | ${oursRss === undefined ? "failed" : `${fmt(oursRss)} MiB`} |`,
      `| jco | ${theirsRss === undefined ? "failed" : `${fmt(theirsRss)} MiB`} |`,
      "",
      `Peak memory no more than jco's: ${verdict(oursRss === undefined || theirsRss === undefined ? undefined : oursRss <= theirsRss)}`,
    ].join("\n");
    const rssSpread = (xs) =>
      xs.length ? `${fmt(spread(xs).min)}-${fmt(spread(xs).max)} MiB` : "n/a";
    const targets = [
      {
        row: 1,
        figure: `in-process generation, ${fmt(small.mb, 2)} MB synthetic WIT`,
        witTs:
          ours.ms === undefined
            ? "n/a"
            : `${fmt(ours.ms)} ms${ratio === undefined ? "" : ` (${fmt(ratio, 2)} of jco's)`}`,
        jco: theirs.ms === undefined ? "n/a" : `${fmt(theirs.ms)} ms`,
        target: "at most jco's time (aim: a third)",
        spread:
          ours.ms === undefined || theirs.ms === undefined
            ? "n/a"
            : `wit-ts ${fmt(ours.min)}-${fmt(ours.max)} ms, jco ${fmt(theirs.min)}-${fmt(theirs.max)} ms`,
        met: ratio === undefined ? undefined : ratio <= 1,
      },
      {
        row: 2,
        figure: `growth for ${fmt(sizeRatio, 1)}x the input`,
        witTs: growth === undefined ? "n/a" : `${fmt(growth, 2)}x`,
        jco: jcoGrowth === undefined ? "n/a" : `${fmt(jcoGrowth, 2)}x`,
        target: "at most 11x",
        spread:
          ours10.ms === undefined || growthOfMins === undefined
            ? "n/a"
            : `fastest runs ${fmt(growthOfMins, 2)}x; ${fmt(large.mb, 1)} MB: ${fmt(ours10.min)}-${fmt(ours10.max)} ms (${ours10.n} runs)`,
        met: growthMet,
      },
      {
        row: 3,
        figure: `peak memory, in-process ${fmt(small.mb, 2)} MB`,
        witTs: oursRss === undefined ? "n/a" : `${fmt(oursRss)} MiB`,
        jco: theirsRss === undefined ? "n/a" : `${fmt(theirsRss)} MiB`,
        target: "at most jco's",
        spread: `wit-ts ${rssSpread(rss["wit-ts"])}, jco ${rssSpread(rss.jco)}`,
        met: oursRss === undefined || theirsRss === undefined ? undefined : oursRss <= theirsRss,
      },
      {
        row: 4,
        figure: `output for the ${fmt(small.mb, 2)} MB input`,
        witTs:
          ours.outMb === undefined
            ? "n/a"
            : `${fmt(ours.outMb, 2)} MB${outRatio === undefined ? "" : ` (${fmt(outRatio, 2)}x jco's)`}`,
        jco: theirs.outMb === undefined ? "n/a" : `${fmt(theirs.outMb, 2)} MB`,
        target: "at most 2.5x jco's",
        spread: "the same in every run",
        met: outRatio === undefined ? undefined : outRatio <= 2.5,
      },
    ];
    return { rows, ratio, growth, rss: { witTs: oursRss, jco: theirsRss }, targets, markdown };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// `node scripts/bench/generate.js` runs this section alone.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(benchGenerate().markdown);
}
