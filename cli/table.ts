/**
 * The live top-of-book table for `tickwire stream` on a terminal: one row per
 * symbol, redrawn in place, under a status line.
 *
 * @module
 */

import type { FeedEvent, FeedHealth } from "../mod.ts";

interface Row {
  bid: number;
  ask: number;
  bidSize: number;
  askSize: number;
  flag: string;
  last: number;
  volume: number;
  updatedMono: number;
}

const fmtPrice = (n: number): string => (n === 0 ? "-" : n.toFixed(2));
const fmtSize = (n: number): string => (n === 0 ? "-" : n.toLocaleString("en-US"));

/** Accumulates the latest state per symbol and renders it. */
export class TopOfBookTable {
  readonly #rows = new Map<string, Row>();
  #lines = 0;

  #row(symbol: string): Row {
    let r = this.#rows.get(symbol);
    if (r === undefined) {
      r = { bid: 0, ask: 0, bidSize: 0, askSize: 0, flag: "", last: 0, volume: 0, updatedMono: 0 };
      this.#rows.set(symbol, r);
    }
    return r;
  }

  /** @param ev Any event; market events update their symbol's row. */
  update(ev: FeedEvent): void {
    switch (ev.type) {
      case "quote": {
        const r = this.#row(ev.symbol);
        r.bid = ev.bid;
        r.ask = ev.ask;
        r.bidSize = ev.bidSize;
        r.askSize = ev.askSize;
        r.flag = ev.bidFlag === "normal" ? "" : ev.bidFlag.toUpperCase();
        r.updatedMono = ev.recvMono;
        break;
      }
      case "book": {
        const r = this.#row(ev.symbol);
        r.bid = ev.bids[0]?.price ?? 0;
        r.ask = ev.asks[0]?.price ?? 0;
        r.bidSize = ev.bids[0]?.size ?? 0;
        r.askSize = ev.asks[0]?.size ?? 0;
        r.flag = ev.bidFlag === "normal" ? "" : ev.bidFlag.toUpperCase();
        r.updatedMono = ev.recvMono;
        break;
      }
      case "trade": {
        const r = this.#row(ev.symbol);
        r.last = ev.price;
        r.updatedMono = ev.recvMono;
        break;
      }
      case "info": {
        const r = this.#row(ev.symbol);
        r.last = ev.last;
        r.volume = ev.totalVolume;
        r.updatedMono = ev.recvMono;
        break;
      }
    }
  }

  /**
   * Forgets the previous rendering's height: after a resize, lines may have
   * wrapped, so the next rendering clears the screen instead of moving up.
   */
  invalidate(): void {
    this.#lines = -1;
  }

  /**
   * Renders the table, replacing the previous rendering, fitted to `columns`:
   * column widths follow their contents, the least useful columns (volume, last,
   * age, sizes) are left out when the terminal is too narrow, and no line is
   * longer than the terminal (a wrapped line would break the redraw).
   * @param health Feed health for the status line.
   * @param nowMono Monotonic now, for ages.
   * @param columns Terminal width. @default 100
   * @returns Text with cursor movement codes.
   */
  render(health: FeedHealth, nowMono: number, columns = 100): string {
    const stale = new Set(health.staleSymbols);
    const status = [
      health.source,
      health.connected ? "connected" : "disconnected",
      `epoch ${health.epoch}`,
      `${Math.round(health.eventsPerSec)} ev/s`,
      `drops ${health.queue.dropped}`,
      `decode errors ${health.decodeErrors}`,
      `stale ${health.staleSymbols.length === 0 ? "none" : health.staleSymbols.join(",")}`,
    ].join(" | ");
    const rows: string[][] = [];
    for (const symbol of [...this.#rows.keys()].sort()) {
      const r = this.#rows.get(symbol)!;
      const age = r.updatedMono === 0 ? "-" : `${((nowMono - r.updatedMono) / 1000).toFixed(1)}s`;
      rows.push([
        symbol,
        fmtSize(r.bidSize),
        fmtPrice(r.bid),
        fmtPrice(r.ask),
        fmtSize(r.askSize),
        fmtPrice(r.last),
        fmtSize(r.volume),
        age,
        `${r.flag}${stale.has(symbol) ? " STALE" : ""}`.trim(),
      ]);
    }
    const width = Math.max(20, columns - 1);
    const shown = fitColumns(rows, width);
    const lines = [
      clip(status, width),
      clip(layout(HEADERS, shown), width),
      ...rows.map((cells) => clip(layout(cells, shown), width)),
    ];
    const up = this.#lines < 0 ? "\x1b[2J\x1b[H" : this.#lines > 0 ? `\x1b[${this.#lines}F` : "";
    this.#lines = lines.length;
    return `${up}\x1b[J${lines.join("\n")}\n`;
  }
}

const HEADERS = ["SYMBOL", "BID SIZE", "BID", "ASK", "ASK SIZE", "LAST", "VOLUME", "AGE", "FLAGS"];

/** Columns left out first when the terminal is narrow: volume, last, age, then both sizes. */
const DROP_ORDER: readonly (readonly number[])[] = [[6], [5], [7], [1, 4]];

/** A shown column: its index in a row and its width. */
interface Shown {
  readonly index: number;
  readonly width: number;
}

/** Picks the columns that fit in `width`, each as wide as its widest cell. */
function fitColumns(rows: readonly (readonly string[])[], width: number): Shown[] {
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  let keep = HEADERS.map((_, i) => i);
  const total = (): number => keep.reduce((n, i) => n + widths[i]!, 0) + (keep.length - 1) * 2;
  for (const drop of DROP_ORDER) {
    if (total() <= width) break;
    keep = keep.filter((i) => !drop.includes(i));
  }
  return keep.map((index) => ({ index, width: widths[index]! }));
}

function layout(cells: readonly string[], shown: readonly Shown[]): string {
  return shown.map(({ index, width }, k) => {
    const c = cells[index]!;
    // Text columns (symbol, flags) align left, numbers right.
    const last = k === shown.length - 1;
    if (index === 0) return c.padEnd(width);
    if (index === 8) return last ? c : c.padEnd(width);
    return c.padStart(width);
  }).join("  ").trimEnd();
}

function clip(line: string, width: number): string {
  return line.length <= width ? line : `${line.slice(0, width - 1)}…`;
}
