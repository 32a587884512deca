/**
 * wit-parser's own UI suite (`../shared/conformance/wit-parser-ui/`, read in
 * place, never copied): every positive case must resolve to wit-parser's
 * `Resolve` JSON after normalization (arena indices replaced by qualified
 * names, as `score.py`'s `canon()` does), and every parse-fail case must be
 * rejected with its first location at wit-parser's `file:line:col` and the
 * first line of wit-parser's message (see {@link expectedFirstLine}).
 *
 * Cases still failing are listed in KNOWN_FAILING; a listed case that starts
 * passing fails the test too, so the list only shrinks.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, resolve as resolvePathOs } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { renderDiagnostics } from "../../src/diagnostics/render.js";
import { toJson } from "../../src/wit/json.js";
import { resolvePath } from "../../src/wit/load.js";

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolvePathOs(here, "../../../shared/conformance/wit-parser-ui");
const FAIL_ROOT = join(ROOT, "parse-fail");

/** Cases expected to fail today, with the reason. Keep this list shrinking. */
const KNOWN_FAILING: ReadonlyMap<string, string> = new Map<string, string>([]);

/**
 * Parse-fail cases whose first message line differs from wit-parser's on purpose, with the reason. A listed
 * case whose first line starts to match fails the test, so the list only shrinks.
 */
const KNOWN_MESSAGE_DIFFERENCES: ReadonlyMap<string, string> = new Map<string, string>([
  [
    "multi-package-deps-share-nest",
    "wit-parser ends the line with `:` and lists both places as bullets; ours shows them as the error's frame and a note",
  ],
  [
    "nested-packages-colliding-names",
    "wit-parser ends the line with `:` and lists both places as bullets; ours shows them as the error's frame and a note",
  ],
  [
    "very-large-column",
    "wit-parser puts `file:line:col: ` before the message when the column is too wide for a frame; ours always " +
      "prints the place on the `-->` line",
  ],
]);

/**
 * The first line of wit-parser's message, without the context its command line wraps around it:
 * `failed to resolve directory while parsing WIT for path [DIR]: ` and `failed to parse package: DIR: `
 * name the folder that was read, which our diagnostics show on their `-->` line instead.
 */
function expectedFirstLine(reference: string): string {
  return reference
    .split("\n")[0]!
    .replace(/^failed to resolve directory while parsing WIT for path \[[^\]]*\]: /, "")
    .replace(/^failed to parse package: [^:]*: /, "");
}

// ---------------------------------------------------------------------------
// A port of score.py's canon(): rewrite a Resolve JSON without arena indices.
// ---------------------------------------------------------------------------

type J = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function canon(d: J): J {
  const pk: string[] = d.packages.map((p: J) => p.name);
  const ifaceName = new Map<number, string>();
  d.interfaces.forEach((it: J, i: number) => {
    if (it.name !== null && it.name !== undefined) {
      ifaceName.set(
        i,
        it.package !== null && it.package !== undefined ? `${pk[it.package]}/${it.name}` : it.name,
      );
    }
  });
  const worldName = new Map<number, string>();
  d.worlds.forEach((w: J, i: number) => worldName.set(i, `${pk[w.package]}/${w.name}`));
  d.worlds.forEach((w: J, wi: number) => {
    for (const side of ["imports", "exports"]) {
      for (const [key, item] of Object.entries<J>(w[side])) {
        if ("interface" in item && !ifaceName.has(item.interface.id)) {
          ifaceName.set(item.interface.id, `${worldName.get(wi)}#${side}:${key}`);
        }
      }
    }
  });
  for (let i = 0; i < d.interfaces.length; i++)
    if (!ifaceName.has(i)) ifaceName.set(i, `<orphan-interface-${i}>`);

  const owner = (o: J): J => {
    if (o === null || o === undefined) return null;
    if ("interface" in o) return `iface:${ifaceName.get(o.interface)}`;
    if ("world" in o) return `world:${worldName.get(o.world)}`;
    return String(o);
  };
  const tref = (t: J, depth = 0): J => {
    if (typeof t === "string" || t === null || t === undefined) return t ?? null;
    if (depth > 64) return "<deep>";
    const ty = d.types[t];
    if (ty.name !== null && ty.name !== undefined) return `${owner(ty.owner)}.${ty.name}`;
    return kind(ty.kind, depth + 1);
  };
  const kind = (k: J, depth = 0): J => {
    if (typeof k === "string") return k;
    const [[tag, v]] = Object.entries<J>(k);
    const r = (x: J): J => tref(x, depth);
    if (["type", "list", "option", "future", "stream"].includes(tag!)) return { [tag!]: r(v) };
    if (tag === "handle") {
      const [[h, t]] = Object.entries<J>(v);
      return { handle: { [h!]: r(t) } };
    }
    if (tag === "record") return { record: v.fields.map((f: J) => ({ ...f, type: r(f.type) })) };
    if (tag === "variant")
      return { variant: v.cases.map((c: J) => ({ ...c, type: r(c.type ?? null) })) };
    if (tag === "tuple") return { tuple: v.types.map(r) };
    if (tag === "result") return { result: { ok: r(v.ok ?? null), err: r(v.err ?? null) } };
    if (tag === "map") {
      return Array.isArray(v)
        ? { map: v.map(r) }
        : { map: Object.fromEntries(Object.entries<J>(v).map(([kk, vv]) => [kk, r(vv)])) };
    }
    if (tag === "fixed-length-list")
      return Array.isArray(v) ? { [tag]: [r(v[0]), v[1]] } : { [tag]: v };
    return { [tag!]: v };
  };
  const func = (f: J): J => {
    const out: J = {};
    for (const [k, v] of Object.entries<J>(f))
      if (!["params", "result", "kind"].includes(k)) out[k] = v;
    out.params = f.params.map((p: J) => ({ ...p, type: tref(p.type) }));
    out.result = tref(f.result ?? null);
    const k = f.kind;
    out.kind =
      typeof k === "string"
        ? k
        : Object.fromEntries(Object.entries<J>(k).map(([kk, vv]) => [kk, tref(vv)]));
    return out;
  };
  const item = (it: J): J => {
    if ("interface" in it) {
      const rest: J = {};
      for (const [k, v] of Object.entries<J>(it.interface)) if (k !== "id") rest[k] = v;
      return { interface: ifaceName.get(it.interface.id), ...rest };
    }
    if ("function" in it) return { function: func(it.function) };
    if ("type" in it) return { type: tref(it.type) };
    return it;
  };
  const key = (k: string): string => {
    const m = /^interface-(\d+)$/.exec(k);
    return m ? `interface:${ifaceName.get(Number(m[1]))}` : k;
  };
  const omit = (o: J, keys: string[]): J =>
    Object.fromEntries(Object.entries<J>(o).filter(([k]) => !keys.includes(k)));

  const out: J = { packages: {}, interfaces: {}, worlds: {}, types: {} };
  for (const p of d.packages) {
    out.packages[p.name] = {
      interfaces: Object.keys(p.interfaces).sort(),
      worlds: Object.keys(p.worlds).sort(),
      ...omit(p, ["name", "interfaces", "worlds"]),
    };
  }
  d.interfaces.forEach((it: J, i: number) => {
    out.interfaces[ifaceName.get(i)!] = {
      types: Object.fromEntries(Object.entries<J>(it.types).map(([n, t]) => [n, tref(t)])),
      functions: Object.fromEntries(Object.entries<J>(it.functions).map(([n, f]) => [n, func(f)])),
      ...omit(it, ["types", "functions", "package", "name"]),
    };
  });
  d.worlds.forEach((w: J, i: number) => {
    const entry: J = {};
    for (const side of ["imports", "exports"]) {
      entry[side] = Object.fromEntries(
        Object.entries<J>(w[side]).map(([k, v]) => [key(k), item(v)]),
      );
    }
    Object.assign(entry, omit(w, ["imports", "exports", "package", "name"]));
    out.worlds[worldName.get(i)!] = entry;
  });
  d.types.forEach((t: J, i: number) => {
    if (t.name !== null && t.name !== undefined) {
      out.types[tref(i)] = { kind: kind(t.kind), ...omit(t, ["kind", "name", "owner"]) };
    }
  });
  return out;
}

/** Deep equality that, like Python's `==` on dicts, ignores key order. */
function sortKeys(v: J): J {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys(v[k])]),
    );
  }
  return v;
}

// ---------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------

function cases(root: string): string[] {
  return readdirSync(root)
    .sort()
    .filter((name) => name !== "parse-fail")
    .map((name) => join(root, name))
    .filter((p) => statSync(p).isDirectory() || p.endsWith(".wit") || p.endsWith(".wit.md"));
}

function stem(p: string): string {
  return p.replace(/(\.wit|\.wit\.md)?$/, "");
}

const LOC = /-->\s*(\S+?):(\d+):(\d+)/;

interface Outcome {
  readonly ok: boolean;
  readonly detail: string;
}

function runPositive(p: string): Outcome {
  const expected = JSON.parse(readFileSync(`${stem(p)}.wit.json`, "utf8"));
  const r = resolvePath(p, { features: ["active"] });
  if (!r.resolve) return { ok: false, detail: renderDiagnostics(r.diagnostics, r.sources) };
  const got = JSON.parse(JSON.stringify(toJson(r.resolve)));
  const a = JSON.stringify(sortKeys(canon(got)));
  const b = JSON.stringify(sortKeys(canon(expected)));
  return {
    ok: a === b,
    detail: a === b ? "" : `got\n${JSON.stringify(got)}\nexpected\n${JSON.stringify(expected)}`,
  };
}

interface NegativeOutcome {
  /** Rejected at wit-parser's first `file:line:col` (or wit-parser's reference names none). */
  readonly placeOk: boolean;
  /** The first line of the message is wit-parser's (see {@link expectedFirstLine}). */
  readonly lineOk: boolean;
  readonly detail: string;
}

function runNegative(p: string): NegativeOutcome | undefined {
  let res = `${stem(p)}.wit.result`;
  if (!existsSync(res)) res = `${p}.result`;
  if (!existsSync(res)) return undefined;
  const ref = readFileSync(res, "utf8");
  const r = resolvePath(p, { features: ["active"] });
  if (r.resolve && r.diagnostics.length === 0)
    return { placeOk: false, lineOk: false, detail: "accepted" };
  const rendered = renderDiagnostics(r.diagnostics, r.sources);
  const want = LOC.exec(ref);
  const got = LOC.exec(rendered);
  const placeOk =
    want === null ||
    (got !== null &&
      basename(got[1]!) === basename(want[1]!) &&
      got[2] === want[2] &&
      got[3] === want[3]);
  const wantLine = expectedFirstLine(ref);
  const gotLine = r.diagnostics[0]?.message.split("\n")[0];
  const lineOk = gotLine === wantLine;
  const detail = [
    ...(placeOk ? [] : [`expected ${want![0]}`]),
    ...(lineOk
      ? []
      : [`expected the message ${JSON.stringify(wantLine)}, got ${JSON.stringify(gotLine)}`]),
  ];
  return {
    placeOk,
    lineOk,
    detail: detail.length === 0 ? "" : `${detail.join("\n")}\n${ref}\n--- got ---\n${rendered}`,
  };
}

const present = existsSync(ROOT);
if (!present) {
  console.warn(`conformance: ${ROOT} is absent; skipping wit-parser's UI suite`);
}

describe.skipIf(!present)("wit-parser UI suite", () => {
  const positive = present ? cases(ROOT).filter((p) => existsSync(`${stem(p)}.wit.json`)) : [];
  const negative = present ? cases(FAIL_ROOT) : [];

  for (const p of positive) {
    const name = basename(p).replace(/\.wit$/, "");
    it(`resolves ${name}`, () => {
      const r = runPositive(p);
      if (KNOWN_FAILING.has(name)) {
        expect(r.ok, `${name} is listed in KNOWN_FAILING but now passes: remove it`).toBe(false);
      } else {
        expect(r.ok, r.detail).toBe(true);
      }
    });
  }

  for (const p of negative) {
    const name = basename(p).replace(/\.wit$/, "");
    it(`rejects ${name}`, () => {
      const r = runNegative(p);
      if (r === undefined) return;
      const ok = r.placeOk && (r.lineOk || KNOWN_MESSAGE_DIFFERENCES.has(name));
      if (KNOWN_FAILING.has(`parse-fail/${name}`)) {
        expect(ok, `parse-fail/${name} is listed in KNOWN_FAILING but now passes: remove it`).toBe(
          false,
        );
      } else {
        expect(ok, r.detail).toBe(true);
      }
      if (KNOWN_MESSAGE_DIFFERENCES.has(name)) {
        expect(
          r.lineOk,
          `${name} is listed in KNOWN_MESSAGE_DIFFERENCES but its first line now matches: remove it`,
        ).toBe(false);
      }
    });
  }

  it("keeps KNOWN_FAILING to real cases", () => {
    const names = new Set([
      ...positive.map((p) => basename(p).replace(/\.wit$/, "")),
      ...negative.map((p) => `parse-fail/${basename(p).replace(/\.wit$/, "")}`),
    ]);
    expect([...KNOWN_FAILING.keys()].filter((k) => !names.has(k))).toEqual([]);
    const failNames = new Set(negative.map((p) => basename(p).replace(/\.wit$/, "")));
    expect([...KNOWN_MESSAGE_DIFFERENCES.keys()].filter((k) => !failNames.has(k))).toEqual([]);
  });
});
