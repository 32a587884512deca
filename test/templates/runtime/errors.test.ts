import { describe, expect, expectTypeOf, it } from "vitest";
import {
  BorrowExpiredError,
  BorrowsRemainError,
  HasChildrenError,
  InstanceDisposedError,
  InstancePoisonedError,
  InvalidHandleError,
  NotLentError,
  ReentranceError,
  ResourceDisposedError,
  ResourceLentError,
  ResultError,
  StaleHandleError,
  TableFullError,
  TrapError,
  WitTsError,
  WrongTypeError,
  describeValue,
} from "../../../templates/runtime/errors.js";

describe("runtime errors", () => {
  const trap = new TrapError("run", new RangeError("out of bounds memory access"));

  // [error, name, message]: every class, its stable name and its exact message.
  const cases: [WitTsError, string, string][] = [
    [trap, "TrapError", "guest trapped during `run`: RangeError: out of bounds memory access"],
    [
      new InstancePoisonedError("next", trap),
      "InstancePoisonedError",
      "cannot call `next`: the instance is poisoned because `run` trapped earlier (RangeError: out of bounds memory access)",
    ],
    [
      new InstanceDisposedError("run"),
      "InstanceDisposedError",
      "cannot call `run`: the instance has been disposed",
    ],
    [
      new ReentranceError("outer", "inner"),
      "ReentranceError",
      "cannot call `inner` while `outer` is running on the same instance: the component model forbids entering an " +
        "instance from inside its own import (reentrance)",
    ],
    [
      new ResultError("no such file", "open"),
      "ResultError",
      '`open` returned an error: "no such file"',
    ],
    [
      new ResultError({ tag: "access-denied" }),
      "ResultError",
      'returned an error: { tag: "access-denied" }',
    ],
    [
      new BorrowExpiredError("file", "read"),
      "BorrowExpiredError",
      "borrowed `file` used after the call to `read` ended: a borrow is only valid during the call that lent it",
    ],
    [
      new BorrowExpiredError("file", "read", "dropped"),
      "BorrowExpiredError",
      "borrowed `file` used after its borrow handle was dropped (in the call to `read`)",
    ],
    [
      new BorrowsRemainError("copy", ["source"]),
      "BorrowsRemainError",
      "borrow handles still remain at the end of the call to `copy`: parameter `source` not dropped",
    ],
    [
      new BorrowsRemainError("copy", ["source", "target"]),
      "BorrowsRemainError",
      "borrow handles still remain at the end of the call to `copy`: parameters `source`, `target` not dropped",
    ],
    [
      new ResourceLentError("file", 1),
      "ResourceLentError",
      "cannot remove owned resource while borrowed: `file` has 1 outstanding borrow",
    ],
    [new NotLentError("file"), "NotLentError", "cannot release `file`: it is not lent"],
    [
      new ResourceDisposedError("file"),
      "ResourceDisposedError",
      "`file` used after it was disposed",
    ],
    [
      new StaleHandleError(1048577, "file"),
      "StaleHandleError",
      "`file` handle 1048577 is stale: the resource it referred to was deleted",
    ],
    [
      new StaleHandleError(3),
      "StaleHandleError",
      "handle 3 is stale: the resource it referred to was deleted",
    ],
    [
      new InvalidHandleError(7, "file"),
      "InvalidHandleError",
      "`file` handle 7 is invalid: this table never issued it",
    ],
    [
      new InvalidHandleError("7"),
      "InvalidHandleError",
      'handle "7" is invalid: this table never issued it',
    ],
    [new WrongTypeError(5, "file", "dir"), "WrongTypeError", "handle 5 is a `dir`, not a `file`"],
    [
      new HasChildrenError(2, "dir", 3),
      "HasChildrenError",
      "cannot delete `dir` handle 2: it still has 3 children; delete those first",
    ],
    [
      new TableFullError(10),
      "TableFullError",
      "resource table is full: it holds at most 10 entries",
    ],
  ];

  it.each(cases)("%# has a stable name and exact message", (error, name, message) => {
    expect(error.name).toBe(name);
    expect(error.message).toBe(message);
    expect(error).toBeInstanceOf(WitTsError);
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toBe(`${name}: ${message}`);
    expect(error.stack?.split("\n")[0]).toBe(`${name}: ${message}`);
    expect(Object.keys(error)).not.toContain("name");
  });

  it("carries the facts as fields", () => {
    const cause = new Error("unreachable");
    const trapError = new TrapError("run", cause);
    expect([trapError.functionName, trapError.cause]).toEqual(["run", cause]);
    const poisoned = new InstancePoisonedError("next", trapError);
    expect([
      poisoned.functionName,
      poisoned.trapFunctionName,
      poisoned.restartFailed,
      poisoned.restartError,
    ]).toEqual(["next", "run", false, undefined]);
    expect(poisoned.firstTrap).toBe(trapError);
    const reentrance = new ReentranceError("outer", "inner", "log");
    expect([reentrance.outerFunction, reentrance.innerFunction, reentrance.importName]).toEqual([
      "outer",
      "inner",
      "log",
    ]);
    expect(reentrance.message).toContain("(from inside its import `log`)");
    const remain = new BorrowsRemainError("copy", ["a", "b"]);
    expect([remain.functionName, remain.parameters]).toEqual(["copy", ["a", "b"]]);
    expect(Object.isFrozen(remain.parameters)).toBe(true);
    const lent = new ResourceLentError("file", 2);
    expect([lent.resourceType, lent.lendCount]).toEqual(["file", 2]);
    expect(lent.message).toContain("cannot remove owned resource while borrowed");
    const wrong = new WrongTypeError(5, "file", "dir");
    expect([wrong.handle, wrong.expectedType, wrong.actualType]).toEqual([5, "file", "dir"]);
    const children = new HasChildrenError(2, "dir", 1);
    expect([children.handle, children.resourceType, children.childCount, children.message]).toEqual(
      [2, "dir", 1, "cannot delete `dir` handle 2: it still has 1 child; delete those first"],
    );
    expect(new TableFullError(10).capacity).toBe(10);
    expect("cause" in new InstanceDisposedError("f")).toBe(false);
  });

  it("keeps a result error's payload and its type", () => {
    const payload = { tag: "not-found", val: "a.txt" } as const;
    const error = new ResultError(payload, "open");
    expect(error.payload).toBe(payload);
    expect(error.functionName).toBe("open");
    expectTypeOf(error.payload).toEqualTypeOf<{
      readonly tag: "not-found";
      readonly val: "a.txt";
    }>();
    expectTypeOf(new ResultError<number>(1).payload).toEqualTypeOf<number>();
  });

  it("tells the classes apart with instanceof", () => {
    const error = new StaleHandleError(1);
    expect(error instanceof StaleHandleError).toBe(true);
    expect(error instanceof InvalidHandleError).toBe(false);
    expect(new Error("x") instanceof WitTsError).toBe(false);
    expect((null as unknown) instanceof WitTsError).toBe(false);
    expect(({ name: "StaleHandleError" } as unknown) instanceof StaleHandleError).toBe(false);
  });

  it("recognises errors from another copy of the runtime (another generated SDK)", async () => {
    // The query string makes the module loader evaluate a second, independent copy of the file.
    const other = (await import(
      "../../../templates/runtime/errors.js?second-copy" as string
    )) as typeof import("../../../templates/runtime/errors.js");
    expect(other.TrapError).not.toBe(TrapError);
    const foreign = new other.TrapError("run", new Error("x"));
    expect(foreign instanceof TrapError).toBe(true);
    expect(foreign instanceof WitTsError).toBe(true);
    expect(foreign instanceof ReentranceError).toBe(false);
    expect(new TrapError("run", 1) instanceof other.TrapError).toBe(true);
    expect(new TrapError("run", 1) instanceof other.WitTsError).toBe(true);
    expect(new TrapError("run", 1) instanceof other.ResultError).toBe(false);
  });

  it("describes any value without throwing", () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("no");
        },
      },
    );
    expect(
      [
        "text",
        3,
        true,
        undefined,
        null,
        10n,
        Symbol("s"),
        function named() {},
        new TypeError("bad"),
        { tag: "a" },
        { tag: "b", val: 1 },
        [1],
        hostile,
      ].map(describeValue),
    ).toEqual([
      '"text"',
      "3",
      "true",
      "undefined",
      "null",
      "10n",
      "Symbol(s)",
      "function named",
      "TypeError: bad",
      '{ tag: "a" }',
      '{ tag: "b", val: … }',
      "[object Array]",
      "(unprintable value)",
    ]);
  });
});
