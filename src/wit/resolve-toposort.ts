/**
 * Topological sort for the resolver (wit-parser's `ast/toposort.rs`).
 * Phase: resolution helper. Consumes a name -> dependency-edges map in
 * source order and produces the names in an order where every name comes
 * after its dependencies; among names that are ready at the same time the
 * earliest in source order goes first, so the result is stable and equals
 * wit-parser's (which fixes the order of types and interfaces in the JSON).
 *
 * Runs in O((names + edges) log names) with no recursion, so long chains of
 * aliases cannot overflow the stack. Unknown names and cycles abort with
 * wit-parser's messages: "{kind} `x` does not exist" and
 * "{kind} `x` depends on itself", at the span of the offending edge.
 */
import { codes } from "../diagnostics/codes.js";
import { abort, error } from "../diagnostics/diagnostic.js";
import type { Span } from "../diagnostics/source-map.js";
import { anchorShape } from "./shape-anchor.js";

/** A reference from one name to another, at the span to report it at (an `Id` of the tree is one). */
export interface Edge extends Span {
  readonly name: string;
}

/**
 * Sorts `deps` (insertion order = source order). `hint` may add a second
 * line to the "does not exist" error for a given missing name.
 */
export function toposort(
  kind: string,
  deps: ReadonlyMap<string, readonly Edge[]>,
  hint?: (missing: string) => string | undefined,
): string[] {
  const names = [...deps.keys()];
  // Fast path for scopes without references (most interfaces have few types).
  let edgeCount = 0;
  deps.forEach((edges) => (edgeCount += edges.length));
  if (edgeCount === 0) return names;
  const index = new Map<string, number>();
  names.forEach((n, i) => index.set(n, i));
  const remaining = new Int32Array(names.length);
  const reverse: number[][] = names.map(() => []);
  let i = 0;
  deps.forEach((edges) => {
    remaining[i] = edges.length;
    for (const e of edges) {
      const j = index.get(e.name);
      if (j === undefined) {
        const h = hint?.(e.name);
        abort(
          error(
            codes.UnknownName,
            `${kind} \`${e.name}\` does not exist`,
            e,
            h === undefined ? {} : { hint: h },
          ),
        );
      }
      reverse[j]!.push(i);
    }
    i++;
  });

  const heap = new MinHeap();
  for (let k = 0; k < names.length; k++) if (remaining[k] === 0) heap.push(k);
  const order: string[] = [];
  while (heap.size > 0) {
    const k = heap.pop();
    order.push(names[k]!);
    for (const r of reverse[k]!) {
      if (--remaining[r]! === 0) heap.push(r);
    }
    reverse[k] = [];
  }
  if (order.length === names.length) return order;

  // Some names still wait on others: a cycle. Report the first edge, in
  // source order, that points at another waiting name.
  i = 0;
  for (const edges of deps.values()) {
    if (remaining[i] !== 0) {
      for (const e of edges) {
        if (remaining[index.get(e.name)!] !== 0) {
          abort(error(codes.DependencyCycle, `${kind} \`${e.name}\` depends on itself`, e));
        }
      }
    }
    i++;
  }
  throw new Error("toposort: cycle without a waiting edge");
}

/**
 * {@link toposort} for names given by index, as a package's interfaces and
 * worlds are: `n` names numbered in source order, and edge `k` from `from[k]` to
 * `to[k]` (the first depends on the second; `to[k]` is -1 for a name that
 * does not exist), reported at `at[k]`, in the order the edges were found.
 * Returns the indices in order. Errors are {@link toposort}'s, found in the
 * same order: by the depending name's index, then by the edge's.
 */
export function toposortIndices(
  kind: string,
  n: number,
  from: readonly number[],
  to: readonly number[],
  at: readonly Edge[],
): number[] {
  const m = from.length;
  const order: number[] = [];
  if (m === 0) {
    for (let k = 0; k < n; k++) order.push(k);
    return order;
  }
  // Each name's edges in a run (the edges of one name stay in the order found), and each name's dependents.
  const outStart = new Int32Array(n + 1);
  const inStart = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) {
    outStart[from[e]! + 1]!++;
    if (to[e]! >= 0) inStart[to[e]! + 1]!++;
  }
  for (let k = 0; k < n; k++) {
    outStart[k + 1]! += outStart[k]!;
    inStart[k + 1]! += inStart[k]!;
  }
  const out = new Int32Array(m);
  const dependents = new Int32Array(m);
  const outFill = outStart.slice(0, n);
  const inFill = inStart.slice(0, n);
  for (let e = 0; e < m; e++) {
    out[outFill[from[e]!]!++] = e;
    if (to[e]! >= 0) dependents[inFill[to[e]!]!++] = from[e]!;
  }
  const remaining = new Int32Array(n);
  for (let e = 0; e < m; e++) {
    const j = to[out[e]!]!;
    if (j < 0) {
      const missing = at[out[e]!]!;
      abort(error(codes.UnknownName, `${kind} \`${missing.name}\` does not exist`, missing));
    }
  }
  for (let k = 0; k < n; k++) remaining[k] = outStart[k + 1]! - outStart[k]!;

  const heap = new MinHeap();
  for (let k = 0; k < n; k++) if (remaining[k] === 0) heap.push(k);
  while (heap.size > 0) {
    const k = heap.pop();
    order.push(k);
    for (let d = inStart[k]!; d < inStart[k + 1]!; d++) {
      const r = dependents[d]!;
      if (--remaining[r]! === 0) heap.push(r);
    }
  }
  if (order.length === n) return order;

  // A cycle: the first edge, by name and then in the order found, between two waiting names.
  for (let e = 0; e < m; e++) {
    const edge = out[e]!;
    if (remaining[from[edge]!] !== 0 && remaining[to[edge]!] !== 0) {
      const a = at[edge]!;
      abort(error(codes.DependencyCycle, `${kind} \`${a.name}\` depends on itself`, a));
    }
  }
  throw new Error("toposort: cycle without a waiting edge");
}

/** A binary min-heap of indices: the smallest (earliest in source order) ready name comes out first. */
class MinHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(v: number): void {
    const a = this.items;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= v) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = v;
  }

  pop(): number {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && a[r]! < a[l]! ? r : l;
        if (a[c]! >= last) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

/** Keeps the heap's map alive between runs (see `shape-anchor.ts`). */
anchorShape(new MinHeap());
