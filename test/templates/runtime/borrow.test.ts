import { describe, expect, it } from "vitest";
import {
  createBorrowScope,
  type BorrowHandle,
  type Borrowed,
} from "../../../templates/runtime/borrow.js";
import {
  assertNotDisposed,
  assertNotLent,
  callWithLoans,
  guardDispose,
  isDisposed,
  lend,
  lendCount,
  markDisposed,
  release,
} from "../../../templates/runtime/loans.js";
import { createCallGate } from "../../../templates/runtime/call-gate.js";
import {
  BorrowExpiredError,
  BorrowsRemainError,
  NotLentError,
  ResourceDisposedError,
  ResourceLentError,
} from "../../../templates/runtime/errors.js";
import { rejection, thrown } from "../../support/outcomes.js";

/** A resource class with a private field, a getter and a method, as users write them. */
class File {
  #path: string;
  size = 3;

  constructor(path: string) {
    this.#path = path;
  }

  get path(): string {
    return this.#path;
  }

  read(): string {
    return `contents of ${this.#path}`;
  }
}

describe("borrows received by host imports: implicit views", () => {
  it("work like the resource during a synchronous handler and expire when it returns", () => {
    const scope = createBorrowScope("read-all");
    const file = new File("/a");
    const view = scope.view(file, "file");
    let method: (() => string) | undefined;
    const result = scope.run(() => {
      method = view.read;
      view.size = 4;
      return [
        view.read(),
        view.path,
        view.size,
        "size" in view,
        view instanceof File,
        Object.keys(view),
      ];
    });
    expect(result).toEqual(["contents of /a", "/a", 4, true, true, ["size"]]);
    expect(file.size).toBe(4);
    expect(scope.closed).toBe(true);

    const uses: (() => unknown)[] = [
      () => view.size,
      () => view.read(),
      () => method!(),
      () => view.path,
      () => (view.size = 5),
      () => "size" in view,
      () => Object.keys(view),
      () => view instanceof File,
    ];
    for (const use of uses) {
      const error = thrown(use) as BorrowExpiredError;
      expect(error).toBeInstanceOf(BorrowExpiredError);
      expect([error.resourceType, error.functionName, error.reason]).toEqual([
        "file",
        "read-all",
        "call-ended",
      ]);
    }
    expect(thrown(() => view.size).message).toBe(
      "borrowed `file` used after the call to `read-all` ended: a borrow is only valid during the call that lent it",
    );
    expect(file.size).toBe(4);
  });

  it("stay valid across awaits of an async handler and expire when its promise settles", async () => {
    const scope = createBorrowScope("read-later");
    const view = scope.view(new File("/b"), "file");
    const result = scope.run(async () => {
      await null;
      await new Promise((resolve) => setTimeout(resolve, 0));
      return view.read();
    });
    expect(scope.closed).toBe(false);
    expect(await result).toBe("contents of /b");
    expect(scope.closed).toBe(true);
    expect(thrown(() => view.read())).toBeInstanceOf(BorrowExpiredError);
  });

  it("expire when the handler throws or rejects, keeping the handler's error", async () => {
    const failure = new Error("handler failed");
    const sync = createBorrowScope("sync");
    const syncView = sync.view(new File("/c"), "file");
    expect(
      thrown(() =>
        sync.run(() => {
          throw failure;
        }),
      ),
    ).toBe(failure);
    expect(thrown(() => syncView.path)).toBeInstanceOf(BorrowExpiredError);

    const async = createBorrowScope("async");
    const asyncView = async.view(new File("/d"), "file");
    expect(await rejection(async.run(() => Promise.reject(failure)))).toBe(failure);
    expect(thrown(() => asyncView.path)).toBeInstanceOf(BorrowExpiredError);
  });

  it("cannot be created once the call has ended", () => {
    const scope = createBorrowScope("late");
    scope.close();
    expect(thrown(() => scope.view(new File("/e"), "file"))).toBeInstanceOf(BorrowExpiredError);
    expect(thrown(() => scope.handle(new File("/e"), "file", "self"))).toBeInstanceOf(
      BorrowExpiredError,
    );
  });
});

describe("borrows received by host imports: explicit handles", () => {
  it("pass when every handle is dropped (drop or Symbol.dispose) before the handler returns", () => {
    const scope = createBorrowScope("copy");
    const source = scope.handle(new File("/src"), "file", "source");
    const target = scope.handle(new File("/dst"), "file", "target");
    const result = scope.run(() => {
      const text = source.get().read();
      expect(source.get()).toBe(source.get());
      source.drop();
      target[Symbol.dispose]();
      return text;
    });
    expect(result).toBe("contents of /src");
    expect([source.dropped, source.active, target.dropped]).toEqual([true, false, true]);
  });

  it("fail the call with BorrowsRemainError naming the parameters, and revoke the handles anyway", () => {
    const scope = createBorrowScope("copy");
    const handles: BorrowHandle<File>[] = [
      scope.handle(new File("/src"), "file", "source"),
      scope.handle(new File("/dst"), "file", "target"),
      scope.handle(new File("/log"), "file", "log"),
    ];
    let kept: Borrowed<File> | undefined;
    const error = thrown(() =>
      scope.run(() => {
        kept = handles[0]!.get();
        handles[1]!.drop();
        return "result";
      }),
    ) as BorrowsRemainError;
    expect(error).toBeInstanceOf(BorrowsRemainError);
    expect(error.message).toBe(
      "borrow handles still remain at the end of the call to `copy`: parameters `source`, `log` not dropped",
    );
    expect(error.message).toContain("borrow handles still remain at the end of the call");
    expect(error.parameters).toEqual(["source", "log"]);
    expect(handles.map((handle) => handle.active)).toEqual([false, false, false]);
    expect(thrown(() => handles[0]!.get())).toBeInstanceOf(BorrowExpiredError);
    expect((thrown(() => kept!.path) as BorrowExpiredError).reason).toBe("call-ended");
  });

  it("name a list parameter once, however many of its handles remain", () => {
    const scope = createBorrowScope("close-all");
    scope.handle(new File("/1"), "file", "files");
    scope.handle(new File("/2"), "file", "files");
    expect((thrown(() => scope.close()) as BorrowsRemainError).parameters).toEqual(["files"]);
    expect(() => scope.close()).not.toThrow();
  });

  it("reject an async handler that settles with handles held", async () => {
    const scope = createBorrowScope("flush");
    const handle = scope.handle(new File("/f"), "file", "self");
    const error = (await rejection(scope.run(async () => handle.get().size))) as BorrowsRemainError;
    expect(error).toBeInstanceOf(BorrowsRemainError);
    expect(error.parameters).toEqual(["self"]);
  });

  it("expire a view when its handle is dropped, saying so", () => {
    const scope = createBorrowScope("peek");
    const handle = scope.handle(new File("/p"), "file", "self");
    const view = handle.get();
    handle.drop();
    handle.drop();
    const error = thrown(() => view.read()) as BorrowExpiredError;
    expect([error.reason, error.message]).toEqual([
      "dropped",
      "borrowed `file` used after its borrow handle was dropped (in the call to `peek`)",
    ]);
    expect((thrown(() => handle.get()) as BorrowExpiredError).reason).toBe("dropped");
    scope.close();
  });
});

describe("host resources lent to the guest", () => {
  it("counts lends and releases, refusing an unmatched release", () => {
    const file = new File("/l");
    lend(file, "file");
    lend(file, "file");
    expect(lendCount(file)).toBe(2);
    const error = thrown(() => assertNotLent(file, "file")) as ResourceLentError;
    expect(error).toBeInstanceOf(ResourceLentError);
    expect([error.resourceType, error.lendCount]).toEqual(["file", 2]);
    release(file, "file");
    release(file, "file");
    expect(lendCount(file)).toBe(0);
    expect(() => assertNotLent(file, "file")).not.toThrow();
    expect(thrown(() => release(file, "file"))).toBeInstanceOf(NotLentError);
  });

  it("guards dispose: refuses at once while lent (changing nothing), then disposes exactly once", () => {
    const closed: string[] = [];
    const dispose = guardDispose<File>("file", function () {
      closed.push(this.path);
    });
    const file = new File("/g");
    lend(file, "file");
    const error = thrown(() => dispose.call(file)) as ResourceLentError;
    expect(error.message).toBe(
      "cannot remove owned resource while borrowed: `file` has 1 outstanding borrow",
    );
    expect([closed, isDisposed(file)]).toEqual([[], false]);
    release(file, "file");
    dispose.call(file);
    dispose.call(file);
    expect([closed, isDisposed(file)]).toEqual([["/g"], true]);
    expect(thrown(() => assertNotDisposed(file, "file")).message).toBe(
      "`file` used after it was disposed",
    );
    expect(thrown(() => lend(file, "file"))).toBeInstanceOf(ResourceDisposedError);
  });

  it("holds loans while the call waits in the gate's queue and runs, and releases them when it settles", async () => {
    const gate = createCallGate();
    const file = new File("/q");
    let finishFirst!: () => void;
    const first = gate.call("busy", () => new Promise<void>((resolve) => (finishFirst = resolve)));
    const seen: number[] = [];
    const call = callWithLoans(gate, "write", [[file, "file"]], () => {
      seen.push(lendCount(file));
      return "written";
    });
    expect(gate.queued).toBe(1);
    expect(lendCount(file)).toBe(1);
    expect(thrown(() => assertNotLent(file, "file"))).toBeInstanceOf(ResourceLentError);
    finishFirst();
    await first;
    expect(await call).toBe("written");
    expect([seen, lendCount(file)]).toEqual([[1], 0]);

    const failure = new Error("boom");
    const failed = callWithLoans(gate, "fail", [[file, "file"]], () => Promise.reject(failure), {
      isResultError: (error) => error === failure,
    });
    expect(lendCount(file)).toBe(1);
    expect(await rejection(failed)).toBe(failure);
    expect(lendCount(file)).toBe(0);
  });

  it("refuses to lend a disposed resource without calling, releasing the loans already taken", async () => {
    const gate = createCallGate();
    const live = new File("/live");
    const gone = new File("/gone");
    markDisposed(gone);
    let invoked = false;
    const error = await rejection(
      callWithLoans(
        gate,
        "merge",
        [
          [live, "file"],
          [gone, "file"],
        ],
        () => {
          invoked = true;
        },
      ),
    );
    expect(error).toBeInstanceOf(ResourceDisposedError);
    expect([invoked, lendCount(live), lendCount(gone)]).toEqual([false, 0, 0]);
  });
});
