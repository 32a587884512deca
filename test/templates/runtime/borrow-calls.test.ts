/**
 * Borrows at the boundary (issue #5), through `values.ts` against a fake jco module, so that what a real
 * guest cannot show is pinned too: the shapes borrows take in a host import's arguments (explicit handles
 * and `--autodrop-borrows` views, in every position), how a handler's own failure and a forgotten handle
 * combine, and the loans of export calls while they wait in the gate's queue (a real guest on Node 20 never
 * leaves a call queued). The real-guest behaviour is in test/e2e/sdk-borrows.test.ts.
 */
import { describe, expect, it } from "vitest";
import { type BorrowHandle, type Borrowed } from "../../../templates/runtime/borrow.js";
import { lendCount } from "../../../templates/runtime/loans.js";
import {
  BorrowExpiredError,
  BorrowsRemainError,
  ResourceDisposedError,
  ResourceLentError,
  ResultError,
} from "../../../templates/runtime/errors.js";
import {
  list,
  option,
  record,
  result,
  tuple,
  variant,
} from "../../../templates/runtime/compound-types.js";
import { string, u32 } from "../../../templates/runtime/leaf-types.js";
import {
  createInstanceCore,
  startInstance,
  type ComponentModule,
  type InstanceCore,
} from "../../../templates/runtime/instance-core.js";
import {
  borrow,
  GuestResource,
  hostResource,
  own,
} from "../../../templates/runtime/guest-resources.js";
import { guestResource } from "../../../templates/runtime/guest-resource-classes.js";
import { callExport, callMethod, exportSpec } from "../../../templates/runtime/export-calls.js";
import {
  adaptImport,
  hostResourceClass,
  importSpec,
  type ImportCall,
} from "../../../templates/runtime/import-adapters.js";
import { rejection, thrown } from "../../support/outcomes.js";

function fakeComponent(
  exports: (imports: Record<string, Record<string, unknown>>) => object,
): ComponentModule {
  return {
    instantiate(_getCoreModule, imports) {
      return Promise.resolve(exports(imports as Record<string, Record<string, unknown>>));
    },
  };
}

/** A host resource as users write them: a class with a private field. */
class File {
  readonly #name: string;
  constructor(name: string) {
    this.#name = name;
  }
  name(): string {
    return this.#name;
  }
}

const fileType = hostResource("t:t/files#file");
const pairType = record("pair", { first: borrow(fileType), count: u32 });
const targetType = variant<{ tag: "one"; val: unknown } | { tag: "nothing" }>("target", {
  one: borrow(fileType),
  nothing: undefined,
});

/**
 * An instance whose jco side is a fake: `guest(imports)` gets the adapted imports (jco's view of them)
 * after `setup` has made the host resource's adapter class and the import functions.
 */
async function hostSide(
  setup: (core: InstanceCore) => Record<string, unknown>,
  asyncImports: readonly string[] = [],
): Promise<{
  core: InstanceCore;
  jco: Record<string, unknown>;
  Adapter: new (name: string) => object;
}> {
  const core = await createInstanceCore({ component: fakeComponent(() => ({})), asyncImports });
  const Adapter = hostResourceClass(core, fileType, File, {
    create: importSpec({
      name: "t:t/files#[constructor]file",
      member: "create",
      params: [string],
      returns: own(fileType),
    }),
  }) as new (name: string) => object;
  const jco = setup(core);
  await startInstance(core, undefined, { "t:t/files": { File: Adapter, ...jco } });
  return { core, jco, Adapter };
}

describe("explicit borrow handles (without --autodrop-borrows)", () => {
  const spec = importSpec({
    name: "t:t/files#open",
    member: "open",
    params: [
      u32,
      pairType,
      list(borrow(fileType)),
      tuple([borrow(fileType), u32]),
      option(borrow(fileType)),
      targetType,
    ],
    returns: result(u32, string),
    paramNames: ["n", "pair", "files", "tuple", "maybe", "target"],
  });

  type Args = [
    number,
    { first: BorrowHandle<File>; count: number },
    BorrowHandle<File>[],
    [BorrowHandle<File>, number],
    BorrowHandle<File> | undefined,
    { tag: "one"; val: BorrowHandle<File> } | { tag: "nothing" },
  ];

  async function setup(handler: (...args: Args) => number) {
    const { jco, Adapter } = await hostSide((core) => ({
      open: adaptImport(core, spec, { open: (...args: Args) => handler(...args) }),
    }));
    const open = jco["open"] as (...args: unknown[]) => unknown;
    const a = new Adapter("a");
    const b = new Adapter("b");
    // What the guest passes: jco's adapter objects, in every position a borrow can take.
    const call = (): unknown =>
      open(7, { first: a, count: 2 }, [a, b], [b, 3], a, { tag: "one", val: b });
    return { call };
  }

  it("hand the handler one handle per borrow, in every position, with the resource behind `get()`", async () => {
    let seen: string[] = [];
    const { call } = await setup((n, pair, files, tuple, maybe, target) => {
      const handles = [
        pair.first,
        ...files,
        tuple[0],
        maybe!,
        target.tag === "one" ? target.val : undefined!,
      ];
      seen = handles.map((handle) => `${handle.parameter}:${handle.get().name()}`);
      for (const handle of handles) handle.drop();
      return n + pair.count + tuple[1];
    });
    expect(call()).toEqual({ tag: "ok", val: 12 });
    expect(seen).toEqual(["pair:a", "files:a", "files:b", "tuple:b", "maybe:a", "target:b"]);
  });

  it("fail the call naming the parameters whose handles remain, and revoke them all", async () => {
    let kept: BorrowHandle<File>[] = [];
    const { call } = await setup((_n, pair, files, tuple, maybe, target) => {
      kept = [
        pair.first,
        ...files,
        tuple[0],
        maybe!,
        target.tag === "one" ? target.val : undefined!,
      ];
      pair.first.drop();
      files[0]!.drop();
      maybe![Symbol.dispose]();
      if (target.tag === "one") target.val.drop();
      return 1;
    });
    const error = thrown(call) as BorrowsRemainError;
    expect(error).toBeInstanceOf(BorrowsRemainError);
    expect(error.message).toBe(
      "borrow handles still remain at the end of the call to `t:t/files#open`: parameters `files`, `tuple` not dropped",
    );
    expect(kept.map((handle) => handle.active)).toEqual([false, false, false, false, false, false]);
    const expired = thrown(() => kept[2]!.get()) as BorrowExpiredError;
    expect([expired.resourceType, expired.functionName, expired.reason]).toEqual([
      "t:t/files#file",
      "t:t/files#open",
      "call-ended",
    ]);
  });

  it("treat a thrown ResultError as a return: handles left then fail the call too", async () => {
    const { call } = await setup(() => {
      throw new ResultError("no");
    });
    expect((thrown(call) as BorrowsRemainError).parameters).toEqual([
      "pair",
      "files",
      "tuple",
      "maybe",
      "target",
    ]);
  });

  it("let any other failure of the handler through as it is, revoking the handles", async () => {
    const failure = new Error("handler failed");
    let kept: BorrowHandle<File> | undefined;
    const { call } = await setup((_n, pair) => {
      kept = pair.first;
      throw failure;
    });
    expect(thrown(call)).toBe(failure);
    expect(kept!.active).toBe(false);
  });
});

describe("scoped views (--autodrop-borrows)", () => {
  it("give the adapter views that work during the call and expire when its `using` scope ends", async () => {
    const events: string[] = [];
    let stash: { view: Borrowed<File>; pair: { first: Borrowed<File>; count: number } } | undefined;
    const host = {
      open(
        n: number,
        view: Borrowed<File>,
        pair: { first: Borrowed<File>; count: number },
      ): string {
        stash = { view, pair };
        events.push(`${n} ${view.name()} ${pair.first.name()} ${view instanceof File}`);
        // A borrower cannot dispose what it does not own.
        events.push(`${String(view[Symbol.dispose])} ${Symbol.dispose in view}`);
        return "ok";
      },
    };
    // What the generator prints for this import, with the `using` declarations spelled out.
    function openAdapter(target: typeof host, call: ImportCall): string {
      const view = call.borrow<Borrowed<File>>(1);
      const pair = call.borrow<{ first: Borrowed<File>; count: number }>(2);
      try {
        return target.open(call.argument<number>(0), view.value, pair.value);
      } finally {
        pair[Symbol.dispose]();
        view[Symbol.dispose]();
      }
    }
    const spec = importSpec({
      name: "t:t/files#open",
      member: "open",
      params: [u32, borrow(fileType), pairType],
      returns: string,
      invoke: openAdapter,
    });
    const { jco, Adapter } = await hostSide((core) => ({ open: adaptImport(core, spec, host) }));
    const a = new Adapter("a");
    expect((jco["open"] as (...args: unknown[]) => unknown)(1, a, { first: a, count: 0 })).toBe(
      "ok",
    );
    expect(events).toEqual(["1 a a true", "undefined false"]);
    for (const use of [() => stash!.view.name(), () => stash!.pair.first.name()]) {
      const error = thrown(use) as BorrowExpiredError;
      expect(error).toBeInstanceOf(BorrowExpiredError);
      expect(error.message).toBe(
        "borrowed `t:t/files#file` used after the call to `t:t/files#open` ended: a borrow is only valid during the call that lent it",
      );
    }
  });

  it("revoke the views an adapter did not dispose, when the call ends", async () => {
    let kept: Borrowed<File> | undefined;
    const spec = importSpec({
      name: "t:t/files#peek",
      member: "peek",
      params: [borrow(fileType)],
      invoke: (_host: object, call: ImportCall) => {
        kept = call.borrow<Borrowed<File>>(0).value;
      },
    });
    const { jco, Adapter } = await hostSide((core) => ({
      peek: adaptImport(core, spec, { peek() {} }),
    }));
    (jco["peek"] as (file: object) => void)(new Adapter("a"));
    expect(thrown(() => kept!.name())).toBeInstanceOf(BorrowExpiredError);
  });

  it("construct through the adapter of a constructor that receives borrows", async () => {
    const dirType = hostResource("t:t/files#dir");
    class Dir {
      constructor(
        readonly base: Borrowed<File>,
        readonly name: string,
      ) {}
    }
    const core = await createInstanceCore({ component: fakeComponent(() => ({})) });
    const FileAdapter = hostResourceClass(core, fileType, File);
    const DirAdapter = hostResourceClass(core, dirType, Dir, {
      create: importSpec({
        name: "t:t/files#[constructor]dir",
        member: "create",
        params: [borrow(fileType), string],
        returns: own(dirType),
        invoke: (target: typeof Dir, call: ImportCall) => {
          const base = call.borrow<Borrowed<File>>(0);
          try {
            return new target(base.value, call.argument<string>(1));
          } finally {
            base[Symbol.dispose]();
          }
        },
      }),
    }) as new (file: object, name: string) => object;
    await startInstance(core, undefined, { "t:t/files": { File: FileAdapter, Dir: DirAdapter } });
    const host = new File("f");
    const adapter = own(fileType).lower(host, "f", { core, moves: [] }) as object;
    const dir = own(dirType).lift(new DirAdapter(adapter, "d"), core) as Dir;
    expect(dir).toBeInstanceOf(Dir);
    expect(dir.name).toBe("d");
    expect(thrown(() => dir.base.name())).toBeInstanceOf(BorrowExpiredError);
  });
});

describe("borrows of an import that jco awaits (JSPI `asyncImports`)", () => {
  const spec = (mode: "handles" | "views") =>
    importSpec({
      name: "t:t/files#read",
      member: "read",
      params: [borrow(fileType)],
      returns: string,
      ...(mode === "handles"
        ? { paramNames: ["f"] }
        : {
            // What the generator prints: a synchronous adapter with `using`, returning the handler's promise.
            invoke: (host: { read(f: Borrowed<File>): unknown }, call: ImportCall) => {
              const f = call.borrow<Borrowed<File>>(0);
              try {
                return host.read(f.value);
              } finally {
                f[Symbol.dispose]();
              }
            },
          }),
    });

  it("keep views until the handler's promise settles, then revoke them", async () => {
    let kept: Borrowed<File> | undefined;
    const host = {
      async read(f: Borrowed<File>): Promise<string> {
        kept = f;
        await new Promise((resolve) => setTimeout(resolve, 1));
        return f.name();
      },
    };
    const { jco, Adapter } = await hostSide(
      (core) => ({ read: adaptImport(core, spec("views"), host) }),
      ["t:t/files#read"],
    );
    const pending = (jco["read"] as (file: object) => Promise<unknown>)(new Adapter("a"));
    expect(kept!.name()).toBe("a");
    expect(await pending).toBe("a");
    expect(thrown(() => kept!.name())).toBeInstanceOf(BorrowExpiredError);
  });

  it("check explicit handles when the handler's promise settles", async () => {
    let keep = false;
    const host = {
      async read(f: BorrowHandle<File>): Promise<string> {
        await null;
        const name = f.get().name();
        if (!keep) f.drop();
        return name;
      },
    };
    const { jco, Adapter } = await hostSide(
      (core) => ({ read: adaptImport(core, spec("handles"), host) }),
      ["t:t/files#read"],
    );
    const read = jco["read"] as (file: object) => Promise<unknown>;
    expect(await read(new Adapter("a"))).toBe("a");
    keep = true;
    const error = (await rejection(read(new Adapter("b")))) as BorrowsRemainError;
    expect(error).toBeInstanceOf(BorrowsRemainError);
    expect(error.parameters).toEqual(["f"]);
  });
});

describe("borrows lent on by the host", () => {
  it("pass a live view on as the resource behind it, refuse it as `own`, and refuse it once expired", async () => {
    const results: unknown[] = [];
    let view: Borrowed<File> | undefined;
    let core!: InstanceCore;
    const spec = importSpec({
      name: "t:t/files#peek",
      member: "peek",
      params: [borrow(fileType)],
      invoke: (_host: object, call: ImportCall) => {
        const scoped = call.borrow<Borrowed<File>>(0);
        view = scoped.value;
        results.push(borrow(fileType).lower(view, "f", { core, moves: [] }));
        results.push(
          (thrown(() => own(fileType).lower(view, "f", { core, moves: [] })) as Error).message,
        );
        scoped[Symbol.dispose]();
      },
    });
    const setup = await hostSide((c) => {
      core = c;
      return { peek: adaptImport(c, spec, { peek() {} }) };
    });
    const a = new setup.Adapter("a");
    (setup.jco["peek"] as (file: object) => void)(a);
    expect(results).toEqual([
      a,
      "`f` is a borrowed `t:t/files#file`: only an owned one can be passed as `own`",
    ]);
    expect(thrown(() => borrow(fileType).lower(view, "f", { core, moves: [] }))).toBeInstanceOf(
      BorrowExpiredError,
    );
  });
});

class ThingResource extends GuestResource {}
const thingType = guestResource("t:t/api#thing", ThingResource);

/** A guest whose `slow` call settles when the test says, so that later calls wait in the gate's queue. */
async function guestSide() {
  const drops: string[] = [];
  const seen: string[] = [];
  let finishSlow: () => void = () => {};
  const core = await createInstanceCore({
    component: fakeComponent(() => ({
      api: {
        slow: () => new Promise<void>((resolve) => (finishSlow = resolve)),
        peek: (raw: { readonly id: string }) => {
          seen.push(`peek ${raw.id}`);
          return raw.id.length;
        },
        consume: (raw: { readonly id: string }) => raw.id.length,
      },
    })),
  });
  await startInstance(core);
  const make = (id: string): ThingResource =>
    own(thingType).lift(
      {
        id,
        size: () => id.length,
        [Symbol.dispose]: () => drops.push(`drop ${id}`),
      },
      core,
    ) as ThingResource;
  const slow = exportSpec<void>({ name: "slow", path: ["api", "slow"] });
  const peek = exportSpec<number>({
    name: "peek",
    path: ["api", "peek"],
    params: { t: borrow(thingType) },
  });
  const consume = exportSpec<number>({
    name: "consume",
    path: ["api", "consume"],
    params: { t: own(thingType) },
  });
  return {
    core,
    drops,
    seen,
    make,
    slow: () => callExport(core, slow, []),
    finishSlow: () => finishSlow(),
    peek: (thing: ThingResource) => callExport(core, peek, [thing]),
    consume: (thing: ThingResource) => callExport(core, consume, [thing]),
  };
}

describe("guest resources lent to export calls", () => {
  it("are lent only while the call runs: a synchronous call returns them before it resolves", async () => {
    const guest = await guestSide();
    const thing = guest.make("abc");
    const call = guest.peek(thing);
    expect(lendCount(thing)).toBe(0);
    thing[Symbol.dispose]();
    expect(await call).toBe(3);
    await null;
    expect(guest.drops).toEqual(["drop abc"]);
  });

  it("refuse to be disposed or moved while a queued call borrows them, from a later job", async () => {
    const guest = await guestSide();
    const thing = guest.make("abcd");
    const slow = guest.slow();
    const call = guest.peek(thing);
    expect(lendCount(thing)).toBe(1);
    await null;
    await null;
    const error = thrown(() => thing[Symbol.dispose]()) as ResourceLentError;
    expect(error).toBeInstanceOf(ResourceLentError);
    expect(error.message).toBe(
      "cannot remove owned resource while borrowed: `t:t/api#thing` has 1 outstanding borrow",
    );
    expect(await rejection(guest.consume(thing))).toBeInstanceOf(ResourceLentError);
    guest.finishSlow();
    await slow;
    expect(await call).toBe(4);
    expect([lendCount(thing), guest.drops]).toEqual([0, []]);
    thing[Symbol.dispose]();
    await null;
    expect(guest.drops).toEqual(["drop abcd"]);
  });

  it("wait for a queued call when disposed in the job that made it: `using t = ...; return sdk.f(t);`", async () => {
    const guest = await guestSide();
    const slow = guest.slow();
    const peekScoped = (): Promise<number> => {
      const thing = guest.make("xy");
      try {
        return guest.peek(thing);
      } finally {
        thing[Symbol.dispose]();
      }
    };
    const call = peekScoped();
    expect(guest.drops).toEqual([]);
    guest.finishSlow();
    await slow;
    expect(await call).toBe(2);
    await null;
    await null;
    expect(guest.seen).toEqual(["peek xy"]);
    expect(guest.drops).toEqual(["drop xy"]);
  });

  it("count a method's own resource (`self`) as lent, and refuse calls once it is disposed", async () => {
    const guest = await guestSide();
    const thing = guest.make("mno");
    const slow = guest.slow();
    const size = exportSpec<number>({ name: "[method]thing.size", path: ["size"], kind: "method" });
    const call = callMethod(thing, size, []);
    expect(lendCount(thing)).toBe(1);
    await null;
    expect(thrown(() => thing[Symbol.dispose]())).toBeInstanceOf(ResourceLentError);
    guest.finishSlow();
    await slow;
    expect(await call).toBe(3);
    expect(lendCount(thing)).toBe(0);
    thing[Symbol.dispose]();
    expect(await rejection(guest.peek(thing))).toBeInstanceOf(ResourceDisposedError);
    expect(await rejection(callMethod(thing, size, []))).toBeInstanceOf(ResourceDisposedError);
  });
});
