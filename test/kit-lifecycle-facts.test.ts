import { describe, expect, it } from "vitest";
import { ManualClock } from "../src/clock.ts";
import type { EventSink } from "../src/connector.ts";
import type { StatusEvent } from "../src/events.ts";
import { Lifecycle } from "../src/kit/lifecycle.ts";

/** What a Lifecycle reports of its connection, and the fields of each status it sends. */

function setup() {
  const statuses: StatusEvent[] = [];
  const failures: Error[] = [];
  let events = 0;
  const sink: EventSink = {
    event: () => (events++, true),
    status: (s) => void statuses.push(s),
    decodeError: () => {},
    drain: () => Promise.resolve(),
    fail: (e) => void failures.push(e),
  };
  const life = new Lifecycle("kit", sink, new ManualClock());
  return { life, statuses, failures, events: () => events };
}

/** The facts of a first connection that never retried, with `extra` over them. */
const firstConnection = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  connected: false,
  epoch: 0,
  reconnectAttempts: 0,
  reconnects: 0,
  ...extra,
});

const fields = (s: StatusEvent | undefined): Record<string, unknown> => {
  const { type: _t, source: _s, epoch: _e, recvTs: _r, recvMono: _m, ...rest } = s!;
  return rest;
};

describe("Lifecycle facts and status fields", () => {
  it("reports connected only while connected, and the last reason of a loss, retry or error", () => {
    const { life } = setup();
    expect(life.facts()).toStrictEqual(firstConnection());
    expect(life.connectedNow).toBe(false);
    life.connecting();
    life.connected();
    expect(life.facts()).toStrictEqual(firstConnection({ connected: true }));
    expect(life.connectedNow).toBe(true);
    life.lost("socket closed");
    expect(life.facts()).toStrictEqual(firstConnection({ lastError: "socket closed" }));
    life.reconnecting(1, 100);
    expect(life.facts()).toMatchObject({ reconnectAttempts: 1, lastError: "socket closed" });
    life.reconnecting(2, 200, "refused");
    expect(life.facts()).toMatchObject({ reconnectAttempts: 2, lastError: "refused" });
    life.error("broker said no");
    expect(life.facts().lastError).toBe("broker said no");
    expect(life.ended).toBe(false);
    life.finish("done");
    expect(life.ended).toBe(true);
  });

  it("puts reason, code and symbol on a status only when given", () => {
    const { life, statuses } = setup();
    life.reconnecting(1, 100);
    expect(fields(statuses.at(-1))).toStrictEqual({
      kind: "reconnecting",
      attempt: 1,
      delayMs: 100,
    });
    life.reconnecting(2, 200, "refused", "E503");
    expect(fields(statuses.at(-1))).toStrictEqual({
      kind: "reconnecting",
      attempt: 2,
      delayMs: 200,
      reason: "refused",
      code: "E503",
    });
    life.subscribeError("unknown symbol");
    expect(fields(statuses.at(-1))).toStrictEqual({
      kind: "subscribe-error",
      reason: "unknown symbol",
    });
    life.subscribeError("unknown symbol XYZ", "XYZ");
    expect(fields(statuses.at(-1))).toStrictEqual({
      kind: "subscribe-error",
      reason: "unknown symbol XYZ",
      symbol: "XYZ",
    });
    life.error("failed");
    expect(fields(statuses.at(-1))).toStrictEqual({ kind: "error", reason: "failed" });
    life.error("failed", "E1");
    expect(fields(statuses.at(-1))).toStrictEqual({ kind: "error", reason: "failed", code: "E1" });
  });

  it("a loss before any connection is no disconnect", () => {
    const { life, statuses } = setup();
    life.connecting();
    life.lost("refused");
    life.finish("gave up");
    expect(statuses.map((s) => s.kind)).toStrictEqual(["connecting", "end"]);
  });

  it("fail() hands the error to the sink and reports it once; nothing after the end", () => {
    const { life, statuses, failures, events } = setup();
    const boom = new Error("  login\n refused ");
    life.fail(boom, "E401");
    expect(failures).toStrictEqual([boom]);
    expect(fields(statuses.at(-1))).toStrictEqual({
      kind: "error",
      reason: "login refused",
      code: "E401",
    });
    life.finish("gave up");
    const n = statuses.length;
    life.fail(new Error("late"));
    // Ended: dropped, and never a request to pause.
    expect(life.deliver({ type: "trade", symbol: "PTT", price: 1, size: 1, side: "buy" })).toBe(
      true,
    );
    expect(failures).toStrictEqual([boom]);
    expect(statuses).toHaveLength(n);
    expect(events()).toBe(0);
  });
});
