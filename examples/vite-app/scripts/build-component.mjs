// Builds the guest (guest/stepper.wat, a hand-written core module) into a component with jco's
// wasm-tools API (parse, embed the WIT, wrap as a component), then transpiles it in instantiation mode
// into src/component/, which src/main.ts imports. Run from the example's folder: `npm run component`.
// (jco 1.35's `embed` command cannot read a WIT path from disk, so the WIT is passed as text.)
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { componentEmbed, componentNew, parse, transpile } from "@bytecodealliance/jco";

const core = await parse(await readFile("guest/stepper.wat", "utf8"));
const embedded = await componentEmbed({
  binary: core,
  witSource: await readFile("wit/stepper.wit", "utf8"),
  world: "stepper",
});
const component = await componentNew(embedded);
await mkdir("build", { recursive: true });
await writeFile("build/stepper.wasm", component);

const { files } = await transpile(component, {
  name: "stepper",
  instantiation: "async",
  quiet: true,
});
await rm("src/component", { recursive: true, force: true });
for (const [name, content] of Object.entries(files)) {
  const path = join("src", "component", name);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
}
console.log(`built build/stepper.wasm and src/component/ (${Object.keys(files).length} files)`);
