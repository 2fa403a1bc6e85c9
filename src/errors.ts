/**
 * Named errors that callers catch. Each sets `name`, carries `cause`, and has an
 * `isXError()` guard that checks shape (so it works across module copies and realms).
 *
 * Bad arguments are plain `TypeError` / `RangeError`.
 *
 * @module
 */

/** One problem found while validating configuration. */
export interface ConfigIssue {
  /** Option or environment variable name (`SYNTHETIC_RATE`, `capacity`, ...). */
  readonly key: string;
  /** What is wrong, in sentence case, with the value quoted unless it is a secret. */
  readonly message: string;
}

/**
 * Invalid configuration. Lists every problem at once, never quoting a secret.
 *
 * @example Catching a configuration error
 * ```ts
 * import { ConfigError, isConfigError } from "@tickwire/tickwire";
 * try {
 *   throw new ConfigError("[synthetic] invalid configuration", [{ key: "SYNTHETIC_RATE", message: 'expected a positive number or "max", got "fast"' }]);
 * } catch (e) {
 *   if (isConfigError(e)) console.log(e.issues.length); // 1
 * }
 * ```
 */
export class ConfigError extends Error {
  /** Always `"ConfigError"`; {@link isConfigError} checks it. */
  override readonly name: "ConfigError" = "ConfigError";
  /** Every problem found. */
  readonly issues: readonly ConfigIssue[];

  /**
   * Creates the error; its message is the summary followed by one line per issue.
   *
   * @param summary Sentence naming what was being configured.
   * @param issues Every problem found (may be empty when the summary says it all).
   * @param options Standard error options (`cause`).
   */
  constructor(summary: string, issues: readonly ConfigIssue[] = [], options?: ErrorOptions) {
    super(
      issues.length === 0
        ? summary
        : `${summary}:\n${issues.map((i) => `  - ${i.key}: ${i.message}`).join("\n")}`,
      options,
    );
    this.issues = issues;
  }
}

/**
 * Connecting or staying connected failed (network, broker, protocol).
 *
 * @example
 * ```ts
 * import { ConnectionError } from "@tickwire/tickwire";
 * const err = new ConnectionError("[settrade] dispatcher returned no hosts");
 * console.log(err.name); // "ConnectionError"
 * ```
 */
export class ConnectionError extends Error {
  /** Always `"ConnectionError"`; {@link isConnectionError} checks it. */
  override readonly name: "ConnectionError" = "ConnectionError";
  /**
   * Creates the error.
   * @param message Sentence-case message prefixed with the connector.
   * @param options `cause`.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * Authentication was refused or failed. `code` is the server's error code where it gave one.
 *
 * @example
 * ```ts
 * import { AuthError } from "@tickwire/tickwire";
 * const err = new AuthError('[settrade] login refused: code "E401"', { code: "E401", status: 401 });
 * console.log(err.code, err.status); // E401 401
 * ```
 */
export class AuthError extends Error {
  /** Always `"AuthError"`; {@link isAuthError} checks it. */
  override readonly name: "AuthError" = "AuthError";
  /** Server error code, if any. */
  readonly code: string | undefined;
  /** HTTP status, if any. */
  readonly status: number | undefined;
  /**
   * Creates the error.
   * @param message Sentence-case message prefixed with the connector; never contains a secret.
   * @param options `code`, `status` and `cause`.
   */
  constructor(
    message: string,
    options: { code?: string; status?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.status = options.status;
  }
}

/**
 * A payload or record could not be decoded. `code` classifies the failure
 * (`"truncated"`, `"wire-type"`, `"varint"`, `"overflow"`, `"empty-symbol"`, ...);
 * `offset` is the byte offset where it was detected, where known.
 *
 * @example
 * ```ts
 * import { DecodeError } from "@tickwire/tickwire";
 * const err = new DecodeError("[settrade] truncated varint at byte 7", { code: "truncated", offset: 7 });
 * console.log(err.code); // "truncated"
 * ```
 */
export class DecodeError extends Error {
  /** Always `"DecodeError"`; {@link isDecodeError} checks it. */
  override readonly name: "DecodeError" = "DecodeError";
  /** Machine-readable failure class. */
  readonly code: string;
  /** Byte offset (or line number for text formats) where the failure was detected. */
  readonly offset: number | undefined;
  /** Topic or channel the payload came from, where known. */
  readonly topic: string | undefined;
  /**
   * Creates the error.
   * @param message Sentence-case message prefixed with the source.
   * @param options `code` (default `"malformed"`), `offset`, `topic`, `cause`.
   */
  constructor(
    message: string,
    options: { code?: string; offset?: number; topic?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code ?? "malformed";
    this.offset = options.offset;
    this.topic = options.topic;
  }
}

function hasName(e: unknown, name: string): boolean {
  return typeof e === "object" && e !== null && (e as { name?: unknown }).name === name &&
    typeof (e as { message?: unknown }).message === "string";
}

/**
 * Whether `e` is a {@link ConfigError} (by shape).
 * @param e Anything caught.
 * @returns `true` when `e` has `name === "ConfigError"`, a message and an `issues` array.
 * @example
 * ```ts
 * import { isConfigError } from "@tickwire/tickwire";
 * console.log(isConfigError(new Error("x"))); // false
 * ```
 */
export function isConfigError(e: unknown): e is ConfigError {
  return hasName(e, "ConfigError") && Array.isArray((e as { issues?: unknown }).issues);
}

/**
 * Whether `e` is a {@link ConnectionError} (by shape).
 * @param e Anything caught.
 * @returns `true` when `e` has `name === "ConnectionError"` and a message.
 * @example
 * ```ts
 * import { isConnectionError, ConnectionError } from "@tickwire/tickwire";
 * console.log(isConnectionError(new ConnectionError("x"))); // true
 * ```
 */
export function isConnectionError(e: unknown): e is ConnectionError {
  return hasName(e, "ConnectionError");
}

/**
 * Whether `e` is an {@link AuthError} (by shape).
 * @param e Anything caught.
 * @returns `true` when `e` has `name === "AuthError"` and a message.
 * @example
 * ```ts
 * import { isAuthError, AuthError } from "@tickwire/tickwire";
 * console.log(isAuthError(new AuthError("x"))); // true
 * ```
 */
export function isAuthError(e: unknown): e is AuthError {
  return hasName(e, "AuthError");
}

/**
 * Whether `e` is a {@link DecodeError} (by shape).
 * @param e Anything caught.
 * @returns `true` when `e` has `name === "DecodeError"`, a message and a string `code`.
 * @example
 * ```ts
 * import { isDecodeError, DecodeError } from "@tickwire/tickwire";
 * console.log(isDecodeError(new DecodeError("x"))); // true
 * ```
 */
export function isDecodeError(e: unknown): e is DecodeError {
  return hasName(e, "DecodeError") && typeof (e as { code?: unknown }).code === "string";
}

/**
 * The message of an error, on one line of at most 200 characters, for statuses and logs.
 * @param e Anything thrown.
 * @returns The message.
 * @example
 * ```ts
 * import { reasonOf } from "@tickwire/tickwire";
 * console.log(reasonOf(new Error("socket\nclosed"))); // "socket closed"
 * ```
 */
export function reasonOf(e: unknown): string {
  const text = e instanceof Error ? e.message : typeof e === "string" ? e : String(e);
  const line = text.replace(/\s+/g, " ").trim() || "unknown error";
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
