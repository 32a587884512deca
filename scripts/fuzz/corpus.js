/**
 * The fuzzer's seed corpus. Consumes the wit-parser UI suite
 * (`../shared/conformance/wit-parser-ui/`, its positive cases and
 * `parse-fail/`, read in place at run time, never copied) and the
 * `wit-samples/` folders; produces seeds, each an in-memory copy of one case
 * in the shape the loader reads: `{ name, root, files }`, where `files` maps
 * paths relative to the case (`foo.wit`, or `case/a.wit`, `case/deps/x/b.wit`)
 * to text, or to bytes for files that are not UTF-8 (a `.wasm` dependency).
 * A missing suite is not an error: `conformancePresent` says so, and the
 * caller must say so visibly.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Loads every seed under the given folders (either may be missing). */
export function loadCorpus({ conformanceDir, samplesDir }) {
  const seeds = [];
  const conformancePresent = conformanceDir !== undefined && existsSync(conformanceDir);
  if (conformancePresent) {
    seeds.push(...casesIn(conformanceDir, "ui"));
    const failDir = join(conformanceDir, "parse-fail");
    if (existsSync(failDir)) seeds.push(...casesIn(failDir, "ui/parse-fail"));
  }
  if (samplesDir !== undefined && existsSync(samplesDir)) {
    // Each sample is a directory; most hold a single file, which is also a seed on its own.
    for (const name of readdirSync(samplesDir).sort()) {
      const dir = join(samplesDir, name);
      if (!statSync(dir).isDirectory()) continue;
      seeds.push(dirSeed(dir, name, `samples/${name}`));
      const wits = readdirSync(dir).filter((f) => f.endsWith(".wit"));
      if (wits.length === 1)
        seeds.push(fileSeed(join(dir, wits[0]), wits[0], `samples/${name}/${wits[0]}`));
    }
  }
  seeds.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { seeds, conformancePresent };
}

/** The cases of one suite folder: `*.wit` files and directories (the `parse-fail` folder excepted). */
function casesIn(dir, prefix) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== "parse-fail") out.push(dirSeed(path, name, `${prefix}/${name}`));
    } else if (name.endsWith(".wit")) {
      out.push(fileSeed(path, name, `${prefix}/${name}`));
    }
  }
  return out;
}

function fileSeed(path, name, label) {
  return { name: label, root: name, files: new Map([[name, read(path)]]) };
}

function dirSeed(dir, name, label) {
  const files = new Map();
  const walk = (d, rel) => {
    for (const entry of readdirSync(d).sort()) {
      const p = join(d, entry);
      if (statSync(p).isDirectory()) walk(p, `${rel}/${entry}`);
      // Only what the loader reads: not the expectations (`.json`, `.result`) nor generated output next to a sample.
      else if (/\.(wit|wasm|wat)$/.test(entry)) files.set(`${rel}/${entry}`, read(p));
    }
  };
  walk(dir, name);
  return { name: label, root: name, files };
}

/** Text when the file is UTF-8, its bytes otherwise. */
function read(path) {
  const bytes = readFileSync(path);
  try {
    return utf8.decode(bytes);
  } catch {
    return new Uint8Array(bytes);
  }
}
