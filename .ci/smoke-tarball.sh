#!/usr/bin/env bash
# Tarball smoke test: packs the npm package, installs the tarball into a scratch project
# and uses it the way a consumer would: an ESM import on Node, Bun and Deno that streams
# 200 market events from the synthetic feed, records them and replays the capture, and the
# `tickwire` CLI writing 50 NDJSON lines.
#
# Usage: bash .ci/smoke-tarball.sh (or `npm run smoke`). Cleans up its scratch directory
# and every process it started.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
bun=$root/node_modules/.bin/bun
deno=$root/node_modules/.bin/deno

work=$(mktemp -d "${TMPDIR:-/tmp}/tickwire-smoke.XXXXXX")
pids=()

cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# run_bounded SECONDS COMMAND...: runs COMMAND in the background under `timeout`,
# remembering its pid for cleanup, and returns its exit code.
run_bounded() {
  local limit=$1
  shift
  timeout -k 5 "$limit" "$@" </dev/null &
  local pid=$!
  pids+=("$pid")
  local rc=0
  wait "$pid" || rc=$?
  case $rc in
    0) ;;
    124) echo "smoke: timed out after ${limit}s: $*" >&2 ;;
    13) echo "smoke: exit code 13 (Node ended with a top-level await pending: nothing kept" \
      "the event loop alive): $*" >&2 ;;
    *) echo "smoke: exit code $rc: $*" >&2 ;;
  esac
  return "$rc"
}

echo "--- npm pack into $work"
npm pack --pack-destination "$work" --loglevel=warn
tarballs=("$work"/*.tgz)
tarball=${tarballs[0]}
if [[ ! -f $tarball ]]; then
  echo "smoke: npm pack wrote no tarball" >&2
  exit 1
fi
echo "packed $(basename "$tarball") ($(du -k "$tarball" | cut -f1) KiB)"

app=$work/app
mkdir "$app"
cd "$app"
cat >package.json <<'EOF'
{ "name": "tickwire-smoke", "version": "0.0.0", "private": true, "type": "module" }
EOF

echo "--- npm install the tarball into a scratch project"
run_bounded 600 npm install --ignore-scripts=false --no-audit --no-fund --prefer-offline \
  "$tarball"

cat >smoke.mjs <<'EOF'
// Imports the installed package by its name and streams market events from the synthetic feed.
import * as tickwire from "tickwire";
import { createFeed } from "tickwire";
import { syntheticConnector } from "tickwire/connectors/synthetic";

const runtime = typeof Deno !== "undefined" ? "deno" : typeof Bun !== "undefined" ? "bun" : "node";
const WANT = 200;
const MARKET_TYPES = new Set(["quote", "book", "trade", "bar", "info", "market"]);

function fail(message) {
  throw new Error(`[smoke:${runtime}] ${message}`);
}

// Bounds the run without keeping it alive: an unref'd timer, so that a feed which lets
// the event loop empty is caught rather than carried by the watchdog.
const watchdog = setTimeout(() => {
  console.error(`[smoke:${runtime}] the events did not arrive within 60 s`);
  globalThis.process?.exit?.(1);
  globalThis.Deno?.exit?.(1);
}, 60_000);
if (typeof watchdog === "number") globalThis.Deno?.unrefTimer?.(watchdog);
else watchdog.unref?.();

if (typeof createFeed !== "function") fail(`createFeed is ${typeof createFeed}`);
if (syntheticConnector === undefined || syntheticConnector === null) {
  fail("tickwire/connectors/synthetic exports no syntheticConnector");
}

// Reads `want` market events from a feed, checking each one, then closes the feed.
async function take(options, want) {
  const feed = await createFeed(options);
  let market = 0;
  let lastSeq = -Infinity;
  const types = new Map();
  for await (const ev of feed) {
    if (ev === null || typeof ev !== "object") fail(`event is ${typeof ev}`);
    if (typeof tickwire.validateEvent === "function") {
      const issues = tickwire.validateEvent(ev);
      if (issues.length > 0) fail(`invalid event ${JSON.stringify(ev)}: ${JSON.stringify(issues)}`);
    }
    for (const [key, value] of Object.entries(ev)) {
      if (typeof value === "number" && !Number.isFinite(value)) fail(`${key} is ${value}`);
    }
    if (ev.type === "status") continue;
    if (!MARKET_TYPES.has(ev.type)) fail(`unknown event type ${JSON.stringify(ev.type)}`);
    if (ev.source !== "synthetic") fail(`source is ${JSON.stringify(ev.source)}`);
    if (typeof ev.symbol !== "string" || ev.symbol === "") fail("event without a symbol");
    if (!Number.isInteger(ev.seq) || ev.seq <= lastSeq) fail(`seq ${ev.seq} after ${lastSeq}`);
    lastSeq = ev.seq;
    types.set(ev.type, (types.get(ev.type) ?? 0) + 1);
    market += 1;
    if (market >= want) break;
  }
  await feed.close();
  if (market !== want) fail(`feed ended after ${market} market events, expected ${want}`);
  return JSON.stringify(Object.fromEntries(types));
}

// As fast as it goes: the hot path.
const fast = await take({ source: "synthetic", seed: 1, rate: "max" }, WANT);
console.log(`[smoke:${runtime}] ${WANT} market events at rate "max" ok: ${fast}`);
// Paced by timers: an open feed must keep the process alive until its events arrive
// (Node exits with code 13 when the event loop empties under a pending top-level await).
const paced = await take({ source: "synthetic", seed: 2, rate: 50 }, 5);
console.log(`[smoke:${runtime}] 5 market events at rate 50/s ok: ${paced}`);

// Record those events to a raw capture, and replay it at "max".
const { createRecorder, inspectCapture, replayConnector } = await import("tickwire/connectors/replay");
const file = `smoke-${runtime}.twr`;
const recorder = await createRecorder({ out: file, overwrite: true });
const recorded = await take({ source: recorder.connector(syntheticConnector), seed: 3, rate: "max" }, WANT);
await recorder.close();
const feed = await createFeed({ source: replayConnector, file, speed: "max", overflow: "block" });
let replayed = 0;
for await (const ev of feed) {
  if (ev.type === "status" && ev.kind === "end") break;
  if (ev.type !== "status") replayed += 1;
}
await feed.close();
// The recorder keeps every event the source sent, also those after the 200th taken.
const inCapture = (await inspectCapture(file)).counts.event;
if (inCapture < WANT || replayed !== inCapture) {
  fail(`replayed ${replayed} market events of ${inCapture} recorded (${recorded} taken)`);
}
console.log(`[smoke:${runtime}] recorded and replayed ${replayed} market events ok`);
clearTimeout(watchdog);
EOF

cat >check-ndjson.mjs <<'EOF'
// Checks that a file holds exactly N lines, each one JSON event object.
import { readFileSync } from "node:fs";

const [file, count] = process.argv.slice(2);
const lines = readFileSync(file, "utf8").split("\n").filter((line) => line !== "");
if (lines.length !== Number(count)) {
  console.error(`[smoke:cli] expected ${count} lines, got ${lines.length}`);
  process.exit(1);
}
for (const [i, line] of lines.entries()) {
  let ev;
  try {
    ev = JSON.parse(line);
  } catch {
    console.error(`[smoke:cli] line ${i + 1} is not JSON: ${line.slice(0, 200)}`);
    process.exit(1);
  }
  if (ev === null || typeof ev !== "object" || typeof ev.type !== "string") {
    console.error(`[smoke:cli] line ${i + 1} is not an event: ${line.slice(0, 200)}`);
    process.exit(1);
  }
}
console.log(`[smoke:cli] ${lines.length} NDJSON events ok`);
EOF

failures=()

# check NAME COMMAND...: runs one consumer check, remembering a failure and going on.
check() {
  local name=$1
  shift
  echo "--- $name"
  if "$@"; then return 0; fi
  failures+=("$name")
}

cli_ndjson() {
  run_bounded 120 npx --no -- tickwire stream --format ndjson --limit 50 >cli.ndjson &&
    node check-ndjson.mjs cli.ndjson 50
}

check "Node: import the package and stream events" run_bounded 120 node smoke.mjs
check "Bun: import the package and stream events" run_bounded 120 "$bun" smoke.mjs
check "Deno: import the package and stream events" \
  run_bounded 120 "$deno" run -A --node-modules-dir=manual smoke.mjs
check "CLI: npx tickwire stream --format ndjson --limit 50" cli_ndjson

if ((${#failures[@]} > 0)); then
  printf 'smoke test failed: %s\n' "${failures[@]}" >&2
  exit 1
fi
echo "smoke test passed"
