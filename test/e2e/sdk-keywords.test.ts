/**
 * End to end, hostile names: a componentize-js guest for wit-samples/keywords, whose interfaces, functions,
 * parameters, fields, resources and statics are JavaScript and TypeScript reserved words, globals
 * (`Object`, `Promise`, `Symbol`, `Array`, `Error`, `globalThis`), `Object.prototype` keys (`then`,
 * `constructor`, `prototype`, `toString`, `valueOf`, `hasOwnProperty`) and upper-case spellings
 * (`OBJECT`, `TO-STRING`). Every guest export forwards to the host import of the same name, so each call
 * made through the generated SDK crosses both ways. The world exports `then`, which makes jco's exports
 * object a thenable: the SDK instance must still resolve as itself. What WIT cannot spell (`__proto__`,
 * `NaN`, names differing only in case in one scope) is noted in the sample and in the test names.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFixture } from "./support/fixtures.js";
import { removeTempDirs } from "./support/temp-dirs.js";
import { loadGuest, type LoadedGuest } from "./fixtures/sdk-support/sdk.js";

const SAMPLE = readFileSync(
  new URL("../../wit-samples/keywords/keywords.wit", import.meta.url),
  "utf8",
);

/**
 * The sample less two members of resource `class` that componentize-js writes into a JavaScript class
 * body, where they are syntax errors: the static `prototype` (which no class can have, so jco could not
 * call it either; the runtime skips it) and the method `constructor` (a second constructor); and the
 * functions named `global-this`, whose bindings in componentize-js's generated modules shadow the global
 * its own code reads ("can't access lexical declaration 'globalThis' before initialization").
 */
const UNBUILDABLE = [
  "    prototype: static func() -> u32;\n",
  "    %constructor: func() -> u32;\n",
  "  global-this: func(global-this: u32, infinity: infinity, then: then-type) -> string;\n",
  "  export global-this: func() -> string;\n",
  // jco's output for these statics fails: `function arguments()` is a syntax error in a module,
  // `Class.name = ...` assigns a read-only property and `Class.caller = ...` a throwing accessor.
  "    name: static func() -> string;\n",
  "    caller: static func() -> u32;\n",
  "    arguments: static func() -> u32;\n",
];
/** jco binds an imported resource `array` as `Array` in its module, so its own `Array.isArray` fails. */
const RENAMED = ["resource array {", "resource array-like {"] as const;
const WIT = UNBUILDABLE.reduce((text, line) => text.replace(line, ""), SAMPLE).replace(...RENAMED);

/** The generated SDK, seen loosely: its exact types are checked by the goldens test. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

/** Names of the `object` interface functions that take five `u32`s and return a `u32`. */
const FIVE_U32 = [
  "break",
  "for",
  "switch",
  "while",
  "function",
  "const",
  "any",
  "abstract",
  "is",
  "async",
];

/**
 * Host resources: only their statics are reached. Constructing a resource of an interface the guest both
 * imports and exports traps inside the guest (see the guest's comment), so instances are left out.
 */
class HostClass {
  constructor(readonly n: number) {}
  delete(): boolean {
    return this.n > 5;
  }
  then_(): number {
    return this.n * 2;
  }
  static staticThen(): number {
    return 10;
  }
}

class HostArray {
  length(): number {
    return 3;
  }
  toString_(): string {
    return "arr";
  }
  valueOf_(): number {
    return 6;
  }
  hasOwnProperty_(key: string): boolean {
    return key === "k";
  }
  static call_(): number {
    return 1;
  }
  static bind_(): number {
    return 2;
  }
  static apply_(): number {
    return 3;
  }
}

const imports = {
  "example:keywords/interface": {
    then_: (c: number, f: number) => c * 10 + f,
    func: (type: string, record: object) => ({ ...record, type }),
    new: (self: string, args: string[]) => `${self}:${args.join(",")}`,
    await: (y: number, l: number, s: number) => y + l + s,
    default: (
      object: Loose,
      promise: string,
      symbol: Loose,
      array: Record<string, boolean | undefined>,
    ) =>
      `${object.then}|${promise}|${symbol.tag}=${symbol.val}|${Object.keys(array)
        .filter((k) => array[k])
        .join("+")}`,
    eval: (u: number | undefined, nan: number) => (u ?? 100) + nan,
    Class: HostClass,
  },
  "example:keywords/object": {
    ...Object.fromEntries(
      FIVE_U32.map((name) => [name, (...args: number[]) => Number(args.join(""))]),
    ),
    unique: (...args: unknown[]) => args.map(String).join(","),
    object: (error: Loose) => ({ ...error, toString: `${error.toString}?` }),
    toString_: () => "host",
    valueOf_: () => 5,
    hasOwnProperty_: (proto: string) => proto === "yes",
    constructor_: () => "ctor",
    prototype_: () => "proto",
    ArrayLike: HostArray,
  },
  object: (toString: string) => `OBJECT(${toString})`,
  promise: () => 9,
};

let guest: LoadedGuest;
let app: Loose;

beforeAll(async () => {
  guest = await loadGuest({
    name: "sdk-keywords",
    wit: WIT,
    world: "keywords",
    js: readFixture("sdk-keywords/guest.js"),
  });
  const instantiate = guest.sdk["instantiate"] as (options: object) => Promise<Loose>;
  app = await instantiate({
    imports,
    component: guest.component,
    getCoreModule: guest.getCoreModule,
  });
});

afterAll(async () => {
  await app?.[Symbol.asyncDispose]();
  await removeTempDirs();
});

describe("a world that exports `then`", () => {
  it("instantiates to the SDK instance, which is not a thenable", async () => {
    expect(app.poisoned).toBe(false);
    expect("then" in app).toBe(false);
    expect(await Promise.resolve(app)).toBe(app);
  });

  it("calls the world-level exports `then`, `await` and `constructor`", async () => {
    expect(await app.then_()).toBe(10);
    expect(await app.await()).toBe(42);
    expect(await app.constructor_()).toBe("OBJECT(guest)".length);
  });
});

describe("interface `interface` (reserved words and globals as names)", () => {
  const record = {
    constructor: 1,
    prototype: "p",
    toString: "s",
    valueOf: true,
    hasOwnProperty: 2,
    then: 3,
    type: "t",
  };

  it("passes reserved-word parameters and `Object.prototype`-keyed record fields both ways", async () => {
    const api = app.interface;
    expect(await api.then_(3, 4)).toBe(1034);
    expect(await api.func("x", record)).toEqual({ ...record, type: "x!" });
    expect(await api.new("me", ["a", "b"])).toBe("me:a,b|2");
    expect(await api.await(1, 2, 3)).toBe(12);
    expect(
      await api.default(record, "catch", { tag: "map", val: "m" }, { in: true, void: true }),
    ).toBe("guest:3|catch|map=m|in+void");
    expect(await api.eval(undefined, 1.5)).toBe(102);
    expect(await api.eval(2, 0.25)).toBe(2.75);
  });

  it("calls resource `class`'s static `static-then`, which calls the host's", async () => {
    expect(await app.interface.Class.staticThen()).toBe(11);
  });

  it("is the sample less what componentize-js cannot build", () => {
    expect(SAMPLE.length - WIT.length).toBe(
      UNBUILDABLE.join("").length + RENAMED[0].length - RENAMED[1].length,
    );
    expect(WIT).toContain(RENAMED[1]);
  });
});

describe("interface `object` (every other reserved word, globals, `Object.prototype` keys, upper case)", () => {
  it("calls the ten five-parameter functions named after reserved words, arguments in order", async () => {
    const results: Record<string, number> = {};
    for (const [i, name] of FIVE_U32.entries())
      results[name] = await app.object[name](i, 1, 2, 3, 4);
    expect(results).toEqual(
      Object.fromEntries(FIVE_U32.map((name, i) => [name, Number(`${i}1234`) + 1])),
    );
  });

  it("passes globals as parameter and type names (`symbol`, `object`, `string`, `undefined`)", async () => {
    expect(await app.object.unique(1, 2, "s", undefined, 3)).toBe("guest:1,2,s,undefined,3");
    expect(await app.object.unique(1, 2, "s", 7, 3)).toBe("guest:1,2,s,7,3");
  });

  it("calls `OBJECT`, `TO-STRING`, `VALUE-OF`, `HAS-OWN-PROPERTY`, `constructor` and `prototype`", async () => {
    const error = {
      message: "m",
      name: "n",
      isPrototypeOf: true,
      propertyIsEnumerable: false,
      toLocaleString: "l",
      proto: 1,
      length: 2,
      caller: 3,
      arguments: 4,
      object: 5,
      toString: "s",
    };
    expect(await app.object.object(error)).toEqual({ ...error, message: "guest", toString: "s?" });
    expect(await app.object.toString_()).toBe("guest:host");
    expect(await app.object.valueOf_()).toBe(6);
    expect(await app.object.hasOwnProperty_("yes")).toBe(false);
    expect(await app.object.hasOwnProperty_("no")).toBe(true);
    expect(await app.object.constructor_()).toBe("guest:ctor");
    expect(await app.object.prototype_()).toBe("guest:proto");
  });

  it("calls resource `array`'s `Function.prototype`-named statics, which call the host's", async () => {
    const Array_ = app.object.ArrayLike;
    expect([await Array_.call_(), await Array_.bind_(), await Array_.apply_()]).toEqual([2, 3, 4]);
  });
});
