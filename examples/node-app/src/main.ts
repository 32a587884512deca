/**
 * A Node app that runs the greeter component through the SDK wit-ts generated into ./sdk: typed
 * imports (the host's `log`), typed exports (`greet.hello`), and a `result` error thrown as a typed
 * `ResultError`. The component itself is jco's instantiation-mode transpilation in ../component.
 */
import { readFile } from "node:fs/promises";
import * as component from "../component/greeter.js";
import { instantiate } from "./sdk/index.js";
import { ResultError } from "./sdk/runtime/index.js";

const app = await instantiate({
  component,
  // jco asks for each core module of the component by file name.
  getCoreModule: async (path) =>
    WebAssembly.compile(await readFile(new URL(`../component/${path}`, import.meta.url))),
  imports: {
    "example:greeter/log@0.1.0": { log: (message) => console.log(`  guest log: ${message}`) },
  },
});

try {
  for (const [name, tone] of [
    ["Ada", "formal"],
    ["Grace", "casual"],
  ] as const) {
    const greeting = await app.greet.hello(name, tone);
    console.log(`${greeting.text} (greeting #${greeting.count})`);
  }
  try {
    await app.greet.hello("", "casual");
  } catch (e) {
    if (!(e instanceof ResultError)) throw e;
    console.log(`refused: ${String(e.payload)}`);
  }
} finally {
  await app[Symbol.asyncDispose]();
}
