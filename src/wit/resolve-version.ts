/**
 * Semantic-version ordering for the resolver. Phase: resolution helper.
 * Consumes version strings as they appear in the model (`1.2.3-rc.1+b5`) and
 * produces comparisons with the semantics of the Rust `semver` crate that
 * wit-parser uses: precedence by major, minor, patch, then pre-release
 * (a version without one ranks higher), then build metadata as a final
 * tie-breaker so that the order is total (the crate's `Ord` does that too).
 * Needed for `@since` gates ("cannot reference unreleased version") and for
 * ordering packages by name like wit-parser's `BTreeMap<PackageName, _>`.
 */

interface ParsedVersion {
  /** Decimal digits (`"0"` when not a number), compared by {@link cmpDigits}. */
  readonly major: string;
  readonly minor: string;
  readonly patch: string;
  readonly pre: readonly string[];
  readonly build: readonly string[];
}

const cache = new Map<string, ParsedVersion>();

function parse(text: string): ParsedVersion {
  const hit = cache.get(text);
  if (hit) return hit;
  let rest = text;
  let build: string[] = [];
  const plus = rest.indexOf("+");
  if (plus >= 0) {
    build = rest.slice(plus + 1).split(".");
    rest = rest.slice(0, plus);
  }
  let pre: string[] = [];
  const dash = rest.indexOf("-");
  if (dash >= 0) {
    pre = rest.slice(dash + 1).split(".");
    rest = rest.slice(0, dash);
  }
  const [major = "0", minor = "0", patch = "0"] = rest.split(".");
  const v: ParsedVersion = {
    major: digits(major),
    minor: digits(minor),
    patch: digits(patch),
    pre,
    build,
  };
  cache.set(text, v);
  return v;
}

function digits(s: string): string {
  return NUMERIC.test(s) ? s : "0";
}

/**
 * Numeric order of two runs of decimal digits, as text: semver numbers are
 * u64 (past 2^53) and identifiers are unbounded, and `BigInt` of a
 * fuzzer's two-million-digit identifier took over a second (its parsing is
 * quadratic). Without leading zeros the longer run is the larger number and
 * equal lengths compare like their text. Only build metadata may have
 * leading zeros, so they are skipped; callers break value ties themselves.
 */
function cmpDigits(a: string, b: string): number {
  let i = 0;
  while (i < a.length - 1 && a.charCodeAt(i) === 0x30) i++;
  let j = 0;
  while (j < b.length - 1 && b.charCodeAt(j) === 0x30) j++;
  const la = a.length - i;
  const lb = b.length - j;
  if (la !== lb) return la < lb ? -1 : 1;
  return cmpStr(i === 0 ? a : a.slice(i), j === 0 ? b : b.slice(j));
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const NUMERIC = /^[0-9]+$/;

/** Pre-release identifiers: numeric ones compare numerically and rank below alphanumeric ones. */
function cmpIdentifiers(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    const xn = NUMERIC.test(x);
    const yn = NUMERIC.test(y);
    let c: number;
    if (xn && yn) {
      c = cmpDigits(x, y);
      // Build metadata may have leading zeros; the longer spelling ranks higher when values tie.
      if (c === 0) c = x.length - y.length;
    } else if (xn) c = -1;
    else if (yn) c = 1;
    else c = cmpStr(x, y);
    if (c !== 0) return c < 0 ? -1 : 1;
  }
  return a.length - b.length < 0 ? -1 : a.length > b.length ? 1 : 0;
}

/** Total order on versions: negative, zero or positive like a comparator. */
export function compareVersions(a: string, b: string): number {
  if (a === b) return 0;
  const x = parse(a);
  const y = parse(b);
  let c = cmpDigits(x.major, y.major) || cmpDigits(x.minor, y.minor) || cmpDigits(x.patch, y.patch);
  if (c !== 0) return c;
  // A release (no pre-release part) ranks above every pre-release of the same triple.
  if (x.pre.length === 0 || y.pre.length === 0)
    c = y.pre.length - x.pre.length === 0 ? 0 : x.pre.length === 0 ? 1 : -1;
  else c = cmpIdentifiers(x.pre, y.pre);
  if (c !== 0) return c;
  return cmpIdentifiers(x.build, y.build);
}

/** Orders optional versions as Rust's `Option<Version>`: absent first. */
export function compareOptionalVersions(a: string | undefined, b: string | undefined): number {
  if (a === undefined) return b === undefined ? 0 : -1;
  if (b === undefined) return 1;
  return compareVersions(a, b);
}
