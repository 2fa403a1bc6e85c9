/**
 * Settrade authentication: login with a signed timestamp, token refresh before
 * expiry, and the dispatcher token for the realtime connection.
 *
 * Retry policy of {@link SettradeAuth.loginWithRetry}: network failures, timeouts,
 * HTTP 408, 429 and 5xx are retried with exponential backoff and jitter, up to
 * `login.maxAttempts` attempts, each retry reported to `onLoginRetry` (the
 * connector turns it into a `reconnecting` status carrying the server's code).
 * Any other 4xx (bad key, signature, app code or broker) is a definitive
 * refusal ({@link isLoginRefusal}) and is thrown at once: repeating it cannot
 * succeed and could get the app locked out.
 *
 * A 401 on an authenticated request (an expired or revoked token) first
 * refreshes the token, then logs in afresh; only a refused login is final.
 *
 * Every request honours `caFile` and `insecureSkipTlsVerify` (the login
 * included), like the realtime connection; with `insecureSkipTlsVerify` the
 * client logs one warning naming it.
 *
 * @module
 */

import type { Clock } from "../../../src/clock.ts";
import { systemClock } from "../../../src/clock.ts";
import { AuthError, isAuthError, isConnectionError } from "../../../src/errors.ts";
import type { Logger } from "../../../src/log.ts";
import { silentLogger } from "../../../src/log.ts";
import type { SettradeOptions } from "../config.ts";
import type { DispatcherAnswer, TokenAnswer } from "./_responses.ts";
import { parseDispatcher, parseToken, refusal } from "./_responses.ts";
import { reasonOf } from "../../../src/errors.ts";
import { abortReason, retryWithBackoff } from "../../../src/kit/retry.ts";
import { restFetch } from "../transport/_https-fetch.ts";
import type { FetchLike, RestResponse } from "./rate-limit.ts";
import { RestClient } from "./rate-limit.ts";
import { signLogin } from "./signer.ts";

/** What {@link SettradeAuth} is built with besides its options. */
export interface SettradeAuthDeps {
  /** Time source for timestamps, expiry, backoff and rate limits. @default systemClock */
  readonly clock?: Clock;
  /** REST client to share with market REST calls. @default a new one on `fetch` */
  readonly rest?: RestClient;
  /** HTTP client when no `rest` is given. @default globalThis.fetch */
  readonly fetch?: FetchLike;
  /** Uniform random source for backoff jitter. @default Math.random */
  readonly random?: () => number;
  /** Where retries are reported (never with a secret or token). @default silentLogger */
  readonly logger?: Logger;
  /** Told about each login retry (the connector reports it as a status). */
  readonly onLoginRetry?: LoginRetryHooks;
}

/** Callbacks around the retries of {@link SettradeAuth.loginWithRetry}. */
export interface LoginRetryHooks {
  /**
   * A login attempt failed and another follows after `delayMs`.
   * @param attempt Retry number, from 1. @param delayMs Wait before it.
   * @param error The failure (an `AuthError` with the server's `code`, or a `ConnectionError`).
   */
  onRetry(attempt: number, delayMs: number, error: unknown): void;
  /** The next login attempt begins (after a retry's wait). */
  beforeAttempt(): void;
}

/** Logins the server refused for good (the errors thrown for them). */
const REFUSALS = new WeakSet<object>();

/**
 * Whether an error is a refused login: the server answered the login itself with a
 * 4xx other than 408 and 429 (bad key, secret, app code or broker). Retrying
 * cannot help; every other failure (a network error, a 5xx, a 401 on a token) can.
 * @param e Anything thrown by {@link SettradeAuth}.
 * @returns `true` for a refused login.
 * @example
 * ```ts
 * import { isLoginRefusal } from "./client.ts";
 * console.log(isLoginRefusal(new Error("socket hang up"))); // false
 * ```
 */
export function isLoginRefusal(e: unknown): boolean {
  return typeof e === "object" && e !== null && REFUSALS.has(e);
}

const NEVER = new AbortController().signal;

/** The realtime dispatcher's answer: broker hosts and the token for their upgrade. */
export type DispatcherToken = DispatcherAnswer;

interface TokenState {
  readonly tokenType: string;
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  /** Wall ms when the access token expires. */
  readonly expiresAt: number;
  /** Wall ms from which {@link SettradeAuth.accessToken} refreshes first. */
  refreshAt: number;
}

function isRetryable(e: unknown): boolean {
  if (isConnectionError(e)) return true;
  const status = (e as { status?: unknown }).status;
  return typeof status === "number" && (status === 408 || status === 429 || status >= 500);
}

/**
 * Holds a Settrade session: logs in, refreshes before expiry and fetches the
 * dispatcher token. Concurrent callers share one login or refresh.
 *
 * @example Getting the dispatcher hosts and token (here from the local emulator)
 * ```ts
 * import { parseSettradeOptions } from "../config.ts";
 * import { SettradeAuth } from "./client.ts";
 * import { startSettradeEmulator } from "@tickwire/tickwire/connectors/settrade/emulator";
 * // With an account: appId, appSecret, appCode and brokerId ("SANDBOX" for the sandbox).
 * const emulator = await startSettradeEmulator();
 * const e = emulator.env();
 * const options = parseSettradeOptions({
 *   appId: e.SETTRADE_APP_ID, appSecret: e.SETTRADE_APP_SECRET, appCode: e.SETTRADE_APP_CODE,
 *   brokerId: e.SETTRADE_BROKER_ID, baseUrl: e.SETTRADE_BASE_URL, marketUrl: e.SETTRADE_MARKET_URL,
 * });
 * const auth = new SettradeAuth(options);
 * const { hosts, token } = await auth.getDispatcherToken(AbortSignal.timeout(30_000));
 * console.log(hosts.length > 0, typeof token); // true string
 * await emulator.stop();
 * ```
 */
export class SettradeAuth {
  /** The REST client (rate-limited), for market REST calls that share the budget. */
  readonly rest: RestClient;
  readonly #o: SettradeOptions;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #log: Logger;
  readonly #hooks: LoginRetryHooks | undefined;
  #token: TokenState | undefined;
  #pending: Promise<TokenState> | undefined;

  /**
   * Creates the session holder; it sends nothing until a token is first needed.
   * @param options Parsed options (`parseSettradeOptions`).
   * @param deps Clock, REST client or fetch, random source, logger.
   */
  constructor(options: SettradeOptions, deps: SettradeAuthDeps = {}) {
    this.#o = options;
    this.#clock = deps.clock ?? systemClock;
    this.#random = deps.random ?? Math.random;
    this.#log = deps.logger ?? silentLogger;
    this.#hooks = deps.onLoginRetry;
    this.rest = deps.rest ??
      new RestClient({
        fetch: deps.fetch ?? restFetch(options),
        clock: this.#clock,
        timeoutMs: options.requestTimeoutMs,
      });
    if (options.insecureSkipTlsVerify) {
      this.#log.warn(
        "[settrade] INSECURE: insecureSkipTlsVerify (SETTRADE_INSECURE_SKIP_TLS_VERIFY) is on: " +
          "TLS certificates are not checked on any connection, the login included. " +
          "Use it only with a local emulator.",
      );
    }
  }

  /** Wall time (epoch ms) when the current access token expires; `undefined` before login. */
  get expiresAt(): number | undefined {
    return this.#token?.expiresAt;
  }

  /** Wall time (epoch ms) from which the token is refreshed on next use. */
  get refreshAt(): number | undefined {
    return this.#token?.refreshAt;
  }

  #secrets(): (string | undefined)[] {
    return [this.#o.appSecret.reveal(), this.#token?.accessToken, this.#token?.refreshToken];
  }

  #oam(action: "login" | "refresh-token"): string {
    const o = this.#o;
    return `${o.baseUrl}/api/oam/v1/${encodeURIComponent(o.brokerId)}/broker-apps/${
      encodeURIComponent(o.appCode)
    }/${action}`;
  }

  async #post(what: string, url: string, body: unknown, signal?: AbortSignal): Promise<TokenState> {
    const sentAt = this.#clock.now();
    const res = await this.rest.request(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    }, signal);
    if (!res.ok) throw refusal(what, res.status, res.json, this.#secrets());
    return this.#store(parseToken(res.json, what, res.status), sentAt);
  }

  #store(t: TokenAnswer, sentAt: number): TokenState {
    const lifetime = t.expiresIn * 1_000;
    // Guard (inferred): a token living less than twice `refreshBeforeMs` is refreshed
    // at half its life, not on every use.
    const ahead = Math.min(this.#o.refreshBeforeMs, lifetime / 2);
    const expiresAt = sentAt + lifetime;
    this.#token = { ...t, expiresAt, refreshAt: expiresAt - ahead };
    return this.#token;
  }

  /**
   * One login attempt: `POST .../login` with a signature over `apiKey..timestamp`.
   * @param signal Cancels the request.
   * @returns Resolves once a token is held.
   * @throws AuthError when refused (server code, message, HTTP status; a 4xx
   *   other than 408/429 is a refusal for good, see {@link isLoginRefusal}) or
   *   answered without a token; ConnectionError on a network failure or timeout.
   */
  async login(signal?: AbortSignal): Promise<void> {
    const timestamp = String(Math.floor(this.#clock.now()));
    const signature = await signLogin(this.#o.appSecret, this.#o.appId, "", timestamp);
    const body = { apiKey: this.#o.appId, params: "", signature, timestamp };
    try {
      await this.#post("login", this.#oam("login"), body, signal);
    } catch (e) {
      if (isAuthError(e) && !isRetryable(e)) REFUSALS.add(e);
      throw e;
    }
  }

  /**
   * Logs in, retrying failures that may pass (network, timeout, 408, 429, 5xx) with
   * backoff and jitter up to `login.maxAttempts`; a definitive refusal is thrown at once.
   * Each retry is logged and reported to `onLoginRetry`.
   * @param signal Stops waiting and retrying (rejects with the abort reason).
   * @returns Resolves once a token is held.
   * @throws AuthError: the refusal, or `login failed after N attempts` with the last cause.
   */
  async loginWithRetry(signal?: AbortSignal): Promise<void> {
    const policy = this.#o.login;
    let attempts = 0;
    try {
      await retryWithBackoff({
        attempt: (s) => {
          attempts++;
          return this.login(s);
        },
        beforeAttempt: () => {
          if (attempts > 0) this.#hooks?.beforeAttempt();
        },
        onRetry: (attempt, delayMs, error) => {
          this.#log.warn("[settrade] login failed; retrying", {
            attempt,
            delayMs,
            error: reasonOf(error),
          });
          this.#hooks?.onRetry(attempt, delayMs, error);
        },
      }, {
        clock: this.#clock,
        signal: signal ?? NEVER,
        policy: { ...policy, maxAttempts: policy.maxAttempts - 1 },
        isFatal: (e) => !isRetryable(e),
        random: this.#random,
        label: "[settrade]",
      });
    } catch (e) {
      if (signal?.aborted) throw abortReason(signal);
      if (!isRetryable(e)) throw e;
      const last = (isAuthError(e) ? e : (e as { cause?: unknown }).cause ?? e) as {
        message?: string;
        code?: string;
        status?: number;
      };
      throw new AuthError(
        `[settrade] login failed after ${attempts} attempts: ${last.message ?? String(last)}`,
        { code: last.code, status: last.status, cause: last },
      );
    }
  }

  /**
   * Exchanges the refresh token for a new access token.
   * @param signal Cancels the request.
   * @returns Resolves once the new token is held.
   * @throws AuthError when there is no refresh token or the server refuses.
   */
  async refresh(signal?: AbortSignal): Promise<void> {
    const refreshToken = this.#token?.refreshToken;
    if (refreshToken === undefined) throw new AuthError("[settrade] no refresh token held");
    const body = { apiKey: this.#o.appId, refreshToken };
    await this.#post("token refresh", this.#oam("refresh-token"), body, signal);
  }

  /** Marks the held token as due, so the next use refreshes (or logs in). */
  invalidate(): void {
    if (this.#token) this.#token.refreshAt = -Infinity;
  }

  /** Forgets the session (tokens included), so the next use logs in afresh. */
  reset(): void {
    this.#token = undefined;
  }

  async #renew(signal?: AbortSignal): Promise<TokenState> {
    if (this.#token?.refreshToken !== undefined) {
      try {
        await this.refresh(signal);
        return this.#token;
      } catch (e) {
        if (signal?.aborted) throw abortReason(signal);
        this.#log.warn("[settrade] token refresh failed; logging in again", {
          error: (e as Error).message,
        });
      }
    }
    await this.loginWithRetry(signal);
    return this.#token!;
  }

  async #valid(signal?: AbortSignal): Promise<TokenState> {
    const t = this.#token;
    if (t !== undefined && this.#clock.now() < t.refreshAt) return t;
    if (this.#pending === undefined) {
      this.#pending = this.#renew(signal).finally(() => {
        this.#pending = undefined;
      });
    }
    if (signal === undefined) return this.#pending;
    if (signal.aborted) throw abortReason(signal);
    return await new Promise<TokenState>((resolve, reject) => {
      const onAbort = (): void => reject(abortReason(signal));
      signal.addEventListener("abort", onAbort, { once: true });
      this.#pending!.then(resolve, reject).finally(() =>
        signal.removeEventListener("abort", onAbort)
      );
    });
  }

  /**
   * A valid access token: logs in first if needed, refreshes when fewer than
   * `refreshBeforeMs` remain (falling back to a fresh login if the refresh fails).
   * @param signal Cancels waiting.
   * @returns The access token.
   */
  async accessToken(signal?: AbortSignal): Promise<string> {
    return (await this.#valid(signal)).accessToken;
  }

  /**
   * The `Authorization` header value: `{token_type} {access_token}`.
   * @param signal Cancels waiting.
   * @returns E.g. `Bearer eyJ...`.
   */
  async authorization(signal?: AbortSignal): Promise<string> {
    const t = await this.#valid(signal);
    return `${t.tokenType} ${t.accessToken}`;
  }

  /**
   * An authenticated, rate-limited request. On HTTP 401 the token is refreshed and
   * the request sent again; on a second 401, after a fresh login, once more.
   * @param url Absolute URL.
   * @param init Method, headers, body.
   * @param signal Cancels waiting and the request.
   * @returns The response, body read.
   */
  async request(url: string, init: RequestInit = {}, signal?: AbortSignal): Promise<RestResponse> {
    for (let attempt = 1;; attempt++) {
      const headers = new Headers(init.headers);
      headers.set("Authorization", await this.authorization(signal));
      if (!headers.has("Accept")) headers.set("Accept", "application/json");
      const res = await this.rest.request(url, { ...init, headers }, signal);
      if (res.status !== 401 || attempt >= 3) return res;
      // An expired or revoked token: refresh it first, then log in afresh.
      if (attempt === 1) this.invalidate();
      else this.reset();
    }
  }

  /**
   * Fetches the realtime dispatcher's hosts and token
   * (`GET {base}/api/dispatcher/v3/{brokerId}/token`).
   * @param signal Cancels the request.
   * @returns Hosts (at least one) and the token for the MQTT upgrade.
   * @throws ConnectionError when the answer has no hosts or no token or the request
   *   fails; AuthError when it is refused with 401/403 even after renewing the token.
   */
  async getDispatcherToken(signal?: AbortSignal): Promise<DispatcherToken> {
    const url = `${this.#o.baseUrl}/api/dispatcher/v3/${
      encodeURIComponent(this.#o.brokerId)
    }/token`;
    const res = await this.request(url, { method: "GET" }, signal);
    if (!res.ok) {
      const kind = res.status === 401 || res.status === 403 ? "auth" : "connection";
      throw refusal("dispatcher token request", res.status, res.json, this.#secrets(), kind);
    }
    return parseDispatcher(res.json);
  }
}
