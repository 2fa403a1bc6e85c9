/**
 * The targets of the suite (Node 20 on a 2-core machine, measured in the same
 * run as the peers) and their evaluation. A target whose section failed is an
 * error, never a pass.
 *
 * @module
 */

import type { DecodeResult } from "./decode.ts";
import type { DispatcherResult } from "./dispatcher.ts";
import type { E2eResult, E2eRun, E2eSubscriber } from "./e2e.ts";
import type { LatencyResult } from "./latency.ts";
import type { MemoryResult } from "./memory.ts";
import type { RecordResult } from "./record.ts";
import type { ReplayResult } from "./replay.ts";
import type { NatsResult } from "./nats.ts";
import type { ServeResult } from "./serve.ts";
import type { SubscriberResult } from "./subscriber.ts";
import { median } from "./_stats.ts";

/** Everything the sections produced (a missing one failed or was skipped). */
export interface SuiteResults {
  decode?: Partial<Record<"node" | "bun" | "deno", DecodeResult>>;
  latency?: LatencyResult;
  dispatcher?: DispatcherResult;
  memory?: MemoryResult;
  replay?: ReplayResult;
  record?: RecordResult;
  e2e?: E2eResult;
  serve?: ServeResult;
  subscriber?: SubscriberResult;
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
  "record-raw": "record",
  "record-gzip": "record",
  "record-rss": "record",
  "replay-ndjson": "replay",
  "subscriber-vs-peer": "subscriber",
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

/** A subscriber's rounds (a result without rounds counts as one). */
function runsOf(s: E2eSubscriber | undefined): readonly E2eRun[] | undefined {
  if (s === undefined) return undefined;
  return s.runs ?? [{ ...s, sustainedStep: s.sustainedStep ?? s.sustainedMsgPerSec }];
}

/** The median over a subscriber's rounds of one figure. */
function medianOf(
  s: E2eSubscriber | undefined,
  pick: (r: E2eRun) => number,
): number | undefined {
  const runs = runsOf(s);
  return runs === undefined || runs.length === 0 ? undefined : median(runs.map(pick));
}

/**
 * tickwire's sustained rate over the peer's, on the median over the rounds of
 * the highest ladder step each sustained (both share one publisher, whose
 * achieved rate varies by a fraction of a percent between phases: a tie on
 * the same step is a tie).
 */
function sustainedRatio(
  tw: E2eSubscriber | undefined,
  peer: E2eSubscriber | undefined,
): number | undefined {
  const mine = medianOf(tw, (r) => r.sustainedStep);
  const theirs = medianOf(peer, (r) => r.sustainedStep);
  if (mine === undefined || theirs === undefined) return undefined;
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
  const recRaw = r.record?.figures.find((f) => f.format === "raw");
  const recGz = r.record?.figures.find((f) => f.format === "gzip");
  const ndjson = r.replay?.figures.find((f) => f.format === "ndjson");
  const subRatios = r.subscriber?.ratios;
  const served = r.serve?.servers.find((s) => s.kind === "tickwire")?.phases;
  const stallChanges = r.serve?.servers.find((s) => s.kind === "tickwire")?.stallChanges;
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
      "end to end sustained, zero loss (median of rounds)",
      medianOf(tw, (x) => x.sustainedMsgPerSec),
      "msg/s",
      ">=",
      80_000,
    ),
    check(
      "e2e-p50",
      "end to end at 10k msg/s, p50 (median of rounds)",
      medianOf(tw, (x) => x.latency.latency.p50),
      "ns",
      "<=",
      300_000,
    ),
    check(
      "e2e-p99",
      "end to end at 10k msg/s, p99 (median of rounds)",
      medianOf(tw, (x) => x.latency.latency.p99),
      "ns",
      "<=",
      2_000_000,
    ),
    check(
      "e2e-vs-peer",
      "end to end sustained vs MQTT.js + protobufjs (median step)",
      sustainedRatio(tw, peer),
      "×",
      ">=",
      1,
    ),
    check(
      "replay-raw",
      'replay of a raw capture at "max" (median run)',
      raw?.eventsPerSec,
      "events/s",
      ">=",
      1_500_000,
    ),
    check(
      "replay-ndjson",
      'replay of an NDJSON capture at "max" (median run)',
      ndjson?.eventsPerSec,
      "events/s",
      ">=",
      400_000,
    ),
    check(
      "subscriber-vs-peer",
      "subscriber ceiling vs MQTT.js + protobufjs, same bytes (median of rounds)",
      subRatios?.length ? median(subRatios) : undefined,
      "×",
      ">=",
      1.5,
    ),
    check(
      "record-raw",
      "recording Settrade payloads to .twr",
      recRaw?.eventsPerSec,
      "events/s",
      ">=",
      1_000_000,
    ),
    check(
      "record-gzip",
      "recording Settrade payloads to .twr.gz",
      recGz?.eventsPerSec,
      "events/s",
      ">=",
      300_000,
    ),
    check(
      "record-rss",
      "recording: peak RSS growth, the larger of .twr and .twr.gz",
      r.record === undefined ? undefined : Math.max(...r.record.figures.map((f) => f.rssGrowth)),
      "bytes",
      "<",
      64 * 1_048_576,
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
      "serve: the others' p99 with one client stalled, change (median of rounds)",
      stallChanges !== undefined && stallChanges.length > 0 ? median(stallChanges) : undefined,
      "%",
      "<=",
      20,
    ),
    check(
      "nats-publish-vs-plain",
      "NATS: tickwire publish path vs plain @nats-io js.publish, same bytes (median of rounds)",
      r.nats?.ratios !== undefined && r.nats.ratios.length > 0 ? median(r.nats.ratios) : undefined,
      "×",
      ">=",
      0.8,
    ),
    check(
      "nats-zero-loss",
      "NATS: events lost or duplicated over four consumers, every round",
      r.nats?.lostOrDuplicated,
      "events",
      "<=",
      0,
    ),
  ];
}
