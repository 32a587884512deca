/**
 * Access to the end-to-end fixtures in test/e2e/fixtures: the multi-purpose componentize-js guest
 * (`guest/guest.wit` + `guest/guest.js`), the hand-written adder (`adder/adder.wat` + `adder/adder.wit`,
 * also the per-call benchmark subject) and the naming worlds (`naming/naming.wit`). Consumes a path
 * relative to that folder and produces the file's text.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Absolute path of test/e2e/fixtures, with a trailing separator. */
export const FIXTURES_DIR = fileURLToPath(new URL("../fixtures/", import.meta.url));

/** Reads a fixture file as UTF-8 text, e.g. `readFixture("adder/adder.wat")`. */
export function readFixture(path: string): string {
  return readFileSync(join(FIXTURES_DIR, path), "utf8");
}
