/**
 * The mutation engine. Consumes a seed of the corpus (`corpus.js`) and a
 * seeded PRNG (`random.js`); produces a fuzz case: `{ seed, root, files,
 * options, disk, metamorphic, mutations }`, where `files` maps paths to text or to bytes
 * (byte-level mutations may leave invalid UTF-8), `disk` asks the runner to
 * feed the case through real files and `resolvePath` (the loader's own
 * decoding) instead of `resolveFiles`, and `mutations` names what was done,
 * for the failure report.
 *
 * Mutations are plain text or byte edits guided by a rough tokenizer of our
 * own (not the lexer under test, so a lexer bug cannot hide the inputs that
 * would show it): byte flips, token deletion, duplication, swaps and
 * insertions, truncation, splicing of other seeds, deep nesting (types,
 * packages, block comments, brackets), long reference chains for the
 * resolver, huge identifiers, numbers and lines, unusual code points and line
 * ends, and file-level edits of multi-file cases.
 */

/**
 * The largest file a mutation may produce, in UTF-16 units or bytes: room for
 * a few 1,000,000-character identifiers; mutators that multiply text respect
 * it, and a file that still grows past it keeps its text from before.
 */
const MAX_FILE_LENGTH = 4_000_000;

/** A rough WIT tokenizer: whitespace, comments, words (with `%`), integers, strings, `->`, any other code point. */
const TOKEN = /\s+|\/\/[^\n]*|\/\*|\*\/|%?[A-Za-z_][A-Za-z0-9_-]*|[0-9]+|->|"[^"\n]*"?|[\s\S]/gu;

function tokens(text) {
  return text.match(TOKEN) ?? [];
}

/** Indices of tokens that are not whitespace. */
function solid(toks) {
  const out = [];
  for (let i = 0; i < toks.length; i++) if (!/^\s/.test(toks[i])) out.push(i);
  return out;
}

const KEYWORDS =
  `use type func u8 u16 u32 u64 s8 s16 s32 s64 f32 f64 char resource own borrow record flags variant enum
  bool string option result future stream error-context list map _ as from static interface tuple import export world
  package constructor include with async`.split(/\s+/);

const PRIMITIVES = new Set(
  "u8 u16 u32 u64 s8 s16 s32 s64 f32 f64 char bool string error-context".split(" "),
);

/** Tokens and fragments that steer the parser into its corners. */
const DICTIONARY = [
  ...KEYWORDS,
  ...`= , : . ; ( ) { } < > -> * @ / + - % " _`.split(" "),
  "/*",
  "*/",
  "//",
  "/// doc\n",
  "\n",
  "%interface",
  "%",
  "a-",
  "-a",
  "a--b",
  "Ab",
  "a1",
  "1a",
  "0",
  "00",
  "4294967295",
  "4294967296",
  "18446744073709551616",
  "1.0.0",
  "01.0.0",
  "1.0.0-rc.1+build.5",
  "1.0.0-",
  "1.0.0+",
  "1.0.0-01",
  "@1.0.0",
  "@since(version = 1.0.0)",
  "@unstable(feature = active)",
  "@unstable(feature = inactive)",
  "@deprecated(version = 0.1.0)",
  '@external-id("x")',
  "package a:b;",
  "package a:b@1.0.0;",
  "package a:b {",
  "package x:y { interface i {} }",
  "use a:b/c.{d};",
  "use a:b/c@1.0.0.{d as e};",
  "use self.{t};",
  "import a:b/c;",
  "export f: func();",
  "include w with { a as b }",
  "interface i {}",
  "world w {}",
  "type t = u8;",
  "resource r { constructor(); m: func(); s: static func(); }",
  "f: async func(a: borrow<r>) -> result<own<r>, string>;",
  "list<u8, 4>",
  "map<string, u8>",
  "tuple<>",
  "result<_, u8>",
  "future",
  "stream<u8>",
];

const CODEPOINTS = [
  0xfeff, 0x202e, 0x2066, 0x0149, 0x0000, 0x0007, 0x007f, 0x0085, 0x000d, 0x2028, 0x00a0, 0x3000,
  0x0301, 0x00e9, 0x1d49c, 0x1f600, 0xfffd, 0xd800, 0xdc00, 0x10ffff, 0xe000, 0x0130, 0x212a,
  0x0660, 0x200d, 0x00ad, 0x000c, 0x000b,
];

function isText(v) {
  return typeof v === "string";
}

const lossy = new TextDecoder("utf-8");

/** A file's text: bytes decode as Node's `Buffer.toString()` would (invalid sequences become U+FFFD). */
function textOf(v) {
  return isText(v) ? v : lossy.decode(v);
}

/** The `.wit` files of a case, in path order. */
function witPaths(c) {
  return [...c.files.keys()].filter((p) => p.endsWith(".wit")).sort();
}

/** Inserts `s` at a random token boundary of `text`. */
function insertAtBoundary(rng, text, s) {
  const toks = tokens(text);
  const at = rng.below(toks.length + 1);
  return toks.slice(0, at).join("") + s + toks.slice(at).join("");
}

/** Sizes for nesting: just under, at and over the parsers' limits of 100, and far over them. */
function depth(rng) {
  return rng.weighted([
    [3, rng.between(1, 99)],
    [2, 99],
    [3, 100],
    [3, 101],
    [1, 102],
    [2, rng.between(102, 2000)],
    [2, 10_000],
  ]);
}

const WRAPPERS = [
  ["list<", ">"],
  ["option<", ">"],
  ["tuple<", ">"],
  ["tuple<u8, ", ">"],
  ["result<", ">"],
  ["result<", ", string>"],
  ["result<_, ", ">"],
  ["future<", ">"],
  ["stream<", ">"],
  ["map<string, ", ">"],
  ["map<", ", u8>"],
  ["list<", ", 3>"],
  ["own<", ">"],
];

/** A type nested `n` deep, balanced or not. */
function nestedType(rng, n) {
  const mixed = rng.chance(0.5);
  const fixed = rng.pick(WRAPPERS);
  const opens = [];
  const closes = [];
  for (let i = 0; i < n; i++) {
    const [o, c] = mixed ? rng.pick(WRAPPERS) : fixed;
    opens.push(o);
    closes.push(c);
  }
  const inner = rng.pick(["u8", "string", "t", "%record", "", "list<u8>"]);
  let close = closes.reverse();
  if (rng.chance(0.2)) close = close.slice(0, rng.below(close.length + 1));
  return opens.join("") + inner + close.join("");
}

/** One edit of one `.wit` file's text; returns the new text. */
const TEXT_MUTATORS = {
  "token-delete"(rng, text) {
    const toks = tokens(text);
    const s = solid(toks);
    if (s.length === 0) return text;
    const from = rng.pick(s);
    const n = rng.size(Math.max(1, toks.length - from));
    toks.splice(from, n);
    return toks.join("");
  },
  "token-duplicate"(rng, text) {
    const toks = tokens(text);
    if (toks.length === 0) return text;
    const from = rng.below(toks.length);
    const slice = toks.slice(from, from + rng.size(toks.length - from)).join("");
    const times = Math.min(
      rng.chance(0.9) ? 1 : rng.size(1000),
      Math.floor(MAX_FILE_LENGTH / Math.max(1, slice.length)),
    );
    const at = rng.chance(0.5) ? from : rng.below(toks.length + 1);
    // Strings, not spread arrays: a large file's tokens would overflow the stack as arguments.
    return toks.slice(0, at).join("") + slice.repeat(times) + toks.slice(at).join("");
  },
  "token-swap"(rng, text) {
    const toks = tokens(text);
    const s = solid(toks);
    if (s.length < 2) return text;
    const a = rng.pick(s);
    const b = rng.pick(s);
    [toks[a], toks[b]] = [toks[b], toks[a]];
    return toks.join("");
  },
  "token-insert"(rng, text) {
    const word = rng.pick(DICTIONARY);
    const sep = rng.chance(0.7) ? " " : "";
    return insertAtBoundary(rng, text, sep + word + sep);
  },
  "token-replace"(rng, text) {
    const toks = tokens(text);
    const s = solid(toks);
    if (s.length === 0) return text;
    toks[rng.pick(s)] = rng.chance(0.5) ? rng.pick(DICTIONARY) : toks[rng.pick(s)];
    return toks.join("");
  },
  truncate(rng, text) {
    // A cut at any UTF-16 index may split a surrogate pair; `resolveFiles` takes any string, so that is fair input.
    return text.slice(0, rng.below(text.length + 1));
  },
  squash(rng, text) {
    // Gluing tokens together (`interfacei{`) and the reverse (`inter face`).
    if (rng.chance(0.5)) return text.replace(/\s+/g, (m) => (rng.chance(0.3) ? "" : m));
    const at = rng.below(text.length + 1);
    return text.slice(0, at) + " " + text.slice(at);
  },
  "deep-types"(rng, text) {
    const t = nestedType(rng, depth(rng));
    const toks = tokens(text);
    const prims = [];
    for (let i = 0; i < toks.length; i++) if (PRIMITIVES.has(toks[i])) prims.push(i);
    if (prims.length > 0 && rng.chance(0.7)) {
      toks[rng.pick(prims)] = t;
      return toks.join("");
    }
    return `${text}\ninterface deep-nest { type t = ${t}; f: func(a: ${t}) -> ${t}; }\n`;
  },
  "deep-packages"(rng, text) {
    const n = depth(rng);
    const named = rng.chance(0.5);
    let open = "";
    for (let i = 0; i < n; i++) open += named ? `package ns${i}:p${i} { ` : "package a:b{";
    const body = rng.pick(["", "interface i {}", "world w { import f: func(); }", "use a:b/c;"]);
    const m = rng.chance(0.8) ? n : rng.below(n + 2);
    const nest = open + body + "}".repeat(m);
    return rng.chance(0.5) ? `${text}\n${nest}\n` : insertAtBoundary(rng, text, nest);
  },
  "deep-comments"(rng, text) {
    const n = depth(rng) * rng.pick([1, 1, 10]);
    const m = rng.weighted([
      [6, n],
      [1, n - 1],
      [1, n + 1],
      [1, rng.below(n + 1)],
    ]);
    const inner = rng.pick(["", " x ", "*", "/", "/*/", "*/*", "\n"]);
    const doc = rng.chance(0.3) ? "/**" : "/*";
    return insertAtBoundary(rng, text, doc + "/*".repeat(n - 1) + inner + "*/".repeat(m));
  },
  "deep-brackets"(rng, text) {
    const n = depth(rng);
    const [o, c] = rng.pick([
      ["{", "}"],
      ["(", ")"],
      ["<", ">"],
      ["interface i {", "}"],
      ["f: func(a: ", ")"],
      ["list<list<", ">>"],
    ]);
    return insertAtBoundary(rng, text, o.repeat(n) + (rng.chance(0.5) ? c.repeat(n) : ""));
  },
  "long-chain"(rng, text) {
    const n = rng.pick([10, 100, 1000, rng.between(1, 3000)]);
    const cycle = rng.chance(0.2);
    const last = (i) => (cycle && i === n - 1 ? 0 : i + 1);
    const parts = [];
    switch (rng.below(5)) {
      case 0:
        parts.push("interface chain {");
        for (let i = 0; i < n; i++)
          parts.push(`type t${i} = ${i === n - 1 && !cycle ? "u8" : `t${last(i)}`};`);
        parts.push("}");
        break;
      case 1:
        // Reference chains through `use` between interfaces.
        for (let i = 0; i < n; i++) {
          parts.push(
            i === n - 1 && !cycle
              ? `interface c${i} { type t = u8; }`
              : `interface c${i} { use c${last(i)}.{t}; }`,
          );
        }
        break;
      case 2:
        for (let i = 0; i < n; i++) {
          parts.push(
            i === n - 1 && !cycle
              ? `world w${i} { import f: func(); }`
              : `world w${i} { include w${last(i)}; }`,
          );
        }
        break;
      case 3:
        // Nested types through records and variants rather than aliases.
        parts.push("interface chain {");
        for (let i = 0; i < n; i++) {
          const next = i === n - 1 && !cycle ? "u8" : `option<r${last(i)}>`;
          parts.push(i % 2 ? `record r${i} { f: ${next} }` : `variant r${i} { c(${next}) }`);
        }
        parts.push("}");
        break;
      default:
        // A world importing interfaces that `use` each other.
        for (let i = 0; i < n; i++) {
          parts.push(
            i === n - 1 && !cycle
              ? `interface c${i} { type t = u8; }`
              : `interface c${i} { use c${last(i)}.{t}; }`,
          );
        }
        parts.push(
          `world chained { ${Array.from({ length: Math.min(n, 200) }, (_, i) => `import c${i};`).join(" ")} }`,
        );
    }
    const chain = parts.join("\n");
    return rng.chance(0.5) ? `${text}\n${chain}\n` : `package chain:test;\n${chain}\n`;
  },
  "huge-identifier"(rng, text) {
    const len = rng.pick([300, 1000, 65_536, 1_000_000]);
    const base = rng.pick(["a", "a-", "ab1-", "A", "aB", "x"]);
    let id = base.repeat(Math.ceil(len / base.length)).slice(0, len);
    if (id.endsWith("-")) id += "z";
    id += rng.pick(["", "", "é", "-", "_", "𝒜", "9"]);
    if (rng.chance(0.2)) id = "%" + id;
    const toks = tokens(text);
    const ids = [];
    for (let i = 0; i < toks.length; i++)
      if (/^%?[a-z]/i.test(toks[i]) && !KEYWORDS.includes(toks[i])) ids.push(i);
    if (ids.length === 0) return insertAtBoundary(rng, text, ` ${id} `);
    const victim = toks[rng.pick(ids)];
    // Renaming every occurrence keeps the file valid, so the resolver and the JSON see the name too.
    const occurrences = toks.filter((t) => t === victim).length;
    if (rng.chance(0.5) && occurrences * id.length <= MAX_FILE_LENGTH) {
      return toks.map((t) => (t === victim ? id : t)).join("");
    }
    toks[rng.pick(ids)] = id;
    return toks.join("");
  },
  "huge-number"(rng, text) {
    const digits = rng
      .pick(["9", "1", "0", "18446744073709551616"])
      .repeat(rng.pick([2, 11, 20, 400, 100_000]));
    const toks = tokens(text);
    const ints = [];
    for (let i = 0; i < toks.length; i++) if (/^[0-9]/.test(toks[i])) ints.push(i);
    if (ints.length === 0) {
      const form = rng.pick([
        `list<u8, ${digits}>`,
        `@${digits}.0.0`,
        `@1.0.${digits}`,
        `@1.0.0-${digits}`,
      ]);
      return insertAtBoundary(rng, text, form);
    }
    toks[rng.pick(ints)] = digits;
    return toks.join("");
  },
  "huge-line"(rng, text) {
    // Errors far along a long line, and long docs, exercise the renderer's column and frame logic.
    const n = rng.pick([1023, 1024, 1025, 100_000]);
    const filler = rng.pick([" ", "\t", "/* */", "é", "𝒜"]);
    const s = rng.chance(0.5) ? filler.repeat(n) : `/// ${"d".repeat(n)}\n`;
    return insertAtBoundary(rng, text, s);
  },
  unicode(rng, text) {
    let t = text;
    for (let k = rng.between(1, 3); k > 0; k--) {
      const cp = rng.pick(CODEPOINTS);
      // Lone surrogates cannot go through String.fromCodePoint's UTF-16 pairs, but fromCharCode makes them.
      const ch = cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
      const at = rng.below(t.length + 1);
      t = t.slice(0, at) + ch + t.slice(at);
    }
    return t;
  },
  "line-endings"(rng, text) {
    switch (rng.below(4)) {
      case 0:
        return text.replace(/\n/g, "\r\n");
      case 1:
        return text.replace(/\n/g, "\r");
      case 2:
        return "\ufeff" + text;
      default:
        return text.replace(/\n/g, rng.pick(["\u2028", "\n\r", "\r\r\n", "\u0085"]));
    }
  },
  // The next three usually keep a valid file valid, so the resolver and the JSON see mutated input too.
  rename(rng, text) {
    const toks = tokens(text);
    const ids = [
      ...new Set(toks.filter((t) => /^%?[a-z][a-z0-9-]*$/.test(t) && !KEYWORDS.includes(t))),
    ];
    if (ids.length === 0) return text;
    const victim = rng.pick(ids);
    // Another name of the file (a clash), a keyword escaped with `%`, or a fresh name.
    const name = rng.weighted([
      [1, rng.pick(ids)],
      [1, `%${rng.pick(KEYWORDS)}`],
      [2, `n${rng.below(1000)}-x`],
      [1, "a-b-c-d-e-f-g"],
      [1, "ABC-DEF"],
    ]);
    return toks.map((t) => (t === victim ? name : t)).join("");
  },
  "comment-insert"(rng, text) {
    const toks = tokens(text);
    const at = rng.below(toks.length + 1);
    const comment = rng.pick([
      "/* c */",
      "/**/",
      "/* /* nested */ */",
      "// c\n",
      "/// doc\n",
      "/** doc */",
      "//\n",
      "/***/",
    ]);
    return toks.slice(0, at).join("") + ` ${comment} ` + toks.slice(at).join("");
  },
  "gate-insert"(rng, text) {
    const toks = tokens(text);
    const places = [];
    for (let i = 0; i < toks.length; i++) {
      if (
        /^(interface|world|type|record|variant|enum|flags|resource|import|export|include|use|constructor)$/.test(
          toks[i],
        )
      )
        places.push(i);
      else if (/^%?[a-z]/.test(toks[i]) && toks[i + 1] === ":") places.push(i);
    }
    if (places.length === 0) return text;
    const gate = rng.pick([
      "@since(version = 0.1.0)",
      "@since(version = 1.0.0)",
      "@unstable(feature = active)",
      "@unstable(feature = x)",
      "@deprecated(version = 0.2.0) @since(version = 0.1.0)",
      "@since(version = 0.1.0) @unstable(feature = active)",
    ]);
    const at = rng.pick(places);
    toks.splice(at, 0, gate, " ");
    return toks.join("");
  },
  splice(rng, text, corpus) {
    const other = rng.pick(corpus.seeds);
    const paths = witPaths(other);
    if (paths.length === 0) return text;
    const src = textOf(other.files.get(rng.pick(paths)));
    const a = rng.below(src.length + 1);
    const chunk = src.slice(a, a + rng.size(src.length - a + 1));
    return insertAtBoundary(rng, text, chunk);
  },
};

/** Invalid and unusual UTF-8: overlong forms, encoded surrogates, code points past U+10FFFF, stray continuation bytes. */
const BAD_SEQUENCES = [
  [0xc0, 0x80],
  [0xc1, 0xbf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0x80],
  [0xbf],
  [0xe2, 0x80],
  [0xf0, 0x9f, 0x98],
  [0xff],
  [0xfe],
  [0xef, 0xbb, 0xbf],
];

/** Byte-level edit of a file; returns bytes. */
function byteFlip(rng, value) {
  const src = isText(value) ? Buffer.from(value, "utf8") : Buffer.from(value);
  let bytes = [...src];
  for (let k = rng.size(8); k > 0; k--) {
    const at = rng.below(bytes.length + 1);
    switch (rng.below(4)) {
      case 0:
        if (at < bytes.length) bytes[at] ^= 1 << rng.below(8);
        break;
      case 1:
        if (at < bytes.length) bytes[at] = rng.below(256);
        break;
      case 2:
        bytes.splice(at, 0, ...rng.pick(BAD_SEQUENCES));
        break;
      default:
        // Cutting bytes can split a multi-byte character.
        bytes.splice(at, rng.size(4));
    }
  }
  if (bytes.length > src.length * 4 + 64) bytes = bytes.slice(0, src.length * 4 + 64);
  return Uint8Array.from(bytes);
}

/** File-level edits of a case: drop, copy, rename, add dependencies and odd entries. */
function fileOps(rng, c, corpus) {
  const paths = [...c.files.keys()].sort();
  const isDir = c.files.size > 1 || !c.files.has(c.root);
  const dir = isDir ? c.root : "";
  const prefix = dir ? `${dir}/` : "";
  switch (rng.below(7)) {
    case 0:
      if (paths.length > 1) c.files.delete(rng.pick(paths));
      return "drop-file";
    case 1: {
      const p = rng.pick(paths);
      c.files.set(p.replace(/\.wit$/, "") + "-copy.wit", c.files.get(p));
      return "copy-file";
    }
    case 2: {
      const p = rng.pick(paths);
      const v = c.files.get(p);
      c.files.delete(p);
      c.files.set(
        p.replace(/\.wit$/, rng.pick([".txt", ".WIT", ".wit.wit", ""])) || `${prefix}x`,
        v,
      );
      if (p === c.root) c.root = [...c.files.keys()][0];
      return "rename-file";
    }
    case 3: {
      if (!isDir) return "noop";
      // Another seed, whole, as a dependency: a directory or a single file.
      const other = rng.pick(corpus.seeds);
      const name = `dep${rng.below(4)}`;
      const single = other.files.size === 1 && other.files.has(other.root);
      for (const [p, v] of other.files) {
        if (single) c.files.set(`${prefix}deps/${name}.wit`, v);
        else c.files.set(`${prefix}deps/${name}/${p.slice(other.root.length + 1)}`, v);
      }
      return "add-dep";
    }
    case 4: {
      if (!isDir) return "noop";
      const entry = rng.pick([
        "deps/x.wasm",
        "deps/x.wat",
        "deps/README.md",
        "deps/x/deps/y.wit",
        "deps/x",
        "empty.wit",
      ]);
      c.files.set(
        `${prefix}${entry}`,
        entry.endsWith(".wasm") ? Uint8Array.of(0, 0x61, 0x73, 0x6d) : "",
      );
      return `add-${entry}`;
    }
    case 5:
      // An empty file where a package was.
      c.files.set(rng.pick(paths), "");
      return "empty-file";
    default: {
      // The whole text twice in one file: every name defined twice.
      const p = rng.pick(paths);
      const t = textOf(c.files.get(p));
      c.files.set(p, t + "\n" + t);
      return "double-file";
    }
  }
}

/** Relative frequencies; mutators not listed weigh 2. */
const WEIGHTS = {
  "token-delete": 10,
  "token-insert": 10,
  "byte-flip": 10,
  "token-duplicate": 8,
  "token-replace": 8,
  unicode: 6,
  truncate: 6,
  "deep-types": 4,
  splice: 4,
  "token-swap": 4,
  "file-ops": 4,
  "huge-identifier": 3,
  rename: 4,
  "comment-insert": 4,
  "gate-insert": 4,
};

/** `[weight, name]` pairs for the PRNG's `weighted`. */
export const MUTATORS = [...Object.keys(TEXT_MUTATORS), "byte-flip", "file-ops"].map((name) => [
  WEIGHTS[name] ?? 2,
  name,
]);

/** Every mutator name, for coverage checks. */
export const MUTATOR_NAMES = MUTATORS.map(([, n]) => n);

/** Makes one case: a random seed, 0 to 4 mutations, sometimes feature options. */
export function makeCase(rng, corpus) {
  const seed = rng.pick(corpus.seeds);
  const c = {
    seed: seed.name,
    root: seed.root,
    files: new Map(seed.files),
    options: {},
    disk: false,
    mutations: [],
  };
  const count = rng.weighted([
    [2, 0],
    [50, 1],
    [28, 2],
    [12, 3],
    [8, 4],
  ]);
  for (let k = 0; k < count; k++) {
    const name = rng.weighted(MUTATORS);
    if (name === "file-ops") {
      c.mutations.push(`file-ops:${fileOps(rng, c, corpus)}`);
      continue;
    }
    const paths = witPaths(c);
    if (paths.length === 0) continue;
    const path = rng.pick(paths);
    const before = c.files.get(path);
    const after =
      name === "byte-flip"
        ? byteFlip(rng, before)
        : TEXT_MUTATORS[name](rng, textOf(before), corpus);
    // Stacked duplications could grow without bound; a file past the cap keeps its text from before.
    if (after.length > MAX_FILE_LENGTH) continue;
    c.files.set(path, after);
    c.mutations.push(`${name}:${path}`);
  }
  if (rng.chance(0.15)) {
    c.options = rng.chance(0.3)
      ? { allFeatures: true }
      : { features: rng.pick([["active"], ["x", "y"], []]) };
  }
  // One case in ten that resolves is resolved again with a BOM and CRLF line ends (see stages.js).
  c.metamorphic = rng.chance(0.1);
  // Invalid UTF-8 goes through real files a quarter of the time, so the loader's own decoding is exercised too.
  c.disk = [...c.files.values()].some((v) => !isText(v)) && rng.chance(0.25) && !fileIsAlsoDir(c);
  return c;
}

/** Whether a path is both a file and a directory (`deps/x` and `deps/x/a.wit`): memory allows that, a disk does not. */
function fileIsAlsoDir(c) {
  const paths = [...c.files.keys()];
  return paths.some((p) => paths.some((q) => q.startsWith(`${p}/`)));
}

/** The in-memory view of a case, bytes decoded as `Buffer.toString()` would. */
export function decodedFiles(c) {
  const out = new Map();
  for (const [p, v] of c.files) out.set(p, textOf(v));
  return out;
}
