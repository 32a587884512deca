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
  byteStream,
  errorContext,
  future,
  stream,
  type ByteStream,
  type ByteStreamSource,
  type ErrorContext,
  type Future,
  type FutureSource,
  type Stream,
  type StreamSource,
} from "../../../templates/runtime/async-values.js";
import type { BorrowHandle, Borrowed } from "../../../templates/runtime/borrow.js";
import {
  callExport,
  callMethod,
  errorGuard,
  exportTable,
  type ExportSpec,
} from "../../../templates/runtime/export-calls.js";
import {
  borrow,
  borrowHandle,
  hostResource,
  own,
  type GuestResourceType,
  type Lendable,
} from "../../../templates/runtime/guest-resources.js";
import { guestResource } from "../../../templates/runtime/guest-resource-classes.js";
import {
  adaptImport,
  bindImports,
  hostResourceClass,
  importTable,
} from "../../../templates/runtime/import-adapters.js";
import type { InstanceCore } from "../../../templates/runtime/instance-core.js";
import type { AsyncCallOptions } from "../../../templates/runtime/tasks.js";
import {
  fixedList,
  flags,
  list,
  option,
  record,
  result,
  tuple,
  variant,
} from "../../../templates/runtime/compound-types.js";
import {
  bool,
  enumeration,
  f64,
  s32,
  s64,
  string,
  u32,
  u64,
  u8List,
} from "../../../templates/runtime/leaf-types.js";
import {
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
    // @ts-expect-error a descriptor that refuses values of the field's type (`undefined`)
    record<{ x: number | undefined }>("x", { x: f64 });
  });
});

class Counter extends GuestResource {
  count(): number {
    return 0;
  }
}

const counterType = guestResource<Counter>("a:b/c#counter", Counter);

/** A host resource as generated: its destructor is optional. */
interface File {
  name(): string;
  sameAs(other: BorrowHandle<File>): boolean;
  [Symbol.dispose]?(): void;
}

const fileType = hostResource<File>("a:b/files#file");

describe("typed descriptors of handles and async values", () => {
  it("carry what the SDK hands out and what lowering accepts", () => {
    expectTypeOf(own(counterType)).toEqualTypeOf<ValueType<Counter>>();
    expectTypeOf(own(fileType)).toEqualTypeOf<ValueType<File>>();
    // A guest resource is lent as itself; a host one also as a borrow the host received.
    expectTypeOf(borrow(counterType)).toEqualTypeOf<ValueType<Borrowed<Counter>>>();
    expectTypeOf(borrow(fileType)).toEqualTypeOf<ValueType<Borrowed<File>, Lendable<File>>>();
    expectTypeOf(borrowHandle(fileType)).toEqualTypeOf<
      ValueType<BorrowHandle<File>, Lendable<File>>
    >();
    expectTypeOf(future(u32)).toEqualTypeOf<ValueType<Future<number>, FutureSource<number>>>();
    expectTypeOf(future(undefined)).toEqualTypeOf<
      ValueType<Future<undefined>, FutureSource<undefined>>
    >();
    expectTypeOf(stream(pointType)).toEqualTypeOf<ValueType<Stream<Point>, StreamSource<Point>>>();
    expectTypeOf(byteStream).toEqualTypeOf<ValueType<ByteStream, ByteStreamSource>>();
    expectTypeOf(errorContext).toEqualTypeOf<ValueType<ErrorContext>>();
    expectTypeOf(list(future(string))).toEqualTypeOf<
      ValueType<Future<string>[], FutureSource<string>[]>
    >();
  });

  it("refuse, at compile time, a handle or async descriptor that disagrees with the declared type", () => {
    record<{ f: Future<bigint>; s: ByteStream }>("r", { f: future(s64), s: byteStream });
    // @ts-expect-error a future of the wrong element type
    record<{ f: Future<bigint> }>("r", { f: future(u32) });
    // @ts-expect-error a stream where the field is a future
    record<{ f: Future<bigint> }>("r", { f: stream(s64) });
    // @ts-expect-error a stream of single bytes where the field holds chunks
    record<{ s: ByteStream }>("r", { s: stream(u32) });
    record<{ e: ErrorContext }>("r", { e: errorContext });
    // @ts-expect-error an error context where the field is a string
    record<{ e: string }>("r", { e: errorContext });
    record<{ f: BorrowHandle<File> }>("r", { f: borrowHandle(fileType) });
    record<{ f: Borrowed<File> }>("r", { f: borrow(fileType) });
    // @ts-expect-error explicit handles where the field holds views
    record<{ f: Borrowed<File> }>("r", { f: borrowHandle(fileType) });
    // @ts-expect-error views where the field holds explicit handles
    record<{ f: BorrowHandle<File> }>("r", { f: borrow(fileType) });
    // @ts-expect-error an owned handle where the field is a borrow
    record<{ f: BorrowHandle<File> }>("r", { f: own(fileType) });
    // @ts-expect-error a borrow where the field owns the resource
    record<{ f: File }>("r", { f: borrow(fileType) });
    // @ts-expect-error a resource of another type
    record<{ c: Counter }>("r", { c: own(fileType) });
    // @ts-expect-error a borrow of another resource type
    variant<{ tag: "one"; val: Borrowed<Counter> }>("v", { one: borrow(fileType) });
  });
});

const exportSpecs = exportTable(
  "a:b/c@1.0.0",
  {
    add: ["a, b", [u32, u32], u32],
    "make-point": ["x", [f64], result(pointType, string)],
    draw: ["shape, color, perms", [shapeType, colorType, permsType]],
    wait: ["", [], undefined, { async: true }],
    "[constructor]counter": ["start", [u32], own(counterType)],
    "[static]counter.zero": ["", [], own(counterType)],
    "[method]counter.get": ["", [], u32],
    "[method]counter.merge": ["other", [borrow(counterType)], own(counterType)],
    lend: ["file, counter", [borrow(fileType), borrow(counterType)], u32],
    give: ["file", [own(fileType)]],
    later: ["n", [future(u32)], future(string), { async: true }],
    lines: ["input", [stream(string)], stream(u32), { async: true }],
    bytes: ["input", [byteStream], result(byteStream, errorContext), { async: true }],
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

/** Never called: the specs of functions with handles and async values, as generated wrappers use them. */
export function handleWrappers(core: InstanceCore, counter: Counter, file: File): void {
  expectTypeOf(exportSpecs["[method]counter.merge"]).toEqualTypeOf<
    ExportSpec<Counter, [Borrowed<Counter>], never>
  >();
  expectTypeOf(exportSpecs.lend).toEqualTypeOf<
    ExportSpec<number, [Lendable<File>, Borrowed<Counter>], never>
  >();
  expectTypeOf(exportSpecs.give).toEqualTypeOf<ExportSpec<void, [File], never>>();
  // `-> future<string>` resolves with the string (a promise resolved with a promise takes on its value).
  expectTypeOf(exportSpecs.later).toEqualTypeOf<
    ExportSpec<string, [FutureSource<number>], never>
  >();
  expectTypeOf(exportSpecs.lines).toEqualTypeOf<
    ExportSpec<Stream<number>, [StreamSource<string>], never>
  >();
  expectTypeOf(exportSpecs.bytes).toEqualTypeOf<
    ExportSpec<ByteStream, [ByteStreamSource], ErrorContext>
  >();
  // An owned resource is lent as itself, and so is a borrow a host import received.
  const merged: Promise<Counter> = callMethod(counter, exportSpecs["[method]counter.merge"], [
    counter,
  ]);
  void callExport(core, exportSpecs.lend, [file, counter]);
  void callExport(core, exportSpecs.lend, [{} as BorrowHandle<File>, counter]);
  // @ts-expect-error a borrow of another resource type
  void callExport(core, exportSpecs.lend, [counter, counter]);
  // @ts-expect-error a borrowed resource passed where the guest takes ownership
  void callExport(core, exportSpecs.give, [{} as Borrowed<File>]);
  // @ts-expect-error a wrapper declaring that it resolves with the future rather than its value
  const pending: Promise<Future<string>> = callExport(core, exportSpecs.later, [
    Promise.resolve(1),
  ]);
  // @ts-expect-error a future of the wrong element type
  void callExport(core, exportSpecs.later, [Promise.resolve("1")]);
  void callExport(core, exportSpecs.lines, [["a", "b"]]);
  // @ts-expect-error a stream of the wrong element type
  void callExport(core, exportSpecs.lines, [[1, 2]]);
  // @ts-expect-error a wrapper declaring an async iterable where the SDK gives a `ReadableStream`
  const lines: Promise<AsyncIterable<string>> = callExport(core, exportSpecs.lines, [[]]);
  void merged;
  void pending;
  void lines;
}

/** The contract interface the table above binds to, as the generator declares it. */
interface CExports {
  add(a: number, b: number): Promise<number>;
  makePoint(x: number): Promise<Point>;
  draw(shape: Shape, color: Color, perms: Perms): Promise<void>;
  wait(options?: AsyncCallOptions): Promise<void>;
  lend(file: Borrowed<File>, counter: Borrowed<Counter>): Promise<number>;
  give(file: File): Promise<void>;
  later(n: FutureSource<number>, options?: AsyncCallOptions): Promise<string>;
  lines(input: StreamSource<string>, options?: AsyncCallOptions): Promise<Stream<number>>;
  bytes(input: ByteStreamSource, options?: AsyncCallOptions): Promise<ByteStream>;
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
  const isMakePointError = errorGuard(exportSpecs, "make-point");
  const caught: unknown = undefined;
  if (isMakePointError(caught)) expectTypeOf(caught.payload).toEqualTypeOf<string>();
}

describe("bound objects and error guards", () => {
  it("bind every function, constructor and static of a table by jco's name, and no method", () => {
    const api = bindExports<CExports>({} as InstanceCore, exportSpecs);
    expect(Object.keys(api).sort()).toEqual([
      "Counter",
      "add",
      "bytes",
      "draw",
      "give",
      "later",
      "lend",
      "lines",
      "makePoint",
      "wait",
    ]);
    expect(Object.keys(api.Counter).sort()).toEqual(["create", "zero"]);
  });

  it("tell a function's own `result` error apart from another's", () => {
    const isMakePointError = errorGuard(exportSpecs, "make-point");
    expect(isMakePointError(new ResultError("no", "a:b/c@1.0.0#make-point"))).toBe(true);
    expect(isMakePointError(new ResultError("no", "a:b/c@1.0.0#add"))).toBe(false);
    expect(isMakePointError(new Error("a:b/c@1.0.0#make-point"))).toBe(false);
  });
});

/** A guest resource as generated: its methods return promises; an `async func` method takes call options. */
interface Meter extends Disposable {
  read(): Promise<number>;
  getHttp(): Promise<string>;
  merge(other: Borrowed<Meter>, weight: number): Promise<Meter>;
  settle(options?: AsyncCallOptions): Promise<void>;
}

// Built from the table, which names the descriptor: the annotation types it.
const meterType: GuestResourceType<Meter> = guestResource("a:b/m@1.0.0#meter", () => meterSpecs);
// A resource without methods needs no table.
const tokenType = guestResource<Disposable>("a:b/m@1.0.0#token");

const meterSpecs = exportTable("a:b/m@1.0.0", {
  "[constructor]meter": ["", [], own(meterType)],
  "[method]meter.read": ["", [], u32],
  // jco's name stated, where the key's rule would give `getHTTP`.
  "[method]meter.get-HTTP": ["getHttp", "", [], string],
  "[method]meter.merge": ["other, weight", [borrow(meterType), u32], own(meterType)],
  "[method]meter.settle": ["", [], undefined, { async: true }],
  "[method]other.read": ["", [], string],
  spend: ["t", [own(tokenType)]],
});

type WithoutMethod<K extends keyof Meter> = Omit<Meter, K>;

// Declared interfaces that disagree with the table's `[method]meter.*` entries, one way each.
interface MeterOtherResult extends WithoutMethod<"read"> {
  read(): Promise<string>;
}
interface MeterWiderParam extends WithoutMethod<"merge"> {
  merge(other: Borrowed<Meter> | undefined, weight: number): Promise<Meter>;
}
interface MeterFewerParams extends WithoutMethod<"merge"> {
  merge(other: Borrowed<Meter>): Promise<Meter>;
}
interface MeterNoCallOptions extends WithoutMethod<"settle"> {
  settle(): Promise<void>;
}
interface MeterExtraMethod extends Meter {
  reset(): Promise<void>;
}
interface MeterRuleName extends WithoutMethod<"getHttp"> {
  getHTTP(): Promise<string>;
}
interface WithMethod extends Disposable {
  read(): Promise<number>;
}

/** Never called: descriptors whose class, built from the table, would not be the declared interface. */
export function guestClasses(): unknown[] {
  // @ts-expect-error a method whose result is described as a number, declared a string
  const wrong1: GuestResourceType<MeterOtherResult> = guestResource(
    "a:b/m@1.0.0#meter",
    () => meterSpecs,
  );
  // @ts-expect-error a parameter wider than the descriptor's (a method's parameters alone would accept it)
  const wrong2: GuestResourceType<MeterWiderParam> = guestResource(
    "a:b/m@1.0.0#meter",
    () => meterSpecs,
  );
  // @ts-expect-error a parameter fewer than the descriptors
  const wrong3: GuestResourceType<MeterFewerParams> = guestResource(
    "a:b/m@1.0.0#meter",
    () => meterSpecs,
  );
  // @ts-expect-error an `async func` method without its call options
  const wrong4: GuestResourceType<MeterNoCallOptions> = guestResource(
    "a:b/m@1.0.0#meter",
    () => meterSpecs,
  );
  // @ts-expect-error a method the table does not have
  const wrong5: GuestResourceType<MeterExtraMethod> = guestResource(
    "a:b/m@1.0.0#meter",
    () => meterSpecs,
  );
  // @ts-expect-error a method of the table missing
  const wrong6: GuestResourceType<WithoutMethod<"read">> = guestResource(
    "a:b/m@1.0.0#meter",
    () => meterSpecs,
  );
  // @ts-expect-error the name the key's rule gives, where the entry states jco's
  const wrong7: GuestResourceType<MeterRuleName> = guestResource(
    "a:b/m@1.0.0#meter",
    () => meterSpecs,
  );
  // @ts-expect-error the entries of another resource
  const wrong8: GuestResourceType<Meter> = guestResource("a:b/m@1.0.0#other", () => meterSpecs);
  // @ts-expect-error a table that is not an export table
  const wrong9: GuestResourceType<Meter> = guestResource("a:b/m@1.0.0#meter", () => ({}));
  // @ts-expect-error no table for a resource with methods
  const wrong10 = guestResource<WithMethod>("a:b/m@1.0.0#meter");
  return [wrong1, wrong2, wrong3, wrong4, wrong5, wrong6, wrong7, wrong8, wrong9, wrong10];
}

describe("guest resource classes built from the table", () => {
  it("have a method per `[method]` entry of the resource, under jco's name, like a class's", () => {
    const proto = meterType.wrapper.prototype as object;
    expect(Object.getPrototypeOf(proto)).toBe(GuestResource.prototype);
    expect(Object.getOwnPropertyNames(proto).sort()).toEqual([
      "constructor",
      "getHttp",
      "merge",
      "read",
      "settle",
    ]);
    expect(Object.keys(proto)).toEqual([]);
    expect(meterType.wrapper.name).toBe("MeterResource");
    // One class per descriptor, so that `instanceof` holds for every object it wraps.
    expect(meterType.wrapper).toBe(meterType.wrapper);
    expect(Object.getOwnPropertyNames(tokenType.wrapper.prototype)).toEqual(["constructor"]);
  });

  it("read the table only when a class is first asked for", () => {
    let reads = 0;
    const type = guestResource("a:b/m@1.0.0#meter", (): typeof meterSpecs => {
      reads++;
      return meterSpecs;
    }) as GuestResourceType<Meter>;
    expect([type.name, reads]).toEqual(["a:b/m@1.0.0#meter", 0]);
    void own(type);
    expect(reads).toBe(0);
    void type.wrapper;
    void type.wrapper;
    expect(reads).toBe(1);
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

/** An imported interface as generated: the host's functions and its resource's class. */
interface FilesImports {
  open(f: BorrowHandle<File>): string;
  count(files: BorrowHandle<File>[]): number;
  /** `-> result<u32, string>`: returns the `ok` value, throws `ResultError` for `err`. */
  size(path: string): number;
  wait(until: Future<undefined>): StreamSource<bigint> | PromiseLike<StreamSource<bigint>>;
  log(line: string): void;
  readonly File: FileClass;
}

interface FileClass {
  new (name: string): File;
  compare(a: BorrowHandle<File>, b: BorrowHandle<File>): number;
}

const importSpecs = importTable("a:b/files", {
  open: [[borrowHandle(fileType)], string, { names: "f" }],
  count: [[list(borrowHandle(fileType))], u32, { names: "files" }],
  size: [[string], result(u32, string)],
  wait: [[future(undefined)], stream(u64), { async: true }],
  log: [[string]],
  "[constructor]file": [[string], own(fileType)],
  "[static]file.compare": [
    [borrowHandle(fileType), borrowHandle(fileType)],
    s32,
    { names: "a, b" },
  ],
  "[method]file.name": [[], string],
  "[method]file.same-as": [[borrowHandle(fileType)], bool, { names: "other" }],
});

/** Entries that disagree with `FilesImports`, one way each. */
const wrongSpecs = importTable("a:b/files", {
  open: [[borrow(fileType)], string, { names: "f" }],
  count: [[list(borrowHandle(fileType))], string, { names: "files" }],
  size: [[], result(u32, string)],
  wait: [[future(undefined)], stream(u64)],
  log: [[u32]],
  missing: [[], undefined],
  "[constructor]file": [[u32], own(fileType)],
  "[static]file.compare": [[borrowHandle(fileType)], string, { names: "a" }],
  "[method]file.name": [[], u32],
  "[method]file.same-as": [[borrowHandle(fileType)], string, { names: "other" }],
});

/** The resource's entries of `importSpecs` with one of them disagreeing, for the table form of `hostResourceClass`. */
const fileEntries = {
  "[constructor]file": importSpecs["[constructor]file"],
  "[static]file.compare": importSpecs["[static]file.compare"],
  "[method]file.name": importSpecs["[method]file.name"],
  "[method]file.same-as": importSpecs["[method]file.same-as"],
};
const wrongConstructor = { ...fileEntries, "[constructor]file": wrongSpecs["[constructor]file"] };
const wrongMethod = { ...fileEntries, "[method]file.same-as": wrongSpecs["[method]file.same-as"] };
const wrongStatic = { ...fileEntries, "[static]file.compare": wrongSpecs["[static]file.compare"] };

/** Never called: the import factory as generated, against specs that agree and specs that do not. */
export function importFactory(core: InstanceCore, host: FilesImports): object[] {
  return [
    {
      File: hostResourceClass(core, fileType, host.File, {
        create: importSpecs["[constructor]file"],
        methods: {
          name: importSpecs["[method]file.name"],
          sameAs: importSpecs["[method]file.same-as"],
        },
        statics: { compare: importSpecs["[static]file.compare"] },
      }),
      FileByTable: hostResourceClass(core, fileType, host.File, importSpecs, "file"),
      open: adaptImport(core, importSpecs.open, host),
      count: adaptImport(core, importSpecs.count, host),
      size: adaptImport(core, importSpecs.size, host),
      wait: adaptImport(core, importSpecs.wait, host),
      log: adaptImport(core, importSpecs.log, host),
    },
    {
      File: hostResourceClass(core, fileType, host.File, {
        // @ts-expect-error a constructor taking a number where the class takes a name
        create: wrongSpecs["[constructor]file"],
        methods: {
          // @ts-expect-error a method whose result is described as a number, declared a string
          name: wrongSpecs["[method]file.name"],
          // @ts-expect-error a method whose result is described as a string, declared boolean
          sameAs: wrongSpecs["[method]file.same-as"],
        },
        // @ts-expect-error a static with one borrow where the class's takes two
        statics: { compare: wrongSpecs["[static]file.compare"] },
      }),
      // @ts-expect-error from the table: a constructor taking a number where the class takes a name
      ByTable1: hostResourceClass(core, fileType, host.File, wrongConstructor, "file"),
      // @ts-expect-error from the table: a method whose result is described as a string, declared boolean
      ByTable2: hostResourceClass(core, fileType, host.File, wrongMethod, "file"),
      // @ts-expect-error from the table: a static with one borrow where the class's takes two
      ByTable3: hostResourceClass(core, fileType, host.File, wrongStatic, "file"),
      // @ts-expect-error from the table: the entries of another resource name
      ByTable4: hostResourceClass(core, fileType, host.File, importSpecs, "folder"),
      // @ts-expect-error views where the handler receives explicit handles
      open: adaptImport(core, wrongSpecs.open, host),
      // @ts-expect-error a result described as a string, declared a number
      count: adaptImport(core, wrongSpecs.count, host),
      // @ts-expect-error an argument the handler takes missing (a handler may ignore extra ones, as in TypeScript)
      size: adaptImport(core, wrongSpecs.size, host),
      // @ts-expect-error a handler that may return a promise, for a function that is not async
      wait: adaptImport(core, wrongSpecs.wait, host),
      // @ts-expect-error an argument of the wrong type
      log: adaptImport(core, wrongSpecs.log, host),
      // @ts-expect-error a member the interface does not have
      missing: adaptImport(core, wrongSpecs.missing, host),
      // @ts-expect-error a spec for another member than the one it names
      other: adaptImport(core, importSpecs.log, {} as { open: FilesImports["open"] }),
    },
    // The whole table at once, as generated: every function entry must fit its member.
    bindImports(core, importSpecs, host),
    // @ts-expect-error a table whose entries disagree with the interface
    bindImports(core, wrongSpecs, host),
    // @ts-expect-error a host object missing a member the table names
    bindImports(core, importSpecs, {} as Omit<FilesImports, "log">),
  ];
}
