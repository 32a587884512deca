/**
 * WIT packages encoded as WebAssembly components (the `.wasm` and `.wat`
 * files a `deps/` folder may hold, as `wasm-tools component wit --wasm`
 * writes them). Phase: loading, before resolution. Consumes the bytes of a
 * binary component or the text of a `.wat` file and produces equivalent WIT
 * source text, which then goes through the ordinary parser and resolver (so
 * every check applies to it too).
 *
 * Both formats are read into one small IR of component-type declarations
 * (`Decl`, `Slot`), following the component model's `Binary.md` and the
 * text format's desugaring of inline types. Then each exported component
 * type `ns:pkg/name` becomes an interface (an instance type) or a world (a
 * component type) in WIT. Supported: value types, resources and handles,
 * functions (sync and async), `use` of types from other interfaces through
 * instance imports and aliases. Anything else is reported as unsupported,
 * never guessed. The binary reader, the IR and the printer are exported for
 * component-packages.ts, which reads the interfaces of runnable components.
 */

/** A value type: a primitive by name, or an index into the enclosing scope's types. */
type ValType = { readonly prim: string } | { readonly idx: number };

type Defined =
  | { kind: "record"; fields: [string, ValType][] }
  | { kind: "variant"; cases: [string, ValType | undefined][] }
  | { kind: "list"; element: ValType; size: number | undefined }
  | { kind: "tuple"; types: ValType[] }
  | { kind: "flags"; names: string[] }
  | { kind: "enum"; names: string[] }
  | { kind: "option"; element: ValType }
  | { kind: "result"; ok: ValType | undefined; err: ValType | undefined }
  | { kind: "own" | "borrow"; resource: number }
  | { kind: "future" | "stream"; element: ValType | undefined }
  | { kind: "map"; key: ValType; value: ValType }
  | { kind: "prim"; name: string };

/** One entry of a scope's type index space. */
export type Slot =
  | { kind: "defined"; def: Defined }
  | {
      kind: "func";
      params: [string, ValType][];
      result: ValType | undefined;
      async: boolean;
    }
  | { kind: "component" | "instance"; decls: Decl[] }
  | { kind: "resource"; name: string | undefined }
  | { kind: "outer"; count: number; index: number }
  | { kind: "alias-export"; instance: number; name: string }
  /** A type export or import `(type (eq N))`: the same type as slot N, under a name. */
  | { kind: "eq"; target: number; name: string }
  /**
   * The type at `index` of another scope: a nested component's type import, bound to the type its
   * instantiation passes, or a type a component takes from an instance it made itself.
   */
  | { kind: "ref"; scope: PrintScope; index: number };

export type ExternDesc =
  | { kind: "instance" | "component" | "func"; type: number }
  | { kind: "type-eq"; type: number }
  | { kind: "type-sub" }
  | { kind: "other"; what: string };

export type Decl =
  { kind: "type"; slot: Slot } | { kind: "import" | "export"; name: string; desc: ExternDesc };

type ItemDecl = Extract<Decl, { name: string }>;

/** A top-level export of the package component: a name and the component type it names. */
interface PackageItem {
  readonly name: string;
  readonly type: Slot;
}

export class DecodeError extends Error {}

export function bail(message: string): never {
  throw new DecodeError(message);
}

const PRIMITIVES: ReadonlyMap<number, string> = new Map([
  [0x7f, "bool"],
  [0x7e, "s8"],
  [0x7d, "u8"],
  [0x7c, "s16"],
  [0x7b, "u16"],
  [0x7a, "s32"],
  [0x79, "u32"],
  [0x78, "s64"],
  [0x77, "u64"],
  [0x76, "f32"],
  [0x75, "f64"],
  [0x74, "char"],
  [0x73, "string"],
  [0x64, "error-context"],
]);

const PRIMITIVE_NAMES = new Set(PRIMITIVES.values());

// ---------------------------------------------------------------------------
// Binary format
// ---------------------------------------------------------------------------

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
  const b = r.byte();
  // 0x01 once marked interface names; both carry just the name now.
  if (b !== 0 && b !== 1) bail(`unsupported extern name form 0x${b.toString(16)}`);
  return r.string();
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

function decodeBinary(bytes: Uint8Array): PackageItem[] {
  const r = new Reader(bytes);
  const magic = [0x00, 0x61, 0x73, 0x6d];
  for (const m of magic) if (r.byte() !== m) bail("not a WebAssembly binary");
  const version = r.byte() | (r.byte() << 8);
  const layer = r.byte() | (r.byte() << 8);
  if (layer !== 1) bail("a core module, not a component");
  if (version !== 0x0d) bail(`unsupported component binary version 0x${version.toString(16)}`);
  const types: Slot[] = [];
  const items: PackageItem[] = [];
  while (!r.done) {
    const id = r.byte();
    const size = r.u32();
    const end = r.pos + size;
    switch (id) {
      case 0: // custom sections (names, docs) carry nothing WIT needs here
        r.skip(size);
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
    if (r.pos !== end) bail(`section ${id} has the wrong size`);
  }
  return items;
}

// ---------------------------------------------------------------------------
// Text format
// ---------------------------------------------------------------------------

type SExpr = { readonly atom: string; readonly str: boolean } | SExpr[];

function isList(e: SExpr | undefined): e is SExpr[] {
  return Array.isArray(e);
}

function atomOf(e: SExpr | undefined): string | undefined {
  return e !== undefined && !Array.isArray(e) && !e.str ? e.atom : undefined;
}

function stringOf(e: SExpr | undefined): string | undefined {
  return e !== undefined && !Array.isArray(e) && e.str ? e.atom : undefined;
}

function readSExprs(text: string): SExpr[] {
  const stack: SExpr[][] = [[]];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ";" && text[i + 1] === ";") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "(" && text[i + 1] === ";") {
      // Block comments nest.
      let depth = 0;
      do {
        if (text.startsWith("(;", i)) {
          depth++;
          i += 2;
        } else if (text.startsWith(";)", i)) {
          depth--;
          i += 2;
        } else if (i >= text.length) bail("unterminated block comment");
        else i++;
      } while (depth > 0);
    } else if (c === "(") {
      stack.push([]);
      i++;
    } else if (c === ")") {
      if (stack.length < 2) bail("unbalanced `)`");
      const done = stack.pop()!;
      stack[stack.length - 1]!.push(done);
      i++;
    } else if (c === '"') {
      let s = "";
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === "\\") {
          const n = text[i + 1]!;
          const simple: Record<string, string> = {
            n: "\n",
            t: "\t",
            r: "\r",
            '"': '"',
            "'": "'",
            "\\": "\\",
          };
          if (simple[n] !== undefined) {
            s += simple[n];
            i += 2;
          } else if (n === "u") {
            // `\u{hex}`. A missing `}` once sent `i` back to the start (indexOf's -1), re-reading the text forever.
            const close = text.indexOf("}", i);
            const hex = close < 0 ? "" : text.slice(i + 3, close);
            const code =
              /^[0-9a-fA-F]{1,6}$/.test(hex) && text[i + 2] === "{" ? parseInt(hex, 16) : -1;
            if (code < 0 || code > 0x10ffff || (code >= 0xd800 && code < 0xe000))
              bail("invalid unicode escape");
            s += String.fromCodePoint(code);
            i = close + 1;
          } else {
            const hex = text.slice(i + 1, i + 3);
            if (!/^[0-9a-fA-F]{2}$/.test(hex)) bail("invalid string escape");
            s += String.fromCharCode(parseInt(hex, 16));
            i += 3;
          }
        } else s += text[i++];
      }
      if (i >= text.length) bail("unterminated string");
      i++;
      stack[stack.length - 1]!.push({ atom: s, str: true });
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === ";") {
      // A `;` that starts no comment is no token; taking it for an empty atom consumed nothing and pushed
      // empty atoms until the heap ran out (fuzzer repro: `(a;`).
      bail("unexpected character `;`");
    } else {
      const start = i;
      while (i < text.length && !/[\s()";]/.test(text[i]!)) i++;
      stack[stack.length - 1]!.push({ atom: text.slice(start, i), str: false });
    }
  }
  if (stack.length !== 1) bail("unbalanced `(`");
  return stack[0]!;
}

/** One scope of the text format: the type index space and `$name`s of a component or instance body. */
class TextScope {
  readonly decls: Decl[] = [];
  readonly typeNames = new Map<string, number>();
  readonly instanceNames = new Map<string, number>();
  types = 0;
  instances = 0;

  constructor(readonly parent: TextScope | undefined) {}

  addType(slot: Slot, name?: string): number {
    this.decls.push({ kind: "type", slot });
    if (name) this.typeNames.set(name, this.types);
    return this.types++;
  }

  typeIndex(e: SExpr | undefined): number {
    const a = atomOf(e);
    if (a === undefined) bail("expected a type index");
    if (a.startsWith("$")) {
      const i = this.typeNames.get(a);
      if (i === undefined) bail(`unknown type ${a}`);
      return i;
    }
    return Number(a);
  }

  instanceIndex(e: SExpr | undefined): number {
    const a = atomOf(e);
    if (a === undefined) bail("expected an instance index");
    if (a.startsWith("$")) {
      const i = this.instanceNames.get(a);
      if (i === undefined) bail(`unknown instance ${a}`);
      return i;
    }
    return Number(a);
  }
}

/** A value type in the text format: a primitive keyword, an index, or an inline definition. */
function textValType(scope: TextScope, e: SExpr | undefined): ValType {
  const a = atomOf(e);
  if (a !== undefined) {
    if (PRIMITIVE_NAMES.has(a)) return { prim: a };
    return { idx: scope.typeIndex(e) };
  }
  if (!isList(e)) bail("expected a value type");
  return { idx: scope.addType(textDefType(scope, e)) };
}

function textDefType(scope: TextScope, e: SExpr[]): Slot {
  const head = atomOf(e[0]);
  const rest = e.slice(1);
  const vt = (x: SExpr | undefined): ValType => textValType(scope, x);
  const names = (): string[] => rest.map((x) => stringOf(x) ?? bail("expected a name"));
  switch (head) {
    case "record":
      return {
        kind: "defined",
        def: {
          kind: "record",
          fields: rest.map((f) => {
            if (!isList(f) || atomOf(f[0]) !== "field") bail("expected (field ...)");
            return [stringOf(f[1]) ?? bail("expected a field name"), vt(f[2])] as [string, ValType];
          }),
        },
      };
    case "variant":
      return {
        kind: "defined",
        def: {
          kind: "variant",
          cases: rest.map((c) => {
            if (!isList(c) || atomOf(c[0]) !== "case") bail("expected (case ...)");
            const body = c.slice(1).filter((x) => !(atomOf(x) ?? "").startsWith("$"));
            return [
              stringOf(body[0]) ?? bail("expected a case name"),
              body[1] === undefined ? undefined : vt(body[1]),
            ] as [string, ValType | undefined];
          }),
        },
      };
    case "list":
      return {
        kind: "defined",
        def: {
          kind: "list",
          element: vt(rest[0]),
          size: rest[1] ? Number(atomOf(rest[1])) : undefined,
        },
      };
    case "tuple":
      return { kind: "defined", def: { kind: "tuple", types: rest.map(vt) } };
    case "flags":
      return { kind: "defined", def: { kind: "flags", names: names() } };
    case "enum":
      return { kind: "defined", def: { kind: "enum", names: names() } };
    case "option":
      return { kind: "defined", def: { kind: "option", element: vt(rest[0]) } };
    case "result": {
      let ok: ValType | undefined;
      let err: ValType | undefined;
      for (const x of rest) {
        if (isList(x) && atomOf(x[0]) === "error") err = vt(x[1]);
        else ok = vt(x);
      }
      return { kind: "defined", def: { kind: "result", ok, err } };
    }
    case "own":
    case "borrow":
      return { kind: "defined", def: { kind: head, resource: scope.typeIndex(rest[0]) } };
    case "future":
    case "stream":
      return {
        kind: "defined",
        def: { kind: head, element: rest[0] === undefined ? undefined : vt(rest[0]) },
      };
    case "map":
      return { kind: "defined", def: { kind: "map", key: vt(rest[0]), value: vt(rest[1]) } };
    case "func": {
      let async = false;
      const params: [string, ValType][] = [];
      let result: ValType | undefined;
      for (const x of rest) {
        if (atomOf(x) === "async") async = true;
        else if (isList(x) && atomOf(x[0]) === "param")
          params.push([stringOf(x[1]) ?? bail("expected a param name"), vt(x[2])]);
        else if (isList(x) && atomOf(x[0]) === "result") result = vt(x[1]);
        else bail("unexpected item in a function type");
      }
      return { kind: "func", params, result, async };
    }
    case "component":
    case "instance": {
      const inner = new TextScope(scope);
      for (const d of rest) textDecl(inner, d, head === "component");
      return { kind: head, decls: inner.decls };
    }
    default:
      if (head !== undefined && PRIMITIVE_NAMES.has(head))
        return { kind: "defined", def: { kind: "prim", name: head } };
      return bail(`unsupported type \`${head ?? "(...)"}\``);
  }
}

/** An extern descriptor, e.g. `(instance (type 0))` or an inline `(instance ...)`. */
function textExternDesc(scope: TextScope, e: SExpr | undefined): ExternDesc {
  if (!isList(e)) bail("expected an extern descriptor");
  const head = atomOf(e[0]);
  let rest = e.slice(1);
  if (atomOf(rest[0])?.startsWith("$")) rest = rest.slice(1);
  switch (head) {
    case "instance":
    case "component":
    case "func": {
      const first = rest[0];
      if (rest.length === 1 && isList(first) && atomOf(first[0]) === "type") {
        return { kind: head, type: scope.typeIndex(first[1]) };
      }
      // An inline type: the text format defines it just before the item.
      const index = scope.addType(textDefType(scope, [{ atom: head, str: false }, ...rest]));
      return { kind: head, type: index };
    }
    case "type": {
      const bound = rest[0];
      if (isList(bound) && atomOf(bound[0]) === "eq")
        return { kind: "type-eq", type: scope.typeIndex(bound[1]) };
      if (isList(bound) && atomOf(bound[0]) === "sub" && atomOf(bound[1]) === "resource")
        return { kind: "type-sub" };
      return bail("unsupported type bound");
    }
    default:
      return { kind: "other", what: head ?? "(...)" };
  }
}

function textDecl(scope: TextScope, d: SExpr, inComponent: boolean): void {
  if (!isList(d)) bail("expected a declaration");
  const head = atomOf(d[0]);
  if (head === undefined) bail("expected a declaration");
  if (head.startsWith("@")) return; // annotations such as `(@custom ...)`
  switch (head) {
    case "type": {
      let rest = d.slice(1);
      const name = atomOf(rest[0])?.startsWith("$") ? atomOf(rest[0]) : undefined;
      if (name) rest = rest.slice(1);
      const body = rest[0];
      if (!isList(body)) bail("expected a type definition");
      const slot = textDefType(scope, body);
      scope.addType(slot, name);
      return;
    }
    case "alias": {
      const kind = atomOf(d[1]);
      const target = d[d.length - 1];
      if (!isList(target) || atomOf(target[0]) !== "type")
        bail("only type aliases are supported in a WIT package");
      const name = atomOf(target[1]);
      if (kind === "outer") {
        let count = Number(atomOf(d[2]));
        let parent: TextScope | undefined = scope;
        const countAtom = atomOf(d[2]) ?? "";
        if (countAtom.startsWith("$")) bail("named outer scopes are not supported");
        if (!/^[0-9]+$/.test(countAtom)) bail("expected an outer alias count");
        // Stops at the root: a huge count must not loop for billions of steps.
        for (let i = 0; i < count && parent; i++) parent = parent.parent;
        if (!parent) bail("alias to an unknown outer scope");
        count = Number(countAtom);
        scope.addType({ kind: "outer", count, index: parent.typeIndex(d[3]) }, name);
        return;
      }
      if (kind === "export") {
        scope.addType(
          {
            kind: "alias-export",
            instance: scope.instanceIndex(d[2]),
            name: stringOf(d[3]) ?? bail("expected an export name"),
          },
          name,
        );
        return;
      }
      return bail("unsupported alias");
    }
    case "import":
    case "export": {
      if (head === "import" && !inComponent) bail("an instance type cannot import");
      let rest = d.slice(1);
      if (atomOf(rest[0])?.startsWith("$")) rest = rest.slice(1);
      const name = stringOf(rest[0]) ?? bail("expected an import or export name");
      const descExpr = rest[1];
      const desc = textExternDesc(scope, descExpr);
      scope.decls.push({ kind: head, name, desc });
      // Items enter their index spaces: instances, and types for type imports/exports.
      const id = isList(descExpr) ? atomOf(descExpr[1]) : undefined;
      if (desc.kind === "instance") {
        if (id?.startsWith("$")) scope.instanceNames.set(id, scope.instances);
        scope.instances++;
      } else if (desc.kind === "type-eq" || desc.kind === "type-sub") {
        if (id?.startsWith("$")) scope.typeNames.set(id, scope.types);
        scope.types++;
      }
      return;
    }
    default:
      bail(`unsupported declaration \`${head}\``);
  }
}

function decodeText(text: string): PackageItem[] {
  const top = readSExprs(text);
  if (top.length !== 1 || !isList(top[0]) || atomOf(top[0][0]) !== "component")
    bail("expected one `(component ...)`");
  const scope = new TextScope(undefined);
  const items: PackageItem[] = [];
  const slots: Slot[] = [];
  for (const d of top[0].slice(1)) {
    if (!isList(d)) {
      if (atomOf(d)?.startsWith("$")) continue;
      bail("expected a declaration");
    }
    const head = atomOf(d[0]);
    if (head?.startsWith("@")) continue;
    if (head === "type") {
      textDecl(scope, d, true);
      for (const decl of scope.decls.splice(0)) if (decl.kind === "type") slots.push(decl.slot);
    } else if (head === "export") {
      let rest = d.slice(1);
      if (atomOf(rest[0])?.startsWith("$")) rest = rest.slice(1);
      const name = stringOf(rest[0]) ?? bail("expected an export name");
      const target = rest[1];
      if (!isList(target) || atomOf(target[0]) !== "type") bail(`export \`${name}\` is not a type`);
      const t = slots[scope.typeIndex(target[1])];
      if (!t) bail(`export \`${name}\` names an unknown type`);
      items.push({ name, type: t });
      // An exported type is also a new entry of the type index space (named by the export's `$id`, if any).
      const id = atomOf(d[1]);
      scope.addType(t, id?.startsWith("$") ? id : undefined);
      scope.decls.length = 0;
      slots.push(t);
    } else bail(`a WIT package has no \`${head}\``);
  }
  return items;
}

// ---------------------------------------------------------------------------
// IR -> WIT
// ---------------------------------------------------------------------------

interface QualifiedName {
  readonly pkg: string;
  readonly name: string;
  readonly version: string | undefined;
}

export function parseQualified(s: string): QualifiedName | undefined {
  const m = /^([^:/@]+:[^:/@]+)\/([^:/@]+)(?:@(.+))?$/.exec(s);
  return m ? { pkg: m[1]!, name: m[2]!, version: m[3] } : undefined;
}

/** A scope while printing: its slots, the names given to them, and where imported instances come from. */
export class PrintScope {
  readonly slots: Slot[] = [];
  /** Slot -> the WIT name it is known by in this scope. */
  readonly names = new Map<number, string>();
  /** Instance index -> its import name (`ns:pkg/iface@v`). */
  readonly instances: string[] = [];

  constructor(
    readonly parent: PrintScope | undefined,
    decls: readonly Decl[],
  ) {
    for (const d of decls) {
      if (d.kind === "type") this.slots.push(d.slot);
      else if (d.desc.kind === "instance") this.instances.push(d.name);
      else if (d.desc.kind === "type-eq")
        this.slots.push({ kind: "eq", target: d.desc.type, name: d.name });
      else if (d.desc.kind === "type-sub") this.slots.push({ kind: "resource", name: d.name });
    }
  }

  /** Follows aliases to the scope and slot where a type is really defined. */
  resolve(index: number): { scope: PrintScope; index: number; slot: Slot } {
    let scope: PrintScope = this;
    let i = index;
    for (let steps = 0; ; steps++) {
      const slot = scope.slots[i];
      if (!slot) bail(`unknown type index ${i}`);
      if (slot.kind === "ref") {
        // Only a bad input makes references go round in a circle.
        if (steps > 100_000) bail(`type index ${index} refers to itself`);
        scope = slot.scope;
        i = slot.index;
        continue;
      }
      if (slot.kind === "outer") {
        // Terminates: each step goes up a scope, or (count 0) to an earlier slot of the same scope, which an
        // alias must name; an alias to itself or a later slot (only a bad input has one) would cycle.
        if (!(slot.count >= 1) && !(slot.index < i))
          bail(`invalid outer alias to type index ${slot.index}`);
        let s: PrintScope | undefined = scope;
        for (let k = 0; k < slot.count && s; k++) s = s.parent;
        if (!s) bail("alias to an unknown outer scope");
        scope = s;
        i = slot.index;
        continue;
      }
      return { scope, index: i, slot };
    }
  }
}

export class WitPrinter {
  private pkg: string | undefined;
  private version: string | undefined;

  /** The package's WIT text: one interface or world per exported component type. */
  print(items: readonly PackageItem[]): string {
    const bodies: string[] = [];
    for (const item of items) {
      if (item.type.kind !== "component") bail(`export \`${item.name}\` is not a component type`);
      const outer = new PrintScope(undefined, item.type.decls);
      const exports = item.type.decls.filter((d): d is ItemDecl => d.kind === "export");
      if (exports.length !== 1)
        bail(`export \`${item.name}\` does not describe one interface or world`);
      const e = exports[0]!;
      const q = parseQualified(e.name);
      if (!q) bail(`\`${e.name}\` is not a fully qualified interface or world name`);
      if (this.pkg === undefined) {
        this.pkg = q.pkg;
        this.version = q.version;
      } else if (this.pkg !== q.pkg || this.version !== q.version) {
        bail("items of different packages in one WIT package");
      }
      const desc = e.desc;
      if (desc.kind === "instance") {
        const slot = outer.resolve(desc.type);
        if (slot.slot.kind !== "instance") bail(`\`${e.name}\` is not an instance type`);
        bodies.push(
          `interface ${ident(q.name)} {\n${this.interfaceBody(new PrintScope(slot.scope, slot.slot.decls), slot.slot.decls, "  ")}}\n`,
        );
      } else if (desc.kind === "component") {
        const slot = outer.resolve(desc.type);
        if (slot.slot.kind !== "component") bail(`\`${e.name}\` is not a component type`);
        bodies.push(
          `world ${ident(q.name)} {\n${this.worldBody(new PrintScope(slot.scope, slot.slot.decls), slot.slot.decls)}}\n`,
        );
      } else bail(`\`${e.name}\` is not an interface or a world`);
    }
    if (this.pkg === undefined) bail("no exported component type found");
    const head = this.version === undefined ? this.pkg : `${this.pkg}@${this.version}`;
    return [`package ${head};`, "", ...bodies].join("\n");
  }

  /**
   * The WIT text of one package given as instance-type bodies that are already set in their scopes (used by
   * component-packages.ts, whose interfaces come from a runnable component rather than from exported types).
   */
  printInterfaces(
    pkg: string,
    version: string | undefined,
    interfaces: readonly {
      readonly name: string;
      readonly scope: PrintScope;
      readonly decls: readonly Decl[];
    }[],
  ): string {
    this.pkg = pkg;
    this.version = version;
    const bodies = interfaces.map(
      (i) => `interface ${ident(i.name)} {\n${this.interfaceBody(i.scope, i.decls, "  ")}}\n`,
    );
    return [`package ${version === undefined ? pkg : `${pkg}@${version}`};`, "", ...bodies].join(
      "\n",
    );
  }

  /** The text of an interface body (also of an inline `import x: interface { }`). */
  private interfaceBody(scope: PrintScope, decls: readonly Decl[], indent: string): string {
    const out: string[] = [];
    const resources = new Map<string, string[]>();
    let slot = 0;
    const funcs: [string, number][] = [];
    for (const d of decls) {
      if (d.kind === "type") {
        slot++;
        continue;
      }
      if (d.kind === "import") bail("an interface cannot import");
      if (d.desc.kind === "func") {
        funcs.push([d.name, d.desc.type]);
        continue;
      }
      if (d.desc.kind === "type-sub") {
        scope.names.set(slot, d.name);
        resources.set(d.name, []);
        out.push(`${indent}resource ${ident(d.name)}`);
        slot++;
        continue;
      }
      if (d.desc.kind !== "type-eq") bail(`unsupported export \`${d.name}\``);
      out.push(indent + this.typeExport(scope, d.name, d.desc.type));
      this.nameExport(scope, slot, d.name, d.desc.type);
      slot++;
    }
    const freestanding: string[] = [];
    for (const [name, type] of funcs) {
      const f = this.function(scope, name, type);
      if (f.resource !== undefined) {
        const list = resources.get(f.resource);
        if (!list) bail(`function \`${name}\` of an unknown resource`);
        list.push(f.text);
      } else freestanding.push(`${indent}${f.text}`);
    }
    // Resource members go inside the resource's block.
    const lines = out.map((line) => {
      const m = /^\s*resource (%?[^ ]+)$/.exec(line);
      if (!m) return line;
      const members = resources.get(m[1]!.replace(/^%/, "")) ?? [];
      return members.length === 0
        ? `${line};`
        : `${line} {\n${members.map((t) => `${indent}  ${t}`).join("\n")}\n${indent}}`;
    });
    return [...lines, ...freestanding].map((l) => `${l}\n`).join("");
  }

  private worldBody(scope: PrintScope, decls: readonly Decl[]): string {
    const out: string[] = [];
    let slot = 0;
    for (const d of decls) {
      if (d.kind === "type") {
        slot++;
        continue;
      }
      const dir = d.kind;
      switch (d.desc.kind) {
        case "instance": {
          const q = parseQualified(d.name);
          if (q) {
            out.push(`  ${dir} ${this.interfacePath(q)};`);
          } else {
            const inner = scope.resolve(d.desc.type);
            if (inner.slot.kind !== "instance") bail(`\`${d.name}\` is not an instance type`);
            const body = this.interfaceBody(
              new PrintScope(inner.scope, inner.slot.decls),
              inner.slot.decls,
              "    ",
            );
            out.push(`  ${dir} ${ident(d.name)}: interface {\n${body}  }`);
          }
          break;
        }
        case "func": {
          const f = this.function(scope, d.name, d.desc.type);
          if (f.resource !== undefined) bail("resource functions in worlds are not supported");
          out.push(`  ${dir} ${f.text}`);
          break;
        }
        case "type-eq":
          if (dir === "export") bail("worlds do not export types");
          out.push(`  ${this.typeExport(scope, d.name, d.desc.type)}`);
          this.nameExport(scope, slot, d.name, d.desc.type);
          slot++;
          break;
        case "type-sub":
          bail("resources defined in worlds are not supported");
          break;
        default:
          bail(`unsupported ${dir} \`${d.name}\``);
      }
    }
    return out.map((l) => `${l}\n`).join("");
  }

  /**
   * Records the name of a type export, for its own slot and, when it names
   * an anonymous definition of the same scope, for that definition too
   * (encoders may refer to either).
   */
  private nameExport(scope: PrintScope, slot: number, name: string, target: number): void {
    scope.names.set(slot, name);
    if (!scope.names.has(target) && scope.slots[target]?.kind === "defined")
      scope.names.set(target, name);
  }

  /** `ns:pkg/name@v` as a WIT path: the plain name inside its own package. */
  private interfacePath(q: QualifiedName): string {
    if (q.pkg === this.pkg && q.version === this.version) return ident(q.name);
    return `${q.pkg}/${q.name}${q.version === undefined ? "" : `@${q.version}`}`;
  }

  /** A named type: a definition, an alias, or a `use` of a type from an imported interface. */
  private typeExport(scope: PrintScope, name: string, index: number): string {
    const target = scope.resolve(index);
    const slot = target.slot;
    if (slot.kind === "alias-export") {
      const from = target.scope.instances[slot.instance];
      if (from === undefined) bail(`alias of an unknown instance ${slot.instance}`);
      const q = parseQualified(from);
      if (!q) bail(`\`${from}\` is not a fully qualified interface name`);
      const as = slot.name === name ? "" : ` as ${ident(name)}`;
      return `use ${this.interfacePath(q)}.{${ident(slot.name)}${as}};`;
    }
    const known = target.scope === scope ? scope.names.get(target.index) : undefined;
    if (known !== undefined) return `type ${ident(name)} = ${ident(known)};`;
    if (slot.kind === "eq")
      return `type ${ident(name)} = ${this.valType(target.scope, { idx: target.index })};`;
    if (slot.kind !== "defined") bail(`type \`${name}\` is not a value type`);
    const d = slot.def;
    const n = ident(name);
    switch (d.kind) {
      case "record":
        return `record ${n} { ${d.fields.map(([f, t]) => `${ident(f)}: ${this.valType(target.scope, t)}`).join(", ")} }`;
      case "variant":
        return `variant ${n} { ${d.cases
          .map(([c, t]) =>
            t === undefined ? ident(c) : `${ident(c)}(${this.valType(target.scope, t)})`,
          )
          .join(", ")} }`;
      case "flags":
        return `flags ${n} { ${d.names.map(ident).join(", ")} }`;
      case "enum":
        return `enum ${n} { ${d.names.map(ident).join(", ")} }`;
      default:
        return `type ${n} = ${this.definedText(target.scope, d)};`;
    }
  }

  private valType(scope: PrintScope, t: ValType): string {
    if ("prim" in t) return t.prim;
    const target = scope.resolve(t.idx);
    const named = target.scope.names.get(target.index);
    if (named !== undefined) return ident(named);
    const slot = target.slot;
    switch (slot.kind) {
      case "defined":
        return this.definedText(target.scope, slot.def);
      case "eq":
        return this.valType(target.scope, { idx: slot.target });
      case "alias-export":
        return ident(slot.name);
      case "resource":
        return ident(slot.name ?? bail("an unnamed resource"));
      default:
        return bail("a value type that is not one");
    }
  }

  private definedText(scope: PrintScope, d: Defined): string {
    const v = (t: ValType): string => this.valType(scope, t);
    switch (d.kind) {
      case "prim":
        return d.name;
      case "list":
        return d.size === undefined ? `list<${v(d.element)}>` : `list<${v(d.element)}, ${d.size}>`;
      case "tuple":
        return `tuple<${d.types.map(v).join(", ")}>`;
      case "option":
        return `option<${v(d.element)}>`;
      case "result":
        if (d.ok === undefined && d.err === undefined) return "result";
        if (d.err === undefined) return `result<${v(d.ok!)}>`;
        return `result<${d.ok === undefined ? "_" : v(d.ok)}, ${v(d.err)}>`;
      case "own":
      case "borrow":
        return `${d.kind}<${this.valType(scope, { idx: d.resource })}>`;
      case "future":
      case "stream":
        return d.element === undefined ? d.kind : `${d.kind}<${v(d.element)}>`;
      case "map":
        return `map<${v(d.key)}, ${v(d.value)}>`;
      case "record":
      case "variant":
      case "flags":
      case "enum":
        return bail(`an anonymous ${d.kind} cannot be written in WIT`);
      default: {
        const never: never = d;
        return never;
      }
    }
  }

  /** A function export: `name: func(...)`, or a member of a resource. */
  private function(
    scope: PrintScope,
    name: string,
    index: number,
  ): { text: string; resource: string | undefined } {
    const target = scope.resolve(index);
    if (target.slot.kind !== "func") bail(`\`${name}\` is not a function type`);
    const f = target.slot;
    const m = /^\[(constructor|method|static|async method|async static|async)\](.*)$/.exec(name);
    const async = f.async || (m?.[1]?.startsWith("async") ?? false);
    let params = f.params;
    let resource: string | undefined;
    let text: string;
    const sig = (ps: readonly [string, ValType][], result: ValType | undefined): string =>
      `(${ps.map(([p, t]) => `${ident(p)}: ${this.valType(target.scope, t)}`).join(", ")})${
        result === undefined ? "" : ` -> ${this.valType(target.scope, result)}`
      };`;
    const kind = m?.[1];
    if (kind === "constructor") {
      resource = m![2]!;
      // An implicit result is `own<r>`; only a `result<...>` is written out.
      const r = f.result;
      const explicit =
        r !== undefined &&
        "idx" in r &&
        target.scope.resolve(r.idx).slot.kind === "defined" &&
        (target.scope.resolve(r.idx).slot as { def: Defined }).def.kind === "result";
      text = `constructor${sig(params, explicit ? r : undefined)}`;
    } else if (
      kind === "method" ||
      kind === "static" ||
      kind === "async method" ||
      kind === "async static"
    ) {
      const dot = m![2]!.indexOf(".");
      resource = m![2]!.slice(0, dot);
      const member = m![2]!.slice(dot + 1);
      if (kind.endsWith("method")) params = params.slice(1);
      text = `${ident(member)}: ${kind.endsWith("static") ? "static " : ""}${async ? "async " : ""}func${sig(params, f.result)}`;
    } else {
      const plain = kind === "async" ? m![2]! : name;
      text = `${ident(plain)}: ${async ? "async " : ""}func${sig(params, f.result)}`;
    }
    return { text, resource };
  }
}

/** A WIT identifier, `%`-escaped when it is a keyword. */
function ident(name: string): string {
  return KEYWORDS.has(name) ? `%${name}` : name;
}

const KEYWORDS = new Set([
  "as",
  "async",
  "bool",
  "borrow",
  "char",
  "constructor",
  "enum",
  "error-context",
  "export",
  "f32",
  "f64",
  "flags",
  "from",
  "func",
  "future",
  "import",
  "include",
  "interface",
  "list",
  "map",
  "option",
  "own",
  "package",
  "record",
  "resource",
  "result",
  "s16",
  "s32",
  "s64",
  "s8",
  "static",
  "stream",
  "string",
  "tuple",
  "type",
  "u16",
  "u32",
  "u64",
  "u8",
  "use",
  "variant",
  "with",
  "world",
  "_",
]);

/**
 * Decodes a WIT package encoded as a component into WIT source text.
 * `text` selects the text format (`.wat`); otherwise `bytes` is a binary.
 */
export function decodeWitPackage(
  bytes: Uint8Array,
  text: boolean,
): { wit: string } | { error: string } {
  try {
    const items = text
      ? decodeText(new TextDecoder("utf-8", { fatal: true }).decode(bytes))
      : decodeBinary(bytes);
    return { wit: new WitPrinter().print(items) };
  } catch (e) {
    if (e instanceof DecodeError || e instanceof TypeError) return { error: e.message };
    // Types nest by recursion here; absurdly deep nesting is refused rather than crashing.
    if (e instanceof RangeError) return { error: "types nested too deeply" };
    throw e;
  }
}
