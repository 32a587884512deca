/**
 * Finds files of the wit-ts package at run time (`package.json`, the runtime sources under `templates/runtime/`)
 * wherever the running code sits: `src/` under vitest, `dist/` when compiled, `dist/bundle/` in the CLI's
 * one-file bundle. Consumes the running module's URL; produces the package root's URL, found once by walking
 * up to the first `package.json` whose name is `wit-ts`.
 */
import { existsSync, readFileSync } from "node:fs";

/** The package's `package.json`, as far as wit-ts reads it. */
export interface PackageManifest {
  readonly name: string;
  readonly version: string;
}

let found: { readonly root: URL; readonly manifest: PackageManifest } | undefined;

/** The URL of `relative` (a path with `/`) inside the wit-ts package. */
export function packageFile(relative: string): URL {
  found ??= findRoot(new URL("./", import.meta.url));
  return new URL(relative, found.root);
}

/** wit-ts's own `package.json`, read once while finding the package root. */
export function packageManifest(): PackageManifest {
  found ??= findRoot(new URL("./", import.meta.url));
  return found.manifest;
}

function findRoot(start: URL): { root: URL; manifest: PackageManifest } {
  for (let dir = start; ;) {
    const file = new URL("package.json", dir);
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, "utf8")) as PackageManifest;
      if (manifest.name === "wit-ts") return { root: dir, manifest };
    }
    const parent = new URL("../", dir);
    if (parent.href === dir.href)
      throw new Error(`cannot find the wit-ts package above ${start.href}`);
    dir = parent;
  }
}
