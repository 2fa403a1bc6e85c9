/**
 * Fault controls over HTTP, under `/_emulator/` (loopback only, like the rest):
 *
 * | request | effect |
 * | --- | --- |
 * | `POST /_emulator/drop` | drop every MQTT connection |
 * | `POST /_emulator/expire-tokens?after=S` | tokens expire S seconds from now |
 * | `POST /_emulator/stall?ms=N` | stop publishing for N ms |
 * | `POST /_emulator/malformed?count=N` or `?rate=F` | send malformed payloads |
 * | `POST /_emulator/refuse-logins?on=true&status=503&code=X` | refuse (or accept) logins |
 * | `POST /_emulator/revoke-dispatcher-tokens` | invalidate dispatcher tokens |
 * | `POST /_emulator/revoke-sessions` | invalidate every token (log in again) |
 * | `POST /_emulator/outage?ms=N` | drop MQTT connections, refuse upgrades for N ms |
 * | `POST /_emulator/refuse?endpoint=E&on=true&status=503` | make an endpoint fail |
 * | `POST /_emulator/slow-market?ms=N` | delay quote and candlestick answers by N ms |
 * | `GET /_emulator/stats` | counters and subscribed topics |
 *
 * @module
 */

import type { LoginRefusal, RefusableEndpoint } from "./_faults.ts";
import { type ApiAnswer, type ApiRequest, fail } from "./_http.ts";
import type { SettradeEmulator } from "./_types.ts";

/** Path prefix of the control endpoints. */
export const CONTROL_PREFIX = "/_emulator/";

/** What the controls act on: the emulator's own fault controls. */
export type ControlTarget = Pick<
  SettradeEmulator,
  | "dropConnections"
  | "expireTokensAfter"
  | "stall"
  | "sendMalformed"
  | "refuseLogins"
  | "revokeDispatcherTokens"
  | "revokeSessions"
  | "outage"
  | "refuse"
  | "slowMarket"
  | "stats"
  | "subscriptions"
>;

function number(req: ApiRequest, name: string): number {
  const raw = req.query.get(name);
  const n = raw === null || raw.trim() === "" ? NaN : Number(raw);
  if (!Number.isFinite(n)) throw new RangeError(`query parameter ${name} must be a number`);
  return n;
}

function refusal(req: ApiRequest): { on: boolean; how: LoginRefusal } {
  const on = !["0", "false", "off", "no"].includes((req.query.get("on") ?? "true").toLowerCase());
  const code = req.query.get("code") ?? undefined;
  const message = req.query.get("message") ?? undefined;
  const status = req.query.has("status") ? number(req, "status") : undefined;
  return { on, how: { status, code, message } };
}

function act(req: ApiRequest, target: ControlTarget, name: string): unknown {
  switch (name) {
    case "drop":
      return { dropped: target.dropConnections() };
    case "expire-tokens":
      target.expireTokensAfter(number(req, "after"));
      return {};
    case "stall":
      target.stall(number(req, "ms"));
      return {};
    case "malformed":
      target.sendMalformed(
        req.query.has("rate") ? { rate: number(req, "rate") } : number(req, "count"),
      );
      return {};
    case "refuse-logins": {
      const { on, how } = refusal(req);
      target.refuseLogins(on, how);
      return {};
    }
    case "refuse": {
      const { on, how } = refusal(req);
      target.refuse((req.query.get("endpoint") ?? "") as RefusableEndpoint, on, how);
      return {};
    }
    case "revoke-dispatcher-tokens":
      target.revokeDispatcherTokens();
      return {};
    case "revoke-sessions":
      target.revokeSessions();
      return {};
    case "slow-market":
      target.slowMarket(number(req, "ms"));
      return {};
    case "outage":
      return { dropped: target.outage(number(req, "ms")) };
    default:
      return undefined;
  }
}

/**
 * Answers a control request.
 * @param req A request whose path starts with {@link CONTROL_PREFIX}.
 * @param target The emulator.
 * @returns The answer.
 */
export function control(req: ApiRequest, target: ControlTarget): ApiAnswer {
  const name = req.path.slice(CONTROL_PREFIX.length);
  if (name === "stats") {
    if (req.method !== "GET") return fail(405, "use GET");
    return { status: 200, body: { ...target.stats(), subscriptions: target.subscriptions() } };
  }
  if (req.method !== "POST") return fail(405, "use POST");
  try {
    const body = act(req, target, name);
    return body === undefined
      ? fail(404, "no such control")
      : { status: 200, body: { ok: true, ...body } };
  } catch (e) {
    return fail(400, e instanceof Error ? e.message : String(e));
  }
}
