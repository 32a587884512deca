import { describe, expect, it } from "vitest";
import {
  HasChildrenError,
  InvalidHandleError,
  NotLentError,
  ResourceLentError,
  StaleHandleError,
  TableFullError,
  WrongTypeError,
} from "../../../templates/runtime/errors.js";
import {
  createResourceTable,
  createTypedTable,
  type Handle,
} from "../../../templates/runtime/resource-table.js";
import { thrown } from "../../support/outcomes.js";

/** Default capacity 1,000,000 needs 20 slot bits: handle = generation * 2^20 + slot + 1. */
const span = 2 ** 20;

describe("resource table: handles", () => {
  it("issues slot + 1 in generation 0 and reuses freed slots last-freed first with a new generation", () => {
    const table = createResourceTable();
    const a = table.push("file", "a");
    const b = table.push("file", "b");
    expect([a, b]).toEqual([1, 2]);
    table.delete(a, "file");
    const c = table.push("file", "c");
    expect(c).toBe(span + 1);
    table.delete(b, "file");
    table.delete(c, "file");
    expect([table.push("file", "d"), table.push("file", "e"), table.push("file", "f")]).toEqual([
      2 * span + 1,
      span + 2,
      3,
    ]);
  });

  it("sizes the slot bits from the capacity", () => {
    const table = createResourceTable({ capacity: 3 });
    const first = table.push("t", 1);
    table.delete(first, "t");
    expect(table.push("t", 2)).toBe(4 + 1);
  });

  it("tells stale, invalid and wrongly typed handles apart, with exact errors", () => {
    const table = createResourceTable();
    const file = table.push("file", { path: "a" });
    table.delete(file, "file");
    const dir = table.push("dir", { path: "b" }); // reuses the slot
    expect(dir).toBe(span + 1);

    const stale = thrown(() => table.get(file, "file")) as StaleHandleError;
    expect(stale).toBeInstanceOf(StaleHandleError);
    expect([stale.handle, stale.resourceType, stale.message]).toEqual([
      1,
      "file",
      "`file` handle 1 is stale: the resource it referred to was deleted",
    ]);

    for (const never of [2, 0, -1, 1.5, 2 * span + 1, Number.NaN, 2 ** 53 + 2, "1"]) {
      const invalid = thrown(() =>
        table.get(never as Handle<unknown>, "dir"),
      ) as InvalidHandleError;
      expect(invalid).toBeInstanceOf(InvalidHandleError);
      expect(invalid.handle).toBe(never);
    }
    expect(thrown(() => table.get(7 as Handle<unknown>, "dir")).message).toBe(
      "`dir` handle 7 is invalid: this table never issued it",
    );

    const wrong = thrown(() => table.get(dir, "file")) as WrongTypeError;
    expect(wrong).toBeInstanceOf(WrongTypeError);
    expect([wrong.handle, wrong.expectedType, wrong.actualType, wrong.message]).toEqual([
      dir,
      "file",
      "dir",
      `handle ${dir} is a \`dir\`, not a \`file\``,
    ]);
    expect(thrown(() => table.delete(dir, "never-defined"))).toBeInstanceOf(WrongTypeError);
    expect(table.get(dir, "dir")).toEqual({ path: "b" });
    expect(table.typeNameOf(dir)).toBe("dir");
  });

  it("retires a slot whose generations run out instead of letting an old handle come back to life", () => {
    // Capacity 2^32 needs 33 slot bits, which leaves 2^53 / 2^33 = 2^20 generations per slot.
    const table = createResourceTable({ capacity: 2 ** 32 });
    const slotSpan = 2 ** 33;
    let last = table.push("t", 0);
    for (let generation = 1; generation < 2 ** 20; generation++) {
      table.delete(last, "t");
      last = table.push("t", generation);
    }
    expect(last).toBe((2 ** 20 - 1) * slotSpan + 1);
    table.delete(last, "t");
    expect(table.push("t", "fresh")).toBe(2); // slot 1: slot 0 is retired
    expect(thrown(() => table.get(last, "t"))).toBeInstanceOf(StaleHandleError);
    expect(table.push("t", "next")).toBe(3);
  });

  it("answers `has` without throwing", () => {
    const table = createResourceTable();
    const handle = table.push("file", 1);
    expect([
      table.has(handle),
      table.has(handle, "file"),
      table.has(handle, "dir"),
      table.has(99),
      table.has("x"),
      table.has(undefined),
    ]).toEqual([true, true, false, false, false, false]);
    table.delete(handle, "file");
    expect(table.has(handle)).toBe(false);
  });
});

describe("resource table: types and destructors", () => {
  it("calls the type's destructor in preference to the value's [Symbol.dispose], exactly once", () => {
    const table = createResourceTable();
    const log: string[] = [];
    const disposable = (name: string) => ({
      name,
      [Symbol.dispose]: () => void log.push(`value ${name}`),
    });
    table.defineType<{ name: string }>("socket", {
      dispose: (value) => void log.push(`type ${value.name}`),
    });
    const socket = table.push("socket", disposable("s"));
    const stream = table.push("stream", disposable("t"));
    const plain = table.push("plain", { name: "p" });
    table.delete(socket, "socket");
    table.delete(stream, "stream");
    table.delete(plain, "plain");
    expect(log).toEqual(["type s", "value t"]);
    expect(thrown(() => table.delete(stream, "stream"))).toBeInstanceOf(StaleHandleError);
    expect(log).toHaveLength(2);
  });

  it("removes the entry before running a destructor that throws, so it never runs twice", () => {
    const table = createResourceTable();
    let calls = 0;
    const failure = new Error("close failed");
    const handle = table.push("file", {
      [Symbol.dispose]() {
        calls++;
        throw failure;
      },
    });
    expect(thrown(() => table.delete(handle, "file"))).toBe(failure);
    expect([calls, table.size, table.has(handle)]).toEqual([1, 0, false]);
    expect(table.disposeAll().total).toBe(0);
    expect(calls).toBe(1);
  });

  it("moves ownership out with `take`, without the destructor", () => {
    const table = createResourceTable();
    let disposed = false;
    const value = { [Symbol.dispose]: () => void (disposed = true) };
    const handle = table.push("file", value);
    expect(table.take(handle, "file")).toBe(value);
    expect([disposed, table.size, table.count("file")]).toEqual([false, 0, 0]);
  });

  it("accepts a type defined once with a destructor, refuses a second one, and refuses foreign tokens", () => {
    const table = createResourceTable();
    const dispose = (): void => {};
    const first = table.defineType("file");
    expect(table.defineType("file", { dispose })).toBe(first);
    expect(table.defineType("file", { dispose })).toBe(first);
    expect(thrown(() => table.defineType("file", { dispose: () => {} })).message).toBe(
      "resource type `file` already has a destructor",
    );
    const other = createResourceTable().defineType<string>("file");
    const error = thrown(() => table.push(other, "x"));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe("resource type `file` was not defined by this table");
  });

  it("counts live entries per type, by name or token", () => {
    const table = createResourceTable();
    const files = table.defineType<number>("file");
    const a = table.push(files, 1);
    table.push("file", 2);
    table.push("dir", 3);
    expect([
      table.size,
      table.count(files),
      table.count("file"),
      table.count("dir"),
      table.count("nope"),
    ]).toEqual([3, 2, 2, 1, 0]);
    table.delete(a, files);
    expect([table.size, table.count("file")]).toEqual([2, 1]);
  });

  it("validates the capacity", () => {
    for (const capacity of [0, -1, 1.5, 2 ** 32 + 1, Number.NaN]) {
      const error = thrown(() => createResourceTable({ capacity }));
      expect(error).toBeInstanceOf(RangeError);
      expect(error.message).toBe(
        `resource table capacity must be an integer from 1 to 2^32, not ${String(capacity)}`,
      );
    }
    expect(createResourceTable().capacity).toBe(1_000_000);
  });
});

describe("resource table: children, lends, capacity", () => {
  it("refuses to delete a parent with live children, changing nothing, and lists children oldest first", () => {
    const table = createResourceTable();
    const dir = table.push("dir", "root");
    const first = table.pushChild("file", "f1", dir);
    const second = table.pushChild("file", "f2", dir);
    const grandchild = table.pushChild("stream", "s", first);
    expect(table.children(dir)).toEqual([first, second]);
    expect(table.children(first)).toEqual([grandchild]);
    expect(table.children(second)).toEqual([]);
    expect([table.parentOf(first), table.parentOf(grandchild), table.parentOf(dir)]).toEqual([
      dir,
      first,
      undefined,
    ]);

    const error = thrown(() => table.delete(dir, "dir")) as HasChildrenError;
    expect(error).toBeInstanceOf(HasChildrenError);
    expect([error.handle, error.resourceType, error.childCount, error.message]).toEqual([
      dir,
      "dir",
      2,
      `cannot delete \`dir\` handle ${dir}: it still has 2 children; delete those first`,
    ]);
    expect([table.size, table.get(dir, "dir")]).toEqual([4, "root"]);

    table.delete(grandchild, "stream");
    table.delete(first, "file");
    expect(table.children(dir)).toEqual([second]);
    table.delete(second, "file");
    table.delete(dir, "dir");
    expect(table.size).toBe(0);
    expect(thrown(() => table.pushChild("file", "orphan", dir))).toBeInstanceOf(StaleHandleError);
    expect(table.size).toBe(0);
  });

  it("refuses to delete or take a lent entry until every lend is released", () => {
    const table = createResourceTable();
    const handle = table.push("file", "f");
    table.lend(handle);
    table.lend(handle, "file");
    expect(table.lendCount(handle)).toBe(2);
    const error = thrown(() => table.delete(handle, "file")) as ResourceLentError;
    expect(error).toBeInstanceOf(ResourceLentError);
    expect(error.message).toBe(
      "cannot remove owned resource while borrowed: `file` has 2 outstanding borrows",
    );
    expect(thrown(() => table.take(handle, "file"))).toBeInstanceOf(ResourceLentError);
    expect(thrown(() => table.lend(handle, "dir"))).toBeInstanceOf(WrongTypeError);
    table.release(handle);
    table.release(handle, "file");
    const notLent = thrown(() => table.release(handle)) as NotLentError;
    expect(notLent).toBeInstanceOf(NotLentError);
    expect(notLent.message).toBe("cannot release `file`: it is not lent");
    table.delete(handle, "file");
    expect(table.size).toBe(0);
  });

  it("refuses pushes beyond the capacity, changing nothing, and accepts them again after a delete", () => {
    const table = createResourceTable({ capacity: 2 });
    const a = table.push("t", "a");
    table.pushChild("t", "b", a);
    const full = thrown(() => table.push("t", "c")) as TableFullError;
    expect(full).toBeInstanceOf(TableFullError);
    expect([full.capacity, full.message]).toEqual([
      2,
      "resource table is full: it holds at most 2 entries",
    ]);
    expect(thrown(() => table.pushChild("t", "c", a))).toBeInstanceOf(TableFullError);
    expect([table.size, table.children(a).length]).toEqual([2, 1]);
    table.delete(table.children(a)[0] as Handle<string>, "t");
    // Capacity 2 needs 2 slot bits; slot 1 in generation 1.
    expect(table.push("t", "c")).toBe(1 * 4 + 1 + 1);
  });
});

describe("resource table: disposeAll", () => {
  it("disposes newest first (children before parents), lent entries too, and reports the leak per type", () => {
    const table = createResourceTable();
    const log: string[] = [];
    const value = (name: string) => ({ [Symbol.dispose]: () => void log.push(name) });
    const root = table.push("dir", value("root"));
    const other = table.push("dir", value("other"));
    const child = table.pushChild("file", value("child"), root);
    table.pushChild("stream", value("grandchild"), child);
    table.pushChild("file", value("other-child"), other);
    table.lend(root);
    // Reuse a slot so that slot order differs from creation order.
    const temporary = table.push("file", value("temporary"));
    table.delete(temporary, "file");
    table.pushChild("file", value("late-child"), root);
    log.length = 0;

    const report = table.disposeAll();
    expect(log).toEqual(["late-child", "other-child", "grandchild", "child", "other", "root"]);
    expect(report.total).toBe(6);
    expect(report.byType).toEqual(
      new Map([
        ["file", 3],
        ["stream", 1],
        ["dir", 2],
      ]),
    );
    expect(report.errors).toEqual([]);
    expect([table.size, table.count("dir"), table.has(root)]).toEqual([0, 0, false]);
    expect(thrown(() => table.get(root, "dir"))).toBeInstanceOf(StaleHandleError);
    expect(table.disposeAll()).toEqual({ total: 0, byType: new Map(), errors: [] });
  });

  it("keeps going when destructors throw and returns their errors", () => {
    const table = createResourceTable();
    const failure = new Error("flush failed");
    const log: string[] = [];
    table.push("a", { [Symbol.dispose]: () => void log.push("a") });
    table.push("b", {
      [Symbol.dispose]() {
        throw failure;
      },
    });
    const report = table.disposeAll();
    expect([report.total, report.errors, log]).toEqual([2, [failure], ["a"]]);
  });

  it("is what [Symbol.dispose] does", () => {
    const table = createResourceTable();
    let disposed = 0;
    table.push("a", { [Symbol.dispose]: () => void disposed++ });
    table[Symbol.dispose]();
    expect([disposed, table.size]).toEqual([1, 0]);
  });
});

describe("resource table: typed views", () => {
  interface File {
    readonly path: string;
  }
  interface Dir {
    readonly entries: number;
  }

  it("binds a table to one type, sharing entries, counts and destructors", () => {
    const table = createResourceTable();
    const closed: string[] = [];
    const files = createTypedTable<File>(table, "file", {
      dispose: (file) => void closed.push(file.path),
    });
    const dirs = createTypedTable<Dir>(table, "dir");
    const dir = dirs.push({ entries: 1 });
    const file = files.pushChild({ path: "/a" }, dir);
    expect(files.get(file)).toEqual({ path: "/a" });
    expect(table.get(file, files.type)).toEqual({ path: "/a" });
    expect([files.count, dirs.count, files.has(file), dirs.has(file), files.type.name]).toEqual([
      1,
      1,
      true,
      false,
      "file",
    ]);
    // @ts-expect-error a Handle<Dir> is not a Handle<File>
    expect(thrown(() => files.get(dir))).toBeInstanceOf(WrongTypeError);
    // @ts-expect-error a plain number is not a handle
    expect(thrown(() => files.get(12345))).toBeInstanceOf(InvalidHandleError);
    files.lend(file);
    expect(thrown(() => files.delete(file))).toBeInstanceOf(ResourceLentError);
    files.release(file);
    files.delete(file);
    expect(closed).toEqual(["/a"]);
    expect(dirs.take(dir)).toEqual({ entries: 1 });
    expect(table.size).toBe(0);
    expect(files.table).toBe(table);
  });
});
