/**
 * The JetStream stream the publisher writes to: created when missing, checked
 * when present. An existing stream whose settings differ is never changed: the
 * error says what differs.
 *
 * @module
 */

import type { JetStreamManager, StreamConfig } from "@nats-io/jetstream";
import { ConfigError } from "../../src/errors.ts";

/** Settings of the stream, as options. */
export interface StreamSettings {
  /** Stream name. @default "TICKWIRE" */
  readonly stream?: string;
  /** Longest age of a message, ms; 0 keeps them until `maxBytes`. @default 0 */
  readonly maxAgeMs?: number;
  /** Most bytes the stream holds; -1 for no limit. @default -1 */
  readonly maxBytes?: number;
  /** Replicas (1, or 3 in a cluster). @default 1 */
  readonly replicas?: number;
  /** How long a `Nats-Msg-Id` is remembered for deduplication, ms. @default 120_000 */
  readonly duplicateWindowMs?: number;
}

/** The default stream name. */
export const DEFAULT_STREAM = "TICKWIRE";

const MS = 1_000_000; // nanoseconds per millisecond

/**
 * Creates the stream if missing; checks it otherwise.
 * @param jsm The manager. @param s Settings. @param subjects The stream's subjects.
 * @returns Whether it was created.
 * @throws ConfigError naming every setting that differs from an existing stream.
 */
export async function ensureStream(
  jsm: JetStreamManager,
  s: StreamSettings,
  subjects: string[],
): Promise<boolean> {
  const name = s.stream ?? DEFAULT_STREAM;
  const want = {
    subjects,
    storage: "file",
    max_age: (s.maxAgeMs ?? 0) * MS,
    max_bytes: s.maxBytes ?? -1,
    num_replicas: s.replicas ?? 1,
    duplicate_window: (s.duplicateWindowMs ?? 120_000) * MS,
  } as const;
  let have: StreamConfig | undefined;
  try {
    have = (await jsm.streams.info(name)).config;
  } catch (e) {
    if (!/stream not found/i.test((e as Error).message)) throw e;
  }
  if (have === undefined) {
    await jsm.streams.add({ name, ...want } as Partial<StreamConfig> as StreamConfig);
    return true;
  }
  const diffs: string[] = [];
  const missing = subjects.filter((x) => !have.subjects.includes(x));
  if (missing.length > 0) {
    diffs.push(`subjects are ${JSON.stringify(have.subjects)} (needs ${JSON.stringify(missing)})`);
  }
  const check = (key: keyof typeof want, flag: string, unit = 1, u = ""): void => {
    const h = (have as unknown as Record<string, unknown>)[key];
    const w = want[key];
    if (h !== w) {
      const show = (x: unknown): string => typeof x === "number" ? `${x / unit}${u}` : String(x);
      diffs.push(`${key} is ${show(h)}, asked ${show(w)} (${flag})`);
    }
  };
  check("storage", "file storage");
  check("max_age", "--max-age", MS, " ms");
  check("max_bytes", "--max-bytes");
  check("num_replicas", "--replicas");
  check("duplicate_window", "--duplicate-window", MS, " ms");
  if (diffs.length > 0) {
    throw new ConfigError(
      `[nats] stream "${name}" exists with other settings; it is left as it is. Change it with \`nats stream edit ${name}\`, choose other options, or another stream (--stream)`,
      diffs.map((message) => ({ key: name, message })),
    );
  }
  return false;
}
