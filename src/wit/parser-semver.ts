/**
 * Semver validation for WIT versions (`package a:b@1.2.3-rc.1+build`,
 * `@since(version = 1.2.3)`). Phase: parsing; the parser gathers a version's
 * text from its tokens and hands it here. Produces the parts of the version or
 * the error message the Rust `semver` crate (which wit-parser uses) gives, so
 * diagnostics read the same.
 */

export interface SemverParts {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly pre: string;
  readonly build: string;
}

type Position =
  | "major version number"
  | "minor version number"
  | "patch version number"
  | "pre-release identifier"
  | "build metadata";

/** The largest u64, the limit semver puts on each number, in decimal. */
const U64_MAX = "18446744073709551615";

/**
 * Whether a run of digits without leading zeros is past {@link U64_MAX}.
 * Compared as text: `BigInt` of a fuzzer's million-digit version took
 * seconds (its parsing is quadratic), and the length alone settles most cases.
 */
function exceedsU64(digits: string): boolean {
  if (digits.length !== U64_MAX.length) return digits.length > U64_MAX.length;
  return digits > U64_MAX;
}

/** Parses `text` as a semver 2.0 version; returns the parts, or a message in the `semver` crate's words. */
export function parseSemver(text: string): SemverParts | string {
  if (text.length === 0) return "empty string, expected a semver version";
  const st = { i: 0 };
  const major = numeric(text, st, "major version number");
  if (typeof major === "string") return major;
  const d1 = dot(text, st, "major version number");
  if (d1) return d1;
  const minor = numeric(text, st, "minor version number");
  if (typeof minor === "string") return minor;
  const d2 = dot(text, st, "minor version number");
  if (d2) return d2;
  const patch = numeric(text, st, "patch version number");
  if (typeof patch === "string") return patch;
  let pos: Position = "patch version number";
  let pre = "";
  let build = "";
  if (text.charCodeAt(st.i) === 0x2d) {
    st.i++;
    pos = "pre-release identifier";
    const r = identifier(text, st, pos);
    if (r !== undefined && r.startsWith("!")) return r.slice(1);
    pre = r ?? "";
    if (pre.length === 0) return `empty identifier segment in ${pos}`;
  }
  if (text.charCodeAt(st.i) === 0x2b) {
    st.i++;
    pos = "build metadata";
    const r = identifier(text, st, pos);
    if (r !== undefined && r.startsWith("!")) return r.slice(1);
    build = r ?? "";
    if (build.length === 0) return `empty identifier segment in ${pos}`;
  }
  if (st.i < text.length)
    return `unexpected character ${quotedChar(text.codePointAt(st.i)!)} after ${pos}`;
  return { major, minor, patch, pre, build };
}

function numeric(text: string, st: { i: number }, pos: Position): number | string {
  const start = st.i;
  let i = start;
  while (i < text.length && isDigit(text.charCodeAt(i))) i++;
  if (i === start) {
    return i < text.length
      ? `unexpected character ${quotedChar(text.codePointAt(i)!)} while parsing ${pos}`
      : `unexpected end of input while parsing ${pos}`;
  }
  if (text.charCodeAt(start) === 0x30 && i - start > 1) return `invalid leading zero in ${pos}`;
  const digits = text.slice(start, i);
  if (exceedsU64(digits)) return `value of ${pos} exceeds u64::MAX`;
  st.i = i;
  return Number(digits);
}

function dot(text: string, st: { i: number }, pos: Position): string | undefined {
  if (text.charCodeAt(st.i) === 0x2e) {
    st.i++;
    return undefined;
  }
  return st.i < text.length
    ? `unexpected character ${quotedChar(text.codePointAt(st.i)!)} after ${pos}`
    : `unexpected end of input while parsing ${pos}`;
}

/**
 * A dot-separated pre-release or build identifier. Returns the identifier
 * text, or an error message prefixed with `!` (identifiers never contain `!`).
 */
function identifier(text: string, st: { i: number }, pos: Position): string | undefined {
  const input = st.i;
  let acc = input;
  let segLen = 0;
  let nonDigit = false;
  for (;;) {
    const c = acc + segLen < text.length ? text.charCodeAt(acc + segLen) : -1;
    if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d) {
      segLen++;
      nonDigit = true;
      continue;
    }
    if (isDigit(c)) {
      segLen++;
      continue;
    }
    if (segLen === 0) {
      if (acc === input && c !== 0x2e) return "";
      return `!empty identifier segment in ${pos}`;
    }
    if (
      pos === "pre-release identifier" &&
      segLen > 1 &&
      !nonDigit &&
      text.charCodeAt(acc) === 0x30
    ) {
      return `!invalid leading zero in ${pos}`;
    }
    acc += segLen;
    if (c === 0x2e) {
      acc++;
      segLen = 0;
      nonDigit = false;
      continue;
    }
    st.i = acc;
    return text.slice(input, acc);
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** The `semver` crate quotes characters with Rust's `{:?}`. */
function quotedChar(cp: number): string {
  if (cp === 0) return "'\\0'";
  if (cp === 0x27) return "'\\''";
  if (cp === 0x5c) return "'\\\\'";
  if (cp === 0x0a) return "'\\n'";
  if (cp === 0x09) return "'\\t'";
  if (cp === 0x0d) return "'\\r'";
  return `'${String.fromCodePoint(cp)}'`;
}
