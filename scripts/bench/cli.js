/**
 * Whole-process generation (issue #8, targets 1 and 5): `wit-ts gen` versus `jco types` on the `wasi:http/proxy`
 * world, each a fresh process, alternating run by run so that machine noise hits both alike; wall time and peak RSS
 * (from /usr/bin/time when present, else the child's own resource usage is not visible, so only time is reported).
 * jco 1.35's CLI cannot read paths unless preview2-shim's preopens are set, so it runs with jco-preopen.mjs preloaded.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeProxyWorld } from "./proxy-world.js";
import { fmt, median, spread } from "./stats.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const witTs = join(root, "bin", "wit-ts.js");
const jco = fileURLToPath(new URL("../../node_modules/@bytecodealliance/jco/dist/jco.js", import.meta.url));
const preopen = fileURLToPath(new URL("./jco-preopen.mjs", import.meta.url));
const gnuTime = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

/** Runs a command once; returns wall seconds and peak RSS in MiB (undefined without /usr/bin/time). */
function measure(args, timeFile) {
  if (gnuTime) {
    const r = spawnSync(gnuTime, ["-o", timeFile, "-f", "%e %M", process.execPath, ...args], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
    const [seconds, kb] = execFileSync("cat", [timeFile], { encoding: "utf8" }).trim().split(/\s+/).map(Number);
    return { s: seconds, mib: kb / 1024 };
  }
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
  return { s: (performance.now() - t0) / 1000, mib: undefined };
}

export function benchCli({ runs = 7 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "wit-ts-bench-cli-"));
  try {
    const proxy = writeProxyWorld(join(dir, "proxy"));
    const timeFile = join(dir, "time.txt");
    const ours = [];
    const theirs = [];
    const bare = [];
    for (let i = 0; i < runs; i++) {
      bare.push(measure(["-e", "0"], timeFile));
      ours.push(measure([witTs, "gen", proxy, "--world", "proxy", "-o", join(dir, `wit-ts-${i}`)], timeFile));
      theirs.push(measure(["--import", preopen, jco, "types", proxy, "--world-name", "proxy", "-o", join(dir, `jco-${i}`)], timeFile));
    }
    const row = (name, xs) => {
      const s = xs.map((x) => x.s);
      const m = xs.map((x) => x.mib).filter((x) => x !== undefined);
      const sp = spread(s);
      return { name, s: median(s), min: sp.min, max: sp.max, mib: m.length ? median(m) : undefined };
    };
    const rows = [row("`wit-ts gen`", ours), row("`jco types`", theirs), row("`node -e 0`", bare)];
    const ratio = rows[0].s / rows[1].s;
    const memOk = rows[0].mib === undefined || rows[0].mib <= rows[1].mib;
    const markdown = [
      `World \`wasi:http/proxy\` (WASI 0.2.12 from jco's builtin WIT), ${runs} runs each, alternating; wall time of the whole process.`,
      "",
      "| command | median | spread | peak RSS (median) |",
      "| --- | --- | --- | --- |",
      ...rows.map((r) => `| ${r.name} | ${fmt(r.s, 3)} s | ${fmt(r.min, 3)}-${fmt(r.max, 3)} s | ${r.mib === undefined ? "n/a" : `${fmt(r.mib)} MiB`} |`),
      "",
      `Target 1 (wit-ts at most 1/3 of jco): ratio ${fmt(ratio, 2)}: ${ratio <= 1 / 3 ? "met" : "NOT met"}.`,
      `Target 5 (peak memory no more than jco's), whole process: ${memOk ? "met" : "NOT met"}.`,
    ].join("\n");
    return { ratio, markdown };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
