/**
 * The ways a borrow could outlive its call or hand out what it stands for (`borrow.ts`, with `values.ts` for
 * borrows lent on to another instance): a view's methods and getters that return `this` return the view, not
 * the real object; views keep the Proxy invariants on frozen objects and read-only members; a host resource
 * that is a function cannot be called through an expired view; a borrow lent on to another instance's call
 * that has to wait ends with the import that received it.
 */
import { describe, expect, it } from "vitest";
import { createBorrowScope, isBorrow } from "../../../templates/runtime/borrow.js";
import { BorrowExpiredError } from "../../../templates/runtime/errors.js";
import {
  createHostResources,
  type HostResourcesBase,
  type ResourceTableView,
} from "../../../templates/runtime/host-resources.js";
import { string, u32 } from "../../../templates/runtime/leaf-types.js";
import {
  createInstanceCore,
  startInstance,
  type ComponentModule,
} from "../../../templates/runtime/instance-core.js";
import { borrow, hostResource, own } from "../../../templates/runtime/guest-resources.js";
import { callExport, exportSpec } from "../../../templates/runtime/export-calls.js";
import {
  adaptImport,
  hostResourceClass,
  importSpec,
  type ImportCall,
} from "../../../templates/runtime/import-adapters.js";
import { deferred, rejection, thrown } from "../../support/outcomes.js";

class Req {
  #secret = "s";
  constructor(readonly url: string) {}
  self(): this {
    return this;
  }
  get me(): this {
    return this;
  }
  secret(): string {
    return this.#secret;
  }
}

describe("borrow views: the real object does not escape through `this`", () => {
  it("a method or getter returning `this` returns the view, which expires with the call", () => {
    const scope = createBorrowScope("t:t/http#inspect");
    const view = scope.view(new Req("a"), "request");
    const byMethod = view.self();
    const byGetter = view.me;
    expect(isBorrow(byMethod)).toBe(true);
    expect(isBorrow(byGetter)).toBe(true);
    // Private fields still work: methods run on the real object.
    expect(byMethod.secret()).toBe("s");
    scope.close();
    expect(thrown(() => byMethod.url)).toBeInstanceOf(BorrowExpiredError);
    expect(thrown(() => byGetter.url)).toBeInstanceOf(BorrowExpiredError);
  });

  it("the same through an explicit handle's view", () => {
    const scope = createBorrowScope("t:t/http#inspect");
    const handle = scope.handle(new Req("a"), "request", "req");
    const escaped = handle.get().self();
    expect(isBorrow(escaped)).toBe(true);
    handle.drop();
    scope.close();
    expect(thrown(() => escaped.url)).toBeInstanceOf(BorrowExpiredError);
  });
});

describe("borrow views: Proxy invariants hold for any object", () => {
  it("a frozen object with an own function-valued member", () => {
    class Frozen {
      readonly url = "a";
      readonly getUrl = (): string => this.url;
      constructor() {
        Object.freeze(this);
      }
    }
    const scope = createBorrowScope("t:t/http#inspect");
    const view = scope.view(new Frozen(), "request");
    expect(view.getUrl()).toBe("a");
    expect(Object.keys(view)).toEqual(["url", "getUrl"]);
    expect(Object.getOwnPropertyDescriptor(view, "url")?.value).toBe("a");
    expect(view).toBeInstanceOf(Frozen);
  });

  it("a frozen object with an own `[Symbol.dispose]`: the view still has none", () => {
    class FrozenDisposable {
      [Symbol.dispose] = (): void => {};
      constructor() {
        Object.freeze(this);
      }
    }
    const view = createBorrowScope("f").view(new FrozenDisposable(), "r");
    expect(Symbol.dispose in view).toBe(false);
    expect(view[Symbol.dispose]).toBeUndefined();
  });

  it("a read-only, non-configurable method defined in the constructor", () => {
    class Closable {
      constructor() {
        Object.defineProperty(this, "close", { value: () => "closed" });
      }
    }
    const view = createBorrowScope("f").view(new Closable(), "r") as unknown as { close(): string };
    expect(view.close()).toBe("closed");
  });

  it("a host resource that is a function cannot be called through an expired view", () => {
    const scope = createBorrowScope("f");
    const view = scope.view(
      Object.assign((x: number) => x + 1, { tag: "fn" }),
      "r",
    ) as unknown as (x: number) => number;
    expect(view(1)).toBe(2);
    scope.close();
    expect(thrown(() => view(1))).toBeInstanceOf(BorrowExpiredError);
  });
});

describe("borrows lent on to another instance", () => {
  class Thing {
    constructor(
      readonly id: string,
      readonly log: string[],
    ) {}
    name(): string {
      this.log.push(`name of ${this.id}`);
      return this.id;
    }
    [Symbol.dispose](): void {
      this.log.push(`dispose ${this.id}`);
    }
  }
  const thingType = hostResource("t:t/api#thing");
  type Resources = HostResourcesBase & { readonly thing: ResourceTableView<Thing> };

  it("a call that waits in the queue past the import's end is refused when it starts, and the lender's drop works", async () => {
    const log: string[] = [];
    const slowDone = deferred();
    const componentB: ComponentModule = {
      instantiate: () =>
        Promise.resolve({
          api: {
            slow: () => slowDone.promise,
            use: (adapter: { name(): string }) => adapter.name().length,
          },
        }),
    };
    const coreB = await createInstanceCore({ component: componentB });
    createHostResources<Resources>(coreB, { thing: thingType });
    hostResourceClass(coreB, thingType, undefined, {
      methods: {
        name: importSpec({ name: "t:t/api#[method]thing.name", member: "name", returns: string }),
      },
    });
    await startInstance(coreB);
    const useSpec = exportSpec<number>({
      name: "use",
      path: ["api", "use"],
      params: { t: borrow(thingType) },
      returns: u32,
    });
    const slow = callExport(coreB, exportSpec<void>({ name: "slow", path: ["api", "slow"] }), []);

    const coreA = await createInstanceCore({
      component: { instantiate: () => Promise.resolve({}) },
    });
    const resourcesA = createHostResources<Resources>(coreA, { thing: thingType });
    class T extends Thing {
      constructor(id: string) {
        super(id, log);
      }
    }
    const AdapterA = hostResourceClass(coreA, thingType, T, {
      create: importSpec({
        name: "t:t/api#[constructor]thing",
        member: "create",
        params: [string],
        returns: own(thingType),
      }),
    }) as unknown as new (id: string) => { [Symbol.dispose](): void };
    await startInstance(coreA);
    let later: Promise<number> | undefined;
    const inspect = adaptImport(
      coreA,
      importSpec({
        name: "t:t/host#inspect",
        member: "inspect",
        params: [borrow(thingType)],
        invoke: ((host: { inspect(t: Thing): void }, call: ImportCall) => {
          using t = call.borrow<Thing>(0);
          return host.inspect(t.value);
        }) as never,
      }),
      { inspect: (t: Thing) => void (later = callExport(coreB, useSpec, [t])) },
    );
    const owned = new AdapterA("x");
    inspect(owned);
    owned[Symbol.dispose]();
    expect(log).toEqual(["dispose x"]);
    expect(resourcesA.thing.count).toBe(0);
    slowDone.resolve();
    await slow;
    expect(await rejection(later!)).toBeInstanceOf(BorrowExpiredError);
    expect(log).toEqual(["dispose x"]);
    expect(coreB.gate.poisoned).toBe(false);
  });
});
