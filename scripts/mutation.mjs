// Mutation testing, one file at a time: `npm run mutation` (every file in
// stryker.config.mjs) or `npm run mutation -- src/health.ts ...`.
//
// StrykerJS 10 refuses Node < 22. Under an older node this runs it with
// `node@22` from npm through npx (downloaded once into the npx cache).
// Each file gets its own report, .tmp/mutation/<name>.json and .html, and a
// line in .tmp/mutation/scores.md: killed, survived, no coverage, timeouts and
// the score (killed + timed out over all valid mutants).
//
// Usage: node scripts/mutation.mjs [file ...]

import { spawnSync } from "node:child_process";
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { basename } from "node:path";

// Each file, and the test files that exercise it (vitest.mutation.config.ts runs only those).
const CORE = ["test/dispatcher*.test.ts", "test/feed*.test.ts"];
const KIT = [
  "test/kit-*.test.ts",
  "test/feed*.test.ts",
  "test/connectors/synthetic*.test.ts",
  "test/settrade/connector-units.test.ts",
];
const DECODE = [
  "test/settrade/bid-offer*.test.ts",
  "test/settrade/decode-payload.test.ts",
  "test/settrade/fast-walk-contract.test.ts",
];
const TESTS = {
  "src/dispatcher.ts": CORE,
  "src/_event-ring.ts": CORE,
  "src/health.ts": ["test/health*.test.ts", "test/feed*.test.ts"],
  "src/feed.ts": ["test/feed*.test.ts"],
  "src/kit/backoff.ts": KIT,
  "src/kit/lifecycle.ts": KIT,
  "src/kit/retry.ts": KIT,
  "src/kit/stamp.ts": KIT,
  "connectors/settrade/decode/_fast-walk.ts": DECODE,
  "connectors/settrade/decode/_checked-walk.ts": DECODE,
  "connectors/settrade/decode/_bid-offer-layout.ts": DECODE,
  "connectors/settrade/decode/bid-offer.ts": DECODE,
};
const DEFAULT_FILES = Object.keys(TESTS);

const files = process.argv.length > 2 ? process.argv.slice(2) : DEFAULT_FILES;
const major = Number(process.versions.node.split(".")[0]);
const stryker = "node_modules/@stryker-mutator/core/bin/stryker.js";
const [cmd, prefix] = major >= 22
  ? [process.execPath, []]
  : ["npx", ["-y", "-p", "node@22", "node"]];

mkdirSync(".tmp/mutation", { recursive: true });
let failed = false;
for (const file of files) {
  const report = basename(file, ".ts").replace(/^_/, "");
  const run = spawnSync(cmd, [...prefix, stryker, "run", "--mutate", file], {
    stdio: "inherit",
    env: {
      ...process.env,
      MUTATION_REPORT: report,
      ...(file in TESTS ? { MUTATION_TESTS: TESTS[file].join(",") } : {}),
    },
  });
  if (run.status !== 0) {
    console.error(`mutation: StrykerJS failed on ${file} (exit ${run.status})`);
    failed = true;
    continue;
  }
  const json = JSON.parse(readFileSync(`.tmp/mutation/${report}.json`, "utf8"));
  const count = { Killed: 0, Survived: 0, NoCoverage: 0, Timeout: 0, CompileError: 0 };
  for (const f of Object.values(json.files)) {
    for (const m of f.mutants) if (m.status in count) count[m.status]++;
  }
  const detected = count.Killed + count.Timeout;
  const valid = detected + count.Survived + count.NoCoverage;
  const score = valid === 0 ? 100 : (100 * detected) / valid;
  const line =
    `| ${new Date().toISOString().slice(0, 10)} | \`${file}\` | ${score.toFixed(1)} % | ` +
    `${count.Killed} | ${count.Timeout} | ${count.Survived} | ${count.NoCoverage} | ${count.CompileError} |`;
  appendFileSync(".tmp/mutation/scores.md", line + "\n");
  console.log(line);
}
process.exit(failed ? 1 : 0);
