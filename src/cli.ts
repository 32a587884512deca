/**
 * The command line: argv in, files and rendered diagnostics out, and an exit code (0 ok, 1 user error, 2 internal
 * error). A thin adapter over the library API: it parses options, finds the config when `gen` has no input, calls
 * the phases, renders diagnostics with code frames (colour only on a TTY and never with NO_COLOR) and never shows
 * a stack trace for a user error. `gen --watch` hands over to `watch.ts` and runs until interrupted. A plain `gen`
 * command line is read by `parseGenArgs`; everything else (other commands, help, usage errors) by commander, which
 * is loaded only then.
 */
import { runGen } from "./cli-gen.js";
import { parseGenArgs } from "./cli-gen-options.js";
import { ExitCode, internalErrorText, type Io } from "./cli-io.js";
import { processIo } from "./stdio.js";

export { ExitCode, type Io } from "./cli-io.js";
// For bin/wit-ts.js, which exits as soon as a command is done unless output is still queued.
export { outputPending } from "./stdio.js";

/** Runs the CLI and returns the exit code; never throws. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const gen = parseGenArgs(argv);
  if (gen === undefined) {
    const { runProgram } = await import("./cli-program.js");
    return runProgram(argv, io);
  }
  try {
    return await runGen(gen.input, gen.options, (key) => gen.fromCommandLine.has(key), io);
  } catch (e) {
    io.stderr(internalErrorText(e));
    return ExitCode.Internal;
  }
}
