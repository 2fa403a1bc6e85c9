/**
 * Builds a status event of any kind for tests, filling the fields its kind
 * requires with neutral values unless `extra` gives them.
 *
 * @module
 */

import type { StatusEvent, StatusKind } from "../../src/events.ts";

const REQUIRED: Readonly<Record<StatusKind, Readonly<Record<string, unknown>>>> = {
  connecting: {},
  connected: {},
  reconnecting: { attempt: 1, delayMs: 0 },
  disconnected: { reason: "connection lost" },
  mode: { mode: "stream", previous: "down" },
  gap: { from: 1, to: 1 },
  stale: { scope: "feed", symbols: [], ageMs: 0 },
  recovered: {},
  "subscribe-error": { reason: "refused" },
  error: { reason: "failed" },
  end: {},
};

/**
 * @param kind Status kind.
 * @param base `source`, `epoch` and times.
 * @param extra Fields of the kind (override the neutral ones).
 * @returns The status event.
 */
export function makeStatus(
  kind: StatusKind,
  base: { source: string; epoch: number; recvTs: number; recvMono: number },
  extra: Record<string, unknown> = {},
): StatusEvent {
  return { type: "status", kind, ...base, ...REQUIRED[kind], ...extra } as StatusEvent;
}
