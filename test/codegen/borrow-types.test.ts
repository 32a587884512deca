/**
 * The types of borrows in generated SDKs (issue #5), checked by the compiler: app code next to the SDKs of
 * wit-samples/borrows (both modes) and wit-samples/resources, type-checked with tsc under the goldens'
 * strict settings. Each misuse is a line marked `@ts-expect-error`, so the run fails both when a misuse
 * compiles and when a correct use does not.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, expect, it } from "vitest";
import { generate, selectWorld } from "../../src/codegen/generate.js";
import { resolvePath } from "../../src/wit/load.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const run = promisify(execFile);

function sdk(sample: string, autodropBorrows: boolean): { path: string; content: string }[] {
  const resolved = resolvePath(join(root, "wit-samples", sample));
  const world = selectWorld(resolved.resolve!, resolved.packageIds);
  if (typeof world !== "number") throw new Error(world.message);
  return generate(resolved.resolve!, world, {
    input: `wit-samples/${sample}`,
    version: "0",
    autodropBorrows,
  });
}

/** App code against the `--autodrop-borrows` SDK of wit-samples/borrows. */
const autodropApp = `
import type { File, FilesImports, Pair } from "./interfaces/example-borrows-files.js";
import type { Borrowed } from "./runtime/borrow.js";

export function misuse(owned: File, view: Borrowed<File>, pair: Pair): File[] {
  // An owned object fits where a borrow is expected.
  const lent: Borrowed<File> = owned;
  // @ts-expect-error a borrowed view is not an owned \`File\`
  const kept: File = view;
  // @ts-expect-error nor is a borrow inside a record
  const fromPair: File = pair.first;
  // @ts-expect-error a borrower cannot dispose the resource
  view[Symbol.dispose]();
  // @ts-expect-error nor hold it with \`using\`
  using held = view;
  void [lent, held];
  return [kept, fromPair];
}

export const handlers: Omit<FilesImports, "File"> = {
  open: (f) => f.name(),
  openAll: (fs) => fs.length,
  openPair: (p) => p.first.name().length,
  openTuple: ([f, n]) => f.name().length + n,
  openMaybe: (f) => f !== undefined,
  openTarget: (t) => (t.tag === "one" ? 1 : 0),
  notify: () => {},
};

`;

/** App code against the SDK of wit-samples/borrows without the option: explicit handles. */
const explicitApp = `
import type { File, FilesImports } from "./interfaces/example-borrows-files.js";
import type { BorrowHandle, Borrowed } from "./runtime/borrow.js";

export const handlers: Omit<FilesImports, "File"> = {
  open(f) {
    using handle = f;
    return handle.get().name();
  },
  openAll(fs) {
    for (const f of fs) f.drop();
    return fs.length;
  },
  // @ts-expect-error a handle is not the resource: its view comes from \`get()\`
  openPair: (p) => p.first.name().length,
  openTuple: ([f, n]) => f.get().name().length + n,
  openMaybe: (f) => f?.active === true,
  openTarget: (t) => (t.tag === "one" ? t.val.parameter.length : 0),
  notify: () => {},
};

export function misuse(handle: BorrowHandle<File>): File {
  const view: Borrowed<File> = handle.get();
  // @ts-expect-error the view of a handle is not an owned \`File\`
  const owned: File = handle.get();
  return view === owned ? owned : owned;
}
`;

/** App code against the SDK of wit-samples/resources: guest resources lent and moved by the host. */
const resourcesApp = `
import type { WorldInstance } from "./index.js";
import type { Counter } from "./interfaces/example-resources-store.js";
import type { Borrowed } from "./runtime/borrow.js";

export async function use(app: WorldInstance, view: Borrowed<Counter>): Promise<number> {
  using counter = await app.store.Counter.create(1);
  const peeked = await app.store.peek(counter);
  await app.store.peek(view);
  // @ts-expect-error \`consume\` takes an own \`Counter\`, not a borrowed one
  await app.store.consume(view);
  return peeked + (await app.store.consume(await app.store.Counter.create(2)));
}
`;

let dir: string | undefined;
afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

it("makes misusing a borrow a compile error, and the correct uses compile", async () => {
  const cache = join(root, "node_modules", ".cache");
  await mkdir(cache, { recursive: true });
  dir = await mkdtemp(join(cache, "wit-ts-borrow-types-"));
  const projects: [string, { path: string; content: string }[], string][] = [
    ["autodrop", sdk("borrows", true), autodropApp],
    ["explicit", sdk("borrows", false), explicitApp],
    ["resources", sdk("resources", false), resourcesApp],
  ];
  for (const [name, files, app] of projects) {
    for (const file of [...files, { path: "app.ts", content: app }]) {
      const path = join(dir, name, file.path);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, file.content);
    }
  }
  await writeFile(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  const compilerOptions = {
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    verbatimModuleSyntax: true,
    isolatedModules: true,
    skipLibCheck: false,
    noEmit: true,
    target: "ES2022",
    lib: ["ES2022", "esnext.disposable"],
    module: "NodeNext",
    moduleResolution: "NodeNext",
    types: ["node"],
  };
  await writeFile(
    join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions, include: ["**/*.ts"] }),
  );
  let output: string;
  try {
    const { stdout, stderr } = await run(join(root, "node_modules", ".bin", "tsc"), ["-p", dir], {
      cwd: dir,
    });
    output = stdout + stderr;
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    output = `${failure.stdout ?? ""}${failure.stderr ?? ""}` || failure.message;
  }
  expect(output).toBe("");
});
