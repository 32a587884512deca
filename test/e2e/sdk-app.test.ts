/**
 * End to end, the SDK an app developer meets: `wit-ts gen guest.wasm` for the componentize-js guest of
 * fixtures/guest (host interface imports with a resource, a world-level resource `blob`, exported interfaces
 * with records, variants and a guest resource, `result` errors), then an app that imports only from the SDK's
 * `index.js`, compiled with `tsc` into an `outDir` under strict settings (`skipLibCheck: false`, a `lib` without
 * `dom`), the SDK's `component/` folder copied beside the compiled SDK as the README says, and run with Node.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { generateSdk, writeSdk } from "../../src/index.js";
import { buildComponent } from "./support/components.js";
import { readFixture } from "./support/fixtures.js";
import { STRICT_APP_OPTIONS } from "../support/typecheck.js";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..", "..");
// Inside node_modules so that `@types/node` resolves as in an app.
const dir = join(ROOT, "node_modules", ".cache", "wit-ts-e2e", `sdk-app-${process.pid}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const APP = `import {
  instantiate,
  api,
  isCheckedDivError,
  ResultError,
  TrapError,
  type Blob,
  type BlobClass,
  type HostImports,
  type Logger,
  type Point,
  type Imports,
  type WorldInstance,
} from "./sdk/index.js";

class HostLogger implements Logger {
  constructor(readonly name: string) {}
  write(msg: string): number {
    return msg.length;
  }
  prefix(): string {
    return this.name;
  }
  static make(prefix: string): Logger {
    return new HostLogger(prefix);
  }
}

class HostBlob implements Blob {
  constructor(readonly n: number) {}
  size(): number {
    return this.n * 10;
  }
}

const host: HostImports = {
  log: () => {},
  Logger: HostLogger,
  describe: (l) => {
    using handle = l;
    return handle.get().prefix();
  },
  reenter: (x) => x,
  tryThing: (mode) => mode.length,
};
const blobClass: BlobClass = HostBlob;
const imports: Imports = { "wit-ts:e2e/host@0.1.0": host, now: () => 7n, Blob: blobClass };

const app: WorldInstance = await instantiate({ imports });
const out: string[] = [];
out.push(String(await app.add(2, 3)));
out.push(String(await app.blobSize(4)));
const moved: Point = await app.api.movePoint({ x: 1, y: 2 }, 5);
out.push(JSON.stringify(moved));
const shape: api.Shape = { tag: "rect", val: { x: 2, y: 3 } };
out.push(String(await app.api.area(shape)));
try {
  await app.api.checkedDiv(1, 0);
} catch (e) {
  // The guard narrows to this function's own error: \`payload\` is a string, no cast.
  if (isCheckedDivError(e)) {
    const message: string = e.payload;
    out.push("err " + message);
  }
}
out.push(String(api.isCheckedDivError(new ResultError("elsewhere", "another#function"))));
try {
  await app.api.failHard("boom");
} catch (e) {
  out.push(e instanceof TrapError ? "trap" : "other");
}
await app[Symbol.asyncDispose]();
console.log(out.join("|"));
`;

describe("an app built with tsc against a .wasm-generated SDK", () => {
  it("compiles under strict settings without skipLibCheck or dom, importing only index.js, and runs", async () => {
    const bytes = await buildComponent({
      name: "e2e-guest",
      wit: readFixture("guest/guest.wit"),
      js: readFixture("guest/guest.js"),
      world: "guest",
    });
    mkdirSync(join(dir, "src"), { recursive: true });
    const wasm = join(dir, "guest.wasm");
    writeFileSync(wasm, bytes);
    const result = await generateSdk({ input: wasm });
    expect(result.diagnostics).toEqual([]);
    writeSdk(join(dir, "src", "sdk"), result);
    writeFileSync(join(dir, "src", "app.ts"), APP);
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    const { noEmit: _noEmit, ...options } = STRICT_APP_OPTIONS;
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { ...options, rootDir: "src", outDir: "dist" },
        include: ["src/**/*.ts"],
      }),
    );
    let output = "";
    try {
      await run(join(ROOT, "node_modules", ".bin", "tsc"), ["-p", dir], { cwd: dir });
    } catch (error) {
      const failure = error as { stdout?: string; stderr?: string };
      output = `${failure.stdout ?? ""}${failure.stderr ?? ""}`;
    }
    expect(output).toBe("");
    // tsc compiles .ts only: the transpiled component is copied beside the compiled SDK (README, "Building an app with `tsc`").
    cpSync(join(dir, "src", "sdk", "component"), join(dir, "dist", "sdk", "component"), {
      recursive: true,
    });
    const { stdout } = await run(process.execPath, [join(dir, "dist", "app.js")], {
      cwd: dir,
    }).catch((e: { code?: number; stderr?: string; message: string }) => {
      throw new Error(
        `the app failed (exit code ${String(e.code)}; 13 is a top-level await that never settled): ${e.stderr ?? ""}${e.message}`,
      );
    });
    expect(stdout.trim()).toBe('5|40|{"x":6,"y":2}|6|err division by zero|false|trap');
  }, 300_000);
});
