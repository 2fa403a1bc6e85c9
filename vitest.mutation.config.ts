// The vitest configuration of mutation runs (stryker.config.mjs, scripts/mutation.mjs):
// the project's own, on the test files that exercise the file being mutated
// (MUTATION_TESTS, comma-separated globs), so each mutant reruns only fast unit tests.
import type { UserConfig } from "vitest/config";
import base from "./vitest.config.ts";

const tests = process.env.MUTATION_TESTS;

const config: UserConfig = tests === undefined
  ? base
  : { ...base, test: { ...base.test, include: tests.split(",") } };

export default config;
