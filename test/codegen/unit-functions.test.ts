/**
 * A unit's function descriptions live as long as its file is printed: the generator describes them just before
 * and lets them go after, keeping only what the index reads of them (whether the host implements anything,
 * static sides, error aliases and guards). Checked on a small world: the kept surface says what the full
 * descriptions said, and asking for released descriptions fails loudly instead of claiming names twice.
 */
import { describe, expect, it } from "vitest";
import {
  releaseUnitFunctions,
  unitFunctions,
  unitSurface,
} from "../../src/codegen/emit-functions.js";
import { createPlan, type Plan, type Unit } from "../../src/codegen/emit-plan.js";
import { selectWorld } from "../../src/codegen/generate.js";
import { createSdkRuntime } from "../../src/codegen/runtime-files.js";
import type { EmitContext } from "../../src/codegen/type-expr.js";
import { resolveFiles } from "../../src/wit/load.js";

const WIT = `package test:app@1.0.0;

interface shapes {
  resource canvas {
    constructor();
    draw: func(x: u32) -> result<u32, string>;
    open: static func(name: string) -> result<canvas, string>;
  }
  resource brush {
    paint: func();
  }
  area: func(x: u32) -> result<u32, string>;
  name: func() -> string;
}

world app {
  import shapes;
  export shapes;
}
`;

function plan(): Plan {
  const resolved = resolveFiles(new Map([["app.wit", WIT]]), "app.wit");
  expect(resolved.diagnostics).toEqual([]);
  const world = selectWorld(resolved.resolve!, resolved.packageIds);
  if (typeof world !== "number") throw new Error(world.message);
  return createPlan(resolved.resolve!, world);
}

function context(p: Plan, unit: Unit): EmitContext {
  const runtime = createSdkRuntime(undefined);
  return {
    plan: p,
    resolve: p.resolve,
    unit,
    runtime: runtime.importsFor(unit.path),
    borrows: "explicit",
  };
}

describe("unit function descriptions", () => {
  it("keep what the index reads once released", () => {
    const p = plan();
    for (const unit of p.units) {
      const cx = context(p, unit);
      const before = unitSurface(cx, unit);
      releaseUnitFunctions(unit);
      const after = unitSurface(cx, unit);
      expect(after).toEqual(before);
      expect(after.hasFunctions).toBe(true);
      const canvas = [...unit.resources.keys()].find(
        (id) => p.resolve.types[id]!.name === "canvas",
      );
      expect([...after.staticSides]).toEqual([canvas]);
      expect(after.errorAliases).toEqual(["AreaError", "CanvasDrawError", "CanvasOpenError"]);
      expect(after.errorGuards).toEqual(
        unit.side === "export" ? ["isAreaError", "isCanvasDrawError", "isCanvasOpenError"] : [],
      );
    }
  });

  it("are not described again once released", () => {
    const p = plan();
    const unit = p.units[0]!;
    const cx = context(p, unit);
    unitFunctions(cx);
    releaseUnitFunctions(unit);
    expect(() => unitFunctions(cx)).toThrow(/asked for after it was printed/);
  });
});
