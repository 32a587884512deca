/**
 * End to end, versions: a componentize-js guest for wit-samples/versions imports `example:dep/test` at
 * 0.1.0 and at 0.2.0. jco alone reads both from one unversioned key; transpiled with the `map` the CLI
 * passes (each versioned import read from its own key), the generated SDK feeds each version its own
 * host implementation, typed by version.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFixture } from "./support/fixtures.js";
import { removeTempDirs } from "./support/temp-dirs.js";
import { loadGuest, type LoadedGuest } from "./fixtures/sdk-support/sdk.js";

const sample = (path: string): string =>
  readFileSync(new URL(`../../wit-samples/versions/${path}`, import.meta.url), "utf8");

/** The sample as one text, its `deps/` as nested packages (componentize-js takes WIT as text). */
const WIT = [sample("versions.wit"), sample("deps/dep-v1/dep.wit"), sample("deps/dep-v2/dep.wit")]
  .map((text, index) =>
    index === 0 ? text : text.replace(/^package ([^;]+);/m, "package $1 {") + "}\n",
  )
  .join("\n");

interface Instance extends AsyncDisposable {
  report(): Promise<string>;
}

let guest: LoadedGuest;

beforeAll(async () => {
  guest = await loadGuest({
    name: "sdk-versions",
    wit: WIT,
    world: "versions",
    js: readFixture("sdk-versions/guest.js"),
    map: {
      "example:dep/test@0.1.0": "example:dep/test@0.1.0",
      "example:dep/test@0.2.0": "example:dep/test@0.2.0",
    },
  });
});

afterAll(removeTempDirs);

describe("two versions of one interface", () => {
  it("each get the host implementation given under their own versioned key", async () => {
    const instantiate = guest.sdk["instantiate"] as (options: object) => Promise<Instance>;
    const calls: string[] = [];
    const app = await instantiate({
      imports: {
        "example:dep/test@0.1.0": { version: () => (calls.push("v1"), "one") },
        "example:dep/test@0.2.0": {
          version: () => (calls.push("v2"), "two"),
          extra: (x: number) => (calls.push(`extra ${x}`), x + 1),
        },
      },
      component: guest.component,
      getCoreModule: guest.getCoreModule,
    });
    try {
      expect(await app.report()).toBe("one|two|42");
      expect(calls).toEqual(["v1", "v2", "extra 41"]);
    } finally {
      await app[Symbol.asyncDispose]();
    }
  });

  it("are typed separately: the 0.2.0 contract has `extra`, the 0.1.0 one does not", () => {
    const index = guest.files.get("index.ts")!.split("\n");
    expect(index).toContain('  readonly "example:dep/test@0.1.0": TestImports;');
    expect(index).toContain('  readonly "example:dep/test@0.2.0": TestImports2;');
    const v1 = guest.files.get("interfaces/example-dep-test-0.1.0.ts")!.split("\n");
    const v2 = guest.files.get("interfaces/example-dep-test-0.2.0.ts")!.split("\n");
    expect(
      v1.slice(
        v1.indexOf("export interface TestImports {"),
        v1.indexOf("export interface TestImports {") + 3,
      ),
    ).toEqual(["export interface TestImports {", "  version(): string;", "}"]);
    expect(
      v2.slice(
        v2.indexOf("export interface TestImports {"),
        v2.indexOf("export interface TestImports {") + 4,
      ),
    ).toEqual([
      "export interface TestImports {",
      "  version(): string;",
      "  extra(x: number): number;",
      "}",
    ]);
  });
});
