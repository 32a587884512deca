/**
 * The WASI WIT that jco ships (`@bytecodealliance/jco/lib/wit/builtin/<version>/wasi-*`), for componentize-js
 * guests that import WASI interfaces directly. Consumes a version and package names; produces one WIT text of
 * nested `package wasi:x@v { ... }` blocks to append to a guest's world (componentize-js takes WIT as text).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const builtin = fileURLToPath(
  new URL("../../../node_modules/@bytecodealliance/jco/lib/wit/builtin/", import.meta.url),
);

/** `wasi:<name>@<version>` for each name (`cli`, `io`, ...), as nested package blocks. */
export function wasiPackages(version: string, names: readonly string[]): string {
  return names
    .map((name) => {
      const text = readFileSync(join(builtin, version, `wasi-${name}`, "package.wit"), "utf8");
      return `${text.replace(/^package ([^;]+);/m, "package $1 {")}\n}\n`;
    })
    .join("\n");
}
