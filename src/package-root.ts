/**
 * Finds files of the wit-ts package at run time (`package.json`, the runtime sources under `src/runtime/`)
 * wherever the running code sits: `src/` under vitest, `dist/` when compiled, `dist/bundle/` in the CLI's
 * one-file bundle. Consumes the running module's URL; produces the package root's URL, found once by walking
 * up to the first `package.json` whose name is `wit-ts`.
 */
import { existsSync, readFileSync } from "node:fs";

let root: URL | undefined;

/** The URL of `relative` (a path with `/`) inside the wit-ts package. */
export function packageFile(relative: string): URL {
  if (root === undefined) root = findRoot(new URL("./", import.meta.url));
  return new URL(relative, root);
}

function findRoot(start: URL): URL {
  for (let dir = start; ; ) {
    const manifest = new URL("package.json", dir);
    if (existsSync(manifest)) {
      const name = (JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name;
      if (name === "wit-ts") return dir;
    }
    const parent = new URL("../", dir);
    if (parent.href === dir.href) throw new Error(`cannot find the wit-ts package above ${start.href}`);
    dir = parent;
  }
}
