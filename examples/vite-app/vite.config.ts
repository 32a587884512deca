// Vite with the wit-ts plugin: it generates the SDK (wit-ts.config.json: wit/ -> src/sdk) when the
// build or the dev server starts, and again whenever a WIT file changes.
import { defineConfig } from "vite";
import witTs from "wit-ts/vite";

export default defineConfig({
  plugins: [witTs()],
  build: { target: "es2022" },
});
