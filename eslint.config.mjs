// Lint: typescript-eslint's type-aware recommended rules. Formatting is prettier's job.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** An import of another folder's private (`_`-prefixed) file. */
const PRIVATE = {
  regex: "^\\.\\./(.*/)?_[^/]+$",
  message:
    "a file whose name starts with _ is private to its folder; import it only from there, or move what several folders need into a module of its own",
};

/** An import of the CLI's commands. */
const CLI = {
  regex: "(^|/)commands(/|$)",
  message: "domain code never imports the CLI (automation/commands); move what it needs below it",
};

export default tseslint.config(
  // test/fixtures/real: other projects' programs, kept exactly as fetched (see its PROVENANCE.md).
  { ignores: ["dist/**", "node_modules/**", "eslint.config.mjs", "test/fixtures/real/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    // Types come from tsconfig.json, which includes every .ts file (test/ and bench/ too).
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  // Plain JavaScript (.mocharc.cjs) is in no tsconfig: lint it without type information.
  { files: ["**/*.{js,mjs,cjs}"], ...tseslint.configs.disableTypeChecked },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-console": "off",
    },
  },
  // Boundaries (README, "Layout"). A file whose name starts with `_` is private to its folder;
  // code shared by several folders lives in a folder of its own. Tests may reach into the
  // private files of the folder they test.
  {
    files: ["**/*.ts"],
    ignores: ["test/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [PRIVATE] }] },
  },
  // Domain code (rollout, health, capacity, the stack adapter, ...) never imports the CLI.
  {
    files: ["automation/**/*.ts"],
    ignores: ["automation/commands/**", "automation/main.ts", "automation/cli.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [PRIVATE, CLI] }] },
  },
);
