/**
 * End to end, direct calls of a component whose imports the SDK cannot all lower itself: a componentize-js
 * guest built with its WASI stdio (it imports `wasi:io/streams`, `wasi:cli/stdout` and the like and prints with
 * `console.log`) that also imports the host's `request` and `body` resources (constructors, methods, borrows,
 * a request moved to the host) and a plain function the SDK lowers. Its exports of plain types are called
 * directly, those that pass a handle through jco, and they share jco's handle tables. A seeded sequence of
 * operations runs on an instance with direct calls and on one through jco, each with a host of its own: every
 * outcome (values, `ResultError`s, traps), the hosts' logs (constructions, borrows, destructors), what the
 * guest printed and the resource tables must agree. Also: `gen` reports the exports direct, and no task is
 * left behind (idle() and disposal settle). The seed is printed; `WIT_TS_DIFF_SEED` replays one. And the
 * canonical ABI's `may_leave` through jco: an import the SDK lowers traps when the guest calls it from the
 * post-return jco runs, as jco's own trampolines do.
 */
import { readFileSync } from "node:fs";
import { componentEmbed, componentNew, parse } from "@bytecodealliance/jco";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BorrowHandle } from "../../templates/runtime/borrow.js";
import { ResultError } from "../../templates/runtime/errors.js";
import { buildComponent } from "./support/components.js";
import {
  createRandom,
  loadPair,
  outcomeOf,
  same,
  show,
  type DifferentialPair,
  type Outcome,
} from "./support/differential.js";
import { readFixture } from "./support/fixtures.js";
import { removeTempDirs } from "./support/temp-dirs.js";

const SEED = Number(process.env["WIT_TS_DIFF_SEED"] ?? Math.floor(Math.random() * 2 ** 31));
const STEPS = Number(process.env["WIT_TS_DIFF_CALLS"] ?? 250);

const WIT =
  readFileSync(new URL("../../wit-samples/resources/resources.wit", import.meta.url), "utf8") +
  `
interface notes {
  note: func(message: string) -> u32;
}

world direct-jco {
  import http;
  import notes;
  use http.{request};
  export open: func(url: string) -> u32;
  export url: func(i: u32) -> string;
  export write-body: func(i: u32, bytes: list<u8>) -> u64;
  export check: func(i: u32) -> string;
  export check-all: func() -> u32;
  export send: func(i: u32) -> result<u16, string>;
  export drop: func(i: u32);
  export say: func(message: string) -> u32;
  export take: func(req: request) -> u32;
  export give: func(i: u32) -> request;
}
`;

afterAll(removeTempDirs);

/** One instance's host: what it saw, in order, and what the guest printed. */
interface Host {
  readonly log: string[];
  readonly stdout: number[];
  /** The host's `request` class, to make requests the host hands to the guest. */
  Request?: new (url: string) => { url(): string };
}

function hostOf(host: Host): object {
  const log = host.log;
  class Body {
    readonly bytes: number[] = [];
    constructor(readonly of: string) {}
    write(chunk: Uint8Array): void {
      this.bytes.push(...chunk);
    }
    size(): bigint {
      return BigInt(this.bytes.length);
    }
    [Symbol.dispose](): void {
      log.push(`dispose body of ${this.of} (${this.bytes.length} bytes)`);
    }
  }
  class Request {
    constructor(readonly target: string) {
      log.push(`new ${target}`);
    }
    url(): string {
      return this.target;
    }
    body(): Body {
      return new Body(this.target);
    }
    static send(req: Request): number {
      log.push(`send ${req.url()}`);
      if (!req.url().startsWith("https:")) throw new ResultError("insecure url");
      return 200;
    }
    [Symbol.dispose](): void {
      log.push(`dispose ${this.target}`);
    }
  }
  host.Request = Request;
  return {
    "example:resources/http": {
      Request,
      Body,
      inspect(req: BorrowHandle<Request>): string {
        const seen = `seen ${req.get().url()}`;
        req.drop();
        return seen;
      },
      inspectAll(reqs: BorrowHandle<Request>[]): number {
        log.push(`inspect ${reqs.map((r) => r.get().url()).join(",")}`);
        for (const req of reqs) req.drop();
        return reqs.length;
      },
    },
    "example:resources/notes": {
      note(message: string): number {
        log.push(`note ${message}`);
        return message.length;
      },
    },
  };
}

type Fn = (...args: unknown[]) => Promise<unknown>;
type SyncFn = (...args: unknown[]) => unknown;

interface Side {
  readonly app: Record<string, unknown>;
  readonly host: Host;
}

describe("a guest importing host resources and WASI streams, called directly", () => {
  let pair: DifferentialPair;
  const hosts = { direct: { log: [], stdout: [] } as Host, jco: { log: [], stdout: [] } as Host };

  beforeAll(async () => {
    const bytes = await buildComponent({
      name: "direct-jco-imports",
      wit: WIT,
      world: "direct-jco",
      js: readFixture("direct-jco-imports/guest.js"),
      features: ["stdio"],
    });
    pair = await loadPair("direct-jco-imports", bytes, {}, (path) => ({
      imports: hostOf(hosts[path]),
      wasi: { stdout: (bytes: Uint8Array) => hosts[path].stdout.push(...bytes) },
    }));
    console.log(
      `direct calls with jco's import trampolines: seed ${SEED}, ${STEPS} steps (WIT_TS_DIFF_SEED=${SEED} replays)`,
    );
  }, 300_000);

  it("is reported direct but for the exports that pass a handle", () => {
    expect(pair.report.total).toBe(10);
    expect(pair.report.viaJco.map(([name]) => name).sort()).toEqual(["give", "take"]);
    expect(pair.report.direct).toBe(8);
    const index = pair.files.get("index.ts")!;
    // jco's trampolines stay for the resource functions, of the host's resources and of WASI's streams.
    expect(index).toContain("jcoImports: [{ name: ");
    expect(index).toContain('{ name: "example:resources/http#[constructor]request", sites: ');
    expect(index).toMatch(
      /\{ name: "wasi:io\/streams@[0-9.]+#\[method\]output-stream\.[a-z-]+", sites: /,
    );
    expect(index).toContain('directImports: [{ name: "example:resources/notes#note"');
    const entry = [...pair.files].find(([path]) => path.startsWith("component/"))![1];
    expect(entry).toContain('Symbol.for("wit-ts.jco-untasked-imports.v1")');
  });

  it("gives identical outcomes, host events, output and tables through both paths", async () => {
    const random = createRandom(SEED);
    const pick = (n: number): number => Math.floor(random() * n);
    const sides: Record<"direct" | "jco", Side> = {
      direct: { app: pair.direct, host: hosts.direct },
      jco: { app: pair.viaJco, host: hosts.jco },
    };
    // The indices the guest holds a request at (as far as the test knows), so that most calls find one.
    let live: number[] = [];
    let opened = 0;
    const urls = ["https://a", "http://b", "https://ü/ç", ""];
    for (let step = 0; step < STEPS; step++) {
      // An index the guest holds nothing at makes it trap: both paths must trap alike, then restart (which
      // instantiates the large guest again: not too often).
      const i =
        live.length === 0 || random() < 0.03 ? opened + pick(3) - 1 : live[pick(live.length)]!;
      const op = pick(11);
      const url = `${urls[pick(urls.length)]}${step}`;
      const bytes = new Uint8Array(pick(40)).map(() => pick(256));
      const message = ["", "hello", "ünïcödé ✓", "x".repeat(300)][pick(4)]!;
      const sync = random() < 0.5;
      const call = async (side: Side, path: "direct" | "jco"): Promise<Outcome> => {
        const app = side.app;
        const run = (name: string, ...args: unknown[]): Promise<unknown> => {
          const poisoned = (app as { readonly poisoned: boolean }).poisoned;
          // The synchronous form on the direct instance, half of the time (not to restart after a trap);
          // every export but those passing a handle has one, being direct.
          const direct = name !== "take" && name !== "give";
          expect(typeof app[`${name}Sync`], `${name}Sync`).toBe(direct ? "function" : "undefined");
          if (path === "direct" && sync && !poisoned && direct)
            return (async () => (app[`${name}Sync`] as SyncFn)(...args))();
          return (app[name] as Fn)(...args);
        };
        return outcomeOf(async () => {
          switch (op) {
            case 0:
            case 1:
              return await run("open", url);
            case 2:
              return await run("url", i);
            case 3:
              return await run("writeBody", i, bytes);
            case 4:
              return await run("check", i);
            case 5:
              return await run("checkAll");
            case 6:
              return await run("send", i);
            case 7:
              return await run("drop", i);
            case 8:
              return await run("say", message);
            case 9:
              return await run("take", new side.host.Request!(url));
            default: {
              const given = (await run("give", i)) as { url(): string; [Symbol.dispose](): void };
              const target = given.url();
              given[Symbol.dispose]();
              return target;
            }
          }
        });
      };
      const a = await call(sides.direct, "direct");
      const b = await call(sides.jco, "jco");
      const where = `step ${step}, operation ${op}, index ${i} [seed ${SEED}]`;
      if (!same(a, b))
        expect.fail(
          `direct and jco differ at ${where}:\n  direct: ${show(a)}\n  jco:    ${show(b)}`,
        );
      if (a.kind === "value" && (op === 0 || op === 1 || op === 9)) {
        live.push(Number(a.value));
        opened = Number(a.value) + 1;
      }
      if (op === 6 || op === 7 || op === 10) live = live.filter((at) => at !== i);
      // A trap restarts the instance before its next call: the guest then holds nothing.
      if (a.kind === "error" && a.name === "TrapError") {
        live = [];
        opened = 0;
      }
      const logs = [hosts.direct.log.length, hosts.jco.log.length];
      if (logs[0] !== logs[1] || !same(hosts.direct.log, hosts.jco.log))
        expect.fail(
          `host logs differ after ${where}:\n  ${show(hosts.direct.log.slice(-5))}\n  ${show(hosts.jco.log.slice(-5))}`,
        );
    }
    expect(Buffer.from(hosts.direct.stdout).toString("utf8")).toBe(
      Buffer.from(hosts.jco.stdout).toString("utf8"),
    );
    expect(hosts.direct.stdout.length).toBeGreaterThan(0);
    const size = (app: Record<string, unknown>): number =>
      (app["resources"] as { readonly size: number }).size;
    expect(size(pair.direct)).toBe(size(pair.viaJco));
  }, 300_000);

  it("leaves no task behind: idle() settles after direct calls that reach jco's trampolines", async () => {
    const app = pair.direct as Record<string, Fn & SyncFn>;
    const i = (await app["open"]!("https://idle")) as number;
    expect(app["urlSync"]!(i)).toBe("https://idle");
    expect(await app["check"]!(i)).toBe("seen https://idle");
    expect(await app["say"]!("bye")).toBe(3);
    const idle = (pair.direct as { idle(): Promise<void> }).idle();
    const late = new Promise((resolve) => setTimeout(() => resolve("still waiting"), 5_000));
    expect(await Promise.race([idle.then(() => "idle"), late])).toBe("idle");
  });
});

describe("may_leave on the direct path: jco's trampolines refuse a guest in the SDK's post-return", () => {
  // The exports are direct; the constructor of the host's \`thing\` keeps jco's trampoline.
  const wit = `package t:leave;
world w {
  resource thing {
    constructor();
  }
  export makes: func() -> u32;
  export makes-in-post-return: func() -> string;
}`;
  const wat = `(module
    (import "$root" "[constructor]thing" (func $new (result i32)))
    (memory (export "memory") 1)
    (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024))
    (func (export "makes") (result i32) (call $new))
    (func (export "makes-in-post-return") (result i32)
      (i32.store (i32.const 16) (i32.const 64)) (i32.store (i32.const 20) (i32.const 0)) (i32.const 16))
    (func (export "cabi_post_makes-in-post-return") (param i32) (drop (call $new))))`;

  it("traps when the guest calls a resource import then, and lets it call one otherwise", async () => {
    const bytes = await componentNew(
      await componentEmbed({ binary: await parse(wat), witSource: wit, world: "w" }),
    );
    let made = 0;
    const pair = await loadPair("direct-leave-kept", bytes, {
      Thing: class {
        constructor() {
          made++;
        }
      },
    });
    expect(pair.report).toEqual({ total: 2, direct: 2, viaJco: [] });
    expect(pair.files.get("index.ts")).toContain(
      'jcoImports: [{ name: "[constructor]thing", sites: ',
    );
    const app = pair.direct as Record<string, Fn & SyncFn>;
    expect(app["makesSync"]!()).toBe(1);
    expect(made).toBe(1);
    await expect(app["makesInPostReturn"]!()).rejects.toMatchObject({ name: "TrapError" });
    expect(made).toBe(1);
    expect(await app["makes"]!()).toBe(1);
    expect(made).toBe(2);
  });
});

describe("may_leave through jco: an import the SDK lowers refuses a guest in jco's post-return", () => {
  // The exports take a host resource, so they go through jco even on an instance with direct calls, whose
  // \`ping\` the SDK lowers. The realloc and the post-return call the host.
  const wit = `package t:leave;
world w {
  resource thing;
  import ping: func(x: u32) -> u32;
  export calls-ping: func(t: thing, x: u32) -> u32;
  export pings-in-post-return: func(t: thing, x: u32) -> string;
  export pings-in-realloc: func(t: thing, s: string) -> u32;
}`;
  const wat = `(module
    (import "$root" "ping" (func $ping (param i32) (result i32)))
    (memory (export "memory") 1)
    (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
      (drop (call $ping (i32.const 2)))
      (i32.const 1024))
    (func (export "calls-ping") (param i32 i32) (result i32) (call $ping (local.get 1)))
    (func (export "pings-in-post-return") (param i32 i32) (result i32)
      (i32.store (i32.const 16) (i32.const 64)) (i32.store (i32.const 20) (i32.const 0)) (i32.const 16))
    (func (export "cabi_post_pings-in-post-return") (param i32) (drop (call $ping (i32.const 3))))
    (func (export "pings-in-realloc") (param i32 i32 i32) (result i32) (local.get 2)))`;

  it("traps like the direct path in the post-return; jco 1.35 does not guard the realloc it calls", async () => {
    const bytes = await componentNew(
      await componentEmbed({ binary: await parse(wat), witSource: wit, world: "w" }),
    );
    const pings: number[] = [];
    class Thing {}
    const pair = await loadPair("direct-leave-jco", bytes, {
      Thing,
      ping: (x: number) => {
        pings.push(x);
        return x + 1;
      },
    });
    expect(pair.report.direct).toBe(0);
    expect(pair.files.get("index.ts")).toContain('directImports: [{ name: "ping"');
    const app = pair.direct as Record<string, Fn>;
    expect(await app["callsPing"]!(new Thing(), 1)).toBe(2);
    await expect(app["pingsInPostReturn"]!(new Thing(), 0)).rejects.toMatchObject({
      name: "TrapError",
    });
    expect(await app["callsPing"]!(new Thing(), 5)).toBe(6);
    // The realloc jco calls to pass the string reaches the host: a known gap of jco's path.
    expect(await app["pingsInRealloc"]!(new Thing(), "abc")).toBe(3);
    expect(pings).toEqual([1, 5, 2]);
  });
});
