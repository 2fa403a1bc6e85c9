/**
 * `tickwire emulate`: runs the Settrade emulator on 127.0.0.1 and prints the
 * environment variables that point the Settrade connector at it. The emulator
 * module is imported on demand.
 *
 * @module
 */

import { readFile } from "node:fs/promises";
import type {
  SettradeEmulator,
  SettradeEmulatorOptions,
} from "../connectors/settrade/emulator/mod.ts";
import { intFlag, listFlag, numberFlag, parseArgs, UsageError } from "./args.ts";
import { type CliIo, defaultIo, onInterrupt } from "./_runtime.ts";

/** Help text of the command. */
export const EMULATE_HELP: string = `tickwire emulate [options]

Runs a local Settrade Open API emulator on 127.0.0.1 (REST, dispatcher, MQTT over
WebSocket, synthetic market data) until Ctrl-C, and prints the environment that
points the Settrade connector at it (copy the export lines into the shell that
runs your program; the notes go to stderr).

The printed SETTRADE_APP_SECRET is the emulator's own throwaway key, generated at
start: it grants nothing anywhere else.

Options:
  --port N             port (default: a free one)
  --host ADDR          loopback address to listen on (default 127.0.0.1)
  --seed N             seed of the synthetic market (default 1)
  --rate R             updates per second per subscribed symbol (default 10)
  --symbols A,B        known symbols (default AOT,PTT,KBANK,CPALL,SCB)
  --markets M,N        known markets among SET,mai,TFEX (default all)
  --token-ttl S        access-token lifetime in seconds (default 3600)
  --app-id ID          app id to accept (default tickwire-emulator)
  --broker-id ID       broker id (default 098)
  --app-code CODE      app code (default ALGO)
  --tls-key FILE       TLS key (PEM): serve https/wss (with --tls-cert)
  --tls-cert FILE      TLS certificate (PEM)
  --drop-every S       drop every MQTT connection every S seconds
  --stall-every S      stall publishing every S seconds ...
  --stall-ms MS        ... for MS milliseconds (default 5000)
  --malformed-rate F   send a fraction F (0..1) of payloads malformed
  --refuse-logins      refuse every login (401)
  --help               this text

Faults can also be injected while it runs, over HTTP on the same port:
  POST /_emulator/drop | /_emulator/expire-tokens?after=S | /_emulator/stall?ms=N
  POST /_emulator/malformed?count=N (or ?rate=F) | /_emulator/refuse-logins?on=true
  POST /_emulator/revoke-dispatcher-tokens | /_emulator/revoke-sessions
  POST /_emulator/outage?ms=N (drop MQTT, refuse upgrades for N ms; REST stays up)
  POST /_emulator/refuse?endpoint=dispatcher&on=true&status=503 (also refresh, quote,
       candlesticks, upgrade) | /_emulator/slow-market?ms=N    GET /_emulator/stats`;

const FLAGS = {
  port: "string",
  host: "string",
  seed: "string",
  rate: "string",
  symbols: "string",
  markets: "string",
  "token-ttl": "string",
  "app-id": "string",
  "broker-id": "string",
  "app-code": "string",
  "tls-key": "string",
  "tls-cert": "string",
  "drop-every": "string",
  "stall-every": "string",
  "stall-ms": "string",
  "malformed-rate": "string",
  "refuse-logins": "boolean",
  help: "boolean",
} as const;

/** Where the command writes, and what stops it. */
export interface EmulateIo {
  /** Writes to standard output. */
  readonly out: (text: string) => Promise<void>;
  /** Writes to standard error. */
  readonly err: (text: string) => Promise<void>;
  /** Resolves (with a reason) when the emulator is to stop. */
  readonly stopped: Promise<string>;
}

/**
 * Quotes a value for a POSIX shell when it needs it.
 * @param value Any text.
 * @returns The text, single-quoted unless it is made of safe characters only.
 */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

async function options(
  flags: Readonly<Record<string, string | boolean>>,
): Promise<SettradeEmulatorOptions> {
  const str = (
    name: string,
  ): string | undefined => (typeof flags[name] === "string" ? flags[name] as string : undefined);
  const port = flags.port === "0" ? 0 : intFlag(flags, "port");
  const seed = str("seed");
  if (seed !== undefined && !Number.isSafeInteger(Number(seed))) {
    throw new UsageError(`--seed must be an integer, got ${JSON.stringify(seed)}`);
  }
  const key = str("tls-key");
  const cert = str("tls-cert");
  if ((key === undefined) !== (cert === undefined)) {
    throw new UsageError("--tls-key and --tls-cert go together");
  }
  return {
    ...(port === undefined ? {} : { port }),
    ...(str("host") === undefined ? {} : { host: str("host") }),
    ...(seed === undefined ? {} : { seed: Number(seed) }),
    ...(flags.rate === undefined ? {} : { rate: numberFlag(flags, "rate") }),
    ...(flags.symbols === undefined ? {} : { symbols: listFlag(flags, "symbols") }),
    ...(flags.markets === undefined ? {} : { markets: listFlag(flags, "markets") }),
    ...(flags["token-ttl"] === undefined
      ? {}
      : { accessTokenTtlSec: numberFlag(flags, "token-ttl") }),
    ...(str("app-id") === undefined ? {} : { appId: str("app-id") }),
    ...(str("broker-id") === undefined ? {} : { brokerId: str("broker-id") }),
    ...(str("app-code") === undefined ? {} : { appCode: str("app-code") }),
    ...(key === undefined || cert === undefined
      ? {}
      : { tls: { key: await readFile(key, "utf8"), cert: await readFile(cert, "utf8") } }),
  };
}

/** Starts the periodic faults asked for; returns a function that stops them. */
function periodicFaults(
  emulator: SettradeEmulator,
  flags: Readonly<Record<string, string | boolean>>,
): () => void {
  const timers: ReturnType<typeof setInterval>[] = [];
  const dropEvery = numberFlag(flags, "drop-every");
  if (dropEvery !== undefined) {
    timers.push(setInterval(() => emulator.dropConnections(), dropEvery * 1_000));
  }
  const stallEvery = numberFlag(flags, "stall-every");
  const stallMs = numberFlag(flags, "stall-ms") ?? 5_000;
  if (stallEvery !== undefined) {
    timers.push(setInterval(() => emulator.stall(stallMs), stallEvery * 1_000));
  }
  const rate = flags["malformed-rate"];
  if (typeof rate === "string") {
    const r = Number(rate);
    if (!(r >= 0 && r <= 1)) {
      throw new UsageError(`--malformed-rate must be from 0 to 1, got ${JSON.stringify(rate)}`);
    }
    emulator.sendMalformed({ rate: r });
  }
  if (flags["refuse-logins"] === true) emulator.refuseLogins(true);
  return () => timers.forEach((t) => clearInterval(t));
}

/**
 * Runs the command with the given output and stop signal (for tests and embedding).
 * @param argv Arguments after `emulate`.
 * @param io Output writers and the stop promise.
 * @returns The exit code.
 */
export async function runEmulate(argv: readonly string[], io: EmulateIo): Promise<number> {
  const { flags, positionals } = parseArgs(argv, FLAGS);
  if (flags.help === true) {
    await io.out(`${EMULATE_HELP}\n`);
    return 0;
  }
  if (positionals.length > 0) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  }
  // Loaded on demand, so other commands never load the broker and WebSocket server.
  const { startSettradeEmulator } = await import("../connectors/settrade/emulator/mod.ts");
  let emulator: SettradeEmulator;
  try {
    emulator = await startSettradeEmulator(await options(flags));
  } catch (e) {
    if (e instanceof TypeError || e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
  let stopFaults = (): void => {};
  try {
    stopFaults = periodicFaults(emulator, flags);
    await io.err(
      `# Settrade emulator on ${emulator.url} (MQTT ${emulator.mqttUrl}); Ctrl-C stops it.\n` +
        "# SETTRADE_APP_SECRET below is the emulator's own throwaway key.\n",
    );
    const lines = Object.entries(emulator.env()).map(([k, v]) => `export ${k}=${shellQuote(v)}\n`);
    await io.out(lines.join(""));
    const reason = await io.stopped;
    await io.err(`# stopping (${reason})\n`);
  } finally {
    stopFaults();
    await emulator.stop();
  }
  return 0;
}

/**
 * Runs the command until SIGINT or SIGTERM.
 * @param argv Arguments after `emulate`.
 * @param io Streams and environment. @default the host process
 * @returns The exit code.
 */
export async function emulate(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  let remove = (): void => {};
  const stopped = new Promise<string>((resolve) => {
    remove = onInterrupt(resolve);
  });
  try {
    return await runEmulate(argv, {
      out: (t) => io.out.write(t),
      err: (t) => io.err.write(t),
      stopped,
    });
  } finally {
    remove();
  }
}
