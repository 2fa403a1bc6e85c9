/**
 * Prints a feed as NDJSON or as the live table, until a limit, the end of the
 * feed, or a closed pipe. Shared by `stream` and `replay`.
 *
 * @module
 */

import type { Feed, FeedCloseInfo } from "../mod.ts";
import { type FlagDef, UsageError } from "./args.ts";
import { onInterrupt, type Out } from "./_runtime.ts";
import { TopOfBookTable } from "./table.ts";

/** How to print. */
export interface PrintOptions {
  readonly format: "table" | "ndjson";
  /** Stop after this many market events. */
  readonly limit?: number;
  /** Include status events in NDJSON. */
  readonly withStatus: boolean;
}

/** The `--format` flag of the commands that print a feed. */
export const FORMAT_FLAG: FlagDef = {
  type: "string",
  value: "F",
  help: "table or ndjson (default: table on a terminal, else ndjson)",
};

/**
 * Reads `--format`: `table` or `ndjson`, by default a table on a terminal.
 * @param raw The flag's value, if given. @param out Where the events go.
 * @returns The format.
 * @throws UsageError quoting another value.
 */
export function formatFlag(raw: string | boolean | undefined, out: Out): PrintOptions["format"] {
  const format = raw ?? (out.isTTY ? "table" : "ndjson");
  if (format !== "table" && format !== "ndjson") {
    throw new UsageError(`--format must be table or ndjson, got ${JSON.stringify(format)}`);
  }
  return format;
}

/**
 * Prints a feed until a limit, its end, an interrupt (Ctrl-C) or `durationMs`,
 * then closes it.
 * @param feed The feed. @param out Where to write.
 * @param options Format, limit, status lines.
 * @param durationMs Close the feed after this long. @default never
 * @returns How the feed ended.
 */
export async function printUntilDone(
  feed: Feed,
  out: Out,
  options: PrintOptions,
  durationMs?: number,
): Promise<FeedCloseInfo> {
  const stop = (reason: string): void => void feed.close(reason);
  const removeInterrupt = onInterrupt(stop);
  const timer = durationMs === undefined
    ? undefined
    : setTimeout(() => stop("duration"), durationMs);
  try {
    await printFeed(feed, out, options);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    removeInterrupt();
    await feed.close();
  }
  return await feed.closed();
}

/** Milliseconds between table redraws. */
const REDRAW_MS = 250;

/**
 * Consumes the feed and prints it.
 * @param feed The feed to drain.
 * @param out Where to write.
 * @param options Format, limit, status lines.
 * @returns The number of market events printed.
 */
export async function printFeed(feed: Feed, out: Out, options: PrintOptions): Promise<number> {
  const { limit, withStatus } = options;
  let count = 0;
  if (options.format === "ndjson") {
    for await (const ev of feed) {
      if (out.closed) break;
      if (ev.type === "status" && !withStatus) continue;
      await out.write(`${JSON.stringify(ev)}\n`);
      if (ev.type !== "status" && ++count === limit) break;
    }
    return count;
  }
  const table = new TopOfBookTable();
  const draw = (): Promise<void> =>
    out.write(table.render(feed.health(), performance.now(), out.columns));
  // A resize redraws at once, from a cleared screen (old lines may have wrapped).
  const stopResize = out.onResize(() => {
    table.invalidate();
    void draw();
  });
  try {
    let lastRender = 0;
    for await (const ev of feed) {
      if (out.closed) break;
      table.update(ev);
      if (ev.type !== "status" && ++count === limit) break;
      const now = performance.now();
      if (now - lastRender >= REDRAW_MS) {
        lastRender = now;
        await draw();
      }
    }
    await draw();
  } finally {
    stopResize();
  }
  return count;
}
