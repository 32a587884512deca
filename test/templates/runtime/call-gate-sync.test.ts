/**
 * The call gate's synchronous steps (`enterSync`/`enterClassified`, `leaveSync`, `failSync`), which a direct
 * call's fast form runs around the guest itself: the states they leave, and what a call asks for while it runs
 * (an `afterCurrentCall` hook, disposal), which the leaner `leaveSync` must still carry out.
 */
import { describe, expect, it } from "vitest";
import { createCallGate } from "../../../templates/runtime/call-gate.js";
import { macrotask } from "../../support/outcomes.js";

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
});
