/**
 * Nested components for the tests, made from any real component. Consumes the bytes of a component and produces a
 * component that holds it nested: the outer component imports what the inner one imports (its leading type,
 * import and alias sections, copied as they are), instantiates it with those imports, and exports each of its
 * exports again through an alias (`alias export $inner "ns:pkg/iface" (instance)`, likewise for functions and
 * types). That is the shape composition tools write (a component that nests components and re-exports an instance
 * of one), and jco runs it as it runs the inner one. Applied twice, the inner component sits two levels deep.
 */
import { readComponent } from "../../../src/wit/decoding/component-body.js";

const FUNC = 0x01;
const TYPE = 0x03;
const INSTANCE = 0x05;

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

function name(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...leb(bytes.length), ...bytes];
}

function section(id: number, content: readonly number[] | Uint8Array): number[] {
  return [id, ...leb(content.length), ...content];
}

function vec(items: readonly number[][]): number[] {
  return [...leb(items.length), ...items.flat()];
}

/** The sections of a component binary, as `[id, start, end]` of each section's content. */
function sections(bytes: Uint8Array): [number, number, number][] {
  const out: [number, number, number][] = [];
  let p = 8;
  const u32 = (): number => {
    let r = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[p++]!;
      r += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return r;
    }
  };
  while (p < bytes.length) {
    const id = bytes[p++]!;
    const size = u32();
    out.push([id, p, p + size]);
    p += size;
  }
  return out;
}

/** `inner`, nested in a component that imports what it imports and re-exports what it exports. */
export function nestComponent(inner: Uint8Array): Uint8Array {
  const header = inner.subarray(0, 8);
  const all = sections(inner);
  // Types, imports and the aliases of imported instances' types come first in what wit-component writes.
  const cut = all.findIndex(([id]) => id !== 0 && id !== 6 && id !== 7 && id !== 10);
  const lead = all.slice(0, cut < 0 ? all.length : cut).filter(([id]) => id !== 0);
  const prefix = lead.flatMap(([id, start, end]) => section(id, inner.subarray(start, end)));
  const outer = readComponent(Uint8Array.from([...header, ...prefix]));
  const body = readComponent(inner);

  // The instantiation passes each import of the inner component the same import of the outer one.
  const args: number[][] = [];
  let funcImports = 0;
  for (const i of body.imports) {
    let sortIdx: number[];
    switch (i.desc.kind) {
      case "instance":
        sortIdx = [
          INSTANCE,
          ...leb(outer.instances.findIndex((x) => x.kind === "import" && x.name === i.name)),
        ];
        break;
      case "func": {
        // No `canon` section leads: the k-th typed function is the k-th function import.
        const typed = outer.funcs.flatMap((f, index) => (f.kind === "typed" ? [index] : []));
        sortIdx = [FUNC, ...leb(typed[funcImports++]!)];
        break;
      }
      case "type-eq":
      case "type-sub":
        sortIdx = [
          TYPE,
          ...leb(outer.types.findIndex((t) => t.kind === "import" && t.name === i.name)),
        ];
        break;
      default:
        throw new Error(`cannot forward import \`${i.name}\` (${i.desc.kind})`);
    }
    args.push([...name(i.name), ...sortIdx]);
  }
  const instance = outer.instances.length;
  const instantiate = section(0x05, vec([[0x00, ...leb(0), ...vec(args)]]));

  const aliases: number[][] = [];
  const exports: number[][] = [];
  const next = {
    [FUNC]: outer.funcs.length,
    [TYPE]: outer.types.length,
    [INSTANCE]: instance + 1,
  };
  for (const e of body.exports) {
    const sort = e.item.sort;
    if (sort !== FUNC && sort !== TYPE && sort !== INSTANCE)
      throw new Error(`cannot re-export \`${e.name}\``);
    // Every alias comes before every export: the k-th alias of a sort is the k-th new item of that sort.
    aliases.push([sort, 0x00, ...leb(instance), ...name(e.name)]);
    exports.push([0x00, ...name(e.name), sort, ...leb(next[sort]++), 0x00]);
  }
  return Uint8Array.from([
    ...header,
    ...prefix,
    ...section(0x04, inner),
    ...instantiate,
    ...section(0x06, vec(aliases)),
    ...section(0x0b, vec(exports)),
  ]);
}
