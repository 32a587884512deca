/**
 * Reading WIT from disk: the loader decodes a file's bytes as UTF-8 itself, so these tests pin what a
 * file on disk gives compared with the same text in memory: a byte order mark is dropped (one by the
 * decoder, one more by the source map), non-ASCII text survives, and a directory's files decode alike.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { toJson } from "../../src/wit/json.js";
import { resolveFiles, resolvePath } from "../../src/wit/load.js";

const dir = mkdtempSync(join(tmpdir(), "wit-ts-load-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const text = "package a:b;\n/// Grüße, 世界 🪺\ninterface i {\n  f: func(s: string) -> u32;\n}\n";

function fromDisk(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  const r = resolvePath(path);
  expect(r.diagnostics.map((d) => d.message)).toEqual([]);
  return JSON.stringify(toJson(r.resolve!));
}

const inMemory = (): string => {
  const r = resolveFiles(new Map([["a.wit", text]]), "a.wit");
  expect(r.diagnostics).toEqual([]);
  return JSON.stringify(toJson(r.resolve!));
};

describe("a WIT file read from disk", () => {
  it("gives the model of the same text in memory, docs with non-ASCII text included", () => {
    const json = fromDisk("plain.wit", Buffer.from(text, "utf8"));
    expect(json).toBe(inMemory());
    expect(json).toContain("Grüße, 世界 🪺");
  });

  it("drops a byte order mark", () => {
    expect(fromDisk("bom.wit", Buffer.from(`\ufeff${text}`, "utf8"))).toBe(inMemory());
  });

  it("drops two byte order marks, one as it decodes and one as the source map reads", () => {
    expect(fromDisk("bom2.wit", Buffer.from(`\ufeff\ufeff${text}`, "utf8"))).toBe(inMemory());
  });
});
