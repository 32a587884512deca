/**
 * Synthetic WIT for benchmarks: one package of `interfaces` interfaces, each
 * with `functions` functions over records, variants, enums, flags and a
 * resource, and each odd interface `use`s types of the even one before it
 * (the world imports the even ones and exports the odd ones, a valid shape), so that lexing,
 * parsing, name resolution and type elaboration all get exercised. Consumes
 * two sizes, produces WIT text; the same arguments always give the same text.
 */

/** @param {{ interfaces: number, functions?: number }} opts */
export function synthWit({ interfaces, functions = 20 }) {
  const out = ["package bench:synthetic@1.0.0;", ""];
  for (let i = 0; i < interfaces; i++) {
    out.push(`/// Interface number ${i}.`);
    out.push(`interface iface${i} {`);
    if (i % 2 === 1) out.push(`  use iface${i - 1}.{point${i - 1} as prev-point, shape${i - 1}};`);
    out.push(`  /// A point.`);
    out.push(`  record point${i} { x: f64, y: f64, label: option<string>, tags: list<string> }`);
    out.push(
      `  variant shape${i} { circle(f64), square(point${i}), nothing, many(list<point${i}>) }`,
    );
    out.push(`  enum color${i} { red, green, blue, cyan, magenta, yellow }`);
    out.push(`  flags perms${i} { read, write, exec, admin }`);
    out.push(`  resource handle${i} {`);
    out.push(`    constructor(name: string);`);
    out.push(`    get: func(key: string) -> option<list<u8>>;`);
    out.push(`    set: func(key: string, value: list<u8>) -> result<_, string>;`);
    out.push(`    open: static func(path: string) -> result<handle${i}, string>;`);
    out.push(`  }`);
    for (let f = 0; f < functions; f++) {
      switch (f % 4) {
        case 0:
          out.push(
            `  fn${f}: func(a: point${i}, b: color${i}, c: perms${i}) -> result<shape${i}, string>;`,
          );
          break;
        case 1:
          out.push(
            `  fn${f}: func(h: borrow<handle${i}>, xs: list<tuple<u32, s64, string>>) -> option<point${i}>;`,
          );
          break;
        case 2:
          out.push(
            i % 2 === 1
              ? `  fn${f}: func(p: prev-point, s: shape${i - 1}) -> list<option<result<u64, color${i}>>>;`
              : `  fn${f}: func(p: point${i}) -> list<option<result<u64, color${i}>>>;`,
          );
          break;
        default:
          out.push(
            `  fn${f}: func(n: u32, m: u64, s: string, b: bool, c: char) -> tuple<f32, f64, s8, u16>;`,
          );
      }
    }
    out.push(`}`, "");
  }
  out.push("world synthetic {");
  for (let i = 0; i < interfaces; i++) out.push(`  ${i % 2 ? "export" : "import"} iface${i};`);
  out.push("}", "");
  return out.join("\n");
}

/** How many interfaces make about `bytes` of WIT. */
export function interfacesForSize(bytes, functions = 20) {
  const one = synthWit({ interfaces: 2, functions }).length / 2;
  return Math.max(1, Math.round(bytes / one));
}
