/**
 * `tickwire check` against the Settrade emulator (real HTTP and MQTT over
 * WebSocket on 127.0.0.1) with only its environment: every step passing, the
 * JSON report, and each step failing in turn (login, dispatcher, rate limits,
 * connect, subscribe, first event, configuration), never printing the secret.
 */
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { memoryIo } from "../_helpers/memory-io.ts";
import { emulatorPerTest } from "../settrade/_emulator-per-test.ts";

const emulators = emulatorPerTest({ seed: 2, rate: 40 });
const start = emulators.start;

async function check(
  argv: readonly string[],
  env: Record<string, string | undefined> = emulators.current!.env(),
): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo(env);
  const code = await main(["check", ...argv], io);
  const secret = emulators.current?.appSecretBase64;
  if (secret !== undefined) {
    expect(io.stdout()).not.toContain(secret);
    expect(io.stderr()).not.toContain(secret);
  }
  return { code, out: io.stdout(), err: io.stderr() };
}

describe("tickwire check", () => {
  it("passes every step against the emulator and says it is ready", async () => {
    await start();
    const { code, out } = await check(["--symbols", "PTT,AOT"]);
    expect(code).toBe(0);
    for (
      const step of ["login", "dispatcher", "rate limits", "connect", "subscribe", "first event"]
    ) {
      expect(out).toMatch(new RegExp(`PASS  ${step}`));
    }
    expect(out).toMatch(/rate limits +100\/s, 3000\/min announced/);
    expect(out).toMatch(/first event +PTT \d+ ms, AOT \d+ ms/);
    expect(out.trim().split("\n").at(-1)).toBe("ready: every step passed");
  });

  it("prints a JSON report with the login and first-event latencies and the rate limits", async () => {
    await start();
    const { code, out } = await check(["--symbols", "PTT", "--channels", "quote,info", "--json"]);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.ok).toBe(true);
    expect(report.steps.map((s: { name: string }) => s.name)).toEqual([
      "login",
      "dispatcher",
      "rate limits",
      "connect",
      "subscribe",
      "first event",
    ]);
    expect(report.loginMs).toBeGreaterThanOrEqual(0);
    expect(report.firstEventMs.PTT).toBeGreaterThanOrEqual(0);
    expect(report.rateLimits).toMatchObject({ perSecond: 100, perMinute: 3000 });
    expect(report.target).toEqual({
      baseUrl: emulators.current!.url,
      marketUrl: emulators.current!.url,
      brokerId: "098",
      appCode: "ALGO",
    });
  });

  it("fails at the login when the key is refused", async () => {
    (await start()).refuseLogins(true, { status: 401, code: "E401", message: "invalid key" });
    const { code, out } = await check(["--symbols", "PTT"]);
    expect(code).toBe(1);
    expect(out).toMatch(/FAIL {2}login +\[settrade\] login refused: code "E401": invalid key/);
    expect(out).not.toMatch(/dispatcher/);
    expect(out.trim().split("\n").at(-1)).toBe("not ready: login failed");
  });

  it("fails at the dispatcher when it refuses a token", async () => {
    (await start()).refuse("dispatcher", true, { status: 503, message: "dispatcher down" });
    const { code, out } = await check(["--symbols", "PTT"]);
    expect(code).toBe(1);
    expect(out).toMatch(/PASS {2}login/);
    expect(out).toMatch(/FAIL {2}dispatcher +.*dispatcher down \(HTTP 503\)/);
  });

  it("fails at the rate limits when the server announces none", async () => {
    await start({ rateLimit: { announce: false } });
    const { code, out } = await check(["--symbols", "PTT", "--json"]);
    expect(code).toBe(1);
    const report = JSON.parse(out);
    expect(report.steps.at(-1)).toMatchObject({ name: "rate limits", ok: false });
    expect(report.steps.at(-1).detail).toMatch(/no X-RateLimit-\* headers/);
  });

  it("fails at the connection when the realtime service is down", async () => {
    (await start()).outage(30_000);
    const { code, out } = await check(["--symbols", "PTT"]);
    expect(code).toBe(1);
    expect(out).toMatch(/PASS {2}rate limits/);
    expect(out).toMatch(
      /FAIL {2}connect +\[settrade\] could not connect to ws:\/\/127\.0\.0\.1:\d+/,
    );
  });

  it("fails at the subscription of an unknown symbol, naming it", async () => {
    await start();
    const { code, out } = await check(["--symbols", "PTT,NOSUCH"]);
    expect(code).toBe(1);
    expect(out).toMatch(/PASS {2}connect/);
    expect(out).toMatch(
      /FAIL {2}subscribe +\[settrade\] broker refused the subscription to "NOSUCH"/,
    );
  });

  it("fails at the first event when nothing comes in time", async () => {
    (await start()).stall(60_000);
    const { code, out } = await check(["--symbols", "PTT", "--timeout", "0.5"]);
    expect(code).toBe(1);
    expect(out).toMatch(/PASS {2}subscribe/);
    expect(out).toMatch(/FAIL {2}first event +no event within 500 ms for PTT/);
  });

  it("exits 2 naming missing settings or symbols, without quoting the secret", async () => {
    await start();
    const missing = await check(["--symbols", "PTT"], { SETTRADE_APP_SECRET: "not-base64-!!" });
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/appId|SETTRADE_APP_ID/);
    expect(missing.err).not.toContain("not-base64-!!");
    const noSymbols = await check([]);
    expect(noSymbols.code).toBe(2);
    expect(noSymbols.err).toMatch(/--symbols/);
  });
});
