/**
 * `tickwire publish`: a source's normalized events to NATS JetStream, until
 * SIGTERM or SIGINT (or the end of a finite source).
 *
 * @module
 */

import { startFeed } from "../mod.ts";
import { intFlag, type ParsedArgs, portFlag, SOURCE_FLAGS, UsageError } from "./args.ts";
import { type CommandSpec, resolveSourceConfig } from "./command.ts";
import { type CliIo, onInterrupt } from "./_runtime.ts";

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === "" ? undefined : v;
}

async function run({ flags, positionals }: ParsedArgs, io: CliIo): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const encoding = flags.encoding ?? "protobuf";
  if (encoding !== "protobuf" && encoding !== "json") {
    throw new UsageError(`--encoding must be protobuf or json, got ${JSON.stringify(encoding)}`);
  }
  const window = intFlag(flags, "window");
  const replicas = intFlag(flags, "replicas");
  const maxAgeMs = intFlag(flags, "max-age");
  const maxBytes = intFlag(flags, "max-bytes");
  const port = portFlag(flags.port);
  const host = typeof flags.host === "string" ? flags.host : undefined;
  if (host !== undefined && port === undefined) {
    throw new UsageError("--host needs --port (the port of /health and /metrics)");
  }
  const env = io.env;
  const str = (name: string): string | undefined =>
    typeof flags[name] === "string" ? flags[name] as string : undefined;

  const { config, logger } = await resolveSourceConfig(io, flags);
  // The NATS client packages load only for this command.
  const { publishFeed, publisherServeExtra, DEFAULT_NATS_URL, DEFAULT_STREAM } = await import(
    "../connectors/nats/mod.ts"
  );
  const servers = str("server") ?? nonEmpty(env.NATS_URL) ?? DEFAULT_NATS_URL;
  const user = nonEmpty(env.NATS_USER);
  const password = nonEmpty(env.NATS_PASSWORD);
  const token = nonEmpty(env.NATS_TOKEN);
  const credsFile = str("creds") ?? nonEmpty(env.NATS_CREDS);
  const caFile = str("ca") ?? nonEmpty(env.NATS_CA);
  const feed = await startFeed(config);
  let publisher;
  try {
    publisher = await publishFeed(feed, {
      servers,
      logger,
      encoding,
      ...(user === undefined ? {} : { user }),
      ...(password === undefined ? {} : { password }),
      ...(token === undefined ? {} : { token }),
      ...(credsFile === undefined ? {} : { credsFile }),
      ...(caFile === undefined ? {} : { caFile }),
      ...(str("stream") === undefined ? {} : { stream: str("stream")! }),
      ...(window === undefined ? {} : { window }),
      ...(replicas === undefined ? {} : { replicas }),
      ...(maxAgeMs === undefined ? {} : { maxAgeMs }),
      ...(maxBytes === undefined ? {} : { maxBytes }),
      ...(flags["no-kv"] === true ? { kvBucket: false as const } : {}),
    });
  } catch (e) {
    await feed.close();
    throw e;
  }
  let server: { readonly url: string; close(): Promise<void> } | undefined;
  if (port !== undefined) {
    // /health and /metrics of the feed and the publisher (hono loads only then).
    const { serveFeed } = await import("../serve/mod.ts");
    const token = env.TICKWIRE_SERVE_TOKEN;
    try {
      server = await serveFeed(feed, {
        logger,
        port,
        ...(host === undefined ? {} : { host }),
        ...(token === undefined || token === "" ? {} : { token }),
        extra: publisherServeExtra(publisher),
      });
    } catch (e) {
      await feed.close();
      await publisher.close();
      throw e;
    }
  }
  // Listen for signals before announcing: whoever reads the line may signal at once.
  let off: () => void = () => {};
  const interrupted = new Promise<string>((resolve) => {
    off = onInterrupt((s) => resolve(s));
  });
  await io.out.write(
    `tickwire publish: ${feed.source} to ${servers}, stream ${
      str("stream") ?? DEFAULT_STREAM
    }, run ${publisher.runId}${
      server === undefined ? "" : `; /health and /metrics on ${server.url}`
    }\n`,
  );
  const signal = await Promise.race([
    interrupted,
    publisher.done().then(() => "end of the source"),
  ]);
  logger.info(`[nats] ${signal}: closing the feed, then publishing what it holds`);
  await server?.close();
  await feed.close();
  // publisher.close() publishes what the ended feed still holds first.
  await publisher.close();
  off(); // after the close: a second signal meanwhile is absorbed, not fatal
  const h = publisher.health();
  await io.out.write(`tickwire publish: stopped (${signal}) ${JSON.stringify(h)}\n`);
  if (h.buffered > 0) {
    logger.error(
      `[nats] ${h.buffered} events were never published (still queued when the close timed out)`,
    );
  }
  return h.dropped === 0 && h.buffered === 0 && h.acknowledged === h.published ? 0 : 1;
}

/** `tickwire publish`. */
export const PUBLISH_COMMAND: CommandSpec = {
  usage: "publish [options]",
  description: `Publishes a source's normalized events to NATS JetStream, on
tickwire.<source>.<type>.<SYMBOL> (statuses on tickwire.<source>.status), and
keeps the latest quote and book per symbol in the KV bucket tickwire-latest.
Creates the stream if it is missing; never changes one whose settings differ.
Runs until SIGTERM or SIGINT, or the end of a finite source; exits 1 if any
event was dropped or left unacknowledged.`,
  flags: {
    ...SOURCE_FLAGS,
    server: {
      type: "string",
      value: "URL",
      help: "NATS server(s), comma-separated (default $NATS_URL or nats://127.0.0.1:4222)",
    },
    creds: { type: "string", value: "FILE", help: "credentials file (default $NATS_CREDS)" },
    ca: { type: "string", value: "FILE", help: "CA certificate for TLS (default $NATS_CA)" },
    stream: { type: "string", value: "NAME", help: "stream name (default TICKWIRE)" },
    encoding: { type: "string", value: "E", help: "protobuf (default) or json" },
    window: { type: "string", value: "N", help: "most publishes awaiting an ack (default 256)" },
    replicas: { type: "string", value: "N", help: "replicas of a new stream (default 1)" },
    "max-age": {
      type: "string",
      value: "MS",
      help: "age limit of a new stream, ms (default none)",
    },
    "max-bytes": { type: "string", value: "N", help: "size limit of a new stream (default none)" },
    "no-kv": { type: "boolean", help: "do not keep the latest quote and book in KV" },
    port: {
      type: "string",
      value: "P",
      help: "serve /health and /metrics on this port (0: any free one)",
    },
    host: {
      type: "string",
      value: "H",
      help: "address of --port (default 127.0.0.1; any other needs TICKWIRE_SERVE_TOKEN)",
    },
  },
  notes: `Environment: NATS_URL, NATS_USER and NATS_PASSWORD, NATS_TOKEN, NATS_CREDS,
NATS_CA (secrets are never logged), TICKWIRE_SERVE_TOKEN (with --host), the
source's own variables, TICKWIRE_LOG_LEVEL and TICKWIRE_LOG_FORMAT (logs go to
stderr).

Examples:
  tickwire publish --symbols PTT,AOT
  tickwire publish --port 9464      # /health and /metrics (Prometheus)
  NATS_URL=nats://10.0.0.5:4222 DATA_SOURCE=settrade \\
    tickwire publish --replicas 3`,
  run,
};
