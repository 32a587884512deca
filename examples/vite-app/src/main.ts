/**
 * The page's script: instantiates the stepper component through the SDK that the wit-ts Vite plugin
 * generates into ./sdk (see vite.config.ts), implements its `report` import and calls its `collatz`
 * export. The component is jco's instantiation-mode transpilation in ./component; Vite bundles its
 * core modules as assets found through `new URL(..., import.meta.url)`.
 */
import * as component from "./component/stepper.js";
import { instantiate } from "./sdk/index.js";

const form = document.querySelector<HTMLFormElement>("#form")!;
const input = document.querySelector<HTMLInputElement>("#start")!;
const result = document.querySelector<HTMLParagraphElement>("#result")!;

let values: bigint[] = [];

const app = await instantiate({
  component,
  getCoreModule: (path) =>
    WebAssembly.compileStreaming(fetch(new URL(`./component/${path}`, import.meta.url))),
  imports: {
    "example:stepper/report@0.1.0": { step: (_index, value) => void values.push(value) },
  },
});

async function run(start: bigint): Promise<void> {
  values = [];
  const steps = await app.collatz.steps(start);
  result.textContent = `${start} reaches 1 in ${steps} steps: ${values.join(" → ")}`;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  run(BigInt(input.value)).catch((e: unknown) => (result.textContent = `failed: ${String(e)}`));
});

await run(BigInt(input.value));
