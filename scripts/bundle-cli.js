#!/usr/bin/env node
/**
 * Bundles the CLI (`dist/cli.js` and everything it loads, commander included) into one script,
 * `dist/bundle/cli.cjs`, which `bin/wit-ts.js` compiles through `vm.Script` with V8's code cache. Run by
 * `npm run build` after `tsc`. Why this shape (figures in docs/performance-notes.md):
 * - one file instead of forty: Node resolves, reads and compiles one script;
 * - a CommonJS script, not an ES module: no ES module loader starts for a WIT input (its streams, readline and
 *   fs/promises were a fifth of a `gen`'s start-up), the `require` of a module that only a rare path uses
 *   (perf_hooks for `--watch`, crypto for writing output) runs when that path runs, and `vm.Script` can take a
 *   code cache, which Node 20 offers for scripts only;
 * - `import.meta.url`, `import.meta.resolve` and `import()` become parameters the launcher passes (`import()`
 *   compiled by `vm.Script` needs a callback that Node 20 offers only as an experimental feature, and loses it
 *   for code read from the cache);
 * - ASCII only, so V8 keeps it as one-byte text;
 * - it is one function expression taking the launcher's parameters (the CommonJS wrapper, `import.meta` and
 *   `import()`), which the launcher compiles and calls;
 * - the last line is a comment with the SHA-256 of everything before it: the launcher keys the code cache by it
 *   without hashing 600 KB on every start.
 * - commander's `require("node:child_process")` (for executable subcommands, which wit-ts has none of) runs when
 *   a subcommand is spawned, not at load: it loads Node's net, dgram and stream modules;
 * - commander itself, and the program built with it (`src/cli-program.ts`, reached through `import()`), sit in
 *   the bundle as code that runs only when loaded: a plain `gen` (read by `parseGenArgs`) neither runs nor
 *   compiles it, so its code cache holds none of it. Kept in the bundle rather than loaded from `node_modules`,
 *   so that `--help` and `resolve` still come from the code cache;
 * Packages that are optional or heavy stay external and load only when needed, through `import()`: jco (for
 * `.wasm` inputs) and jiti (for `.ts` config files). The library entry points (`dist/index.js`, the plugins) are
 * not bundled.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = fileURLToPath(new URL("..", import.meta.url));
const childProcess = lazyChildProcess();
const outfile = `${root}dist/bundle/cli.cjs`;
await build({
  entryPoints: [`${root}dist/cli.js`],
  outfile,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  external: ["@bytecodealliance/*", "jiti", "typescript"],
  define: {
    "import.meta.url": "__witTsImportMetaUrl",
    "import.meta.resolve": "__witTsImportMetaResolve",
  },
  logLevel: "warning",
  legalComments: "none",
  plugins: [childProcess.plugin],
});
if (!childProcess.applied())
  throw new Error("bundle-cli: commander's lib/command.js was not bundled");
// The ES module bundle of earlier builds, if any, is not loaded any more.
rmSync(`${root}dist/bundle/cli.js`, { force: true });
// esbuild escapes non-ASCII text in code, not in the comments it keeps; escaped there too, the script is ASCII,
// which V8 scans as one-byte text.
let code = readFileSync(outfile, "utf8").replace(
  /[^\0-\x7f]/gu,
  (c) => `\\u{${c.codePointAt(0).toString(16)}}`,
);
code = replaceDynamicImports(code);
// The launcher's function wrapper is part of the file (on its first line, so that line numbers in stack traces are
// the file's): the launcher then compiles the text it read, instead of a copy joined to the wrapper, which was
// 600 KB more for the garbage collector's young generation and one scavenge more per run.
code = `(function (exports, require, module, __filename, __dirname, __witTsImportMetaUrl, __witTsImportMetaResolve, __witTsImport) {${code}\n})\n`;
const hash = createHash("sha256").update(code).digest("hex");
writeFileSync(outfile, `${code}//# witTsSha256=${hash}\n`);

/** `import(x)` -> `__witTsImport(x)`, found by parsing (the bundle also holds `import(` in strings of generated code). */
function replaceDynamicImports(text) {
  const file = ts.createSourceFile(
    "cli.cjs",
    text,
    ts.ScriptTarget.Latest,
    false,
    ts.ScriptKind.JS,
  );
  const starts = [];
  const visit = (node) => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      starts.push(node.expression.getStart(file));
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  if (starts.length === 0)
    throw new Error("bundle-cli: no import() found; is the bundle still CommonJS?");
  let out = "";
  let from = 0;
  for (const start of starts.sort((a, b) => a - b)) {
    out += text.slice(from, start) + "__witTsImport";
    from = start + "import".length;
  }
  return out + text.slice(from);
}

/**
 * An esbuild plugin that makes commander load `node:child_process` on its first `spawn` instead of when it is
 * loaded, and whether it found commander's code to change.
 */
function lazyChildProcess() {
  const eager = "const childProcess = require('node:child_process');";
  const lazy =
    "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };";
  let applied = false;
  const plugin = {
    name: "lazy-child-process",
    setup(b) {
      b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, async (args) => {
        const text = await readFile(args.path, "utf8");
        if (!text.includes(eager) || /childProcess\.(?!spawn\b)/.test(text))
          throw new Error(`bundle-cli: commander's use of child_process changed in ${args.path}`);
        applied = true;
        return { contents: text.replace(eager, lazy), loader: "js" };
      });
    },
  };
  return { plugin, applied: () => applied };
}
