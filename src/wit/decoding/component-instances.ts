/**
 * The interface types of a component's instances, found by following how each instance was made. Phase: input
 * reading, for `wit-ts gen x.wasm`. Consumes a `ComponentBody` (component-body.ts) and produces, for an
 * instance index, its interface: a list of instance-type declarations in wit-packages.ts's IR, set in a
 * `PrintScope` that the printer reads them in.
 *
 * An imported instance is typed by its import. An instantiated component is evaluated as a `Frame`: its own
 * index spaces, in a scope whose parent is the scope of the component that defines it (for outer aliases),
 * with each type import standing for the type its instantiation passes. Such an instance's interface is the
 * component's exports (what wit-component's "shim" components are for); an instance alias (`alias export $i
 * "name" (instance)`) is the export `name` of instance `$i`, whatever made `$i`, so components that nest and
 * compose components, and re-export an instance of an inner one, are followed down to the component that
 * defines the interface. This is the structural walk wit-parser's decoder gets from wasmparser's validator.
 * Whatever does not fit is an error message, never a guess.
 */
import {
  COMPONENT,
  FUNC,
  INSTANCE,
  TYPE,
  type ComponentBody,
  type ComponentEntry,
  type SortIdx,
} from "./component-body.js";
import { bail, type Decl, type Slot } from "./component-types.js";
import { parseQualified, PrintScope } from "./wit-printer.js";

/** One interface to print: its instance-type declarations and the scope they are read in. */
export interface InterfaceSource {
  readonly name: string;
  readonly scope: PrintScope;
  readonly decls: readonly Decl[];
}

/** An instance, as far as its type goes. */
type InstanceValue =
  /** Typed by an instance type: `decls`, read in `scope` (built from them). */
  | { readonly kind: "typed"; readonly scope: PrintScope; readonly decls: readonly Decl[] }
  /** An instance of a component whose definition is at hand. */
  | { readonly kind: "frame"; readonly frame: Frame }
  /** `(instance (export "name" (func $f)) ...)`: items of `frame`, bundled. */
  | {
      readonly kind: "inline";
      readonly frame: Frame;
      readonly exports: ReadonlyMap<string, SortIdx>;
    };

/** Where a function's type is: an index into a scope. */
interface FuncType {
  readonly scope: PrintScope;
  readonly type: number;
}

/** How many frames deep instantiations may nest before the input is refused (only a bad input comes close). */
const MAX_DEPTH = 200;

/** A component (the top level, or a nested one in one instantiation of it) with its index spaces evaluated. */
export class Frame {
  readonly scope: PrintScope;
  private readonly values = new Map<number, InstanceValue>();
  private readonly depth: number;

  constructor(
    readonly body: ComponentBody,
    /** The frame of the component this one is defined in, for outer aliases. */
    private readonly lexical: Frame | undefined,
    /** The frame that instantiates this one and what it passes, for imports; none at the top level. */
    private readonly instantiation:
      { frame: Frame; args: ReadonlyMap<string, SortIdx> } | undefined,
  ) {
    this.depth = (instantiation?.frame.depth ?? -1) + 1;
    if (this.depth > MAX_DEPTH) bail("components instantiate each other too deeply");
    this.scope = new PrintScope(lexical?.scope, []);
    for (const t of body.types) {
      switch (t.kind) {
        case "slot":
          this.scope.slots.push(t.slot);
          break;
        case "export":
          this.scope.slots.push({ kind: "eq", target: t.index, name: t.name });
          break;
        case "import":
          if (instantiation) {
            // The same type as the argument, with everything known about it where it comes from.
            const a = this.arg(t.name, TYPE);
            this.scope.slots.push({ kind: "ref", scope: instantiation.frame.scope, index: a });
          } else if (t.desc.kind === "type-eq")
            this.scope.slots.push({ kind: "eq", target: t.desc.type, name: t.name });
          else this.scope.slots.push({ kind: "resource", name: t.name });
          break;
      }
    }
    // An instance is known by its interface name: the name it is imported, aliased or exported under (wit-component
    // aliases types out of the shim instance it exports, as well as out of the export itself), or else the name of
    // what the instantiation passes for it.
    const names: (string | undefined)[] = body.instances.map((i) => {
      switch (i.kind) {
        case "import":
          if (parseQualified(i.name) || !instantiation) return i.name;
          return instantiation.frame.scope.instances[this.arg(i.name, INSTANCE)];
        case "alias":
        case "export":
          return parseQualified(i.name) ? i.name : undefined;
        case "instantiate":
        case "inline":
          return undefined;
      }
    });
    for (const e of body.exports) if (e.item.sort === INSTANCE) names[e.item.index] ??= e.name;
    for (const [i, n] of names.entries()) this.scope.instances.push(n ?? `instance ${i}`);
  }

  private arg(what: string, sort: number): number {
    const a = this.instantiation?.args.get(what);
    if (!a || a.sort !== sort)
      bail(
        `an instantiation passes no ${sort === TYPE ? "type" : sort === FUNC ? "function" : "instance"} for \`${what}\``,
      );
    return a.index;
  }

  /** The interface of instance `index`, named `name`. */
  interfaceOf(name: string, index: number): InterfaceSource {
    return this.asInterface(name, this.instance(index));
  }

  /** The interface an instance type at type index `type` describes. */
  fromType(name: string, type: number): InterfaceSource {
    const v = this.typed(name, type);
    return { name, scope: v.scope, decls: v.decls };
  }

  private typed(
    name: string,
    type: number,
    scope: PrintScope = this.scope,
  ): Extract<InstanceValue, { kind: "typed" }> {
    const t = scope.resolve(type);
    if (t.slot.kind !== "instance") bail(`\`${name}\` is not typed by an instance type`);
    return { kind: "typed", scope: new PrintScope(t.scope, t.slot.decls), decls: t.slot.decls };
  }

  private instance(index: number, depth = 0): InstanceValue {
    const known = this.values.get(index);
    if (known) return known;
    const entry = this.body.instances[index];
    if (!entry) bail(`unknown instance ${index}`);
    if (depth > this.body.instances.length) bail(`instance ${index} is defined by itself`);
    let value: InstanceValue;
    switch (entry.kind) {
      case "import":
        value = this.typed(entry.name, entry.type);
        break;
      case "export":
        value = this.instance(entry.index, depth + 1);
        break;
      case "alias":
        value = this.member(this.instance(entry.instance, depth + 1), entry.name);
        break;
      case "instantiate": {
        const { body, lexical } = this.component(entry.component);
        value = {
          kind: "frame",
          frame: new Frame(body, lexical, { frame: this, args: entry.args }),
        };
        break;
      }
      case "inline":
        value = { kind: "inline", frame: this, exports: entry.exports };
        break;
    }
    this.values.set(index, value);
    return value;
  }

  /** The definition of component `index` and the frame it is defined in. */
  private component(index: number, depth = 0): { body: ComponentBody; lexical: Frame } {
    const entry: ComponentEntry | undefined = this.body.components[index];
    if (!entry) bail(`unknown component ${index}`);
    if (depth > this.body.components.length) bail(`component ${index} is defined by itself`);
    switch (entry.kind) {
      case "defined":
        return { body: entry.body, lexical: this };
      case "export":
        return this.component(entry.index, depth + 1);
      case "outer": {
        // eslint-disable-next-line @typescript-eslint/no-this-alias -- the walk starts at this frame and moves outwards
        let f: Frame | undefined = this;
        for (let k = 0; k < entry.count && f; k++) f = f.lexical;
        if (!f || entry.count === 0)
          bail(`component ${index} is an alias of an unknown outer component`);
        return f.component(entry.index);
      }
      case "opaque":
        return bail(
          `component ${index} is an ${entry.what}, whose definition is not in the binary`,
        );
    }
  }

  /** Export `name` of an instance, which must be an instance too. */
  private member(of: InstanceValue, name: string): InstanceValue {
    switch (of.kind) {
      case "typed": {
        const d = of.decls.find((d) => d.kind === "export" && d.name === name);
        if (!d || d.kind === "type" || d.desc.kind !== "instance")
          bail(`an instance has no instance export \`${name}\``);
        return this.typed(name, d.desc.type, of.scope);
      }
      case "frame": {
        const e = of.frame.body.exports.find((e) => e.name === name);
        if (!e || e.item.sort !== INSTANCE) bail(`a component has no instance export \`${name}\``);
        return e.ascribed?.kind === "instance"
          ? of.frame.typed(name, e.ascribed.type)
          : of.frame.instance(e.item.index);
      }
      case "inline": {
        const item = of.exports.get(name);
        if (!item || item.sort !== INSTANCE) bail(`an instance has no instance export \`${name}\``);
        return of.frame.instance(item.index);
      }
    }
  }

  /** The type of function `index`. */
  private func(index: number, depth = 0): FuncType {
    const entry = this.body.funcs[index];
    if (!entry) bail(`unknown function ${index}`);
    if (depth > this.body.funcs.length) bail(`function ${index} is defined by itself`);
    switch (entry.kind) {
      case "typed":
        return { scope: this.scope, type: entry.type };
      case "export":
        return entry.ascribed !== undefined
          ? { scope: this.scope, type: entry.ascribed }
          : this.func(entry.index, depth + 1);
      case "alias":
        return this.funcOf(this.instance(entry.instance), entry.name);
      case "unknown":
        return bail(`the type of function ${index} cannot be told: it follows ${entry.why}`);
    }
  }

  /** The type of function export `name` of an instance. */
  private funcOf(of: InstanceValue, name: string): FuncType {
    switch (of.kind) {
      case "typed": {
        const d = of.decls.find((d) => d.kind === "export" && d.name === name);
        if (!d || d.kind === "type" || d.desc.kind !== "func")
          bail(`an instance has no function \`${name}\``);
        return { scope: of.scope, type: d.desc.type };
      }
      case "frame": {
        const e = of.frame.body.exports.find((e) => e.name === name);
        if (!e || e.item.sort !== FUNC) bail(`a component has no function export \`${name}\``);
        return e.ascribed?.kind === "func"
          ? { scope: of.frame.scope, type: e.ascribed.type }
          : of.frame.func(e.item.index);
      }
      case "inline": {
        const item = of.exports.get(name);
        if (!item || item.sort !== FUNC) bail(`an instance has no function \`${name}\``);
        return of.frame.func(item.index);
      }
    }
  }

  /** An instance as an interface: an instance type as it is, or the types and functions a component exports. */
  private asInterface(name: string, of: InstanceValue): InterfaceSource {
    switch (of.kind) {
      case "typed":
        return { name, scope: of.scope, decls: of.decls };
      case "frame":
        return exportsAsInterface(
          name,
          of.frame.scope,
          of.frame.body.exports.map((e) => [e.name, e.item] as const),
          (e) => of.frame.funcOf(of, e),
          of.frame.body.types.flatMap((t, i) =>
            t.kind === "export" ? [[t.name, i] as const] : [],
          ),
        );
      case "inline":
        return exportsAsInterface(name, of.frame.scope, [...of.exports], (e) =>
          of.frame.funcOf(of, e),
        );
    }
  }
}

/**
 * The interface made of a component's (or an inline instance's) exported types and functions, read in `from`,
 * the scope of the component whose items they are.
 */
function exportsAsInterface(
  name: string,
  from: PrintScope,
  exports: readonly (readonly [string, SortIdx])[],
  funcType: (exportName: string) => FuncType,
  /** The entries type exports add to `from`'s type index space, by name (a component's exports add them). */
  exportSlots: readonly (readonly [string, number])[] = [],
): InterfaceSource {
  // The component's own functions refer to its exported types by these entries: they print as the export's name.
  for (const [exportName, slot] of exportSlots)
    if (!from.names.has(slot)) from.names.set(slot, exportName);
  const scope = new PrintScope(from, []);
  const decls: Decl[] = [];
  const add = (slot: Slot): number => {
    decls.push({ kind: "type", slot });
    scope.slots.push(slot);
    return scope.slots.length - 1;
  };
  for (const [exportName, item] of exports) {
    if (item.sort === TYPE) {
      const target = from.resolve(item.index);
      if (target.slot.kind === "resource") {
        // A resource the component defines (the exported interface's own), now named by this export.
        if (target.slot.name !== undefined)
          bail(`\`${name}\` exports resource \`${exportName}\`, which it does not define`);
        if (!target.scope.names.has(target.index)) target.scope.names.set(target.index, exportName);
        decls.push({ kind: "export", name: exportName, desc: { kind: "type-sub" } });
        scope.slots.push({ kind: "resource", name: exportName });
      } else {
        // A definition from the component gets the name here, so references to it print it.
        if (target.slot.kind === "defined" && !target.scope.names.has(target.index))
          target.scope.names.set(target.index, exportName);
        const local = add({ kind: "ref", scope: from, index: item.index });
        decls.push({ kind: "export", name: exportName, desc: { kind: "type-eq", type: local } });
        scope.slots.push({ kind: "eq", target: local, name: exportName });
      }
    } else if (item.sort === FUNC) {
      const f = funcType(exportName);
      const local = add({ kind: "ref", scope: f.scope, index: f.type });
      decls.push({ kind: "export", name: exportName, desc: { kind: "func", type: local } });
    } else if (item.sort === INSTANCE || item.sort === COMPONENT) {
      bail(`\`${name}\` exports \`${exportName}\`, which is not a function or a type`);
    }
  }
  return { name, scope, decls };
}
