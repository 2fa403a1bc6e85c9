/**
 * Options and environment variables of the `nats` connector.
 *
 * @module
 */

import * as v from "valibot";
import type { EnvVarSpec } from "../../src/connector.ts";
import { parseOptions } from "../../src/config-issues.ts";
import type { ReconnectPolicy } from "../../src/kit/backoff.ts";
import { isSecret, Secret } from "../../src/secret.ts";
import type { NatsConnectOptions } from "./_connect.ts";

/**
 * Where a consumer starts: `"new"` (events published from now on), `"all"`
 * (everything the stream holds), `"last"` (the last event of each subject: the
 * current state, then live), `{ seq }` (a stream sequence), `{ time }` (epoch ms
 * or an ISO time). After the first connection it always resumes after the last
 * delivered stream sequence.
 */
export type NatsStart = "new" | "all" | "last" | { readonly seq: number } | {
  readonly time: number | string;
};

/** Options of the `nats` connector, as a user writes them. */
export interface NatsOptionsInput extends NatsConnectOptions {
  /** Stream to read (`NATS_STREAM`). @default "TICKWIRE" */
  readonly stream?: string;
  /** First token of the subjects. @default "tickwire" */
  readonly subjectPrefix?: string;
  /** Only events published by this source (`NATS_FROM`). @default any */
  readonly from?: string;
  /** Where to start (`NATS_START`: new, all, last, seq:N, time:ISO). @default "new" */
  readonly start?: NatsStart;
  /**
   * Durable consumer name (`NATS_DURABLE`): the server keeps the position, so a
   * restarted process resumes where the last one stopped. @default an ordered, ephemeral consumer
   */
  readonly durable?: string;
  /**
   * `"connector"`: events are stamped by this connector (`source: "nats"`,
   * its own `seq` and epoch), the published source in `origin`;
   * `"original"`: events are exactly as published. Both keep the receive and
   * exchange times and add `streamSeq`. @default "connector"
   */
  readonly stamps?: "connector" | "original";
  /** Reconnect delays. @default DEFAULT_RECONNECT */
  readonly reconnect?: Partial<ReconnectPolicy>;
}

/** Validated options. */
export interface NatsOptions extends NatsOptionsInput {
  /** Stream to read. */
  readonly stream: string;
  /** Subject prefix. */
  readonly subjectPrefix: string;
  /** Start position. */
  readonly start: NatsStart;
  /** Stamping. */
  readonly stamps: "connector" | "original";
}

const secret = v.union([v.string(), v.custom<Secret>(isSecret)]);
const Schema = v.strictObject({
  servers: v.optional(v.union([v.string(), v.array(v.string())])),
  token: v.optional(secret),
  user: v.optional(v.string()),
  password: v.optional(secret),
  credsFile: v.optional(v.string()),
  caFile: v.optional(v.string()),
  name: v.optional(v.string()),
  stream: v.optional(v.pipe(v.string(), v.regex(/^[^.*> \t]+$/, "not a stream name")), "TICKWIRE"),
  subjectPrefix: v.optional(v.string(), "tickwire"),
  from: v.optional(v.pipe(v.string(), v.minLength(1))),
  start: v.optional(
    v.union([
      v.picklist(["new", "all", "last"]),
      v.strictObject({ seq: v.pipe(v.number(), v.integer(), v.minValue(1)) }),
      v.strictObject({ time: v.union([v.number(), v.pipe(v.string(), v.isoTimestamp())]) }),
    ]),
    "new",
  ),
  durable: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]+$/, "letters, digits, - and _"))),
  stamps: v.optional(v.picklist(["connector", "original"]), "connector"),
  reconnect: v.optional(v.record(v.string(), v.unknown())),
});

/** The option keys. */
export const NATS_OPTION_KEYS: readonly string[] = Object.keys(Schema.entries);

/**
 * Validates options.
 * @param input Options as written. @returns The validated options.
 * @throws ConfigError listing every problem (secrets never quoted).
 */
export function parseNatsOptions(input: NatsOptionsInput): NatsOptions {
  return parseOptions(Schema, input, "nats") as NatsOptions;
}

function parseStart(raw: string): NatsStart {
  if (raw === "new" || raw === "all" || raw === "last") return raw;
  const seq = /^seq:(\d+)$/.exec(raw);
  if (seq) return { seq: Number(seq[1]) };
  const time = /^time:(.+)$/.exec(raw);
  if (time && !Number.isNaN(Date.parse(time[1]!))) return { time: time[1]! };
  throw new TypeError("expected new, all, last, seq:N or time:<ISO time>");
}

/** The variables `createFeedFromEnv` reads for the `nats` connector (NATS's own names). */
export const NATS_ENV: readonly EnvVarSpec[] = [
  {
    name: "NATS_URL",
    option: "servers",
    description: "Server URL(s), comma-separated (default nats://127.0.0.1:4222)",
  },
  { name: "NATS_USER", option: "user", description: "User name (with NATS_PASSWORD)" },
  {
    name: "NATS_PASSWORD",
    option: "password",
    description: "Password (with NATS_USER)",
    secret: true,
    parse: (raw) => new Secret(raw),
  },
  {
    name: "NATS_TOKEN",
    option: "token",
    description: "Authentication token",
    secret: true,
    parse: (raw) => new Secret(raw),
  },
  { name: "NATS_CREDS", option: "credsFile", description: "Credentials file (JWT and NKey seed)" },
  { name: "NATS_CA", option: "caFile", description: "CA certificate file for TLS" },
  { name: "NATS_STREAM", option: "stream", description: "Stream to read (default TICKWIRE)" },
  {
    name: "NATS_FROM",
    option: "from",
    description: "Only events of this published source (default any)",
  },
  {
    name: "NATS_START",
    option: "start",
    description: "Where to start: new (default), all, last, seq:N, time:<ISO time>",
    parse: parseStart,
  },
  {
    name: "NATS_DURABLE",
    option: "durable",
    description: "Durable consumer name (default an ordered consumer)",
  },
  {
    name: "NATS_STAMPS",
    option: "stamps",
    description: "connector (default: source nats, origin the published source) or original",
  },
];
