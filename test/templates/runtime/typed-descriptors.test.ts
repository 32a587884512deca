/**
 * Typed descriptors and spec tables: a descriptor carries the TypeScript type of its values, so that a spec's
 * parameter and result types are inferred from its descriptors and a descriptor that disagrees with the type a
 * generated declaration states is a compile error. The `@ts-expect-error` lines below are the proof: `npm run
 * typecheck` compiles this file, and fails if any of them stops being an error. The runtime half checks that a
 * table derives each export's and import's name, path and parameters as the per-function specs spelled them.
 *
 * Consumes the runtime's value types and tables; produces assertions (type-level and at run time).
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import { bindExports } from "../../../templates/runtime/bind-exports.js";
import { ResultError } from "../../../templates/runtime/errors.js";
import {
  callExport,
  errorGuard,
  exportTable,
  type ExportSpec,
} from "../../../templates/runtime/export-calls.js";
import { guestResource, hostResource, own } from "../../../templates/runtime/guest-resources.js";
import { importTable } from "../../../templates/runtime/import-adapters.js";
import type { InstanceCore } from "../../../templates/runtime/instance-core.js";
import type { AsyncCallOptions } from "../../../templates/runtime/tasks.js";
import {
  enumeration,
  f64,
  fixedList,
  flags,
  list,
  option,
  record,
  result,
  s64,
  string,
  tuple,
  u32,
  u8List,
  variant,
  type Option,
  type Result,
  type ValueType,
} from "../../../templates/runtime/value-types.js";
import { GuestResource } from "../../../templates/runtime/guest-resources.js";

interface Point {
  x: number;
  label: string | undefined;
}

type Shape = { tag: "circle"; val: number } | { tag: "square"; val: Point } | { tag: "nothing" };

type Color = "red" | "green";

interface Perms {
  read?: boolean;
  write?: boolean;
}

const pointType = record<Point>("point", { x: f64, label: option(string) });
const shapeType = variant<Shape>("shape", {
  circle: f64,
  square: pointType,
  nothing: undefined,
});
const colorType = enumeration<Color>("color", ["red", "green"]);
const permsType = flags<Perms>("perms", ["read", "write"]);

describe("typed descriptors", () => {
  it("carry the TypeScript type of their values, composed field by field", () => {
    expectTypeOf(pointType).toEqualTypeOf<ValueType<Point>>();
    expectTypeOf(list(pointType)).toEqualTypeOf<ValueType<Point[]>>();
    expectTypeOf(tuple([u32, s64, string])).toEqualTypeOf<ValueType<[number, bigint, string]>>();
    expectTypeOf(fixedList(u32, 3)).toEqualTypeOf<ValueType<[number, number, number]>>();
    expectTypeOf(option(colorType)).toExtend<ValueType<Color | undefined>>();
    // An option of an option is spelled `{ tag: "some", val } | { tag: "none" }` by jco.
    expectTypeOf(option(option(u32))).toExtend<ValueType<Option<number | undefined>>>();
    expectTypeOf(result(u32, string)).toExtend<ValueType<Result<number, string>>>();
    expectTypeOf(u8List).toEqualTypeOf<ValueType<Uint8Array>>();
  });

  it("refuse, at compile time, a descriptor that disagrees with the declared type", () => {
    // @ts-expect-error a field's descriptor of the wrong type
    record<Point>("point", { x: string, label: option(string) });
    // @ts-expect-error a field without a descriptor
    record<Point>("point", { x: f64 });
    // @ts-expect-error a descriptor for a field the type does not have
    record<Point>("point", { x: f64, label: option(string), y: f64 });
    // @ts-expect-error an option where the field is not optional
    record<Point>("point", { x: option(f64), label: option(string) });
    // @ts-expect-error a case's payload of the wrong type
    variant<Shape>("shape", { circle: string, square: pointType, nothing: undefined });
    // @ts-expect-error a payload for a case without one
    variant<Shape>("shape", { circle: f64, square: pointType, nothing: f64 });
    // @ts-expect-error a case the enum does not have
    enumeration<Color>("color", ["red", "blue"]);
    // @ts-expect-error a member the flags do not have
    flags<Perms>("perms", ["read", "exec"]);
    // @ts-expect-error a list of the wrong element type
    record<{ xs: string[] }>("xs", { xs: list(u32) });
    // @ts-expect-error a tuple of the wrong arity
    record<{ t: [number, string] }>("t", { t: tuple([u32, string, u32]) });
  });
});

class Counter extends GuestResource {
  count(): number {
    return 0;
  }
}

const counterType = guestResource<Counter>("a:b/c#counter", Counter);

const exportSpecs = exportTable(
  "a:b/c@1.0.0",
  {
    add: ["add", "a, b", [u32, u32], u32],
    "make-point": ["makePoint", "x", [f64], result(pointType, string)],
    draw: ["draw", "shape, color, perms", [shapeType, colorType, permsType]],
    wait: ["wait", "", [], undefined, { async: true }],
    "[constructor]counter": ["Counter", "start", [u32], own(counterType)],
    "[static]counter.zero": ["Counter.zero", "", [], own(counterType)],
    "[method]counter.get": ["get", "", [], u32],
  },
  "c",
);

/** Never called: what matters is what compiles. */
export function wrappers(core: InstanceCore): void {
  expectTypeOf(exportSpecs.add).toEqualTypeOf<ExportSpec<number, [number, number], never>>();
  // `-> result<point, string>` resolves with the point (and rejects with the error, its payload a string).
  expectTypeOf(exportSpecs["make-point"]).toEqualTypeOf<ExportSpec<Point, [number], string>>();
  expectTypeOf(exportSpecs.draw).toEqualTypeOf<ExportSpec<void, [Shape, Color, Perms], never>>();
  expectTypeOf(exportSpecs["[constructor]counter"]).toEqualTypeOf<
    ExportSpec<Counter, [number], never>
  >();
  const sum: Promise<number> = callExport(core, exportSpecs.add, [1, 2]);
  // @ts-expect-error a wrapper declaring a result type the descriptor does not describe
  const wrong: Promise<string> = callExport(core, exportSpecs.add, [1, 2]);
  // @ts-expect-error an argument of a type the descriptor does not describe
  void callExport(core, exportSpecs.add, [1, "2"]);
  // @ts-expect-error an argument missing
  void callExport(core, exportSpecs.add, [1]);
  // @ts-expect-error a wrapper taking a string for an enum parameter
  void callExport(core, exportSpecs.draw, [{ tag: "nothing" }, "red" as string, {}]);
  void sum;
  void wrong;
}

/** The contract interface the table above binds to, as the generator declares it. */
interface CExports {
  add(a: number, b: number): Promise<number>;
  makePoint(x: number): Promise<Point>;
  draw(shape: Shape, color: Color, perms: Perms): Promise<void>;
  wait(options?: AsyncCallOptions): Promise<void>;
  readonly Counter: CounterClass;
}

interface CounterClass {
  create(start: number): Promise<Counter>;
  zero(): Promise<Counter>;
}

type Without<K extends keyof CExports> = Omit<CExports, K>;

// Contract interfaces that disagree with the table, one way each (their members are methods, as generated).
interface OtherParam extends Without<"add"> {
  add(a: number, b: string): Promise<number>;
}
interface WiderParam extends Without<"add"> {
  add(a: number | undefined, b: number): Promise<number>;
}
interface FewerParams extends Without<"add"> {
  add(a: number): Promise<number>;
}
interface MoreParams extends Without<"add"> {
  add(a: number, b: number, c: number): Promise<number>;
}
interface OtherResult extends Without<"add"> {
  add(a: number, b: number): Promise<string>;
}
interface OtherOk extends Without<"makePoint"> {
  makePoint(x: number): Promise<Shape>;
}
interface NoCallOptions extends Without<"wait"> {
  wait(): Promise<void>;
}
interface ExtraFunction extends CExports {
  extra(): Promise<void>;
}
interface OtherStatic extends Without<"Counter"> {
  readonly Counter: { create(start: number): Promise<Counter>; zero(): Promise<number> };
}
interface OtherConstructor extends Without<"Counter"> {
  readonly Counter: { create(start: string): Promise<Counter>; zero(): Promise<Counter> };
}

/** Never called: what matters is what compiles. */
export function boundObjects(core: InstanceCore): void {
  const api: CExports = bindExports<CExports>(core, exportSpecs);
  // @ts-expect-error a parameter of another type than the descriptor's
  bindExports<OtherParam>(core, exportSpecs);
  // @ts-expect-error a parameter wider than the descriptor's (a method's parameters alone would accept it)
  bindExports<WiderParam>(core, exportSpecs);
  // @ts-expect-error a parameter fewer than the descriptors
  bindExports<FewerParams>(core, exportSpecs);
  // @ts-expect-error a parameter more than the descriptors
  bindExports<MoreParams>(core, exportSpecs);
  // @ts-expect-error a result of another type than the descriptor's
  bindExports<OtherResult>(core, exportSpecs);
  // @ts-expect-error the `ok` type of a `result` wrong
  bindExports<OtherOk>(core, exportSpecs);
  // @ts-expect-error an `async func` without its call options
  bindExports<NoCallOptions>(core, exportSpecs);
  // @ts-expect-error a function the table does not have
  bindExports<ExtraFunction>(core, exportSpecs);
  // @ts-expect-error a function of the table missing
  bindExports<Without<"draw">>(core, exportSpecs);
  // @ts-expect-error a static of another type
  bindExports<OtherStatic>(core, exportSpecs);
  // @ts-expect-error a constructor's parameter wrong
  bindExports<OtherConstructor>(core, exportSpecs);
  void api;
  // A guard narrows to the `err` type its table entry describes.
  const isMakePointError = errorGuard(exportSpecs["make-point"]);
  const caught: unknown = undefined;
  if (isMakePointError(caught)) expectTypeOf(caught.payload).toEqualTypeOf<string>();
}

describe("bound objects and error guards", () => {
  it("bind every function, constructor and static of a table by jco's name, and no method", () => {
    const api = bindExports<CExports>({} as InstanceCore, exportSpecs);
    expect(Object.keys(api).sort()).toEqual(["Counter", "add", "draw", "makePoint", "wait"]);
    expect(Object.keys(api.Counter).sort()).toEqual(["create", "zero"]);
  });

  it("tell a function's own `result` error apart from another's", () => {
    const isMakePointError = errorGuard(exportSpecs["make-point"]);
    expect(isMakePointError(new ResultError("no", "a:b/c@1.0.0#make-point"))).toBe(true);
    expect(isMakePointError(new ResultError("no", "a:b/c@1.0.0#add"))).toBe(false);
    expect(isMakePointError(new Error("a:b/c@1.0.0#make-point"))).toBe(false);
  });
});

describe("spec tables", () => {
  it("derive each export's name, path, kind and parameters from its key and entry", () => {
    const add = exportSpecs.add;
    expect([add.name, add.path, add.kind]).toEqual(["a:b/c@1.0.0#add", ["c", "add"], "function"]);
    expect(add.params.map(([name, type]) => [name, type.label])).toEqual([
      ["a", "u32"],
      ["b", "u32"],
    ]);
    expect(add.direct).toBe(true);
    const make = exportSpecs["make-point"];
    expect([make.name, make.path, make.direct]).toEqual([
      "a:b/c@1.0.0#make-point",
      ["c", "makePoint"],
      false,
    ]);
    expect(exportSpecs.wait.params).toEqual([]);
    expect([exportSpecs.wait.async, exportSpecs.wait.returns]).toEqual([true, undefined]);
    const ctor = exportSpecs["[constructor]counter"];
    expect([ctor.name, ctor.path, ctor.kind]).toEqual([
      "a:b/c@1.0.0#[constructor]counter",
      ["c", "Counter"],
      "constructor",
    ]);
    const zero = exportSpecs["[static]counter.zero"];
    expect([zero.path, zero.kind]).toEqual([["c", "Counter", "zero"], "function"]);
    const get = exportSpecs["[method]counter.get"];
    expect([get.name, get.path, get.kind]).toEqual([
      "a:b/c@1.0.0#[method]counter.get",
      ["get"],
      "method",
    ]);
  });

  it("names the world's own exports and imports by their WIT names alone", () => {
    const world = exportTable("", { then: ["then_", "", [], u32] });
    expect([world.then.name, world.then.path]).toEqual(["then", ["then_"]]);
    const imports = importTable("", { log: ["log", [string]] });
    expect([imports.log.name, imports.log.member]).toEqual(["log", "log"]);
  });

  it("derive each import's name, member, parameters and options", () => {
    const fileType = hostResource<object>("a:b/files#file");
    const specs = importTable("a:b/files", {
      "open-all": ["openAll", [list(own(fileType))], u32, { names: "fs, mode" }],
      ping: ["ping", [], undefined, { async: true }],
      "[method]file.name": ["name", [], string],
    });
    const open = specs["open-all"];
    expect([open.name, open.member, open.paramNames, open.async]).toEqual([
      "a:b/files#open-all",
      "openAll",
      ["fs", "mode"],
      false,
    ]);
    expect([specs.ping.params, specs.ping.returns, specs.ping.async]).toEqual([
      [],
      undefined,
      true,
    ]);
    expect([specs["[method]file.name"].name, specs["[method]file.name"].paramNames]).toEqual([
      "a:b/files#[method]file.name",
      undefined,
    ]);
  });
});
