#!/usr/bin/env node
/**
 * Model-based randomized check of the runtime's ownership rules, end to end through its export calls, import
 * adapters, borrows, resource table and call gate. A fake component (the guest) and the host are driven with one
 * seeded PRNG through random steps: export calls that move, lend and pass values (some queued behind a slow call,
 * their arguments changed while they wait), guest-side imports (`give`, `send`, `inspect` with a scoped borrow,
 * drops, uses, constructors), host pushes, deletes, lends and releases, guest resource disposals, traps followed
 * by restarts, and disposal of the instance followed by a fresh one. A model of the rules (who owns each host
 * object's entry, which guest handles are stale, what is lent, which guest resources are live) predicts every
 * outcome; the guest compares what it receives with it, and after every step the driver compares destructor runs,
 * table counts, guest-resource drops and the leak report. Every call must settle (the gate never wedges).
 *
 *   node scripts/runtime-model-check.js [steps=1000000] [seed=random]   (reads dist/runtime: `npm run build`)
 *
 * `runRuntimeModelCheck(runtime, { steps, seed })` is exported for test/templates/runtime, which passes the
 * runtime sources. A mismatch throws an Error naming the seed and the step.
 */

import { createRandom } from "./fuzz/random.js";

const steps = [
  ["take", 80],
  ["peek", 60],
  ["point", 60],
  ["make", 40],
  ["consume", 30],
  ["look", 30],
  ["disposeCounter", 30],
  ["guest", 160],
  ["push", 40],
  ["delete", 60],
  ["lend", 20],
  ["release", 20],
  ["useKeptView", 15],
  ["slow", 40],
  ["drain", 50],
  ["boom", 6],
  ["dispose", 2],
];
const totalWeight = steps.reduce((sum, [, weight]) => sum + weight, 0);
const guestOps = ["give", "send", "inspect", "drop", "use", "new"];

const nameOf = (error) => (error instanceof Error ? error.name : typeof error);

export async function runRuntimeModelCheck(runtime, options = {}) {
  const total = options.steps ?? 2_000;
  const seed = (options.seed ?? 1) >>> 0;
  const random = createRandom(seed);
  const stats = new Map();
  const count = (key) => stats.set(key, (stats.get(key) ?? 0) + 1);
  let step = 0;
  let operation = "setup";
  /** The first mismatch, also one found in a promise handler (a settling call), rethrown by the driver. */
  let failure;
  const fail = (detail) => {
    failure ??= new Error(
      `runtime model mismatch at step ${step} (${operation}), seed ${seed}: ${detail}`,
    );
    throw failure;
  };

  const thingType = runtime.hostResource("m:m/api#thing");
  class Counter extends runtime.GuestResource {}
  const counterType = runtime.guestResource("m:m/api#counter", Counter);
  const point = runtime.record("point", { x: runtime.u32, y: runtime.string });

  // ---- the model -------------------------------------------------------------------------------------------
  /** Host objects: `owner` of their entry ("none" | "host" | "guest"), `epoch` counts entries, `lent` loans. */
  let things = [];
  let nextThing = 0;
  class Thing {
    constructor() {
      this.id = `t${nextThing++}`;
      this.disposed = 0;
      this.expectedDisposed = 0;
      this.owner = "none";
      this.epoch = 0;
      this.known = false;
      this.loans = 0;
      this.hostLends = 0;
      things.push(this);
    }
    name() {
      return this.id;
    }
    self() {
      return this;
    }
    [Symbol.dispose]() {
      this.disposed++;
    }
  }
  const enterForGuest = (thing) => {
    if (thing.owner === "none") {
      thing.epoch++;
      thing.known = true;
    }
    thing.owner = "guest";
  };
  const deleteEntry = (thing) => {
    thing.owner = "none";
    thing.expectedDisposed++;
  };
  const isStale = (held) => held.thing.owner === "none" || held.thing.epoch !== held.epoch;

  /** Guest resources: `{ wrapper, raw, generation, state: "live" | "moved" | "disposed" | "guest", looks }`. */
  let counters = [];
  let generation = 0;
  /** Borrow views the host kept after its import returned. */
  let keptViews = [];
  /** The current job, as `borrow.ts` sees it: it changes whenever the driver awaits. */
  let job = 0;

  // ---- the instance ----------------------------------------------------------------------------------------
  let guest; // the fake guest's state of the live component instance
  let core;
  let resources;
  let pending = [];
  let finishSlow = [];
  /** The `callback` call running now: the host's handlers compare what they get with it. */
  let currentCallback;
  const records = new Map();
  let nextRecord = 0;

  const component = {
    instantiate(_getCoreModule, imports) {
      const host = imports["m:m/host"];
      // A fresh guest: a restart loses everything the dead one held.
      if (guest !== undefined) generation++;
      guest = { held: [], raws: new Set(), generation };
      const state = guest;
      const expect = (id, expectation) => {
        const record = records.get(id);
        record.ran = true;
        record.expect = expectation;
        return record;
      };
      return Promise.resolve({
        api: {
          take(id, adapter) {
            const record = expect(id, { kind: "ok" });
            const held = { adapter, thing: record.thing, epoch: record.epoch };
            if (!isStale(held) && adapter.name() !== record.thing.id)
              fail(`take got the adapter of another object`);
            state.held.push(held);
            return 0;
          },
          peek(id, adapter) {
            const record = expect(id, { kind: "ok", value: record0(id).thing.id });
            record.thing.loans--;
            return adapter.name();
          },
          point(id, p) {
            const record = expect(id, { kind: "ok", value: record0(id).snapshot.x });
            if (p.x !== record.snapshot.x || p.y !== record.snapshot.y) {
              fail(
                `the guest got ${JSON.stringify(p)}, checked ${JSON.stringify(record.snapshot)}`,
              );
            }
            return p.x;
          },
          make(id) {
            const record = expect(id, { kind: "ok" });
            record.generation = state.generation;
            const raw = {
              dropped: false,
              [Symbol.dispose]() {
                if (raw.dropped) fail("a guest resource was dropped twice");
                if (!state.raws.has(raw)) fail("the host dropped a guest resource the guest owns");
                raw.dropped = true;
                state.raws.delete(raw);
              },
            };
            state.raws.add(raw);
            record.raw = raw;
            return raw;
          },
          consume(id, raw) {
            const record = expect(id, { kind: "ok" });
            if (raw !== record.counter.raw || raw.dropped)
              fail("consume got the wrong or a dropped resource");
            if (!state.raws.has(raw)) fail("a resource of a dead instance reached the guest");
            record.counter.state = "guest";
            state.raws.delete(raw);
            return 0;
          },
          look(id, raw) {
            const record = expect(id, { kind: "ok", value: 1 });
            if (raw !== record.counter.raw || raw.dropped)
              fail("look got the wrong or a dropped resource");
            if (!state.raws.has(raw)) fail("a resource of a dead instance reached the guest");
            return 1;
          },
          slow(id) {
            expect(id, { kind: "ok" });
            return new Promise((resolve) => finishSlow.push(resolve));
          },
          boom(id) {
            expect(id, { kind: "trap" });
            throw new Error("unreachable");
          },
          callback(id, op, which) {
            const record = expect(id, { kind: "ok", value: 0 });
            currentCallback = record;
            const held = state.held;
            const index = held.length === 0 ? -1 : which % held.length;
            const trap = (cause) => (record.expect = { kind: "trap", cause });
            switch (guestOps[op]) {
              case "give": {
                const thing = record.give;
                if (thing.owner === "guest") trap("TypeError");
                else enterForGuest(thing);
                const epoch = thing.epoch;
                const adapter = host.give();
                held.push({ adapter, thing, epoch });
                return 0;
              }
              case "new": {
                const adapter = new host.Thing();
                const thing = things[things.length - 1];
                enterForGuest(thing);
                held.push({ adapter, thing, epoch: thing.epoch });
                return 0;
              }
              case "send": {
                if (index < 0) return 0;
                const [h] = held.splice(index, 1);
                if (isStale(h)) trap("StaleHandleError");
                else h.thing.owner = "host";
                record.sent = h.thing;
                host.send(h.adapter);
                return 0;
              }
              case "inspect": {
                if (index < 0) return 0;
                const h = held[index];
                if (isStale(h)) trap("StaleHandleError");
                record.inspected = h.thing;
                host.inspect(h.adapter);
                return 0;
              }
              case "drop": {
                if (index < 0) return 0;
                const [h] = held.splice(index, 1);
                if (!isStale(h)) {
                  if (h.thing.loans > 0 || h.thing.hostLends > 0) trap("ResourceLentError");
                  else deleteEntry(h.thing);
                }
                h.adapter[Symbol.dispose]();
                return 0;
              }
              case "use": {
                if (index < 0) return 0;
                const h = held[index];
                if (isStale(h)) trap("StaleHandleError");
                if (h.adapter.name() !== h.thing.id)
                  fail("a guest handle stands for another object");
                return 0;
              }
              default:
                fail(`unknown guest op ${op}`);
            }
          },
        },
      });
    },
  };
  const record0 = (id) => records.get(id);

  const spec = (name, params, returns) =>
    runtime.exportSpec({
      name: `m:m/api#${name}`,
      path: ["api", name],
      params: { id: runtime.u32, ...params },
      ...(returns === undefined ? {} : { returns }),
    });
  const specs = {
    take: spec("take", { t: runtime.own(thingType) }),
    peek: spec("peek", { t: runtime.borrow(thingType) }, runtime.string),
    point: spec("point", { p: point }, runtime.u32),
    make: spec("make", {}, runtime.own(counterType)),
    consume: spec("consume", { c: runtime.own(counterType) }),
    look: spec("look", { c: runtime.borrow(counterType) }, runtime.u32),
    slow: spec("slow", {}),
    boom: spec("boom", {}),
    callback: spec("callback", { op: runtime.u32, which: runtime.u32 }, runtime.u32),
  };

  /** Makes an export call and records what the model expects of it. */
  const call = (kind, args, fields = {}) => {
    const id = nextRecord++;
    const record = {
      id,
      kind,
      ran: false,
      expect: undefined,
      settled: false,
      outcome: undefined,
      ...fields,
    };
    records.set(id, record);
    const promise = runtime.callExport(core, specs[kind], [id, ...args]);
    // A mismatch found here is kept in `failure` and rethrown by the driver after the step.
    record.promise = promise
      .then(
        (value) => settle(record, { kind: "ok", value }),
        (error) => settle(record, { kind: "error", error }),
      )
      .catch(() => {});
    pending.push(record);
    return record;
  };

  const settle = (record, outcome) => {
    record.settled = true;
    records.delete(record.id);
    const expected = record.expect;
    if (!record.ran) {
      // Refused without running: a guest resource of a dead instance (`ResourceDisposedError`), or a
      // reentrant call from an import handler.
      if (record.refusal === undefined) fail(`call ${record.kind} never ran: ${show(outcome)}`);
      if (outcome.kind !== "error" || nameOf(outcome.error) !== record.refusal) {
        fail(`call ${record.kind} should be refused with ${record.refusal}, got ${show(outcome)}`);
      }
      record.onRefused?.();
      count(`${record.kind}:refused`);
      return;
    }
    if (expected.kind === "ok") {
      if (outcome.kind !== "ok") fail(`call ${record.kind} should succeed, got ${show(outcome)}`);
      if ("value" in expected && outcome.value !== expected.value) {
        fail(
          `call ${record.kind} returned ${String(outcome.value)}, expected ${String(expected.value)}`,
        );
      }
      if (record.kind === "make") {
        if (!(outcome.value instanceof Counter)) fail("make did not return a Counter");
        counters.push({
          wrapper: outcome.value,
          raw: record.raw,
          generation: record.generation,
          state: "live",
          looks: [],
          disposeRequested: false,
        });
      }
      count(`${record.kind}:ok`);
      return;
    }
    // A trap.
    if (outcome.kind !== "error" || nameOf(outcome.error) !== "TrapError") {
      fail(`call ${record.kind} should trap, got ${show(outcome)}`);
    }
    const cause = outcome.error.cause;
    if (expected.cause !== undefined) {
      // Thrown through import adapters, the cause may be wrapped ("returned an invalid value").
      if (nameOf(cause) !== expected.cause)
        fail(`trap cause ${show({ kind: "error", error: cause })}, expected ${expected.cause}`);
    }
    count(`${record.kind}:trap${expected.cause === undefined ? "" : `:${expected.cause}`}`);
  };
  const show = (outcome) =>
    outcome.kind === "ok"
      ? `ok ${String(outcome.value)}`
      : `${nameOf(outcome.error)}: ${outcome.error instanceof Error ? outcome.error.message : String(outcome.error)}`;

  /**
   * Lets the runtime finish what its microtasks are doing (a restart, the calls it lets run, their settling)
   * before the driver goes on: resuming from an `await` of a settled promise takes fewer microtasks than that,
   * and the model learns of a refused call only when it settles.
   */
  const yieldToRuntime = () => new Promise((resolve) => setImmediate(resolve));

  /** A synchronous refusal: the promise rejects with `name` before anything is queued. */
  const expectRejection = async (promise, name, what) => {
    let error;
    try {
      await promise;
    } catch (caught) {
      error = caught ?? new Error("undefined rejection");
    }
    await yieldToRuntime();
    if (error === undefined) fail(`${what}: expected ${name}, it succeeded`);
    if (nameOf(error) !== name)
      fail(`${what}: expected ${name}, got ${nameOf(error)}: ${error.message}`);
    count(`${what}: ${name}`);
  };
  const expectThrow = (action, name, what) => {
    try {
      action();
    } catch (error) {
      if (nameOf(error) !== name)
        fail(`${what}: expected ${name}, got ${nameOf(error)}: ${error.message}`);
      count(`${what}: ${name}`);
      return;
    }
    fail(`${what}: expected ${name}, it succeeded`);
  };

  const startInstance = async () => {
    things = [];
    counters = [];
    keptViews = [];
    guest = undefined;
    generation = 0;
    core = await runtime.createInstanceCore({ component, restart: true });
    resources = runtime.createHostResources(core, { thing: thingType });
    const ThingAdapter = runtime.hostResourceClass(core, thingType, Thing, {
      create: runtime.importSpec({
        name: "m:m/api#[constructor]thing",
        member: "create",
        returns: runtime.own(thingType),
      }),
      methods: {
        name: runtime.importSpec({
          name: "m:m/api#[method]thing.name",
          member: "name",
          returns: runtime.string,
        }),
      },
    });
    const hostImports = {
      give: () => currentCallback.give,
      send: (thing) => {
        if (thing !== currentCallback.sent) fail("send got another object");
      },
      inspect: (view) => {
        const record = currentCallback;
        if (!runtime.isBorrow(view)) fail("inspect got no view");
        if (view.name() !== record.inspected.id) fail("the view stands for another object");
        if (!runtime.isBorrow(view.self())) fail("`this` escaped the view");
        if (random.next() < 0.3)
          expectThrow(
            () => resources.thing.delete(view),
            "ResourceLentError",
            "delete a borrowed entry",
          );
        if (random.next() < 0.2) {
          // A call back into the instance is refused, and the object it was to give leaves the table again.
          const fresh = new Thing();
          enterForGuest(fresh);
          const reentrant = call("take", [fresh], {
            thing: fresh,
            epoch: fresh.epoch,
            refusal: "ReentranceError",
          });
          const epoch = fresh.epoch;
          reentrant.onRefused = () => {
            // Taken out again (unless the host deleted it first), unless something lends it meanwhile: then
            // the host owns the entry.
            if (fresh.owner !== "guest" || fresh.epoch !== epoch) return;
            const lent = fresh.loans > 0 || fresh.hostLends > 0;
            fresh.owner = lent ? "host" : "none";
            fresh.known = lent;
          };
        }
        if (random.next() < 0.3) keptViews.push(view);
      },
    };
    const imports = {
      "m:m/host": {
        give: runtime.adaptImport(
          core,
          runtime.importSpec({
            name: "m:m/host#give",
            member: "give",
            returns: runtime.own(thingType),
          }),
          hostImports,
        ),
        send: runtime.adaptImport(
          core,
          runtime.importSpec({
            name: "m:m/host#send",
            member: "send",
            params: [runtime.own(thingType)],
          }),
          hostImports,
        ),
        inspect: runtime.adaptImport(
          core,
          runtime.importSpec({
            name: "m:m/host#inspect",
            member: "inspect",
            params: [runtime.borrow(thingType)],
            invoke: (host, importCall) => {
              const scoped = importCall.borrow(0);
              try {
                return host.inspect(scoped.value);
              } finally {
                scoped[Symbol.dispose]();
              }
            },
          }),
          hostImports,
        ),
        Thing: ThingAdapter,
      },
    };
    await runtime.startInstance(core, {}, imports);
  };

  /** Lets every call that can settle settle; every call must (the gate never wedges). */
  const drain = async () => {
    let quiet = 0;
    while (quiet < 3 && pending.some((record) => !record.settled)) {
      const before = pending.filter((record) => record.settled).length;
      const slow = finishSlow.splice(0);
      for (const resolve of slow) resolve();
      await new Promise((resolve) => setImmediate(resolve));
      const progress =
        slow.length > 0 || pending.filter((record) => record.settled).length > before;
      quiet = progress ? 0 : quiet + 1;
    }
    job++;
    const stuck = pending.filter((record) => !record.settled);
    if (stuck.length > 0)
      fail(`calls never settled: ${stuck.map((record) => record.kind).join(", ")}`);
    pending = [];
  };

  const checkInvariants = () => {
    if (failure !== undefined) throw failure;
    let live = 0;
    for (const thing of things) {
      if (thing.disposed !== thing.expectedDisposed) {
        fail(
          `${thing.id}: destructor ran ${thing.disposed} times, expected ${thing.expectedDisposed}`,
        );
      }
      if (thing.owner !== "none") live++;
    }
    if (resources.thing.count !== live)
      fail(`table holds ${resources.thing.count} entries, expected ${live}`);
  };

  const pickThing = () =>
    things.length === 0 || random.next() < 0.15 ? new Thing() : random.pick(things);
  /** Half the time one that a call lends or moves right now, so that disposals and moves meet loans. */
  const pickCounter = () => {
    if (counters.length === 0) return undefined;
    const busy = counters.filter((counter) =>
      counter.looks.some((look) => !look.ran && !look.settled),
    );
    return busy.length > 0 && random.next() < 0.5 ? random.pick(busy) : random.pick(counters);
  };
  const validPoint = () => ({
    x: random.below(1000),
    y: random.pick(["a", "bc", "\u00e9", "\uD83D\uDE00"]),
  });

  await startInstance();

  for (step = 0; step < total; step++) {
    let roll = random.below(totalWeight);
    let index = 0;
    while (roll >= steps[index][1]) roll -= steps[index++][1];
    operation = steps[index][0];
    switch (operation) {
      case "take": {
        const thing = pickThing();
        if (thing.owner === "guest") {
          await expectRejection(
            runtime.callExport(core, specs.take, [0, thing]),
            "TypeError",
            "give an owned object again",
          );
          job++;
          break;
        }
        enterForGuest(thing);
        call("take", [thing], { thing, epoch: thing.epoch });
        break;
      }
      case "peek": {
        const thing = pickThing();
        thing.loans++;
        call("peek", [thing], { thing });
        break;
      }
      case "point": {
        if (random.next() < 0.2) {
          const bad = random.pick([
            { x: -1, y: "a" },
            { x: 1, y: "\uD800" },
            { x: 1.5, y: "a" },
            { x: 1 },
            7,
          ]);
          const promise = runtime.callExport(core, specs.point, [0, bad]);
          let error;
          try {
            await promise;
          } catch (caught) {
            error = caught;
          }
          await yieldToRuntime();
          if (error === undefined) fail(`an invalid point ${JSON.stringify(bad)} was accepted`);
          if (!(error instanceof TypeError || error instanceof RangeError))
            fail(`invalid point: ${nameOf(error)}`);
          count("point:refused-invalid");
          job++;
          break;
        }
        const p = validPoint();
        call("point", [p], { snapshot: { ...p } });
        // The caller changes its argument while the call may still wait.
        if (random.next() < 0.5) {
          p.x = random.pick([-5, 2 ** 40, "x", p.x + 1]);
          p.y = random.pick([42, "\uDC00", "changed"]);
        }
        break;
      }
      case "make":
        call("make", [], { generation });
        break;
      case "consume":
      case "look": {
        const counter = pickCounter();
        if (counter === undefined) break;
        if (counter.state !== "live" || counter.generation !== core.generation) {
          await expectRejection(
            runtime.callExport(core, specs[operation], [0, counter.wrapper]),
            "ResourceDisposedError",
            `${operation} a dead counter`,
          );
          job++;
          break;
        }
        // A look lends the counter from the call until the guest returns (or the call is refused).
        counter.looks = counter.looks.filter((look) => !look.ran && !look.settled);
        if (operation === "consume" && counter.looks.length > 0) {
          await expectRejection(
            runtime.callExport(core, specs.consume, [0, counter.wrapper]),
            "ResourceLentError",
            "move a lent counter",
          );
          job++;
          break;
        }
        // Refused when it starts if a trap restarted the instance meanwhile: the counter died with it.
        const record = call(operation, [counter.wrapper], {
          counter,
          refusal: "ResourceDisposedError",
        });
        if (operation === "consume") {
          counter.state = "moved";
          counter.disposeRequested = false;
          record.onRefused = () => {
            if (counter.generation === core.generation)
              fail("a call on a live counter was refused");
            if (counter.state === "moved")
              counter.state = counter.disposeRequested ? "disposed" : "live";
          };
        } else {
          record.job = job;
          counter.looks.push(record);
          record.onRefused = () => {
            if (counter.generation === core.generation)
              fail("a call on a live counter was refused");
          };
        }
        break;
      }
      case "disposeCounter": {
        const counter = pickCounter();
        if (counter === undefined) break;
        if (counter.state !== "live") {
          // A disposal while a call moves it: dropped if the call is refused and gives it back.
          if (counter.state === "moved") counter.disposeRequested = true;
          counter.wrapper[Symbol.dispose]();
          break;
        }
        const waiting = counter.looks.filter((look) => !look.ran && !look.settled);
        if (waiting.length > 0 && !waiting.every((look) => !look.ran && look.job === job)) {
          expectThrow(
            () => counter.wrapper[Symbol.dispose](),
            "ResourceLentError",
            "dispose a lent counter",
          );
          break;
        }
        counter.wrapper[Symbol.dispose]();
        counter.state = "disposed";
        count(waiting.length > 0 ? "disposeCounter:deferred" : "disposeCounter:ok");
        break;
      }
      case "guest": {
        const op = random.below(guestOps.length);
        call("callback", [op, random.below(8)], {
          op: guestOps[op],
          give: guestOps[op] === "give" ? pickThing() : undefined,
        });
        break;
      }
      case "push": {
        const thing = pickThing();
        if (thing.owner !== "none") {
          expectThrow(() => resources.thing.push(thing), "TypeError", "push an entered object");
          break;
        }
        resources.thing.push(thing);
        thing.owner = "host";
        thing.epoch++;
        thing.known = true;
        count("push:ok");
        break;
      }
      case "delete": {
        const thing = pickThing();
        if (thing.owner === "none") {
          expectThrow(
            () => resources.thing.delete(thing),
            thing.known ? "StaleHandleError" : "InvalidHandleError",
            "delete",
          );
        } else if (thing.loans > 0 || thing.hostLends > 0) {
          expectThrow(
            () => resources.thing.delete(thing),
            "ResourceLentError",
            "delete a lent entry",
          );
        } else {
          resources.thing.delete(thing);
          deleteEntry(thing);
          count("delete:ok");
        }
        break;
      }
      case "lend": {
        const thing = pickThing();
        if (thing.owner === "none") break;
        resources.thing.lend(thing);
        thing.hostLends++;
        break;
      }
      case "release": {
        const lent = things.filter((thing) => thing.hostLends > 0 && thing.owner !== "none");
        if (lent.length === 0) break;
        const thing = random.pick(lent);
        resources.thing.release(thing);
        thing.hostLends--;
        break;
      }
      case "useKeptView": {
        if (keptViews.length === 0) break;
        const view = random.pick(keptViews);
        expectThrow(() => view.name(), "BorrowExpiredError", "use a kept view");
        break;
      }
      case "slow":
        call("slow", []);
        break;
      case "drain":
        await drain();
        break;
      case "boom":
        call("boom", []);
        break;
      case "dispose": {
        await drain();
        await core.gate.dispose();
        let expected = 0;
        for (const thing of things) {
          if (thing.owner === "none") continue;
          expected++;
          thing.expectedDisposed++;
          thing.owner = "none";
        }
        const report = resources.leaks;
        if (report === undefined || report.total !== expected)
          fail(`leak report ${report?.total}, expected ${expected}`);
        checkInvariants();
        for (const counter of counters)
          if (counter.state === "live" && counter.raw.dropped) fail("a live counter was dropped");
        count("dispose:ok");
        await startInstance();
        break;
      }
      default:
        fail("unknown step");
    }
    checkInvariants();
  }
  await drain();
  checkInvariants();
  return { steps: total, seed, outcomes: stats };
}

async function main() {
  const total = Number(process.argv[2] ?? 1_000_000);
  const seed =
    process.argv[3] === undefined ? Math.floor(Math.random() * 2 ** 32) : Number(process.argv[3]);
  if (!Number.isSafeInteger(total) || total <= 0 || !Number.isSafeInteger(seed)) {
    console.error("usage: node scripts/runtime-model-check.js [steps] [seed]");
    process.exit(2);
  }
  const runtime = await import("../dist/runtime/index.js");
  const started = performance.now();
  let result;
  try {
    result = await runRuntimeModelCheck(runtime, { steps: total, seed });
  } catch (error) {
    console.error(`FAILED (run with: node scripts/runtime-model-check.js ${total} ${seed})`);
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
  const elapsed = (performance.now() - started) / 1000;
  console.log(`runtime model check: ${result.steps} steps, seed ${seed}, ${elapsed.toFixed(1)} s`);
  for (const [key, n] of [...result.outcomes].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`  ${key.padEnd(40)} ${String(n).padStart(9)}`);
  }
  console.log("OK: the runtime matched the model on every step");
}

const invokedDirectly =
  process.argv[1] !== undefined &&
  import.meta.url === (await import("node:url")).pathToFileURL(process.argv[1]).href;
if (invokedDirectly) await main();
