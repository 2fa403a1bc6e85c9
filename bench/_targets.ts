/**
 * The targets of the suite (Node 20 on a 2-core machine, measured in the same
 * run as the peers) and their evaluation. A target whose section failed is an
 * error, never a pass.
 *
 * @module
 */

import type { DecodeResult } from "./decode.ts";
import type { DispatcherResult } from "./dispatcher.ts";
import type { E2eResult, E2eSubscriber } from "./e2e.ts";
import type { LatencyResult } from "./latency.ts";
import type { MemoryResult } from "./memory.ts";
import type { ReplayResult } from "./replay.ts";
import type { NatsResult } from "./nats.ts";
import type { ServeResult } from "./serve.ts";

/** Everything the sections produced (a missing one failed or was skipped). */
export interface SuiteResults {
  decode?: Partial<Record<"node" | "bun" | "deno", DecodeResult>>;
  latency?: LatencyResult;
  dispatcher?: DispatcherResult;
  memory?: MemoryResult;
  replay?: ReplayResult;
  e2e?: E2eResult;
  serve?: ServeResult;
  nats?: NatsResult;
}

/** One target and how it went. */
export interface TargetOutcome {
  readonly id: string;
  /** Section that measures it. */
  readonly section: string;
  readonly description: string;
  /** The measured value, in `unit` (undefined when the section failed or did not run). */
  readonly measured: number | undefined;
  readonly unit: string;
  /** `">="`, `"<="` or `"<"`. */
  readonly op: ">=" | "<=" | "<";
  readonly threshold: number;
  /** `"pass"`, `"fail"`, `"error"` (its section failed) or `"skip"` (not run). */
  readonly result: "pass" | "fail" | "error" | "skip";
}

const SECTION_OF: Record<string, string> = {
  "quote-rate": "decode",
  "quote-vs-bufbuild": "decode",
  "quote-p99": "latency",
  "book-rate": "decode",
  "dispatcher-rate": "dispatcher",
  "e2e-sustained": "e2e",
  "e2e-p50": "e2e",
  "e2e-p99": "e2e",
  "e2e-vs-peer": "e2e",
  "replay-raw": "replay",
  "heap-growth": "memory",
  "serve-rate": "serve",
  "serve-stall": "serve",
  "nats-publish-vs-plain": "nats",
  "nats-zero-loss": "nats",
};

function check(
  id: string,
  description: string,
  measured: number | undefined,
  unit: string,
  op: TargetOutcome["op"],
  threshold: number,
): TargetOutcome {
  const ok = measured === undefined || Number.isNaN(measured)
    ? undefined
    : op === ">="
    ? measured >= threshold
    : op === "<="
    ? measured <= threshold
    : measured < threshold;
  const result = ok === undefined ? "error" : ok ? "pass" : "fail";
  const section = SECTION_OF[id] ?? id;
  return { id, section, description, measured, unit, op, threshold, result };
}

function figure(d: DecodeResult | undefined, id: string): number | undefined {
  return d?.figures.find((f) => f.id === id)?.msgPerSec;
}

/**
 * tickwire's sustained rate over the peer's, on the highest ladder step each
 * sustained (both share one publisher, whose achieved rate varies by a
 * fraction of a percent between phases: a tie on the same step is a tie).
 */
function sustainedRatio(
  tw: E2eSubscriber | undefined,
  peer: E2eSubscriber | undefined,
): number | undefined {
  if (tw === undefined || peer === undefined) return undefined;
  const mine = tw.sustainedStep ?? tw.sustainedMsgPerSec;
  const theirs = peer.sustainedStep ?? peer.sustainedMsgPerSec;
  if (theirs > 0) return mine / theirs;
  return mine > 0 ? Infinity : undefined;
}

/**
 * Evaluates every target.
 * @param r The results.
 * @returns One outcome per target, in the order.
 */
export function evaluateTargets(r: SuiteResults): TargetOutcome[] {
  const node = r.decode?.node;
  const quote = figure(node, "tickwire-quote");
  const es = figure(node, "bufbuild-quote");
  const pushPoll = r.dispatcher?.figures.filter((f) => f.pattern === "push+poll");
  const tw = r.e2e?.subscribers.find((s) => s.kind === "tickwire");
  const peer = r.e2e?.subscribers.find((s) => s.kind !== "tickwire");
  const raw = r.replay?.figures.find((f) => f.format === "raw");
  const served = r.serve?.servers.find((s) => s.kind === "tickwire")?.phases;
  const calm = served?.find((p) => p.phase === "latency")?.latency.p99;
  const natsTw = r.nats?.paths.find((p) => p.kind === "tickwire");
  const natsPlain = r.nats?.paths.find((p) => p.kind !== "tickwire");
  const stalled = served?.find((p) => p.phase === "stalled")?.latency.p99;
  return [
    check("quote-rate", "quote decode + event", quote, "msg/s", ">=", 2_000_000),
    check(
      "quote-vs-bufbuild",
      "quote vs @bufbuild/protobuf fromBinary + event",
      quote !== undefined && es !== undefined ? quote / es : undefined,
      "×",
      ">=",
      20,
    ),
    check(
      "quote-p99",
      "quote p99 in process (decode → push → poll)",
      r.latency?.quote.p99,
      "ns",
      "<=",
      1_000,
    ),
    check(
      "book-rate",
      "book decode + event ({ price, size } levels)",
      figure(node, "tickwire-book"),
      "msg/s",
      ">=",
      700_000,
    ),
    check(
      "dispatcher-rate",
      "dispatcher push + poll, slowest policy",
      pushPoll?.length ? Math.min(...pushPoll.map((f) => f.eventsPerSec)) : undefined,
      "events/s",
      ">=",
      20_000_000,
    ),
    check(
      "e2e-sustained",
      "end to end sustained, zero loss",
      tw?.sustainedMsgPerSec,
      "msg/s",
      ">=",
      80_000,
    ),
    check("e2e-p50", "end to end at 10k msg/s, p50", tw?.latency.latency.p50, "ns", "<=", 300_000),
    check(
      "e2e-p99",
      "end to end at 10k msg/s, p99",
      tw?.latency.latency.p99,
      "ns",
      "<=",
      2_000_000,
    ),
    check(
      "e2e-vs-peer",
      "end to end sustained vs MQTT.js + protobufjs",
      sustainedRatio(tw, peer),
      "×",
      ">=",
      1,
    ),
    check(
      "replay-raw",
      'replay of a raw capture at "max"',
      raw?.eventsPerSec,
      "events/s",
      ">=",
      1_000_000,
    ),
    check(
      "heap-growth",
      "heap growth from 1M to 10M events",
      r.memory?.growth,
      "bytes",
      "<",
      10_000_000,
    ),
    check(
      "serve-rate",
      "serve: messages delivered to 100 WebSocket clients, conflation off",
      served?.find((p) => p.phase === "throughput")?.deliveredPerSec,
      "msg/s",
      ">=",
      200_000,
    ),
    check(
      "serve-stall",
      "serve: the others' p99 with one client stalled, change",
      calm !== undefined && stalled !== undefined && calm > 0
        ? (stalled / calm - 1) * 100
        : undefined,
      "%",
      "<=",
      20,
    ),
    check(
      "nats-publish-vs-plain",
      "NATS: tickwire publish path vs plain @nats-io js.publish, same bytes",
      natsTw !== undefined && natsPlain !== undefined
        ? natsTw.publishPerSec / natsPlain.publishPerSec
        : undefined,
      "×",
      ">=",
      0.8,
    ),
    check(
      "nats-zero-loss",
      "NATS: events lost or duplicated over four consumers",
      natsTw?.lostOrDuplicated,
      "events",
      "<=",
      0,
    ),
  ];
}
