/**
 * The command line as commander reads it: every command (`resolve`, `gen`), `--help`, `--version`, and the usage
 * errors of a command line that `parseGenArgs` does not read itself. Consumes argv; produces the exit code (0 ok,
 * 1 user error, 2 internal error), with help and errors written to the `Io`. `gen`'s options come from their
 * table in `cli-gen-options.ts`, so that both readers know the same options.
 */
import { Command, CommanderError } from "commander";
import { renderDiagnostics } from "./diagnostics/render.js";
import { ExitCode, internalErrorText, type Io } from "./cli-io.js";
import { runGen } from "./cli-gen.js";
import { GEN_OPTIONS, parseFeatures, type GenArgs, type GenCliOptions } from "./cli-gen-options.js";
import { version } from "./version.js";

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

/** The program; `onGen` runs `gen` with what commander read. */
function buildProgram(
  io: Io,
  onGen: (args: GenArgs) => Promise<number>,
): { run(argv: readonly string[]): Promise<number> } {
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
    );
  for (const option of GEN_OPTIONS) {
    if (option.kind === "list") gen.option(option.flags, option.description, parseFeatures);
    else gen.option(option.flags, option.description);
  }
  gen
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
      const fromCommandLine = new Set(
        GEN_OPTIONS.filter((o) => gen.getOptionValueSource(o.key) === "cli").map((o) => o.key),
      );
      exitCode = await onGen({ input, options: opts, fromCommandLine });
    });

  return {
    async run(argv) {
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
    },
  };
}

/** Runs the command line through commander and returns the exit code; never throws. */
export function runProgram(argv: readonly string[], io: Io): Promise<number> {
  return buildProgram(io, (args) =>
    runGen(args.input, args.options, (key) => args.fromCommandLine.has(key), io),
  ).run(argv);
}

/**
 * What commander reads from a `gen` command line, without running it: the yardstick `parseGenArgs` is tested
 * against. Undefined when commander does not get to `gen`'s action (help, a usage error).
 */
export async function commanderGenArgs(argv: readonly string[]): Promise<GenArgs | undefined> {
  let read: GenArgs | undefined;
  const silent: Io = { stdout: () => {}, stderr: () => {}, color: false };
  await buildProgram(silent, (args) => {
    read = args;
    return Promise.resolve(ExitCode.Ok);
  }).run(argv);
  return read;
}
