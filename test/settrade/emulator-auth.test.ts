import { describe, expect, it } from "vitest";
import { SettradeAuth } from "../../connectors/settrade/auth/client.ts";
import { parseSettradeOptions } from "../../connectors/settrade/config.ts";
import { ManualClock } from "../../src/clock.ts";
import { isAuthError } from "../../src/errors.ts";
import { nodeVerify, VECTOR_PUBLIC, VECTOR_SECRET } from "./_auth-server.ts";
import { call, DISPATCHER, LOGIN, loginBody, REFRESH } from "./_emulator-helpers.ts";
import { emulatorPerTest } from "./_emulator-per-test.ts";

const { start } = emulatorPerTest();

const T0 = 1_750_000_000_000;

describe("settrade emulator: login", () => {
  it("accepts a login signed with its app secret and answers tokens with rate-limit headers", async () => {
    const emulator = await start();
    const res = await call(emulator, LOGIN, { body: await loginBody(emulator, Date.now()) });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ token_type: "Bearer", expires_in: 3600 });
    expect(typeof res.json.access_token).toBe("string");
    expect(typeof res.json.refresh_token).toBe("string");
    for (const h of ["Limit-second", "Limit-minute", "Remaining-second", "Remaining-minute"]) {
      expect(Number(res.headers.get(`X-RateLimit-${h}`))).toBeGreaterThanOrEqual(0);
    }
    expect(emulator.logins).toBe(1);
  });

  it("refuses a signature made with another key with 401 and a code and message", async () => {
    const emulator = await start();
    const res = await call(emulator, LOGIN, {
      body: await loginBody(emulator, Date.now(), VECTOR_SECRET),
    });
    expect(res.status).toBe(401);
    expect(typeof res.json.code).toBe("string");
    expect(typeof res.json.message).toBe("string");
    expect(emulator.logins).toBe(0);
  });

  it("refuses a valid signature over a different timestamp", async () => {
    const emulator = await start();
    const body = await loginBody(emulator, Date.now());
    const res = await call(emulator, LOGIN, {
      body: { ...body, timestamp: String(Number(body.timestamp) + 1) },
    });
    expect(res.status).toBe(401);
  });

  it("verifies against a configured secret, whose public key it reports", async () => {
    const emulator = await start({ appSecret: VECTOR_SECRET, appId: "vector-app" });
    expect(emulator.publicKeyBase64).toBe(VECTOR_PUBLIC);
    const body = await loginBody(emulator, Date.now(), VECTOR_SECRET);
    expect(nodeVerify(VECTOR_PUBLIC, `vector-app..${body.timestamp}`, body.signature)).toBe(true);
    expect((await call(emulator, LOGIN, { body })).status).toBe(200);
  });

  it("refuses a stale timestamp", async () => {
    const clock = new ManualClock(T0);
    const emulator = await start({ clock, maxClockSkewMs: 60_000 });
    const res = await call(emulator, LOGIN, { body: await loginBody(emulator, T0 - 60_001) });
    expect(res.status).toBe(401);
    expect((await call(emulator, LOGIN, { body: await loginBody(emulator, T0 - 59_000) })).status)
      .toBe(200);
  });

  it("refuses every login while told to, with the status and code asked for", async () => {
    const emulator = await start();
    emulator.refuseLogins(true, { status: 503, code: "MAINTENANCE" });
    const refused = await call(emulator, LOGIN, { body: await loginBody(emulator, Date.now()) });
    expect(refused.status).toBe(503);
    expect(refused.json.code).toBe("MAINTENANCE");
    emulator.refuseLogins(false);
    expect((await call(emulator, LOGIN, { body: await loginBody(emulator, Date.now()) })).status)
      .toBe(200);
  });

  it("answers a malformed login body with 400", async () => {
    const emulator = await start();
    const res = await call(emulator, LOGIN, { body: { apiKey: emulator.appId } });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe("E400");
  });
});

describe("settrade emulator: tokens", () => {
  it("exchanges a refresh token once for new tokens", async () => {
    const emulator = await start();
    const login = await call(emulator, LOGIN, { body: await loginBody(emulator, Date.now()) });
    const body = { apiKey: emulator.appId, refreshToken: login.json.refresh_token };
    const first = await call(emulator, REFRESH, { body });
    expect(first.status).toBe(200);
    expect(first.json.access_token).not.toBe(login.json.access_token);
    expect((await call(emulator, REFRESH, { body })).status).toBe(401);
    expect(emulator.refreshes).toBe(1);
  });

  it("requires a valid access token for the dispatcher token and names its own host", async () => {
    const emulator = await start();
    expect((await call(emulator, DISPATCHER)).status).toBe(401);
    expect((await call(emulator, DISPATCHER, { token: "nope" })).status).toBe(401);
    const login = await call(emulator, LOGIN, { body: await loginBody(emulator, Date.now()) });
    const res = await call(emulator, DISPATCHER, { token: login.json.access_token });
    expect(res.status).toBe(200);
    expect(res.json.hosts).toEqual([`127.0.0.1:${emulator.port}`]);
    expect(typeof res.json.token).toBe("string");
    expect(emulator.dispatcherTokens).toBe(1);
  });

  it("lets access tokens expire after their lifetime", async () => {
    const clock = new ManualClock(T0);
    const emulator = await start({ clock, accessTokenTtlSec: 60 });
    const login = await call(emulator, LOGIN, { body: await loginBody(emulator, T0) });
    expect(login.json.expires_in).toBe(60);
    clock.advance(59_000);
    expect((await call(emulator, DISPATCHER, { token: login.json.access_token })).status).toBe(200);
    clock.advance(1_000);
    expect((await call(emulator, DISPATCHER, { token: login.json.access_token })).status).toBe(401);
  });

  it("expires held tokens early when told to, and issues short-lived ones after", async () => {
    const clock = new ManualClock(T0);
    const emulator = await start({ clock });
    const login = await call(emulator, LOGIN, { body: await loginBody(emulator, T0) });
    emulator.expireTokensAfter(5);
    clock.advance(5_000);
    expect((await call(emulator, DISPATCHER, { token: login.json.access_token })).status).toBe(401);
    const again = await call(emulator, LOGIN, { body: await loginBody(emulator, clock.now()) });
    expect(again.json.expires_in).toBe(5);
  });

  it("works with the connector's auth client pointed at env()", async () => {
    const emulator = await start({ symbols: ["PTT"] });
    const e = emulator.env();
    expect(e.SETTRADE_BASE_URL).toBe(`http://127.0.0.1:${emulator.port}`);
    expect(e.SETTRADE_MARKET_URL).toBe(e.SETTRADE_BASE_URL);
    const auth = new SettradeAuth(parseSettradeOptions(emulator.connectorOptions()));
    const d = await auth.getDispatcherToken(AbortSignal.timeout(10_000));
    expect(d.hosts).toEqual([emulator.dispatcherHost]);
    emulator.refuseLogins(true);
    const other = new SettradeAuth(parseSettradeOptions({
      appId: e.SETTRADE_APP_ID,
      appSecret: e.SETTRADE_APP_SECRET,
      appCode: e.SETTRADE_APP_CODE,
      brokerId: e.SETTRADE_BROKER_ID,
      baseUrl: e.SETTRADE_BASE_URL,
    }));
    const err = await other.login().catch((x: unknown) => x);
    expect(isAuthError(err) && err.status).toBe(401);
  });
});

describe("settrade emulator: market REST and limits", () => {
  it("answers a quote of a known symbol and 404 for an unknown one", async () => {
    const emulator = await start({ symbols: ["PTT"] });
    const login = await call(emulator, LOGIN, { body: await loginBody(emulator, Date.now()) });
    const token = login.json.access_token;
    const q = await call(emulator, "/api/marketdata/v3/098/quote/PTT", { token });
    expect(q.status).toBe(200);
    expect(q.json.symbol).toBe("PTT");
    expect(q.json.last).toBeGreaterThan(0);
    expect(q.json.ask).toBeGreaterThan(q.json.bid);
    const unknown = await call(emulator, "/api/marketdata/v3/098/quote/NOPE", { token });
    expect(unknown.status).toBe(404);
    expect(unknown.json.code).toBe("E404");
    expect((await call(emulator, "/api/marketdata/v3/098/quote/PTT")).status).toBe(401);
  });

  it("answers candlesticks in columns, oldest first, on the tick ladder", async () => {
    const emulator = await start({ symbols: ["PTT"] });
    const login = await call(emulator, LOGIN, { body: await loginBody(emulator, Date.now()) });
    const token = login.json.access_token;
    const path = "/api/techchart/v3/098/candlesticks?symbol=PTT&interval=5m&limit=30";
    const res = await call(emulator, path, { token });
    expect(res.status).toBe(200);
    const c = res.json;
    expect(c.time).toHaveLength(30);
    for (let i = 0; i < 30; i++) {
      if (i > 0) expect(c.time[i] - c.time[i - 1]).toBe(300);
      expect(c.high[i]).toBeGreaterThanOrEqual(Math.max(c.open[i], c.close[i]));
      expect(c.low[i]).toBeLessThanOrEqual(Math.min(c.open[i], c.close[i]));
      expect(Number.isInteger(Math.round(c.close[i] * 100))).toBe(true);
    }
    const bad = await call(emulator, path.replace("5m", "7m"), { token });
    expect(bad.status).toBe(400);
  });

  it("answers 429 once the per-second budget is spent, until the next second", async () => {
    const clock = new ManualClock(T0);
    const emulator = await start({ clock, rateLimit: { perSecond: 2 } });
    expect((await call(emulator, DISPATCHER)).headers.get("X-RateLimit-Remaining-second")).toBe(
      "1",
    );
    expect((await call(emulator, DISPATCHER)).status).toBe(401);
    const limited = await call(emulator, DISPATCHER);
    expect(limited.status).toBe(429);
    expect(limited.json.code).toBe("E429");
    clock.advance(1_000);
    expect((await call(emulator, DISPATCHER)).status).toBe(401);
  });
});

describe("settrade emulator: lifecycle and controls", () => {
  it("refuses a host that is not a loopback address", async () => {
    await expect(start({ host: "0.0.0.0" })).rejects.toThrow(TypeError);
    await expect(start({ host: "localhost" })).rejects.toThrow(TypeError);
  });

  it("stops idempotently and then refuses connections", async () => {
    const emulator = await start();
    const url = emulator.url;
    await Promise.all([emulator.stop(), emulator.stop()]);
    // A refused connection: fetch rejects with a TypeError on every runtime.
    await expect(fetch(`${url}${DISPATCHER}`)).rejects.toThrow(TypeError);
  });

  it("keeps its secret out of JSON and takes fault controls over HTTP", async () => {
    const emulator = await start();
    expect(JSON.stringify(emulator)).not.toContain(emulator.appSecretBase64!);
    const refuse = await call(emulator, "/_emulator/refuse-logins?on=true&status=403", {
      method: "POST",
    });
    expect(refuse.status).toBe(200);
    expect((await call(emulator, LOGIN, { body: await loginBody(emulator, Date.now()) })).status)
      .toBe(403);
    const stats = await call(emulator, "/_emulator/stats");
    expect(stats.json).toMatchObject({ loginAttempts: 1, logins: 0, subscriptions: [] });
  });
});
