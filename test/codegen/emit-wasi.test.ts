import { describe, expect, it } from "vitest";
import { wasiCapabilities } from "../../src/codegen/emit-wasi.js";
import { wasiCapabilityNames } from "../../templates/runtime/wasi.js";

/** Every WASI 0.2 interface that reaches a capability, with one that reaches none. */
const interfaces = [
  "wasi:cli/environment@0.2.3",
  "wasi:cli/stdin@0.2.3",
  "wasi:cli/stdout@0.2.3",
  "wasi:cli/stderr@0.2.3",
  "wasi:cli/terminal-stdin@0.2.3",
  "wasi:filesystem/preopens@0.2.3",
  "wasi:http/outgoing-handler@0.2.3",
  "wasi:sockets/tcp@0.2.3",
  "wasi:clocks/wall-clock@0.2.3",
  "wasi:clocks/monotonic-clock@0.2.3",
  "wasi:random/insecure-seed@0.2.3",
  "wasi:io/streams@0.2.3",
];

describe("the capabilities of a world's WASI imports", () => {
  it("are the runtime's WasiCapabilities members, in the order it declares them", () => {
    expect(wasiCapabilities([...interfaces].reverse())).toEqual([...wasiCapabilityNames]);
  });

  it("are only those its interfaces reach", () => {
    expect(wasiCapabilities(["wasi:cli/environment@0.2.3", "wasi:io/streams@0.2.3"])).toEqual([
      "env",
      "args",
      "cwd",
    ]);
    expect(wasiCapabilities(["wasi:sockets/udp@0.2.3", "wasi:random/random@0.2.3"])).toEqual([
      "network",
      "random",
    ]);
    expect(wasiCapabilities(["wasi:io/poll@0.2.3"])).toEqual([]);
  });
});
