/**
 * The benchmark suite: `npm run bench` (Node 20 through `bench/_register.mjs`).
 *
 * Runs every section in a child process of its own (decode on Node, Bun and
 * Deno; then latency, dispatcher, memory, replay, recording, end to end, the
 * service's WebSocket fan-out, the subscriber on its own and NATS JetStream
 * fan-out on Node),
 * prints a table of every figure with the peer ratios and a pass/fail per
 * target, and exits with code 1 when a target fails or a section breaks.
 *
 * Flags:
 *
 * - `--json` prints the results as JSON on stdout (the tables go to stderr);
 *   `--json=FILE` writes them to FILE instead.
 * - `--write-md` replaces the results block of `BENCHMARKS.md`.
 * - `--only=decode,latency,...` runs only these sections.
 * - `--runtimes=node,bun,deno` picks the runtimes of the decode section.
 * - `--quick` runs every section with small counts and few rounds (a smoke
 *   test, a few minutes; its figures are not comparable).
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { runSection, type Runtime, stopAll } from "./_proc.ts";
import { buildTables, renderInfo, renderMarkdown, renderText, type RunInfo } from "./_report.ts";
import { evaluateTargets, type SuiteResults, type TargetOutcome } from "./_targets.ts";

const SECTIONS = [
  "decode",
  "latency",
  "dispatcher",
  "memory",
  "replay",
  "record",
  "e2e",
  "serve",
  "subscriber",
  "nats",
] as const;
const MD_START = "<!-- bench:results:start -->";
const MD_END = "<!-- bench:results:end -->";

interface Args {
  json: string | boolean;
  writeMd: boolean;
  only: Set<string>;
  runtimes: Runtime[];
  quick: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = {
    json: false,
    writeMd: false,
    only: new Set(SECTIONS),
    runtimes: ["node", "bun", "deno"],
    quick: false,
  };
  for (const arg of argv) {
    const [k, v] = arg.split("=", 2);
    if (k === "--json") a.json = v ?? true;
    else if (k === "--write-md") a.writeMd = true;
    else if (k === "--quick") a.quick = true;
    else if (k === "--only" && v) a.only = new Set(v.split(","));
    else if (k === "--runtimes" && v) a.runtimes = v.split(",") as Runtime[];
    else throw new TypeError(`bench: unknown argument ${JSON.stringify(arg)}`);
  }
  for (const s of a.only) {
    if (!(SECTIONS as readonly string[]).includes(s)) {
      throw new TypeError(`bench: unknown section ${JSON.stringify(s)}`);
    }
  }
  return a;
}

function version(exe: string, args: string[]): string {
  const r = spawnSync(exe, args, { encoding: "utf8", timeout: 20_000 });
  return (r.stdout ?? "").trim().split("\n")[0] || "unknown";
}

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m !== null) return m[1].trim();
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? "unknown";
}

function osName(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(readFileSync("/etc/os-release", "utf8"));
    if (m !== null) return `${m[1]}, kernel ${os.release()}`;
  } catch {
    // no os-release
  }
  return `${os.type()} ${os.release()}`;
}

const QUICK: Record<string, Record<string, unknown>> = {
  decode: { rounds: 3, warmup: 1, roundMs: 50 },
  latency: { messages: 100_000, warmup: 50_000 },
  dispatcher: { events: 500_000, rounds: 3 },
  memory: { events: 2_000_000 },
  replay: { rawRecords: 100_000, ndjsonRecords: 20_000, runs: 3 },
  record: { events: 100_000 },
  e2e: { latencyMs: 1_000, stepMs: 1_000, ladder: [40_000, 80_000], rounds: 2 },
  serve: { throughputMs: 1_000, latencyMs: 1_000 },
  subscriber: { events: 100_000, rounds: 2 },
  nats: { events: 10_000, paceMs: 1_000 },
};

const TIMEOUT_MS: Record<string, number> = {
  decode: 150_000,
  latency: 90_000,
  dispatcher: 120_000,
  memory: 180_000,
  replay: 300_000,
  record: 480_000,
  e2e: 720_000,
  serve: 240_000,
  subscriber: 600_000,
  nats: 600_000,
};

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const interrupt = (): void => {
    process.stderr.write("bench: interrupted; stopping the child processes\n");
    void stopAll().finally(() => process.exit(130));
  };
  process.once("SIGINT", interrupt);
  process.once("SIGTERM", interrupt);
  const t0 = performance.now();
  const loadBefore = os.loadavg();
  const results: SuiteResults = {};
  const failed: string[] = [];
  const log = (s: string): void => void process.stderr.write(`${s}\n`);
  const run = async <T>(
    section: string,
    runtime: Runtime,
    flags: string[] = [],
  ): Promise<T | undefined> => {
    const started = performance.now();
    log(`bench: ${section} on ${runtime} ...`);
    try {
      const r = await runSection<T>({
        runtime,
        section,
        options: args.quick ? QUICK[section] : {},
        nodeFlags: flags,
        timeoutMs: TIMEOUT_MS[section],
      });
      log(
        `bench: ${section} on ${runtime} done in ${
          ((performance.now() - started) / 1000).toFixed(1)
        } s`,
      );
      return r;
    } catch (e) {
      log(`bench: ${(e as Error).message}`);
      failed.push(`${section}/${runtime}`);
      return undefined;
    }
  };
  if (args.only.has("decode")) {
    results.decode = {};
    for (const rt of args.runtimes) results.decode[rt] = await run("decode", rt);
  }
  if (args.only.has("latency")) results.latency = await run("latency", "node");
  if (args.only.has("dispatcher")) results.dispatcher = await run("dispatcher", "node");
  if (args.only.has("memory")) results.memory = await run("memory", "node", ["--expose-gc"]);
  if (args.only.has("replay")) results.replay = await run("replay", "node");
  if (args.only.has("record")) results.record = await run("record", "node");
  if (args.only.has("e2e")) results.e2e = await run("e2e", "node");
  if (args.only.has("serve")) results.serve = await run("serve", "node");
  if (args.only.has("subscriber")) results.subscriber = await run("subscriber", "node");
  if (args.only.has("nats")) results.nats = await run("nats", "node");

  const targets: TargetOutcome[] = evaluateTargets(results).map((t) =>
    args.only.has(t.section) ? t : { ...t, result: "skip" }
  );
  const root = new URL("..", import.meta.url);
  const info: RunInfo = {
    date: new Date().toISOString(),
    cpu: cpuModel(),
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: osName(),
    runtimes: {
      node: process.version.slice(1),
      bun: version(new URL("node_modules/.bin/bun", root).pathname, ["--version"]),
      deno: version(new URL("node_modules/.bin/deno", root).pathname, ["--version"]).replace(
        /^deno /,
        "",
      ),
    },
    loadBefore,
    loadAfter: os.loadavg(),
    seconds: (performance.now() - t0) / 1000,
  };
  const tables = buildTables(results, targets);
  const text =
    [...renderInfo(info), ...(args.quick ? ["(--quick: small counts, not comparable)"] : [])]
      .join("\n") + "\n" + renderText(tables) + "\n";
  const json = JSON.stringify(
    { info, quick: args.quick, failedSections: failed, targets, results },
    null,
    2,
  );
  if (args.json === true) {
    process.stderr.write(text);
    process.stdout.write(`${json}\n`);
  } else {
    process.stdout.write(text);
    if (typeof args.json === "string") writeFileSync(args.json, `${json}\n`);
  }
  if (args.writeMd) {
    const path = new URL("BENCHMARKS.md", root);
    const doc = readFileSync(path, "utf8");
    const a = doc.indexOf(MD_START);
    const b = doc.indexOf(MD_END);
    if (a < 0 || b < a) {
      throw new Error(`bench: BENCHMARKS.md has no ${MD_START} … ${MD_END} block`);
    }
    const block = [
      MD_START,
      "",
      ...renderInfo(info).map((l) => `- ${l}`),
      "",
      renderMarkdown(tables),
      MD_END,
    ].join("\n");
    writeFileSync(path, doc.slice(0, a) + block + doc.slice(b + MD_END.length));
    log("bench: BENCHMARKS.md updated");
  }
  if (failed.length > 0 || targets.some((t) => t.result === "fail" || t.result === "error")) {
    process.exitCode = 1;
  }
}

await main();
