// Lint rules for the repository's own code (the generated SDKs are not linted here: their goldens are
// type-checked instead), run by `npm run lint` in `npm test`. Beyond typescript-eslint's recommended set, the
// architecture is kept honest by no import cycles between modules (type-only imports, erased, do not count) and
// no unused variables; tsc's noUnusedLocals/noUnusedParameters cover the TypeScript too, and knip (knip.jsonc)
// the exports that nothing imports.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import importX from "eslint-plugin-import-x";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import globals from "globals";

export default tseslint.config(
  {
    ignores: [
      "dist/",
      "node_modules/",
      ".cache/",
      "**/__generated__*/",
      "**/fixtures/",
      "examples/*/sdk/",
      "examples/*/dist/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  importX.flatConfigs.typescript,
  {
    settings: { "import-x/resolver-next": [createTypeScriptImportResolver()] },
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "import-x/no-cycle": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
      // `f.print` is a tagged template called for its effect, the printer's whole interface.
      "@typescript-eslint/no-unused-expressions": ["error", { allowTaggedTemplates: true }],
    },
  },
  // TypeScript itself reports undefined names, with the project's own lib settings.
  { files: ["**/*.ts"], rules: { "no-undef": "off" } },
);
