/**
 * `tickwire serve`: health, metrics, a latest-event cache, WebSocket fan-out
 * and a live page for one source, until SIGTERM or SIGINT.
 *
 * @module
 */

import {
  type Channel,
  type FeedOptions,
  isLogLevel,
  type LogFields,
  type Logger,
  type LogLevel,
  resolveEnvConfig,
  startFeed,
} from "../mod.ts";
import {
  intFlag,
  listFlag,
  numberFlag,
  parseArgs,
  SOURCE_FLAGS,
  sourceOverrides,
  UsageError,
} from "./args.ts";
import { type CliIo, defaultIo, onInterrupt, type Out } from "./_runtime.ts";

/** Help text of the command. */
export const SERVE_HELP: string = `tickwire serve [options]

Serves a source over HTTP and WebSocket until SIGTERM or SIGINT:
  GET /            live page (table, 10-level book, health line)
  GET /health      feed health as JSON (200 serving, 503 not)
  GET /livez       200 while the process runs
  GET /metrics     Prometheus text format
  GET /latest/SYM  last quote, book, trade and info of a symbol (/latest?symbols=A,B)
  GET /ws          WebSocket: {"op":"subscribe","symbols":["PTT"],"channels":["quote"]}

Options:
  --source NAME          connector (default: DATA_SOURCE, else synthetic)
  --symbols A,B          symbols (default: the source's defaults / TICKWIRE_SYMBOLS)
  --channels C,D         channels the feed subscribes (default: quote,book,trade,info
                         where the source serves them)
  --seed N               synthetic: seed
  --rate R               synthetic: events per second per symbol, or "max"
  --host H               address to bind (default 127.0.0.1; any other needs a token)
  --port P               port (default 8080; 0 picks a free one)
  --allow-origin O,O     origins allowed to open a WebSocket ("*" for any)
  --client-rate N        updates per second per channel and symbol a client gets (default 10)
  --max-client-rate N    most a client may ask for (default 100)
  --max-clients N        most WebSocket clients (default 1000)
  --no-conflation        send every event in order (bounded queue per client)
  --help                 this text

Environment: TICKWIRE_SERVE_TOKEN (bearer token; required with a non-loopback --host),
TICKWIRE_LOG_LEVEL (logs go to stderr), and the source's own variables.`;

const FLAGS = {
  ...SOURCE_FLAGS,
  host: "string",
  port: "string",
  "allow-origin": "string",
  "client-rate": "string",
  "max-client-rate": "string",
  "max-clients": "string",
  "no-conflation": "boolean",
  help: "boolean",
} as const;

/** Channels the page shows, subscribed by default where the source serves them. */
const DEFAULT_CHANNELS: readonly Channel[] = ["quote", "book", "trade", "info"];
/** The process must be gone this long after a signal. */
const EXIT_WITHIN_MS = 5_000;

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** A logger writing one line per entry to stderr. */
function stderrLogger(level: LogLevel, err: Out): Logger {
  const write =
    (lvl: Exclude<LogLevel, "silent">) => (message: string, fields?: LogFields): void => {
      if (RANK[lvl] < RANK[level]) return;
      const extra = fields === undefined || Object.keys(fields).length === 0
        ? ""
        : ` ${JSON.stringify(fields)}`;
      void err.write(`[tickwire] ${lvl} ${message}${extra}\n`);
    };
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
}

function portFlag(raw: string | boolean | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== "string" || !Number.isInteger(n) || n < 0 || n > 65_535) {
    throw new UsageError(`--port must be an integer from 0 to 65535, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/**
 * Runs the command.
 * @param argv Arguments after `serve`.
 * @param io Streams and environment. @default the host process
 * @returns The exit code: 0 after a clean shutdown.
 */
export async function serve(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  const { flags } = parseArgs(argv, FLAGS);
  if (flags.help === true) {
    await io.out.write(`${SERVE_HELP}\n`);
    return 0;
  }
  const rawLevel = io.env.TICKWIRE_LOG_LEVEL;
  const logger = stderrLogger(isLogLevel(rawLevel) ? rawLevel : "warn", io.err);
  const port = portFlag(flags.port);
  const clientRate = numberFlag(flags, "client-rate");
  const maxClientRate = numberFlag(flags, "max-client-rate");
  const maxClients = intFlag(flags, "max-clients");
  const origins = listFlag(flags, "allow-origin");
  const token = io.env.TICKWIRE_SERVE_TOKEN;

  const overrides: Record<string, unknown> = { ...sourceOverrides(flags), logger, buffer: false };
  let config = await resolveEnvConfig(io.env, overrides as Partial<FeedOptions>);
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
  await io.out.write(`tickwire serve: ${feed.source} on ${server.url} (${server.runtime})\n`);

  const signal = await new Promise<string>((resolve) => {
    const off = onInterrupt((s) => {
      off();
      resolve(s);
    });
  });
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
