#!/usr/bin/env bash
# Tarball smoke test: packs the npm package, checks what it holds, installs the tarball
# into a scratch project and uses it the way a consumer would:
# - an ESM import on each Node given, Bun and Deno that streams 200 market events from the
#   synthetic feed, records them and replays the capture;
# - the `tickwire` CLI writing 50 NDJSON lines, on each Node;
# - every code block of README.md (.ci/readme-blocks.mjs): the TypeScript ones type-checked
#   against the installed declarations and run on each Node (those with `await using` on
#   Node 24 and later), Bun and Deno; the shell ones run once, with the newest Node first
#   on PATH.
#
# Usage: bash .ci/smoke-tarball.sh (or `npm run smoke`).
# Environment:
#   SMOKE_NODES="path/to/node ..."  Node binaries to test (default: the `node` on PATH)
# Cleans up its scratch directory and every process it started.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
bun=$root/node_modules/.bin/bun
deno=$root/node_modules/.bin/deno
read -r -a nodes <<<"${SMOKE_NODES:-$(command -v node)}"

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

echo "--- what the package holds"
listing=$work/listing.txt
tar -tzf "$tarball" >"$listing"
pack_problems=()
for want in package/README.md package/BENCHMARKS.md package/connectors/replay/FORMAT.md \
  package/dist/mod.d.ts package/dist/cli/bin.js; do
  grep -qx "$want" "$listing" || pack_problems+=("missing $want")
done
if grep -q '\.tsbuildinfo$' "$listing"; then pack_problems+=("ships the build's .tsbuildinfo"); fi
unpacked=$work/unpacked
mkdir "$unpacked"
tar -xzf "$tarball" -C "$unpacked"
# The npm declarations show examples that import the npm name, not the JSR one.
if grep -rl '"@tickwire/tickwire' "$unpacked/package/dist" >"$work/jsr-names.txt"; then
  pack_problems+=("examples import \"@tickwire/tickwire\" in $(wc -l <"$work/jsr-names.txt") files of dist/")
fi
if ! grep -q 'from "tickwire"' "$unpacked/package/dist/src/create-feed.d.ts"; then
  pack_problems+=("dist/src/create-feed.d.ts has no example importing \"tickwire\"")
fi
if ((${#pack_problems[@]} > 0)); then
  printf 'smoke: the package is wrong: %s\n' "${pack_problems[@]}" >&2
  exit 1
fi
echo "ok: README, BENCHMARKS.md, FORMAT.md, dist; examples in the declarations import \"tickwire\""

app=$work/app
mkdir "$app"
cd "$app"
cat >package.json <<'EOF'
{ "name": "tickwire-smoke", "version": "0.0.0", "private": true, "type": "module" }
EOF

echo "--- npm install the tarball into a scratch project"
run_bounded 600 npm install --ignore-scripts=false --no-audit --no-fund --prefer-offline \
  "$tarball"
echo "installed: $(npm ls --all --parseable 2>/dev/null | tail -n +2 | wc -l) packages," \
  "node_modules $(du -sk node_modules | cut -f1) KiB"

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

# with_node NODE COMMAND...: runs COMMAND with NODE's directory first on PATH.
with_node() {
  local dir
  dir=$(dirname "$1")
  shift
  PATH="$dir:$PATH" "$@"
}

# node_at_least NODE MAJOR MINOR: whether NODE's version is at least MAJOR.MINOR.
node_at_least() {
  "$1" -e 'const [a, b] = process.versions.node.split(".").map(Number);
    process.exit(a > Number(process.argv[1]) || (a === Number(process.argv[1]) && b >= Number(process.argv[2])) ? 0 : 1)' "$2" "$3"
}

echo "--- README.md code blocks"
readme=$app/readme
node "$root/.ci/readme-blocks.mjs" "$root/README.md" "$readme"
cat >"$readme/tsconfig.json" <<'JSON'
{
  "compilerOptions": {
    "target": "ES2022",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "lib": ["ES2023", "DOM", "DOM.Iterable", "ESNext.Disposable", "ESNext.AsyncIterable"],
    "types": [],
    "strict": true,
    "noEmit": true,
    "skipLibCheck": true,
    "allowImportingTsExtensions": true
  },
  "include": ["*.ts"]
}
JSON
mapfile -t ts_blocks < <(node -e 'for (const b of require(process.argv[1])) if (b.lang === "ts") console.log(`${b.file} ${b.awaitUsing} ${b.line}`)' "$readme/blocks.json")
mapfile -t sh_blocks < <(node -e 'for (const b of require(process.argv[1])) if (b.lang === "sh") console.log(`${b.file} ${b.line}`)' "$readme/blocks.json")

if ((${#ts_blocks[@]} > 0)); then
  check "README: type-check the TypeScript blocks against the installed package" \
    run_bounded 300 node "$root/node_modules/typescript/bin/tsc" -p "$readme/tsconfig.json"
fi

# run_ts_block RUNTIME FILE: one README TypeScript block, from the scratch project.
run_ts_block() {
  local runtime=$1 file=$2
  case $runtime in
    bun) run_bounded 60 "$bun" "$readme/$file" >/dev/null ;;
    deno) run_bounded 60 "$deno" run -A --node-modules-dir=manual "$readme/$file" >/dev/null ;;
    *) run_bounded 60 "$runtime" "$readme/$file" >/dev/null ;;
  esac
}

for node_bin in "${nodes[@]}"; do
  v=$("$node_bin" --version)
  check "Node $v: import the package and stream events" run_bounded 120 "$node_bin" smoke.mjs
  check "Node $v: npx tickwire stream --format ndjson --limit 50" with_node "$node_bin" cli_ndjson
  if ! node_at_least "$node_bin" 22 18; then
    echo "--- Node $v: README TypeScript blocks skipped (Node strips types from 22.18 on)"
    continue
  fi
  for entry in "${ts_blocks[@]}"; do
    read -r file await_using line <<<"$entry"
    if [[ $await_using == true ]] && ! node_at_least "$node_bin" 24 0; then
      echo "--- Node $v: README.md:$line skipped (await using needs Node 24)"
      continue
    fi
    check "Node $v: README.md:$line" run_ts_block "$node_bin" "$file"
  done
done

check "Bun: import the package and stream events" run_bounded 120 "$bun" smoke.mjs
check "Deno: import the package and stream events" \
  run_bounded 120 "$deno" run -A --node-modules-dir=manual smoke.mjs
for entry in "${ts_blocks[@]}"; do
  read -r file _ line <<<"$entry"
  check "Bun: README.md:$line" run_ts_block bun "$file"
  check "Deno: README.md:$line" run_ts_block deno "$file"
done

# run_sh_block FILE: one README shell block in the scratch project, with `npm install
# tickwire` standing for the tarball installed above, and an emulator it started in the
# background stopped at the end whatever happened.
run_sh_block() {
  local file=$1 script=$readme/run-$1
  {
    echo 'set -euo pipefail'
    echo 'trap '"'"'if [[ -n ${TICKWIRE_EMULATOR_PID:-} ]]; then kill "$TICKWIRE_EMULATOR_PID" 2>/dev/null || true; fi'"'"' EXIT'
    sed -E 's/^npm install tickwire( .*)?$/echo "(npm install tickwire: the packed tarball is installed)"/' "$readme/$file"
  } >"$script"
  npm_config_prefer_offline=true run_bounded 180 bash "$script"
}

newest=${nodes[${#nodes[@]} - 1]}
for entry in "${sh_blocks[@]}"; do
  read -r file line <<<"$entry"
  check "shell: README.md:$line" with_node "$newest" run_sh_block "$file"
done

if ((${#failures[@]} > 0)); then
  printf 'smoke test failed: %s\n' "${failures[@]}" >&2
  exit 1
fi
echo "smoke test passed"
