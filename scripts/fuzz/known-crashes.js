/**
 * Known bugs outside the front end's parser that take the whole process down
 * (out of memory), so a fuzz case that hits them cannot run in-process. The
 * test (`test/fuzz/`) always leaves such cases out, counting them by reason;
 * the command line runs them in its worker (which reports them) unless
 * `FUZZ_SKIP_KNOWN=1`. Consumes a fuzz case; produces the reason it is left
 * out, or undefined. Delete an entry as soon as its bug is fixed.
 */

const latin1 = new TextDecoder("latin1");

/** `[reason, test on a file's text]` pairs. */
const KNOWN_CRASHES = [];

/** Why case `c` must not run in-process, or undefined. */
export function knownCrash(c) {
  for (const v of c.files.values()) {
    const text = typeof v === "string" ? v : latin1.decode(v);
    for (const [reason, matches] of KNOWN_CRASHES) if (matches(text)) return reason;
  }
  return undefined;
}
