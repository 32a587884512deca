/**
 * End to end, resources in an isolated instance: the WAT guest of fixtures/isolate/resources.wat, run through
 * its generated SDK in thread and in a worker (`isolate`), with the same expectations in both modes. A host
 * resource lent to an export, moved into it, returned to the guest by a host function and constructed by the
 * guest stays in the host's resource table and has its destructor run on the host when the guest drops it;
 * a guest resource created by the host is a proxy whose methods run in the worker, and disposing it drops
 * it there; a host resource the guest keeps is reported as a leak when the instance is disposed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResourceDisposedError } from "../../templates/runtime/errors.js";
import { componentFromWat } from "./support/components.js";
import { readFixture } from "./support/fixtures.js";
import { removeTempDirs } from "./support/temp-dirs.js";
import { loadComponent, rejection, type LoadedGuest } from "./fixtures/sdk-support/sdk.js";

const WIT = readFixture("isolate/resources.wit");
const WAT = readFixture("isolate/resources.wat");
const HOST_SIDE = "wit-ts:sandbox-res/host-side";

interface Counter extends Disposable {
  get(): Promise<number>;
  bump(): Promise<void>;
}

interface LeakReport {
  readonly total: number;
  readonly byType: ReadonlyMap<string, number> | Readonly<Record<string, number>>;
}

/** The generated `WorldInstance` of fixtures/isolate/resources.wit. */
interface Resources extends AsyncDisposable {
  readonly store: { readonly Counter: { create(start: number): Promise<Counter> } };
  measure(b: Blob): Promise<number>;
  consume(b: Blob): Promise<number>;
  make(size: number): Promise<number>;
  build(size: number): Promise<number>;
  keep(b: Blob): Promise<void>;
  readonly resources: { readonly blob: { readonly count: number } };
}

/** The host's blob: its destructor records that it ran, on the host's thread. */
class Blob {
  static disposed: number[] = [];
  constructor(readonly bytes: number) {}
  size(): number {
    return this.bytes;
  }
  [Symbol.dispose](): void {
    Blob.disposed.push(this.bytes);
  }
}

/** jco's module as an isolated instance's host sees it: never instantiated on the host's thread. */
const notOnThisThread = {
  instantiate(): never {
    throw new Error("the component was instantiated on the host's thread");
  },
};

let guest: LoadedGuest;
const instances: AsyncDisposable[] = [];

beforeAll(async () => {
  guest = await loadComponent({
    name: "isolate-resources",
    wit: WIT,
    world: "resources",
    bytes: await componentFromWat(WAT, WIT, "resources"),
  });
});

afterAll(async () => {
  for (const app of instances) await app[Symbol.asyncDispose]();
  await removeTempDirs();
});

describe.each(["in thread", "isolated"] as const)("resources, %s", (mode) => {
  async function start(extra: object = {}): Promise<Resources> {
    const instantiate = guest.sdk["instantiate"] as (options: object) => Promise<Resources>;
    const app = await instantiate({
      imports: { [HOST_SIDE]: { Blob, makeBlob: (size: number) => new Blob(size) } },
      // Isolated, the host never instantiates jco's module: the worker does.
      component: mode === "isolated" ? notOnThisThread : guest.component,
      getCoreModule: guest.getCoreModule,
      ...(mode === "isolated" ? { isolate: { componentUrl: guest.componentUrl } } : {}),
      ...extra,
    });
    instances.push(app);
    return app;
  }

  it("a guest resource returned out: its methods run in the guest, and disposing it drops it", async () => {
    const app = await start();
    const counter = await app.store.Counter.create(5);
    await counter.bump();
    await counter.bump();
    expect(await counter.get()).toBe(7);
    const other = await app.store.Counter.create(100);
    expect(await other.get()).toBe(100);
    expect(await counter.get()).toBe(7);
    counter[Symbol.dispose]();
    expect(await rejection(counter.get())).toBeInstanceOf(ResourceDisposedError);
    expect(await other.get()).toBe(100);
  });

  it("a host resource lent to the guest: its method runs on the host, and it never enters the table", async () => {
    const app = await start();
    const blob = new Blob(42);
    expect(await app.measure(blob)).toBe(42);
    expect(await app.measure(blob)).toBe(42);
    expect(app.resources.blob.count).toBe(0);
  });

  it("a host resource moved into the guest: its destructor runs on the host when the guest drops it", async () => {
    const app = await start();
    Blob.disposed = [];
    expect(await app.consume(new Blob(7))).toBe(7);
    expect(Blob.disposed).toEqual([7]);
    expect(app.resources.blob.count).toBe(0);
  });

  it("a host resource made by a host function or by the guest's constructor call lives and dies in the host's table", async () => {
    const app = await start();
    Blob.disposed = [];
    expect(await app.make(9)).toBe(9);
    expect(await app.build(11)).toBe(11);
    expect(Blob.disposed).toEqual([9, 11]);
    expect(app.resources.blob.count).toBe(0);
  });

  it("a host resource the guest keeps is reported as a leak when the instance is disposed", async () => {
    const leaks: LeakReport[] = [];
    const app = await start({ onLeak: (report: LeakReport) => leaks.push(report) });
    Blob.disposed = [];
    await app.keep(new Blob(3));
    expect(app.resources.blob.count).toBe(1);
    await app[Symbol.asyncDispose]();
    expect(leaks).toHaveLength(1);
    expect(leaks[0]!.total).toBe(1);
    expect(Blob.disposed).toEqual([3]);
  });
});
