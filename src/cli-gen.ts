/**
 * What `wit-ts gen` does once its command line is read: generate (or `--check`, or `--watch`) the SDK of the
 * input, or of every entry of the config file when there is no input, and report it. Consumes the input and the
 * option values (from `parseGenArgs` or from commander, the same either way); produces files, lines on the `Io`
 * and an exit code. User errors are reported with their code frames; only bugs throw.
 */
import { existsSync } from "node:fs";
import { codes } from "./diagnostics/codes.js";
import { error, type Diagnostic } from "./diagnostics/diagnostic.js";
import { renderDiagnostics } from "./diagnostics/render.js";
import { SourceMap, UNKNOWN_SPAN } from "./diagnostics/source-map.js";
import type { ConfigEntry } from "./config.js";
import type { GenerateSdkOptions, GenerateSdkResult } from "./index.js";
import type { WatchEvent, WatchTarget } from "./watch.js";
import { ExitCode, internalErrorText, type Io } from "./cli-io.js";
import { GEN_OPTIONS, longFlag, type GenCliOptions, type GenOptionKey } from "./cli-gen-options.js";

export async function runGen(
  input: string | undefined,
  opts: GenCliOptions,
  fromCommandLine: (key: GenOptionKey) => boolean,
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
    const stray = GEN_OPTIONS.filter((o) => o.entry && fromCommandLine(o.key)).map(
      (o) => `\`${longFlag(o)}\``,
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
