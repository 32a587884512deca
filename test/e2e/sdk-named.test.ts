/**
 * End to end, named interfaces: a component for wit-samples/named (a hand-written core module; the
 * WIT parser inside componentize-js does not read `import name: iface;`) imports one interface three
 * times (`import primary: store; import secondary: store; import store;`) and exports it three times
 * (`export mirror: store; export backup: store; export store;`). jco reads the imports from `primary`,
 * `secondary` and `example:named/store`; the generated SDK takes one host implementation under each of
 * those keys and exposes each export under its own name, with the interface's types declared once.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { componentFromWat } from "./support/components.js";
import { readFixture } from "./support/fixtures.js";
import { removeTempDirs } from "./support/temp-dirs.js";
import { loadComponent, type LoadedGuest } from "./fixtures/sdk-support/sdk.js";

const WIT = readFileSync(new URL("../../wit-samples/named/named.wit", import.meta.url), "utf8");

interface Entry {
  key: number;
  value: number;
}
interface Store {
  get(key: number): Promise<number>;
  put(entry: Entry): Promise<void>;
}
interface Instance extends AsyncDisposable {
  readonly mirror: Store;
  readonly backup: Store;
  readonly store: Store;
  sum(key: number): Promise<number>;
}

let guest: LoadedGuest;

beforeAll(async () => {
  guest = await loadComponent({
    name: "sdk-named",
    wit: WIT,
    world: "named",
    bytes: await componentFromWat(readFixture("sdk-named/named.wat"), WIT, "named"),
  });
});

afterAll(removeTempDirs);

/** A host store that answers `offset + key` and records its calls under its name. */
function hostStore(name: string, offset: number, calls: string[]) {
  return {
    get: (key: number): number => (calls.push(`${name} get ${key}`), offset + key),
    put: (entry: Entry) => void calls.push(`${name} put ${entry.key}=${entry.value}`),
  };
}

function instantiate(imports: object): Promise<Instance> {
  const create = guest.sdk["instantiate"] as (options: object) => Promise<Instance>;
  return create({ imports, component: guest.component, getCoreModule: guest.getCoreModule });
}

describe("an interface imported and exported under several names", () => {
  it("calls the host implementation given under each import's own key", async () => {
    const calls: string[] = [];
    const app = await instantiate({
      primary: hostStore("primary", 100, calls),
      secondary: hostStore("secondary", 200, calls),
      "example:named/store": hostStore("store", 300, calls),
    });
    try {
      expect(await app.sum(1)).toBe(101 + 201 + 301);
      expect(calls).toEqual(["primary get 1", "secondary get 1", "store get 1"]);
      calls.length = 0;
      // Each export reaches the guest's implementation of that name, which forwards to one import.
      expect(await app.mirror.get(5)).toBe(1005);
      expect(await app.backup.get(5)).toBe(2005);
      expect(await app.store.get(5)).toBe(3005);
      await app.mirror.put({ key: 1, value: 10 });
      await app.backup.put({ key: 2, value: 20 });
      await app.store.put({ key: 3, value: 30 });
      expect(calls).toEqual(["primary put 1=10", "secondary put 2=20", "store put 3=30"]);
    } finally {
      await app[Symbol.asyncDispose]();
    }
  });

  it("names the missing key when one implementation is left out", async () => {
    await expect(
      instantiate({
        primary: hostStore("primary", 0, []),
        "example:named/store": hostStore("store", 0, []),
      }),
    ).rejects.toThrow('the host did not provide "secondary"');
  });

  it("declares the interface's types once and types each key with the same contract", () => {
    const index = guest.files.get("index.ts")!.split("\n");
    expect(index).toContain("  readonly primary: primary.StoreImports;");
    expect(index).toContain("  readonly secondary: secondary.StoreImports;");
    expect(index).toContain('  readonly "example:named/store": store.StoreImports;');
    const declaring = [...guest.files].filter(([, text]) =>
      text.includes("export interface Entry {"),
    );
    expect(declaring.map(([path]) => path)).toEqual(["interfaces/example-named-store.ts"]);
  });
});
