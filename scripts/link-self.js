// Runs on `prepare`: links this package's own `wit-ts` bin into node_modules/.bin so that
// `node_modules/.bin/wit-ts` works inside the repository (npm links the bins of
// dependencies only; `npx wit-ts` already finds the root package's bin by itself).
import { mkdirSync, rmSync, symlinkSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const binDir = join(root, "node_modules", ".bin");
const link = join(binDir, "wit-ts");
mkdirSync(binDir, { recursive: true });
rmSync(link, { force: true });
symlinkSync(relative(binDir, join(root, "bin", "wit-ts.js")), link);
