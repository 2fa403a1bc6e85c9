/**
 * Tolerant schemas of the auth and dispatcher responses (extra fields ignored) and
 * the errors built from them. No message ever quotes a token or the secret.
 *
 * @module
 */

import * as v from "valibot";
import { AuthError, ConnectionError } from "../../../src/errors.ts";

const positive = v.pipe(v.number(), v.finite(), v.minValue(0));

const TokenSchema = v.object({
  // Inferred default: every answer seen carries "Bearer"; a missing type should not fail.
  token_type: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1)), "Bearer"),
  access_token: v.pipe(v.string(), v.minLength(1)),
  refresh_token: v.optional(v.string()),
  expires_in: v.union([
    positive,
    v.pipe(v.string(), v.trim(), v.decimal(), v.transform(Number), positive),
  ]),
});

const ErrorSchema = v.object({
  code: v.optional(v.union([v.string(), v.number()])),
  message: v.optional(v.string()),
});

const DispatcherSchema = v.object({
  hosts: v.optional(v.array(v.unknown())),
  token: v.optional(v.string()),
});

/** A parsed token answer (login or refresh). */
export interface TokenAnswer {
  readonly tokenType: string;
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  /** Lifetime in seconds. */
  readonly expiresIn: number;
}

/** Replaces every secret text in `message` and shortens it to a readable length. */
export function scrub(message: string, secrets: readonly (string | undefined)[]): string {
  let out = message.replace(/\p{Cc}+/gu, " ").trim();
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join("[redacted]");
  return out.length > 200 ? `${out.slice(0, 197)}...` : out;
}

/**
 * Parses a login/refresh answer.
 * @throws AuthError naming the fields that are missing or invalid (never their values).
 */
export function parseToken(json: unknown, what: string, status: number): TokenAnswer {
  const r = v.safeParse(TokenSchema, json);
  if (!r.success) {
    const fields = [...new Set(r.issues.map((i) => v.getDotPath(i) ?? "body"))].join(", ");
    throw new AuthError(
      `[settrade] ${what} answer is missing or has an invalid ${fields}`,
      { status },
    );
  }
  return {
    tokenType: r.output.token_type,
    accessToken: r.output.access_token,
    refreshToken: r.output.refresh_token || undefined,
    expiresIn: r.output.expires_in,
  };
}

/**
 * Builds the error for a non-2xx answer: `[settrade] login refused: code "E401":
 * <message> (HTTP 401)`.
 * @param what The operation (`login`, `token refresh`, ...).
 * @param status HTTP status.
 * @param json The parsed body, if it was JSON.
 * @param secrets Texts to scrub out of the server's message.
 * @param kind Which error class to build.
 */
export function refusal(
  what: string,
  status: number,
  json: unknown,
  secrets: readonly (string | undefined)[],
  kind: "auth" | "connection" = "auth",
): AuthError | ConnectionError {
  const r = v.safeParse(ErrorSchema, json);
  const code = r.success && r.output.code !== undefined ? String(r.output.code) : undefined;
  const text = r.success && r.output.message ? scrub(r.output.message, secrets) : undefined;
  let message = `[settrade] ${what} refused`;
  if (code !== undefined) message += `: code ${JSON.stringify(scrub(code, secrets))}`;
  if (text) message += `: ${text}`;
  message += ` (HTTP ${status})`;
  return kind === "auth" ? new AuthError(message, { code, status }) : new ConnectionError(message);
}

/** A dispatcher answer: where to connect and with which token. */
export interface DispatcherAnswer {
  readonly hosts: readonly string[];
  readonly token: string;
}

/**
 * Parses a dispatcher answer.
 * @throws ConnectionError when there are no hosts or no token.
 */
export function parseDispatcher(json: unknown): DispatcherAnswer {
  const r = v.safeParse(DispatcherSchema, json);
  if (!r.success) throw new ConnectionError("[settrade] dispatcher answer is not valid");
  const hosts = (r.output.hosts ?? [])
    .filter((h): h is string => typeof h === "string")
    .map((h) => h.trim())
    .filter((h) => h !== "");
  if (hosts.length === 0) throw new ConnectionError("[settrade] dispatcher returned no hosts");
  if (!r.output.token) throw new ConnectionError("[settrade] dispatcher returned no token");
  return Object.freeze({ hosts: Object.freeze(hosts), token: r.output.token });
}
