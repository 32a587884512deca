/**
 * The keys jco reads the host's imports under (`instance-core.ts`'s `startInstance`), over a fake component
 * that records the import object it is given: each versioned interface also under its unversioned id (jco
 * reads that one unless transpiled with `map`), except where two versions of one interface would share it.
 */
import { describe, expect, it } from "vitest";
import {
  createInstanceCore,
  startInstance,
  type ComponentModule,
} from "../../../templates/runtime/instance-core.js";

/** Starts an instance of a component that exports nothing; resolves with the imports jco was given. */
async function fed(
  imports: Record<string, unknown>,
  versions?: Readonly<Record<string, readonly string[]>>,
): Promise<Record<string, unknown>> {
  let given: Record<string, unknown> | undefined;
  const component: ComponentModule = {
    instantiate(_getCoreModule, jcoImports) {
      given = jcoImports as Record<string, unknown>;
      return Promise.resolve({});
    },
  };
  const core = await createInstanceCore({ component, directCalls: false });
  await startInstance(core, imports, versions);
  return given!;
}

describe("startInstance: the keys of jco's import object", () => {
  it("adds the unversioned key of a versioned interface, the same object", async () => {
    const log = { line: () => undefined };
    const given = await fed({ "example:greeter/log@0.1.0": log, "plain:pkg/iface": {} });
    expect(given["example:greeter/log"]).toBe(log);
    expect(given["example:greeter/log@0.1.0"]).toBe(log);
    expect(Object.keys(given).sort()).toEqual([
      "example:greeter/log",
      "example:greeter/log@0.1.0",
      "plain:pkg/iface",
    ]);
  });

  it("leaves a key the SDK gave alone, and never lets two versions share one", async () => {
    const mine = {};
    const given = await fed({ "a:b/c@1.0.0": {}, "a:b/c": mine });
    expect(given["a:b/c"]).toBe(mine);
    const two = await fed(
      { "a:b/c@1.0.0": {}, "a:b/c@2.0.0": {} },
      { "a:b/c": ["a:b/c@1.0.0", "a:b/c@2.0.0"] },
    );
    expect(Object.keys(two).sort()).toEqual(["a:b/c@1.0.0", "a:b/c@2.0.0"]);
    expect(() => two["a:b/c"]).toThrow("transpiled without jco's `map`");
    // Two versions, one of them with nothing for jco to read: still never under the shared key.
    const one = await fed({ "a:b/c@1.0.0": {} }, { "a:b/c": ["a:b/c@1.0.0"] });
    expect(Object.keys(one)).toEqual(["a:b/c@1.0.0"]);
  });
});
