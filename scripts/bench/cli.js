/**
 * Whole-process generation: `wit-ts gen` versus `jco types` on the `wasi:http/proxy`
 * world, each a fresh process, alternating run by run so that machine noise hits both alike; wall time, peak RSS and
 * page faults (from /usr/bin/time when present, else the child's own resource usage is not visible, so only time is
 * reported). Page faults move little with the machine's load, unlike time, and on virtual machines where touching
 * fresh memory is slow they are a large part of a short command's time.
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
const jco = fileURLToPath(
  new URL("../../node_modules/@bytecodealliance/jco/dist/jco.js", import.meta.url),
);
const preopen = fileURLToPath(new URL("./jco-preopen.mjs", import.meta.url));
const gnuTime = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

/**
 * Runs a command once; returns wall seconds (measured here around the child, to the microsecond: GNU time's
 * `%e` has 10 ms steps, too coarse for 0.1 s commands), peak RSS in MiB and minor page faults (both undefined
 * without /usr/bin/time).
 */
function measure(args, timeFile) {
  if (gnuTime) {
    const t0 = performance.now();
    const r = spawnSync(gnuTime, ["-o", timeFile, "-f", "%M %R", process.execPath, ...args], {
      encoding: "utf8",
    });
    const s = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
    const [kb, faults] = execFileSync("cat", [timeFile], { encoding: "utf8" })
      .trim()
      .split(/\s+/)
      .slice(-2)
      .map(Number);
    return { s, mib: kb / 1024, faults };
  }
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
  return { s: (performance.now() - t0) / 1000, mib: undefined, faults: undefined };
}

export function benchCli({ runs = 11 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "wit-ts-bench-cli-"));
  try {
    const proxy = writeProxyWorld(join(dir, "proxy"));
    const timeFile = join(dir, "time.txt");
    const ours = [];
    const theirs = [];
    const bare = [];
    const imports = [];
    const help = [];
    const indexUrl = new URL("../../dist/index.js", import.meta.url).href;
    // One untimed round first: wit-ts writes its code cache on the first run of each kind of command after a
    // build (a one-time cost per install), and both tools then start with the files in the page cache.
    measure([witTs, "gen", proxy, "--world", "proxy", "-o", join(dir, "wit-ts-warm")], timeFile);
    measure([witTs, "--help"], timeFile);
    measure(
      [
        "--import",
        preopen,
        jco,
        "types",
        proxy,
        "--world-name",
        "proxy",
        "-o",
        join(dir, "jco-warm"),
      ],
      timeFile,
    );
    for (let i = 0; i < runs; i++) {
      bare.push(measure(["-e", "0"], timeFile));
      // Start-up cost: loading the library (the front end and the generator, 36 modules that every `gen` loads;
      // jco is loaded only for a `.wasm` input) and the CLI alone (it imports the library on demand).
      imports.push(
        measure(
          ["--input-type=module", "-e", `await import(${JSON.stringify(indexUrl)})`],
          timeFile,
        ),
      );
      help.push(measure([witTs, "--help"], timeFile));
      ours.push(
        measure(
          [witTs, "gen", proxy, "--world", "proxy", "-o", join(dir, `wit-ts-${i}`)],
          timeFile,
        ),
      );
      theirs.push(
        measure(
          [
            "--import",
            preopen,
            jco,
            "types",
            proxy,
            "--world-name",
            "proxy",
            "-o",
            join(dir, `jco-${i}`),
          ],
          timeFile,
        ),
      );
    }
    const row = (name, xs) => {
      const s = xs.map((x) => x.s);
      const m = xs.map((x) => x.mib).filter((x) => x !== undefined);
      const f = xs.map((x) => x.faults).filter((x) => x !== undefined);
      const sp = spread(s);
      return {
        name,
        s: median(s),
        min: sp.min,
        max: sp.max,
        mib: m.length ? median(m) : undefined,
        faults: f.length ? median(f) : undefined,
      };
    };
    const rows = [
      row("`wit-ts gen`", ours),
      row("`jco types`", theirs),
      row("`node -e 0`", bare),
      row("`import('wit-ts')` (library start-up)", imports),
      row("`wit-ts --help` (CLI start-up)", help),
    ];
    const ratio = rows[0].s / rows[1].s;
    // Runs alternate, so run i of each tool saw about the same machine: the spread of their ratios.
    const ratios = ours.map((o, i) => o.s / theirs[i].s);
    const ratioSpread = spread(ratios);
    const memOk = rows[0].mib === undefined || rows[0].mib <= rows[1].mib;
    const markdown = [
      `World \`wasi:http/proxy\` (WASI 0.2.12 from jco's builtin WIT), ${runs} runs each, alternating; wall time of the whole process.`,
      "",
      "| command | median | spread | peak RSS (median) | page faults (median) |",
      "| --- | --- | --- | --- | --- |",
      ...rows.map(
        (r) =>
          `| ${r.name} | ${fmt(r.s, 3)} s | ${fmt(r.min, 3)}-${fmt(r.max, 3)} s | ${r.mib === undefined ? "n/a" : `${fmt(r.mib)} MiB`} | ${r.faults === undefined ? "n/a" : fmt(r.faults, 0)} |`,
      ),
      "",
      `Time (wit-ts at most 1/3 of jco): ratio ${fmt(ratio, 2)} (run by run ${fmt(ratioSpread.min, 2)}-${fmt(ratioSpread.max, 2)}): ${ratio <= 1 / 3 ? "met" : "NOT met"}.`,
      `Peak memory no more than jco's, whole process: ${memOk ? "met" : "NOT met"}.`,
    ].join("\n");
    const mib = (r) => (r.mib === undefined ? "n/a" : `${fmt(r.mib)} MiB`);
    const targets = [
      {
        row: 6,
        figure: "whole-process `gen`, `wasi:http/proxy`",
        witTs: `${fmt(ratio, 2)} of \`jco types\` (${fmt(rows[0].s, 3)} s; bare node ${fmt(rows[2].s, 3)} s)`,
        jco: `${fmt(rows[1].s, 3)} s`,
        target: "at most 0.33",
        spread: `ratio ${fmt(ratioSpread.min, 2)}-${fmt(ratioSpread.max, 2)} over ${runs} runs`,
        met: ratio <= 1 / 3,
      },
      {
        row: 7,
        figure: "peak memory, whole-process `gen`, `wasi:http/proxy`",
        witTs: mib(rows[0]),
        jco: mib(rows[1]),
        target: "at most jco's",
        spread: `median of ${runs} runs each`,
        met: memOk,
      },
    ];
    return { ratio, targets, markdown };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
