/**
 * Prometheus text exposition (format 0.0.4): a writer for one scrape and a
 * fixed-bucket histogram cheap enough for the delivery path.
 *
 * Written here rather than taken from `prom-client`: that library loads
 * `node:cluster`, `node:v8` and `perf_hooks` at import and keeps a global
 * registry, where the service needs to run on Deno, Bun and edge runtimes and
 * reads most of its figures from `feed.health()` at scrape time. The format is
 * small; the tests read it back with a real exposition parser.
 *
 * @module
 */

/** Content type of the exposition. */
export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Label names and values of one sample. */
export type Labels = Readonly<Record<string, string>>;

/** Kind of a metric family. */
export type MetricType = "counter" | "gauge" | "histogram";

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

function formatLabels(labels: Labels | undefined, extra?: string): string {
  const parts: string[] = [];
  if (labels !== undefined) {
    for (const [k, val] of Object.entries(labels)) parts.push(`${k}="${escapeLabel(val)}"`);
  }
  if (extra !== undefined) parts.push(extra);
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

/**
 * Builds one exposition: declare a family, then write its samples.
 *
 * @example Writing a counter
 * ```ts
 * import { PromText } from "@tickwire/tickwire/serve";
 * const t = new PromText();
 * t.family("demo_events_total", "counter", "Events seen.");
 * t.sample("demo_events_total", 42, { type: "quote" });
 * console.log(t.text()); // # HELP demo_events_total Events seen. ...
 * ```
 */
export class PromText {
  readonly #lines: string[] = [];
  readonly #declared = new Set<string>();

  /**
   * Declares a family (its `# HELP` and `# TYPE` lines); each name once per exposition.
   * @param name Metric name.
   * @param type Counter, gauge or histogram.
   * @param help One line of help.
   * @throws TypeError for an invalid or repeated name.
   */
  family(name: string, type: MetricType, help: string): void {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) {
      throw new TypeError(`[metrics] invalid metric name ${JSON.stringify(name)}`);
    }
    if (this.#declared.has(name)) {
      throw new TypeError(`[metrics] family ${name} declared twice`);
    }
    this.#declared.add(name);
    this.#lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
  }

  /**
   * Writes one sample of a declared family.
   * @param name Sample name (the family's, or for a histogram its `_bucket`, `_sum`, `_count`).
   * @param value The value.
   * @param labels Labels. @default none
   */
  sample(name: string, value: number, labels?: Labels): void {
    this.#lines.push(`${name}${formatLabels(labels)} ${formatValue(value)}`);
  }

  /**
   * Declares a family and writes one unlabelled sample.
   * @param name Metric name. @param type Counter or gauge. @param help Help. @param value Value.
   */
  single(name: string, type: "counter" | "gauge", help: string, value: number): void {
    this.family(name, type, help);
    this.sample(name, value);
  }

  /**
   * Writes the samples of a histogram (its family must be declared).
   * @param name Family name.
   * @param h The histogram.
   * @param labels Labels of every sample. @default none
   */
  histogram(name: string, h: Histogram, labels?: Labels): void {
    let cumulative = 0;
    const bounds = h.bounds;
    const counts = h.counts;
    for (let i = 0; i < bounds.length; i++) {
      cumulative += counts[i];
      this.#lines.push(
        `${name}_bucket${formatLabels(labels, `le="${formatValue(bounds[i])}"`)} ${cumulative}`,
      );
    }
    this.#lines.push(`${name}_bucket${formatLabels(labels, 'le="+Inf"')} ${h.count}`);
    this.#lines.push(`${name}_sum${formatLabels(labels)} ${formatValue(h.sum)}`);
    this.#lines.push(`${name}_count${formatLabels(labels)} ${h.count}`);
  }

  /**
   * Finishes the exposition.
   * @returns The text, ending with a newline.
   */
  text(): string {
    return `${this.#lines.join("\n")}\n`;
  }
}

/** Bucket upper bounds in seconds, 100 µs to 10 s: latencies of a local feed and its clients. */
export const LATENCY_BUCKETS: readonly number[] = [
  0.0001,
  0.00025,
  0.0005,
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  10,
];

/**
 * A histogram with fixed bucket bounds: `observe` is a short loop and two adds,
 * with no allocation.
 *
 * @example Observing latencies
 * ```ts
 * import { Histogram } from "@tickwire/tickwire/serve";
 * const h = new Histogram([0.001, 0.01]);
 * h.observe(0.0005);
 * h.observe(0.02);
 * console.log(h.count, h.counts); // 2 [1, 0, 1]
 * ```
 */
export class Histogram {
  /** Upper bounds, ascending (the `+Inf` bucket is implied). */
  readonly bounds: readonly number[];
  /** Observations per bucket (not cumulative); the last is above every bound. */
  readonly counts: number[];
  /** Sum of the observed values. */
  sum = 0;
  /** Number of observations. */
  count = 0;

  /**
   * Creates an empty histogram.
   * @param bounds Upper bounds, ascending. @default LATENCY_BUCKETS
   * @throws RangeError when the bounds are not strictly ascending.
   */
  constructor(bounds: readonly number[] = LATENCY_BUCKETS) {
    for (let i = 1; i < bounds.length; i++) {
      if (!(bounds[i] > bounds[i - 1])) {
        throw new RangeError("[metrics] histogram bounds must be strictly ascending");
      }
    }
    this.bounds = bounds;
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  /**
   * Records one value.
   * @param value The value (seconds for latencies); NaN is ignored.
   */
  observe(value: number): void {
    if (value !== value) return;
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]) i++;
    this.counts[i]++;
    this.sum += value;
    this.count++;
  }
}
