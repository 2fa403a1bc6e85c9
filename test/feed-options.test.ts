import { describe, expect, it } from "vitest";
import { createFeed, isConfigError, resolveFeedConfig, silentLogger } from "../mod.ts";
import { createFeed as coreCreateFeed } from "../src/mod.ts";
import { syntheticConnector } from "../connectors/synthetic/mod.ts";

/** Compile-time checks: `tsc --noEmit` (CI's type check) fails if any line below compiles. */
export function typeChecks(): void {
  // @ts-expect-error: `sede` is no option of the synthetic connector.
  void createFeed({ source: "synthetic", sede: 1 });
  // @ts-expect-error: nor when the connector is given as its definition.
  void createFeed({ source: syntheticConnector, sede: 1 });
  // @ts-expect-error: a replay's speed is a number or "max".
  void createFeed({ source: "replay", file: "day.twr", speed: "fast" });
  // @ts-expect-error: an unknown source name (declare it in ConnectorOptionsMap first).
  void createFeed({ source: "nasdaq" });
  // @ts-expect-error: the core entry point knows no connector by name.
  void coreCreateFeed({ source: "synthetic" });
  void createFeed({ source: "synthetic", seed: 1, symbols: ["PTT"], capacity: 1_000 });
  void createFeed({ source: "settrade", brokerUrl: "mqtt://127.0.0.1:1883" });
  void coreCreateFeed({ source: syntheticConnector, seed: 1 });
}

async function issuesOf(options: Record<string, unknown>): Promise<string[]> {
  try {
    await resolveFeedConfig({ source: "synthetic", ...options });
  } catch (e) {
    if (isConfigError(e)) return e.issues.map((i) => `${i.key}: ${i.message}`);
    throw e;
  }
  return [];
}

describe("feed options", () => {
  it("report an unknown option with the nearest valid key", async () => {
    expect(await issuesOf({ sede: 1 })).toEqual(['sede: unknown option; did you mean "seed"?']);
    expect(await issuesOf({ symbol: ["PTT"] })).toEqual([
      'symbol: unknown option; did you mean "symbols"?',
    ]);
    expect(await issuesOf({ zzzzzz: 1 })).toEqual(["zzzzzz: unknown option"]);
  });

  it("report every problem at once, the connector's beside the feed's", async () => {
    expect(await issuesOf({ sede: 1, rate: -5, capacity: 0 })).toHaveLength(3);
  });

  it("create a feed from the core entry point with a definition", async () => {
    const feed = await coreCreateFeed({
      source: syntheticConnector,
      symbols: ["PTT"],
      seed: 3,
      rate: "max",
      logger: silentLogger,
    });
    try {
      let quotes = 0;
      for await (const ev of feed) if (ev.type === "quote" && ++quotes === 10) break;
      expect(quotes).toBe(10);
    } finally {
      await feed.close();
    }
  });
});
