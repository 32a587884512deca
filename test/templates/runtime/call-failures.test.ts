/**
 * Calls that fail in unusual ways (`call-gate.ts` and `values.ts`'s export calls and import adapters), over a
 * fake component: a `ResultError` an import handler rethrows is a trap like any other throw out of an
 * import; an exception that cannot be described (or a result whose `then` getter throws) never wedges the
 * gate; what an export call checked is what jco gets, even when the caller changes it while the call waits
 * in the queue; a refused `own` move made inside a `using` scope is dropped once it comes back.
 */
import { describe, expect, it } from "vitest";
import { createBorrowScope } from "../../../templates/runtime/borrow.js";
import { createCallGate } from "../../../templates/runtime/call-gate.js";
import { ReentranceError, ResultError, TrapError } from "../../../templates/runtime/errors.js";
import { flags, list, record, result } from "../../../templates/runtime/compound-types.js";
import { string, u32, u8List } from "../../../templates/runtime/leaf-types.js";
import { type ValueType } from "../../../templates/runtime/value-types.js";
import {
  createInstanceCore,
  startInstance,
  type ComponentModule,
} from "../../../templates/runtime/instance-core.js";
import { GuestResource, own } from "../../../templates/runtime/guest-resources.js";
import { guestResource } from "../../../templates/runtime/guest-resource-classes.js";
import { callExport, exportSpec } from "../../../templates/runtime/export-calls.js";
import { adaptImport, importSpec } from "../../../templates/runtime/import-adapters.js";
import { deferred, macrotask, rejection } from "../../support/outcomes.js";

class ComponentError extends Error {
  constructor(readonly payload: unknown) {
    super("component error");
  }
}

const point = record("point", { x: u32, y: string });

/** A fake guest: `callback` calls the import `cb`; `slow` keeps the instance busy; the rest record what they got. */
async function world() {
  const seen: unknown[] = [];
  let handler: () => unknown = () => undefined;
  let finishSlow = (): void => {};
  const component: ComponentModule = {
    instantiate(_getCoreModule, imports) {
      const host = (imports as Record<string, Record<string, () => unknown>>)["t:t/host"]!;
      return Promise.resolve({
        api: {
          callback: () => {
            host["cb"]!();
            return 1;
          },
          fails: () => {
            throw new ComponentError("not found");
          },
          slow: () => new Promise<void>((resolve) => (finishSlow = resolve)),
          point: (p: { x: number; y: string }) => seen.push({ ...p }),
          points: (ps: { x: number; y: string }[]) => seen.push(ps.map((p) => ({ ...p }))),
          bytes: (b: Uint8Array) => seen.push([...b]),
          perms: (p: Record<string, unknown>) =>
            seen.push({
              read: Boolean(p["read"]),
              toString: Boolean(p["toString"]),
              valueOf: Boolean(p["valueOf"]),
            }),
          consume: () => 0,
        },
      });
    },
  };
  const core = await createInstanceCore({ component });
  await startInstance(core, undefined, {
    "t:t/host": {
      cb: adaptImport(core, importSpec({ name: "t:t/host#cb", member: "cb" }), {
        cb: () => handler(),
      }),
    },
  });
  const call = <R>(
    name: string,
    params: Record<string, ValueType>,
    args: unknown[],
    returns?: ValueType,
  ) =>
    callExport(
      core,
      exportSpec<R>({
        name,
        path: ["api", name],
        params,
        ...(returns === undefined ? {} : { returns }),
      }),
      args,
    );
  return {
    core,
    seen,
    setHandler: (h: () => unknown) => (handler = h),
    finishSlow: () => finishSlow(),
    callback: () => call<number>("callback", {}, [], u32),
    fails: () => call<void>("fails", {}, [], result(undefined, string)),
    slow: () => call<void>("slow", {}, []),
    point: (p: unknown) => call<number>("point", { p: point }, [p], u32),
    points: (ps: unknown) => call<number>("points", { ps: list(point) }, [ps], u32),
    bytes: (b: unknown) => call<number>("bytes", { b: u8List }, [b], u32),
    perms: (p: unknown) =>
      call<number>(
        "perms",
        {
          p: flags<Record<"read" | "toString" | "valueOf", boolean>>("perms", [
            "read",
            "toString",
            "valueOf",
          ]),
        },
        [p],
        u32,
      ),
  };
}

describe("import handlers: whatever a handler throws out of an import is a trap", () => {
  it("a ResultError from another call, rethrown, poisons the instance with a TrapError", async () => {
    const other = await world();
    const saved = await rejection(other.fails());
    expect(saved).toBeInstanceOf(ResultError);
    const w = await world();
    w.setHandler(() => {
      throw saved;
    });
    const outcome = await rejection(w.callback());
    expect(outcome).toBeInstanceOf(TrapError);
    expect((outcome as TrapError).cause).toBe(saved);
    expect(w.core.gate.poisoned).toBe(true);
  });

  it("a jco ComponentError thrown by a handler is a trap, not the export's `result` error", async () => {
    const core = await createInstanceCore({
      component: {
        instantiate(_g, imports) {
          const host = (imports as Record<string, Record<string, () => unknown>>)["t:t/host"]!;
          return Promise.resolve({ api: { f: () => host["cb"]!() } });
        },
      },
    });
    await startInstance(core, undefined, {
      "t:t/host": {
        cb: adaptImport(core, importSpec({ name: "t:t/host#cb", member: "cb" }), {
          cb: () => {
            throw new ComponentError("forged");
          },
        }),
      },
    });
    const outcome = await rejection(
      callExport(
        core,
        exportSpec<void>({ name: "f", path: ["api", "f"], returns: result(undefined, string) }),
        [],
      ),
    );
    expect(outcome).toBeInstanceOf(TrapError);
    expect(core.gate.poisoned).toBe(true);
  });
});

describe("call gate: an exception that cannot be described does not wedge the gate", () => {
  // A gate that restarts after a trap: the next call runs only if the gate left its busy state.
  const tick = () =>
    new Promise<string>((resolve) => setTimeout(() => resolve("still waiting"), 20));

  it("an expired borrow view thrown synchronously", async () => {
    const scope = createBorrowScope("t:t/host#cb");
    const view = scope.view(new Error("borrowed"), "error");
    scope.close();
    const gate = createCallGate({ restart: () => {} });
    const first = gate.call("f", () => {
      throw view;
    });
    expect(await rejection(first)).toBeInstanceOf(TrapError);
    expect(await Promise.race([gate.call("g", () => "ran"), tick()])).toBe("ran");
  });

  it("an Error whose `message` getter throws, as a rejection", async () => {
    const gate = createCallGate({ restart: () => {} });
    const odd = new Error("x");
    Object.defineProperty(odd, "message", {
      get() {
        throw new Error("message getter");
      },
    });
    expect(await rejection(gate.call("f", () => Promise.reject(odd)))).toBeInstanceOf(TrapError);
    expect(await Promise.race([gate.call("g", () => "ran"), tick()])).toBe("ran");
  });

  it("a result whose `then` getter throws: the call rejects (a trap), and the next call runs", async () => {
    const gate = createCallGate({ restart: () => {} });
    const weird = Object.defineProperty({}, "then", {
      get() {
        throw new Error("getter");
      },
    });
    let first: Promise<unknown> | undefined;
    expect(() => (first = gate.call("f", () => weird))).not.toThrow();
    expect(await rejection(first!)).toBeInstanceOf(TrapError);
    expect(await Promise.race([gate.call("g", () => 1), tick()])).toBe(1);
  });

  it("disposal resolves after such a failure", async () => {
    const gate = createCallGate({ restart: () => {} });
    const scope = createBorrowScope("x");
    const view = scope.view({}, "r");
    scope.close();
    let first: Promise<unknown> | undefined;
    expect(
      () =>
        (first = gate.call("f", () => {
          throw view;
        })),
    ).not.toThrow();
    first?.catch(() => {});
    await expect(Promise.race([gate.dispose().then(() => "disposed"), tick()])).resolves.toBe(
      "disposed",
    );
  });
});

describe("export calls: what is checked is what jco gets", () => {
  it("a record changed while its call waits in the queue reaches the guest as it was checked", async () => {
    const w = await world();
    const slow = w.slow();
    const p: { x: unknown; y: unknown } = { x: 1, y: "a" };
    const call = w.point(p);
    p.x = -5;
    p.y = 42;
    w.finishSlow();
    await slow;
    await call;
    expect(w.seen).toEqual([{ x: 1, y: "a" }]);
    expect(w.core.gate.poisoned).toBe(false);
  });

  it("a list of records changed while queued", async () => {
    const w = await world();
    const slow = w.slow();
    const ps = [{ x: 1, y: "a" }];
    const call = w.points(ps);
    ps[0]!.x = -1;
    ps.push({ x: 2, y: "b" });
    w.finishSlow();
    await slow;
    await call;
    expect(w.seen).toEqual([[{ x: 1, y: "a" }]]);
  });

  it("a typed array detached while its call waits: the call is refused with a TypeError, not a trap", async () => {
    const w = await world();
    const slow = w.slow();
    const bytes = new Uint8Array([1, 2, 3]);
    const call = w.bytes(bytes);
    structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
    w.finishSlow();
    await slow;
    const error = await rejection(call);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(
      /^`b` must be a typed array whose buffer is not detached/,
    );
    expect(w.core.gate.poisoned).toBe(false);
    expect(w.seen).toEqual([]);
  });

  it("a detached typed array is refused with a TypeError before the call, and the instance stays healthy", async () => {
    const w = await world();
    const bytes = new Uint8Array([1, 2, 3]);
    structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
    const error = await rejection(w.bytes(bytes));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/`b` .*detached/);
    expect(w.core.gate.poisoned).toBe(false);
    await w.bytes(new Uint8Array([4]));
    expect(w.seen).toEqual([[4]]);
  });

  it("flags named after Object.prototype members may be left out, and jco reads them as false", async () => {
    const w = await world();
    await w.perms({ read: true });
    await w.perms({});
    await w.perms({ toString: true });
    expect(w.seen).toEqual([
      { read: true, toString: false, valueOf: false },
      { read: false, toString: false, valueOf: false },
      { read: false, toString: true, valueOf: false },
    ]);
  });
});

describe("export calls: a refused `own` move inside a `using` scope", () => {
  class Thing extends GuestResource {}
  const thingType = guestResource("t:t/api#thing", Thing);

  it("is dropped once the refusal gives it back, since its scope has ended", async () => {
    const drops: string[] = [];
    let handler = (): void => {};
    const component: ComponentModule = {
      instantiate(_getCoreModule, imports) {
        const host = (imports as Record<string, Record<string, () => unknown>>)["t:t/host"]!;
        return Promise.resolve({
          api: {
            callback: () => {
              host["cb"]!();
              return 0;
            },
            consume: () => 0,
          },
        });
      },
    };
    const core = await createInstanceCore({ component });
    await startInstance(core, undefined, {
      "t:t/host": {
        cb: adaptImport(core, importSpec({ name: "t:t/host#cb", member: "cb" }), {
          cb: () => handler(),
        }),
      },
    });
    const consume = exportSpec<number>({
      name: "consume",
      path: ["api", "consume"],
      params: { r: own(thingType) },
      returns: u32,
    });
    const thing = own(thingType).lift(
      { [Symbol.dispose]: () => drops.push("drop") },
      core,
    ) as Thing;
    let refused: Promise<number> | undefined;
    handler = () => {
      using r = thing;
      refused = callExport(core, consume, [r]);
    };
    await callExport(
      core,
      exportSpec<number>({ name: "callback", path: ["api", "callback"], returns: u32 }),
      [],
    );
    expect(await rejection(refused!)).toBeInstanceOf(ReentranceError);
    await macrotask();
    expect(drops).toEqual(["drop"]);
  });

  it("a move refused without a scope stays the caller's", async () => {
    const drops: string[] = [];
    const done = deferred();
    const core = await createInstanceCore({
      component: {
        instantiate: () => Promise.resolve({ api: { consume: () => 0, slow: () => done.promise } }),
      },
    });
    await startInstance(core);
    const consume = exportSpec<number>({
      name: "consume",
      path: ["api", "consume"],
      params: { r: own(thingType) },
      returns: u32,
    });
    const thing = own(thingType).lift(
      { [Symbol.dispose]: () => drops.push("drop") },
      core,
    ) as Thing;
    const slow = callExport(core, exportSpec<void>({ name: "slow", path: ["api", "slow"] }), []);
    const refused = callExport(core, consume, [thing]);
    const disposal = core.gate.dispose();
    done.resolve();
    await slow;
    void refused;
    await disposal;
    expect(drops).toEqual([]);
  });
});

describe("values: strings must be Unicode scalar values", () => {
  it("a lone surrogate is refused with a TypeError naming the path", async () => {
    const w = await world();
    const error = await rejection(w.point({ x: 1, y: "a\uD800" }));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/^`p\.y` must be a string of Unicode scalar values/);
    expect(await rejection(w.point({ x: 1, y: "\uDC00b" }))).toBeInstanceOf(TypeError);
    await w.point({ x: 1, y: "\uD83D\uDE00" });
    expect(w.seen).toEqual([{ x: 1, y: "\uD83D\uDE00" }]);
  });
});
