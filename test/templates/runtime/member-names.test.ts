/**
 * Member names (`templates/runtime/member-names.ts`): the name a table entry's function has on jco's objects and
 * on the host's, derived from its WIT key when the entry states none. The generator leaves the name out exactly
 * when its own copy of the rule (`exportPathOf`/`importMemberOf` in `src/codegen/emit-functions.ts`) gives the
 * name it would print, so the two copies and the type-level rule are held to each other here.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  exportPathOf as generatorExportPathOf,
  importMemberOf as generatorImportMemberOf,
} from "../../../src/codegen/emit-functions.js";
import { exportTable } from "../../../templates/runtime/export-calls.js";
import { importTable } from "../../../templates/runtime/import-adapters.js";
import { u32 } from "../../../templates/runtime/leaf-types.js";
import {
  exportPathOf,
  importMemberOf,
  type ExportPathOf,
  type ImportMemberOf,
} from "../../../templates/runtime/member-names.js";

const KEYS = [
  "f",
  "get-a-b",
  "v2-0",
  "[constructor]http-request",
  "[static]http-request.new-at",
  "[method]http-request.set-body",
] as const;

describe("member names", () => {
  it("derive jco's path of an export and the host's member of an import from the WIT key", () => {
    expect(KEYS.map(exportPathOf)).toEqual([
      "f",
      "getAB",
      "v20",
      "HttpRequest",
      "HttpRequest.newAt",
      "setBody",
    ]);
    expect(KEYS.map(importMemberOf)).toEqual(["f", "getAB", "v20", "create", "newAt", "setBody"]);
  });

  it("are derived by the generator exactly as by the runtime", () => {
    for (const key of KEYS) {
      expect(generatorExportPathOf(key), key).toBe(exportPathOf(key));
      expect(generatorImportMemberOf(key), key).toBe(importMemberOf(key));
    }
  });

  it("are derived in the type system as at run time", () => {
    expectTypeOf<ExportPathOf<"get-a-b">>().toEqualTypeOf<"getAB">();
    expectTypeOf<ExportPathOf<"[constructor]http-request">>().toEqualTypeOf<"HttpRequest">();
    expectTypeOf<
      ExportPathOf<"[static]http-request.new-at">
    >().toEqualTypeOf<"HttpRequest.newAt">();
    expectTypeOf<ExportPathOf<"[method]http-request.set-body">>().toEqualTypeOf<"setBody">();
    expectTypeOf<ImportMemberOf<"[constructor]http-request">>().toEqualTypeOf<"create">();
    expectTypeOf<ImportMemberOf<"[static]http-request.new-at">>().toEqualTypeOf<"newAt">();
    expectTypeOf<ImportMemberOf<"get-a-b">>().toEqualTypeOf<"getAB">();
  });

  it("give way to a name the entry states", () => {
    const exports = exportTable(
      "a:b/c",
      {
        "get-a-b": ["getAb_", "", [], u32],
        "[static]http-request.new-at": ["", [], u32],
      },
      "c",
    );
    expect(exports["get-a-b"].path).toEqual(["c", "getAb_"]);
    expect(exports["[static]http-request.new-at"].path).toEqual(["c", "HttpRequest", "newAt"]);
    const imports = importTable("a:b/c", { "get-a-b": ["getAb_", [], u32], "set-x": [[u32]] });
    expect([imports["get-a-b"].member, imports["set-x"].member]).toEqual(["getAb_", "setX"]);
    expectTypeOf(imports["set-x"].member).toEqualTypeOf<"setX">();
  });
});
