import { describe, expect, it } from "vitest";
import { createCallGate } from "../../../templates/runtime/call-gate.js";
import {
  InstanceDisposedError,
  InstancePoisonedError,
  ReentranceError,
  TrapError,
} from "../../../templates/runtime/errors.js";
import { deferred, macrotask, rejection } from "../../support/outcomes.js";

describe("call gate: callWith (the SDK's closure-free hot path)", () => {
  it("passes its two arguments on the fast path and when queued, in order", async () => {
    const gate = createCallGate();
    const first = deferred<string>();
    const seen: [string, number][] = [];
    const invoke = (label: string, n: number): string | Promise<string> => {
      seen.push([label, n]);
      return label === "slow" ? first.promise : `${label}${n}`;
    };
    const slow = gate.callWith("slow", invoke, "slow", 1);
    const queued = [gate.callWith("a", invoke, "a", 2), gate.callWith("b", invoke, "b", 3)];
    expect(gate.queued).toBe(2);
    expect(seen).toEqual([["slow", 1]]);
    first.resolve("done");
    expect(await Promise.all([slow, ...queued])).toEqual(["done", "a2", "b3"]);
    expect(seen).toEqual([
      ["slow", 1],
      ["a", 2],
      ["b", 3],
    ]);
  });

  it("refuses a reentrant callWith and turns a throw into a trap like call", async () => {
    const gate = createCallGate();
    let inner: Promise<unknown> | undefined;
    await gate.callWith(
      "outer",
      (g: typeof gate, n: number) => {
        inner = g.callWith("inner", (x: number) => x, n, undefined);
        return n;
      },
      gate,
      5,
    );
    const refused = await rejection(inner!);
    expect(refused).toBeInstanceOf(ReentranceError);
    const boom = new Error("boom");
    const trap = await rejection(
      gate.callWith(
        "t",
        () => {
          throw boom;
        },
        undefined,
        undefined,
      ),
    );
    expect(trap).toBeInstanceOf(TrapError);
    expect((trap as TrapError).cause).toBe(boom);
    expect(gate.poisoned).toBe(true);
  });
});

describe("call gate: fast path and FIFO", () => {
  it("runs an idle call synchronously and resolves with its value", async () => {
    const gate = createCallGate();
    const log: string[] = [];
    const promise = gate.call("answer", () => {
      log.push("invoked");
      return 42;
    });
    log.push("returned");
    expect(log).toEqual(["invoked", "returned"]);
    expect(gate.state).toBe("idle");
    expect(await promise).toBe(42);
  });

  it("stays busy until an async result settles, queueing later calls", async () => {
    const gate = createCallGate();
    const first = deferred<string>();
    const log: string[] = [];
    const a = gate.call("a", () => first.promise);
    const b = gate.call("b", () => {
      log.push("b started");
      return "b";
    });
    expect(gate.state).toBe("busy");
    expect(gate.queued).toBe(1);
    await macrotask();
    expect(log).toEqual([]);
    first.resolve("a");
    expect(await a).toBe("a");
    expect(await b).toBe("b");
    expect(log).toEqual(["b started"]);
    expect(gate.state).toBe("idle");
    expect(gate.queued).toBe(0);
  });

  it("runs 1,000 mixed sync and async calls strictly one after another, in call order", async () => {
    const gate = createCallGate();
    const log: string[] = [];
    const notified: number[] = [];
    let running = 0;
    const calls: Promise<number>[] = [];
    for (let index = 0; index < 1000; index++) {
      const mode = index % 4;
      calls.push(
        gate
          .call(`f${index}`, () => {
            running++;
            log.push(`start ${index}`);
            if (running !== 1) throw new Error(`overlap at ${index}`);
            const finish = (): number => {
              log.push(`end ${index}`);
              running--;
              return index;
            };
            if (mode === 0) return finish();
            if (mode === 1) return Promise.resolve().then(finish);
            if (mode === 2)
              return (async () => {
                await null;
                await null;
                return finish();
              })();
            return new Promise<number>((resolve) => setTimeout(() => resolve(finish()), 0));
          })
          .then((value) => {
            notified.push(value);
            return value;
          }),
      );
    }
    const results = await Promise.all(calls);
    const expectedLog = results.flatMap((index) => [`start ${index}`, `end ${index}`]);
    expect(results).toEqual(Array.from({ length: 1000 }, (_, index) => index));
    expect(log).toEqual(expectedLog);
    expect(notified).toEqual(results);
    expect(gate.poisoned).toBe(false);
  });

  it("starts a queued call in the microtask chain of its predecessor, before any timer", async () => {
    const gate = createCallGate();
    const first = deferred();
    const log: string[] = [];
    void gate.call("first", () => first.promise);
    const second = gate.call("second", () => {
      log.push("second started");
    });
    setTimeout(() => log.push("timer"), 0);
    first.resolve();
    await second;
    await macrotask();
    expect(log).toEqual(["second started", "timer"]);
  });

  it("never throws synchronously", () => {
    const gate = createCallGate();
    void gate.dispose();
    expect(() => gate.call("late", () => 1).catch(() => {})).not.toThrow();
  });
});

describe.each([
  ["with AsyncLocalStorage", true],
  ["without AsyncLocalStorage", false],
])("call gate: synchronous reentrance (%s)", (_, asyncContext) => {
  it("refuses a call from inside an import at once, without reaching the guest; the outer call is unaffected", async () => {
    const gate = createCallGate({ asyncContext });
    expect(gate.tracksAsyncContext).toBe(asyncContext);
    let inner: Promise<unknown> | undefined;
    let innerInvoked = false;
    const outer = gate.call("run", () => {
      gate.runImport("log", () => {
        inner = gate.call("poke", () => {
          innerInvoked = true;
        });
      });
      expect(gate.queued).toBe(0);
      return "outer result";
    });
    expect(await outer).toBe("outer result");
    const error = await rejection(inner!);
    expect(error).toBeInstanceOf(ReentranceError);
    const reentrance = error as ReentranceError;
    expect(reentrance.name).toBe("ReentranceError");
    expect(reentrance.outerFunction).toBe("run");
    expect(reentrance.innerFunction).toBe("poke");
    expect(reentrance.importName).toBe("log");
    expect(reentrance.message).toBe(
      "cannot call `poke` while `run` is running on the same instance (from inside its import `log`): the " +
        "component model forbids entering an instance from inside its own import (reentrance)",
    );
    expect(innerInvoked).toBe(false);
    expect(gate.poisoned).toBe(false);
    expect(await gate.call("after", () => "fine")).toBe("fine");
  });

  it("refuses a call made directly on the guest's stack (no import adapter involved)", async () => {
    const gate = createCallGate({ asyncContext });
    let inner: Promise<unknown> | undefined;
    await gate.call("run", () => {
      inner = gate.call("poke", () => 1);
    });
    const error = (await rejection(inner!)) as ReentranceError;
    expect(error).toBeInstanceOf(ReentranceError);
    expect(error.importName).toBeUndefined();
    expect(error.message).toBe(
      "cannot call `poke` while `run` is running on the same instance: the component model forbids entering an " +
        "instance from inside its own import (reentrance)",
    );
  });

  it("refuses a call from the synchronous part of an import after the guest was resumed (JSPI)", async () => {
    const gate = createCallGate({ asyncContext });
    let inner: Promise<unknown> | undefined;
    const outer = gate.call("run", async () => {
      await null; // the guest suspended on an earlier import and was resumed
      return gate.runImport("read", () => {
        inner = gate.call("poke", () => 1);
        return "done";
      });
    });
    expect(await outer).toBe("done");
    const error = (await rejection(inner!)) as ReentranceError;
    expect([error.name, error.outerFunction, error.innerFunction, error.importName]).toEqual([
      "ReentranceError",
      "run",
      "poke",
      "read",
    ]);
  });

  it("refuses a call from an import of another gate that this gate's call is running (cycle)", async () => {
    const a = createCallGate({ asyncContext });
    const b = createCallGate({ asyncContext });
    let inner: Promise<unknown> | undefined;
    const outer = a.call("a-run", () =>
      a.runImport("a-import", () =>
        b.call("b-run", () =>
          b.runImport("b-import", () => {
            inner = a.call("a-poke", () => 1);
            return "b";
          }),
        ),
      ),
    );
    expect(await outer).toBe("b");
    const error = (await rejection(inner!)) as ReentranceError;
    expect([error.outerFunction, error.innerFunction]).toEqual(["a-run", "a-poke"]);
  });
});

// A broken gate deadlocks here rather than failing, so these fail fast on a short timeout.
describe("call gate: asynchronous reentrance", { timeout: 2000 }, () => {
  it("with AsyncLocalStorage, refuses a call from an import's continuation after an await", async () => {
    const gate = createCallGate();
    expect(gate.tracksAsyncContext).toBe(true);
    let innerInvoked = false;
    const outer = gate.call("run", () =>
      gate.runImport("fetch", async () => {
        await null;
        await macrotask();
        const error = await rejection(
          gate.call("poke", () => {
            innerInvoked = true;
          }),
        );
        return error;
      }),
    );
    const error = (await outer) as ReentranceError;
    expect(error).toBeInstanceOf(ReentranceError);
    expect([error.outerFunction, error.innerFunction, error.importName]).toEqual([
      "run",
      "poke",
      "fetch",
    ]);
    expect(innerInvoked).toBe(false);
    expect(gate.queued).toBe(0);
  });

  it("with AsyncLocalStorage, sees a cycle through another gate after awaits", async () => {
    const a = createCallGate();
    const b = createCallGate();
    const outer = a.call("a-run", () =>
      a.runImport("a-import", async () => {
        await null;
        return b.call("b-run", () =>
          b.runImport("b-import", async () => {
            await macrotask();
            return rejection(a.call("a-poke", () => 1));
          }),
        );
      }),
    );
    const error = (await outer) as ReentranceError;
    expect(error).toBeInstanceOf(ReentranceError);
    expect([error.outerFunction, error.innerFunction, error.importName]).toEqual([
      "a-run",
      "a-poke",
      "a-import",
    ]);
  });

  it("with AsyncLocalStorage, lets a continuation of an import call once that call has finished", async () => {
    const gate = createCallGate();
    const later = deferred<Promise<string>>();
    await gate.call("run", () =>
      gate.runImport("schedule", () => {
        setTimeout(() => later.resolve(gate.call("later", () => "ran later")), 0);
      }),
    );
    expect(await await later.promise).toBe("ran later");
  });

  it("with AsyncLocalStorage, restores the caller's context for a queued call, so a cycle through it is seen", async () => {
    const a = createCallGate();
    const b = createCallGate();
    const bBusy = deferred<string>();
    const fromOutside = b.call("b-outside", () => bBusy.promise);
    // a's import queues a call on busy b; once it runs, b's import calls a, which is legal for b but a cycle for a.
    const outer = a.call("a-run", () =>
      a.runImport("a-import", () =>
        b.call("b-from-a", () =>
          b.runImport("b-import", () => rejection(a.call("a-poke", () => 1))),
        ),
      ),
    );
    bBusy.resolve("outside");
    expect(await fromOutside).toBe("outside");
    const error = (await outer) as ReentranceError;
    expect(error).toBeInstanceOf(ReentranceError);
    expect(error.innerFunction).toBe("a-poke");
  });

  it("with AsyncLocalStorage, runs a queued call in its own caller's context, not its predecessor's", async () => {
    const a = createCallGate();
    const b = createCallGate();
    const aKeepsRunning = deferred();
    const log: string[] = [];
    let legit: Promise<string> | undefined;
    // b-first runs in the context of a's import; b-second was queued from outside, while a-run is still in flight.
    const outer = a.call("a-run", () =>
      a.runImport("a-import", async () => {
        await b.call("b-first", async () => {
          await null;
          log.push("b-first done");
        });
        await aKeepsRunning.promise;
        log.push("a-run done");
        return "a";
      }),
    );
    const second = b.call("b-second", () =>
      b.runImport("b-import", () => {
        legit = a.call("a-legit", () => {
          log.push("a-legit ran");
          return "legit";
        });
      }),
    );
    await second;
    expect(a.queued).toBe(1);
    aKeepsRunning.resolve();
    expect(await outer).toBe("a");
    expect(await legit!).toBe("legit");
    expect(log).toEqual(["b-first done", "a-run done", "a-legit ran"]);
  });

  it("without AsyncLocalStorage, cannot tell such a call from a concurrent one and queues it (documented limit)", async () => {
    const gate = createCallGate({ asyncContext: false });
    const log: string[] = [];
    let inner: Promise<string> | undefined;
    const outer = gate.call("run", () =>
      gate.runImport("fetch", async () => {
        await null;
        inner = gate.call("poke", () => {
          log.push("poke ran");
          return "poke";
        });
        expect(gate.queued).toBe(1);
        log.push("outer finishing");
        return "run";
      }),
    );
    expect(await outer).toBe("run");
    expect(await inner!).toBe("poke");
    expect(log).toEqual(["outer finishing", "poke ran"]);
  });
});

describe("call gate: traps and result errors", () => {
  it("turns a synchronous exception into TrapError and poisons the gate", async () => {
    const gate = createCallGate();
    const cause = new Error("unreachable executed");
    const error = (await rejection(
      gate.call("explode", () => {
        throw cause;
      }),
    )) as TrapError;
    expect(error).toBeInstanceOf(TrapError);
    expect(error.name).toBe("TrapError");
    expect(error.message).toBe("guest trapped during `explode`: Error: unreachable executed");
    expect(error.cause).toBe(cause);
    expect(error.functionName).toBe("explode");
    expect(gate.poisoned).toBe(true);
    expect(gate.firstTrap).toBe(error);
    expect(gate.state).toBe("poisoned");

    let invoked = false;
    const later = (await rejection(
      gate.call("next", () => {
        invoked = true;
      }),
    )) as InstancePoisonedError;
    expect(later).toBeInstanceOf(InstancePoisonedError);
    expect(later.message).toBe(
      "cannot call `next`: the instance is poisoned because `explode` trapped earlier (Error: unreachable executed)",
    );
    expect([later.functionName, later.trapFunctionName, later.restartFailed]).toEqual([
      "next",
      "explode",
      false,
    ]);
    expect(later.firstTrap).toBe(error);
    expect(later.cause).toBe(error);
    expect(invoked).toBe(false);
  });

  it("turns an async rejection into TrapError and rejects calls queued behind it", async () => {
    const gate = createCallGate();
    const pending = deferred();
    const first = gate.call("slow", () => pending.promise);
    const second = gate.call("second", () => 2);
    const third = gate.call("third", () => 3);
    pending.reject("bad");
    const trap = (await rejection(first)) as TrapError;
    expect(trap.message).toBe('guest trapped during `slow`: "bad"');
    expect(((await rejection(second)) as InstancePoisonedError).functionName).toBe("second");
    expect(((await rejection(third)) as InstancePoisonedError).firstTrap).toBe(trap);
    expect(gate.firstTrap).toBe(trap);
  });

  it("passes result errors through untouched without poisoning (gate and per-call classifiers)", async () => {
    class ComponentError extends Error {}
    const gate = createCallGate({ isResultError: (error) => error instanceof ComponentError });
    const resultError = new ComponentError("not found");
    expect(
      await rejection(
        gate.call("find", () => {
          throw resultError;
        }),
      ),
    ).toBe(resultError);
    expect(await rejection(gate.call("find-async", () => Promise.reject(resultError)))).toBe(
      resultError,
    );
    const custom = { code: 7 };
    const perCall = await rejection(
      gate.call("custom", () => Promise.reject(custom), {
        isResultError: (error) => error === custom,
      }),
    );
    expect(perCall).toBe(custom);
    expect(gate.poisoned).toBe(false);
    expect(await gate.call("works", () => "yes")).toBe("yes");
  });

  it("treats an exception as a trap when the classifier itself throws", async () => {
    const gate = createCallGate({
      isResultError: () => {
        throw new Error("classifier bug");
      },
    });
    const error = await rejection(gate.call("f", () => Promise.reject(new Error("boom"))));
    expect(error).toBeInstanceOf(TrapError);
    expect(gate.poisoned).toBe(true);
  });
});

describe("call gate: restart", () => {
  it("runs the restart hook before the next call and clears the poison", async () => {
    const log: string[] = [];
    const gate = createCallGate({
      restart: async () => {
        log.push("restart begins");
        await macrotask();
        log.push("restart ends");
      },
    });
    await rejection(
      gate.call("explode", () => {
        throw new Error("trap");
      }),
    );
    expect(log).toEqual([]);
    const next = gate.call("next", () => {
      log.push("next");
      return "next";
    });
    expect(gate.state).toBe("restarting");
    const queued = gate.call("queued", () => {
      log.push("queued");
      return "queued";
    });
    expect(await next).toBe("next");
    expect(await queued).toBe("queued");
    expect(log).toEqual(["restart begins", "restart ends", "next", "queued"]);
    expect(gate.poisoned).toBe(false);
    expect(gate.firstTrap).toBeUndefined();
    expect(gate.state).toBe("idle");
  });

  it("rejects the waiting calls when the restart fails, stays poisoned, and tries again on the next call", async () => {
    let attempts = 0;
    const restartFailure = new Error("cannot instantiate");
    const gate = createCallGate({
      restart: () => {
        attempts++;
        if (attempts === 1) throw restartFailure;
      },
    });
    const trap = (await rejection(
      gate.call("explode", () => Promise.reject(new Error("trap"))),
    )) as TrapError;
    const first = gate.call("first", () => 1);
    const second = gate.call("second", () => 2);
    const error = (await rejection(first)) as InstancePoisonedError;
    expect(error).toBeInstanceOf(InstancePoisonedError);
    expect(error.message).toBe(
      "cannot call `first`: the instance is poisoned because `explode` trapped earlier (Error: trap); restarting " +
        "the instance failed: Error: cannot instantiate",
    );
    expect([error.restartFailed, error.restartError, error.cause, error.firstTrap]).toEqual([
      true,
      restartFailure,
      restartFailure,
      trap,
    ]);
    expect(((await rejection(second)) as InstancePoisonedError).restartError).toBe(restartFailure);
    expect(attempts).toBe(1);
    expect(gate.poisoned).toBe(true);
    expect(await gate.call("third", () => 3)).toBe(3);
    expect(attempts).toBe(2);
    expect(gate.poisoned).toBe(false);
  });
});

describe("call gate: disposal", () => {
  it("waits for in-flight and queued calls, then runs release hooks in reverse order, then refuses calls", async () => {
    const gate = createCallGate();
    const log: string[] = [];
    gate.addReleaseHook(() => {
      log.push("hook 1");
    });
    gate.addReleaseHook(async () => {
      await null;
      log.push("hook 2");
    });
    const pending = deferred();
    const inFlight = gate.call("in-flight", async () => {
      await pending.promise;
      log.push("in-flight done");
    });
    const queued = gate.call("queued", () => {
      log.push("queued ran");
    });
    const disposal = gate[Symbol.asyncDispose]();
    expect(gate.disposed).toBe(true);
    expect(gate.state).toBe("disposing");
    const refused = (await rejection(gate.call("refused", () => 1))) as InstanceDisposedError;
    expect(refused).toBeInstanceOf(InstanceDisposedError);
    expect(refused.message).toBe("cannot call `refused`: the instance has been disposed");
    expect(refused.functionName).toBe("refused");
    expect(gate.dispose()).toBe(disposal);
    pending.resolve();
    await disposal;
    await inFlight;
    await queued;
    expect(log).toEqual(["in-flight done", "queued ran", "hook 2", "hook 1"]);
    expect(gate.state).toBe("disposed");
    await gate.dispose();
    expect(log).toHaveLength(4);
    expect(((await rejection(gate.call("after", () => 1))) as InstanceDisposedError).name).toBe(
      "InstanceDisposedError",
    );
    expect(() => gate.addReleaseHook(() => {})).toThrow(InstanceDisposedError);
  });

  it("runs every hook when some fail and reports the failures", async () => {
    const one = createCallGate();
    const failure = new Error("hook failed");
    const ran: number[] = [];
    one.addReleaseHook(() => void ran.push(1));
    one.addReleaseHook(() => {
      throw failure;
    });
    expect(await rejection(one.dispose())).toBe(failure);
    expect(ran).toEqual([1]);
    expect(one.state).toBe("disposed");

    const two = createCallGate();
    two.addReleaseHook(() => Promise.reject(new Error("a")));
    two.addReleaseHook(() => Promise.reject(new Error("b")));
    const error = (await rejection(two.dispose())) as AggregateError;
    expect(error).toBeInstanceOf(AggregateError);
    expect(error.message).toBe("2 release hooks failed");
    expect(error.errors.map((item: Error) => item.message)).toEqual(["b", "a"]);
  });

  it("disposes a poisoned gate, rejecting what was queued without restarting", async () => {
    let restarts = 0;
    const gate = createCallGate({ restart: () => void restarts++ });
    const pending = deferred();
    const trapping = gate.call("trap", () => pending.promise);
    const queued = gate.call("queued", () => 1);
    const disposal = gate.dispose();
    pending.reject(new Error("trap"));
    expect(await rejection(trapping)).toBeInstanceOf(TrapError);
    expect(await rejection(queued)).toBeInstanceOf(InstancePoisonedError);
    await disposal;
    expect(restarts).toBe(0);
    expect(gate.state).toBe("disposed");
  });
});
