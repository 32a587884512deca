import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile, copyFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { runtimeFiles } from "../../../src/codegen/runtime-symbols.js";

const runtimeDir = fileURLToPath(new URL("../../../templates/runtime/", import.meta.url));
const tsc = fileURLToPath(new URL("../../../node_modules/.bin/tsc", import.meta.url));
const run = promisify(execFile);

/** The strictest settings a user project may copy the runtime into (see the runtime's brief). */
const strictOptions = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  noPropertyAccessFromIndexSignature: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  erasableSyntaxOnly: true,
  lib: ["ES2022", "esnext.disposable"],
  target: "ES2022",
  module: "NodeNext",
  moduleResolution: "NodeNext",
  // No @types/node: the runtime must not lean on Node's globals.
  types: [],
  skipLibCheck: false,
  noEmit: true,
};

async function typecheckCopy(
  files: readonly string[],
  extraOptions: Record<string, unknown>,
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "wit-ts-runtime-"));
  try {
    for (const file of files) await copyFile(join(runtimeDir, file), join(dir, file));
    await writeFile(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    await writeFile(
      join(dir, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { ...strictOptions, ...extraOptions }, include: ["*.ts"] }),
    );
    try {
      const { stdout, stderr } = await run(tsc, ["-p", dir], { cwd: dir });
      return stdout + stderr;
    } catch (error) {
      const failure = error as { stdout?: string; stderr?: string; message: string };
      return `${failure.stdout ?? ""}${failure.stderr ?? ""}` || failure.message;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Drops comments (the runtime has no comment markers inside strings), so that prose cannot trip the checks. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}

describe("runtime portability", () => {
  it("type-checks when copied into a project with the strictest settings", async () => {
    const files = (await readdir(runtimeDir)).filter((file) => file.endsWith(".ts"));
    expect(await typecheckCopy(files, {})).toBe("");
  });

  it("the copied file set is closed and also passes isolatedDeclarations and unused-code checks", async () => {
    const output = await typecheckCopy(runtimeFiles, {
      isolatedDeclarations: true,
      declaration: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
      noImplicitReturns: true,
      noFallthroughCasesInSwitch: true,
    });
    expect(output).toBe("");
  });

  it("copies every file of templates/runtime into SDKs", async () => {
    const files = (await readdir(runtimeDir)).filter((file) => file.endsWith(".ts")).sort();
    expect([...runtimeFiles].sort()).toEqual(files);
  });

  it.each(runtimeFiles)(
    "%s imports only sibling runtime files and uses no `using` declarations",
    async (file) => {
      const text = withoutComments(await readFile(join(runtimeDir, file), "utf8"));
      const specifiers = [
        ...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gm),
      ].map((match) => match[1]);
      for (const specifier of specifiers) expect(specifier).toMatch(/^\.\/[a-z-]+\.js$/);
      // The isolation worker's entry point loads the component it runs by URL; nothing else loads code.
      if (file !== "isolate-worker.ts") expect(text).not.toMatch(/\bimport\(/);
      expect(text).not.toMatch(/^\s*(?:await\s+)?using\s+[A-Za-z_$]/m);
      expect(text).not.toMatch(/\brequire\s*\(/);
      // Node globals only through `globalThis`, probed at run time.
      expect(text).not.toMatch(/(?<![.\w])process\./);
      const siblings = specifiers.map((specifier) => specifier!.slice(2).replace(/\.js$/, ".ts"));
      for (const sibling of siblings) expect(runtimeFiles).toContain(sibling);
    },
  );
});
