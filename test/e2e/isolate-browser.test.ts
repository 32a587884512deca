/**
 * End to end, isolated instances in a browser: the WAT guest of fixtures/isolate (transpiled by jco) and the
 * SDK wit-ts generates for it are served from 127.0.0.1 with the headers that make a page cross-origin isolated
 * (COOP `same-origin`, COEP `require-corp`), and a page in headless Chromium (Debian's /usr/bin/chromium
 * through playwright-core) instantiates it with `isolate`: the guest runs in a module Web Worker, its
 * synchronous import blocks that worker on `Atomics.wait` until the page's handler has answered through shared
 * memory, a loop that never ends is cut at its deadline while the page's timers keep firing, and a grow past
 * the memory cap traps with `MemoryLimitError`. Skipped, saying so, when that browser is absent.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { basename, dirname, extname, join, normalize, sep } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { componentFromWat } from "./support/components.js";
import { readFixture } from "./support/fixtures.js";
import { removeTempDirs } from "./support/temp-dirs.js";
import { prepareComponent, type PreparedComponent } from "./fixtures/sdk-support/sdk.js";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `SKIPPED isolated instances in a browser: no browser at ${CHROMIUM} (apt-get install chromium)`,
  );
}

/** The page: instantiates the sandbox isolated and records what each scenario observed in `window.outcome`. */
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>isolated instance</title>
<script type="module">
  const outcome = { crossOriginIsolated: globalThis.crossOriginIsolated };
  const describe = (error) => ({
    name: error?.name,
    message: error?.message,
    cause: error?.cause?.name,
    functionName: error?.functionName,
    limitBytes: error?.cause?.limitBytes,
    requestedBytes: error?.cause?.requestedBytes,
  });
  const settle = (promise) => promise.then((value) => ({ value }), (error) => ({ error: describe(error) }));
  try {
    const { instantiate } = await import("/sdk/index.js");
    const componentUrl = new URL("/component/ENTRY", location.href);
    const noComponent = { instantiate: () => { throw new Error("instantiated on the page's thread"); } };
    const seen = [];
    const app = await instantiate({
      imports: { tick: (x) => (seen.push(x), x * 10) },
      component: noComponent,
      isolate: { componentUrl, callTimeoutMs: 2000 },
    });
    outcome.add = await app.add(2, 3);
    outcome.echo = await app.echo("héllo, wörld");
    outcome.ticks = [await app.callTick(4), await app.callTick(7)];
    outcome.seen = [...seen];
    outcome.concurrent = await Promise.all(Array.from({ length: 100 }, (_, i) => app.callTick(i)));
    await app[Symbol.asyncDispose]();

    const looping = await instantiate({
      imports: { tick: (x) => x },
      component: noComponent,
      isolate: { componentUrl, callTimeoutMs: 300 },
      restart: true,
    });
    let intervals = 0;
    const interval = setInterval(() => intervals++, 10);
    const began = performance.now();
    outcome.spin = await settle(looping.spin());
    outcome.spinMs = performance.now() - began;
    clearInterval(interval);
    outcome.intervals = intervals;
    outcome.afterRestart = await looping.callTick(5);
    await looping[Symbol.asyncDispose]();

    const capped = await instantiate({
      imports: { tick: (x) => x },
      component: noComponent,
      isolate: { componentUrl, memoryLimitBytes: 16 * 1024 * 1024 },
    });
    outcome.grown = await capped.grow(200);
    outcome.bomb = await settle(capped.bomb());
    await capped[Symbol.asyncDispose]();
  } catch (error) {
    outcome.failure = String(error?.stack ?? error);
  }
  window.outcome = outcome;
</script>
`;

let prepared: PreparedComponent;
let server: Server | undefined;
const scratch: string[] = [];

beforeAll(async () => {
  if (!hasChromium) return;
  const wit = readFixture("isolate/sandbox.wit");
  prepared = await prepareComponent({
    name: "isolate-browser",
    wit,
    world: "sandbox",
    bytes: await componentFromWat(readFixture("isolate/sandbox.wat"), wit, "sandbox"),
  });
  server = await serve({
    "/sdk/": dirname(prepared.sdkIndex),
    "/component/": prepared.transpiled.outDir,
  });
});

afterAll(async () => {
  if (server !== undefined) await new Promise((r) => server!.close(r));
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  await removeTempDirs();
});

describe.skipIf(!hasChromium)("isolated instances in headless Chromium", () => {
  it("run in a Web Worker: a sync import answers through shared memory, deadlines and the memory cap hold", async () => {
    const { chromium } = await loadPlaywright();
    const profile = mkdtempSync(join(tmpdir(), "wit-ts-chromium-"));
    scratch.push(profile);
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(`console error: ${m.text()}`);
      });
      const { port } = server!.address() as { port: number };
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction("window.outcome !== undefined", undefined, { timeout: 60_000 });
      const outcome = (await page.evaluate("window.outcome")) as Record<string, unknown>;
      expect(outcome["failure"]).toBeUndefined();
      expect(outcome["crossOriginIsolated"]).toBe(true);
      expect(outcome["add"]).toBe(5);
      expect(outcome["echo"]).toBe("héllo, wörld");
      expect(outcome["ticks"]).toEqual([40, 70]);
      expect(outcome["seen"]).toEqual([4, 7]);
      expect(outcome["concurrent"]).toEqual(Array.from({ length: 100 }, (_, i) => i * 10));

      expect(outcome["spin"]).toEqual({
        error: {
          name: "CallTimeoutError",
          message:
            "`spin` was still running after its deadline of 300 ms: the worker running the guest was terminated",
          functionName: "spin",
        },
      });
      expect(outcome["spinMs"]).toBeGreaterThanOrEqual(290);
      expect(outcome["spinMs"]).toBeLessThan(300 + 2000);
      expect(outcome["intervals"]).toBeGreaterThanOrEqual(5);
      expect(outcome["afterRestart"]).toBe(5);

      expect(outcome["grown"]).toBe(1);
      expect(outcome["bomb"]).toMatchObject({
        error: { name: "TrapError", cause: "MemoryLimitError", limitBytes: 16 * 1024 * 1024 },
      });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

/** The part of playwright-core's API this test drives. */
interface Page {
  on(event: "pageerror", listener: (error: Error) => void): void;
  on(event: "console", listener: (message: { type(): string; text(): string }) => void): void;
  goto(url: string): Promise<unknown>;
  waitForFunction(body: string, arg: undefined, options: { timeout: number }): Promise<unknown>;
  evaluate(body: string): Promise<unknown>;
}
interface BrowserContext {
  newPage(): Promise<Page>;
  close(): Promise<void>;
}
interface Chromium {
  launchPersistentContext(
    userDataDir: string,
    options: { executablePath: string; headless: boolean; args: string[] },
  ): Promise<BrowserContext>;
}

/**
 * playwright-core, typed by the interfaces above: its own declarations need the DOM library, which this
 * project does not load, so the import goes through a specifier TypeScript does not follow.
 */
async function loadPlaywright(): Promise<{ chromium: Chromium }> {
  const specifier: string = "playwright-core";
  return (await import(specifier)) as { chromium: Chromium };
}

/**
 * A static server on 127.0.0.1 (a free port): the page at `/`, folders under their prefixes, every response
 * with the headers that make the page cross-origin isolated (so that it has `SharedArrayBuffer`).
 */
async function serve(folders: Readonly<Record<string, string>>): Promise<Server> {
  const types: Record<string, string> = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".wasm": "application/wasm",
  };
  const isolation = {
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-embedder-policy": "require-corp",
    "cross-origin-resource-policy": "same-origin",
  };
  const entry = basename(prepared.transpiled.entryPath);
  const server = createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    if (pathname === "/") {
      res
        .writeHead(200, { "content-type": types[".html"], ...isolation })
        .end(PAGE.replace("ENTRY", entry));
      return;
    }
    if (pathname === "/favicon.ico") {
      res.writeHead(204, isolation).end();
      return;
    }
    const prefix = Object.keys(folders).find((p) => pathname.startsWith(p));
    const root = prefix === undefined ? undefined : folders[prefix];
    const file =
      root === undefined ? undefined : normalize(join(root, pathname.slice(prefix!.length)));
    if (root === undefined || file === undefined || !file.startsWith(root + sep)) {
      res.writeHead(404, isolation).end();
      return;
    }
    readFile(file).then(
      (body) =>
        res
          .writeHead(200, {
            "content-type": types[extname(file)] ?? "application/octet-stream",
            ...isolation,
          })
          .end(body),
      () => res.writeHead(404, isolation).end(),
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return server;
}
