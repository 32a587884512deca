/**
 * The call gate's synchronous steps (`enterSync`/`enterClassified`/`enterNumbered`, `leaveSync`,
 * `failSync`/`failClassified`), which a direct call's fast form runs around the guest itself: the states they
 * leave, and what a call asks for while it runs (an `afterCurrentCall` hook, disposal, a trap recorded from
 * outside), which the leaner `leaveSync` must still carry out; and `idle`, on which an awaited direct call runs its
 * fast form. Also: a synchronous call keeps the number of the call before it, which must not let an earlier
 * awaited call's continuation pass for a later one's.
 */
import { describe, expect, it } from "vitest";
import { createCallGate, functionNumber } from "../../../templates/runtime/call-gate.js";
import { ReentranceError } from "../../../templates/runtime/errors.js";
import { deferred, macrotask, rejection } from "../../support/outcomes.js";

const busy = (name: string): Error => new Error(`busy: ${name}`);

describe("the gate's synchronous steps", () => {
  it("are busy while the call runs, idle after it returns and poisoned after a trap", () => {
    const gate = createCallGate();
    gate.enterClassified("f", undefined, busy);
    expect(gate.state).toBe("busy");
    expect(gate.runningFunction).toBe("f");
    gate.leaveSync();
    expect(gate.state).toBe("idle");
    expect(gate.runningFunction).toBeUndefined();
    gate.enterSync("g", undefined, busy);
    const trap = gate.failSync(new Error("unreachable"));
    expect(trap).toMatchObject({ name: "TrapError" });
    expect(gate.state).toBe("poisoned");
    expect(() => gate.enterClassified("h", undefined, busy)).toThrow(
      expect.objectContaining({ name: "InstancePoisonedError" }),
    );
  });

  it("are idle exactly when a call would start at once, which the awaited form of a fast call relies on", async () => {
    const gate = createCallGate();
    expect(gate.idle).toBe(true);
    expect(gate.enterNumbered(functionNumber("f"))).toBe(true);
    expect(gate.idle).toBe(false);
    gate.leaveSync();
    expect(gate.idle).toBe(true);
    // An awaited call still running (its promise unsettled), and one queued behind it.
    const first = deferred<number>();
    const running = gate.call("slow", () => first.promise);
    const queued = gate.call("next", () => 2);
    expect(gate.idle).toBe(false);
    first.resolve(1);
    expect(await running).toBe(1);
    expect(await queued).toBe(2);
    expect(gate.idle).toBe(true);
    gate.enterSync("g", undefined, busy);
    gate.failSync(new Error("unreachable"));
    expect(gate.state).toBe("poisoned");
    expect(gate.idle).toBe(false);
    const disposing = createCallGate();
    const disposed = disposing.dispose();
    expect(disposing.idle).toBe(false);
    await disposed;
    expect(disposing.idle).toBe(false);
  });

  it("refuse a second entry while one runs, naming both functions", () => {
    const gate = createCallGate();
    gate.enterClassified("outer", undefined, busy);
    expect(() => gate.enterClassified("inner", undefined, busy)).toThrow(
      expect.objectContaining({ name: "ReentranceError" }),
    );
    gate.leaveSync();
    expect(gate.state).toBe("idle");
  });

  it("classify with the classifier given to enterClassified: a result error does not poison", () => {
    const gate = createCallGate();
    const mine = new Error("err payload");
    gate.enterClassified("f", (error) => error === mine, busy);
    expect(gate.failSync(mine)).toBe(mine);
    expect(gate.state).toBe("idle");
  });

  it("run after leaving what the call asked for while it ran: its afterCurrentCall hook, then disposal", async () => {
    const gate = createCallGate();
    const log: string[] = [];
    gate.enterClassified("f", undefined, busy);
    gate.afterCurrentCall(() => log.push("hook"));
    const disposed = gate.dispose().then(() => log.push("disposed"));
    expect(log).toEqual([]);
    gate.leaveSync();
    await disposed;
    await macrotask();
    expect(log).toContain("hook");
    expect(log).toContain("disposed");
    expect(gate.state).toBe("disposed");
  });

  it("classify with the classifier given when the call fails after enterNumbered, and name the function", () => {
    const gate = createCallGate({ isResultError: () => true });
    const mine = new Error("err payload");
    expect(gate.enterNumbered(functionNumber("f"))).toBe(true);
    expect(gate.runningFunction).toBe("f");
    expect(() => gate.enterClassified("inner", undefined, busy)).toThrow(
      expect.objectContaining({
        name: "ReentranceError",
        outerFunction: "f",
        innerFunction: "inner",
      }),
    );
    expect(gate.failClassified(mine, (error) => error === mine)).toBe(mine);
    expect(gate.state).toBe("idle");
    expect(gate.enterNumbered(functionNumber("g"))).toBe(true);
    // Not the gate's own classifier, which would call everything a result error.
    const trap = gate.failClassified(new Error("unreachable"), (error) => error === mine);
    expect(trap).toMatchObject({ name: "TrapError", functionName: "g" });
    expect(gate.state).toBe("poisoned");
  });

  it("refuse with the caller's busy error, naming the function, while a restart is queued", async () => {
    let restarted = 0;
    const gate = createCallGate({ restart: () => void restarted++ });
    await rejection(
      gate.call("boom", () => {
        throw new Error("unreachable");
      }),
    );
    const queued = gate.call("next", () => "ran");
    expect(gate.enterNumbered(functionNumber("sync-f"))).toBe(false);
    expect(gate.syncRefusal("sync-f", busy).message).toBe("busy: sync-f");
    expect(await queued).toBe("ran");
    expect(restarted).toBe(1);
    expect(gate.enterNumbered(functionNumber("sync-g"))).toBe(true);
    gate.leaveSync();
    expect(gate.state).toBe("idle");
  });

  it("leave poisoned when a trap was recorded from outside while the call ran", () => {
    const gate = createCallGate();
    expect(gate.enterNumbered(functionNumber("f"))).toBe(true);
    // An async task's trap, seen while the synchronous call runs.
    gate.poison("task", new Error("task trapped"));
    gate.leaveSync();
    expect(gate.state).toBe("poisoned");
    expect(gate.enterNumbered(functionNumber("g"))).toBe(false);
    expect(gate.syncRefusal("g", busy)).toMatchObject({ name: "InstancePoisonedError" });
  });

  it(
    "with AsyncLocalStorage, let an earlier call's continuation queue behind a later awaited call, synchronous calls between them",
    { timeout: 2000 },
    async () => {
      const gate = createCallGate();
      expect(gate.tracksAsyncContext).toBe(true);
      const resume = deferred();
      // Boxed: a promise resolved with the call's promise would wait for it.
      const late = deferred<readonly [Promise<string>]>();
      await gate.call("first", () =>
        gate.runImport("schedule", () => {
          void resume.promise.then(() => late.resolve([gate.call("late", () => "ran late")]));
        }),
      );
      // Synchronous calls keep the number of the call before them.
      expect(gate.enterNumbered(functionNumber("sync"))).toBe(true);
      gate.leaveSync();
      gate.enterSync("sync-generic", undefined, busy);
      gate.leaveSync();
      const running = deferred<string>();
      const second = gate.call("second", () => running.promise);
      resume.resolve();
      const [lateCall] = await late.promise;
      // Queued behind `second`, not refused as if `first` were still running.
      expect(gate.queued).toBe(1);
      running.resolve("second done");
      expect(await second).toBe("second done");
      expect(await lateCall).toBe("ran late");
      // And a continuation of the running call's own import is still refused.
      const refused = await gate.call("third", () =>
        gate.runImport("wait", async () => {
          await macrotask();
          return rejection(gate.call("poke", () => 1));
        }),
      );
      expect(refused).toBeInstanceOf(ReentranceError);
    },
  );
});
