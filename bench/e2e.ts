/**
 * Section 4: end to end over loopback. A publisher process sends the data set's
 * payloads on `proto/topic/bidofferv3/{SYMBOL}` through a real broker (the
 * machine's Mosquitto over TCP on 127.0.0.1, else aedes); a subscriber process
 * decodes them into `quote` events for a consumer. The two subscribers
 * (tickwire, then MQTT.js + protobufjs) run one after the other against the
 * same publisher and broker, each over one connection for all its phases:
 *
 * 1. warm-up: 20k msg/s for 1 s (not reported);
 * 2. latency: 10k msg/s for `latencyMs`, publish → event at the consumer,
 *    p50/p99/p99.9 from an HDR histogram;
 * 3. throughput ladder: rising rates for `stepMs` each. A step is sustained
 *    when every message arrived and the consumer caught up within a tenth of
 *    the step ({@link SUSTAIN_LAG_SHARE}) after the last publish, i.e. it
 *    consumed at least about 90 % of the rate; the ladder stops at the first
 *    step that is not. The figure is the highest rate actually published in a
 *    sustained step: on two cores the publisher, the broker and the subscriber
 *    share the machine, so past some rate the publisher itself slows down and
 *    the asked rate is not reached.
 *
 * The whole run (warm-up, latency, ladder) is repeated `rounds` times,
 * alternating the subscribers (tickwire, peer, tickwire, peer, ...), so that a
 * burst of load from elsewhere on the machine hits both; the report gives each
 * figure's median with its spread, and the targets are judged on the median.
 *
 * Mosquitto drops QoS 0 messages for a client that falls behind ("Outgoing
 * messages are being dropped"), so loss means the subscriber could not keep up.
 * Each phase also reports the subscriber's CPU time per message and how often
 * the OS preempted it, which tell a slow stack from a busy machine.
 *
 * @module
 */

import { startBroker } from "./_broker.ts";
import { type IpcChild, spawnIpc } from "./_proc.ts";
import type { Percentiles } from "./_stats.ts";

/** Longest catch-up after the last publish, as a share of the step, for a step to count as sustained. */
export const SUSTAIN_LAG_SHARE = 0.1;

/** One phase as a subscriber saw it. */
export interface E2ePhase {
  /** Rate asked of the publisher, msg/s. */
  readonly rate: number;
  /** Rate actually published, msg/s. */
  readonly published: number;
  readonly sent: number;
  readonly received: number;
  /** Catch-up time after the last publish, ms. */
  readonly lagMs: number;
  readonly sustained: boolean;
  /** Publish → consumer latency, ns. */
  readonly latency: Percentiles;
  /** Subscriber CPU time per message received (user + system, every thread), µs. */
  readonly cpuUsPerMsg: number;
  /** Involuntary context switches of the subscriber during the phase. */
  readonly preempted: number;
}

/** One round of one subscriber: warm-up, latency and the ladder. */
export interface E2eRun {
  /** The 10k msg/s phase. */
  readonly latency: E2ePhase;
  /** Every step of the ladder. */
  readonly ladder: readonly E2ePhase[];
  /** Highest sustained published rate, msg/s (0 when none). */
  readonly sustainedMsgPerSec: number;
  /** Asked rate of the highest ladder step sustained, msg/s (0 when none). */
  readonly sustainedStep: number;
}

/** One subscriber's figures: those of its last round, and every round. */
export interface E2eSubscriber {
  /** `"tickwire"` or `"mqttjs-protobufjs"`. */
  readonly kind: string;
  /** Every round, in run order. */
  readonly runs?: readonly E2eRun[];
  /** The 10k msg/s phase. */
  readonly latency: E2ePhase;
  /** Every step of the ladder. */
  readonly ladder: readonly E2ePhase[];
  /** Highest sustained published rate, msg/s (0 when none). */
  readonly sustainedMsgPerSec: number;
  /**
   * Asked rate of the highest ladder step sustained, msg/s (0 when none): what
   * the two subscribers are compared on, since the publisher they share hits
   * an asked rate within a fraction of a percent either way.
   */
  readonly sustainedStep?: number;
}

/** Result of section 4. */
export interface E2eResult {
  /** `"mosquitto"` or `"aedes"`. */
  readonly broker: string;
  readonly subscribers: readonly E2eSubscriber[];
}

/** Options of {@link runE2e}. */
export interface E2eOptions {
  /** Length of the 10k msg/s phase, ms. @default 5_000 */
  readonly latencyMs?: number;
  /** Length of one ladder step, ms. @default 3_000 */
  readonly stepMs?: number;
  /** `"auto"`: the machine's Mosquitto when it answers on 127.0.0.1:1883, else aedes. @default "auto" */
  readonly broker?: "auto" | "aedes";
  /** Rates of the ladder, msg/s. @default [20k, 40k, 60k, 80k, 100k, 120k, 160k, 200k] */
  readonly ladder?: readonly number[];
  /** Rounds, each subscriber once per round, alternating. @default 3 */
  readonly rounds?: number;
}

const KINDS = ["tickwire", "mqttjs-protobufjs"] as const;

async function phase(
  pub: IpcChild,
  sub: IpcChild,
  rate: number,
  durationMs: number,
): Promise<E2ePhase> {
  sub.send({ cmd: "phase" });
  await sub.next(10_000);
  pub.send({ cmd: "run", rate, durationMs });
  const p = await pub.next<{ sent: number; ms: number }>(durationMs * 3 + 20_000);
  sub.send({ cmd: "end", sent: p.sent });
  const s = await sub.next<{
    received: number;
    lagMs: number;
    latency: Percentiles;
    cpuUsPerMsg: number;
    preempted: number;
  }>(40_000);
  return {
    rate,
    published: p.sent / (p.ms / 1000),
    sent: p.sent,
    received: s.received,
    lagMs: s.lagMs,
    sustained: s.received === p.sent && s.lagMs <= durationMs * SUSTAIN_LAG_SHARE,
    latency: s.latency,
    cpuUsPerMsg: s.cpuUsPerMsg,
    preempted: s.preempted,
  };
}

interface Contender {
  readonly kind: string;
  readonly sub: IpcChild;
  readonly runs: E2eRun[];
}

/** One round of a subscriber: it connects once, then warm-up, latency and the ladder. */
async function contest(pub: IpcChild, c: Contender, o: Required<E2eOptions>): Promise<void> {
  c.sub.send({ cmd: "open" });
  await c.sub.next(20_000);
  const ladder: E2ePhase[] = [];
  let best = 0;
  let bestStep = 0;
  try {
    await phase(pub, c.sub, 20_000, 1_000); // warm-up
    const latency = await phase(pub, c.sub, 10_000, o.latencyMs);
    for (const rate of o.ladder) {
      const step = await phase(pub, c.sub, rate, o.stepMs);
      ladder.push(step);
      console.error(
        `  e2e ${c.kind}: ${rate} msg/s asked, ${Math.round(step.published)} published, ` +
          `${step.received}/${step.sent} received, lag ${step.lagMs.toFixed(0)} ms, ` +
          `${step.cpuUsPerMsg.toFixed(1)} µs CPU/msg`,
      );
      if (!step.sustained) break;
      best = Math.max(best, step.published);
      bestStep = rate;
    }
    c.runs.push({ latency, ladder, sustainedMsgPerSec: best, sustainedStep: bestStep });
  } finally {
    c.sub.send({ cmd: "close" });
    await c.sub.next(20_000);
  }
}

/**
 * Runs section 4.
 * @param options Phase lengths and ladder rates.
 * @returns The broker used and each subscriber's figures.
 */
export async function runE2e(options: E2eOptions = {}): Promise<E2eResult> {
  const o: Required<E2eOptions> = {
    broker: options.broker ?? "auto",
    latencyMs: options.latencyMs ?? 5_000,
    stepMs: options.stepMs ?? 3_000,
    ladder: options.ladder ?? [20_000, 40_000, 60_000, 80_000, 100_000, 120_000, 160_000, 200_000],
    rounds: options.rounds ?? 3,
  };
  const broker = await startBroker(o.broker);
  const children: IpcChild[] = [];
  try {
    const pub = spawnIpc("bench/_publisher.ts", [broker.host, String(broker.port)]);
    children.push(pub);
    await pub.next(30_000);
    const contenders: Contender[] = [];
    for (const kind of KINDS) {
      const sub = spawnIpc("bench/_subscriber.ts", [kind, broker.url]);
      children.push(sub);
      await sub.next(30_000);
      contenders.push({ kind, sub, runs: [] });
    }
    for (let r = 0; r < o.rounds; r++) {
      for (const c of contenders) await contest(pub, c, o);
    }
    for (const c of children) c.send({ cmd: "exit" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    return {
      broker: broker.kind,
      subscribers: contenders.map((c) => ({ kind: c.kind, runs: c.runs, ...c.runs.at(-1)! })),
    };
  } finally {
    for (const c of children) await c.stop();
    await broker.stop();
  }
}
