import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as borrow from "../../templates/runtime/borrow.js";
import * as compoundTypes from "../../templates/runtime/compound-types.js";
import * as leafTypes from "../../templates/runtime/leaf-types.js";
import * as loans from "../../templates/runtime/loans.js";
import * as callGate from "../../templates/runtime/call-gate.js";
import * as errors from "../../templates/runtime/errors.js";
import * as hostResources from "../../templates/runtime/host-resources.js";
import * as index from "../../templates/runtime/index.js";
import * as resourceTable from "../../templates/runtime/resource-table.js";
import * as bindExports from "../../templates/runtime/bind-exports.js";
import * as guestResourceClasses from "../../templates/runtime/guest-resource-classes.js";
import * as exportCalls from "../../templates/runtime/export-calls.js";
import * as guestResources from "../../templates/runtime/guest-resources.js";
import * as importAdapters from "../../templates/runtime/import-adapters.js";
import * as instanceCore from "../../templates/runtime/instance-core.js";
import * as jcoModule from "../../templates/runtime/jco-module.js";
import * as memberNames from "../../templates/runtime/member-names.js";
import * as valueTypes from "../../templates/runtime/value-types.js";
import * as wasi from "../../templates/runtime/wasi.js";
import * as wasiExitError from "../../templates/runtime/wasi-exit-error.js";
import * as rawBorrowers from "../../templates/runtime/raw-borrowers.js";
import * as isolateErrors from "../../templates/runtime/isolate-errors.js";
import * as isolateOptions from "../../templates/runtime/isolate-options.js";
import * as canonicalMemory from "../../templates/runtime/canonical-memory.js";
import * as canonicalAbi from "../../templates/runtime/canonical-abi.js";
import * as directCalls from "../../templates/runtime/direct-calls.js";
import * as directImports from "../../templates/runtime/direct-imports.js";
import * as tasks from "../../templates/runtime/tasks.js";
import * as asyncValues from "../../templates/runtime/async-values.js";
import {
  runtimeFileNeeds,
  runtimeFiles,
  runtimeSymbol,
  runtimeSymbols,
  type RuntimeSymbolName,
} from "../../src/codegen/runtime-symbols.js";

const modules: Record<string, Record<string, unknown>> = {
  "errors.ts": errors,
  "call-gate.ts": callGate,
  "resource-table.ts": resourceTable,
  "borrow.ts": borrow,
  "loans.ts": loans,
  "host-resources.ts": hostResources,
  "value-types.ts": valueTypes,
  "leaf-types.ts": leafTypes,
  "compound-types.ts": compoundTypes,
  "instance-core.ts": instanceCore,
  "jco-module.ts": jcoModule,
  "guest-resources.ts": guestResources,
  "member-names.ts": memberNames,
  "export-calls.ts": exportCalls,
  "bind-exports.ts": bindExports,
  "guest-resource-classes.ts": guestResourceClasses,
  "import-adapters.ts": importAdapters,
  "wasi.ts": wasi,
  "wasi-exit-error.ts": wasiExitError,
  "raw-borrowers.ts": rawBorrowers,
  "isolate-errors.ts": isolateErrors,
  "isolate-options.ts": isolateOptions,
  "canonical-memory.ts": canonicalMemory,
  "canonical-abi.ts": canonicalAbi,
  "direct-calls.ts": directCalls,
  "direct-imports.ts": directImports,
  "tasks.ts": tasks,
  "async-values.ts": asyncValues,
};

async function source(file: string): Promise<string> {
  return readFile(
    fileURLToPath(new URL(`../../templates/runtime/${file}`, import.meta.url)),
    "utf8",
  );
}

/** Every `export <declaration> Name` in a file, by kind (a function's overloads declare it once). */
function declaredExports(text: string): { values: string[]; types: string[] } {
  const values = [
    ...new Set(
      [
        ...text.matchAll(/^export (?:async )?(?:function|class|const|let) ([A-Za-z_$][\w$]*)/gm),
      ].map((match) => match[1]!),
    ),
  ];
  const types = [...text.matchAll(/^export (?:type|interface) ([A-Za-z_$][\w$]*)/gm)].map(
    (match) => match[1]!,
  );
  return { values, types };
}

describe("runtime symbol table", () => {
  it("lists exactly the exports of the runtime files, each in the file and with the kind it has", async () => {
    const listed = runtimeSymbols
      .map((symbol) => `${symbol.file} ${symbol.kind} ${symbol.name}`)
      .sort();
    const actual: string[] = [];
    for (const file of Object.keys(modules)) {
      const { values, types } = declaredExports(await source(file));
      for (const name of values) actual.push(`${file} value ${name}`);
      for (const name of types) actual.push(`${file} type ${name}`);
    }
    expect(listed).toEqual(actual.sort());
  });

  it("lists values that really are exported at run time, and types that are not", () => {
    for (const symbol of runtimeSymbols) {
      const module = modules[symbol.file]!;
      expect(symbol.name in module, `${symbol.name} in ${symbol.file}`).toBe(
        symbol.kind === "value",
      );
      expect(symbol.name in index, `${symbol.name} in index.ts`).toBe(symbol.kind === "value");
    }
    expect(Object.keys(index).sort()).toEqual(
      runtimeSymbols
        .filter((symbol) => symbol.kind === "value")
        .map((symbol) => symbol.name)
        .sort(),
    );
  });

  it("looks symbols up by name and refuses unknown ones", () => {
    expect(runtimeSymbol("createCallGate")).toEqual({
      name: "createCallGate",
      file: "call-gate.ts",
      kind: "value",
    });
    expect(runtimeSymbol("Handle")).toEqual({
      name: "Handle",
      file: "resource-table.ts",
      kind: "type",
    });
    expect(() => runtimeSymbol("process" as RuntimeSymbolName)).toThrow(
      "`process` is not a runtime symbol",
    );
    expect(Object.isFrozen(runtimeSymbol("TrapError"))).toBe(true);
  });

  // portability.test.ts checks that they are exactly the files of templates/runtime.
  it("names the files to copy once each, entry point last", () => {
    expect(new Set(runtimeFiles).size).toBe(runtimeFiles.length);
    expect(runtimeFiles.at(-1)).toBe("index.ts");
  });

  it("says what each runtime file needs: its imports (types too) and the worker it starts by URL", async () => {
    const actual: Record<string, string[]> = {};
    for (const file of runtimeFiles) {
      if (file === "index.ts") continue;
      const text = await source(file);
      const needs = new Set<string>();
      for (const match of text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s*"\.\/([\w-]+)\.js"/gms))
        needs.add(`${match[1]!}.ts`);
      // Loaded at run time: a dynamic import or a `new URL` beside the file (the isolation worker).
      for (const match of text.matchAll(/(?:import\(|URL\()\s*"\.\/([\w-]+)\.js"/g))
        needs.add(`${match[1]!}.ts`);
      actual[file] = [...needs].sort();
    }
    const listed = Object.fromEntries(
      Object.entries(runtimeFileNeeds).map(([file, needs]) => [file, [...needs].sort()]),
    );
    expect(listed).toEqual(actual);
    expect(actual["isolate-host.ts"]).toContain("isolate-worker.ts");
  });
});
