import { readFileSync, readdirSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { it } from "vitest";
import { buildComponent } from "./support/components.js";
import { prepareComponent } from "./fixtures/sdk-support/sdk.js";
import { readFixture } from "./support/fixtures.js";
it("x", async () => {
  const src = readFileSync("test/e2e/sdk-keywords.test.ts", "utf8");
  const SAMPLE = readFileSync("wit-samples/keywords/keywords.wit", "utf8");
  const lines = [...src.matchAll(/^  "(.*)\\n",$/gm)].map((m) => m[1] + "\n");
  const wit = lines.reduce((t, l) => t.replace(l, ""), SAMPLE);
  console.log(lines.length, SAMPLE.length - wit.length);
  const bytes = await buildComponent({ name: "sdk-keywords", wit, js: readFixture("sdk-keywords/guest.js"), world: "keywords" });
  const p = await prepareComponent({ name: "dbg", wit, world: "keywords", bytes });
  const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]);
  for (const f of [...walk(p.transpiled.outDir), ...walk(join(p.sdkIndex, ".."))].filter((f) => f.endsWith(".js"))) {
    try { execFileSync(process.execPath, ["--experimental-default-type=module", "--check", f], { stdio: "pipe" }); } catch (e) { console.log(f, String((e as { stderr: Buffer }).stderr).slice(0, 600)); }
  }
}, 120000);
