/**
 * The command line: argv in, files and rendered diagnostics out, and an exit
 * code (0 ok, 1 user error, 2 internal error). A thin adapter over the library
 * API: it parses options, finds the config when `gen` has no input, calls the
 * phases, renders diagnostics with code frames (colour only on a TTY and
 * never with NO_COLOR) and never shows a stack trace for a user error.
 * `gen --watch` hands over to `watch.ts` and runs until interrupted.
 */
import { existsSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { codes } from "./diagnostics/codes.js";
import { error, type Diagnostic } from "./diagnostics/diagnostic.js";
import { renderDiagnostics } from "./diagnostics/render.js";
import { SourceMap, UNKNOWN_SPAN } from "./diagnostics/source-map.js";
import type { ConfigEntry } from "./config.js";
import type { GenerateSdkOptions, GenerateSdkResult } from "./index.js";
import type { WatchEvent, WatchTarget } from "./watch.js";
import { processIo } from "./stdio.js";
import { version } from "./version.js";

// For bin/wit-ts.js, which exits as soon as a command is done unless output is still queued.
export { outputPending } from "./stdio.js";

export const ExitCode = { Ok: 0, UserError: 1, Internal: 2 } as const;

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Colour diagnostics (written to stderr). */
  readonly color: boolean;
  /** Resolves when the user asks a long-running command (`gen --watch`) to stop; default SIGINT/SIGTERM. */
  interrupted?: Promise<void>;
}

function parseFeatures(value: string, previous: string[] = []): string[] {
  return previous.concat(
    value
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  );
}

const PROGRAM_HELP = `
Examples:
  $ wit-ts resolve wit/ --json                  print the resolved model of a WIT package
  $ wit-ts gen wit/ -o src/sdk                  generate a host SDK for the package's world
  $ wit-ts gen                                  generate every SDK listed in wit-ts.config.*
  $ wit-ts gen --watch                          regenerate whenever a WIT file changes
  $ wit-ts gen --check                          in CI: exit 1 when a checked-in SDK is stale
  $ wit-ts gen --format                         format the SDK with your project's prettier and config

Config (used by \`gen\` without an input; searched from the working folder upwards):
  wit-ts.config.ts, .mts, .mjs, .js, .json, or a "wit-ts" key in package.json, holding one
  entry or an array of entries: { input, out, world?, features?, allFeatures?,
  autodropBorrows?, runtimeImport?, format? }.

Exit codes:
  0  success (for --check: the output is up to date)
  1  user error: bad WIT, bad arguments or config, a stale output under --check
  2  internal error: a bug in wit-ts; please report it

Colour is used on a terminal only, and never when NO_COLOR is set.`;

/** Runs the CLI and returns the exit code; never throws. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let exitCode: number = ExitCode.Ok;
  const program = new Command()
    .name("wit-ts")
    .description("Generate typed TypeScript host SDKs from WebAssembly Component Model WIT worlds.")
    .version(version(), "-V, --version")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError()
    .addHelpText("after", PROGRAM_HELP);

  program
    .command("resolve")
    .description("parse and resolve a WIT file or directory (with its deps/) and check it")
    .argument("<path>", "a .wit file or a directory holding a WIT package")
    .option("--world <name>", "check that this world exists")
    .option(
      "--features <list>",
      "enable @unstable features (comma separated, repeatable)",
      parseFeatures,
      [],
    )
    .option("--all-features", "enable every @unstable feature")
    .option("--json", "print the resolved model as wit-parser's Resolve JSON")
    .addHelpText(
      "after",
      "\nExamples:\n  $ wit-ts resolve wit-samples/greeter --json\n  $ wit-ts resolve world.wit --features active",
    )
    .action(
      async (
        path: string,
        opts: { world?: string; features: string[]; allFeatures?: boolean; json?: boolean },
      ) => {
        const { resolvePath } = await import("./wit/load.js");
        const result = resolvePath(path, {
          features: opts.features,
          allFeatures: opts.allFeatures ?? false,
        });
        if (result.diagnostics.length > 0 || !result.resolve) {
          io.stderr(
            renderDiagnostics(result.diagnostics, result.sources, { color: io.color }) + "\n",
          );
          exitCode = ExitCode.UserError;
          return;
        }
        if (opts.json) {
          const { toJson } = await import("./wit/json.js");
          io.stdout(JSON.stringify(toJson(result.resolve), null, 2) + "\n");
        }
      },
    );

  const gen = program
    .command("gen")
    .description(
      "generate a typed TypeScript host SDK for a WIT world or a component (without <input>: from the config)",
    )
    .argument(
      "[input]",
      "a .wit file, a directory holding a WIT package (with deps/), or a .wasm component",
    )
    .option("-w, --world <name>", "the world to generate (needed when the package has several)")
    .option("-o, --out <dir>", "output directory (default: generated)")
    .option(
      "--features <list>",
      "enable @unstable features (comma separated, repeatable)",
      parseFeatures,
    )
    .option("--all-features", "enable every @unstable feature")
    .option(
      "--autodrop-borrows",
      "hand import handlers scoped Borrowed<T> views that are revoked when they return",
    )
    .option(
      "--runtime-import <specifier>",
      "import the SDK runtime from this module instead of copying it",
    )
    .option(
      "--no-direct-calls",
      "for a .wasm input: send every call through jco instead of calling core exports directly",
    )
    .option("--verbose", "also name each exported function that is not called directly, and why")
    .option("--config <file>", "read this config file instead of searching for wit-ts.config.*")
    .option(
      "--check",
      "write nothing; exit 1 and list the files that differ when the output is stale",
    )
    .option(
      "--format",
      "format the output with the prettier installed in your project and your prettier config",
    )
    .option(
      "--watch",
      "regenerate whenever an input WIT file (deps/ included) changes; Ctrl-C stops",
    )
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  $ wit-ts gen wit-samples/greeter -o src/greeter-sdk",
        "  $ wit-ts gen component.wasm -o src/sdk        # also transpiles the component with jco",
        "  $ wit-ts gen wit/ --world proxy --check        # in CI: fail when the checked-in SDK is stale",
        "  $ wit-ts gen                                   # every entry of wit-ts.config.*",
        "  $ wit-ts gen --watch                           # regenerate on change; prints `regenerated ... in N ms`",
      ].join("\n"),
    )
    .action(async (input: string | undefined, opts: GenCliOptions) => {
      exitCode = await runGen(input, opts, gen, io);
    });

  try {
    await program.parseAsync(argv as string[], { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return e.exitCode === 0 ? ExitCode.Ok : ExitCode.UserError;
    }
    io.stderr(internalErrorText(e));
    return ExitCode.Internal;
  }
  return exitCode;
}

interface GenCliOptions {
  world?: string;
  out?: string;
  features?: string[];
  allFeatures?: boolean;
  autodropBorrows?: boolean;
  runtimeImport?: string;
  directCalls?: boolean;
  verbose?: boolean;
  config?: string;
  check?: boolean;
  watch?: boolean;
  format?: boolean;
}

/** Options that describe one SDK; with a config they belong in the config, not on the command line. */
const ENTRY_FLAGS = [
  ["world", "--world"],
  ["out", "--out"],
  ["features", "--features"],
  ["allFeatures", "--all-features"],
  ["autodropBorrows", "--autodrop-borrows"],
  ["runtimeImport", "--runtime-import"],
  ["directCalls", "--no-direct-calls"],
] as const;

async function runGen(
  input: string | undefined,
  opts: GenCliOptions,
  command: Command,
  io: Io,
): Promise<number> {
  const usage = (message: string): number => {
    io.stderr(render([error(codes.UsageError, message, UNKNOWN_SPAN)], new SourceMap(), io) + "\n");
    return ExitCode.UserError;
  };
  if (opts.check && opts.watch) return usage("`--check` and `--watch` cannot be used together");

  let entries: readonly ConfigEntry[];
  const startDir = process.cwd();
  if (input !== undefined) {
    if (opts.config !== undefined) return usage("give either an <input> or `--config`, not both");
    entries = [
      {
        input,
        out: opts.out ?? "generated",
        ...(opts.world === undefined ? {} : { world: opts.world }),
        ...(opts.features === undefined ? {} : { features: opts.features }),
        ...(opts.allFeatures === undefined ? {} : { allFeatures: opts.allFeatures }),
        ...(opts.autodropBorrows === undefined ? {} : { autodropBorrows: opts.autodropBorrows }),
        ...(opts.runtimeImport === undefined ? {} : { runtimeImport: opts.runtimeImport }),
        ...(opts.directCalls === false ? { directCalls: false } : {}),
        ...(opts.format === undefined ? {} : { format: opts.format }),
      },
    ];
  } else {
    const stray = ENTRY_FLAGS.filter(([key]) => command.getOptionValueSource(key) === "cli").map(
      ([, flag]) => `\`${flag}\``,
    );
    if (stray.length > 0) {
      return usage(
        `${stray.join(", ")} ${stray.length === 1 ? "needs" : "need"} an <input>; without one, \`gen\` reads the config file, where these options belong`,
      );
    }
    const { loadConfig } = await import("./config.js");
    const loaded = await loadConfig(opts.config === undefined ? {} : { file: opts.config });
    if (!loaded.config) {
      io.stderr(render(loaded.diagnostics, new SourceMap(), io) + "\n");
      return ExitCode.UserError;
    }
    // `--format` applies to every entry of the config; `format: true` in an entry applies to that one.
    entries = opts.format
      ? loaded.config.entries.map((e) => ({ ...e, format: true }))
      : loaded.config.entries;
    // Paths in a config are relative to its folder: working there reads them as the config means them.
    process.chdir(loaded.config.dir);
  }
  try {
    if (opts.watch) return await runWatch(entries, io);
    let code: number = ExitCode.Ok;
    for (const entry of entries) {
      const one = opts.check
        ? await checkOne(entry, io)
        : await genOne(entry, io, opts.verbose === true);
      if (one !== ExitCode.Ok) code = one;
    }
    return code;
  } finally {
    process.chdir(startDir);
  }
}

function sdkOptions(entry: ConfigEntry): GenerateSdkOptions {
  return {
    input: entry.input,
    out: entry.out,
    features: [...(entry.features ?? [])],
    allFeatures: entry.allFeatures ?? false,
    ...(entry.world === undefined ? {} : { world: entry.world }),
    ...(entry.autodropBorrows === undefined ? {} : { autodropBorrows: entry.autodropBorrows }),
    ...(entry.runtimeImport === undefined ? {} : { runtimeImport: entry.runtimeImport }),
    ...(entry.directCalls === undefined ? {} : { directCalls: entry.directCalls }),
  };
}

function render(diagnostics: readonly Diagnostic[], sources: SourceMap, io: Io): string {
  return renderDiagnostics(diagnostics, sources, { color: io.color });
}

/** Generates one entry's SDK, formatted with the user's prettier when the entry asks for it. */
async function generateEntry(entry: ConfigEntry): Promise<GenerateSdkResult> {
  const { formatSdk, generateSdk } = await import("./index.js");
  const result = await generateSdk(sdkOptions(entry));
  // prettier is looked for from the output folder, then from the working folder (the config file's, with one).
  return entry.format
    ? await formatSdk(entry.out, result, { searchFrom: [process.cwd()] })
    : result;
}

async function genOne(entry: ConfigEntry, io: Io, verbose = false): Promise<number> {
  const { writeSdk } = await import("./index.js");
  const result = await generateEntry(entry);
  if (result.diagnostics.length > 0) {
    io.stderr(render(result.diagnostics, result.sources, io) + "\n");
    return ExitCode.UserError;
  }
  try {
    writeSdk(entry.out, result);
  } catch (e) {
    io.stderr(
      `error[${codes.OutputWriteFailed}]: cannot write the output directory \`${entry.out}\`: ${(e as Error).message}\n`,
    );
    return ExitCode.UserError;
  }
  io.stdout(`wrote ${result.files.length} files to ${entry.out} (world ${result.worldKey})\n`);
  const report = result.directCalls;
  if (report !== undefined) {
    io.stdout(`calls: ${report.direct} of ${report.total} functions direct\n`);
    if (verbose)
      for (const [name, reason] of report.viaJco) io.stdout(`  through jco: ${name}: ${reason}\n`);
  }
  // A WIT input's component is transpiled by the user: with the maps and async lists its world needs.
  if (result.jcoCommand !== undefined)
    io.stdout(`transpile its component with: ${result.jcoCommand}\n`);
  return ExitCode.Ok;
}

async function checkOne(entry: ConfigEntry, io: Io): Promise<number> {
  const { checkSdk } = await import("./index.js");
  const result = await generateEntry(entry);
  if (result.diagnostics.length > 0) {
    io.stderr(render(result.diagnostics, result.sources, io) + "\n");
    return ExitCode.UserError;
  }
  const diff = checkSdk(entry.out, result);
  if (diff.changed.length === 0 && diff.stale.length === 0) {
    io.stdout(`${entry.out} is up to date (world ${result.worldKey})\n`);
    return ExitCode.Ok;
  }
  const lines = [
    ...diff.changed.map((p) => `  changed: ${p}`),
    ...diff.stale.map((p) => `  stale:   ${p}`),
  ];
  io.stderr(
    `${entry.out} is out of date (world ${result.worldKey}); run wit-ts gen to update:\n${lines.join("\n")}\n`,
  );
  return ExitCode.UserError;
}

/** `gen --watch`: generate, then regenerate on every change until interrupted; see watch.ts. */
async function runWatch(entries: readonly ConfigEntry[], io: Io): Promise<number> {
  const missing = entries.filter((e) => !existsSync(e.input));
  if (missing.length > 0) {
    io.stderr(
      render(
        missing.map((e) =>
          error(
            codes.PathNotFound,
            `cannot watch \`${e.input}\`: no such file or directory`,
            UNKNOWN_SPAN,
          ),
        ),
        new SourceMap(),
        io,
      ) + "\n",
    );
    return ExitCode.UserError;
  }
  const { watchSdk } = await import("./watch.js");
  const targets: WatchTarget[] = entries.map((e) => ({
    options: sdkOptions(e),
    out: e.out,
    ...(e.format ? { format: { searchFrom: [process.cwd()] } } : {}),
  }));
  const watcher = watchSdk(targets, {
    onEvent: (event) => reportWatchEvent(event, io),
    onInternalError: (e) => io.stderr(internalErrorText(e)),
  });
  await watcher.ready;
  io.stdout(`watching ${entries.map((e) => e.input).join(", ")} for changes (Ctrl-C to stop)\n`);
  await (io.interrupted ?? untilSignal());
  await watcher.close();
  return ExitCode.Ok;
}

/** One line per regeneration (diagnostics and their frames on stderr); the `in N ms` is generation plus write time. */
function reportWatchEvent(event: WatchEvent, io: Io): void {
  const { out } = event.target;
  switch (event.kind) {
    case "written":
      io.stdout(
        `regenerated ${out} (world ${event.worldKey}): ${event.changed} of ${event.files} files changed in ${ms(event.durationMs)} ms\n`,
      );
      break;
    case "unchanged":
      io.stdout(
        `${out} is up to date (world ${event.worldKey}), checked in ${ms(event.durationMs)} ms\n`,
      );
      break;
    case "failed":
      io.stderr(render(event.diagnostics, event.sources, io) + "\n");
      io.stderr(
        `${event.target.options.input} has errors; ${out} was left as it was. Waiting for changes...\n`,
      );
      break;
    case "write-failed":
      io.stderr(
        `error[${codes.OutputWriteFailed}]: cannot write the output directory \`${out}\`: ${event.message}\n`,
      );
      break;
    default:
      assertNever(event);
  }
}

function internalErrorText(e: unknown): string {
  const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
  return `internal error: wit-ts hit a bug; please report it with the input that caused it.\n${detail}\n`;
}

function ms(value: number): string {
  return String(Math.max(0, Math.round(value)));
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

function assertNever(x: never): never {
  throw new Error(`internal: unexpected ${JSON.stringify(x)}`);
}
