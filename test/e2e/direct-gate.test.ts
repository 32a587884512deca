/**
 * End to end, the gate around a direct function's synchronous fast form and the binding it caches: a WAT guest
 * that counts its calls (so that which core instance ran a call shows in its result) and traps on demand,
 * generated as `wit-ts gen x.wasm` does and instantiated twice with direct calls, restart on. A fast form keeps
 * the binding of its last call and uses it after one compare with the instance's live core instances: after a
 * restart (new core instances) and on another instance of the same SDK, that compare must send the call to the
 * binding of the core instances that live now. A second guest calls the host during its call, and the host calls
 * the same function on another instance: the failed call's post-return must then still be its own instance's.
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

const NESTED_WIT = `package wit-ts:nested;
world nested {
  import ping: func(x: u32) -> u32;
  export f: func(x: u32) -> string;
  export posts: func() -> u32;
}
`;

// \`f(0)\` calls the host first and then returns a misaligned return area (lifting traps); \`f(1)\` returns "".
// Each post-return counts itself in the instance's own global.
const NESTED_WAT = `(module
  (import "$root" "ping" (func $ping (param i32) (result i32)))
  (memory (export "memory") 1)
  (global $posts (mut i32) (i32.const 0))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024))
  (func (export "f") (param i32) (result i32)
    (if (i32.eqz (local.get 0)) (then (drop (call $ping (i32.const 0))) (return (i32.const 3))))
    (i32.store (i32.const 16) (i32.const 64))
    (i32.store (i32.const 20) (i32.const 0))
    (i32.const 16))
  (func (export "cabi_post_f") (param i32)
    (global.set $posts (i32.add (global.get $posts) (i32.const 1))))
  (func (export "posts") (result i32) (global.get $posts)))`;

interface NestedApp {
  fSync(x: number): string;
  posts(): Promise<number>;
}

describe("a failed lifting's post-return", () => {
  it("is the calling instance's, when a call on another instance moved the cached binding meanwhile", async () => {
    const bytes = await componentNew(
      await componentEmbed({
        binary: await parse(NESTED_WAT),
        witSource: NESTED_WIT,
        world: "nested",
      }),
    );
    const peer: { other?: NestedApp } = {};
    const pair = await loadPair(
      "direct-nested",
      bytes,
      {
        // Called by the first instance's guest during its call: a call of the same function on the other
        // instance, whose binding the fast form then caches as its last.
        ping: () => {
          expect(peer.other!.fSync(1)).toBe("");
          return 0;
        },
      },
      () => ({ directCalls: true }),
    );
    expect(pair.report.direct).toBe(2);
    const a = pair.direct as unknown as NestedApp;
    const other = (peer.other = pair.viaJco as unknown as NestedApp);
    expect(() => a.fSync(0)).toThrow(expect.objectContaining({ name: "TrapError" }));
    // The other instance's post-return ran once, for its own call; the failed call's ran on its own instance.
    expect(await other.posts()).toBe(1);
  });
});
