/**
 * Decodes `CandlestickV3` payloads (topic `proto/topic/cdlv3/{SYMBOL}/{INTERVAL}`)
 * into `bar` events, through the generated code.
 *
 * @module
 */

import { DecodeError } from "../../../src/errors.ts";
import type { BarEvent } from "../../../src/events.ts";
import { CandlestickV3Schema } from "../gen/settrade/v3/candlestick_pb.ts";
import {
  countToNumber,
  int64ToNumber,
  moneyOf,
  parseGenerated,
  requireSymbol,
} from "./_generated.ts";
import type { Stamp } from "../../../src/kit/stamp.ts";

/**
 * Decodes one `CandlestickV3` payload.
 *
 * `openTs` is the bar's `time` in epoch milliseconds (a bar without a time is
 * rejected, code `"missing-time"`: inferred, the feed always sends it);
 * `sequence` is `last_sequence`; `value` is always set (0 when absent, proto3).
 * An empty `interval` is rejected (code `"empty-interval"`).
 *
 * @param bytes A `CandlestickV3` message.
 * @param meta Receive-side fields.
 * @param seq Sequence number of the event. @default meta.seq
 * @returns The bar event.
 * @throws DecodeError `"malformed"`, `"empty-symbol"`, `"empty-interval"`,
 *   `"missing-time"`, `"overflow"` or `"range"`.
 * @example Decoding a one-minute bar
 * ```ts
 * import { decodeBar } from "./candlestick.ts";
 * // symbol "PTT", interval "1m", time 1,700,000,000 s
 * const bytes = new Uint8Array([0x0a, 3, 0x50, 0x54, 0x54, 0x12, 2, 0x31, 0x6d, 0x22, 6, 0x08, 0x80, 0xe2, 0xcf, 0xaa, 0x06]);
 * const ev = decodeBar(bytes, { source: "settrade", seq: 1, recvTs: 0, recvMono: 0, epoch: 0 });
 * console.log(ev.interval, ev.openTs); // 1m 1700000000000
 * ```
 */
export function decodeBar(bytes: Uint8Array, meta: Stamp, seq: number = meta.seq): BarEvent {
  const m = parseGenerated(CandlestickV3Schema, bytes);
  const symbol = requireSymbol(m.symbol, "CandlestickV3.symbol");
  if (m.interval === "") {
    throw new DecodeError("[settrade] CandlestickV3.interval is empty", {
      code: "empty-interval",
    });
  }
  if (m.time === undefined) {
    throw new DecodeError(`[settrade] CandlestickV3 for "${symbol}" has no time`, {
      code: "missing-time",
    });
  }
  const seconds = int64ToNumber(m.time.seconds, "CandlestickV3.time.seconds");
  return {
    type: "bar",
    source: meta.source,
    origin: meta.origin,
    symbol,
    seq,
    recvTs: meta.recvTs,
    recvMono: meta.recvMono,
    epoch: meta.epoch,
    interval: m.interval,
    openTs: seconds * 1000 + m.time.nanos / 1e6,
    open: moneyOf(m.open, "CandlestickV3.open"),
    high: moneyOf(m.high, "CandlestickV3.high"),
    low: moneyOf(m.low, "CandlestickV3.low"),
    close: moneyOf(m.close, "CandlestickV3.close"),
    volume: countToNumber(m.volume, "CandlestickV3.volume"),
    value: moneyOf(m.value, "CandlestickV3.value"),
    sequence: countToNumber(m.lastSequence, "CandlestickV3.last_sequence"),
  };
}
