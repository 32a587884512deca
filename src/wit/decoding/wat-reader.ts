/**
 * The component text format (`.wat`), read into the intermediate form of `component-types.ts`. Consumes the
 * text of a WIT package encoded as a component; produces its exported component types (`decodeText`), inline
 * types desugared into the enclosing scope as the text format specifies.
 */
import {
  bail,
  PRIMITIVE_NAMES,
  type Decl,
  type ExternDesc,
  type PackageItem,
  type Slot,
  type ValType,
} from "./component-types.js";

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

export function decodeText(text: string): PackageItem[] {
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
