/**
 * Decodes `InfoV3` payloads (topic `proto/topic/infov3/{SYMBOL}`) into `info`
 * events, through the generated code.
 *
 * @module
 */

import type { InfoEvent } from "../../../src/events.ts";
import { InfoV3Schema } from "../gen/settrade/v3/info_pb.ts";
import {
  countToNumber,
  marketStatus,
  moneyOf,
  parseGenerated,
  requireSymbol,
} from "./_generated.ts";
import type { Stamp } from "../../../src/kit/stamp.ts";

/**
 * Decodes one `InfoV3` payload.
 *
 * Absent prices and volumes are 0 (proto3). `projectedOpenPrice` and
 * `projectedOpenVolume` are set only when either is non-zero (inferred: the
 * exchange fills them during the pre-open call only); the market status keeps
 * unknown codes as numbers.
 *
 * @param bytes An `InfoV3` message.
 * @param meta Receive-side fields.
 * @param seq Sequence number of the event. @default meta.seq
 * @returns The info event.
 * @throws DecodeError `"malformed"`, `"empty-symbol"`, `"overflow"` or `"range"`.
 * @example Decoding an instrument summary
 * ```ts
 * import { decodeInfo } from "./info.ts";
 * // symbol "PTT", total_volume 1200
 * const bytes = new Uint8Array([0x0a, 3, 0x50, 0x54, 0x54, 0x28, 0xb0, 0x09]);
 * const ev = decodeInfo(bytes, { source: "settrade", seq: 1, recvTs: 0, recvMono: 0, epoch: 0 });
 * console.log(ev.symbol, ev.totalVolume, ev.marketStatus.name); // PTT 1200 unspecified
 * ```
 */
export function decodeInfo(bytes: Uint8Array, meta: Stamp, seq: number = meta.seq): InfoEvent {
  const m = parseGenerated(InfoV3Schema, bytes);
  const symbol = requireSymbol(m.symbol, "InfoV3.symbol");
  const base = {
    type: "info" as const,
    source: meta.source,
    origin: meta.origin,
    symbol,
    seq,
    recvTs: meta.recvTs,
    recvMono: meta.recvMono,
    epoch: meta.epoch,
    last: moneyOf(m.last, "InfoV3.last"),
    high: moneyOf(m.high, "InfoV3.high"),
    low: moneyOf(m.low, "InfoV3.low"),
    change: moneyOf(m.change, "InfoV3.change"),
    totalVolume: countToNumber(m.totalVolume, "InfoV3.total_volume"),
    totalValue: moneyOf(m.totalValue, "InfoV3.total_value"),
    marketStatus: marketStatus(m.marketStatus),
  };
  const projectedOpenPrice = moneyOf(m.projectedOpenPrice, "InfoV3.projected_open_price");
  const projectedOpenVolume = countToNumber(
    m.projectedOpenVolume,
    "InfoV3.projected_open_volume",
  );
  if (projectedOpenPrice === 0 && projectedOpenVolume === 0) return base;
  return { ...base, projectedOpenPrice, projectedOpenVolume };
}
