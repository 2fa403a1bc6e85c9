/**
 * The Settrade connector against the Settrade emulator (real HTTP and MQTT over
 * WebSocket on 127.0.0.1): every channel, broker-side drops, token expiry and
 * controlled renewal, refused logins, unknown symbols, malformed payloads,
 * market REST, and — over the whole file — the app secret never showing in a
 * log line, a status or an error.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createFeed } from "../../mod.ts";
import { isAuthError } from "../../src/errors.ts";
import type { MarketEvent } from "../../src/events.ts";
import {
  type SettradeEmulator,
  startSettradeEmulator,
} from "../../connectors/settrade/emulator/mod.ts";
import {
  RENEWAL_REASON,
  type SettradeConnector,
  type SettradeOptionsInput,
} from "../../connectors/settrade/mod.ts";
import { pairKey, subKey } from "../conformance/_checks.ts";
import {
  capturingLogger,
  disconnectAll,
  EVERY_CHANNEL,
  FAST_RECONNECT,
  type Harness,
  harness,
  lifecycleProblems,
  type LogLine,
  rejection,
  seqProblems,
  until,
} from "./_connector-harness.ts";

/** Every log line, status reason and error text seen in this file. */
const texts: string[] = [];
const secrets = new Set<string>();
const logs: LogLine[] = [];
const emulators: SettradeEmulator[] = [];

async function emulator(options: Parameters<typeof startSettradeEmulator>[0] = {}) {
  const emu = await startSettradeEmulator({ seed: 7, rate: 40, ...options });
  emulators.push(emu);
  if (emu.appSecretBase64 !== undefined) secrets.add(emu.appSecretBase64);
  return emu;
}

function optionsOf(
  emu: SettradeEmulator,
  extra: Partial<SettradeOptionsInput> = {},
): SettradeOptionsInput {
  return {
    ...emu.connectorOptions(),
    reconnect: FAST_RECONNECT,
    ...extra,
  };
}

const tracked: Harness[] = [];
function connectorFor(emu: SettradeEmulator, extra: Partial<SettradeOptionsInput> = {}): Harness {
  const h = harness(optionsOf(emu, extra), { logs });
  tracked.push(h);
  return h;
}

/** A connector on PTT's quotes, connected to `emu`. */
async function connectedToQuotes(emu: SettradeEmulator): Promise<Harness> {
  const h = connectorFor(emu);
  await h.connector.subscribe({ channel: "quote", symbol: "PTT" });
  await h.connector.connect();
  return h;
}

function remember(e: unknown): unknown {
  if (e instanceof Error) texts.push(e.message, String(e), JSON.stringify(e));
  return e;
}

const KEYS = EVERY_CHANNEL.map(subKey);

const seen = (events: readonly MarketEvent[], from = 0): Set<string> =>
  new Set(events.slice(from).map(pairKey));

let emu: SettradeEmulator;
beforeAll(async () => {
  emu = await emulator();
});
afterEach(async () => {
  for (const h of tracked.splice(0)) {
    for (const s of h.rec.statuses) if (s.reason !== undefined) texts.push(s.reason);
    for (const e of h.rec.decodeErrors) texts.push(e.message);
    texts.push(JSON.stringify(h.connector.health()));
  }
  await disconnectAll();
});
afterAll(async () => {
  await Promise.all(emulators.map((e) => e.stop()));
});

describe("the Settrade connector against the emulator", () => {
  it("logs in, connects and delivers decoded events for every channel", async () => {
    const h = connectorFor(emu);
    for (const sub of EVERY_CHANNEL) await h.connector.subscribe(sub);
    await h.connector.connect();
    await until(() => KEYS.every((k) => seen(h.rec.events).has(k)), "an event per subscription");
    expect(h.kinds().slice(0, 2)).toEqual(["connecting", "connected:0"]);
    expect(seqProblems(h.rec.events)).toEqual([]);
    expect(lifecycleProblems(h.rec.all)).toEqual([]);
    const market = h.rec.events.find((e) => e.type === "market" && e.symbol === "TFEX");
    expect(market).toMatchObject({ source: "settrade", market: "TFEX" });
  });

  it("reconnects after a broker-side drop: backoff, epoch + 1, subscriptions replayed, no stragglers", async () => {
    const h = connectorFor(emu);
    for (const sub of EVERY_CHANNEL) await h.connector.subscribe(sub);
    await h.connector.connect();
    await until(() => KEYS.every((k) => seen(h.rec.events).has(k)), "events before the drop");
    const dispatcherBefore = emu.dispatcherTokens;
    expect(emu.dropConnections()).toBeGreaterThan(0);
    await until(() => h.connector.health().epoch === 1 && h.connector.isConnected(), "epoch 1");
    const at = h.rec.all.findIndex((e) =>
      e.type === "status" && e.kind === "connected" && e.epoch === 1
    );
    const lost = h.rec.statuses.find((s) => s.kind === "disconnected");
    const retry = h.rec.statuses.find((s) => s.kind === "reconnecting");
    expect(lost?.reason).toMatch(/connection lost/);
    expect(retry).toMatchObject({ attempt: 1 });
    expect(retry!.delayMs).toBeGreaterThanOrEqual(16);
    expect(emu.dispatcherTokens).toBeGreaterThan(dispatcherBefore);
    const from = h.rec.events.length;
    await until(
      () => KEYS.every((k) => seen(h.rec.events, from).has(k)),
      "every pair after the reconnect",
    );
    expect(h.rec.all.slice(at + 1).every((e) => e.type === "status" || e.epoch === 1)).toBe(true);
    expect(lifecycleProblems(h.rec.all)).toEqual([]);
    expect(seqProblems(h.rec.events)).toEqual([]);
    expect([...emu.subscriptions()]).toEqual(expect.arrayContaining([
      "proto/topic/bidofferv3/PTT",
      "proto/topic/cdlv3/KBANK/1m",
    ]));
  });

  it("reports an unknown symbol as subscribe-error naming it, and goes on", async () => {
    const h = connectorFor(emu);
    await h.connector.subscribe({ channel: "quote", symbol: "PTT" });
    await h.connector.subscribe({ channel: "info", symbol: "NOSUCH" });
    await h.connector.connect();
    await until(
      () => h.rec.statuses.some((s) => s.kind === "subscribe-error"),
      "a subscribe-error",
    );
    const err = h.rec.statuses.find((s) => s.kind === "subscribe-error")!;
    expect(err.symbol).toBe("NOSUCH");
    expect(err.reason).toMatch(/NOSUCH/);
    const from = h.rec.events.length;
    await until(() => h.rec.events.length > from, "quotes after the error");
    expect(h.connector.isConnected()).toBe(true);
  });

  it("counts malformed payloads apart from listener errors, logs them at a limited rate, and goes on", async () => {
    const lines: LogLine[] = [];
    const feed = await createFeed({
      source: "settrade",
      symbols: ["PTT"],
      channels: ["quote"],
      logger: capturingLogger(lines),
      ...optionsOf(emu),
    });
    try {
      let quotes = 0;
      feed.on("quote", () => {
        quotes++;
        throw new Error("listener failure");
      });
      await until(() => quotes > 0, "a first quote");
      emu.sendMalformed(15);
      await until(() => feed.health().decodeErrors === 15, "15 decode errors");
      const before = quotes;
      await until(() => quotes > before, "quotes after the malformed payloads");
      const h = feed.health();
      expect(h.listenerErrors).toBeGreaterThan(0);
      expect(h.decodeErrors).toBe(15);
      expect((feed.connector as SettradeConnector).health().decodeErrors).toBe(15);
      expect(lines.filter((l) => l.message.startsWith("payload skipped"))).toHaveLength(10);
      expect(h.connected).toBe(true);
    } finally {
      await feed.close();
      for (const l of lines) texts.push(l.message, JSON.stringify(l.fields ?? {}));
    }
  });

  it("fetches the latest quote and recent bars over market REST", async () => {
    const h = connectorFor(emu);
    const quote = await h.connector.fetchQuote("ptt");
    expect(quote).toMatchObject({ type: "quote", symbol: "PTT", source: "settrade" });
    expect(quote.bid).toBeGreaterThan(0);
    expect(quote.ask).toBeGreaterThanOrEqual(quote.bid);
    const bars = await h.connector.fetchCandlesticks("PTT", "5m", 12);
    expect(bars).toHaveLength(12);
    expect(bars.every((b) => b.type === "bar" && b.interval === "5m" && b.high >= b.low)).toBe(
      true,
    );
    for (let i = 1; i < bars.length; i++) {
      expect(bars[i].openTs - bars[i - 1].openTs).toBe(300_000);
      expect(bars[i].seq).toBeGreaterThan(bars[i - 1].seq);
    }
    remember(await rejection(h.connector.fetchQuote("NOSUCH")));
  });
});

describe("the Settrade connector and its tokens", () => {
  it("renews the token before it expires with a controlled reconnect and loses no subscription", async () => {
    const short = await emulator({ accessTokenTtlSec: 2 });
    const h = connectorFor(short);
    for (const sub of EVERY_CHANNEL) await h.connector.subscribe(sub);
    await h.connector.connect();
    await until(() => h.connector.health().epoch >= 2, "two renewals", 10_000);
    const lost = h.rec.statuses.filter((s) => s.kind === "disconnected");
    expect(lost.length).toBeGreaterThanOrEqual(2);
    expect(lost.every((s) => s.reason === RENEWAL_REASON)).toBe(true);
    const retries = h.rec.statuses.filter((s) => s.kind === "reconnecting");
    expect(retries.every((s) => s.attempt === 1 && s.delayMs === 0)).toBe(true);
    const at = h.rec.all.length;
    const from = h.rec.events.length;
    await until(
      () => KEYS.every((k) => seen(h.rec.events, from).has(k)),
      "every pair after renewals",
    );
    expect(h.rec.all.slice(at).every((e) => e.type === "status" || e.epoch >= 2)).toBe(true);
    expect(short.refreshes + short.logins).toBeGreaterThanOrEqual(3);
    expect(lifecycleProblems(h.rec.all)).toEqual([]);
    expect(seqProblems(h.rec.events)).toEqual([]);
  });

  it("recovers when the server expires its tokens early, with every subscription intact", async () => {
    const early = await emulator();
    const h = connectorFor(early);
    for (const sub of EVERY_CHANNEL) await h.connector.subscribe(sub);
    await h.connector.connect();
    await until(() => KEYS.every((k) => seen(h.rec.events).has(k)), "events before expiry");
    early.expireTokensAfter(1);
    await until(() => h.connector.health().epoch >= 1 && h.connector.isConnected(), "a reconnect");
    const from = h.rec.events.length;
    await until(
      () => KEYS.every((k) => seen(h.rec.events, from).has(k)),
      "every pair after expiry",
    );
    expect(lifecycleProblems(h.rec.all)).toEqual([]);
    expect(seqProblems(h.rec.events)).toEqual([]);
    expect(h.rec.statuses.some((s) => s.kind === "end" || s.kind === "error")).toBe(false);
  });

  it("rejects connect() with the AuthError of a refused login, without retrying it", async () => {
    const refusing = await emulator();
    refusing.refuseLogins(true);
    const h = connectorFor(refusing);
    await h.connector.subscribe({ channel: "quote", symbol: "PTT" });
    const err = remember(await rejection(h.connector.connect()));
    expect(isAuthError(err)).toBe(true);
    expect((err as { status?: number }).status).toBe(401);
    expect(refusing.stats().loginAttempts).toBe(1);
    expect(h.kinds()).toEqual(["connecting", "error", "end"]);
    expect(h.rec.afterEnd).toEqual([]);
  });

  it("bounds retries of logins that fail with a server error, reporting each with the server's code", async () => {
    const failing = await emulator();
    failing.refuseLogins(true, { status: 503, code: "E503", message: "maintenance" });
    const h = connectorFor(failing, {
      login: { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 20 },
      reconnect: { ...FAST_RECONNECT, maxAttempts: 1 },
    });
    const err = remember(await rejection(h.connector.connect()));
    expect(isAuthError(err)).toBe(true);
    expect((err as Error).message).toMatch(/login failed after 2 attempts/);
    expect(failing.stats().loginAttempts).toBe(4);
    // A login retry, the reconnect, another login retry, then the end.
    expect(h.kinds()).toEqual(
      "connecting reconnecting connecting reconnecting connecting reconnecting connecting error end"
        .split(" "),
    );
    const retries = h.rec.statuses.filter((s) => s.kind === "reconnecting");
    expect(retries.map((s) => s.code)).toEqual(["E503", "E503", "E503"]);
    // (No asymmetric matcher here: Bun's runner writes it into the object it checks.)
    expect(retries[0]).toMatchObject({ attempt: 1 });
    expect(retries[0]!.reason).toMatch(/login retry/);
    expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(8);
  });

  it("logs in afresh when the server refuses its tokens during a reconnect, and recovers", async () => {
    const later = await emulator();
    const h = await connectedToQuotes(later);
    const loginsBefore = later.logins;
    // Every token expires now and every new one is born expired: the live
    // connection is closed at its token's expiry, and the dispatcher refuses even a
    // freshly refreshed token. Not fatal: the connector logs in afresh and retries.
    later.expireTokensAfter(0);
    await until(
      () => h.rec.statuses.filter((s) => s.kind === "reconnecting").length >= 2,
      "two refused reconnects",
    );
    const refused = h.rec.statuses.filter((s) => s.kind === "reconnecting");
    expect(refused.slice(1).every((s) => s.code === "E401")).toBe(true);
    expect(later.logins).toBeGreaterThan(loginsBefore);
    later.expireTokensAfter(3_600);
    await until(() => h.connector.isConnected() && h.connector.health().epoch >= 1, "reconnected");
    expect(h.rec.statuses.some((s) => s.kind === "end" || s.kind === "error")).toBe(false);
    const from = h.rec.events.length;
    await until(() => h.rec.events.length > from, "quotes after the fresh login");
    expect(lifecycleProblems(h.rec.all)).toEqual([]);
    expect(seqProblems(h.rec.events)).toEqual([]);
  });

  it("recovers with a fresh login when the server revokes its whole session", async () => {
    const revoking = await emulator();
    const h = await connectedToQuotes(revoking);
    const loginsBefore = revoking.logins;
    revoking.revokeSessions();
    revoking.dropConnections();
    await until(() => h.connector.isConnected() && h.connector.health().epoch >= 1, "reconnected");
    expect(revoking.logins).toBe(loginsBefore + 1);
    expect(h.rec.statuses.some((s) => s.kind === "end" || s.kind === "error")).toBe(false);
  });
});

describe("the Settrade connector's secrecy", () => {
  it("never shows the app secret in a log line, status reason, health or error", async () => {
    // A server that echoes the secret in its refusal: the message must come out scrubbed.
    const leaky = await emulator();
    const secret = leaky.appSecretBase64!;
    leaky.refuseLogins(true, { status: 401, message: `signature does not match ${secret}` });
    const h = connectorFor(leaky);
    const err = remember(await rejection(h.connector.connect()));
    expect(isAuthError(err)).toBe(true);
    expect((err as Error).message).toMatch(/\[redacted\]/);
    for (const st of h.rec.statuses) if (st.reason !== undefined) texts.push(st.reason);
    texts.push(JSON.stringify(h.connector.health()));
    for (const l of logs) texts.push(l.message, JSON.stringify(l.fields ?? {}));
    expect(texts.length).toBeGreaterThan(5);
    for (const secret of secrets) {
      const leaks = texts.filter((t) => t.includes(secret));
      expect(leaks).toEqual([]);
    }
  });
});
