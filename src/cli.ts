/**
 * The command line: argv in, files and rendered diagnostics out, and an exit
 * code (0 ok, 1 user error, 2 internal error). A thin adapter over the library
 * API: it parses options, calls the phases, renders diagnostics with code
 * frames (colour only on a TTY and never with NO_COLOR) and never shows a
 * stack trace for a user error.
 */
import { Command, CommanderError } from "commander";
import { renderDiagnostics } from "./diagnostics/render.js";
import { version } from "./version.js";

export const ExitCode = { Ok: 0, UserError: 1, Internal: 2 } as const;

interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  color: boolean;
}

function defaultIo(): Io {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    color: Boolean(process.stderr.isTTY) && !process.env["NO_COLOR"],
  };
}

function parseFeatures(value: string, previous: string[] = []): string[] {
  return previous.concat(
    value
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  );
}

/** Runs the CLI and returns the exit code; never throws. */
export async function main(argv: readonly string[], io: Io = defaultIo()): Promise<number> {
  let exitCode: number = ExitCode.Ok;
  const program = new Command()
    .name("wit-ts")
    .description("Generate typed TypeScript host SDKs from WebAssembly Component Model WIT worlds.")
    .version(version(), "-V, --version")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError();

  program
    .command("resolve")
    .description("parse and resolve a WIT file or directory (with its deps/) and check it")
    .argument("<path>", "a .wit file or a directory holding a WIT package")
    .option("--world <name>", "check that this world exists")
    .option("--features <list>", "enable @unstable features (comma separated, repeatable)", parseFeatures, [])
    .option("--all-features", "enable every @unstable feature")
    .option("--json", "print the resolved model as wit-parser's Resolve JSON")
    .addHelpText(
      "after",
      "\nExamples:\n  $ wit-ts resolve wit-samples/greeter --json\n  $ wit-ts resolve world.wit --features active",
    )
    .action(async (path: string, opts: { world?: string; features: string[]; allFeatures?: boolean; json?: boolean }) => {
      const { resolvePath } = await import("./wit/load.js");
      const result = resolvePath(path, { features: opts.features, allFeatures: opts.allFeatures ?? false });
      if (result.diagnostics.length > 0 || !result.resolve) {
        io.stderr(renderDiagnostics(result.diagnostics, result.sources, { color: io.color }) + "\n");
        exitCode = ExitCode.UserError;
        return;
      }
      if (opts.json) {
        const { toJson } = await import("./wit/json.js");
        io.stdout(JSON.stringify(toJson(result.resolve), null, 2) + "\n");
      }
    });

  try {
    await program.parseAsync(argv as string[], { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return e.exitCode === 0 ? ExitCode.Ok : ExitCode.UserError;
    }
    const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
    io.stderr(
      `internal error: wit-ts hit a bug; please report it with the input that caused it.\n${detail}\n`,
    );
    return ExitCode.Internal;
  }
  return exitCode;
}
