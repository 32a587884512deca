/**
 * The component binary format, read into the intermediate form of `component-types.ts`. Consumes bytes;
 * produces LEB128 integers, names, sections, type definitions and declarations through a `Reader`, and the
 * exported component types of a WIT package encoded as a component (`decodeBinary`). The runnable-component
 * decoders (`component-packages.ts`, `canonical-options.ts`) read their sections with the same `Reader`.
 */
import {
  bail,
  PRIMITIVES,
  type Decl,
  type ExternDesc,
  type PackageItem,
  type Slot,
  type ValType,
} from "./component-types.js";

export class Reader {
  pos = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  byte(): number {
    if (this.pos >= this.bytes.length) bail("unexpected end of the binary");
    return this.bytes[this.pos++]!;
  }

  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 35) bail("integer too large");
    }
  }

  /** A signed LEB128 of up to 33 bits (the encoding of a `valtype`). */
  s33(): number {
    let result = 0;
    let shift = 0;
    let b: number;
    do {
      b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    if (b & 0x40) result -= 2 ** shift;
    return result;
  }

  string(): string {
    const len = this.u32();
    if (this.pos + len > this.bytes.length) bail("unexpected end of the binary");
    const s = new TextDecoder("utf-8", { fatal: true }).decode(
      this.bytes.subarray(this.pos, this.pos + len),
    );
    this.pos += len;
    return s;
  }

  skip(n: number): void {
    this.pos += n;
  }

  vec<T>(f: () => T): T[] {
    const n = this.u32();
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(f());
    return out;
  }

  /** A component binary's preamble: the magic number, version 0x0d and layer 1 (not a core module). */
  preamble(coreModule = "a core module"): void {
    for (const m of [0x00, 0x61, 0x73, 0x6d])
      if (this.byte() !== m) bail("not a WebAssembly binary");
    const version = this.byte() | (this.byte() << 8);
    const layer = this.byte() | (this.byte() << 8);
    if (layer !== 1) bail(`${coreModule}, not a component`);
    if (version !== 0x0d) bail(`unsupported component binary version 0x${version.toString(16)}`);
  }

  /**
   * The sections up to the end of the binary, in order: `read` gets each one's id and bounds, the reader at its
   * first byte. A section that claims to run past the end is an error. `exact`: `read` must stop at the
   * section's last byte (a check of the decoder and of the binary); otherwise the reader moves to the next
   * section wherever `read` stopped.
   */
  sections(exact: boolean, read: (id: number, start: number, end: number) => void): void {
    while (!this.done) {
      const id = this.byte();
      const size = this.u32();
      const start = this.pos;
      const end = start + size;
      if (end > this.bytes.length) bail(`section ${id} runs past the end of the binary`);
      read(id, start, end);
      if (!exact) this.pos = end;
      else if (this.pos !== end) bail(`section ${id} at byte ${start} has the wrong size`);
    }
  }
}

function readValType(r: Reader): ValType {
  const v = r.s33();
  if (v >= 0) return { idx: v };
  const prim = PRIMITIVES.get(v & 0x7f);
  if (!prim) bail(`unknown value type 0x${(v & 0x7f).toString(16)}`);
  return { prim };
}

export function readOptional<T>(r: Reader, f: () => T): T | undefined {
  const b = r.byte();
  if (b === 0) return undefined;
  if (b !== 1) bail(`invalid option byte 0x${b.toString(16)}`);
  return f();
}

export function readExternName(r: Reader): string {
  return readExternNameParts(r).name;
}

/**
 * An extern name with what the form 0x02 adds to it: tagged strings, of which tag 0x00 names the interface a
 * plainly named item implements (`import primary: ns:pkg/store;` is the name `primary` implementing
 * `ns:pkg/store`). The other tags (a version suffix, an external id) carry nothing WIT needs here.
 */
export function readExternNameParts(r: Reader): { name: string; implements: string | undefined } {
  const b = r.byte();
  // 0x01 once marked interface names; both carry just the name now.
  if (b === 0 || b === 1) return { name: r.string(), implements: undefined };
  if (b !== 2) bail(`unsupported extern name form 0x${b.toString(16)}`);
  const name = r.string();
  let implemented: string | undefined;
  for (const [tag, value] of r.vec(() => {
    const tag = r.byte();
    if (tag > 0x02) bail(`unknown extern name option 0x${tag.toString(16)}`);
    return [tag, r.string()] as const;
  })) {
    if (tag === 0x00) implemented = value;
  }
  return { name, implements: implemented };
}

export function readExternDesc(r: Reader): ExternDesc {
  const b = r.byte();
  switch (b) {
    case 0x00:
      r.byte();
      r.u32();
      return { kind: "other", what: "core module" };
    case 0x01:
      return { kind: "func", type: r.u32() };
    case 0x02: {
      // A value bound: a value index or a value type. Read it so that the declarations after it stay in step.
      const bound = r.byte();
      if (bound === 0x00) r.u32();
      else if (bound === 0x01) readValType(r);
      else bail(`unknown value bound 0x${bound.toString(16)}`);
      return { kind: "other", what: "value" };
    }
    case 0x03: {
      const bound = r.byte();
      if (bound === 0) return { kind: "type-eq", type: r.u32() };
      if (bound === 1) return { kind: "type-sub" };
      return bail(`unknown type bound 0x${bound.toString(16)}`);
    }
    case 0x04:
      return { kind: "component", type: r.u32() };
    case 0x05:
      return { kind: "instance", type: r.u32() };
    default:
      return bail(`unknown extern descriptor 0x${b.toString(16)}`);
  }
}

export function readDefType(r: Reader): Slot {
  const b = r.byte();
  const prim = PRIMITIVES.get(b);
  if (prim) return { kind: "defined", def: { kind: "prim", name: prim } };
  const labelled = (): [string, ValType] => [r.string(), readValType(r)];
  switch (b) {
    case 0x72:
      return { kind: "defined", def: { kind: "record", fields: r.vec(labelled) } };
    case 0x71:
      return {
        kind: "defined",
        def: {
          kind: "variant",
          cases: r.vec(() => {
            const name = r.string();
            const t = readOptional(r, () => readValType(r));
            r.byte(); // refines, always 0
            return [name, t] as [string, ValType | undefined];
          }),
        },
      };
    case 0x70:
      return { kind: "defined", def: { kind: "list", element: readValType(r), size: undefined } };
    case 0x67:
      return { kind: "defined", def: { kind: "list", element: readValType(r), size: r.u32() } };
    case 0x6f:
      return { kind: "defined", def: { kind: "tuple", types: r.vec(() => readValType(r)) } };
    case 0x6e:
      return { kind: "defined", def: { kind: "flags", names: r.vec(() => r.string()) } };
    case 0x6d:
      return { kind: "defined", def: { kind: "enum", names: r.vec(() => r.string()) } };
    case 0x6b:
      return { kind: "defined", def: { kind: "option", element: readValType(r) } };
    case 0x6a: {
      const ok = readOptional(r, () => readValType(r));
      const err = readOptional(r, () => readValType(r));
      return { kind: "defined", def: { kind: "result", ok, err } };
    }
    case 0x69:
      return { kind: "defined", def: { kind: "own", resource: r.u32() } };
    case 0x68:
      return { kind: "defined", def: { kind: "borrow", resource: r.u32() } };
    case 0x66:
      return {
        kind: "defined",
        def: { kind: "stream", element: readOptional(r, () => readValType(r)) },
      };
    case 0x65:
      return {
        kind: "defined",
        def: { kind: "future", element: readOptional(r, () => readValType(r)) },
      };
    case 0x63:
      return { kind: "defined", def: { kind: "map", key: readValType(r), value: readValType(r) } };
    case 0x40:
    case 0x43: {
      const params = r.vec(labelled);
      const tag = r.byte();
      let result: ValType | undefined;
      if (tag === 0x00) result = readValType(r);
      else if (tag === 0x01) r.byte();
      else bail(`invalid result list 0x${tag.toString(16)}`);
      return { kind: "func", params, result, async: b === 0x43 };
    }
    case 0x41:
      return { kind: "component", decls: r.vec(() => readDecl(r, true)) };
    case 0x42:
      return { kind: "instance", decls: r.vec(() => readDecl(r, false)) };
    case 0x3f:
      return bail("resource type definitions are not part of a WIT package");
    default:
      return bail(`unknown type form 0x${b.toString(16)}`);
  }
}

function readDecl(r: Reader, inComponent: boolean): Decl {
  const b = r.byte();
  switch (b) {
    case 0x00:
      return bail("core types are not part of a WIT package");
    case 0x01:
      return { kind: "type", slot: readDefType(r) };
    case 0x02: {
      const sort = r.byte();
      if (sort !== 0x03) bail("only type aliases are supported in a WIT package");
      const target = r.byte();
      if (target === 0x02)
        return { kind: "type", slot: { kind: "outer", count: r.u32(), index: r.u32() } };
      if (target === 0x00)
        return {
          kind: "type",
          slot: { kind: "alias-export", instance: r.u32(), name: r.string() },
        };
      return bail(`unsupported alias target 0x${target.toString(16)}`);
    }
    case 0x03:
      if (!inComponent) bail("an instance type cannot import");
      return { kind: "import", name: readExternName(r), desc: readExternDesc(r) };
    case 0x04:
      return { kind: "export", name: readExternName(r), desc: readExternDesc(r) };
    default:
      return bail(`unknown declaration 0x${b.toString(16)}`);
  }
}

export function decodeBinary(bytes: Uint8Array): PackageItem[] {
  const r = new Reader(bytes);
  r.preamble();
  const types: Slot[] = [];
  const items: PackageItem[] = [];
  r.sections(true, (id, _start, end) => {
    switch (id) {
      case 0: // custom sections (names, docs) carry nothing WIT needs here
        r.pos = end;
        break;
      case 7:
        for (const slot of r.vec(() => readDefType(r))) types.push(slot);
        break;
      case 11: {
        const exports = r.vec(() => {
          const name = readExternName(r);
          const sort = r.byte();
          if (sort === 0x00) r.byte();
          const index = r.u32();
          readOptional(r, () => readExternDesc(r));
          return { name, sort, index };
        });
        for (const e of exports) {
          if (e.sort !== 0x03) bail(`export \`${e.name}\` is not a type`);
          const t = types[e.index];
          if (!t) bail(`export \`${e.name}\` names an unknown type`);
          items.push({ name: e.name, type: t });
          // An exported type is also a new entry of the type index space.
          types.push(t);
        }
        break;
      }
      default:
        bail(`a WIT package has no section ${id}`);
    }
  });
  return items;
}
