// One measurement in a fresh process: parse + resolve one WIT file with the built front end,
// then print {ms, maxRssMiB} as JSON. A fresh process per run keeps peak-memory figures honest.
import { performance } from "node:perf_hooks";

const [file, warmups = "1"] = process.argv.slice(2);
const { resolvePath } = await import("../../dist/wit/load.js");
for (let i = 0; i < Number(warmups); i++) resolvePath(file);
const t0 = performance.now();
const result = resolvePath(file);
const ms = performance.now() - t0;
if (result.diagnostics.length > 0) {
  console.error(result.diagnostics.map((d) => d.message).join("\n"));
  process.exit(1);
}
process.stdout.write(JSON.stringify({ ms, maxRssMiB: process.resourceUsage().maxRSS / 1024 }) + "\n");
