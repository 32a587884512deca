// One process of the generation benchmark: generates host types for one WIT file with wit-ts (parse + resolve +
// generate through `generateSdk`, nothing written) or with jco (`types`, jco 1.35's `generateTypes` wrapper), first
// `warmups` times untimed, then `runs` times timed, and prints {ms, bytes, files, maxRssMiB} as JSON. With no warm-up
// and one run, maxRssMiB is the peak memory of one cold generation in a fresh process.
import { performance } from "node:perf_hooks";
import { peakRssMiB } from "./stats.js";

const [tool, file, warmups = "1", runs = "5"] = process.argv.slice(2);

async function witTs() {
  const { generateSdk } = await import(new URL("../../dist/index.js", import.meta.url).href);
  return async () => {
    const result = await generateSdk({ input: file });
    if (result.diagnostics.length > 0)
      throw new Error(result.diagnostics.map((d) => d.message).join("\n"));
    return result.files.map((f) => f.content.length);
  };
}

async function jco() {
  // jco 1.35 reads WIT paths through preview2-shim, which starts with no preopens (JCO-FACTS); this is the
  // instance jco-transpile imports (there is no nested copy).
  const { _setPreopens } = await import("@bytecodealliance/preview2-shim/filesystem");
  _setPreopens({ "/": "/" });
  const { types } = await import("@bytecodealliance/jco");
  return async () => {
    const files = await types(file, { name: "synthetic" });
    return Object.values(files).map((bytes) => bytes.length);
  };
}

const generate = tool === "jco" ? await jco() : await witTs();
for (let i = 0; i < Number(warmups); i++) await generate();
const ms = [];
let sizes = [];
for (let i = 0; i < Number(runs); i++) {
  const t0 = performance.now();
  sizes = await generate();
  ms.push(performance.now() - t0);
}
const bytes = sizes.reduce((a, b) => a + b, 0);
process.stdout.write(
  JSON.stringify({ ms, bytes, files: sizes.length, maxRssMiB: peakRssMiB() }) + "\n",
);
