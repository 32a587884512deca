#!/usr/bin/env node
/**
 * Bundles the CLI (`dist/cli.js` and everything it loads, commander included) into one file,
 * `dist/bundle/cli.js`, which `bin/wit-ts.js` runs: Node 20 then resolves, reads and links one module instead of
 * forty, which took about 13-20 ms off every `wit-ts` command (measured on `gen` of the wasi:http/proxy world,
 * 0.17 s before; docs/performance-notes.md). Run by `npm run build` after `tsc`. Packages that are optional or
 * heavy stay external and load only when needed: jco (for `.wasm` inputs) and jiti (for `.ts` config files).
 * The library entry points (`dist/index.js`, the plugins) are not bundled.
 */
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
await build({
  entryPoints: [`${root}dist/cli.js`],
  outfile: `${root}dist/bundle/cli.js`,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["@bytecodealliance/*", "jiti", "typescript"],
  // commander is CommonJS: in an ES module bundle its `require` calls need a `require`.
  banner: {
    js: 'import { createRequire as __witTsRequire } from "node:module";\nconst require = __witTsRequire(import.meta.url);',
  },
  logLevel: "warning",
  legalComments: "none",
});
