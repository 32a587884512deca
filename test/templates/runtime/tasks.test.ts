/**
 * The task tracker (`runtime/tasks.ts`) with a real call gate and task events sent the way jco's hooked output
 * sends them: async calls do not queue, `idle()` waits for tasks after their calls settled, `untilTaskEnds`,
 * cancellation, late traps that poison, refusals where the component model forbids entering, disposal waiting.
 */
import { describe, expect, it } from "vitest";
import { createCallGate } from "../../../templates/runtime/call-gate.js";
import {
  InstancePoisonedError,
  ReentranceError,
  TrapError,
} from "../../../templates/runtime/errors.js";
import { createTaskTracker, type JcoTask } from "../../../templates/runtime/tasks.js";
import { deferred, macrotask, rejection } from "../../support/outcomes.js";

function setup(untilTaskEnds = false) {
  const tasks: { task: JcoTask; cancelled: boolean }[] = [];
  const gate = createCallGate({ beforeClose: () => tracker.settled() });
  const tracker = createTaskTracker(gate, { untilTaskEnds });
  /** A guest call: creates its task as jco does (synchronously), returns `value`'s promise. */
  const guestCall =
    <T>(value: Promise<T>) =>
    () => {
      const entry = { cancelled: false, task: undefined as unknown as JcoTask };
      entry.task = {
        requestCancellation: () => (entry.cancelled = true),
        isResolvedState: () => false,
      };
      tasks.push(entry);
      tracker.hooks.started(entry.task, 0);
      return value;
    };
  return { gate, tracker, tasks, guestCall };
}

describe("task tracker", () => {
  it("runs async calls at once, settles each with its value, and idle() waits for the tasks' late work", async () => {
    const { tracker, tasks, guestCall } = setup();
    const a = deferred<string>();
    const b = deferred<string>();
    const first = tracker.call("f", guestCall(a.promise), undefined, undefined).promise;
    const second = tracker.call("g", guestCall(b.promise), undefined, undefined).promise;
    expect(tasks).toHaveLength(2); // both started: no queue
    b.resolve("b");
    a.resolve("a");
    expect(await Promise.all([first, second])).toEqual(["a", "b"]);
    let idle = false;
    void tracker.idle().then(() => (idle = true));
    await macrotask();
    expect(idle).toBe(false); // the tasks have not ended
    tracker.hooks.exited(tasks[0]!.task);
    await macrotask();
    expect(idle).toBe(false);
    tracker.hooks.exited(tasks[1]!.task);
    await macrotask();
    expect(idle).toBe(true);
    expect(tracker.running).toBe(0);
  });

  it("untilTaskEnds: the call's promise settles when its task ends", async () => {
    const { tracker, tasks, guestCall } = setup(true);
    let settled = false;
    const call = tracker.call("f", guestCall(Promise.resolve(7)), undefined, undefined).promise;
    void call.then(() => (settled = true));
    await macrotask();
    expect(settled).toBe(false);
    tracker.hooks.exited(tasks[0]!.task);
    expect(await call).toBe(7);
  });

  it("an aborted signal rejects with its reason and asks jco to cancel the task", async () => {
    const { tracker, tasks, guestCall } = setup();
    const controller = new AbortController();
    const call = tracker.call("f", guestCall(new Promise(() => {})), undefined, {
      signal: controller.signal,
    });
    controller.abort();
    const error = await rejection(call.promise);
    expect((error as Error).name).toBe("AbortError");
    expect(tasks[0]!.cancelled).toBe(true);
    const early = new AbortController();
    early.abort();
    expect(
      (
        (await rejection(
          tracker.call("g", guestCall(Promise.resolve(1)), undefined, { signal: early.signal })
            .promise,
        )) as Error
      ).name,
    ).toBe("AbortError");
    expect(tasks).toHaveLength(1); // never started
  });

  it("a trap after the call settled poisons the gate and makes idle() reject with it", async () => {
    const { gate, tracker, tasks, guestCall } = setup();
    await tracker.call("f", guestCall(Promise.resolve(1)), undefined, undefined).promise;
    const idle = tracker.idle();
    tracker.hooks.failed(new Error("unreachable"), tasks[0]!.task);
    const trap = await rejection(idle);
    expect(trap).toBeInstanceOf(TrapError);
    expect(trap).toMatchObject({ functionName: "f" });
    expect(gate.poisoned).toBe(true);
    expect(
      await rejection(
        tracker.call("g", guestCall(Promise.resolve(1)), undefined, undefined).promise,
      ),
    ).toBeInstanceOf(InstancePoisonedError);
  });

  it("after a trap, idle() rejects with it although a task of the dead instance never ends", async () => {
    const { gate, tracker, guestCall } = setup();
    // This call's task never ends (the instance dies under it).
    void tracker.call("stuck", guestCall(new Promise(() => {})), undefined, undefined).promise;
    const pendingIdle = tracker.idle();
    const failing = deferred<number>();
    const call = tracker.call("f", guestCall(failing.promise), undefined, undefined).promise;
    failing.reject(new Error("unreachable"));
    const trap = await rejection(call);
    expect(trap).toBeInstanceOf(TrapError);
    expect(gate.poisoned).toBe(true);
    expect(await rejection(pendingIdle)).toBe(trap);
    expect(await rejection(tracker.idle())).toBe(trap);
  });

  it("a trap in a synchronous call settles a pending idle() too", async () => {
    const { gate, tracker, guestCall } = setup();
    void tracker.call("stuck", guestCall(new Promise(() => {})), undefined, undefined).promise;
    const pendingIdle = tracker.idle();
    const trap = await rejection(
      gate.call("sync", () => {
        throw new Error("unreachable");
      }),
    );
    expect(trap).toBeInstanceOf(TrapError);
    expect(await rejection(pendingIdle)).toBe(trap);
  });

  it("disposal after a trap does not wait for the dead instance's tasks", async () => {
    const { gate, tracker, guestCall } = setup();
    void tracker.call("stuck", guestCall(new Promise(() => {})), undefined, undefined).promise;
    const failing = deferred<number>();
    const call = tracker.call("f", guestCall(failing.promise), undefined, undefined).promise;
    failing.reject(new Error("unreachable"));
    await rejection(call);
    let disposed = false;
    void gate.dispose().then(() => (disposed = true));
    await macrotask();
    expect(disposed).toBe(true);
  });

  it("refuses a call from a synchronous import of the running sync call, lets one from a blocking import in", async () => {
    const { gate, tracker, guestCall } = setup();
    let fromSync: Promise<unknown> | undefined;
    let fromBlocking: Promise<unknown> | undefined;
    await gate.call("outer", () => {
      fromSync = gate.runImport(
        "sync-import",
        () => tracker.call("inner", guestCall(Promise.resolve(1)), undefined, undefined).promise,
      );
      fromBlocking = gate.runImport(
        "async-import",
        () => tracker.call("inner", guestCall(Promise.resolve(2)), undefined, undefined).promise,
        true,
      );
      return 0;
    });
    expect(await rejection(fromSync!)).toBeInstanceOf(ReentranceError);
    expect(await fromBlocking).toBe(2);
  });

  it("disposal waits for every task to end", async () => {
    const { gate, tracker, tasks, guestCall } = setup();
    await tracker.call("f", guestCall(Promise.resolve(1)), undefined, undefined).promise;
    let disposed = false;
    void gate.dispose().then(() => (disposed = true));
    await macrotask();
    expect(disposed).toBe(false);
    tracker.hooks.exited(tasks[0]!.task);
    await macrotask();
    expect(disposed).toBe(true);
  });
});
