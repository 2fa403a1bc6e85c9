/**
 * The latest quote and book per symbol in a JetStream KV bucket, so a late
 * joiner reads the current state at once. Writes are conflated: the newest
 * value of each key is written at most once per interval, off the publish path.
 * Values are always protobuf (`tickwire.v1`), whatever the stream's encoding.
 *
 * @module
 */

import type { NatsConnection } from "@nats-io/transport-node";
import type { KV } from "@nats-io/kv";
import { escapeToken } from "./subjects.ts";

/** The default bucket. */
export const DEFAULT_KV_BUCKET = "tickwire-latest";

/**
 * The KV key of a symbol's latest event of one type.
 * @param source Connector name. @param type `quote` or `book`. @param symbol The symbol.
 * @returns `<source>.<type>.<SYMBOL>`, each part escaped like a subject token.
 */
export function latestKey(source: string, type: "quote" | "book", symbol: string): string {
  return `${escapeToken(source)}.${type}.${escapeToken(symbol)}`;
}

/** Keeps the bucket current. */
export class LatestWriter {
  readonly #kv: KV;
  readonly #dirty = new Map<string, Uint8Array>();
  readonly #timer: ReturnType<typeof setInterval>;
  #flushing: Promise<void> = Promise.resolve();
  /** Values written. */
  writes = 0;
  /** Writes that failed (the next value of the key is written again). */
  failures = 0;

  private constructor(kv: KV, intervalMs: number) {
    this.#kv = kv;
    this.#timer = setInterval(() => void this.flush(), intervalMs);
  }

  /**
   * Opens (or creates) the bucket.
   * @param nc Connection. @param bucket Name. @param replicas Replicas of a new bucket.
   * @param intervalMs Longest delay before a value is written.
   * @returns The writer.
   */
  static async open(
    nc: NatsConnection,
    bucket: string,
    replicas: number,
    intervalMs: number,
  ): Promise<LatestWriter> {
    const { Kvm } = await import("@nats-io/kv");
    const kv = await new Kvm(nc).create(bucket, { history: 1, replicas });
    return new LatestWriter(kv, intervalMs);
  }

  /** @param key From {@link latestKey}. @param value Encoded event (protobuf). */
  set(key: string, value: Uint8Array): void {
    this.#dirty.set(key, value);
  }

  /** Writes every value set since the last flush. @returns When they are written. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(async () => {
      if (this.#dirty.size === 0) return;
      const batch = [...this.#dirty];
      this.#dirty.clear();
      await Promise.all(batch.map(async ([k, v]) => {
        try {
          await this.#kv.put(k, v);
          this.writes++;
        } catch {
          this.failures++;
          if (!this.#dirty.has(k)) this.#dirty.set(k, v);
        }
      }));
    });
    return this.#flushing;
  }

  /** Stops the timer after a last flush. @returns When done. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }
}
