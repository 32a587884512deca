/**
 * The opt-in formatting pass (`gen --format`, config key `format: true`, plugin option `format`). Consumes a
 * generated SDK in memory and the folders to look for prettier from (the output folder, then the config file's
 * folder); produces the same files formatted by the prettier installed in the user's project with the user's
 * prettier config (resolved for each file where it will be written), before they are compared or written. wit-ts
 * ships no prettier of its own: a project without one gets a diagnostic saying so, never a stack trace.
 */
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { codes } from "./diagnostics/codes.js";
import { error, type Diagnostic } from "./diagnostics/diagnostic.js";
import { UNKNOWN_SPAN } from "./diagnostics/source-map.js";
import type { OutputFile } from "./output.js";

/** The part of prettier's API the pass uses. */
interface Prettier {
  format(source: string, options: Record<string, unknown>): Promise<string>;
  resolveConfig(
    filePath: string,
    options?: { editorconfig?: boolean },
  ): Promise<Record<string, unknown> | null>;
}

export type FormatResult =
  | { readonly kind: "ok"; readonly files: OutputFile[] }
  | { readonly kind: "error"; readonly diagnostic: Diagnostic };

/**
 * Formats the TypeScript files of `files`, which will be written to `outDir`, with the user's prettier, found
 * from `outDir` or else from the folders in `searchFrom`.
 */
export async function formatOutput(
  files: readonly OutputFile[],
  outDir: string,
  searchFrom: readonly string[] = [],
): Promise<FormatResult> {
  const out = resolve(outDir);
  const prettier = await loadPrettier([out, ...searchFrom.map((dir) => resolve(dir))]);
  if (prettier.kind === "error") return prettier;
  const formatted: OutputFile[] = [];
  for (const file of files) {
    if (typeof file.content !== "string" || !file.path.endsWith(".ts")) {
      formatted.push(file);
      continue;
    }
    const filepath = join(out, file.path);
    try {
      const config = (await prettier.api.resolveConfig(filepath, { editorconfig: true })) ?? {};
      formatted.push({
        path: file.path,
        content: await prettier.api.format(file.content, { ...config, filepath }),
      });
    } catch (e) {
      return failed(
        `prettier failed to format \`${file.path}\`: ${firstLine(e)}`,
        "check your prettier config",
      );
    }
  }
  return { kind: "ok", files: formatted };
}

type Loaded =
  | { readonly kind: "ok"; readonly api: Prettier }
  | { readonly kind: "error"; readonly diagnostic: Diagnostic };

/** The prettier that `require("prettier")` would load in the first of `dirs` that has one. */
async function loadPrettier(dirs: readonly string[]): Promise<Loaded> {
  for (const dir of dirs) {
    let path: string;
    try {
      // A file name inside the folder, which need not exist: resolution starts in the folder itself.
      path = createRequire(join(dir, "noop.js")).resolve("prettier");
    } catch {
      continue;
    }
    try {
      const loaded = (await import(pathToFileURL(path).href)) as Partial<Prettier> & {
        default?: Partial<Prettier>;
      };
      const api = typeof loaded.format === "function" ? loaded : loaded.default;
      if (typeof api?.format !== "function" || typeof api.resolveConfig !== "function") {
        return failed(
          `the prettier at \`${path}\` has no \`format\` function`,
          "`--format` needs prettier 3",
        );
      }
      return { kind: "ok", api: api as Prettier };
    } catch (e) {
      return failed(`cannot load the prettier at \`${path}\`: ${firstLine(e)}`);
    }
  }
  return failed(
    `\`--format\` needs prettier, and none is installed for \`${dirs[0] ?? "."}\``,
    "install it in your project (`npm install --save-dev prettier`), or generate without `--format`",
  );
}

function failed(
  message: string,
  hint?: string,
): { readonly kind: "error"; readonly diagnostic: Diagnostic } {
  return {
    kind: "error",
    diagnostic: error(
      codes.FormatFailed,
      message,
      UNKNOWN_SPAN,
      hint === undefined ? {} : { hint },
    ),
  };
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0]!;
}
