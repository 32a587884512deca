/**
 * The memory cap's binary rewrite (`templates/runtime/memory-limit.ts`) on real core modules written
 * in WAT (assembled by jco's `parse`): the rewritten module validates and runs, grows within the cap succeed,
 * a grow past it traps and records the size asked for, a memory's own smaller maximum still makes a grow
 * return -1, imported memories are hooked too, missing global and export sections are inserted in order, code
 * with every kind of immediate passes through unchanged, and a minimum over the cap is refused.
 */
import { parse } from "@bytecodealliance/jco";
import { describe, expect, it } from "vitest";
import { MemoryLimitError } from "../../../templates/runtime/isolate-errors.js";
import { capModuleMemories, MEMORY_LIMIT_EXPORT } from "../../../templates/runtime/memory-limit.js";

interface Wasm {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports?: object) => { readonly exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum?: number }) => {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  };
}
const wasm = (globalThis as unknown as { readonly WebAssembly: Wasm }).WebAssembly;
const PAGE = 65_536;

async function instantiate(
  wat: string,
  limitBytes: number,
  imports?: object,
): Promise<Record<string, unknown>> {
  const bytes = capModuleMemories(await parse(wat), limitBytes);
  expect(wasm.validate(bytes)).toBe(true);
  return new wasm.Instance(new wasm.Module(bytes), imports).exports;
}

const grower = `(module
  (memory (export "memory") 1)
  (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))`;

describe("capModuleMemories", () => {
  it("lets grows within the cap happen and traps a grow past it, recording the pages asked for", async () => {
    const exports = await instantiate(grower, 4 * PAGE);
    const grow = exports["grow"] as (pages: number) => number;
    expect(grow(2)).toBe(1);
    expect(grow(1)).toBe(3);
    expect(() => grow(1)).toThrow(/unreachable/);
    expect((exports[MEMORY_LIMIT_EXPORT] as { value: number }).value).toBe(5);
    expect((exports["memory"] as { buffer: ArrayBuffer }).buffer.byteLength).toBe(4 * PAGE);
  });

  it("caps the declared maximum, so that a grow from JavaScript cannot pass the cap either", async () => {
    const exports = await instantiate(grower, 2 * PAGE);
    const memory = exports["memory"] as { grow(pages: number): number; buffer: ArrayBuffer };
    expect(memory.grow(1)).toBe(1);
    expect(() => memory.grow(1)).toThrow(RangeError);
  });

  it("leaves a memory whose own maximum is below the cap alone: a grow past that maximum returns -1", async () => {
    const bytes = await parse(
      `(module (memory 1 3) (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))`,
    );
    const capped = capModuleMemories(bytes, 100 * PAGE);
    expect(capped).toEqual(bytes);
    const grow = new wasm.Instance(new wasm.Module(capped)).exports["grow"] as (
      pages: number,
    ) => number;
    expect(grow(2)).toBe(1);
    expect(grow(1)).toBe(-1);
  });

  it("hooks the grows of an imported memory, inserting the global and export sections the module lacked", async () => {
    const memory = new wasm.Memory({ initial: 1 });
    const exports = await instantiate(
      `(module (import "env" "memory" (memory 1)) (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))`,
      2 * PAGE,
      { env: { memory } },
    );
    const grow = exports["grow"] as (pages: number) => number;
    expect(grow(1)).toBe(1);
    expect(() => grow(1)).toThrow(/unreachable/);
    expect((exports[MEMORY_LIMIT_EXPORT] as { value: number }).value).toBe(3);
  });

  it("keeps function, global and type indices: code with calls, globals, tables and every kind of immediate runs as before", async () => {
    const wat = `(module
      (type $binary (func (param i32 i32) (result i32)))
      (import "env" "log" (func $log (param i32)))
      (global $g (mut i32) (i32.const 7))
      (memory (export "memory") 1)
      (table 2 funcref)
      (elem (i32.const 0) $add $sub)
      (data (i32.const 8) "\\01\\02\\03\\04")
      (func $add (type $binary) local.get 0 local.get 1 i32.add)
      (func $sub (type $binary) local.get 0 local.get 1 i32.sub)
      (func (export "run") (param $x i32) (result i32) (local $v v128) (local $f f64)
        (call $log (global.get $g))
        (block $out
          (loop $again
            (br_table $again $out (local.get $x))))
        (local.set $f (f64.const 1.5))
        (local.set $v (v128.const i32x4 1 2 3 4))
        (memory.fill (i32.const 100) (i32.const 9) (i32.const 4))
        (memory.copy (i32.const 200) (i32.const 8) (i32.const 4))
        (i32.load8_u offset=3 (i32.const 200))
        (i32x4.extract_lane 2 (local.get $v))
        (call_indirect (type $binary) (i32.const 0))
        (i32.trunc_sat_f64_s (local.get $f))
        (call_indirect (type $binary) (i32.const 1))
        (drop (memory.grow (i32.const 0)))
        (memory.size)
        i32.add))`;
    const logged: number[] = [];
    const bytes = await parse(wat);
    const plain = new wasm.Instance(new wasm.Module(bytes), {
      env: { log: (v: number) => logged.push(v) },
    }).exports;
    const capped = await instantiate(wat, 8 * PAGE, {
      env: { log: (v: number) => logged.push(v) },
    });
    const run = (exports: Record<string, unknown>): number =>
      (exports["run"] as (x: number) => number)(1);
    expect(run(capped)).toBe(run(plain));
    // load8_u(203) = 4, lane 2 = 3: (4 + 3) - 1 + 1 page = 7.
    expect(run(capped)).toBe(7);
    expect(logged).toEqual([7, 7, 7]);
  });

  it("refuses a memory whose minimum is already over the cap with MemoryLimitError", async () => {
    const bytes = await parse(`(module (memory 3))`);
    expect(() => capModuleMemories(bytes, 2 * PAGE)).toThrow(MemoryLimitError);
    expect(() => capModuleMemories(bytes, 2 * PAGE)).toThrow(
      `a linear memory of the component starts at ${3 * PAGE} bytes, over the memory limit of ${2 * PAGE} bytes`,
    );
  });

  it("returns a module without memories unchanged, and refuses bytes that are not a core module", async () => {
    const bytes = await parse(`(module (func (export "f") (result i32) i32.const 1))`);
    expect(capModuleMemories(bytes, PAGE)).toBe(bytes);
    expect(() => capModuleMemories(Uint8Array.of(0, 1, 2), PAGE)).toThrow(
      "the memory limit cannot be applied to this core module: not a WebAssembly core module (version 1)",
    );
  });
});
