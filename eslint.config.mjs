// @ts-check
/**
 * Lint: ESLint's recommended rules and typescript-eslint's type-checked recommended rules over
 * every TypeScript file of the project (`npm run lint`, run by .ci/run before the tests).
 * Each rule switched off or tuned below says why, here and nowhere else (no inline disables).
 */
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig(
  // Compiled output and local state are not source. The few JavaScript files (scripts/*.js, this
  // config) are small Node glue that the type-checked rules cannot see into: TypeScript only.
  { ignores: ["dist/", "node_modules/", "data/", "notebooks/", "**/*.js", "**/*.mjs", "**/*.cjs"] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: "error" },
    rules: {
      // Interface methods (Transport, QueryEngine, Storage...) are async even where an
      // implementation has nothing to await (the embedded log, test fakes): `async` turns a
      // synchronous throw into the rejection that callers of the interface handle.
      "@typescript-eslint/require-await": "off",
      // node:test's describe/it/test return promises that the runner itself awaits and reports.
      "@typescript-eslint/no-floating-promises": [
        "error",
        { allowForKnownSafeCalls: [{ from: "package", package: "node:test", name: ["describe", "it", "test", "suite"] }] },
      ],
      // The compiler's convention (noUnusedParameters): a parameter a signature requires but the
      // body does not use is named `_x` (Express knows an error handler by its four parameters);
      // `const { a: _a, ...rest }` drops a key from a copy.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", ignoreRestSiblings: true }],
      // Loaded with require() on first use, on purpose: the benchmarks load the untyped packages they
      // compare (parquetjs-lite, webhdfs) only in the child process that measures them, so the
      // others' peak RSS does not include them; the notebooks load danfojs (tfjs: ~2 s of CPU) only
      // when a cell first makes a frame, and tslab's jupyter module only when an output is sent
      // (the kernel's own instance, synchronously: import() would make every display async).
      "@typescript-eslint/no-require-imports": ["error", { allow: ["^parquetjs-lite$", "^webhdfs$", "^danfojs$", "^tslab/dist/jupyter$"] }],
      // A timer started after the callback that clears it is declared (load/driver.ts) is a `let`.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      // A Secret prints "[redacted]" wherever it is stringified, templates included (its test checks that).
      "@typescript-eslint/restrict-template-expressions": [
        "error",
        { allow: [{ from: "lib", name: ["Error", "URL", "URLSearchParams"] }, { from: "file", name: "Secret", path: "src/secret.ts" }] },
      ],
    },
  },
  {
    // The Kafka client's values come through src/transport/kafka/client.ts, which loads it with its
    // option validators deferred (~0.3 CPU-s of every Kafka process's start); types may come from
    // the package. Tests and benchmarks load it as they like.
    files: ["src/**/*.ts"],
    ignores: ["src/transport/kafka/client.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        { paths: [{ name: "@platformatic/kafka", message: "import its values from src/transport/kafka/client.ts (deferred validators)", allowTypeImports: true }] },
      ],
    },
  },
  {
    // The staging format separates fields with the ASCII unit and record separators (0x1F, 0x1E):
    // its escaping regexes match those control characters on purpose.
    files: ["src/sink/parquet/schema.ts"],
    rules: { "no-control-regex": "off" },
  },
);
