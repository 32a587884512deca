/**
 * End to end, values: a componentize-js guest implementing the `kinds` interface of wit-samples/types
 * (every kind of value componentize-js supports), driven through the SDK wit-ts generates for it. Checks
 * that every kind round-trips, that `result` errors reject with a typed `ResultError` (and leave the
 * instance usable), that wrong arguments are refused before the call with errors that name them, and the
 * seed scenario of issue #4: calls back to back and concurrent calls on one instance all succeed.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResultError } from "../../templates/runtime/errors.js";
import { readFixture } from "./support/fixtures.js";
import { removeTempDirs } from "./support/temp-dirs.js";
import { loadGuest, rejection, type LoadedGuest } from "./fixtures/sdk-support/sdk.js";

/** wit-samples/types without the interface componentize-js cannot build, and a world exporting `kinds`. */
const sampleWit = readFileSync(
  new URL("../../wit-samples/types/types.wit", import.meta.url),
  "utf8",
);
const WIT = `${sampleWit.slice(0, sampleWit.indexOf("/// Types that componentize-js"))}world kinds-guest {\n  export kinds;\n}\n`;

type Point = { x: number; y: number };
type Shape = { tag: "circle"; val: number } | { tag: "rectangle"; val: Point } | { tag: "empty" };

/** The part of the generated `KindsExports` the test uses (the goldens test type-checks the real one). */
interface Kinds {
  bools(a: boolean): Promise<boolean>;
  smallInts(a: number, b: number, c: number, d: number): Promise<[number, number, number, number]>;
  ints(a: number, b: number, c: bigint, d: bigint): Promise<[number, number, bigint, bigint]>;
  floats(a: number, b: number): Promise<[number, number]>;
  chars(c: string): Promise<string>;
  strings(s: string): Promise<string>;
  bytes(b: Uint8Array): Promise<Uint8Array>;
  numbers(
    a: Int16Array,
    b: Uint32Array,
    c: Float64Array,
    d: BigInt64Array,
  ): Promise<[Int16Array, Uint32Array, Float64Array, BigInt64Array]>;
  texts(a: string[]): Promise<string[]>;
  points(a: Point[]): Promise<Point[]>;
  shapes(a: Shape): Promise<Shape>;
  colors(a: string): Promise<string>;
  perms(a: {
    read?: boolean;
    write?: boolean;
    execute?: boolean;
  }): Promise<Record<string, boolean>>;
  maybe(a: number | undefined): Promise<number | undefined>;
  maybeMaybe(a: unknown): Promise<unknown>;
  fallible(fail: boolean): Promise<Point>;
  unitResult(fail: boolean): Promise<void>;
  okOnly(fail: boolean): Promise<number>;
  errOnly(fail: boolean): Promise<void>;
  nestedResult(a: unknown): Promise<unknown>;
  ids(a: bigint): Promise<bigint>;
  triple(a: [boolean, string, Uint8Array]): Promise<[boolean, string, Uint8Array]>;
}

interface Instance extends AsyncDisposable {
  readonly kinds: Kinds;
  readonly poisoned: boolean;
}

type Instantiate = (options: object) => Promise<Instance>;

let guest: LoadedGuest;
let app: Instance;

beforeAll(async () => {
  guest = await loadGuest({
    name: "sdk-types",
    wit: WIT,
    world: "kinds-guest",
    js: readFixture("sdk-types/guest.js"),
  });
  const instantiate = guest.sdk["instantiate"] as Instantiate;
  app = await instantiate({
    imports: {},
    component: guest.component,
    getCoreModule: guest.getCoreModule,
  });
});

afterAll(async () => {
  await app?.[Symbol.asyncDispose]();
  await removeTempDirs();
});

describe("every value kind round-trips through the generated SDK", () => {
  it("bool, integers (bigint for 64 bits), floats, char, string", async () => {
    const k = app.kinds;
    expect(await k.bools(true)).toBe(false);
    expect(await k.smallInts(-128, 255, -32768, 65535)).toEqual([-128, 255, -32768, 65535]);
    expect(
      await k.ints(-2147483648, 4294967295, 9223372036854775806n, 18446744073709551614n),
    ).toEqual([-2147483648, 4294967295, 9223372036854775807n, 18446744073709551615n]);
    const [f32, f64] = await k.floats(0.1, Number.NaN);
    expect(f32).toBe(Math.fround(0.1));
    expect(f64).toBeNaN();
    expect(await k.chars("😀")).toBe("😀");
    expect(await k.strings("héllo")).toBe("héllo!");
  });

  it("lists: typed arrays for numbers, arrays otherwise; tuples", async () => {
    const k = app.kinds;
    expect(await k.bytes(new Uint8Array([1, 2, 3]))).toEqual(new Uint8Array([3, 2, 1]));
    const numbers = await k.numbers(
      new Int16Array([-1, 2]),
      new Uint32Array([4294967295]),
      new Float64Array([0.5]),
      new BigInt64Array([-5n]),
    );
    expect(numbers).toEqual([
      new Int16Array([-1, 2]),
      new Uint32Array([4294967295]),
      new Float64Array([0.5]),
      new BigInt64Array([-5n]),
    ]);
    expect(await k.texts(["a", "b", "c"])).toEqual(["c", "b", "a"]);
    expect(await k.points([{ x: 1, y: -2 }])).toEqual([{ x: -2, y: 1 }]);
    expect(await k.triple([true, "x", new Uint8Array([9])])).toEqual([
      true,
      "x",
      new Uint8Array([9]),
    ]);
  });

  it("variants, enums, flags, options (nested ones tagged), aliases", async () => {
    const k = app.kinds;
    expect(await k.shapes({ tag: "circle", val: 1.5 })).toEqual({ tag: "circle", val: 1.5 });
    expect(await k.shapes({ tag: "rectangle", val: { x: 2, y: 3 } })).toEqual({
      tag: "rectangle",
      val: { x: 2, y: 3 },
    });
    expect(await k.shapes({ tag: "empty" })).toEqual({ tag: "empty" });
    expect(await k.colors("blue")).toBe("red");
    expect(await k.perms({ read: true })).toEqual({ read: false, write: true, execute: true });
    expect(await k.maybe(41)).toBe(42);
    expect(await k.maybe(undefined)).toBeUndefined();
    expect(await k.maybeMaybe({ tag: "none" })).toEqual({ tag: "none" });
    expect(await k.maybeMaybe({ tag: "some", val: undefined })).toEqual({
      tag: "some",
      val: undefined,
    });
    expect(await k.maybeMaybe({ tag: "some", val: "x" })).toEqual({ tag: "some", val: "x" });
    expect(await k.ids(41n)).toBe(42n);
  });

  it("a `result` that is a value (not the function's result) stays `{ tag, val }`", async () => {
    expect(await app.kinds.nestedResult({ tag: "err", val: "inner" })).toEqual({
      tag: "err",
      val: "inner",
    });
    expect(await app.kinds.nestedResult({ tag: "ok", val: 3 })).toEqual({ tag: "ok", val: 3 });
  });
});

describe("a function returning `result` resolves with `ok` and rejects with ResultError", () => {
  it("carries the payload, names the function, and does not poison the instance", async () => {
    expect(await app.kinds.fallible(false)).toEqual({ x: 1, y: 2 });
    const error = await rejection(app.kinds.fallible(true));
    expect(error).toBeInstanceOf(ResultError);
    expect(error).toMatchObject({
      name: "ResultError",
      payload: "failed",
      functionName: "example:types/kinds#fallible",
      message: '`example:types/kinds#fallible` returned an error: "failed"',
    });
    expect(app.poisoned).toBe(false);
    expect(await app.kinds.bools(false)).toBe(true);
  });

  it("passes enum payloads as their case name and an absent payload as undefined", async () => {
    expect(await rejection(app.kinds.errOnly(true))).toMatchObject({ payload: "blue" });
    expect(await app.kinds.errOnly(false)).toBeUndefined();
    expect(await rejection(app.kinds.unitResult(true))).toMatchObject({ payload: undefined });
    expect(await app.kinds.okOnly(false)).toBe(7);
    expect(await rejection(app.kinds.okOnly(true))).toBeInstanceOf(ResultError);
    expect(await rejection(app.kinds.nestedResult({ tag: "err", val: "outer" }))).toMatchObject({
      payload: "outer",
    });
  });
});

describe("arguments are checked before anything enters the guest", () => {
  it("refuses numbers out of range, non-integers and wrong types, naming the argument", async () => {
    const k = app.kinds;
    const cases: [Promise<unknown>, ErrorConstructor, string][] = [
      [
        k.smallInts(128, 0, 0, 0),
        RangeError,
        "`a` must be an s8 (an integer from -128 to 127), got 128",
      ],
      [k.smallInts(0, -1, 0, 0), RangeError, "`b` must be a u8 (an integer from 0 to 255), got -1"],
      [
        k.smallInts(0, 0, 1.5, 0),
        RangeError,
        "`c` must be an s16 (an integer from -32768 to 32767), got 1.5",
      ],
      [
        k.smallInts(0, 0, 0, Number.NaN),
        RangeError,
        "`d` must be a u16 (an integer from 0 to 65535), got NaN",
      ],
      [
        k.ints(0, 0, 2n ** 63n, 0n),
        RangeError,
        "`c` must be an s64 (a bigint from -9223372036854775808 to 9223372036854775807), got 9223372036854775808n",
      ],
      [
        k.ints(0, 0, 0n, 1 as unknown as bigint),
        TypeError,
        "`d` must be a u64 (a bigint from 0 to 18446744073709551615), got 1",
      ],
      [k.strings(42 as unknown as string), TypeError, "`s` must be a string, got 42"],
      [
        k.chars("ab"),
        RangeError,
        '`c` must be a char (a string of one Unicode scalar value), got "ab"',
      ],
      [k.bools(1 as unknown as boolean), TypeError, "`a` must be a boolean, got 1"],
      [
        k.colors("purple"),
        TypeError,
        '`a` must be one of the cases of enum `color` ("red", "green", "blue"), got "purple"',
      ],
      [
        k.bytes([1, 2] as unknown as Uint8Array),
        TypeError,
        "`b` must be a Uint8Array (list<u8>), got [object Array]",
      ],
    ];
    for (const [promise, type, message] of cases) {
      const error = await rejection(promise);
      expect(error).toBeInstanceOf(type);
      expect((error as Error).message).toBe(message);
    }
    expect(app.poisoned).toBe(false);
  });

  it("checks inside lists, records and variants, with the path to the bad value", async () => {
    const error = await rejection(
      app.kinds.points([
        { x: 1, y: 2 },
        { x: 3.5, y: 0 },
      ]),
    );
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe(
      "`a[1].x` must be an s32 (an integer from -2147483648 to 2147483647), got 3.5",
    );
    const shape = await rejection(app.kinds.shapes({ tag: "square", val: 1 } as unknown as Shape));
    expect((shape as Error).message).toBe(
      '`a.tag` must be one of the cases of variant `shape` ("circle", "rectangle", "empty"), got "square"',
    );
    const flags = await rejection(app.kinds.perms({ read: "yes" } as unknown as { read: boolean }));
    expect((flags as Error).message).toBe('`a.read` must be a boolean or undefined, got "yes"');
    expect(await app.kinds.points([])).toEqual([]);
  });
});

describe("calls on one instance (issue #4, seed scenario)", () => {
  it("two exports called back to back both succeed", async () => {
    expect(await app.kinds.strings("a")).toBe("a!");
    expect(await app.kinds.ids(1n)).toBe(2n);
  });

  it("two exports called concurrently both succeed, settling in call order", async () => {
    const order: string[] = [];
    const first = app.kinds.strings("b").then((v) => (order.push("strings"), v));
    const second = app.kinds.ids(2n).then((v) => (order.push("ids"), v));
    expect(await Promise.all([first, second])).toEqual(["b!", 3n]);
    expect(order).toEqual(["strings", "ids"]);
  });

  it("many concurrent calls, one failing with a ResultError, all settle as they should", async () => {
    const calls = Array.from({ length: 20 }, (_, i) =>
      i === 7 ? app.kinds.fallible(true) : app.kinds.maybe(i),
    );
    const settled = await Promise.allSettled(calls);
    settled.forEach((outcome, i) => {
      if (i === 7)
        expect(outcome).toMatchObject({ status: "rejected", reason: { payload: "failed" } });
      else expect(outcome).toEqual({ status: "fulfilled", value: i + 1 });
    });
  });
});
