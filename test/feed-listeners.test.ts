import { describe, expect, it } from "vitest";
import { createFeed } from "../mod.ts";
import { ManualClock } from "../src/clock.ts";
import type { StatusEvent } from "../src/events.ts";
import { silentLogger } from "../src/log.ts";
import { lastScripted, scriptedConnector } from "./_helpers/scripted-connector.ts";

describe("feed listeners", () => {
  it("one throwing listener never keeps an event from the listeners after it", async () => {
    const clock = new ManualClock();
    const feed = await createFeed({
      source: scriptedConnector,
      logger: silentLogger,
      clock,
      buffer: false,
    });
    const first: number[] = [];
    const third: number[] = [];
    const statuses: StatusEvent[] = [];
    feed.on("quote", (q) => first.push(q.bid));
    feed.on("quote", () => {
      throw new Error("strategy bug");
    });
    feed.on("quote", (q) => third.push(q.bid));
    feed.on("status", (s) => statuses.push(s));
    const c = lastScripted();
    for (let i = 1; i <= 100; i++) c.quote("PTT", i);
    const all = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(first).toEqual(all);
    expect(third).toEqual(all);
    expect(feed.health().listenerErrors).toBe(100);
    // Reported, but at a limited rate: one status for the 100 failures in the same second.
    const errors = statuses.filter((s) => s.kind === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: "listener", eventType: "quote" });
    expect(errors[0]!.reason).toMatch(/a quote listener threw: strategy bug/);
    clock.advance(1_000);
    c.quote("PTT", 101);
    expect(statuses.filter((s) => s.kind === "error")).toHaveLength(2);
    expect(feed.health().lastError).toBeUndefined();
    await feed.close();
    expect((await feed.closed()).reason).toBe("closed");
  });

  it("a throwing status listener is counted, not looped on", async () => {
    const feed = await createFeed({ source: scriptedConnector, logger: silentLogger });
    let calls = 0;
    feed.on("status", () => {
      calls++;
      throw new Error("status bug");
    });
    lastScripted().status("subscribe-error", { reason: "refused", symbol: "PTT" });
    // The subscribe-error, then the one error status that reports it (which throws too).
    expect(calls).toBe(2);
    expect(feed.health().listenerErrors).toBe(2);
    await feed.close();
  });

  it("off() removes a guarded listener, and once() runs one time", async () => {
    const feed = await createFeed({
      source: scriptedConnector,
      logger: silentLogger,
      buffer: false,
    });
    const seen: string[] = [];
    const fn = (): void => void seen.push("on");
    feed.on("quote", fn);
    feed.once("quote", () => void seen.push("once"));
    const c = lastScripted();
    c.quote("PTT");
    feed.off("quote", fn);
    c.quote("PTT");
    expect(seen).toEqual(["on", "once"]);
    await feed.close();
  });
});
