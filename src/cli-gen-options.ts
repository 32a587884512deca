/**
 * The options of `wit-ts gen`, described once, and a reader for the common `gen` command lines. Commander builds
 * the `gen` command from the table (help, usage errors, every rarer spelling); `parseGenArgs` reads a command
 * line that names only these options, in the spellings listed below, without loading commander, which is a fifth
 * of the CLI's code and would be read, set up and run on every `gen`. Consumes argv (after `wit-ts`); produces the
 * input, the option values exactly as commander gives them, and which options the command line set, or
 * `undefined` for anything else (`--help`, an unknown option, `--`, a missing value, combined short flags), which
 * then goes to commander.
 */

/** `gen`'s option values, keyed as commander keys them. */
export interface GenCliOptions {
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

export type GenOptionKey = keyof GenCliOptions;

interface GenOption {
  readonly key: GenOptionKey;
  /** commander's flags: short and long names, `<value>` for an option that takes one. */
  readonly flags: string;
  readonly description: string;
  /**
   * `flag` sets true; `negated` (`--no-x`) sets false, and commander defaults it to true; `value` takes the next
   * argument (or `=value`), the last one given wins; `list` adds comma-separated items to the earlier ones.
   */
  readonly kind: "flag" | "negated" | "value" | "list";
  /** An option that describes one SDK: with a config file it belongs in the config, not on the command line. */
  readonly entry: boolean;
}

/** In `gen --help` order. */
export const GEN_OPTIONS: readonly GenOption[] = [
  {
    key: "world",
    flags: "-w, --world <name>",
    description: "the world to generate (needed when the package has several)",
    kind: "value",
    entry: true,
  },
  {
    key: "out",
    flags: "-o, --out <dir>",
    description: "output directory (default: generated)",
    kind: "value",
    entry: true,
  },
  {
    key: "features",
    flags: "--features <list>",
    description: "enable @unstable features (comma separated, repeatable)",
    kind: "list",
    entry: true,
  },
  {
    key: "allFeatures",
    flags: "--all-features",
    description: "enable every @unstable feature",
    kind: "flag",
    entry: true,
  },
  {
    key: "autodropBorrows",
    flags: "--autodrop-borrows",
    description: "hand import handlers scoped Borrowed<T> views that are revoked when they return",
    kind: "flag",
    entry: true,
  },
  {
    key: "runtimeImport",
    flags: "--runtime-import <specifier>",
    description: "import the SDK runtime from this module instead of copying it",
    kind: "value",
    entry: true,
  },
  {
    key: "directCalls",
    flags: "--no-direct-calls",
    description:
      "for a .wasm input: send every call through jco instead of calling core exports directly",
    kind: "negated",
    entry: true,
  },
  {
    key: "verbose",
    flags: "--verbose",
    description: "also name each exported function that is not called directly, and why",
    kind: "flag",
    entry: false,
  },
  {
    key: "config",
    flags: "--config <file>",
    description: "read this config file instead of searching for wit-ts.config.*",
    kind: "value",
    entry: false,
  },
  {
    key: "check",
    flags: "--check",
    description: "write nothing; exit 1 and list the files that differ when the output is stale",
    kind: "flag",
    entry: false,
  },
  {
    key: "format",
    flags: "--format",
    description:
      "format the output with the prettier installed in your project and your prettier config",
    kind: "flag",
    entry: false,
  },
  {
    key: "watch",
    flags: "--watch",
    description: "regenerate whenever an input WIT file (deps/ included) changes; Ctrl-C stops",
    kind: "flag",
    entry: false,
  },
];

/** The option's long name as the user types it (`--no-direct-calls`). */
export function longFlag(option: GenOption): string {
  return option.flags.split(/[ ,]+/).find((name) => name.startsWith("--"))!;
}

/** `--features a,b --features c` -> `["a", "b", "c"]`: commander's argument parser for list options. */
export function parseFeatures(value: string, previous: string[] = []): string[] {
  return previous.concat(
    value
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  );
}

/** A `gen` command line as read by {@link parseGenArgs}. */
export interface GenArgs {
  readonly input: string | undefined;
  readonly options: GenCliOptions;
  /** The options the command line set (commander's option value source `cli`). */
  readonly fromCommandLine: ReadonlySet<GenOptionKey>;
}

/** Each option by each of its names (`-w` and `--world`). */
const byName = new Map<string, GenOption>();
for (const option of GEN_OPTIONS)
  for (const name of option.flags.split(/[ ,]+/))
    if (name.startsWith("-")) byName.set(name, option);

/**
 * Reads `gen [input] [options]` when every argument is one this reader knows it reads as commander does; any
 * other command line is left to commander (`undefined`).
 */
export function parseGenArgs(argv: readonly string[]): GenArgs | undefined {
  if (argv[0] !== "gen") return undefined;
  const values: Record<string, unknown> = {};
  const fromCommandLine = new Set<GenOptionKey>();
  let input: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("-")) {
      // A second operand is commander's "too many arguments".
      if (input !== undefined) return undefined;
      input = arg;
      continue;
    }
    const equals = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const option = byName.get(equals === -1 ? arg : arg.slice(0, equals));
    if (option === undefined) return undefined;
    let value: string | undefined;
    if (option.kind === "value" || option.kind === "list") {
      if (equals !== -1) value = arg.slice(equals + 1);
      else {
        value = argv[++i];
        // A value that looks like an option, or none: commander's rules for these are left to commander.
        if (value === undefined || value.startsWith("-")) return undefined;
      }
    } else if (equals !== -1) return undefined;
    switch (option.kind) {
      case "flag":
        values[option.key] = true;
        break;
      case "negated":
        values[option.key] = false;
        break;
      case "value":
        values[option.key] = value;
        break;
      case "list":
        values[option.key] = parseFeatures(value!, values[option.key] as string[] | undefined);
        break;
      default:
        assertNever(option.kind);
    }
    fromCommandLine.add(option.key);
  }
  // commander's default for a `--no-x` option that was not given.
  for (const option of GEN_OPTIONS)
    if (option.kind === "negated" && !fromCommandLine.has(option.key)) values[option.key] = true;
  return { input, options: values as GenCliOptions, fromCommandLine };
}

function assertNever(x: never): never {
  throw new Error(`internal: unexpected ${JSON.stringify(x)}`);
}
