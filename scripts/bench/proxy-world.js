/**
 * The WASI 0.2.12 `wasi:http/proxy` world as a WIT folder (the package and its deps/), assembled from the WASI WIT
 * that jco ships (`lib/wit/builtin/0.2.12`), for the whole-process comparison with `jco types`.
 */
import { cpSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function writeProxyWorld(dir) {
  const builtin = join(
    dirname(fileURLToPath(import.meta.resolve("@bytecodealliance/jco"))),
    "..",
    "lib",
    "wit",
    "builtin",
    "0.2.12",
  );
  mkdirSync(join(dir, "deps"), { recursive: true });
  cpSync(join(builtin, "wasi-http", "package.wit"), join(dir, "package.wit"));
  for (const pkg of ["cli", "clocks", "filesystem", "io", "random", "sockets"]) {
    mkdirSync(join(dir, "deps", pkg));
    cpSync(join(builtin, `wasi-${pkg}`, "package.wit"), join(dir, "deps", pkg, "package.wit"));
  }
  return dir;
}
