// The vitest configuration of mutation runs (stryker.config.mjs, scripts/mutation.mjs):
// the project's own, on the test files that exercise the file being mutated
// (MUTATION_TESTS, comma-separated globs), so each mutant reruns only fast unit tests.
import type { UserConfig } from "vitest/config";
import base from "./vitest.config.ts";

const tests = process.env.MUTATION_TESTS;

// Under instrumentation a property test runs several times slower than usual.
const config: UserConfig = {
  ...base,
  test: {
    ...base.test,
    testTimeout: 120_000,
    // Every mutant reruns the property tests: a twentieth of their cases each
    // (test/_helpers/property-runs.ts), so the decoder's run takes minutes, not hours.
    env: { ...base.test?.env, TICKWIRE_PROPERTY_SCALE: "0.05" },
    ...(tests === undefined ? {} : { include: tests.split(",") }),
  },
};

export default config;
