/** Helpers of the service tests: a served synthetic feed and a WebSocket client that records. */
import { afterEach } from "vitest";
import WebSocket from "ws";
import { createFeed } from "../../mod.ts";
import type { Feed } from "../../src/feed.ts";
import type { FeedOptions } from "../../src/feed-options.ts";
import { silentLogger } from "../../src/log.ts";
import { type FeedServer, serveFeed } from "../../serve/mod.ts";
import type { ServeOptions } from "../../serve/options.ts";
import { waitUntil } from "../conformance/_wait.ts";
import { scriptedConnector } from "../_helpers/scripted-connector.ts";

export { sleep, waitUntil } from "../conformance/_wait.ts";

/** A token long enough for the server's rule. */
export const TOKEN = "test-token-0123456789abcdef";

export interface Served {
  readonly feed: Feed;
  readonly server: FeedServer;
  readonly ws: string;
  close(): Promise<void>;
}

/** Starts a synthetic feed and serves it on 127.0.0.1, a free port. */
export async function served(
  feedOptions: Partial<FeedOptions> = {},
  serveOptions: ServeOptions = {},
): Promise<Served> {
  const feed = await createFeed({
    source: "synthetic",
    symbols: ["PTT", "AOT", "KBANK"],
    channels: ["quote", "book", "trade", "info"],
    rate: 200,
    seed: 7,
    buffer: false,
    logger: silentLogger,
    ...feedOptions,
  } as FeedOptions);
  return serving(feed, serveOptions);
}

/** Starts a feed of the scripted connector (`lastScripted()` drives it) and serves it. */
export async function servedScripted(serveOptions: ServeOptions = {}): Promise<Served> {
  const feed = await createFeed({ source: scriptedConnector, logger: silentLogger, buffer: false });
  return serving(feed, serveOptions);
}

/** Serves `feed` on 127.0.0.1, a free port; closes the feed when that fails. */
async function serving(feed: Feed, serveOptions: ServeOptions): Promise<Served> {
  let server: FeedServer;
  try {
    server = await serveFeed(feed, { port: 0, logger: silentLogger, ...serveOptions });
  } catch (e) {
    await feed.close();
    throw e;
  }
  return {
    feed,
    server,
    ws: `${server.url.replace(/^http/, "ws")}/ws`,
    async close() {
      await server.close();
      await feed.close();
    },
  };
}

/** A message from the server. */
export type Msg = Record<string, any>;

/** A WebSocket client that records every message and its close. */
export class Recorder {
  readonly ws: WebSocket;
  readonly messages: Msg[] = [];
  closeCode: number | undefined;
  closeReason = "";
  error: Error | undefined;
  readonly opened: Promise<void>;

  constructor(url: string, options: WebSocket.ClientOptions & { protocols?: string[] } = {}) {
    const { protocols, ...rest } = options;
    this.ws = new WebSocket(url, protocols, rest);
    this.ws.on("message", (data) => this.messages.push(JSON.parse(String(data))));
    this.ws.on("close", (code, reason) => {
      this.closeCode = code;
      this.closeReason = String(reason);
    });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once("open", () => resolve());
      this.ws.once("error", (e) => {
        this.error = e;
        reject(e);
      });
    });
    this.opened.catch(() => {});
  }

  send(msg: unknown): void {
    this.ws.send(typeof msg === "string" ? msg : JSON.stringify(msg));
  }

  of(type: string): Msg[] {
    return this.messages.filter((m) => m.type === type);
  }

  /** Waits for a message matching `pred`, from index `from` on. */
  async next(pred: (m: Msg) => boolean, what: string, timeoutMs = 12_000): Promise<Msg> {
    let found: Msg | undefined;
    await waitUntil(() => (found = this.messages.find(pred)) !== undefined, timeoutMs, what);
    return found!;
  }

  async closed(timeoutMs = 12_000): Promise<void> {
    await waitUntil(() => this.closeCode !== undefined, timeoutMs, "the socket to close");
  }

  close(): void {
    if (this.closeCode === undefined) this.ws.terminate();
  }
}

/** The served feed and the clients of the running test. */
export interface ServedPerTest {
  /** {@link served}, closed after the test. */
  serve(feedOptions?: Partial<FeedOptions>, serveOptions?: ServeOptions): Promise<Served>;
  /** {@link servedScripted}, closed after the test. */
  serveScripted(serveOptions?: ServeOptions): Promise<Served>;
  /** A {@link Recorder}, closed after the test (before the server). */
  client(url: string, options?: ConstructorParameters<typeof Recorder>[1]): Recorder;
  /** What the running test served last, if it served anything. */
  readonly current: Served | undefined;
}

/**
 * Registers the `afterEach` that closes a test's clients, then what it served.
 * @returns How a test serves a feed and opens clients.
 */
export function servedPerTest(): ServedPerTest {
  const started: Served[] = [];
  const clients: Recorder[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const s of started.splice(0)) await s.close();
  });
  const track = (s: Served): Served => {
    started.push(s);
    return s;
  };
  return {
    async serve(feedOptions = {}, serveOptions = {}): Promise<Served> {
      return track(await served(feedOptions, serveOptions));
    },
    async serveScripted(serveOptions = {}): Promise<Served> {
      return track(await servedScripted(serveOptions));
    },
    client(url, options): Recorder {
      const c = new Recorder(url, options);
      clients.push(c);
      return c;
    },
    get current(): Served | undefined {
      return started.at(-1);
    },
  };
}
