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
   * Renders the table, replacing the previous rendering.
   * @param health Feed health for the status line.
   * @param nowMono Monotonic now, for ages.
   * @returns Text with cursor movement codes.
   */
  render(health: FeedHealth, nowMono: number): string {
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
    const header = pad([
      "SYMBOL",
      "BID SIZE",
      "BID",
      "ASK",
      "ASK SIZE",
      "LAST",
      "VOLUME",
      "AGE",
      "",
    ]);
    const lines = [status, header];
    for (const symbol of [...this.#rows.keys()].sort()) {
      const r = this.#rows.get(symbol)!;
      const age = r.updatedMono === 0 ? "-" : `${((nowMono - r.updatedMono) / 1000).toFixed(1)}s`;
      lines.push(pad([
        symbol,
        fmtSize(r.bidSize),
        fmtPrice(r.bid),
        fmtPrice(r.ask),
        fmtSize(r.askSize),
        fmtPrice(r.last),
        fmtSize(r.volume),
        age,
        `${r.flag}${stale.has(symbol) ? " STALE" : ""}`,
      ]));
    }
    const up = this.#lines > 0 ? `\x1b[${this.#lines}F` : "";
    this.#lines = lines.length;
    return `${up}\x1b[J${lines.join("\n")}\n`;
  }
}

const WIDTHS = [10, 12, 10, 10, 12, 10, 14, 7, 10];

function pad(cells: string[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(WIDTHS[i]!) : c.padStart(WIDTHS[i]!))).join(" ");
}
