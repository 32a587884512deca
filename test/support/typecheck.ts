/**
 * Type-checks generated SDKs together with the app code that uses them, the way an app's own build would:
 * `tsc --noEmit` with `strict`, `skipLibCheck: false` and a `lib` without `dom`, NodeNext modules. Consumes
 * files (paths relative to a project root, text or bytes) and produces tsc's diagnostics as text (empty when
 * the program is clean). The project is written under `node_modules/.cache` so that `@types/node` resolves as
 * in an app, and removed afterwards.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TSC = join(ROOT, "node_modules", ".bin", "tsc");
const run = promisify(execFile);

/** The settings of a strict app: what every generated SDK must compile under. */
export const STRICT_APP_OPTIONS = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  noImplicitReturns: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  skipLibCheck: false,
  noEmit: true,
  target: "ES2022",
  lib: ["ES2022", "esnext.disposable"],
  module: "NodeNext",
  moduleResolution: "NodeNext",
  types: ["node"],
} as const;

/** Writes `files` into a fresh project and runs tsc over it; returns its output ("" when clean). */
export async function typeCheck(
  files: ReadonlyMap<string, string | Uint8Array>,
  compilerOptions: Record<string, unknown> = STRICT_APP_OPTIONS,
): Promise<string> {
  const cache = join(ROOT, "node_modules", ".cache");
  await mkdir(cache, { recursive: true });
  const dir = await mkdtemp(join(cache, "wit-ts-typecheck-"));
  try {
    for (const [path, content] of files) {
      const target = join(dir, path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
    }
    await writeFile(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    await writeFile(
      join(dir, "tsconfig.json"),
      JSON.stringify({ compilerOptions, include: ["**/*.ts"] }),
    );
    try {
      const { stdout, stderr } = await run(TSC, ["-p", dir], {
        cwd: dir,
        maxBuffer: 64 * 1024 * 1024,
      });
      return stdout + stderr;
    } catch (error) {
      const failure = error as { stdout?: string; stderr?: string; message: string };
      return `${failure.stdout ?? ""}${failure.stderr ?? ""}` || failure.message;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
