/**
 * `parseGenArgs`, the reader of plain `gen` command lines that spares a `gen` loading commander, against commander
 * itself: every command line it reads must come out exactly as commander reads it (input, option values with
 * commander's defaults, which options the command line set), the common ones must be read, and the rest must be
 * left to commander.
 */
import { describe, expect, it } from "vitest";
import { parseGenArgs, type GenArgs } from "../src/cli-gen-options.js";
import { commanderGenArgs } from "../src/cli-program.js";

/** Command lines `parseGenArgs` reads itself: the ones `gen` is run with from scripts, docs and the bench. */
const READ: string[][] = [
  ["gen"],
  ["gen", "wit"],
  ["gen", "wit", "-o", "out"],
  ["gen", "wit", "--out", "out"],
  ["gen", "wit", "--out=out"],
  ["gen", "-o", "out", "wit"],
  ["gen", "wit", "-w", "proxy", "-o", "src/sdk"],
  ["gen", "wit", "--world", "proxy", "--world", "other"],
  ["gen", "wit", "--world="],
  ["gen", "wit", "--world=a=b"],
  ["gen", "wit", "--features", "a,b", "--features", " c ,,d"],
  ["gen", "wit", "--features=a"],
  ["gen", "--all-features", "wit"],
  [
    "gen",
    "wit",
    "--autodrop-borrows",
    "--runtime-import",
    "@x/rt",
    "--no-direct-calls",
    "--verbose",
  ],
  ["gen", "app.wasm", "--no-direct-calls", "--no-direct-calls"],
  ["gen", "--config", "wit-ts.config.json"],
  ["gen", "--check"],
  ["gen", "wit", "--watch", "--format"],
  ["gen", "wit", "--check", "--check"],
  ["gen", "--world", "proxy"],
  ["gen", ""],
];

/** Command lines left to commander: help, usage errors and spellings whose rules are commander's. */
const LEFT: string[][] = [
  ["gen", "--help"],
  ["gen", "-h"],
  ["gen", "wit", "extra"],
  ["gen", "--", "wit"],
  ["gen", "wit", "--bogus"],
  ["gen", "-wproxy", "wit"],
  ["gen", "-ow", "x"],
  ["gen", "wit", "-o"],
  ["gen", "wit", "-o", "-x"],
  ["gen", "--world", "--check"],
  ["gen", "wit", "--check=yes"],
  ["gen", "wit", "--no-check"],
  ["gen", "wit", "-"],
  ["gen", "wit", "--direct-calls"],
  ["--version"],
  ["--help"],
  ["resolve", "wit"],
  [],
];

/** A `GenArgs` as plain data, for comparing. */
function plain(args: GenArgs | undefined): unknown {
  if (args === undefined) return undefined;
  return { input: args.input, options: args.options, set: [...args.fromCommandLine].sort() };
}

describe("parseGenArgs", () => {
  it.each(READ.map((argv) => [argv.join(" "), argv]))(
    "reads `%s` as commander does",
    async (_name, argv) => {
      const ours = parseGenArgs(argv);
      expect(ours).toBeDefined();
      expect(plain(ours)).toEqual(plain(await commanderGenArgs(argv)));
    },
  );

  it.each(LEFT.map((argv) => [argv.join(" "), argv]))("leaves `%s` to commander", (_name, argv) => {
    expect(parseGenArgs(argv)).toBeUndefined();
  });

  it("reads what commander reads for every mix of the options, in both orders", async () => {
    const parts = [
      ["-w", "w"],
      ["--out=o"],
      ["--features", "x"],
      ["--all-features"],
      ["--runtime-import", "r"],
      ["--no-direct-calls"],
      ["--check"],
    ];
    for (let mask = 0; mask < 1 << parts.length; mask++) {
      const chosen = parts.filter((_, i) => mask & (1 << i)).flat();
      for (const argv of [
        ["gen", "in", ...chosen],
        ["gen", ...chosen, "in"],
      ]) {
        const ours = parseGenArgs(argv);
        expect(ours, argv.join(" ")).toBeDefined();
        expect(plain(ours), argv.join(" ")).toEqual(plain(await commanderGenArgs(argv)));
      }
    }
  });
});
