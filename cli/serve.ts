/**
 * `tickwire serve`: health, metrics, a latest-event cache, WebSocket fan-out
 * and a live page for one source, until SIGTERM or SIGINT.
 *
 * @module
 */

import { type Channel, startFeed } from "../mod.ts";
import {
  intFlag,
  listFlag,
  numberFlag,
  type ParsedArgs,
  portFlag,
  SOURCE_FLAGS,
  UsageError,
} from "./args.ts";
import { type CommandSpec, resolveSourceConfig } from "./command.ts";
import { type CliIo, onInterrupt } from "./_runtime.ts";

/** Channels the page shows, subscribed by default where the source serves them. */
const DEFAULT_CHANNELS: readonly Channel[] = ["quote", "book", "trade", "info"];
/** The process must be gone this long after a signal. */
const EXIT_WITHIN_MS = 5_000;

async function run({ flags, positionals }: ParsedArgs, io: CliIo): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const port = portFlag(flags.port);
  const clientRate = numberFlag(flags, "client-rate");
  const maxClientRate = numberFlag(flags, "max-client-rate");
  const maxClients = intFlag(flags, "max-clients");
  const origins = listFlag(flags, "allow-origin");
  const token = io.env.TICKWIRE_SERVE_TOKEN;

  const resolved = await resolveSourceConfig(io, flags, { buffer: false });
  const logger = resolved.logger;
  let config = resolved.config;
  if (config.core.channels === undefined) {
    const served = config.definition.capabilities;
    const channels = DEFAULT_CHANNELS.filter((c) => served.includes(c));
    config = { ...config, core: { ...config.core, channels } };
  }
  // The service module (hono and the runtime's server) loads only for this command.
  const { serveFeed } = await import("../serve/mod.ts");
  const feed = await startFeed(config);
  let server;
  try {
    server = await serveFeed(feed, {
      logger,
      ...(typeof flags.host === "string" ? { host: flags.host } : {}),
      ...(port === undefined ? {} : { port }),
      ...(token === undefined || token === "" ? {} : { token }),
      ...(origins === undefined ? {} : { allowedOrigins: origins }),
      ...(clientRate === undefined ? {} : { defaultRate: clientRate }),
      ...(maxClientRate === undefined ? {} : { maxRate: maxClientRate }),
      ...(maxClients === undefined ? {} : { maxClients }),
      ...(flags["no-conflation"] === true ? { conflate: false } : {}),
    });
  } catch (e) {
    await feed.close();
    throw e;
  }
  // Listen for signals before announcing the URL: whoever reads the line may
  // signal at once.
  const interrupted = new Promise<string>((resolve) => {
    const off = onInterrupt((s) => {
      off();
      resolve(s);
    });
  });
  await io.out.write(`tickwire serve: ${feed.source} on ${server.url} (${server.runtime})\n`);
  const signal = await interrupted;
  logger.info(`[serve] ${signal}: closing clients, then the feed`);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), EXIT_WITHIN_MS - 500);
  });
  const done = await Promise.race([
    (async () => {
      await server.close();
      await feed.close();
      return "done" as const;
    })(),
    deadline,
  ]);
  clearTimeout(timer);
  if (done === "late") {
    logger.error(`[serve] shutdown took longer than ${EXIT_WITHIN_MS - 500} ms; exiting anyway`);
    return 1;
  }
  await io.out.write(`tickwire serve: stopped (${signal})\n`);
  return 0;
}

/** `tickwire serve`. */
export const SERVE_COMMAND: CommandSpec = {
  usage: "serve [options]",
  description: `Serves a source over HTTP and WebSocket until SIGTERM or SIGINT:
  GET /            live page (table, 10-level book, health line)
  GET /health      feed health as JSON (200 serving, 503 not)
  GET /livez       200 while the process runs
  GET /metrics     Prometheus text format
  GET /latest/SYM  last quote, book, trade and info of a symbol
  GET /latest?symbols=A,B  the same for several symbols
  GET /ws          WebSocket ({"op":"subscribe","symbols":["PTT"]}, see README)`,
  flags: {
    ...SOURCE_FLAGS,
    channels: {
      type: "string",
      value: "C,D",
      help: "channels the feed subscribes (default: quote,book,trade,info where served)",
    },
    host: {
      type: "string",
      value: "H",
      help: "address to bind (default 127.0.0.1; any other needs TICKWIRE_SERVE_TOKEN)",
    },
    port: { type: "string", value: "P", help: "port (default 8080; 0 picks a free one)" },
    "allow-origin": {
      type: "string",
      value: "O,O",
      help: 'origins allowed to open a WebSocket ("*" for any)',
    },
    "client-rate": {
      type: "string",
      value: "N",
      help: "updates per second per channel and symbol a client gets (default 10)",
    },
    "max-client-rate": {
      type: "string",
      value: "N",
      help: "most a client may ask for (default 100)",
    },
    "max-clients": { type: "string", value: "N", help: "most WebSocket clients (default 1000)" },
    "no-conflation": {
      type: "boolean",
      help: "send every event in order (bounded queue per client)",
    },
  },
  notes: `Environment: TICKWIRE_SERVE_TOKEN (bearer token; required with a non-loopback
--host), TICKWIRE_LOG_LEVEL and TICKWIRE_LOG_FORMAT (logs go to stderr), and the
source's own variables.

Examples:
  tickwire serve --port 8080 --symbols PTT,AOT
  TICKWIRE_SERVE_TOKEN=s3cret tickwire serve --host 0.0.0.0 \\
    --allow-origin https://desk.example`,
  run,
};
