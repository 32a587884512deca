/**
 * Code generation, WASI capabilities: the `wasi` option of a world that imports `wasi:*` interfaces the
 * shim provides. Consumes the WIT keys of those imports (`wasi:cli/environment@0.2.3`) and produces the
 * `WasiOptions` type of `index.ts`, a `Pick` of the runtime's `WasiCapabilities` that names exactly the
 * capabilities those interfaces reach (a world without `wasi:filesystem/preopens` has no `preopens`), and
 * the call that builds one instance's WASI packages (`runtime/wasi.ts`).
 */
import {
  callArgs,
  object,
  typeAlias,
  typeArgs,
  union,
  type GeneratedFile,
  type Printable,
} from "./printer/index.js";
import { stringLiteral } from "./names.js";
import type { EmitContext } from "./type-expr.js";

/** The capabilities (members of `WasiCapabilities`) that an imported WASI interface reaches. */
function capabilitiesOf(key: string): readonly string[] {
  const name = key.replace(/@.*$/, "");
  switch (name) {
    case "wasi:cli/environment":
      return ["env", "args", "cwd"];
    case "wasi:cli/stdin":
    case "wasi:cli/terminal-stdin":
      return ["stdin"];
    case "wasi:cli/stdout":
    case "wasi:cli/terminal-stdout":
      return ["stdout"];
    case "wasi:cli/stderr":
    case "wasi:cli/terminal-stderr":
      return ["stderr"];
    case "wasi:filesystem/preopens":
      return ["preopens"];
    case "wasi:http/outgoing-handler":
      return ["network"];
    case "wasi:clocks/wall-clock":
      return ["wallClock"];
    case "wasi:clocks/monotonic-clock":
      return ["monotonicClock"];
  }
  if (name.startsWith("wasi:sockets/")) return ["network"];
  if (name.startsWith("wasi:random/")) return ["random"];
  return [];
}

/**
 * The capabilities a world's WASI imports reach, in the order `WasiCapabilities` declares them (the runtime's
 * `wasiCapabilityNames`, which the tests compare with this list).
 */
export function wasiCapabilities(keys: readonly string[]): string[] {
  const order = [
    "env",
    "args",
    "cwd",
    "preopens",
    "network",
    "stdin",
    "stdout",
    "stderr",
    "wallClock",
    "monotonicClock",
    "random",
  ];
  const reached = new Set(keys.flatMap(capabilitiesOf));
  return order.filter((c) => reached.has(c));
}

/** `export type WasiOptions = "inherit" | Pick<WasiCapabilities, ...>;` with its docs. */
export function printWasiOptionsType(
  f: GeneratedFile,
  cx: EmitContext,
  capabilities: readonly string[],
): void {
  f.jsDoc({
    docs:
      "What the component may reach through WASI: nothing unless granted, per\n" +
      "instance (wasmtime's `WasiCtxBuilder`). Without it: no environment, arguments\n" +
      "of just the world's name, no preopens, no network, empty stdin, stdout and\n" +
      'stderr discarded, real clocks and random. `"inherit"` gives the component\n' +
      "the host process's environment, arguments, network and stdio, as\n" +
      "`@bytecodealliance/preview2-shim` does on its own: only for trusted components.",
  });
  const picked: Printable =
    capabilities.length === 0
      ? "Record<never, never>"
      : [
          "Pick",
          typeArgs([
            cx.runtime.type("WasiCapabilities"),
            union(capabilities.map((c) => stringLiteral(c))),
          ]),
        ];
  f.print(typeAlias("export type WasiOptions", union(['"inherit"', picked])), ";");
  f.print();
}

/** `const wasi = createWasiHost(options.wasi, "<world>", { cli: loadWasiCli, ... });` */
export function printWasiHost(
  f: GeneratedFile,
  cx: EmitContext,
  local: string,
  worldName: string,
  loaders: readonly (readonly [pkg: string, loader: string])[],
): void {
  f.print(
    "const ",
    local,
    " = ",
    cx.runtime.value("createWasiHost"),
    callArgs([
      "options.wasi",
      stringLiteral(worldName),
      object(loaders.map(([pkg, loader]) => [pkg, loader])),
    ]),
    ";",
  );
}
