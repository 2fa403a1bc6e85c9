/**
 * Tokens the emulator issues: access and refresh tokens (login, refresh) and
 * dispatcher tokens (for the MQTT upgrade), each opaque and random.
 *
 * Rules (inferred where the wire page is silent):
 * - An access token lives `ttlSec`; a dispatcher token is tied to the access
 *   token it was fetched with and expires with it.
 * - A refresh token is single-use: refreshing rotates it. It does not expire
 *   with the access token, so a client may refresh after its access token lapsed;
 *   only the newest {@link MAX_REFRESH_TOKENS} unused ones are kept.
 * - {@link TokenStore.expireAfter} caps every held access and dispatcher token
 *   at now + N s and gives later ones a lifetime of N s.
 *
 * @module
 */

import type { Clock } from "../../../src/clock.ts";

/** Unused refresh tokens kept; older ones are forgotten (a bound for long runs). */
export const MAX_REFRESH_TOKENS = 10_000;

interface Access {
  expiresAt: number;
}

/** A login or refresh answer, in Settrade's field names. */
export interface TokenAnswer {
  readonly token_type: "Bearer";
  readonly access_token: string;
  readonly refresh_token: string;
  readonly expires_in: number;
}

function randomToken(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  let bin = "";
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]!);
  return prefix + btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Issues and checks tokens against a clock. */
export class TokenStore {
  readonly #clock: Clock;
  #ttlMs: number;
  readonly #access = new Map<string, Access>();
  readonly #refresh = new Set<string>();
  readonly #dispatcher = new Map<string, Access>();

  /**
   * @param clock Time source.
   * @param ttlSec Lifetime of access tokens, s.
   */
  constructor(clock: Clock, ttlSec: number) {
    this.#clock = clock;
    this.#ttlMs = ttlSec * 1_000;
  }

  #prune(): void {
    const now = this.#clock.now();
    for (const map of [this.#access, this.#dispatcher]) {
      for (const [token, t] of map) if (t.expiresAt <= now) map.delete(token);
    }
  }

  /** @returns A new access and refresh token. */
  issue(): TokenAnswer {
    this.#prune();
    const access = randomToken("at_");
    const refresh = randomToken("rt_");
    this.#access.set(access, { expiresAt: this.#clock.now() + this.#ttlMs });
    this.#refresh.add(refresh);
    if (this.#refresh.size > MAX_REFRESH_TOKENS) {
      this.#refresh.delete(this.#refresh.values().next().value!);
    }
    return {
      token_type: "Bearer",
      access_token: access,
      refresh_token: refresh,
      expires_in: Math.max(0, Math.round(this.#ttlMs / 1_000)),
    };
  }

  /**
   * Exchanges a refresh token (once) for new tokens.
   * @param refreshToken The refresh token.
   * @returns New tokens, or `undefined` when the refresh token is unknown or used.
   */
  refresh(refreshToken: string): TokenAnswer | undefined {
    if (!this.#refresh.delete(refreshToken)) return undefined;
    return this.issue();
  }

  /**
   * @param token An access token.
   * @returns Its expiry (epoch ms) when it is held and unexpired, else `undefined`.
   */
  accessExpiry(token: string): number | undefined {
    const t = this.#access.get(token);
    return t !== undefined && t.expiresAt > this.#clock.now() ? t.expiresAt : undefined;
  }

  /**
   * Issues a dispatcher token tied to a valid access token.
   * @param accessToken The access token it is fetched with (must be valid).
   * @returns The dispatcher token.
   */
  issueDispatcher(accessToken: string): string {
    this.#prune();
    const expiresAt = this.accessExpiry(accessToken) ?? this.#clock.now();
    const token = randomToken("dt_");
    this.#dispatcher.set(token, { expiresAt });
    return token;
  }

  /**
   * @param token A dispatcher token.
   * @returns Its expiry (epoch ms) when it is held and unexpired, else `undefined`.
   */
  dispatcherExpiry(token: string): number | undefined {
    const t = this.#dispatcher.get(token);
    return t !== undefined && t.expiresAt > this.#clock.now() ? t.expiresAt : undefined;
  }

  /**
   * When a dispatcher token expires (or expired), whether or not it is still valid.
   * @param token Dispatcher token.
   * @returns Epoch ms, or `undefined` for an unknown or revoked token.
   */
  dispatcherExpiresAt(token: string): number | undefined {
    return this.#dispatcher.get(token)?.expiresAt;
  }

  /**
   * Caps held access and dispatcher tokens at now + `ms`; later tokens live `ms`.
   * @param ms Milliseconds.
   */
  expireAfter(ms: number): void {
    const at = this.#clock.now() + ms;
    this.#ttlMs = ms;
    for (const map of [this.#access, this.#dispatcher]) {
      for (const t of map.values()) if (t.expiresAt > at) t.expiresAt = at;
    }
  }

  /** Invalidates every dispatcher token issued so far. */
  revokeDispatcher(): void {
    this.#dispatcher.clear();
  }

  /** Invalidates every token issued so far: access, refresh and dispatcher (a revoked session). */
  revokeAll(): void {
    this.#access.clear();
    this.#refresh.clear();
    this.#dispatcher.clear();
  }
}
