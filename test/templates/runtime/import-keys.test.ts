/**
 * The import object jco is given (`instance-core.ts`'s `startInstance`), over a fake component that records
 * it: each entry built from the host's object under its key (a factory), from the shim when the host leaves a
 * `wasi:*` interface out, or taken as it is; and each versioned interface also under its unversioned id (jco
 * reads that one unless transpiled with `map`), except where two versions of one interface would share it.
 */
import { describe, expect, it } from "vitest";
import {
  createInstanceCore,
  startInstance,
  type ComponentModule,
  type InstanceCore,
  type JcoImports,
} from "../../../templates/runtime/instance-core.js";

/** Starts an instance of a component that exports nothing; resolves with the imports jco was given. */
async function fed<I extends object>(
  entries: JcoImports<I>,
  versions?: Readonly<Record<string, readonly string[]>>,
  imports?: I,
): Promise<Record<string, unknown>> {
  let given: Record<string, unknown> | undefined;
  const component: ComponentModule = {
    instantiate(_getCoreModule, jcoImports) {
      given = jcoImports as Record<string, unknown>;
      return Promise.resolve({});
    },
  };
  const core = await createInstanceCore({ component, directCalls: false });
  await startInstance(core, imports ?? ({} as I), entries, versions);
  return given!;
}

describe("startInstance: the keys of jco's import object", () => {
  it("adds the unversioned key of a versioned interface, the same object", async () => {
    const log = { line: () => undefined };
    const given = await fed({ "example:greeter/log@0.1.0": log, "plain:pkg/iface": {} });
    expect(given["example:greeter/log"]).toBe(log);
    expect(given["example:greeter/log@0.1.0"]).toBe(log);
    expect(Object.keys(given).sort()).toEqual([
      "example:greeter/log",
      "example:greeter/log@0.1.0",
      "plain:pkg/iface",
    ]);
  });

  it("leaves a key the SDK gave alone, and never lets two versions share one", async () => {
    const mine = {};
    const given = await fed({ "a:b/c@1.0.0": {}, "a:b/c": mine });
    expect(given["a:b/c"]).toBe(mine);
    const two = await fed(
      { "a:b/c@1.0.0": {}, "a:b/c@2.0.0": {} },
      { "a:b/c": ["a:b/c@1.0.0", "a:b/c@2.0.0"] },
    );
    expect(Object.keys(two).sort()).toEqual(["a:b/c@1.0.0", "a:b/c@2.0.0"]);
    expect(() => two["a:b/c"]).toThrow("transpiled without jco's `map`");
    // Two versions, one of them with nothing for jco to read: still never under the shared key.
    const one = await fed({ "a:b/c@1.0.0": {} }, { "a:b/c": ["a:b/c@1.0.0"] });
    expect(Object.keys(one)).toEqual(["a:b/c@1.0.0"]);
  });
});

describe("startInstance: the entries of jco's import object", () => {
  interface Log {
    line(text: string): void;
  }
  interface Clock {
    now(): bigint;
  }
  interface Imports {
    readonly "a:b/log": Log;
    readonly "wasi:clocks/wall-clock@0.2.3"?: Clock;
    line(text: string): void;
  }
  const createLog = (_core: InstanceCore, host: Log) => ({ line: host.line, fromHost: true });
  const createClock = (_core: InstanceCore, host: Clock) => ({ now: host.now });
  const log: Log = { line: () => undefined };
  const shimClock: Clock = { now: () => 1n };
  const loadShim = () => Promise.resolve({ wallClock: shimClock });

  it("builds an interface from the host's object under its key, and takes an object as it is", async () => {
    const world = { default: () => undefined };
    const imports: Imports = { "a:b/log": log, line: () => undefined };
    const given = await fed<Imports>({ "a:b/log": createLog, line: world }, undefined, imports);
    expect(given["a:b/log"]).toEqual({ line: log.line, fromHost: true });
    expect(given["line"]).toBe(world);
  });

  it("names the key of an interface the host left out", async () => {
    const imports = { line: () => undefined } as unknown as Imports;
    await expect(fed<Imports>({ "a:b/log": createLog }, undefined, imports)).rejects.toThrow(
      'the host did not provide "a:b/log": `imports` has no object under that key',
    );
  });

  it("gives a `wasi:*` factory the host's object, or the shim's when the host has none", async () => {
    const mine: Clock = { now: () => 2n };
    const key = "wasi:clocks/wall-clock@0.2.3";
    const imports: Imports = { "a:b/log": log, line: () => undefined };
    const shim = await fed<Imports>({ [key]: [createClock, loadShim] }, undefined, imports);
    expect((shim[key] as Clock).now).toBe(shimClock.now);
    const own = await fed<Imports>({ [key]: [createClock, loadShim] }, undefined, {
      ...imports,
      [key]: mine,
    });
    expect((own[key] as Clock).now).toBe(mine.now);
  });

  it("takes under an interface's key only a factory of the host's object for it", () => {
    const entries: JcoImports<Imports> = {
      "a:b/log": createLog,
      "wasi:clocks/wall-clock@0.2.3": [createClock, loadShim],
      // A world-level function's key takes jco's object for it.
      line: { default: () => undefined },
    };
    // @ts-expect-error: a factory of another interface's host object
    const wrong: JcoImports<Imports> = { "a:b/log": createClock };
    const wrongWasi: JcoImports<Imports> = {
      // @ts-expect-error: a `wasi:*` factory of another interface's host object
      "wasi:clocks/wall-clock@0.2.3": [createLog, loadShim],
    };
    expect([entries, wrong, wrongWasi]).toHaveLength(3);
  });
});
