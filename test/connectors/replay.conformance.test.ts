/**
 * The replay connector under the shared conformance suite, on a capture of the
 * synthetic feed whose receive times are spread 4 ms apart (so a pass at speed 1
 * lasts about a second):
 *
 * - a raw capture at the recorded pace, ending by itself (finite);
 * - an NDJSON capture at "max" (finite);
 * - a raw capture file with `loop`: each new pass is a reconnect (disconnected,
 *   reconnecting, connecting, connected with the next epoch), so the reconnect
 *   tests run on it; `triggerReconnect` has nothing to force, the next pass comes
 *   by itself within the suite's timeout.
 */
import { writeFileSync } from "node:fs";
import { afterAll } from "vitest";
import { RawEncoder } from "../../connectors/replay/capture/raw-encoder.ts";
import { eventLine } from "../../connectors/replay/capture/ndjson.ts";
import type { MarketEvent, StatusEvent } from "../../src/events.ts";
import { createReplayConnector } from "../../connectors/replay/mod.ts";
import { testConnector } from "../conformance/mod.ts";
import {
  bytesStream,
  parseLines,
  recordSynthetic,
  SYNTHETIC_SUBS,
  tempDir,
} from "./_replay-helpers.ts";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const spaced = recordSynthetic({ seed: 21, limit: 300 }).then(({ ndjson }) => {
  const events = parseLines(ndjson).map((ev, i) => ({ ...ev, recvMono: 10_000 + 4 * i }));
  const enc = new RawEncoder();
  enc.begin({ source: "synthetic", created: 0, part: 0, meta: {} });
  for (const ev of events) {
    if (ev.type === "status") enc.status(ev as StatusEvent);
    else enc.event(ev as MarketEvent);
  }
  const raw = enc.take();
  const file = tmp.path("loop.twr");
  writeFileSync(file, raw);
  return { raw, ndjson: new TextEncoder().encode(events.map((e) => eventLine(e)).join("")), file };
});

const subscriptions = SYNTHETIC_SUBS.slice(0, 6);

testConnector("replay", {
  create: async (ctx) =>
    createReplayConnector({ stream: bytesStream((await spaced).raw, 2048), speed: 1 }, ctx),
  subscriptions,
  minEvents: 50,
  finite: true,
  timeoutMs: 5_000,
});

testConnector("replay", {
  create: async (ctx) =>
    createReplayConnector({ stream: bytesStream((await spaced).ndjson), speed: "max" }, ctx),
  subscriptions,
  finite: true,
  timeoutMs: 5_000,
});

testConnector("replay", {
  create: async (ctx) =>
    createReplayConnector({ file: (await spaced).file, speed: 4, loop: true }, ctx),
  subscriptions,
  minEvents: 50,
  timeoutMs: 5_000,
  triggerReconnect: () => {},
});
