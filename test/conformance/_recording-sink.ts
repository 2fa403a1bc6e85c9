/**
 * A sink that records everything a connector delivers, for tests.
 *
 * @module
 */

import type { EventSink } from "../../src/connector.ts";
import type { DecodeError } from "../../src/errors.ts";
import type { FeedEvent, MarketEvent, StatusEvent } from "../../src/events.ts";

/** What {@link createRecordingSink} returns: the sink and what it has recorded so far. */
export interface RecordingSink {
  /** Hand this to the connector (`ctx.sink`). `event()` always returns `true`; `drain()` resolves at once. */
  readonly sink: EventSink;
  /** Market events, in delivery order. */
  readonly events: MarketEvent[];
  /** Status events, in delivery order. */
  readonly statuses: StatusEvent[];
  /** Every market and status event, in delivery order. */
  readonly all: FeedEvent[];
  /** Decode errors reported through `sink.decodeError`. */
  readonly decodeErrors: DecodeError[];
  /** Sink calls made after the `end` status (each a contract violation), by method and type. */
  readonly afterEnd: string[];
}

/**
 * Creates a sink that records every event, status and decode error, in order.
 *
 * @returns The sink and the arrays it fills.
 * @example Recording a connector's output
 * ```ts
 * import { createRecordingSink } from "@tickwire/tickwire/testing";
 * import { silentLogger, systemClock } from "@tickwire/tickwire";
 * import { createSyntheticConnector } from "@tickwire/tickwire/connectors/synthetic";
 *
 * const rec = createRecordingSink();
 * const connector = createSyntheticConnector({ rate: "max", limit: 5 }, {
 *   sink: rec.sink,
 *   logger: silentLogger,
 *   clock: systemClock,
 * });
 * await connector.subscribe({ channel: "quote", symbol: "PTT" });
 * await connector.connect();
 * await connector.disconnect();
 * console.log(rec.statuses.at(-1)?.kind); // "end"
 * ```
 */
export function createRecordingSink(): RecordingSink {
  const events: MarketEvent[] = [];
  const statuses: StatusEvent[] = [];
  const all: FeedEvent[] = [];
  const decodeErrors: DecodeError[] = [];
  const afterEnd: string[] = [];
  let ended = false;
  const sink: EventSink = {
    event(ev: MarketEvent): boolean {
      if (ended) afterEnd.push(`event:${ev.type}`);
      events.push(ev);
      all.push(ev);
      return true;
    },
    status(ev: StatusEvent): void {
      if (ended) afterEnd.push(`status:${ev.kind}`);
      if (ev.kind === "end") ended = true;
      statuses.push(ev);
      all.push(ev);
    },
    decodeError(err: DecodeError): void {
      if (ended) afterEnd.push("decodeError");
      decodeErrors.push(err);
    },
    drain(): Promise<void> {
      return Promise.resolve();
    },
  };
  return { sink, events, statuses, all, decodeErrors, afterEnd };
}
