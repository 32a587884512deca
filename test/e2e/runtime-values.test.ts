/**
 * End to end, argument values through real jco: a hand-written WAT guest (`take-point` returns `p.x`, `blen` and
 * `slen` the byte length jco lowered) transpiled with jco 1.35 and called through the runtime's export calls.
 * Shows what a fake component cannot: that jco itself would lower a detached typed array by throwing inside the
 * call, a value changed while its call waits (here behind a restart) unchecked, and a lone surrogate as U+FFFD;
 * the SDK refuses or copies each before jco sees it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InstancePoisonedError } from "../../templates/runtime/errors.js";
import { record } from "../../templates/runtime/compound-types.js";
import { string, u32, u8List } from "../../templates/runtime/leaf-types.js";
import {
  createInstanceCore,
  startInstance,
  type ComponentModule,
} from "../../templates/runtime/instance-core.js";
import { callExport, exportSpec } from "../../templates/runtime/export-calls.js";
import {
  componentFromWat,
  importEntry,
  loadCoreModuleFactory,
  transpileInstantiation,
  type GetCoreModule,
} from "./support/components.js";
import { createTempDir, removeTempDirs } from "./support/temp-dirs.js";
import { rejection } from "../support/outcomes.js";

const WIT = `package t:t;
interface api {
  record point { x: u32, y: string }
  take-point: func(p: point) -> u32;
  blen: func(b: list<u8>) -> u32;
  slen: func(s: string) -> u32;
  boom: func();
}
world w { export api; }`;

const WAT = `(module
  (memory (export "memory") 1)
  (global $bump (mut i32) (i32.const 1024))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    global.get $bump
    local.set $p
    global.get $bump
    local.get 3
    i32.add
    global.set $bump
    local.get $p)
  (func (export "t:t/api#take-point") (param i32 i32 i32) (result i32) local.get 0)
  (func (export "t:t/api#blen") (param i32 i32) (result i32) local.get 1)
  (func (export "t:t/api#slen") (param i32 i32) (result i32) local.get 1)
  (func (export "t:t/api#boom") unreachable)
)`;

let component: ComponentModule;
let getCoreModule: GetCoreModule;

beforeAll(async () => {
  const outDir = await createTempDir("runtime-values");
  const transpiled = await transpileInstantiation(await componentFromWat(WAT, WIT, "w"), {
    name: "values",
    outDir,
  });
  component = (await importEntry(transpiled.entryPath)) as unknown as ComponentModule;
  getCoreModule = loadCoreModuleFactory(outDir);
}, 60_000);

afterAll(removeTempDirs);

async function start(restart = false) {
  const core = await createInstanceCore({
    component,
    getCoreModule: getCoreModule as never,
    restart,
  });
  await startInstance(core);
  const point = exportSpec<number>({
    name: "t:t/api#take-point",
    path: ["api", "takePoint"],
    params: { p: record("point", { x: u32, y: string }) },
    returns: u32,
  });
  const blen = exportSpec<number>({
    name: "t:t/api#blen",
    path: ["api", "blen"],
    params: { b: u8List },
    returns: u32,
  });
  const slen = exportSpec<number>({
    name: "t:t/api#slen",
    path: ["api", "slen"],
    params: { s: string },
    returns: u32,
  });
  const boom = exportSpec<void>({ name: "t:t/api#boom", path: ["api", "boom"] });
  return {
    core,
    boom: () => callExport(core, boom, []),
    point: (p: unknown) => callExport(core, point, [p]),
    blen: (b: unknown) => callExport(core, blen, [b]),
    slen: (s: unknown) => callExport(core, slen, [s]),
  };
}

describe("real jco: arguments", () => {
  it("a detached typed array is a TypeError before the call; the instance stays healthy", async () => {
    const app = await start();
    const bytes = new Uint8Array([1, 2, 3]);
    structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
    expect(await rejection(app.blen(bytes))).toBeInstanceOf(TypeError);
    expect(app.core.gate.poisoned).toBe(false);
    expect(await app.blen(new Uint8Array([1]))).toBe(1);
  });

  it("a u32 field set to -5 while the call waits behind a restart reaches the guest as it was checked", async () => {
    const app = await start(true);
    await rejection(app.boom());
    const p = { x: 7, y: "a" };
    const call = app.point(p);
    p.x = -5;
    expect(await call).toBe(7);
  });

  it("a string field set to a number while the call waits does not poison the instance", async () => {
    const app = await start(true);
    await rejection(app.boom());
    const p: { x: number; y: unknown } = { x: 7, y: "a" };
    const call = app.point(p);
    p.y = 42;
    expect(await call).toBe(7);
    expect(app.core.gate.poisoned).toBe(false);
  });

  it("a lone surrogate is refused with a TypeError instead of arriving as U+FFFD", async () => {
    const app = await start();
    expect(await rejection(app.slen("\uD800"))).toBeInstanceOf(TypeError);
    expect(await app.slen("\u00e9")).toBe(2);
    expect(app.core.gate.poisoned).toBe(false);
  });

  it("a trap still poisons", async () => {
    const app = await start();
    await rejection(app.boom());
    expect(await rejection(app.slen("a"))).toBeInstanceOf(InstancePoisonedError);
  });
});
