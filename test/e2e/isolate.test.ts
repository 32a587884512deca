/**
 * End to end, isolated instances: `instantiate({ isolate })` runs a real component (the WAT guest of
 * fixtures/isolate, wrapped with jco's parse/componentEmbed/componentNew and transpiled by jco) in a worker,
 * through the SDK wit-ts generates for it. Covered: a loop that never ends is ended at its deadline with
 * `CallTimeoutError` while the host's timers keep firing, calls queued behind it are refused with
 * `InstancePoisonedError`, `restart: true` brings a fresh worker; memory growth stops at the cap (`memory.grow`
 * returns -1, a guest that then traps has `MemoryLimitError` as its cause, the host process's memory stays
 * bounded), a minimum over the cap fails instantiation; a synchronous import runs on the host's thread with
 * its state; 1,000 concurrent calls settle in order; and the call protocol (reentrance refused, traps
 * poison, disposal) holds as in thread.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  InstanceDisposedError,
  InstancePoisonedError,
  ReentranceError,
  TrapError,
} from "../../templates/runtime/errors.js";
import { CallTimeoutError, MemoryLimitError } from "../../templates/runtime/isolate-errors.js";
import { componentFromWat } from "./support/components.js";
import { readFixture } from "./support/fixtures.js";
import { removeTempDirs } from "./support/temp-dirs.js";
import { loadComponent, rejection, type LoadedGuest } from "./fixtures/sdk-support/sdk.js";

const WIT = readFixture("isolate/sandbox.wit");
const WAT = readFixture("isolate/sandbox.wat");
const MIB = 1024 * 1024;

/** The generated `WorldInstance` of fixtures/isolate. */
interface Sandbox extends AsyncDisposable {
  add(a: number, b: number): Promise<number>;
  echo(s: string): Promise<string>;
  callTick(x: number): Promise<number>;
  grow(pages: number): Promise<number>;
  bomb(): Promise<void>;
  spin(): Promise<void>;
  trap(): Promise<void>;
  readonly poisoned: boolean;
}

let guest: LoadedGuest;
const instances: AsyncDisposable[] = [];

async function start(
  options: { readonly callTimeoutMs?: number; readonly memoryLimitBytes?: number } = {},
  extra: { readonly restart?: boolean; readonly tick?: (x: number) => number } = {},
): Promise<Sandbox> {
  const instantiate = guest.sdk["instantiate"] as (options: object) => Promise<Sandbox>;
  const app = await instantiate({
    imports: { tick: extra.tick ?? ((x: number) => x + 1) },
    // The host never instantiates jco's module: the worker does.
    component: {
      instantiate(): never {
        throw new Error("the component was instantiated on the host's thread");
      },
    },
    isolate: { componentUrl: guest.componentUrl, ...options },
    ...(extra.restart === undefined ? {} : { restart: extra.restart }),
  });
  instances.push(app);
  return app;
}

beforeAll(async () => {
  guest = await loadComponent({
    name: "isolate-sandbox",
    wit: WIT,
    world: "sandbox",
    bytes: await componentFromWat(WAT, WIT, "sandbox"),
  });
});

afterAll(async () => {
  for (const app of instances) await app[Symbol.asyncDispose]();
  await removeTempDirs();
});

describe("an isolated instance behaves as an in-thread one", () => {
  it("returns the guest's values: numbers and strings", async () => {
    const app = await start();
    expect(await app.add(2, 3)).toBe(5);
    expect(await app.echo("héllo, wörld")).toBe("héllo, wörld");
  });

  it("a synchronous import runs on the host's thread, with the host's state, and returns its value", async () => {
    const seen: number[] = [];
    const app = await start({}, { tick: (x) => (seen.push(x), x * 10) });
    expect(await app.callTick(4)).toBe(40);
    expect(await app.callTick(7)).toBe(70);
    expect(seen).toEqual([4, 7]);
  });

  it("1,000 concurrent calls all complete, in call order, with the values of a sequential run", async () => {
    const app = await start();
    const settled: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        (i % 2 === 0 ? app.add(i, 1) : app.echo(`s${i}`)).then((value) => {
          settled.push(i);
          return value;
        }),
      ),
    );
    expect(results).toEqual(
      Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? i + 1 : `s${i}`)),
    );
    expect(settled).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it("a call from inside an import into the same instance is refused with ReentranceError", async () => {
    let nested: Promise<unknown> | undefined;
    const app: Sandbox = await start(
      {},
      {
        tick: (x) => {
          nested = rejection(app.add(1, 1));
          return x;
        },
      },
    );
    expect(await app.callTick(3)).toBe(3);
    const error = await nested!;
    expect(error).toBeInstanceOf(ReentranceError);
    expect(error).toMatchObject({
      outerFunction: "call-tick",
      innerFunction: "add",
      importName: "tick",
    });
    expect(await app.add(1, 1)).toBe(2);
  });

  it("a trap poisons the instance: TrapError, then InstancePoisonedError naming it", async () => {
    const app = await start();
    const trap = await rejection(app.trap());
    expect(trap).toBeInstanceOf(TrapError);
    expect((trap as TrapError).cause).toMatchObject({ name: "RuntimeError" });
    expect(app.poisoned).toBe(true);
    const refused = await rejection(app.add(1, 2));
    expect(refused).toBeInstanceOf(InstancePoisonedError);
    expect(refused).toMatchObject({ functionName: "add", trapFunctionName: "trap" });
  });

  it("an error thrown by a host import reaches the trap as the host's own object", async () => {
    const failure = new Error("host says no");
    const app = await start(
      {},
      {
        tick: () => {
          throw failure;
        },
      },
    );
    const trap = await rejection(app.callTick(1));
    expect(trap).toBeInstanceOf(TrapError);
    expect((trap as TrapError).cause).toBe(failure);
  });

  it("disposal terminates the worker; later calls reject with InstanceDisposedError", async () => {
    const app = await start();
    expect(await app.add(1, 1)).toBe(2);
    await app[Symbol.asyncDispose]();
    expect(await rejection(app.add(1, 1))).toBeInstanceOf(InstanceDisposedError);
  });
});

describe("call deadlines", () => {
  it("a loop that never ends rejects with CallTimeoutError within its deadline plus a margin; timers keep firing", async () => {
    const app = await start({ callTimeoutMs: 300 });
    expect(await app.add(1, 2)).toBe(3);
    let ticks = 0;
    const interval = setInterval(() => ticks++, 10);
    const began = performance.now();
    const looping = app.spin();
    const queued = rejection(app.add(1, 2));
    const error = await rejection(looping);
    const elapsed = performance.now() - began;
    clearInterval(interval);
    expect(error).toBeInstanceOf(CallTimeoutError);
    expect(error).toBeInstanceOf(TrapError);
    expect(error).toMatchObject({ functionName: "spin", timeoutMs: 300 });
    expect((error as Error).message).toBe(
      "`spin` was still running after its deadline of 300 ms: the worker running the guest was terminated",
    );
    expect(elapsed).toBeGreaterThanOrEqual(290);
    // The margin is generous: the test machine may be busy; the deadline's own timer is what ends the call.
    expect(elapsed).toBeLessThan(300 + 700);
    // A blocked host event loop would have run no tick at all.
    expect(ticks).toBeGreaterThanOrEqual(5);
    const refused = await queued;
    expect(refused).toBeInstanceOf(InstancePoisonedError);
    expect(refused).toMatchObject({ functionName: "add", trapFunctionName: "spin" });
    expect((refused as InstancePoisonedError).firstTrap).toBe(error);
    expect(app.poisoned).toBe(true);
  });

  it("with restart: true, a fresh worker takes the next call after a timeout", async () => {
    const app = await start({ callTimeoutMs: 200 }, { restart: true });
    expect(await rejection(app.spin())).toBeInstanceOf(CallTimeoutError);
    expect(await app.add(20, 22)).toBe(42);
    expect(await app.echo("again")).toBe("again");
    expect(app.poisoned).toBe(false);
  });

  it("calls that finish in time are not affected by the deadline", async () => {
    const app = await start({ callTimeoutMs: 1000 });
    for (let i = 0; i < 50; i++) expect(await app.add(i, i)).toBe(2 * i);
  });
});

describe("memory cap", () => {
  it("memory.grow within the cap succeeds; a grow past it traps with MemoryLimitError", async () => {
    const app = await start({ memoryLimitBytes: 16 * MIB });
    expect(await app.grow(100)).toBe(1);
    // 101 pages held; 256 pages (16 MiB) is the cap.
    expect(await app.grow(155)).toBe(101);
    const trap = await rejection(app.grow(1));
    expect(trap).toBeInstanceOf(TrapError);
    expect((trap as TrapError).cause).toBeInstanceOf(MemoryLimitError);
    expect((trap as TrapError).cause).toMatchObject({
      limitBytes: 16 * MIB,
      requestedBytes: 257 * 65_536,
    });
  });

  it("a guest growing memory without end traps at the cap; host memory stays bounded", async () => {
    const app = await start({ memoryLimitBytes: 32 * MIB, callTimeoutMs: 20_000 });
    const before = process.memoryUsage().rss;
    const trap = await rejection(app.bomb());
    const grown = process.memoryUsage().rss - before;
    expect(trap).toBeInstanceOf(TrapError);
    // Uncapped, the guest would write 4 GiB; capped, it touched 32 MiB.
    expect(grown).toBeLessThan(256 * MIB);
    expect(await rejection(app.add(1, 1))).toBeInstanceOf(InstancePoisonedError);
  });

  it("the trap that ends a grow past the cap has MemoryLimitError as its cause, the guest's own trap as its cause", async () => {
    const app = await start({ memoryLimitBytes: 32 * MIB, callTimeoutMs: 20_000 });
    const trap = await rejection(app.bomb());
    expect(trap).toBeInstanceOf(TrapError);
    const cause = (trap as TrapError).cause;
    expect(cause).toBeInstanceOf(MemoryLimitError);
    // 1 page at first, 16 pages at a time: 497 pages held, 513 asked for; 512 pages is the cap.
    expect(cause).toMatchObject({ limitBytes: 32 * MIB, requestedBytes: 513 * 65_536 });
    expect((cause as Error).message).toBe(
      `the guest tried to grow its linear memory to ${513 * 65_536} bytes, over the memory limit of ${32 * MIB} bytes`,
    );
    expect((cause as Error).cause).toMatchObject({ name: "RuntimeError" });
  });

  it("a component whose memory starts over the cap fails to instantiate with MemoryLimitError", async () => {
    const error = await rejection(start({ memoryLimitBytes: 1024 }));
    expect(error).toBeInstanceOf(MemoryLimitError);
    expect(error).toMatchObject({ limitBytes: 1024, requestedBytes: 65_536 });
  });
});
