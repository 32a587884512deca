/**
 * The README's "Building an app with `tsc`" as written: its `tsconfig.json` and its shell commands, run
 * literally (only `npx wit-ts` and `npx tsc` point at this checkout's CLI and compiler) in a fresh project
 * around a `.wasm` input, the WAT adder. The SDK then has a `component/` folder that `tsc` does not copy
 * into the `outDir`; the README's copy step puts it beside the compiled SDK and the compiled app runs.
 * Consumes README.md and the adder fixture; needs `npm run build` (the CLI in `bin/`).
 */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { componentFromWat } from "../e2e/support/components.js";
import { readFixture } from "../e2e/support/fixtures.js";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..", "..");
// Inside node_modules so that `@types/node` resolves as in an app.
const dir = join(ROOT, "node_modules", ".cache", `wit-ts-readme-build-${process.pid}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The fenced blocks of the README's section `title`, by language. */
function section(title: string): { jsonc: string; sh: string } {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const start = readme.indexOf(`### ${title}\n`);
  expect(start, `README section "${title}"`).toBeGreaterThanOrEqual(0);
  const text = readme.slice(start, readme.indexOf("\n### ", start + 1));
  const block = (lang: string): string => {
    const m = new RegExp("```" + lang + "\\n([\\s\\S]*?)```").exec(text);
    if (m === null) throw new Error(`no ${lang} block in README section "${title}"`);
    return m[1]!;
  };
  return { jsonc: block("jsonc"), sh: block("sh") };
}

const APP = `import { instantiate } from "./sdk/index.js";

await using app = await instantiate({ imports: { callback: (x) => x * 10 } });
console.log(await app.add(2, 3), await app.reenter(4));
`;

describe("the README's tsc build of an app whose SDK has a component/ folder", () => {
  it("compiles into the outDir with the README's tsconfig and runs after its copy step", async () => {
    const { jsonc, sh } = section("Building an app with `tsc`");
    mkdirSync(join(dir, "src"), { recursive: true });
    writeFileSync(
      join(dir, "tsconfig.json"),
      jsonc
        .split("\n")
        .filter((l) => !l.trimStart().startsWith("//"))
        .join("\n"),
    );
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(join(dir, "src", "app.ts"), APP);
    const wasm = await componentFromWat(
      readFixture("adder/adder.wat"),
      readFixture("adder/adder.wit"),
      "adder",
    );
    writeFileSync(join(dir, "component.wasm"), wasm);
    let stdout = "";
    for (const command of sh.trim().split("\n")) {
      const local = command
        .replaceAll("npx wit-ts ", `node ${JSON.stringify(join(ROOT, "bin", "wit-ts.js"))} `)
        .replaceAll("npx tsc", JSON.stringify(join(ROOT, "node_modules", ".bin", "tsc")));
      const result = await run("sh", ["-c", local], { cwd: dir }).catch(
        (e: { stdout?: string; stderr?: string; message: string }) => {
          throw new Error(`\`${command}\` failed: ${e.stdout ?? ""}${e.stderr ?? ""}${e.message}`);
        },
      );
      stdout = result.stdout;
    }
    expect(stdout).toBe("5 40\n");
  }, 120_000);
});
