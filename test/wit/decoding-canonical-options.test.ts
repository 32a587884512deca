/**
 * Unit tests of src/wit/decoding/canonical-options.ts: the canonical options of a component's lifted exports and
 * lowered imports, read from the binary, and the core instance (by instantiation ordinal) and export name of each
 * core item. Inputs are components built in memory with jco's JS API: wit-component encodings of hand-written core
 * modules in each string encoding (what real guests look like: a shim and a fixup module around the main one,
 * interfaces exported through a nested shim component), and hand-written component WAT that passes core items
 * through inline core instances, nests core modules, or uses async built-ins. One test transpiles a component with
 * jco and checks that the ordinals name jco's `instantiateCore` calls.
 */
import { readFileSync } from "node:fs";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { componentEmbed, componentNew, parse, transpile } from "@bytecodealliance/jco";
import { describe, expect, it } from "vitest";
import {
  decodeCanonicalOptions,
  type ComponentCanon,
} from "../../src/wit/decoding/canonical-options.js";
import { wasm, type CoreImports, type CoreModule } from "../e2e/support/wasm.js";

const WIT = `package t:x;
interface api {
  echo: func(s: string) -> string;
  add: func(a: u32, b: u32) -> u32;
}
interface host {
  h: func(s: string) -> string;
}
world w {
  import cb: func(x: u32) -> u32;
  import host;
  export api;
  export top: func(a: u32) -> u32;
}`;

/** A core module with the canonical ABI's export names; its post-return is deliberately named unlike `cabi_post_*`. */
const CORE = `(module
  (import "$root" "cb" (func $cb (param i32) (result i32)))
  (import "t:x/host" "h" (func $h (param i32 i32 i32)))
  (memory (export "memory") 1)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) i32.const 64)
  (func (export "t:x/api#echo") (param i32 i32) (result i32) i32.const 16)
  (func (export "cabi_post_t:x/api#echo") (param i32))
  (func (export "t:x/api#add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "top") (param i32) (result i32) local.get 0 call $cb))`;

async function wrap(encoding?: "utf8" | "utf16" | "compact-utf16"): Promise<Uint8Array> {
  const binary = await parse(CORE);
  return componentNew(
    await componentEmbed({
      binary,
      witSource: WIT,
      world: "w",
      ...(encoding === undefined ? {} : { stringEncoding: encoding }),
    }),
  );
}

function decode(bytes: Uint8Array): ComponentCanon {
  const result = decodeCanonicalOptions(bytes);
  if ("error" in result) throw new Error(result.error);
  return result;
}

describe("canonical options of a wit-component encoding", () => {
  it("names each lifted export's core function, memory, realloc and post-return by instantiation and export", async () => {
    const canon = decode(await wrap());
    expect(canon.unsupported).toBeUndefined();
    // The shim module is instantiated first, the main module second, the fixup module third.
    expect(canon.instantiations).toBe(3);
    expect(canon.exports.get("top")).toEqual({
      kind: "lifted",
      core: { instance: 1, name: "top" },
      options: {
        memory: undefined,
        realloc: undefined,
        postReturn: undefined,
        encoding: "utf8",
        async: false,
      },
    });
    expect(canon.exports.get("t:x/api#echo")).toEqual({
      kind: "lifted",
      core: { instance: 1, name: "t:x/api#echo" },
      options: {
        memory: { instance: 1, name: "memory" },
        realloc: { instance: 1, name: "cabi_realloc" },
        postReturn: { instance: 1, name: "cabi_post_t:x/api#echo" },
        encoding: "utf8",
        async: false,
      },
    });
    expect(canon.exports.get("t:x/api#add")).toMatchObject({
      kind: "lifted",
      core: { instance: 1, name: "t:x/api#add" },
    });
    expect([...canon.exports.keys()].sort()).toEqual(["t:x/api#add", "t:x/api#echo", "top"]);
  });

  it("reads the lowered imports' options", async () => {
    const canon = decode(await wrap());
    expect(canon.imports.get("cb")?.options).toMatchObject({ memory: undefined, encoding: "utf8" });
    expect(canon.imports.get("t:x/host#h")?.options).toMatchObject({
      memory: { instance: 1, name: "memory" },
      realloc: { instance: 1, name: "cabi_realloc" },
    });
  });

  it.each([
    ["utf16", "utf16"],
    ["compact-utf16", "latin1+utf16"],
  ] as const)("reads string encoding %s", async (encoding, expected) => {
    const canon = decode(await wrap(encoding));
    expect(canon.exports.get("t:x/api#echo")).toMatchObject({ options: { encoding: expected } });
  });

  it("gives the ordinals of jco's instantiateCore calls", async () => {
    const bytes = await wrap();
    const canon = decode(bytes);
    const dir = mkdtempSync(join(tmpdir(), "wit-ts-canon-"));
    try {
      const out = await transpile(bytes, { name: "c", instantiation: "async", quiet: true });
      for (const [name, content] of Object.entries(out.files)) {
        mkdirSync(dirname(join(dir, name)), { recursive: true });
        writeFileSync(join(dir, name), content);
      }
      const module = (await import(pathToFileURL(join(dir, "c.js")).href)) as {
        instantiate(
          get: (f: string) => unknown,
          imports: object,
          core: (m: unknown, i: unknown) => unknown,
        ): Promise<unknown>;
      };
      const instances: { exports: Record<string, unknown> }[] = [];
      await module.instantiate(
        (file) => new wasm.Module(readFileSync(join(dir, file))),
        { cb: { default: (x: number) => x }, "t:x/host": { h: (s: string) => s } },
        (m, i) => {
          const instance = new wasm.Instance(m as CoreModule, i as CoreImports);
          instances.push(instance as unknown as { exports: Record<string, unknown> });
          return instance;
        },
      );
      expect(instances).toHaveLength(canon.instantiations);
      for (const lifted of canon.exports.values()) {
        if (lifted.kind !== "lifted") throw new Error(lifted.reason);
        expect(typeof instances[lifted.core.instance]!.exports[lifted.core.name]).toBe("function");
        const memory = lifted.options.memory;
        if (memory !== undefined)
          expect(instances[memory.instance]!.exports[memory.name]).toHaveProperty("buffer");
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("canonical options of hand-written components", () => {
  it("follows core items through inline core instances and exports through inline instances", async () => {
    const bytes = await parse(`(component
      (core module $m
        (memory (export "mem") 1)
        (func (export "f") (param i32) (result i32) local.get 0)
        (func (export "g") (param i32 i32) (result i32) i32.const 8)
        (func (export "realloc") (param i32 i32 i32 i32) (result i32) i32.const 16)
        (func (export "post") (param i32)))
      (core instance $a (instantiate $m))
      (core instance $bag (export "ff" (func $a "f")) (export "mm" (memory $a "mem")))
      (alias core export $bag "ff" (core func $f))
      (alias core export $bag "mm" (core memory $mem))
      (alias core export $a "g" (core func $g))
      (alias core export $a "realloc" (core func $realloc))
      (alias core export $a "post" (core func $post))
      (type $ft (func (param "x" u32) (result u32)))
      (func $lf (type $ft) (canon lift (core func $f)))
      (type $gt (func (param "s" string) (result string)))
      (func $lg (type $gt) (canon lift (core func $g) (memory $mem) (realloc $realloc)
        string-encoding=latin1+utf16 (post-return $post)))
      (export "f" (func $lf))
      (instance $i (export "g" (func $lg)))
      (export "t:x/i" (instance $i)))`);
    const canon = decode(bytes);
    expect(canon.exports.get("f")).toMatchObject({
      kind: "lifted",
      core: { instance: 0, name: "f" },
    });
    expect(canon.exports.get("t:x/i#g")).toEqual({
      kind: "lifted",
      core: { instance: 0, name: "g" },
      options: {
        memory: { instance: 0, name: "mem" },
        realloc: { instance: 0, name: "realloc" },
        // Named `post`: the binary says it is the post-return, whatever its name.
        postReturn: { instance: 0, name: "post" },
        encoding: "latin1+utf16",
        async: false,
      },
    });
  });

  it("gives up on a component whose nested component has core modules (jco interleaves their instantiations)", async () => {
    const bytes = await parse(`(component
      (component $inner
        (core module $n (func (export "x")))
        (core instance (instantiate $n)))
      (instance (instantiate $inner))
      (core module $m (func (export "f") (param i32) (result i32) local.get 0))
      (core instance $a (instantiate $m))
      (alias core export $a "f" (core func $f))
      (type $ft (func (param "x" u32) (result u32)))
      (func $lf (type $ft) (canon lift (core func $f)))
      (export "f" (func $lf)))`);
    const canon = decode(bytes);
    expect(canon.unsupported).toBe("a nested component has core modules of its own");
    expect(canon.exports.get("f")).toEqual({
      kind: "unreachable",
      reason: "a nested component has core modules of its own",
    });
  });

  it("says why a re-exported import is not lifted", async () => {
    const bytes = await parse(`(component
      (type $ft (func (param "x" u32) (result u32)))
      (import "f" (func $f (type $ft)))
      (export "g" (func $f)))`);
    expect(decode(bytes).exports.get("g")).toEqual({
      kind: "unreachable",
      reason: "it re-exports an import",
    });
  });

  it("refuses a core module as an error, not a guess", async () => {
    const bytes = await parse(`(module)`);
    expect(decodeCanonicalOptions(bytes)).toEqual({ error: "a core module, not a component" });
  });
});
