/**
 * World selection as wit-parser's `select_world`: a plain name in the main package, `ns:pkg/world` and
 * `ns:pkg/world@version`, and an unknown world reported with the worlds that exist, by full name.
 */
import { describe, expect, it } from "vitest";
import { resolveFiles } from "../../src/wit/load.js";
import { selectWorld } from "../../src/wit/select-world.js";

const WIT = `package wasi:http@0.2.12;

world proxy {
  export handler: func();
}

world imports-only {
  import f: func();
}

package other:pkg@1.0.0 {
  world proxy {
    export g: func();
  }
}
`;

function resolved() {
  const r = resolveFiles(new Map([["http.wit", WIT]]), "http.wit");
  expect(r.diagnostics).toEqual([]);
  return r;
}

describe("selectWorld", () => {
  it("selects `proxy`, `wasi:http/proxy` and `wasi:http/proxy@0.2.12` alike", () => {
    const { resolve, packageIds } = resolved();
    const plain = selectWorld(resolve!, packageIds, "proxy");
    expect(typeof plain).toBe("number");
    expect(selectWorld(resolve!, packageIds, "wasi:http/proxy")).toBe(plain);
    expect(selectWorld(resolve!, packageIds, "wasi:http/proxy@0.2.12")).toBe(plain);
    expect(selectWorld(resolve!, packageIds, "wasi:http@0.2.12/proxy")).toBe(plain);
    const other = selectWorld(resolve!, packageIds, "other:pkg/proxy@1.0.0");
    expect(typeof other).toBe("number");
    expect(other).not.toBe(plain);
    expect(selectWorld(resolve!, packageIds, "other:pkg/proxy")).toBe(other);
  });

  it("lists the worlds by full name when the one asked for does not exist", () => {
    const { resolve, packageIds } = resolved();
    for (const name of ["nope", "wasi:http/proxy@0.2.11", "wasi:cli/proxy"]) {
      const result = selectWorld(resolve!, packageIds, name);
      if (typeof result === "number") throw new Error(`${name} selected a world`);
      expect(result.message).toBe(`no world named \`${name}\``);
      expect(result.hint).toBe(
        "the worlds are `other:pkg/proxy@1.0.0`, `wasi:http/imports-only@0.2.12`, `wasi:http/proxy@0.2.12`",
      );
    }
  });

  it("names a component's own world when the input was a component", () => {
    const r = resolveFiles(
      new Map([["c.wit", "package root:component;\n\nworld root {\n  export f: func();\n}\n"]]),
      "c.wit",
    );
    const result = selectWorld(r.resolve!, r.packageIds, "my-guest-world");
    if (typeof result === "number") throw new Error("selected");
    expect(result.hint).toContain("a component's own world is `root:component/root`");
  });
});
