// Small statistics helpers for the benchmark scripts: medians and min-max spreads of repeated runs, and a
// process's peak memory.
import { readFileSync } from "node:fs";

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function spread(xs) {
  return { min: Math.min(...xs), max: Math.max(...xs) };
}

export function fmt(x, digits = 1) {
  return x.toFixed(digits);
}

/**
 * This process's peak RSS. On Linux from `VmHWM`, which starts afresh at `exec`: getrusage's `maxRSS` (what
 * `process.resourceUsage()` reports) is kept across `exec`, so a child forked from a large parent (the bench,
 * after its front-end section) reported the parent's size instead of its own (a jco figure of 162.4 MiB in every
 * run, with a real peak of 125-131 MiB).
 */
export function peakRssMiB() {
  try {
    const status = readFileSync("/proc/self/status", "utf8");
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(status);
    if (kb) return Number(kb[1]) / 1024;
  } catch {
    // Not Linux: fall back to getrusage.
  }
  return process.resourceUsage().maxRSS / 1024;
}
