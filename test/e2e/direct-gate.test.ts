/**
 * End to end, the gate around a direct function's synchronous fast form and the binding it caches: a WAT guest
 * that counts its calls (so that which core instance ran a call shows in its result) and traps on demand,
 * generated as `wit-ts gen x.wasm` does and instantiated twice with direct calls, restart on. A fast form keeps
 * the binding of its last call and uses it after one compare with the instance's live core instances: after a
 * restart (new core instances) and on another instance of the same SDK, that compare must send the call to the
 * binding of the core instances that live now.
 */
import { componentEmbed, componentNew, parse } from "@bytecodealliance/jco";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPair, type DifferentialPair } from "./support/differential.js";
import { removeTempDirs } from "./support/temp-dirs.js";

afterAll(removeTempDirs);

const WIT = `package wit-ts:counter;
interface api {
  count: func() -> u32;
  peek: func() -> u32;
  boom: func();
}
world counter {
  export api;
}
`;

const WAT = `(module
  (memory (export "memory") 1)
  (global $calls (mut i32) (i32.const 0))
  (func (export "wit-ts:counter/api#count") (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (global.get $calls))
  (func (export "wit-ts:counter/api#peek") (result i32) (global.get $calls))
  (func (export "wit-ts:counter/api#boom") unreachable))`;

interface CounterApi {
  count(): Promise<number>;
  countSync(): number;
  peek(): Promise<number>;
  boom(): Promise<void>;
}

describe("a direct function's cached binding", () => {
  let pair: DifferentialPair;
  beforeAll(async () => {
    const bytes = await componentNew(
      await componentEmbed({ binary: await parse(WAT), witSource: WIT, world: "counter" }),
    );
    // Both instances call directly: two instances of one SDK share its direct functions.
    pair = await loadPair("direct-gate", bytes, {}, () => ({ directCalls: true }));
    expect(pair.report.direct).toBe(3);
    const api = [...pair.files.entries()].find(([path]) => path.includes("counter-api"))![1];
    expect(api).toMatch(/const countDirect = .*fast: /s);
  });

  it("is not used after a restart: the call runs on the new core instances", async () => {
    const api = pair.direct["api"] as CounterApi;
    expect([api.countSync(), api.countSync(), api.countSync()]).toEqual([1, 2, 3]);
    await expect(api.boom()).rejects.toMatchObject({ name: "TrapError" });
    expect(() => api.countSync()).toThrow(
      expect.objectContaining({ name: "InstancePoisonedError" }),
    );
    // An awaited call of another function restarts the instance: `count`'s binding is then the one made for
    // the dead guest, which a synchronous call must not use while the restart runs, nor after it.
    const peeked = api.peek();
    expect(() => api.countSync()).toThrow(expect.objectContaining({ name: "InstanceBusyError" }));
    expect(await peeked).toBe(0);
    expect(api.countSync()).toBe(1);
    expect(await api.count()).toBe(2);
    expect(api.countSync()).toBe(3);
  });

  it("belongs to one instance: calls alternating between two instances run each on its own", async () => {
    const a = pair.direct["api"] as CounterApi;
    const b = pair.viaJco["api"] as CounterApi;
    const start = [a.countSync(), b.countSync()];
    const seen: number[] = [];
    for (let index = 1; index <= 3; index++)
      seen.push(a.countSync() - start[0]!, b.countSync() - start[1]!);
    expect(seen).toEqual([1, 1, 2, 2, 3, 3]);
    // A trap on one poisons that one only; the other's binding stays in use.
    await expect(b.boom()).rejects.toMatchObject({ name: "TrapError" });
    expect(a.countSync() - start[0]!).toBe(4);
    expect(() => b.countSync()).toThrow(expect.objectContaining({ name: "InstancePoisonedError" }));
    expect(await b.count()).toBe(1);
    expect([a.countSync() - start[0]!, b.countSync()]).toEqual([5, 2]);
  });
});
