/**
 * Module specifiers between generated files (`moduleSpecifier` in `src/codegen/type-expr.ts`): the
 * specifier of a file in the same folder is made without path arithmetic, and must be what the general
 * rule (`posix.relative`, `./` added unless it starts with a dot) gives for any pair of paths.
 */
import { posix } from "node:path";
import { describe, expect, it } from "vitest";
import { moduleSpecifier } from "../../src/codegen/type-expr.js";

function general(from: string, to: string): string {
  const relative = posix.relative(posix.dirname(from), to.replace(/\.ts$/, ".js"));
  return relative.startsWith(".") ? relative : `./${relative}`;
}

const PATHS = [
  "index.ts",
  "x.ts",
  "interfaces/a.ts",
  "interfaces/b-c.ts",
  "interfaces/a.d.ts",
  "interfaces/index.ts.ts",
  "interfaces/.ts",
  "interfaces/..ts",
  "interfaces/...ts",
  "interfaces/x/y.ts",
  "interfaces//a.ts",
  "interfacesx/a.ts",
  "./interfaces/a.ts",
  "component/c.js",
  "a/b/c.ts",
  "a/./b.ts",
  "a/../b.ts",
  "/abs/a.ts",
  "/abs/b.ts",
];

describe("moduleSpecifier", () => {
  it("gives what posix.relative gives, for every pair of paths", () => {
    const differ: string[] = [];
    for (const from of PATHS) {
      for (const to of PATHS) {
        const got = moduleSpecifier(from, to);
        if (got !== general(from, to)) differ.push(`${from} -> ${to}: ${got}`);
      }
    }
    expect(differ).toEqual([]);
  });
});
