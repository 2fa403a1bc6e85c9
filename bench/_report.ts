/**
 * Turns the suite's results into tables: plain text for the terminal and
 * Markdown for `BENCHMARKS.md`.
 *
 * @module
 */

import { fmtMB, fmtNs, fmtRate, fmtSpread, median } from "./_stats.ts";
import type { E2eRun, E2eSubscriber } from "./e2e.ts";
import type { SuiteResults, TargetOutcome } from "./_targets.ts";
import type { DecodeResult } from "./decode.ts";

/** A titled table. */
export interface Table {
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly notes?: readonly string[];
}

/** Where and when the suite ran. */
export interface RunInfo {
  readonly date: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly runtimes: Readonly<Record<string, string>>;
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
  readonly seconds: number;
}

function decodeRows(d: DecodeResult): string[][] {
  const by = new Map(d.figures.map((f) => [f.id, f]));
  return d.figures.map((f) => {
    let ratio = "";
    if (f.event === "none") {
      const q = by.get("tickwire-quote")!;
      ratio = `quote takes ${(q.nsPerMsg / f.nsPerMsg).toFixed(2)}× this`;
    } else if (!f.id.startsWith("tickwire")) {
      ratio = `${(by.get(`tickwire-${f.event}`)!.msgPerSec / f.msgPerSec).toFixed(1)}×`;
    }
    return [
      `${d.runtime} ${d.version}`,
      f.label,
      f.nsPerMsg.toFixed(0),
      fmtRate(f.msgPerSec),
      ratio,
    ];
  });
}

function fmtValue(v: number | undefined, unit: string): string {
  if (v === undefined || Number.isNaN(v)) return "-";
  if (unit === "ns") return fmtNs(v);
  if (unit === "bytes") return fmtMB(v);
  if (unit === "×") return Number.isFinite(v) ? `${v.toFixed(v >= 10 ? 1 : 2)}×` : "∞";
  return `${fmtRate(v)} ${unit}`;
}

/**
 * Builds every table.
 * @param r Section results. @param targets Target outcomes.
 * @returns The tables, in the issue's order, the targets last.
 */
export function buildTables(r: SuiteResults, targets: readonly TargetOutcome[]): Table[] {
  const tables: Table[] = [];
  const decodes = Object.values(r.decode ?? {}).filter((d): d is DecodeResult => d !== undefined);
  if (decodes.length > 0) {
    const p = decodes[0].payloads;
    tables.push({
      title: "1. Decode BidOfferV3 → event (median of rounds, same process per runtime)",
      header: ["runtime", "path", "ns/msg", "msg/s", "tickwire ×"],
      rows: decodes.flatMap(decodeRows),
      notes: [
        `${p.count} distinct payloads, ${p.symbols} symbols, mean ${p.meanBytes} B; ` +
        Object.entries(p.kinds).map(([k, n]) => `${n} ${k}`).join(", ") +
        `; ${decodes[0].warmupRounds} warm-up + ${decodes[0].rounds} measured rounds, interleaved.`,
        "tickwire × = tickwire's msg/s for the same event over the peer's. The floor walks each " +
        "payload once with no checks and builds no event: the limit of the machine for this data.",
      ],
    });
  }
  if (r.latency !== undefined) {
    const l = r.latency;
    const row = (name: string, p: typeof l.quote): string[] => [
      name,
      fmtNs(p.p50),
      fmtNs(p.p99),
      fmtNs(p.p999),
      fmtNs(p.max),
      fmtNs(p.mean),
    ];
    tables.push({
      title: `2. Per-message latency in process, Node (${
        l.messages.toLocaleString("en")
      } messages, HDR)`,
      header: ["path", "p50", "p99", "p99.9", "max", "mean"],
      rows: [
        row("decode → quote → push → shift", l.quote),
        row("decode → book → push → shift", l.book),
        row("two clock reads (floor)", l.clock),
      ],
    });
  }
  if (r.dispatcher !== undefined) {
    const f = r.dispatcher.figures;
    const cell = (policy: string, pattern: string): string => {
      const x = f.find((y) => y.policy === policy && y.pattern === pattern);
      if (x === undefined) return "-";
      return x.dropShare > 0
        ? `${fmtRate(x.eventsPerSec)} (${(x.dropShare * 100).toFixed(0)} % dropped)`
        : fmtRate(x.eventsPerSec);
    };
    tables.push({
      title: `3. Dispatcher push + poll, events/s, Node (batches of ${r.dispatcher.batch})`,
      header: ["policy", "push + poll()", "push + shift()", "under overflow (capacity 1,024)"],
      rows: ["drop-oldest", "drop-newest", "block"].map((p) => [
        p,
        cell(p, "push+poll"),
        cell(p, "push+shift"),
        cell(p, "overflow"),
      ]),
      notes: [
        "Under overflow: bursts of 4× the capacity, then one poll(); block stops each burst when push returns false.",
      ],
    });
  }
  if (r.e2e !== undefined) {
    const name = (kind: string): string =>
      kind === "tickwire"
        ? "tickwire (settrade brokerUrl → feed → for await)"
        : "MQTT.js + protobufjs";
    const runs = (s: E2eSubscriber): readonly E2eRun[] =>
      s.runs ?? [{ ...s, sustainedStep: s.sustainedStep ?? s.sustainedMsgPerSec }];
    const rate = (v: number): string => `${fmtRate(v)}/s`;
    tables.push({
      title:
        `4. End to end over loopback (${r.e2e.broker} on 127.0.0.1, publisher in its own process), Node, ` +
        `median (min … max) of ${runs(r.e2e.subscribers[0]).length} alternating rounds`,
      header: [
        "subscriber",
        "sustained, zero loss",
        "p50 @ 10k/s",
        "p99 @ 10k/s",
        "p99.9 @ 10k/s",
        "CPU/msg @ 10k/s",
        "preempted @ 10k/s",
      ],
      rows: r.e2e.subscribers.map((s) => {
        const rs = runs(s);
        const lat = (pick: (x: E2eRun) => number) => rs.map(pick);
        return [
          name(s.kind),
          fmtSpread(lat((x) => x.sustainedMsgPerSec), rate),
          fmtSpread(lat((x) => x.latency.latency.p50), fmtNs),
          fmtSpread(lat((x) => x.latency.latency.p99), fmtNs),
          fmtNs(median(lat((x) => x.latency.latency.p999))),
          `${median(lat((x) => x.latency.cpuUsPerMsg)).toFixed(1)} µs`,
          String(median(lat((x) => x.latency.preempted))),
        ];
      }),
      notes: [
        "Latency: publish (stamped in the payload) → event at the consumer, same monotonic clock. " +
        "Preempted: involuntary context switches of the subscriber during the phase. " +
        "p99.9, CPU/msg and preempted: medians.",
      ],
    });
    tables.push({
      title: "4b. End-to-end throughput ladder per round (stops at the first step not sustained)",
      header: [
        "subscriber",
        "round",
        "highest sustained (asked)",
        "published",
        "CPU/msg",
        "first step not sustained",
      ],
      rows: r.e2e.subscribers.flatMap((s) =>
        runs(s).map((run, i) => {
          const ok = run.ladder.filter((p) => p.sustained).at(-1);
          const bad = run.ladder.find((p) => !p.sustained);
          return [
            name(s.kind),
            String(i + 1),
            ok === undefined ? "none" : `${fmtRate(ok.rate)}/s`,
            ok === undefined ? "-" : `${fmtRate(ok.published)}/s`,
            ok === undefined ? "-" : `${ok.cpuUsPerMsg.toFixed(1)} µs`,
            bad === undefined
              ? "-"
              : `${fmtRate(bad.rate)}/s: ${bad.received} / ${bad.sent}, catch-up ${
                bad.lagMs.toFixed(0)
              } ms`,
          ];
        })
      ),
    });
  }
  if (r.nats !== undefined && r.nats.paths.length > 0) {
    tables.push({
      title:
        `NATS JetStream: one publisher → ${r.nats.consumers} consumers, same bytes, Node (latency: paced phase)`,
      header: [
        "path",
        "events",
        "publish events/s",
        "end to end events/s",
        "lost+dup",
        "p50",
        "p99",
      ],
      rows: r.nats.paths.map((f) => [
        f.kind,
        f.events.toLocaleString("en"),
        fmtRate(f.publishPerSec),
        fmtRate(f.eventsPerSec),
        String(f.lostOrDuplicated),
        `${f.p50Ms.toFixed(2)} ms`,
        `${f.p99Ms.toFixed(2)} ms`,
      ]),
      notes: r.nats.ratios === undefined ? [] : [
        `The two paths alternate for ${r.nats.ratios.length} rounds on one server, each on fresh streams; ` +
        `the rows are the round with the median publish ratio. Every round's ratio (tickwire ÷ plain): ${
          r.nats.ratios.map((x) => `${x.toFixed(2)}×`).join(", ")
        }; lost or duplicated over every round: ${r.nats.lostOrDuplicated ?? 0}.`,
      ],
    });
  }
  if (r.replay !== undefined) {
    tables.push({
      title:
        '5. Replay at speed "max" (feed with overflow "block", for await), Node, fresh process per run, captures alternating',
      header: ["capture", "records", "size", "events/s, median (min … max)", "every run"],
      rows: r.replay.figures.map((f) => [
        f.format === "raw"
          ? "raw (.twr, Settrade payloads, decoded on replay)"
          : "NDJSON (quote events, validated)",
        f.records.toLocaleString("en"),
        `${(f.bytes / 1e6).toFixed(1)} MB`,
        f.runs?.length ? fmtSpread(f.runs, fmtRate) : fmtRate(f.eventsPerSec),
        (f.runs ?? []).map(fmtRate).join(", "),
      ]),
    });
  }
  if (r.record !== undefined) {
    tables.push({
      title:
        "5b. Recording (connector-shaped producer honouring backpressure, recorder defaults), Node, median of fresh processes; peer: length-prefixed records through fs.createWriteStream (+ zlib.createGzip)",
      header: [
        "capture",
        "payloads",
        "size",
        "events/s",
        "every run",
        "peer events/s",
        "vs peer",
        "peak RSS (growth)",
        "peer peak RSS",
      ],
      rows: r.record.figures.map((f) => [
        f.format === "raw" ? "raw (.twr)" : "compressed (.twr.gz)",
        f.events.toLocaleString("en"),
        `${(f.bytes / 1e6).toFixed(1)} MB`,
        fmtRate(f.eventsPerSec),
        f.runs.map(fmtRate).join(", "),
        fmtRate(f.peerPerSec),
        `${f.vsPeer.toFixed(2)}×`,
        `${fmtMB(f.peakRss)} (${fmtMB(f.rssGrowth)})`,
        fmtMB(f.peerPeakRss),
      ]),
    });
  }
  if (r.memory !== undefined) {
    const m = r.memory;
    tables.push({
      title: "6. Memory: decode → feed → for await, Node (--expose-gc, heap after full GC)",
      header: [
        "events",
        "heapUsed after 1M",
        `after ${m.events / 1e6}M`,
        "growth",
        `rss after ${m.events / 1e6}M`,
        "events/s",
      ],
      rows: [[
        m.events.toLocaleString("en"),
        `${(m.heapUsed[0] / 1e6).toFixed(2)} MB`,
        `${(m.heapUsed[m.heapUsed.length - 1] / 1e6).toFixed(2)} MB`,
        fmtMB(m.growth),
        `${(m.rss[m.rss.length - 1] / 1e6).toFixed(0)} MB`,
        fmtRate(m.eventsPerSec),
      ]],
    });
  }
  if (r.serve !== undefined) {
    const sv = r.serve;
    const tw = sv.servers.find((x) => x.kind === "tickwire");
    const peerRate = sv.servers.find((x) => x.kind !== "tickwire")?.phases.find((p) =>
      p.phase === "throughput"
    )?.deliveredPerSec;
    tables.push({
      title:
        `7. Serve: ${sv.clients} WebSocket clients, ${sv.symbols} symbols' quotes, conflation off, Node, loopback`,
      header: [
        "server",
        "phase",
        "feed events/s",
        "delivered/s",
        "vs ws",
        "CPU/msg",
        "p50",
        "p99",
        "slowest / fastest client",
        "closed",
      ],
      rows: sv.servers.flatMap((x) =>
        x.phases.map((p) => [
          x.kind === "tickwire" ? "tickwire serveFeed" : "ws broadcast loop",
          p.phase === "throughput"
            ? "feed at full rate"
            : p.phase === "latency"
            ? `${sv.rate}/s per symbol`
            : "+1 stalled client",
          fmtRate(p.feedPerSec),
          fmtRate(p.deliveredPerSec),
          p.phase === "throughput" && x === tw && peerRate
            ? `${(p.deliveredPerSec / peerRate).toFixed(1)}×`
            : "",
          `${p.cpuUsPerMsg.toFixed(2)} µs`,
          fmtNs(p.latency.p50),
          fmtNs(p.latency.p99),
          `${p.slowestClient} / ${p.fastestClient}`,
          String(p.closed),
        ])
      ),
      notes: [
        "Latency: the event's recvTs (stamped by the server on the machine's monotonic clock) → receipt by a client; " +
        "at full rate it is the queue's. CPU/msg: server process time per delivered message.",
        `The calm and stalled phases alternate for ${
          sv.servers[0]?.stallChanges.length ?? 0
        } rounds on one server (a new stalled client each round); the rows show the round with the median change ` +
        `of the others' p99. Every round's change: ${
          sv.servers.map((x) =>
            `${x.kind === "tickwire" ? "tickwire" : "ws"} ${
              x.stallChanges.map((c) => `${c >= 0 ? "+" : ""}${c.toFixed(0)} %`).join(", ")
            }`
          ).join("; ")
        }.`,
      ],
    });
  }
  if (r.subscriber !== undefined) {
    const sb = r.subscriber;
    const us = (v: number): string => `${v.toFixed(2)} µs`;
    tables.push({
      title:
        `8. Subscriber on its own: recorded MQTT frames from a socket that does nothing else, Node, ` +
        `${
          sb.events.toLocaleString("en")
        } events per run, median (min … max) of ${sb.rounds} alternating rounds`,
      header: [
        "subscriber",
        "ceiling, events/s",
        "CPU/event",
        "tickwire ×",
        "CPU, peer / tickwire",
      ],
      rows: sb.stacks.map((x) => [
        x.kind === "tickwire"
          ? "tickwire (settrade brokerUrl → feed → for await)"
          : "MQTT.js + protobufjs",
        fmtSpread(x.eventsPerSec, fmtRate),
        fmtSpread(x.cpuUsPerMsg, us),
        x.kind === "tickwire" ? "" : fmtSpread(sb.ratios, (v) => `${v.toFixed(2)}×`),
        x.kind === "tickwire" ? "" : fmtSpread(sb.cpuRatios, (v) => `${v.toFixed(2)}×`),
      ]),
      notes: [
        "The server writes the data set framed once as QoS 0 PUBLISH packets, as fast as the reader takes them; " +
        "rate and CPU (user + system, every thread of the subscriber) from the first event to the last. " +
        "Ratios are per round (same bytes, back to back), then the median.",
      ],
    });
  }
  tables.push({
    title: "Targets (Node, 2 cores, same run as the peers, judged on the median)",
    header: ["target", "measured", "required", "result"],
    rows: targets.map((t) => [
      t.description,
      fmtValue(t.measured, t.unit),
      `${t.op === ">=" ? "≥" : t.op === "<=" ? "≤" : "<"} ${fmtValue(t.threshold, t.unit)}`,
      t.result.toUpperCase(),
    ]),
  });
  return tables;
}

/**
 * Renders tables as aligned plain text.
 * @param tables The tables. @returns The text.
 */
export function renderText(tables: readonly Table[]): string {
  const out: string[] = [];
  for (const t of tables) {
    const widths = t.header.map((h, i) =>
      Math.max(h.length, ...t.rows.map((r) => (r[i] ?? "").length))
    );
    const line = (cells: readonly string[]): string =>
      cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ")
        .trimEnd();
    out.push("", t.title, line(t.header), widths.map((w) => "-".repeat(w)).join("  "));
    for (const r of t.rows) out.push(line(r));
    for (const n of t.notes ?? []) out.push(`  ${n}`);
  }
  return out.join("\n");
}

/**
 * Renders tables as Markdown.
 * @param tables The tables. @returns The Markdown.
 */
export function renderMarkdown(tables: readonly Table[]): string {
  const out: string[] = [];
  const esc = (s: string): string => s.replaceAll("|", "\\|");
  for (const t of tables) {
    out.push(`### ${t.title}`, "", `| ${t.header.map(esc).join(" | ")} |`);
    out.push(`| ${t.header.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`);
    for (const r of t.rows) out.push(`| ${r.map(esc).join(" | ")} |`);
    for (const n of t.notes ?? []) out.push("", n);
    out.push("");
  }
  return out.join("\n");
}

/**
 * Renders where and when the suite ran.
 * @param info Machine, runtimes, load and duration. @returns One line per fact.
 */
export function renderInfo(info: RunInfo): string[] {
  return [
    `date: ${info.date}`,
    `machine: ${info.cpu}, ${info.cores} cores, ${info.memoryGiB} GiB; ${info.os}`,
    `runtimes: ${Object.entries(info.runtimes).map(([k, v]) => `${k} ${v}`).join(", ")}`,
    `load average (1, 5, 15 min) before: ${info.loadBefore.map((x) => x.toFixed(2)).join(", ")}; ` +
    `after: ${info.loadAfter.map((x) => x.toFixed(2)).join(", ")}`,
    `suite duration: ${info.seconds.toFixed(0)} s`,
  ];
}
