/**
 * The private valibot schema of the Settrade options and the checks around it.
 * Messages quote the bad value; the secret is checked apart, so no message can
 * ever quote it.
 *
 * @module
 */

import * as v from "valibot";
import { checkOptions as checkSchema } from "../../src/config-issues.ts";
import type { ConfigIssue } from "../../src/errors.ts";
import { isSecret, Secret } from "../../src/secret.ts";
import type { SettradeSessionOptions } from "./session.ts";
import { decodeAppSecret } from "./auth/signer.ts";
import { calendarProblems } from "./calendar.ts";

/** Whether a broker id names the sandbox (`SANDBOX`, any case). */
export const isSandbox = (brokerId: string): boolean => brokerId.trim().toUpperCase() === "SANDBOX";

/** The URL without trailing slashes. */
export const trimSlash = (url: string): string => url.replace(/\/+$/, "");

function quote(x: unknown): string {
  if (typeof x === "string") return JSON.stringify(x.length > 80 ? `${x.slice(0, 77)}...` : x);
  if (typeof x === "number" || typeof x === "boolean" || x === null) return String(x);
  return Array.isArray(x) ? "an array" : typeof x === "object" ? "an object" : typeof x;
}

type Msg = (issue: v.BaseIssue<unknown>) => string;
const want = (what: string): Msg => (i) =>
  i.input === undefined ? "is required" : `expected ${what}, got ${quote(i.input)}`;

const name = (what: string, pattern: RegExp) =>
  v.pipe(
    v.string(want(what)),
    v.trim(),
    v.regex(pattern, (i) => `expected ${what}, got ${quote(i.input)}`),
  );

const url = v.pipe(
  v.string(want("an http(s) URL")),
  v.check(
    (s) => {
      try {
        const u = new URL(s);
        return (u.protocol === "http:" || u.protocol === "https:") && !u.search && !u.hash;
      } catch {
        return false;
      }
    },
    (i) =>
      `expected an http(s) URL without query or fragment, got ${
        quote(String(i.input).replace(/\/\/[^/?#]*@/, "//[redacted]@"))
      }`,
  ),
  v.check((s) => {
    try {
      const u = new URL(s);
      return u.username === "" && u.password === "";
    } catch {
      return true; // reported by the check above
    }
  }, "must not contain credentials (pass them as options instead)"),
  v.transform(trimSlash),
);

const num = (what: string, ok: (n: number) => boolean) =>
  v.pipe(v.number(want(what)), v.check(ok, (i) => `expected ${what}, got ${quote(i.input)}`));
const nonNeg = (): ReturnType<typeof num> =>
  num("a finite number >= 0", (n) => Number.isFinite(n) && n >= 0);
const attempts = (min: number): ReturnType<typeof num> =>
  num(
    `an integer >= ${min} or Infinity`,
    (n) => n === Infinity || (Number.isInteger(n) && n >= min),
  );
const policy = (initialDelayMs: number, maxAttempts: number, min: number) => ({
  initialDelayMs: v.optional(nonNeg(), initialDelayMs),
  maxDelayMs: v.optional(nonNeg(), 30_000),
  multiplier: v.optional(num("a finite number >= 1", (n) => Number.isFinite(n) && n >= 1), 2),
  jitter: v.optional(num("a number from 0 to 1", (n) => n >= 0 && n <= 1), 0.2),
  maxAttempts: v.optional(attempts(min), maxAttempts),
});

const SESSION_STATE = v.picklist(
  ["open", "intermission", "closed", "halted"],
  want('"open", "intermission", "closed" or "halted"'),
);
const hours = v.object({
  open: v.array(v.string(want('a window like "09:30-12:30"'))),
  intermission: v.optional(v.array(v.string(want('a window like "12:30-14:00"')))),
}, want("an object with open (and intermission) windows"));

const SessionObject = v.pipe(
  v.object({
    holidays: v.optional(v.array(v.string(want("a date like 2025-01-01")))),
    set: v.optional(hours),
    tfex: v.optional(hours),
    markets: v.optional(
      v.record(v.string(), v.picklist(["SET", "TFEX"], want('"SET" or "TFEX"'))),
    ),
    statusCodes: v.optional(
      v.record(v.pipe(v.string(), v.regex(/^\d+$/, "keys must be code numbers")), SESSION_STATE),
    ),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const o = dataset.value;
    const problems = [...calendarProblems(o.set, o.holidays), ...calendarProblems(o.tfex)];
    if (problems.length > 0) addIssue({ message: problems.join("; ") });
  }),
);

const ms = (what: string) => num(what, (n) => n > 0 && n <= 2 ** 31 - 1);
const PollObject = v.object({
  enabled: v.optional(v.boolean(want("true or false")), true),
  intervalMs: v.optional(ms("a number of ms > 0"), 500),
  graceMs: v.optional(nonNeg(), 2_000),
  maxDurationMs: v.optional(
    num("a number of ms > 0, or Infinity", (n) => n === Infinity || (n > 0 && n <= 2 ** 31 - 1)),
    60_000,
  ),
});

/** Checks an option that is `false`/`true` or an object, prefixing the object's issues. */
function either<T>(
  key: string,
  value: unknown,
  flags: readonly boolean[],
  schema: v.GenericSchema<unknown, T>,
  issues: ConfigIssue[],
): T | boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "boolean" && flags.includes(value)) return value;
  if (!isRecord(value)) {
    const what = flags.length === 2 ? "true, false or an object" : "false or an object";
    issues.push({ key, message: `expected ${what}, got ${quote(value)}` });
    return undefined;
  }
  const r = checkSchema(schema, value);
  for (const i of r.issues) {
    issues.push({ key: i.key === "options" ? key : `${key}.${i.key}`, message: i.message });
  }
  return r.output;
}

/**
 * Checks the `session` option (shared with the direct mode).
 * @param value As given. @param issues Where problems go (keys `session...`).
 * @returns The session options, `false`, or `undefined` when absent or invalid.
 */
export function checkSession(
  value: unknown,
  issues: ConfigIssue[],
): SettradeSessionOptions | false | undefined {
  const r = either("session", value, [false], SessionObject, issues);
  return r === true ? undefined : r as SettradeSessionOptions | false | undefined;
}

const Schema = v.object({
  appId: v.pipe(v.string(want("a string")), v.trim(), v.minLength(1, "must not be empty")),
  appSecret: v.optional(v.unknown()), // checked apart, so no message can ever quote it
  // Inferred: broker ids and app codes seen are short alphanumerics (`023`, `ALGO`);
  // both go into URL paths, so anything else is refused.
  appCode: name("letters, digits, '_' or '-'", /^[A-Za-z0-9_-]{1,32}$/),
  brokerId: name('letters or digits (e.g. "023" or "SANDBOX")', /^[A-Za-z0-9]{1,16}$/),
  env: v.optional(v.picklist(["prod", "uat"], want('"prod" or "uat"'))),
  baseUrl: v.optional(url),
  marketUrl: v.optional(url),
  caFile: v.optional(v.pipe(v.string(want("a file path")), v.minLength(1, "must not be empty"))),
  insecureSkipTlsVerify: v.optional(v.boolean(want("true or false")), false),
  reconnect: v.optional(v.object(policy(500, Infinity, 0), want("an object")), {}),
  refreshBeforeMs: v.optional(nonNeg(), 100_000),
  login: v.optional(v.object(policy(1_000, 5, 1), want("an object")), {}),
  requestTimeoutMs: v.optional(num("a number > 0", (n) => n > 0 && n <= 2 ** 31 - 1), 15_000),
  connectTimeoutMs: v.optional(ms("a number of ms > 0"), 30_000),
  poll: v.optional(v.unknown()), // checked apart: true, false or an object
  backfill: v.optional(
    num("an integer from 0 to 1000", (n) => Number.isInteger(n) && n >= 0 && n <= 1_000),
    0,
  ),
  backfillWindowMs: v.optional(nonNeg(), 300_000),
  session: v.optional(v.unknown()), // checked apart: false or an object
}, want("an object")); // also the message of a missing key: "is required"

const KEYS: Record<string, readonly string[]> = {
  "": Object.keys(Schema.entries),
  poll: Object.keys(PollObject.entries),
  session: ["holidays", "set", "tfex", "markets", "statusCodes"],
  reconnect: Object.keys(policy(0, 0, 0)),
  login: Object.keys(policy(0, 0, 0)),
};

/** Every top-level option key of the Settrade mode. */
export const SETTRADE_OPTION_KEYS: readonly string[] = KEYS[""]!;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function unknownKeys(input: Record<string, unknown>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [prefix, keys] of Object.entries(KEYS)) {
    const obj = prefix === "" ? input : input[prefix];
    if (!isRecord(obj)) continue;
    for (const key of Object.keys(obj)) {
      if (!keys.includes(key)) {
        issues.push({ key: prefix ? `${prefix}.${key}` : key, message: "is not an option" });
      }
    }
  }
  return issues;
}

function secretIssue(value: unknown): ConfigIssue | undefined {
  if (value === undefined) return { key: "appSecret", message: "is required" };
  const text = isSecret(value) ? value.reveal() : value;
  if (typeof text !== "string") {
    return { key: "appSecret", message: "expected a string or a Secret" };
  }
  try {
    decodeAppSecret(text).fill(0);
    return undefined;
  } catch {
    return { key: "appSecret", message: "is not valid base64 of a 32-byte P-256 key" };
  }
}

/** A backoff policy with its defaults filled in. */
export interface CheckedPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly multiplier: number;
  readonly jitter: number;
  readonly maxAttempts: number;
}

/** The schema's output: options with defaults, before endpoints are resolved. */
export interface CheckedInput {
  readonly appId: string;
  readonly appCode: string;
  readonly brokerId: string;
  readonly env?: "prod" | "uat";
  readonly baseUrl?: string;
  readonly marketUrl?: string;
  readonly caFile?: string;
  readonly insecureSkipTlsVerify: boolean;
  readonly reconnect: CheckedPolicy;
  readonly refreshBeforeMs: number;
  readonly login: CheckedPolicy;
  readonly requestTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly poll:
    | boolean
    | {
      readonly enabled: boolean;
      readonly intervalMs: number;
      readonly graceMs: number;
      readonly maxDurationMs: number;
    };
  readonly backfill: number;
  readonly backfillWindowMs: number;
  readonly session: false | SettradeSessionOptions;
}

/** Every problem found, and the values when there is none. */
export interface CheckResult {
  readonly issues: ConfigIssue[];
  readonly output: CheckedInput | undefined;
  readonly secret: Secret | undefined;
}

/**
 * Runs every check: unknown keys, the secret, the schema, and the rules across fields.
 * @param input Options as given.
 * @returns The issues (empty when valid), the schema's output and the wrapped secret.
 */
export function checkOptions(input: unknown): CheckResult {
  if (!isRecord(input)) {
    return {
      issues: [{ key: "options", message: "expected an object" }],
      output: undefined,
      secret: undefined,
    };
  }
  const issues: ConfigIssue[] = unknownKeys(input);
  const bad = secretIssue(input.appSecret);
  if (bad) issues.push(bad);
  const result = checkSchema(Schema, input);
  const poll = either("poll", input.poll, [true, false], PollObject, issues) ?? true;
  const session = checkSession(input.session, issues) ?? {};
  if (result.output === undefined) {
    issues.push(...result.issues);
    return { issues, output: undefined, secret: undefined };
  }
  const o: CheckedInput = { ...result.output, poll, session };
  if (isSandbox(o.brokerId) && o.env === "prod") {
    issues.push({ key: "env", message: 'is "prod" but brokerId "SANDBOX" means uat' });
  }
  for (const [key, p] of [["reconnect", o.reconnect], ["login", o.login]] as const) {
    if (p.maxDelayMs < p.initialDelayMs) {
      issues.push({
        key: `${key}.maxDelayMs`,
        message: `must be >= initialDelayMs (${p.initialDelayMs}), got ${p.maxDelayMs}`,
      });
    }
  }
  const value = input.appSecret as string | Secret;
  const secret = bad ? undefined : isSecret(value) ? value : new Secret(value.trim());
  return { issues, output: o, secret };
}
