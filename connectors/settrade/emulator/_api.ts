/**
 * The Settrade REST endpoints: login, refresh, the dispatcher token, and the
 * market quote and candlesticks. Every answer carries the rate-limit headers;
 * errors are non-2xx with JSON `{code, message}` (codes inferred: `E` + status).
 *
 * Inferred checks (the wire page is silent): a login's `apiKey` must be the
 * emulator's app id; its `timestamp` (decimal string, epoch ms) must lie within
 * `maxClockSkewMs` of the emulator's clock; paths with another broker id or app
 * code answer 404.
 *
 * @module
 */

import type { Faults, RefusableEndpoint } from "./_faults.ts";
import { type ApiAnswer, type ApiRequest, fail } from "./_http.ts";
import { type LoginKey, verifyLogin } from "./_keys.ts";
import { type MarketRest, MAX_CANDLES } from "./_market-rest.ts";
import type { ResolvedOptions } from "./_options.ts";
import type { RateLimits } from "./_rate-limit.ts";
import type { Counters, RequestLog } from "./_stats.ts";
import type { TokenStore } from "./_tokens.ts";
import { INTERVAL_MINUTES } from "./_topics.ts";

/** What the endpoints are built with. */
export interface ApiDeps {
  readonly options: ResolvedOptions;
  readonly key: LoginKey;
  readonly tokens: TokenStore;
  readonly faults: Faults;
  readonly counters: Counters;
  readonly market: MarketRest;
  readonly limits: RateLimits;
  /** Requests per second, as received. */
  readonly log: RequestLog;
  /** The `hosts` entry of the dispatcher answer (`127.0.0.1:PORT`). */
  readonly dispatcherHost: () => string;
}

type Fields = Record<string, unknown>;

const isFields = (x: unknown): x is Fields =>
  typeof x === "object" && x !== null && !Array.isArray(x);

/** Answers the Settrade REST paths. */
export class SettradeApi {
  readonly #d: ApiDeps;
  readonly #oam: string;
  readonly #dispatcher: string;
  readonly #quote: string;
  readonly #candles: string;

  /** @param deps Options, key, tokens, faults, counters, market answers, limits. */
  constructor(deps: ApiDeps) {
    this.#d = deps;
    const { brokerId, appCode } = deps.options;
    this.#oam = `/api/oam/v1/${brokerId}/broker-apps/${appCode}/`;
    this.#dispatcher = `/api/dispatcher/v3/${brokerId}/token`;
    this.#quote = `/api/marketdata/v3/${brokerId}/quote/`;
    this.#candles = `/api/techchart/v3/${brokerId}/candlesticks`;
  }

  /**
   * Answers one request.
   * @param req The request.
   * @returns The answer, rate-limit headers included.
   */
  async handle(req: ApiRequest): Promise<ApiAnswer> {
    this.#d.counters.restRequests++;
    this.#d.log.add(this.#d.options.clock.now());
    const limit = this.#d.limits.take();
    if (!limit.ok) this.#d.counters.rateLimited++;
    const answer = limit.ok ? await this.#route(req) : fail(429, "rate limit exceeded");
    return { ...answer, headers: { ...answer.headers, ...limit.headers } };
  }

  /** An endpoint made to fail by `refuse`, as its answer. */
  #refused(endpoint: RefusableEndpoint): ApiAnswer | undefined {
    const r = this.#d.faults.refusalOf(endpoint);
    return r === undefined
      ? undefined
      : { status: r.status, body: { code: r.code, message: r.message } };
  }

  #route(req: ApiRequest): ApiAnswer | Promise<ApiAnswer> {
    const { path, method } = req;
    const want = (m: string, run: () => ApiAnswer | Promise<ApiAnswer>) =>
      method === m ? run() : fail(405, `method ${method} is not allowed here`, { Allow: m });
    if (path === `${this.#oam}login`) return want("POST", () => this.#login(req));
    if (path === `${this.#oam}refresh-token`) {
      return this.#refused("refresh") ?? want("POST", () => this.#refresh(req));
    }
    if (path === this.#dispatcher) {
      return this.#refused("dispatcher") ??
        want("GET", () => this.#authed(req, () => this.#token(req)));
    }
    if (path.startsWith(this.#quote) && path.length > this.#quote.length) {
      this.#d.counters.quoteRequests++;
      return this.#refused("quote") ?? want(
        "GET",
        () => this.#authed(req, () => this.#quoteOf(path.slice(this.#quote.length))),
      );
    }
    if (path === this.#candles) {
      this.#d.counters.candlestickRequests++;
      return this.#refused("candlesticks") ??
        want("GET", () => this.#authed(req, () => this.#candlesOf(req)));
    }
    return fail(404, "not found");
  }

  #login(req: ApiRequest): ApiAnswer {
    const { options: o, counters, faults } = this.#d;
    const b = req.body;
    if (
      req.badBody || !isFields(b) || typeof b.apiKey !== "string" ||
      typeof b.signature !== "string" || typeof b.timestamp !== "string" ||
      (b.params !== undefined && typeof b.params !== "string")
    ) {
      return fail(400, "body must be JSON with apiKey, params, signature and timestamp strings");
    }
    counters.loginAttempts++;
    const refusal = faults.refusal;
    if (refusal !== undefined) {
      return { status: refusal.status, body: { code: refusal.code, message: refusal.message } };
    }
    if (b.apiKey !== o.appId) return fail(401, "unknown app id");
    if (!/^\d{1,16}$/.test(b.timestamp)) return fail(400, "timestamp must be epoch milliseconds");
    if (Math.abs(o.clock.now() - Number(b.timestamp)) > o.maxClockSkewMs) {
      return fail(401, "timestamp is too far from the server's time");
    }
    const message = `${b.apiKey}.${b.params ?? ""}.${b.timestamp}`;
    if (!verifyLogin(this.#d.key, message, b.signature)) return fail(401, "invalid signature");
    counters.logins++;
    return { status: 200, body: this.#d.tokens.issue() };
  }

  #refresh(req: ApiRequest): ApiAnswer {
    const b = req.body;
    if (
      req.badBody || !isFields(b) || typeof b.apiKey !== "string" ||
      typeof b.refreshToken !== "string"
    ) {
      return fail(400, "body must be JSON with apiKey and refreshToken strings");
    }
    if (b.apiKey !== this.#d.options.appId) return fail(401, "unknown app id");
    const answer = this.#d.tokens.refresh(b.refreshToken);
    if (answer === undefined) return fail(401, "invalid or used refresh token");
    this.#d.counters.refreshes++;
    return { status: 200, body: answer };
  }

  /** Runs `run` when the request carries a valid access token (`{token_type} {access_token}`). */
  #authed(
    req: ApiRequest,
    run: () => ApiAnswer | Promise<ApiAnswer>,
  ): ApiAnswer | Promise<ApiAnswer> {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.authorization ?? "");
    if (m === null) return fail(401, "missing bearer token");
    if (this.#d.tokens.accessExpiry(m[1]!) === undefined) {
      return fail(401, "invalid or expired access token");
    }
    return run();
  }

  #token(req: ApiRequest): ApiAnswer {
    const access = /^Bearer\s+(\S+)/i.exec(req.authorization ?? "")![1]!;
    const token = this.#d.tokens.issueDispatcher(access);
    this.#d.counters.dispatcherTokens++;
    return { status: 200, body: { hosts: [this.#d.dispatcherHost()], token } };
  }

  #known(symbol: string): boolean {
    return this.#d.options.symbols.includes(symbol);
  }

  /** Waits out the market REST latency fault, if any. */
  async #latency(): Promise<void> {
    const ms = this.#d.faults.marketLatencyMs;
    if (ms <= 0) return;
    const clock = this.#d.options.clock;
    await new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
  }

  async #quoteOf(segment: string): Promise<ApiAnswer> {
    await this.#latency();
    let symbol: string;
    try {
      symbol = decodeURIComponent(segment);
    } catch {
      return fail(400, "malformed symbol");
    }
    if (!this.#known(symbol)) {
      return fail(404, `unknown symbol ${JSON.stringify(symbol.slice(0, 40))}`);
    }
    return { status: 200, body: await this.#d.market.quote(symbol) };
  }

  async #candlesOf(req: ApiRequest): Promise<ApiAnswer> {
    await this.#latency();
    const symbol = req.query.get("symbol") ?? "";
    const interval = req.query.get("interval") ?? "";
    const rawLimit = req.query.get("limit");
    if (symbol === "") return fail(400, "symbol is required");
    if (!this.#known(symbol)) {
      return fail(404, `unknown symbol ${JSON.stringify(symbol.slice(0, 40))}`);
    }
    if (!Object.hasOwn(INTERVAL_MINUTES, interval)) {
      return fail(400, `interval must be one of ${Object.keys(INTERVAL_MINUTES).join(", ")}`);
    }
    const limit = rawLimit === null ? 100 : Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CANDLES) {
      return fail(400, `limit must be an integer from 1 to ${MAX_CANDLES}`);
    }
    return { status: 200, body: await this.#d.market.candlesticks(symbol, interval, limit) };
  }
}
