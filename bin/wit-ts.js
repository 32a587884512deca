#!/usr/bin/env node
/**
 * The `wit-ts` command. Consumes the command line; runs the CLI's one-file bundle (`dist/bundle/cli.cjs`, made by
 * `npm run build`; scripts/bundle-cli.js says why it is one CommonJS script) and exits with its code.
 *
 * A CommonJS script (`bin/package.json`), so that no ES module loader starts for a plain `gen`. The bundle is
 * compiled through `vm.Script` with V8's code cache: the first run saves the compiled code of everything it ran,
 * later runs skip parsing and compiling it. The cache is a file per bundle, Node version and kind of command under
 * the user's cache folder (`$XDG_CACHE_HOME/wit-ts` or `~/.cache/wit-ts`; `%LOCALAPPDATA%\wit-ts` on Windows),
 * never in a project. It is keyed by the bundle's SHA-256 (the bundle's last line), size and modification time,
 * Node's V8 version, the architecture and the kind of command (see `commandKind`); written to a temporary file and
 * renamed, so a reader never sees half a file; rewritten when V8 rejects it (other V8 flags); and skipped whenever
 * it cannot be read or written. `WIT_TS_COMPILE_CACHE=off` turns it off; `WIT_TS_COMPILE_CACHE=<folder>` puts it
 * elsewhere. When the command is done, the process exits at once (see the end of the run below).
 */
"use strict";
const {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} = require("node:fs");
const { createRequire } = require("node:module");
const { join } = require("node:path");
const { pathToFileURL } = require("node:url");
const vm = require("node:vm");

/** Cache files kept in the folder: one per bundle, Node version and kind of command in use; the oldest go. */
const KEEP = 16;

const bundle = join(__dirname, "..", "dist", "bundle", "cli.cjs");
// The bundle and then its code cache are read into one buffer: memory the process touches for the first time costs
// a page fault per 4 KB, which on some virtual machines is most of the time a read takes, so the cache reuses the
// pages the bundle's bytes were read into (the bundle's text is a copy by then).
let buffer = Buffer.allocUnsafeSlow(0);
const fd = openSync(bundle, "r");
const stat = fstatSync(fd);
const source = readWhole(fd, stat.size).latin1Slice(0, stat.size);
closeSync(fd);

const cacheFile = cacheFileFor(source, stat);
let cachedData;
if (cacheFile !== undefined) {
  try {
    const cacheFd = openSync(cacheFile, "r");
    try {
      const size = fstatSync(cacheFd).size;
      cachedData = readWhole(cacheFd, size).subarray(0, size);
    } finally {
      closeSync(cacheFd);
    }
  } catch {
    // No cache yet, or not readable: compile from source.
  }
}
buffer = undefined;
// The bundle is one function expression (scripts/bundle-cli.js): the CommonJS wrapper and the parameters below.
const script = new vm.Script(source, { filename: bundle, cachedData });
const bundleRequire = createRequire(bundle);
const cli = { exports: {} };
script.runInThisContext()(
  cli.exports,
  bundleRequire,
  cli,
  bundle,
  join(__dirname, "..", "dist", "bundle"),
  pathToFileURL(bundle).href,
  (specifier) => pathToFileURL(bundleRequire.resolve(specifier)).href,
  // The bundle's `import()`: bare packages and absolute URLs only, so resolving from here is the same.
  (specifier) => import(specifier),
);

cli.exports.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // Saved after the run, so that the cache holds every function the command compiled, not only the top level.
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
    saveCache(cacheFile, script);
  }
  // The command is over: exiting here skips Node's teardown of the heap and the environment, which a short
  // command would otherwise wait for. Output still queued for a stream (an asynchronous pipe) is let drain first.
  if (!cli.exports.outputPending()) process.exit(code);
});

/**
 * Reads `size` bytes of `fileFd` into the shared buffer (grown when too small) and returns it; throws when the file
 * is shorter than its size said (it changed while being read).
 */
function readWhole(fileFd, size) {
  if (buffer.length < size) buffer = Buffer.allocUnsafeSlow(size);
  let read = 0;
  while (read < size) {
    const n = readSync(fileFd, buffer, read, size - read, read);
    if (n === 0) throw new Error(`${bundle}: the file changed while it was read`);
    read += n;
  }
  return buffer;
}

/** The cache file for this bundle and this Node, or undefined when there is no cache folder or no bundle hash. */
function cacheFileFor(text, fileStat) {
  const setting = process.env.WIT_TS_COMPILE_CACHE;
  if (setting === "off" || setting === "0" || setting === "false") return undefined;
  const match = /\/\/# witTsSha256=([0-9a-f]{64})\n$/.exec(text.slice(-90));
  if (match === null) return undefined;
  let dir;
  if (setting !== undefined && setting !== "") dir = setting;
  else if (process.platform === "win32" && process.env.LOCALAPPDATA)
    dir = join(process.env.LOCALAPPDATA, "wit-ts");
  else if (process.env.XDG_CACHE_HOME) dir = join(process.env.XDG_CACHE_HOME, "wit-ts");
  else if (process.env.HOME) dir = join(process.env.HOME, ".cache", "wit-ts");
  else return undefined;
  const key = [
    match[1].slice(0, 32),
    fileStat.size.toString(36),
    Math.trunc(fileStat.mtimeMs).toString(36),
    process.versions.v8,
    process.arch,
    commandKind(process.argv.slice(2)),
  ].join("-");
  return join(dir, `cli-${key.replace(/[^\w.-]/g, "_")}.v8cache`);
}

/**
 * Which code a command runs, as far as the cache is concerned: a cache holds the functions of the run that wrote
 * it and is not written again while V8 accepts it, so one cache for all commands would leave `gen` compiling the
 * generator on every run when the first command was `--help`. One cache per kind of command instead: `gen` of a
 * component (the decoder too), other `gen`s, `resolve`, and everything else (help, version, errors).
 */
function commandKind(args) {
  const command = args.find((arg) => !arg.startsWith("-"));
  if (command === "resolve") return "resolve";
  if (command !== "gen") return "other";
  const input = args.slice(args.indexOf(command) + 1).find((arg) => !arg.startsWith("-"));
  return input !== undefined && input.endsWith(".wasm") ? "gen-wasm" : "gen";
}

/** Writes the code cache atomically; any failure leaves things as they were. */
function saveCache(file, compiled) {
  const dir = join(file, "..");
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(temporary, compiled.createCachedData(), { mode: 0o600 });
    renameSync(temporary, file);
    prune(dir);
  } catch {
    try {
      unlinkSync(temporary);
    } catch {
      // Never written.
    }
  }
}

/** Keeps the {@link KEEP} most recently written cache files: bundles of older builds are never read again. */
function prune(dir) {
  const files = readdirSync(dir).filter(
    (name) => name.startsWith("cli-") && name.endsWith(".v8cache"),
  );
  if (files.length <= KEEP) return;
  const byAge = files
    .map((name) => ({ name, mtime: statSync(join(dir, name)).mtimeMs }))
    .sort((a, b) => a.mtime - b.mtime);
  for (const { name } of byAge.slice(0, files.length - KEEP)) unlinkSync(join(dir, name));
}
