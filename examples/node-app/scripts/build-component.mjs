// Builds the guest (guest/greeter.js) into a component with componentize-js, then transpiles it with
// jco in instantiation mode into component/, which src/main.ts imports. Run from the example's folder:
// `npm run component`. The WIT is passed as text (`witWorld`) because the componentize-js 0.22
// splicer cannot read a WIT path from disk (it runs without preopened directories).
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { componentize } from "@bytecodealliance/componentize-js";
import { transpile } from "@bytecodealliance/jco";

const { component } = await componentize({
  sourcePath: "guest/greeter.js",
  witWorld: await readFile("wit/greeter.wit", "utf8"),
  worldName: "greeter",
  // The guest needs no WASI: without these features the component imports only the world's `log`.
  disableFeatures: ["stdio", "random", "clocks", "http", "fetch-event"],
});
await mkdir("build", { recursive: true });
await writeFile("build/greeter.wasm", component);

const { files } = await transpile(component, {
  name: "greeter",
  instantiation: "async",
  quiet: true,
});
await rm("component", { recursive: true, force: true });
for (const [name, content] of Object.entries(files)) {
  const path = join("component", name);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
}
console.log(`built build/greeter.wasm and component/ (${Object.keys(files).length} files)`);
