/**
 * `tickwire inspect`: prints what a capture holds and any damage found in it.
 * Exits with 1 when the capture has problems, 0 otherwise.
 *
 * @module
 */

import { type CaptureSummary, inspectCapture } from "../connectors/replay/mod.ts";
import { type ParsedArgs, UsageError } from "./args.ts";
import type { CommandSpec } from "./command.ts";
import type { CliIo } from "./_runtime.ts";

const iso = (ts: number): string => {
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? String(ts) : d.toISOString();
};

const n = (x: number): string => x.toLocaleString("en-US");

/**
 * Renders a summary for people.
 * @param s The summary.
 * @returns Lines of text.
 */
export function renderSummary(s: CaptureSummary): string {
  const rows: [string, string][] = [["file", s.name]];
  const kind = s.format === "raw"
    ? `raw capture, format version ${s.header?.version ?? "?"}`
    : "NDJSON events";
  rows.push(["format", `${kind}${s.compressed ? ", gzip-compressed" : ""}`]);
  if (s.header !== undefined) {
    rows.push(["created", iso(s.header.created)]);
    rows.push([
      "source",
      `${s.header.source}${s.header.part > 0 ? ` (part ${s.header.part})` : ""}`,
    ]);
    rows.push(["meta", JSON.stringify(s.header.meta)]);
  }
  const c = s.counts;
  const parts = s.format === "raw"
    ? `payload ${n(c.payload)}, event ${n(c.event)}, status ${n(c.status)}, close ${n(c.close)}`
    : `event ${n(c.event)}, status ${n(c.status)}`;
  rows.push([s.format === "raw" ? "records" : "lines", `${n(s.records)} (${parts})`]);
  if (s.topics > 0) rows.push(["topics", n(s.topics)]);
  rows.push([
    "time span",
    s.firstTs === undefined || s.lastTs === undefined
      ? "none"
      : `${iso(s.firstTs)} to ${iso(s.lastTs)} (${((s.lastTs - s.firstTs) / 1000).toFixed(3)} s)`,
  ]);
  rows.push([
    "symbols",
    s.symbols.length === 0 ? "none" : `${s.symbols.join(", ")} (${s.symbols.length})`,
  ]);
  if (s.format === "raw") {
    rows.push([
      "closed",
      s.closedCleanly ? "cleanly" : "no (the recording did not finish, or the file is damaged)",
    ]);
  }
  rows.push(["problems", s.issues.length === 0 ? "none" : String(s.issues.length)]);
  const lines = rows.map(([k, v]) => `${k.padEnd(10)} ${v}`);
  for (const i of s.issues) lines.push(`  - ${i.message}`);
  return `${lines.join("\n")}\n`;
}

/**
 * Runs the command.
 * @param args Parsed arguments.
 * @param io Streams and environment.
 * @returns The exit code.
 */
async function run({ flags, positionals }: ParsedArgs, io: CliIo): Promise<number> {
  if (positionals.length !== 1) throw new UsageError("name one capture: tickwire inspect FILE");
  const summary = await inspectCapture(positionals[0]!);
  await io.out.write(flags.json === true ? `${JSON.stringify(summary)}\n` : renderSummary(summary));
  if (summary.issues.length > 0 && flags.json !== true) {
    await io.err.write(
      `tickwire: ${summary.issues.length} problem(s) found in ${JSON.stringify(summary.name)}\n`,
    );
  }
  return summary.issues.length === 0 ? 0 : 1;
}

/** `tickwire inspect`. */
export const INSPECT_COMMAND: CommandSpec = {
  usage: "inspect FILE [--json]",
  description: `Reads a whole capture (raw .twr or NDJSON, optionally .gz) and prints its
header, record counts, time span, symbols, whether it was closed cleanly, and
every truncated or damaged place found (byte offset and record or line number).
Exits with 1 when the capture has problems.`,
  flags: { json: { type: "boolean", help: "print the summary as one JSON object" } },
  run,
};
