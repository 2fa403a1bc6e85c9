import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  parseSettradeOptions,
  resolveEndpoints,
  SETTRADE_ENV_VARS,
} from "../../connectors/settrade/config.ts";
import { isConfigError } from "../../src/errors.ts";
import type { ConfigError } from "../../src/errors.ts";
import { Secret } from "../../src/secret.ts";
import { VECTOR_SECRET } from "./_auth-server.ts";

const valid = { appId: "app-1", appSecret: VECTOR_SECRET, appCode: "ALGO", brokerId: "023" };

function configError(input: unknown): ConfigError {
  try {
    parseSettradeOptions(input);
  } catch (e) {
    if (isConfigError(e)) return e;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

describe("parseSettradeOptions", () => {
  it("fills in production bases and every default", () => {
    const o = parseSettradeOptions(valid);
    expect(o.env).toBe("prod");
    expect(o.brokerId).toBe("023");
    expect(o.baseUrl).toBe("https://open-api.settrade.com");
    expect(o.marketUrl).toBe("https://marketapi.settrade.com");
    expect(o.insecureSkipTlsVerify).toBe(false);
    expect(o.caFile).toBeUndefined();
    expect(o.refreshBeforeMs).toBe(100_000);
    expect(o.reconnect).toEqual({
      initialDelayMs: 500,
      maxDelayMs: 30_000,
      multiplier: 2,
      jitter: 0.2,
      maxAttempts: Infinity,
    });
    expect(o.login.maxAttempts).toBe(5);
    expect(o.appSecret).toBeInstanceOf(Secret);
    expect(o.appSecret.reveal()).toBe(VECTOR_SECRET);
  });

  it("maps a SANDBOX broker id in any case to uat and broker 098", () => {
    for (const brokerId of ["SANDBOX", "sandbox", "SandBox"]) {
      const o = parseSettradeOptions({ ...valid, brokerId });
      expect(o.env).toBe("uat");
      expect(o.brokerId).toBe("098");
      expect(o.baseUrl).toBe("https://open-api-test.settrade.com");
      expect(o.marketUrl).toBe("https://marketapi-test.settrade.com");
    }
  });

  it("uses overrides without their trailing slash and keeps them on reparse", () => {
    const o = parseSettradeOptions({
      ...valid,
      env: "uat",
      baseUrl: "http://127.0.0.1:8080/",
      marketUrl: "https://proxy.example/market//",
      reconnect: { maxAttempts: 3 },
    });
    expect(o.baseUrl).toBe("http://127.0.0.1:8080");
    expect(o.marketUrl).toBe("https://proxy.example/market");
    expect(o.reconnect.maxAttempts).toBe(3);
    expect(o.reconnect.initialDelayMs).toBe(500);
    expect(parseSettradeOptions(o)).toEqual(o);
  });

  it("lists every bad field in one ConfigError", () => {
    const err = configError({
      appId: "",
      appSecret: "definitely not a key",
      appCode: "AL GO",
      brokerId: "0/23",
      env: "staging",
      baseUrl: "ftp://example.com",
      insecureSkipTlsVerify: "yes",
      reconnect: { jitter: 2, multiplier: 0.5 },
      login: { maxAttempts: 0 },
      refreshBeforeMs: -1,
      apSecret: "typo",
    });
    const keys = err.issues.map((i) => i.key).sort();
    expect(keys).toEqual([
      "apSecret",
      "appCode",
      "appId",
      "appSecret",
      "baseUrl",
      "brokerId",
      "env",
      "insecureSkipTlsVerify",
      "login.maxAttempts",
      "reconnect.jitter",
      "reconnect.multiplier",
      "refreshBeforeMs",
    ]);
    expect(err.message).toContain("[settrade] invalid configuration");
    expect(err.message).toContain('"staging"');
    expect(err.message).toContain('"ftp://example.com"');
    expect(err.message).toContain('"AL GO"');
  });

  it("names missing required options", () => {
    const err = configError({});
    expect(err.issues.map((i) => i.key).sort()).toEqual([
      "appCode",
      "appId",
      "appSecret",
      "brokerId",
    ]);
    expect(err.issues.every((i) => i.message === "is required")).toBe(true);
  });

  it("never quotes the secret, whatever is wrong with it", () => {
    const secrets = ["AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "sk_live_0123456789", "%%%%"];
    for (const appSecret of secrets) {
      const err = configError({ ...valid, appSecret, env: "nope" });
      const issue = err.issues.find((i) => i.key === "appSecret");
      expect(issue?.message).toBe("is not valid base64 of a 32-byte P-256 key");
      expect(err.message.includes(appSecret)).toBe(false);
      expect(JSON.stringify(err.issues).includes(appSecret)).toBe(false);
    }
  });

  it("rejects SANDBOX with an explicit prod environment", () => {
    const err = configError({ ...valid, brokerId: "SANDBOX", env: "prod" });
    expect(err.issues.map((i) => i.key)).toEqual(["env"]);
  });

  it("rejects a maximum delay below the initial one", () => {
    const err = configError({ ...valid, reconnect: { initialDelayMs: 5_000, maxDelayMs: 1_000 } });
    expect(err.issues.map((i) => i.key)).toEqual(["reconnect.maxDelayMs"]);
  });

  it("does not quote credentials embedded in a URL", () => {
    const err = configError({ ...valid, baseUrl: "https://user:pa55word@example.com" });
    expect(err.issues.map((i) => i.key)).toEqual(["baseUrl"]);
    expect(err.message.includes("pa55word")).toBe(false);
  });

  it("keeps the secret out of String, JSON and inspect of the options", () => {
    const o = parseSettradeOptions(valid);
    const texts = [String(o), JSON.stringify(o), inspect(o, { depth: 10 }), `${o.appSecret}`];
    // Deno's own console formatter, where the test runs on Deno.
    const deno = (globalThis as { Deno?: { inspect(v: unknown, o?: unknown): string } }).Deno;
    if (deno !== undefined) texts.push(deno.inspect(o, { depth: 10 }), deno.inspect(o.appSecret));
    for (const text of texts) expect(text.includes(VECTOR_SECRET)).toBe(false);
    expect(JSON.stringify(o)).toContain('"appSecret":"[redacted]"');
  });

  it("accepts a Secret as the app secret", () => {
    const o = parseSettradeOptions({ ...valid, appSecret: new Secret(VECTOR_SECRET) });
    expect(o.appSecret.reveal()).toBe(VECTOR_SECRET);
  });
});

describe("resolveEndpoints", () => {
  it("picks bases by environment and maps SANDBOX", () => {
    expect(resolveEndpoints({ brokerId: "023", env: "uat" })).toEqual({
      baseUrl: "https://open-api-test.settrade.com",
      marketUrl: "https://marketapi-test.settrade.com",
      brokerId: "023",
    });
    expect(resolveEndpoints({ brokerId: "Sandbox", baseUrl: "http://localhost:1/" })).toEqual({
      baseUrl: "http://localhost:1",
      marketUrl: "https://marketapi-test.settrade.com",
      brokerId: "098",
    });
  });
});

describe("parseSettradeOptions: outages and sessions", () => {
  it("polls on by default within a 60 s cap, no start-up backfill, 5 minute gap window, 30 s start-up", () => {
    const o = parseSettradeOptions(valid);
    expect(o.poll).toEqual({
      enabled: true,
      intervalMs: 500,
      graceMs: 2_000,
      maxDurationMs: 60_000,
    });
    expect(o.backfill).toBe(0);
    expect(o.backfillWindowMs).toBe(300_000);
    expect(o.connectTimeoutMs).toBe(30_000);
    expect(o.session).toEqual({});
  });

  it("takes poll as a boolean or as an object, filling the rest", () => {
    expect(parseSettradeOptions({ ...valid, poll: false }).poll.enabled).toBe(false);
    expect(
      parseSettradeOptions({ ...valid, poll: { intervalMs: 100, maxDurationMs: Infinity } }).poll,
    )
      .toEqual({ enabled: true, intervalMs: 100, graceMs: 2_000, maxDurationMs: Infinity });
  });

  it("names every bad outage or session option", () => {
    const keys = configError({
      ...valid,
      poll: { intervalMs: 0, colour: "red" },
      backfill: 1.5,
      backfillWindowMs: -1,
      connectTimeoutMs: 0,
      session: {
        holidays: ["2025-02-30"],
        set: { open: ["10:00-25:00"] },
        markets: { PTT: "NYSE" },
      },
    }).issues.map((i) => i.key);
    expect(keys).toEqual(expect.arrayContaining([
      "poll.intervalMs",
      "poll.colour",
      "backfill",
      "backfillWindowMs",
      "connectTimeoutMs",
      "session.markets.PTT",
    ]));
    const calendar = configError({
      ...valid,
      session: { holidays: ["2025-02-30"], set: { open: ["10:00-25:00"] } },
    }).issues;
    expect(calendar.map((i) => i.key)).toEqual(["session"]);
    expect(calendar[0]!.message).toMatch(/"10:00-25:00".*"2025-02-30"/);
    expect(configError({ ...valid, poll: "often" }).issues).toEqual([
      { key: "poll", message: 'expected true, false or an object, got "often"' },
    ]);
  });

  it("reads holidays and the poll switch from the environment", () => {
    const holidays = SETTRADE_ENV_VARS.find((e) => e.name === "SETTRADE_HOLIDAYS")!;
    expect(holidays.parse!(" 2025-01-01, 2025-04-14 ,")).toEqual({
      holidays: ["2025-01-01", "2025-04-14"],
    });
    const o = parseSettradeOptions({ ...valid, session: holidays.parse!("2025-01-01") });
    expect(o.session).toEqual({ holidays: ["2025-01-01"] });
  });
});

describe("SETTRADE_ENV_VARS", () => {
  it("names every variable and marks only the app secret as secret", () => {
    expect(SETTRADE_ENV_VARS.map((e) => e.name)).toEqual([
      "SETTRADE_APP_ID",
      "SETTRADE_APP_SECRET",
      "SETTRADE_APP_CODE",
      "SETTRADE_BROKER_ID",
      "SETTRADE_ENV",
      "SETTRADE_BASE_URL",
      "SETTRADE_MARKET_URL",
      "SETTRADE_CA_FILE",
      "SETTRADE_INSECURE_SKIP_TLS_VERIFY",
      "SETTRADE_POLL",
      "SETTRADE_HOLIDAYS",
    ]);
    expect(SETTRADE_ENV_VARS.filter((e) => e.secret).map((e) => e.option)).toEqual(["appSecret"]);
  });

  it("builds valid options from environment strings", () => {
    const env: Record<string, string> = {
      SETTRADE_APP_ID: "app-1",
      SETTRADE_APP_SECRET: VECTOR_SECRET,
      SETTRADE_APP_CODE: "ALGO",
      SETTRADE_BROKER_ID: "023",
      SETTRADE_ENV: "UAT",
      SETTRADE_INSECURE_SKIP_TLS_VERIFY: "true",
    };
    const input: Record<string, unknown> = {};
    for (const spec of SETTRADE_ENV_VARS) {
      const raw = env[spec.name];
      if (raw !== undefined) input[spec.option] = spec.parse ? spec.parse(raw) : raw;
    }
    const o = parseSettradeOptions(input);
    expect(o.env).toBe("uat");
    expect(o.insecureSkipTlsVerify).toBe(true);
    const flag = SETTRADE_ENV_VARS.find((e) => e.name === "SETTRADE_INSECURE_SKIP_TLS_VERIFY")!;
    expect(() => flag.parse!("maybe")).toThrow(TypeError);
    expect(flag.parse!("0")).toBe(false);
  });
});
