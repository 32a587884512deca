// Small statistics helpers for the benchmark scripts: medians and min-max spreads of repeated runs.
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
