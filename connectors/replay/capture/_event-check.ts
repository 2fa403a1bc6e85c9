/**
 * A fast check of a market event parsed from JSON, for the replay hot path:
 * the rules of the event schemas (`src/schemas.ts`) for the six market types,
 * written out field by field. It only ever says "certainly valid": whatever it
 * does not accept (a bad field, an unknown key, a status, a shape it does not
 * know) goes to the schemas, which decide and name what is wrong. So the
 * schemas stay the one authority for what an event is and for every message,
 * and a rule this file misses costs speed, never a wrong acceptance, as long
 * as it accepts nothing the schemas refuse (property tests hold the two equal).
 *
 * Why not the schemas alone: a generic schema walk builds an output object and
 * a dataset per field, and at a few hundred thousand lines a second that walk
 * and its garbage were most of a replay's time.
 *
 * @module
 */

/** A parsed JSON object, read field by field. */
type Fields = Record<string, unknown>;

const MAX_SIZE = Number.MAX_SAFE_INTEGER;

/** `number` + `finite`. */
function finite(x: unknown): boolean {
  return typeof x === "number" && Number.isFinite(x);
}

/** `number` + `finite` + `minValue(0)` + `maxValue(MAX_SAFE_INTEGER)`. */
function size(x: unknown): boolean {
  return typeof x === "number" && x >= 0 && x <= MAX_SIZE;
}

/** `number` + `integer` + `minValue(0)`. */
function count(x: unknown): boolean {
  return Number.isInteger(x) && (x as number) >= 0;
}

/** `string` + `minLength(1)`. */
function text(x: unknown): boolean {
  return typeof x === "string" && x.length > 0;
}

/** `string`. */
function str(x: unknown): boolean {
  return typeof x === "string";
}

/** `picklist(["poll", "backfill"])`. */
function via(x: unknown): boolean {
  return x === "poll" || x === "backfill";
}

/** `picklist(["normal", "ato", "atc", "undefined"])`. */
function flag(x: unknown): boolean {
  return x === "normal" || x === "ato" || x === "atc" || x === "undefined";
}

/** A symbol: a non-empty string equal to its upper case. */
function symbol(x: unknown): boolean {
  if (typeof x !== "string" || x.length === 0) return false;
  for (let i = 0; i < x.length; i++) {
    const c = x.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) return false;
    if (c >= 0x80) return x === x.toUpperCase();
  }
  return true;
}

/** Enumerable keys, own and inherited, as `strictObject` walks them. */
function keyCount(o: object): number {
  let n = 0;
  for (const _ in o) n++;
  return n;
}

/**
 * The fields every market event has, `type` included.
 * @returns How many of the object's keys they account for, or -1 when one is wrong.
 */
function base(o: Fields): number {
  if (
    !text(o.source) || !symbol(o.symbol) || !count(o.seq) || !finite(o.recvTs) ||
    !finite(o.recvMono) || !count(o.epoch)
  ) return -1;
  const a = opt(o.exchTs, finite);
  const b = opt(o.origin, str);
  const c = opt(o.via, via);
  const d = opt(o.streamSeq, count);
  return (a | b | c | d) < 0 ? -1 : 7 + a + b + c + d;
}

/** An optional field: 0 when absent, 1 when present and valid, -1 when present and wrong. */
function opt(x: unknown, ok: (x: unknown) => boolean): number {
  if (x === undefined) return 0;
  return ok(x) ? 1 : -1;
}

function quote(o: Fields): boolean {
  const n = base(o);
  return n > 0 && finite(o.bid) && finite(o.ask) && size(o.bidSize) && size(o.askSize) &&
    flag(o.bidFlag) && flag(o.askFlag) && keyCount(o) === n + 6;
}

function levels(x: unknown): boolean {
  if (!Array.isArray(x)) return false;
  for (let i = 0; i < x.length; i++) {
    const l = x[i] as Fields;
    if (
      typeof l !== "object" || l === null || !finite(l.price) || !size(l.size) ||
      keyCount(l) !== 2
    ) return false;
  }
  return true;
}

function book(o: Fields): boolean {
  const n = base(o);
  return n > 0 && levels(o.bids) && levels(o.asks) && flag(o.bidFlag) && flag(o.askFlag) &&
    keyCount(o) === n + 4;
}

function trade(o: Fields): boolean {
  let n = base(o);
  if (n < 0) return false;
  const side = o.side;
  if (
    !finite(o.price) || !size(o.size) || (side !== "buy" && side !== "sell" && side !== "unknown")
  ) return false;
  const id = opt(o.tradeId, str);
  if (id < 0) return false;
  n += id;
  return keyCount(o) === n + 3;
}

function bar(o: Fields): boolean {
  let n = base(o);
  if (
    n < 0 || !text(o.interval) || !finite(o.openTs) || !finite(o.open) || !finite(o.high) ||
    !finite(o.low) || !finite(o.close) || !size(o.volume) || !count(o.sequence)
  ) return false;
  const value = opt(o.value, finite);
  if (value < 0) return false;
  n += value;
  return keyCount(o) === n + 8;
}

/** `strictObject({ code: integer, name: string })`. */
function statusCode(x: unknown): boolean {
  const s = x as Fields;
  return typeof s === "object" && s !== null && Number.isInteger(s.code) &&
    typeof s.name === "string" && keyCount(s) === 2;
}

function info(o: Fields): boolean {
  let n = base(o);
  if (
    n < 0 || !finite(o.last) || !finite(o.high) || !finite(o.low) || !finite(o.change) ||
    !size(o.totalVolume) || !finite(o.totalValue) || !statusCode(o.marketStatus)
  ) return false;
  const price = opt(o.projectedOpenPrice, finite);
  const volume = opt(o.projectedOpenVolume, size);
  if (price < 0 || volume < 0) return false;
  n += price + volume;
  return keyCount(o) === n + 7;
}

function market(o: Fields): boolean {
  const n = base(o);
  if (n < 0 || !text(o.market) || !statusCode(o.status)) return false;
  const a = opt(o.current, finite);
  const b = opt(o.high, finite);
  const c = opt(o.low, finite);
  const d = opt(o.change, finite);
  const e = opt(o.percentChange, finite);
  const f = opt(o.totalVolume, size);
  const g = opt(o.totalValue, finite);
  const h = opt(o.totalDeal, size);
  const i = opt(o.openInterest, size);
  if ((a | b | c | d | e | f | g | h | i) < 0) return false;
  return keyCount(o) === n + 2 + a + b + c + d + e + f + g + h + i;
}

/**
 * Whether a value parsed from JSON is certainly a valid market event.
 *
 * @param value A parsed JSON value.
 * @returns `true` only when the event schemas accept it as a market event
 *   (`quote`, `book`, `trade`, `bar`, `info` or `market`); `false` for
 *   anything else, statuses included: ask the schemas then.
 */
export function isMarketEventJson(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const o = value as Fields;
  switch (o.type) {
    case "quote":
      return quote(o);
    case "book":
      return book(o);
    case "trade":
      return trade(o);
    case "bar":
      return bar(o);
    case "info":
      return info(o);
    case "market":
      return market(o);
    default:
      return false;
  }
}
