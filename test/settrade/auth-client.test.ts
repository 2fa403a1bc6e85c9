import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { isLoginRefusal, SettradeAuth } from "../../connectors/settrade/auth/client.ts";
import type { SettradeOptionsInput } from "../../connectors/settrade/config.ts";
import { parseSettradeOptions } from "../../connectors/settrade/config.ts";
import type { Clock } from "../../src/clock.ts";
import { ManualClock, systemClock } from "../../src/clock.ts";
import { AuthError, isAuthError, isConnectionError } from "../../src/errors.ts";
import type { LogFields, Logger } from "../../src/log.ts";
import type { Handler, Recorded, Reply, TestServer } from "./_auth-server.ts";
import { nodeVerify, startServer, until, VECTOR_PUBLIC, VECTOR_SECRET } from "./_auth-server.ts";

const LOGIN = "/api/oam/v1/023/broker-apps/ALGO/login";
const REFRESH = "/api/oam/v1/023/broker-apps/ALGO/refresh-token";
const DISPATCHER = "/api/dispatcher/v3/023/token";
const T0 = 1_700_000_000_000;

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** An emulator of the auth endpoints: tokens at-N / rt-N, signatures checked. */
function emulator(overrides: Partial<Record<string, Handler>> = {}): Handler {
  let issued = 0;
  const token = (): Reply => {
    issued++;
    return {
      body: {
        token_type: "Bearer",
        access_token: `at-${issued}`,
        refresh_token: `rt-${issued}`,
        expires_in: 3600,
        extra: "ignored",
      },
    };
  };
  return (req: Recorded) => {
    const custom = overrides[req.path];
    if (custom) return custom(req);
    if (req.path === LOGIN) {
      const { apiKey, params, signature, timestamp } = req.json ?? {};
      const ok = typeof signature === "string" &&
        nodeVerify(VECTOR_PUBLIC, `${apiKey}.${params}.${timestamp}`, signature);
      return ok ? token() : { status: 401, body: { code: "E401", message: "Invalid signature" } };
    }
    if (req.path === REFRESH) {
      return req.json?.refreshToken === `rt-${issued}`
        ? token()
        : { status: 401, body: { code: "E4011", message: "Invalid refresh token" } };
    }
    if (req.path === DISPATCHER) {
      return req.headers.authorization === `Bearer at-${issued}`
        ? { body: { hosts: ["h1.example", "h2.example"], token: `dt-${issued}` } }
        : { status: 401, body: { code: "E401", message: "Unauthorized" } };
    }
    return { status: 404, body: { code: "E404", message: "Not found" } };
  };
}

async function setup(
  handler: Handler,
  clock: Clock = new ManualClock(T0),
  extra: Partial<SettradeOptionsInput> = {},
  logger?: Logger,
): Promise<SettradeAuth> {
  server = await startServer(handler);
  const options = parseSettradeOptions({
    appId: "app-1",
    appSecret: VECTOR_SECRET,
    appCode: "ALGO",
    brokerId: "023",
    baseUrl: server.url,
    login: { initialDelayMs: 1, maxDelayMs: 4, jitter: 0 },
    ...extra,
  });
  return new SettradeAuth(options, { clock, logger });
}

const paths = (): string[] => server!.requests.map((r) => r.path);

/** The rejection of `p`; fails the test when `p` resolves. */
async function rejection<E = Error>(p: Promise<unknown>): Promise<E> {
  try {
    await p;
  } catch (e) {
    return e as E;
  }
  throw new Error("expected a rejection");
}

describe("SettradeAuth login", () => {
  it("posts a body the server can verify with the app's public key", async () => {
    const auth = await setup(emulator());
    await auth.login();
    const [req] = server!.requests;
    expect(req.method).toBe("POST");
    expect(req.path).toBe(LOGIN);
    expect(req.headers["content-type"]).toBe("application/json");
    expect(Object.keys(req.json).sort()).toEqual(["apiKey", "params", "signature", "timestamp"]);
    expect(req.json).toMatchObject({ apiKey: "app-1", params: "", timestamp: String(T0) });
    expect(req.json.signature).toMatch(/^30[0-9a-f]+$/);
    expect(nodeVerify(VECTOR_PUBLIC, `app-1..${T0}`, req.json.signature)).toBe(true);
    expect(auth.expiresAt).toBe(T0 + 3_600_000);
  });

  it("turns a refusal into an AuthError with the server's code and status, without retrying it", async () => {
    const refuse: Handler = () => ({
      status: 401,
      body: { code: "E401", message: "Invalid signature" },
    });
    const auth = await setup(emulator({ [LOGIN]: refuse }));
    const err = await rejection<AuthError>(auth.loginWithRetry());
    expect(isAuthError(err)).toBe(true);
    expect(err.code).toBe("E401");
    expect(err.status).toBe(401);
    expect(err.message).toBe('[settrade] login refused: code "E401": Invalid signature (HTTP 401)');
    expect(paths()).toEqual([LOGIN]);
  });

  it("retries an unavailable service a bounded number of times with growing delays", async () => {
    const delays: number[] = [];
    const recording: Clock = {
      ...systemClock,
      setTimeout(fn, ms) {
        if (ms < 1_000) delays.push(ms); // leave out request timeouts
        return systemClock.setTimeout(fn, ms);
      },
    };
    const busy: Handler = () => ({ status: 503, body: { code: "E503", message: "Maintenance" } });
    const auth = await setup(emulator({ [LOGIN]: busy }), recording, {
      login: { maxAttempts: 4, initialDelayMs: 1, maxDelayMs: 4, jitter: 0 },
    });
    const err = await rejection<AuthError>(auth.loginWithRetry());
    expect(isAuthError(err)).toBe(true);
    expect(err.message).toContain("login failed after 4 attempts");
    expect(err.message).toContain('code "E503"');
    expect(err.status).toBe(503);
    expect(isAuthError(err.cause)).toBe(true);
    expect(paths()).toEqual([LOGIN, LOGIN, LOGIN, LOGIN]);
    expect(delays).toEqual([1, 2, 4]);
  });

  it("stops retrying when the signal aborts", async () => {
    const clock = new ManualClock(T0);
    const waits: number[] = [];
    const recording: Clock = {
      now: () => clock.now(),
      mono: () => clock.mono(),
      setTimeout: (fn, ms) => (waits.push(ms), clock.setTimeout(fn, ms)),
      clearTimeout: (h) => clock.clearTimeout(h),
    };
    const busy: Handler = () => ({ status: 503, body: {} });
    const auth = await setup(emulator({ [LOGIN]: busy }), recording, {
      login: { initialDelayMs: 10_000, maxDelayMs: 10_000, jitter: 0 },
    });
    const ac = new AbortController();
    const p = rejection(auth.loginWithRetry(ac.signal));
    await until(() => waits.includes(10_000), "the backoff wait");
    ac.abort(new Error("shutting down"));
    expect((await p).message).toBe("shutting down");
    expect(clock.pending).toBe(0);
    expect(paths()).toEqual([LOGIN]);
  });

  it("refuses an answer without an access token", async () => {
    const noToken: Handler = () => ({ body: { token_type: "Bearer", expires_in: 3600 } });
    const auth = await setup(emulator({ [LOGIN]: noToken }));
    const err = await rejection<AuthError>(auth.login());
    expect(isAuthError(err)).toBe(true);
    expect(err.message).toContain("access_token");
  });

  it("accepts tolerant answers: a numeric string lifetime and a missing token type", async () => {
    const loose: Handler = () => ({
      body: { access_token: "at-x", refresh_token: "rt-x", expires_in: "60", more: [1] },
    });
    const auth = await setup(emulator({ [LOGIN]: loose }));
    expect(await auth.authorization()).toBe("Bearer at-x");
    expect(auth.expiresAt).toBe(T0 + 60_000);
  });
});

describe("SettradeAuth tokens", () => {
  it("refreshes the access token once fewer than refreshBeforeMs remain", async () => {
    const clock = new ManualClock(T0);
    const auth = await setup(emulator(), clock);
    expect(await auth.accessToken()).toBe("at-1");
    clock.advance(3_600_000 - 100_001);
    expect(await auth.accessToken()).toBe("at-1");
    expect(paths()).toEqual([LOGIN]);
    clock.advance(2);
    expect(await auth.accessToken()).toBe("at-2");
    expect(paths()).toEqual([LOGIN, REFRESH]);
    expect(server!.requests[1].json).toEqual({ apiKey: "app-1", refreshToken: "rt-1" });
    expect(auth.expiresAt).toBe(clock.now() + 3_600_000);
  });

  it("falls back to a fresh login when the refresh is refused", async () => {
    const clock = new ManualClock(T0);
    const refuse: Handler = () => ({ status: 401, body: { code: "E4011", message: "expired" } });
    const auth = await setup(emulator({ [REFRESH]: refuse }), clock);
    await auth.accessToken();
    clock.advance(3_600_000);
    expect(await auth.accessToken()).toBe("at-2");
    expect(paths()).toEqual([LOGIN, REFRESH, LOGIN]);
  });

  it("shares one login between concurrent callers", async () => {
    const auth = await setup(emulator());
    const tokens = await Promise.all([
      auth.accessToken(),
      auth.accessToken(),
      auth.authorization(),
    ]);
    expect(tokens).toEqual(["at-1", "at-1", "Bearer at-1"]);
    expect(paths()).toEqual([LOGIN]);
  });
});

describe("SettradeAuth dispatcher", () => {
  it("sends Authorization with the token type and access token", async () => {
    const auth = await setup(emulator());
    const d = await auth.getDispatcherToken();
    expect(d).toEqual({ hosts: ["h1.example", "h2.example"], token: "dt-1" });
    const req = server!.requests[1];
    expect(req.method).toBe("GET");
    expect(req.path).toBe(DISPATCHER);
    expect(req.headers.authorization).toBe("Bearer at-1");
  });

  it("renews the token and asks once more when the dispatcher answers 401", async () => {
    let first = true;
    const base = emulator();
    const auth = await setup((req) => {
      if (req.path === DISPATCHER && first) {
        first = false;
        return { status: 401, body: { code: "E401", message: "token expired" } };
      }
      return base(req);
    });
    const d = await auth.getDispatcherToken();
    expect(d.token).toBe("dt-2");
    expect(paths()).toEqual([LOGIN, DISPATCHER, REFRESH, DISPATCHER]);
  });

  it("logs in afresh when the refreshed token is refused too, and only then gives up", async () => {
    const base = emulator();
    const auth = await setup((req) =>
      req.path === DISPATCHER && req.headers.authorization !== "Bearer at-3"
        ? { status: 401, body: { code: "E401", message: "token revoked" } }
        : base(req)
    );
    const d = await auth.getDispatcherToken();
    expect(d.token).toMatch(/^dt-/);
    expect(paths()).toEqual([LOGIN, DISPATCHER, REFRESH, DISPATCHER, LOGIN, DISPATCHER]);
  });

  it("tells a refused login (final) from other failures", async () => {
    const auth = await setup(
      emulator({ [LOGIN]: () => ({ status: 401, body: { code: "E401", message: "bad key" } }) }),
    );
    const refused = await rejection(auth.login());
    expect(isLoginRefusal(refused)).toBe(true);
    expect(
      isLoginRefusal(new AuthError("[settrade] dispatcher token request refused", { status: 401 })),
    )
      .toBe(false);
    const busy = await setup(
      emulator({ [LOGIN]: () => ({ status: 503, body: { code: "E503", message: "busy" } }) }),
    );
    expect(isLoginRefusal(await rejection(busy.login()))).toBe(false);
  });

  it("reports each login retry to its hooks with the server's error", async () => {
    const seen: string[] = [];
    server = await startServer(
      emulator({
        [LOGIN]: () => ({ status: 503, body: { code: "E503", message: "Maintenance" } }),
      }),
    );
    const auth = new SettradeAuth(
      parseSettradeOptions({
        appId: "app-1",
        appSecret: VECTOR_SECRET,
        appCode: "ALGO",
        brokerId: "023",
        baseUrl: server.url,
        login: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 2, jitter: 0 },
      }),
      {
        onLoginRetry: {
          onRetry: (attempt, delayMs, error) =>
            seen.push(`retry ${attempt} ${delayMs} ${(error as AuthError).code}`),
          beforeAttempt: () => seen.push("attempt"),
        },
      },
    );
    await rejection(auth.loginWithRetry());
    expect(seen).toEqual(["retry 1 1 E503", "attempt", "retry 2 2 E503", "attempt"]);
  });

  it("reports an answer without hosts as a ConnectionError", async () => {
    const empty: Handler = () => ({ body: { hosts: [], token: "dt" } });
    const auth = await setup(emulator({ [DISPATCHER]: empty }));
    const err = await rejection(auth.getDispatcherToken());
    expect(isConnectionError(err)).toBe(true);
    expect(err.message).toBe("[settrade] dispatcher returned no hosts");
  });

  it("waits for the next rate-limit window the login spent", async () => {
    const clock = new ManualClock(T0);
    const base = emulator();
    const auth = await setup((req) => {
      const reply = base(req) as Reply;
      return { ...reply, headers: { "X-RateLimit-Remaining-second": "0" } };
    }, clock);
    await auth.accessToken();
    const p = auth.getDispatcherToken();
    // Parked on the clock: the one timer pending is the wait, and no request left.
    await until(() => clock.pending === 1, "the rate-limit wait");
    expect(paths()).toEqual([LOGIN]);
    clock.advance(1_000);
    await p;
    expect(paths()).toEqual([LOGIN, DISPATCHER]);
  });
});

describe("SettradeAuth secrecy", () => {
  it("keeps the secret and tokens out of every error and log line", async () => {
    const lines: string[] = [];
    const record = (message: string, fields?: LogFields): void => {
      lines.push(`${message} ${JSON.stringify(fields)}`);
    };
    const logger: Logger = { debug: record, info: record, warn: record, error: record };
    const clock = new ManualClock(T0);
    let refused = false;
    const base = emulator({
      [REFRESH]: (req) => ({
        status: 401,
        body: { code: "E4011", message: `refresh token ${req.json.refreshToken} expired` },
      }),
      [DISPATCHER]: (req) => ({
        status: 500,
        body: { code: "E500", message: `failed for ${req.headers.authorization}` },
      }),
    });
    const auth = await setup(
      (req) => {
        if (req.path === LOGIN && refused) {
          return { status: 403, body: { code: "E403", message: `bad key ${VECTOR_SECRET}` } };
        }
        return base(req);
      },
      clock,
      {},
      logger,
    );
    const errors: Error[] = [];
    errors.push(await rejection(auth.getDispatcherToken()));
    clock.advance(3_600_000);
    refused = true;
    errors.push(await rejection(auth.accessToken()));
    const texts = [
      ...errors.map((e) => `${e.message} ${inspect(e)}`),
      ...lines,
      inspect(auth),
      JSON.stringify(auth),
    ];
    expect(errors.map((e) => e.name)).toEqual(["ConnectionError", "AuthError"]);
    expect(lines.length).toBeGreaterThan(0);
    for (const text of texts) {
      for (const secret of [VECTOR_SECRET, "at-1", "rt-1"]) {
        expect(text.includes(secret)).toBe(false);
      }
    }
  });
});
