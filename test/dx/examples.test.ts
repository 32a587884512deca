/**
 * The examples run as a user would run them, each from a scratch copy whose node_modules links back to
 * this checkout (wit-ts itself and the tools it uses):
 *
 * - examples/node-app: the guest is built with componentize-js and transpiled with jco (through the
 *   e2e helpers, whose build cache keeps this fast after the first run), `wit-ts gen` reads the
 *   example's config, tsc type-checks and compiles the app, and its output is compared line by line.
 * - examples/vite-app: the example's own component script builds the WAT guest, `vite build` runs the
 *   wit-ts Vite plugin, and the page is served from 127.0.0.1 and driven in headless Chromium (Debian's
 *   /usr/bin/chromium through playwright-core); skipped, saying so, when that browser is absent.
 */
import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve, sep } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildComponent, transpileInstantiation } from "../e2e/support/components.js";

const ROOT = resolve(import.meta.dirname, "..", "..");
const EXAMPLES = join(ROOT, "examples");
const CHROMIUM = "/usr/bin/chromium";
const scratch: string[] = [];
afterAll(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

/** Copies an example (without anything generated) and links the packages it uses from this checkout. */
function copyExample(name: string, links: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), `wit-ts-example-${name}-`));
  scratch.push(dir);
  const ignored = new Set(
    readFileSync(join(EXAMPLES, name, ".gitignore"), "utf8")
      .split("\n")
      .filter(Boolean),
  );
  cpSync(join(EXAMPLES, name), dir, {
    recursive: true,
    filter: (src) => {
      const rel = src
        .slice(join(EXAMPLES, name).length + 1)
        .split(sep)
        .join("/");
      return !ignored.has(`${rel}/`) && !ignored.has(rel);
    },
  });
  mkdirSync(join(dir, "node_modules", "@bytecodealliance"), { recursive: true });
  for (const pkg of links) {
    const target = pkg === "wit-ts" ? ROOT : join(ROOT, "node_modules", pkg);
    symlinkSync(target, join(dir, "node_modules", pkg), "dir");
  }
  return dir;
}

function node(args: string[], cwd: string): string {
  return execFileSync(process.execPath, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
}

describe("examples/node-app", () => {
  it("builds the guest, generates the SDK from the config, type-checks, and runs", async () => {
    const dir = copyExample("node-app", ["wit-ts", "@types", "typescript"]);
    const bytes = await buildComponent({
      wit: readFileSync(join(dir, "wit", "greeter.wit"), "utf8"),
      js: readFileSync(join(dir, "guest", "greeter.js"), "utf8"),
      world: "greeter",
      name: "example-node-app",
    });
    await transpileInstantiation(bytes, { name: "greeter", outDir: join(dir, "component") });

    expect(node([join(dir, "node_modules", "wit-ts", "bin", "wit-ts.js"), "gen"], dir)).toMatch(
      /^wrote \d+ files to src\/sdk \(world example:greeter\/greeter\)\n$/,
    );
    node([join(dir, "node_modules", "typescript", "bin", "tsc"), "-p", "."], dir);
    expect(node([join(dir, "dist", "main.js")], dir)).toBe(
      [
        "  guest log: greeting Ada",
        "Good day, Ada. (greeting #1)",
        "  guest log: greeting Grace",
        "Hi Grace! (greeting #2)",
        "refused: a name is needed",
        "",
      ].join("\n"),
    );
  });
});

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `SKIPPED examples/vite-app: no browser at ${CHROMIUM} (apt-get install chromium; .ci/run does)`,
  );
}

describe.skipIf(!hasChromium)("examples/vite-app in headless Chromium", () => {
  it("builds with the wit-ts Vite plugin and computes in the page", async () => {
    const dir = copyExample("vite-app", [
      "wit-ts",
      "vite",
      "@bytecodealliance/jco",
      "@bytecodealliance/jco-transpile",
    ]);
    expect(node(["scripts/build-component.mjs"], dir)).toMatch(
      /^built build\/stepper\.wasm and src\/component\/ \(\d+ files\)\n$/,
    );

    const { build } = await import("vite");
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      await build({ root: dir, logLevel: "silent" });
    } finally {
      process.chdir(cwd);
    }
    expect(existsSync(join(dir, "src", "sdk", "index.ts"))).toBe(true);

    const server = await serve(join(dir, "dist"));
    const { chromium } = await loadPlaywright();
    const context = await chromium.launchPersistentContext(
      mkdtempSync(join(tmpdir(), "wit-ts-chromium-")),
      {
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
      },
    );
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(`console error: ${m.text()}`);
      });
      const { port } = server.address() as { port: number };
      await page.goto(`http://127.0.0.1:${port}/`);
      const result = page.locator("#result");
      await result.filter({ hasNotText: "loading..." }).waitFor({ timeout: 15_000 });
      expect(await result.textContent()).toBe(
        "6 reaches 1 in 8 steps: 6 → 3 → 10 → 5 → 16 → 8 → 4 → 2 → 1",
      );

      await page.fill("#start", "27");
      await page.click("button");
      await result.filter({ hasText: /^27 / }).waitFor({ timeout: 15_000 });
      const text = (await result.textContent()) ?? "";
      expect(text.startsWith("27 reaches 1 in 111 steps: 27 → 82 → 41 → 124 → ")).toBe(true);
      expect(
        text.endsWith(
          " → 9232 → 4616 → 2308 → 1154 → 577 → 1732 → 866 → 433 → 1300 → 650 → 325 → 976 → 488 → 244 → 122 → 61 → 184 → 92 → 46 → 23 → 70 → 35 → 106 → 53 → 160 → 80 → 40 → 20 → 10 → 5 → 16 → 8 → 4 → 2 → 1",
        ),
      ).toBe(true);
      expect(text.split(" → ")).toHaveLength(112);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
      await new Promise((r) => server.close(r));
    }
  });
});

/** The part of playwright-core's API this test drives. */
interface Locator {
  filter(options: { hasText?: RegExp | string; hasNotText?: RegExp | string }): Locator;
  waitFor(options: { timeout: number }): Promise<void>;
  textContent(): Promise<string | null>;
}
interface Page {
  on(event: "pageerror", listener: (error: Error) => void): void;
  on(event: "console", listener: (message: { type(): string; text(): string }) => void): void;
  goto(url: string): Promise<unknown>;
  locator(selector: string): Locator;
  fill(selector: string, value: string): Promise<void>;
  click(selector: string): Promise<void>;
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
 * project (type-checked with `skipLibCheck: false` and no DOM) does not load, so the import goes
 * through a specifier TypeScript does not follow.
 */
async function loadPlaywright(): Promise<{ chromium: Chromium }> {
  const specifier: string = "playwright-core";
  return (await import(specifier)) as { chromium: Chromium };
}

/** A static file server for a built app on 127.0.0.1 (a free port), with the MIME types browsers check. */
async function serve(root: string): Promise<Server> {
  const types: Record<string, string> = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".wasm": "application/wasm",
    ".css": "text/css; charset=utf-8",
  };
  const server = createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    const file = normalize(join(root, pathname.endsWith("/") ? `${pathname}index.html` : pathname));
    if (!file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) =>
        res
          .writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" })
          .end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return server;
}
