/**
 * What ships to users speaks of the product: the SDK generated for every sample world in `wit-samples/` (with and
 * without `--autodrop-borrows`), every file of `templates/runtime/` and README.md are scanned for references that
 * only make sense inside this repository, a tracker's `issue #<n>` or a path to one of its `docs/<file>.md` notes.
 * Each finding is reported as `file:line: text`.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { generate, selectWorld } from "../../src/codegen/generate.js";
import { resolvePath } from "../../src/wit/load.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const samplesDir = join(root, "wit-samples");
const runtimeDir = join(root, "templates", "runtime");

/** An issue number or a path to a note of this repository's `docs/` folder. */
const internalReference = /issue #\d+|\bdocs\/[\w.-]+\.md\b/i;

/** The lines of `content` that refer to something outside the product, as `name:line: text`. */
function findings(name: string, content: string): string[] {
  return content
    .split("\n")
    .flatMap((line, index) =>
      internalReference.test(line) ? [`${name}:${index + 1}: ${line.trim()}`] : [],
    );
}

const samples = readdirSync(samplesDir)
  .filter((name) => statSync(join(samplesDir, name)).isDirectory())
  .sort();

describe("text shipped to users", () => {
  it("matches what it looks for", () => {
    expect(findings("x", "a\n// see issue #5\n")).toEqual(["x:2: // see issue #5"]);
    expect(findings("x", "(docs/sdk-design.md §5)")).toHaveLength(1);
    expect(findings("x", 'name: "example:docs/documented@1.2.0#old"')).toEqual([]);
  });

  it.each(samples)("the SDK generated for wit-samples/%s names no issue or docs/ note", (name) => {
    const resolved = resolvePath(join(samplesDir, name));
    expect(resolved.diagnostics).toEqual([]);
    const world = selectWorld(resolved.resolve!, resolved.packageIds);
    if (typeof world !== "number") throw new Error(`${name}: ${world.message}`);
    const found = [false, true].flatMap((autodropBorrows) =>
      generate(resolved.resolve!, world, {
        input: `wit-samples/${name}`,
        version: "0.0.0",
        autodropBorrows,
      })
        .filter((file) => !file.path.startsWith("runtime/"))
        .flatMap((file) => findings(file.path, file.content)),
    );
    expect(found).toEqual([]);
  });

  it("templates/runtime names no issue or docs/ note", () => {
    const found = readdirSync(runtimeDir)
      .filter((file) => file.endsWith(".ts"))
      .flatMap((file) =>
        findings(`templates/runtime/${file}`, readFileSync(join(runtimeDir, file), "utf8")),
      );
    expect(found).toEqual([]);
  });

  it("README.md names no issue or docs/ note", () => {
    expect(findings("README.md", readFileSync(join(root, "README.md"), "utf8"))).toEqual([]);
  });
});
