/**
 * End to end, borrows (issue #5): a componentize-js guest for wit-samples/borrows, driven through the SDK
 * generated both ways. The guest lends host `file`s back to the host through imports that take borrows in
 * every position (a parameter, a list, a record, a tuple, an option, a variant, a method's and a static's
 * parameters); with `--autodrop-borrows` the handlers get views that expire when they return, without it
 * handles that they must drop. The other way, the host owns guest `counter`s and lends them to `observe`,
 * which calls back into the host while it holds the borrow; the guest counts its live counters, so drops
 * are observable.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BorrowExpiredError,
  BorrowsRemainError,
  ResourceDisposedError,
  ResourceLentError,
  TrapError,
} from "../../templates/runtime/errors.js";
import { readFixture } from "./support/fixtures.js";
import { removeTempDirs } from "./support/temp-dirs.js";
import { loadGuest, rejection, type LoadedGuest } from "./fixtures/sdk-support/sdk.js";

import { thrown } from "../support/outcomes.js";

const WIT = readFileSync(new URL("../../wit-samples/borrows/borrows.wit", import.meta.url), "utf8");

interface Counter extends Disposable {
  value(): Promise<number>;
}

interface Instance extends AsyncDisposable {
  readonly store: {
    live(): Promise<number>;
    observe(c: Counter): Promise<number>;
    lendFiles(which: string): Promise<string>;
    readonly Counter: { create(start: number): Promise<Counter> };
  };
  readonly poisoned: boolean;
}

/** The host's file: what the guest creates and lends back. */
class File {
  readonly #name: string;
  constructor(name: string) {
    this.#name = name;
  }
  name(): string {
    return this.#name;
  }
}

/** A borrow as either SDK hands it over: a view (autodrop) or an explicit handle. */
interface Handle {
  get(): File;
  drop(): void;
  readonly parameter: string;
}

type Handler = (...args: never[]) => unknown;

/** The handlers of `example:borrows/files`, given per test; `File` gets `sameAs` and `compare` from them. */
interface Handlers {
  open?: Handler;
  openAll?: Handler;
  openPair?: Handler;
  openTuple?: Handler;
  openMaybe?: Handler;
  openTarget?: Handler;
  notify?: (value: number) => void;
  sameAs?: (self: File, other: never) => boolean;
  compare?: (a: never, b: never) => number;
}

let explicitGuest: LoadedGuest;
let autodropGuest: LoadedGuest;
const instances: Instance[] = [];

async function start(guest: LoadedGuest, handlers: Handlers): Promise<Instance> {
  const missing = (): never => {
    throw new Error("not expected in this test");
  };
  class HostFile extends File {
    sameAs(other: never): boolean {
      return (handlers.sameAs ?? missing)(this, other);
    }
    static compare(a: never, b: never): number {
      return (handlers.compare ?? missing)(a, b);
    }
  }
  const app = await (guest.sdk["instantiate"] as (options: object) => Promise<Instance>)({
    component: guest.component,
    getCoreModule: guest.getCoreModule,
    imports: {
      "example:borrows/files": {
        File: HostFile,
        open: handlers.open ?? missing,
        openAll: handlers.openAll ?? missing,
        openPair: handlers.openPair ?? missing,
        openTuple: handlers.openTuple ?? missing,
        openMaybe: handlers.openMaybe ?? missing,
        openTarget: handlers.openTarget ?? missing,
        notify: handlers.notify ?? missing,
      },
    },
  });
  instances.push(app);
  return app;
}

beforeAll(async () => {
  const setup = {
    name: "sdk-borrows",
    wit: WIT,
    world: "borrows",
    js: readFixture("sdk-borrows/guest.js"),
  };
  explicitGuest = await loadGuest(setup);
  autodropGuest = await loadGuest({ ...setup, autodropBorrows: true });
});

afterAll(async () => {
  for (const app of instances) await app[Symbol.asyncDispose]();
  await removeTempDirs();
});

describe("host imports with --autodrop-borrows", () => {
  it("get views that work during the call; a stashed one throws BorrowExpiredError after it", async () => {
    let stashed: File | undefined;
    const app = await start(autodropGuest, {
      open(view: File): string {
        stashed = view;
        return `${view.name()} ${view instanceof File}`;
      },
    });
    expect(await app.store.lendFiles("open")).toBe("a true");
    const error = thrown(() => stashed!.name()) as BorrowExpiredError;
    expect(error).toBeInstanceOf(BorrowExpiredError);
    expect([error.resourceType, error.functionName]).toEqual([
      "example:borrows/files#file",
      "example:borrows/files#open",
    ]);
    expect(error.message).toBe(
      "borrowed `example:borrows/files#file` used after the call to `example:borrows/files#open` ended: a borrow is only valid during " +
        "the call that lent it",
    );
    expect(app.poisoned).toBe(false);
  });

  it("scope borrows in lists, records, tuples, options, variants, and method and static parameters", async () => {
    const stash: File[] = [];
    const keep = (...views: File[]): string => {
      stash.push(...views);
      return views.map((view) => view.name()).join("");
    };
    const app = await start(autodropGuest, {
      openAll: (views: File[]) => keep(...views).length,
      openPair: (pair: { first: File; second: File }) => keep(pair.first, pair.second).length,
      openTuple: ([view, n]: [File, number]) => keep(view).length + n,
      openMaybe: (view: File | undefined) => view !== undefined && keep(view) === "a",
      openTarget: (target: { tag: "one"; val: File } | { tag: "nothing" }) =>
        target.tag === "one" ? keep(target.val).length : 0,
      sameAs: (self: File, other: File) => keep(other) === self.name(),
      compare: (a: File, b: File) => keep(a, b).localeCompare("ab"),
    });
    const results: string[] = [];
    for (const which of [
      "open-all",
      "open-pair",
      "open-tuple",
      "open-maybe",
      "open-target",
      "methods",
    ]) {
      results.push(await app.store.lendFiles(which));
    }
    expect(results).toEqual(["3", "2", "8", "true false", "1 0", "true false 0"]);
    expect(stash).toHaveLength(12);
    for (const view of stash) expect(thrown(() => view.name())).toBeInstanceOf(BorrowExpiredError);
  });
});

describe("host imports with explicit borrow handles", () => {
  it("pass when the handler drops every handle, with drop() or its own `using`", async () => {
    const app = await start(explicitGuest, {
      open(handle: Handle): string {
        using borrowed = handle as Handle & Disposable;
        return borrowed.get().name();
      },
      openAll(handles: Handle[]): number {
        const names = handles.map((handle) => handle.get().name()).join("");
        for (const handle of handles) handle.drop();
        return names.length;
      },
    });
    expect(await app.store.lendFiles("open")).toBe("a");
    expect(await app.store.lendFiles("open-all")).toBe("3");
    expect(app.poisoned).toBe(false);
  });

  it("fail the call when a handle remains, naming the parameter, and revoke it anyway", async () => {
    let kept: Handle[] = [];
    const app = await start(explicitGuest, {
      openPair(pair: { first: Handle; second: Handle }): number {
        kept = [pair.first, pair.second];
        pair.first.drop();
        return 2;
      },
    });
    const error = (await rejection(app.store.lendFiles("open-pair"))) as TrapError;
    expect(error).toBeInstanceOf(TrapError);
    expect(error.message).toContain("borrow handles still remain at the end of the call");
    expect(error.message).toBe(
      "guest trapped during `example:borrows/store#lend-files`: BorrowsRemainError: borrow handles still remain " +
        "at the end of the call to `example:borrows/files#open-pair`: parameter `p` not dropped",
    );
    expect(error.cause).toBeInstanceOf(BorrowsRemainError);
    expect((error.cause as BorrowsRemainError).parameters).toEqual(["p"]);
    expect(kept[1]!.parameter).toBe("p");
    expect(thrown(() => kept[1]!.get())).toBeInstanceOf(BorrowExpiredError);
    // As in the component model, a call that ends with borrows held traps: the instance is poisoned.
    expect(app.poisoned).toBe(true);
  });
});

describe("guest resources the host owns and lends", () => {
  it("cannot be disposed while a call borrows them: ResourceLentError at once, and nothing changes", async () => {
    const errors: unknown[] = [];
    const app = await start(autodropGuest, {
      notify(value: number): void {
        errors.push(value);
        // The guest is running `observe`, borrowing the counter.
        errors.push(thrown(() => counter[Symbol.dispose]()));
      },
    });
    const counter: Counter = await app.store.Counter.create(5);
    expect(await app.store.observe(counter)).toBe(5);
    expect(errors[0]).toBe(5);
    const error = errors[1] as ResourceLentError;
    expect(error).toBeInstanceOf(ResourceLentError);
    expect(error.message).toBe(
      "cannot remove owned resource while borrowed: `example:borrows/store#counter` has 1 outstanding borrow",
    );
    expect(await counter.value()).toBe(5);
    expect(await app.store.live()).toBe(1);
    counter[Symbol.dispose]();
    expect(await app.store.live()).toBe(0);
  });

  it("can be disposed by `using` right after an un-awaited call that borrows them", async () => {
    const notified: number[] = [];
    const app = await start(explicitGuest, { notify: (value) => void notified.push(value) });
    async function observeOnce(start: number): Promise<number> {
      using counter = await app.store.Counter.create(start);
      return app.store.observe(counter);
    }
    expect(await observeOnce(9)).toBe(9);
    expect(await Promise.all([observeOnce(1), observeOnce(2)])).toEqual([1, 2]);
    expect(notified).toEqual([9, 1, 2]);
    expect(await app.store.live()).toBe(0);
  });

  it("are dropped in the guest by `using` on an own result; a second dispose does nothing, a use throws", async () => {
    const app = await start(explicitGuest, {});
    let escaped: Counter | undefined;
    {
      using counter = await app.store.Counter.create(3);
      escaped = counter;
      expect(await app.store.live()).toBe(1);
    }
    expect(await app.store.live()).toBe(0);
    escaped[Symbol.dispose]();
    expect(await app.store.live()).toBe(0);
    expect(await rejection(escaped.value())).toBeInstanceOf(ResourceDisposedError);
    expect(await rejection(app.store.observe(escaped))).toBeInstanceOf(ResourceDisposedError);
    expect(app.poisoned).toBe(false);
  });
});
