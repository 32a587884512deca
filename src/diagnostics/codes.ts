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
  /** A name that resolves to nothing: "type `x` does not exist", "interface or world `x` does not exist". */
  UnknownName: "WIT2001",
  /** A type, interface or world that depends on itself. */
  DependencyCycle: "WIT2002",
  /** A name defined twice in one scope (types, functions, params, items of a package or file). */
  DuplicateName: "WIT2003",
  /** A name of the wrong kind for its use: a world where an interface is needed, a function used as a type. */
  WrongItemKind: "WIT2004",
  /** `own<T>` / `borrow<T>` where `T` is not a resource. */
  HandleNotResource: "WIT2005",
  /** A resource constructor with a return type other than `result<R, E>` of that resource. */
  InvalidConstructor: "WIT2006",
  /** A malformed type: an empty enum or variant, a map key that is not a primitive. */
  InvalidType: "WIT2007",
  /** A function whose result contains a `borrow<T>`. */
  BorrowInResult: "WIT2008",
  /** A problem with `package` declarations: missing, conflicting, nested, documented twice. */
  PackageDeclaration: "WIT2010",
  /** A reference to a package, or an item of a package, that is not there. */
  PackageItemNotFound: "WIT2011",
  /** Packages that depend on each other in a cycle. */
  PackageCycle: "WIT2012",
  /** The same package defined in two places. */
  DuplicatePackage: "WIT2013",
  /** A feature gate problem: a reference to a gated-out item, an unreleased `@since` version. */
  FeatureGate: "WIT2014",
  /** Attributes combined in a way WIT does not allow (`@deprecated` alone, two gates, attributes on a top-level `use`). */
  InvalidAttributes: "WIT2015",
  /** World imports or exports that clash: same name, same interface twice, shadowed by an `include`. */
  WorldItemConflict: "WIT2016",
  /** An `include ... with { a as b }` that names nothing in the included world. */
  IncludeNameNotFound: "WIT2017",
  /** A world whose exports need an interface both imported and exported. */
  InvalidTransitiveDependency: "WIT2018",
  /** The same item included with two different stability annotations. */
  StabilityMismatch: "WIT2019",
  // --- files and directories (src/wit/load.ts) ---
  /** A path that does not exist or cannot be read. */
  PathNotFound: "WIT3001",
  /** A file or directory that exists but cannot be read, or a file that is not UTF-8. */
  ReadFailed: "WIT3002",
  /** A wasm-encoded WIT package (`.wasm`, `.wat`) that wit-ts cannot decode. */
  WasmPackageUnsupported: "WIT3003",
  // --- generation (src/codegen) ---
  /** No world to generate: none in the package, several without `--world`, or an unknown world name. */
  WorldSelection: "GEN4001",
  // --- command line and configuration (src/cli.ts, src/index.ts) ---
  /** A component binary that cannot be read, decoded or transpiled by jco. */
  ComponentUnreadable: "CLI5001",
  /** The output directory cannot be written. */
  OutputWriteFailed: "CLI5002",
  /** A config file (`wit-ts.config.*`, package.json's `"wit-ts"` key) that cannot be read or is malformed. */
  ConfigInvalid: "CLI5003",
  /** `wit-ts gen` without an input found no config file in the working directory or above it. */
  ConfigNotFound: "CLI5004",
  /** Command-line options that contradict each other or need an input that is not there. */
  UsageError: "CLI5005",
  /** `--format` found no prettier in the user's project, or prettier failed on the output (a bad prettier config). */
  FormatFailed: "CLI5006",
} as const;

export type DiagnosticCode = (typeof codes)[keyof typeof codes];
