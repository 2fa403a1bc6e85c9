/**
 * Record and replay: run a strategy on yesterday's session exactly as it ran live.
 *
 * - **Recorder** ({@link createRecorder}): writes a feed to a raw capture (`.twr`:
 *   wire payloads, lifecycle statuses, and normalized events from sources without a
 *   wire format; checksummed, append-only, optionally gzip) and/or an NDJSON event
 *   capture. The format is specified in `connectors/replay/FORMAT.md`.
 * - **Replay connector** (`DATA_SOURCE=replay`, {@link replayConnector}): plays a
 *   capture of either kind back through a feed. Raw payloads go through the live
 *   decoder, so a decoder fix can be re-run over old captures.
 *
 * Replayed events:
 *
 * - have `source: "replay"` and `origin` = the recorded source;
 * - keep their recorded `recvTs` (and every other field);
 * - carry `seq` renumbered by the replay (1, 2, 3, ... over the events it delivers);
 * - carry `recvMono` shifted by one constant per pass, so that the recorded gaps
 *   are kept exactly and the first record falls on the replay clock's "now";
 * - carry the replay's `epoch`, which equals the recorded one when a capture is
 *   replayed from its start without `loop`.
 *
 * Pacing follows the recorded `recvMono` gaps divided by `speed` on the context's
 * clock; at `speed: "max"` records go as fast as the consumer takes them, and the
 * feed uses the `block` overflow policy unless told otherwise, so nothing is dropped.
 * Symbols given to the feed (`symbols`, `REPLAY_SYMBOLS`) are replayed on every
 * channel unless `channels` says otherwise.
 * Until the first subscription, every event of the capture is delivered; from then
 * on only subscribed pairs. `status` events mark the start and the `end`, so a
 * `for await` loop over the feed finishes by itself.
 *
 * @example Replaying a capture as fast as possible
 * ```ts ignore
 * import { createFeed } from "@tickwire/tickwire";
 *
 * await using feed = await createFeed({ source: "replay", file: "s.twr", speed: "max" });
 * for await (const ev of feed) if (ev.type === "quote") console.log(ev.symbol, ev.bid, ev.origin);
 * ```
 *
 * @module
 */

import type { ConnectorContext, ConnectorDefinition } from "../../src/connector.ts";
import type { OverflowPolicy } from "../../src/dispatcher.ts";
import { type Channel, CHANNELS } from "../../src/events.ts";
import { ReplayConnector } from "./_connector.ts";
import {
  parseReplayOptions,
  REPLAY_ENV,
  REPLAY_OPTION_KEYS,
  type ReplayOptions,
  type ReplayOptionsInput,
} from "./_options.ts";

export { ReplayConnector, type ReplayHealth } from "./_connector.ts";
export {
  type CaptureBytes,
  parseOnCorrupt,
  parseReplayOptions,
  parseSpeed,
  type ReplayOptions,
  type ReplayOptionsInput,
  type TimeInput,
} from "./_options.ts";
export { createRecorder, Recorder } from "./recorder.ts";
export type { FsyncPolicy, RecorderOptions, RecorderStats } from "./_recorder-options.ts";
export { FSYNC_POLICIES } from "./_recorder-options.ts";
export { type CaptureSummary, inspectCapture, type InspectOptions } from "./inspect.ts";
export type { CaptureIssue, CaptureIssueCode, OnCorrupt } from "./capture/issues.ts";
export type { CaptureHeader } from "./capture/raw-format.ts";
export type { CaptureFormat } from "./capture/reader.ts";

/**
 * Creates a replay connector from options given in code.
 *
 * @param options `file` or `stream`, `speed`, `from` / `to`, `symbols`, `loop`, `onCorrupt`.
 * @param ctx Sink, logger and clock (a feed passes its own).
 * @returns The connector; it opens the capture on `connect()`.
 * @throws ConfigError listing every invalid option.
 * @example Replaying a capture fetched over HTTP (edge runtimes)
 * ```ts ignore
 * import { createFeed } from "@tickwire/tickwire";
 * import { replayConnector } from "@tickwire/tickwire/connectors/replay";
 *
 * const res = await fetch("https://example.com/captures/2026-01-05.twr.gz");
 * await using feed = await createFeed({ source: replayConnector, stream: res.body!, name: "2026-01-05.twr.gz", speed: 10 });
 * ```
 */
export function createReplayConnector(
  options: ReplayOptionsInput,
  ctx: ConnectorContext,
): ReplayConnector {
  return new ReplayConnector(parseReplayOptions(options), ctx);
}

/**
 * The replay connector's definition, as the registry knows it (`DATA_SOURCE=replay`).
 *
 * @example Picking the capture from the environment
 * ```ts ignore
 * import { createFeedFromEnv } from "@tickwire/tickwire";
 * // DATA_SOURCE=replay REPLAY_FILE=s.twr REPLAY_SPEED=max
 * await using feed = await createFeedFromEnv();
 * ```
 */
export const replayConnector: ConnectorDefinition<ReplayOptions, ReplayOptionsInput> = {
  name: "replay",
  optionKeys: REPLAY_OPTION_KEYS,
  capabilities: CHANNELS,
  env: REPLAY_ENV,
  parseOptions: parseReplayOptions,
  create: (options, ctx) => new ReplayConnector(options, ctx),
  // A replay filtered by symbol replays every channel of those symbols.
  defaultChannels: (): readonly Channel[] => CHANNELS,
  // At "max" the replay pauses for a slow consumer instead of losing events.
  preferredOverflow: (options: ReplayOptions): OverflowPolicy | undefined =>
    options.speed === "max" ? "block" : undefined,
};
