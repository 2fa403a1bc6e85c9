// Mutation testing of the core and the Settrade decoder: `npm run mutation`
// (TESTING.md says how to run it, what it scored and which mutants survive).
// Not part of .ci/run: a full run takes tens of minutes on two cores.
//
// StrykerJS 10 needs Node >= 22 (the project's engines too); scripts/mutation.mjs
// runs it under the machine's node when that is 22 or later and under `node@22`
// from npm (npx) otherwise.

// scripts/mutation.mjs runs one file at a time and names each report after it.
const report = process.env.MUTATION_REPORT ?? "mutation";

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutation.config.ts", related: false },
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.mutation.json",
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: "perTest",
  // Static mutants (module-level constants) would rerun every test for each.
  ignoreStatic: true,
  // Reports and sandboxes of other runs live in .tmp; never copy them into a sandbox.
  ignorePatterns: [".tmp", "dist", "coverage", ".exp", "*.twr", "*.twr.gz"],
  mutate: [
    "src/dispatcher.ts",
    "src/_event-ring.ts",
    "src/health.ts",
    "src/feed.ts",
    "src/kit/*.ts",
    "connectors/settrade/decode/_fast-walk.ts",
    "connectors/settrade/decode/_checked-walk.ts",
    "connectors/settrade/decode/_bid-offer-layout.ts",
    "connectors/settrade/decode/bid-offer.ts",
  ],
  concurrency: 1,
  timeoutMS: 10_000,
  reporters: ["clear-text", "json", "progress"],
  jsonReporter: { fileName: `.tmp/mutation/${report}.json` },
  htmlReporter: { fileName: `.tmp/mutation/${report}.html` },
  tempDirName: `.tmp/stryker-${report}`,
  incremental: false,
  cleanTempDir: true,
  thresholds: { high: 90, low: 80, break: null },
};
