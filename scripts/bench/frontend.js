/**
 * Front-end benchmark (issue #2): parse + resolve synthetic WIT of about 1 MB and 10 MB, each run in a
 * fresh process (warm: one untimed run first), and report MB/s, peak RSS, and the 10 MB / 1 MB time ratio
 * (target: at most 11x, i.e. linear; and at least 20 MB/s).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { interfacesForSize, synthWit } from "../synth-wit.js";
import { fmt, median, spread } from "./stats.js";

const worker = fileURLToPath(new URL("./frontend-worker.js", import.meta.url));

export function benchFrontend({ runs = 5 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "wit-ts-bench-"));
  try {
    const rows = [];
    for (const mb of [1, 10]) {
      const text = synthWit({ interfaces: interfacesForSize(mb * 1e6) });
      const file = join(dir, `synthetic-${mb}mb.wit`);
      writeFileSync(file, text);
      const times = [];
      const rss = [];
      for (let i = 0; i < runs; i++) {
        const out = JSON.parse(execFileSync(process.execPath, [worker, file, "1"], { encoding: "utf8" }));
        times.push(out.ms);
        rss.push(out.maxRssMiB);
      }
      const ms = median(times);
      rows.push({ mb: text.length / 1e6, ms, spread: spread(times), mbPerS: text.length / 1e6 / (ms / 1000), rss: median(rss) });
    }
    const ratio = rows[1].ms / rows[0].ms;
    const sizeRatio = rows[1].mb / rows[0].mb;
    const lines = [
      "| input | parse+resolve (median) | spread | MB/s | peak RSS |",
      "| --- | --- | --- | --- | --- |",
      ...rows.map(
        (r) =>
          `| ${fmt(r.mb, 2)} MB | ${fmt(r.ms)} ms | ${fmt(r.spread.min)}-${fmt(r.spread.max)} ms | ${fmt(r.mbPerS)} | ${fmt(r.rss)} MiB |`,
      ),
      "",
      `10 MB / 1 MB time ratio: ${fmt(ratio, 2)} for ${fmt(sizeRatio, 2)}x the input (target <= 11x): ${ratio <= 11 ? "met" : "NOT met"}`,
      `throughput on 10 MB: ${fmt(rows[1].mbPerS)} MB/s (aim >= 20 MB/s): ${rows[1].mbPerS >= 20 ? "met" : "NOT met"}`,
    ];
    return { rows, ratio, markdown: lines.join("\n") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
