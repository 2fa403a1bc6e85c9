/**
 * Access checks: the bearer token (HTTP `Authorization`, or a browser's
 * WebSocket subprotocol `tickwire.bearer.<token>`), compared in constant time,
 * and the `Origin` allow-list of WebSocket upgrades. Messages name what was
 * wrong and never the token.
 *
 * @module
 */

import type { Secret } from "../src/secret.ts";

/** Prefix of the WebSocket subprotocol that carries the token. */
export const TOKEN_PROTOCOL_PREFIX = "tickwire.bearer.";
/** Query parameters a token must not travel in (URLs end up in logs). */
const URL_TOKEN_PARAMS = ["token", "access_token", "auth", "bearer", "apikey", "api_key"];

/** A refused request: HTTP status and message. */
export interface Refusal {
  readonly status: 401 | 403;
  readonly message: string;
}

function sameBytes(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  const n = Math.max(x.length, y.length);
  for (let i = 0; i < n; i++) diff |= (x[i % x.length] ?? 0) ^ (y[i % y.length] ?? 0);
  return diff === 0;
}

/**
 * Checks a request's token.
 * @param request The request.
 * @param token The expected token, or `undefined` when none is required.
 * @param websocket Whether this is a WebSocket upgrade (the subprotocol may carry it).
 * @returns `undefined` when allowed, else why not.
 */
export function checkToken(
  request: Request,
  token: Secret | undefined,
  websocket: boolean,
): Refusal | undefined {
  if (token === undefined) return undefined;
  const url = new URL(request.url);
  const inUrl = URL_TOKEN_PARAMS.find((p) => url.searchParams.has(p));
  if (inUrl !== undefined) {
    return {
      status: 401,
      message: `a token in the URL (?${inUrl}=) is refused, since URLs end up in logs: ` +
        "send it as Authorization: Bearer <token>" +
        (websocket
          ? ` or, from a browser, as the subprotocol ${TOKEN_PROTOCOL_PREFIX}<token>`
          : ""),
    };
  }
  let given: string | undefined;
  const header = request.headers.get("authorization");
  if (header !== null) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (m === null) {
      return { status: 401, message: "expected Authorization: Bearer <token>" };
    }
    given = m[1];
  } else if (websocket) {
    const protocols = (request.headers.get("sec-websocket-protocol") ?? "").split(",");
    const p = protocols.map((s) => s.trim()).find((s) => s.startsWith(TOKEN_PROTOCOL_PREFIX));
    if (p !== undefined) given = p.slice(TOKEN_PROTOCOL_PREFIX.length);
  }
  if (given === undefined) {
    return {
      status: 401,
      message: "this server requires a token: send Authorization: Bearer <token>" +
        (websocket ? ` or the subprotocol ${TOKEN_PROTOCOL_PREFIX}<token>` : ""),
    };
  }
  if (!sameBytes(given, token.reveal())) return { status: 401, message: "invalid token" };
  return undefined;
}

/**
 * Checks a WebSocket upgrade's `Origin`.
 * @param request The upgrade request.
 * @param allowed Allowed origins (`"*"` for any).
 * @returns `undefined` when allowed, else why not.
 */
export function checkOrigin(request: Request, allowed: readonly string[]): Refusal | undefined {
  const origin = request.headers.get("origin");
  // Not a browser: nothing to check (the token, where required, guards the server).
  if (origin === null) return undefined;
  if (allowed.includes("*") || allowed.includes(origin)) return undefined;
  let host: string | undefined;
  try {
    host = new URL(origin).host;
  } catch {
    host = undefined;
  }
  // The page this server serves connects from its own origin.
  if (host !== undefined && host === request.headers.get("host")) return undefined;
  return {
    status: 403,
    message: `origin ${JSON.stringify(origin)} is not allowed to open a WebSocket; allowed: ` +
      (allowed.length === 0 ? "this server's own pages only" : allowed.join(", ")) +
      " (--allow-origin)",
  };
}
