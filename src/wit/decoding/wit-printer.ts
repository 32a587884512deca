/**
 * The intermediate form of `component-types.ts` printed as WIT. Consumes the exported component types of a
 * package (`ns:pkg/name`); produces WIT source text: an instance type becomes an interface, a component type a
 * world, types of other interfaces become `use`. Aliases are followed to the scope that defines each type
 * (`PrintScope`); anything WIT cannot say is reported as unsupported.
 */
import {
  bail,
  type Decl,
  type Defined,
  type ItemDecl,
  type PackageItem,
  type Slot,
  type ValType,
} from "./component-types.js";

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
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the walk starts here and moves outwards
    let scope: PrintScope = this;
    let i = index;
    for (let steps = 0; ; steps++) {
      const slot = scope.slots[i];
      if (!slot) bail(`unknown type index ${i}`);
      if (slot.kind === "ref") {
        // Only a bad input makes references go round in a circle.
        if (steps > 100_000) bail(`type index ${index} refers to itself`);
        // Every scope a reference names is a PrintScope: the decoders make no other kind.
        scope = slot.scope as PrintScope;
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
