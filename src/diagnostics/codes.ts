/**
 * The catalogue of diagnostic codes. Every diagnostic wit-ts reports has one
 * stable code from this table so that tests and docs can cite it. Ranges:
 * WIT1xxx lexing and parsing, WIT2xxx resolution (names, packages, types,
 * worlds), WIT3xxx input files and directories, GEN4xxx generation,
 * CLI5xxx command line and configuration.
 *
 * Keep each section in numeric order; never reuse a retired code.
 */
export const codes = {
  // --- lexing and parsing (src/wit/lexer.ts, src/wit/parser.ts) ---
  /** Internal invariant broken: a bug in wit-ts. */
  Internal: "WIT0000",
  /** A bidirectional override, Unicode-discouraged or control codepoint in the input (CVE-2021-42574). */
  ForbiddenCodepoint: "WIT1001",
  /** A character that starts no WIT token. */
  UnexpectedCharacter: "WIT1002",
  /** A `/*` block comment without its matching `*\/`. */
  UnterminatedComment: "WIT1003",
  /** A `"` string literal without its closing quote. */
  UnterminatedString: "WIT1004",
  /** An identifier that is not kebab-case (bad character, empty part between `-`s). */
  InvalidIdentifier: "WIT1005",
  /** A token other than the grammar allows here: "expected X, found Y". */
  UnexpectedToken: "WIT1010",
  /** An `@name(...)` attribute other than `@since`, `@unstable`, `@deprecated`. */
  UnknownAttribute: "WIT1011",
  /** A malformed semver version. */
  InvalidVersion: "WIT1012",
  /** An integer too large for its place (a fixed-length list size must fit in a u32). */
  IntegerTooLarge: "WIT1013",
  /** Type expressions nested deeper than the parser allows. */
  TypeNestingTooDeep: "WIT1014",
  /** `package ... { }` blocks nested deeper than the parser allows. */
  PackageNestingTooDeep: "WIT1015",
  /** Attributes written before a nested `package ... { }` block. */
  AttributesOnNestedPackage: "WIT1016",
  // --- resolution (src/wit/resolve*.ts) ---
  // --- files and directories (src/wit/load.ts) ---
  // --- generation (src/codegen) ---
  // --- command line and configuration (src/cli.ts) ---
} as const;

export type DiagnosticCode = (typeof codes)[keyof typeof codes];
