/**
 * Model to JSON: turns a {@link Resolve} into exactly the JSON that
 * wit-parser's serde derive produces for its `Resolve` (see
 * `crates/wit-parser/src/serde_.rs` and the `#[serde]` attributes in
 * `lib.rs`), so that our output can be compared byte for byte with
 * `wasm-tools component wit --json`. Consumes the model, produces plain
 * objects whose key order is the serde field order:
 *
 * - ids are bare numbers; a world key that is an interface is `interface-N`;
 * - `docs` is omitted when empty, `stability` when unknown, a function's
 *   `result` when it has none, a stability's `deprecated` when absent;
 * - `name`, `owner`, `package` and optional types are `null` when absent.
 */
import type {
  Docs,
  Function,
  FunctionKind,
  Interface,
  Package,
  Resolve,
  Stability,
  Type,
  TypeDef,
  TypeDefKind,
  TypeOwner,
  World,
  WorldItem,
  WorldKey,
} from "./model.js";
import { formatPackageName } from "./model.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export function toJson(resolve: Resolve): unknown {
  return {
    worlds: resolve.worlds.map(worldJson),
    interfaces: resolve.interfaces.map(interfaceJson),
    types: resolve.types.map(typeDefJson),
    packages: resolve.packages.map(packageJson),
  };
}

function worldJson(w: World): JsonObject {
  const out: JsonObject = {
    name: w.name,
    imports: worldItemsJson(w.imports),
    exports: worldItemsJson(w.exports),
    package: w.package ?? null,
  };
  addDocs(out, w.docs);
  addStability(out, w.stability);
  return out;
}

function worldItemsJson(items: ReadonlyMap<WorldKey, WorldItem>): JsonObject {
  const out: JsonObject = {};
  for (const [key, item] of items) out[worldKeyJson(key)] = worldItemJson(item);
  return out;
}

/** wit-parser serializes `WorldKey` through `String::from`: the name, or `interface-{index}`. */
function worldKeyJson(key: WorldKey): string {
  return typeof key === "string" ? key : `interface-${key}`;
}

function worldItemJson(item: WorldItem): JsonObject {
  switch (item.kind) {
    case "interface": {
      const inner: JsonObject = { id: item.id };
      addStability(inner, item.stability);
      return { interface: inner };
    }
    case "function":
      return { function: functionJson(item.func) };
    case "type":
      return { type: item.id };
    default: {
      const never: never = item;
      return never;
    }
  }
}

function interfaceJson(i: Interface): JsonObject {
  const types: JsonObject = {};
  for (const [name, id] of i.types) types[name] = id;
  const functions: JsonObject = {};
  for (const [name, f] of i.functions) functions[name] = functionJson(f);
  const out: JsonObject = { name: i.name ?? null, types, functions };
  addDocs(out, i.docs);
  addStability(out, i.stability);
  out["package"] = i.package ?? null;
  return out;
}

function typeDefJson(t: TypeDef): JsonObject {
  const out: JsonObject = {
    name: t.name ?? null,
    kind: typeDefKindJson(t.kind),
    owner: ownerJson(t.owner),
  };
  addDocs(out, t.docs);
  addStability(out, t.stability);
  return out;
}

function ownerJson(o: TypeOwner): Json {
  switch (o.kind) {
    case "interface":
      return { interface: o.id };
    case "world":
      return { world: o.id };
    case "none":
      return null;
    default: {
      const never: never = o;
      return never;
    }
  }
}

function typeDefKindJson(k: TypeDefKind): Json {
  switch (k.kind) {
    case "record":
      return {
        record: {
          fields: k.fields.map((f) => withDocs({ name: f.name, type: typeJson(f.type) }, f.docs)),
        },
      };
    case "resource":
      return "resource";
    case "handle":
      return { handle: { [k.handle.kind]: k.handle.resource } };
    case "flags":
      return { flags: { flags: k.flags.map((f) => withDocs({ name: f.name }, f.docs)) } };
    case "tuple":
      return { tuple: { types: k.types.map(typeJson) } };
    case "variant":
      return {
        variant: {
          cases: k.cases.map((c) =>
            withDocs({ name: c.name, type: optionalTypeJson(c.type) }, c.docs),
          ),
        },
      };
    case "enum":
      return { enum: { cases: k.cases.map((c) => withDocs({ name: c.name }, c.docs)) } };
    case "option":
      return { option: typeJson(k.type) };
    case "result":
      return { result: { ok: optionalTypeJson(k.ok), err: optionalTypeJson(k.err) } };
    case "list":
      return { list: typeJson(k.element) };
    case "fixed-length-list":
      return { "fixed-length-list": [typeJson(k.element), k.size] };
    case "map":
      return { map: [typeJson(k.key), typeJson(k.value)] };
    case "future":
      return { future: optionalTypeJson(k.type) };
    case "stream":
      return { stream: optionalTypeJson(k.type) };
    case "type":
      return { type: typeJson(k.type) };
    case "unknown":
      return "unknown";
    default: {
      const never: never = k;
      return never;
    }
  }
}

function typeJson(t: Type): Json {
  return typeof t === "string" ? t : t.id;
}

function optionalTypeJson(t: Type | undefined): Json {
  return t === undefined ? null : typeJson(t);
}

function functionJson(f: Function): JsonObject {
  const out: JsonObject = {
    name: f.name,
    kind: functionKindJson(f.kind),
    // wit-parser skips a parameter's name when it is empty; WIT never produces one.
    params: f.params.map((p): Json =>
      p.name === "" ? { type: typeJson(p.type) } : { name: p.name, type: typeJson(p.type) },
    ),
  };
  if (f.result !== undefined) out["result"] = typeJson(f.result);
  addDocs(out, f.docs);
  addStability(out, f.stability);
  return out;
}

function functionKindJson(k: FunctionKind): Json {
  switch (k.kind) {
    case "freestanding":
    case "async-freestanding":
      return k.kind;
    case "method":
    case "async-method":
    case "static":
    case "async-static":
    case "constructor":
      return { [k.kind]: k.resource };
    default: {
      const never: never = k;
      return never;
    }
  }
}

function packageJson(p: Package): JsonObject {
  const out: JsonObject = { name: formatPackageName(p.name) };
  addDocs(out, p.docs);
  const interfaces: JsonObject = {};
  for (const [name, id] of p.interfaces) interfaces[name] = id;
  const worlds: JsonObject = {};
  for (const [name, id] of p.worlds) worlds[name] = id;
  out["interfaces"] = interfaces;
  out["worlds"] = worlds;
  return out;
}

function withDocs(out: JsonObject, docs: Docs): JsonObject {
  addDocs(out, docs);
  return out;
}

function addDocs(out: JsonObject, docs: Docs): void {
  if (docs.contents !== undefined) out["docs"] = { contents: docs.contents };
}

function addStability(out: JsonObject, s: Stability): void {
  switch (s.kind) {
    case "unknown":
      return;
    case "stable": {
      const inner: JsonObject = { since: s.since };
      if (s.deprecated !== undefined) inner["deprecated"] = s.deprecated;
      out["stability"] = { stable: inner };
      return;
    }
    case "unstable": {
      const inner: JsonObject = { feature: s.feature };
      if (s.deprecated !== undefined) inner["deprecated"] = s.deprecated;
      out["stability"] = { unstable: inner };
      return;
    }
    default: {
      const never: never = s;
      return never;
    }
  }
}
