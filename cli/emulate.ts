/**
 * `tickwire emulate`: runs the Settrade emulator on 127.0.0.1 and hands the
 * environment that points the Settrade connector at it to other shells: printed
 * on stdout, written atomically to `--write-env` once the emulator is ready, or,
 * with `--detach`, printed by a parent that returns as soon as the emulator (now
 * in the background) is ready: `eval "$(tickwire emulate --print-env --detach)"`.
 * The emulator module is imported on demand.
 *
 * @module
 */

import { readFile } from "node:fs/promises";
import type {
  SettradeEmulator,
  SettradeEmulatorOptions,
} from "../connectors/settrade/emulator/mod.ts";
import { intFlag, listFlag, numberFlag, type ParsedArgs, UsageError } from "./args.ts";
import { type CommandSpec, parseCommandArgs } from "./command.ts";
import { detachEmulator, removeEnvFile, writeEnvFile } from "./_emulate-detach.ts";
import { type CliIo, onInterrupt } from "./_runtime.ts";

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
 * The export lines of an emulator's environment.
 * @param env Variables and values.
 * @returns `export NAME=value` lines, values quoted for a POSIX shell.
 */
export function exportLines(env: Readonly<Record<string, string>>): string {
  return Object.entries(env).map(([k, v]) => `export ${k}=${shellQuote(v)}\n`).join("");
}

/**
 * Runs the command with the given output and stop signal (for tests and embedding).
 * @param argv Arguments after `emulate`.
 * @param io Output writers and the stop promise.
 * @returns The exit code.
 */
export async function runEmulate(argv: readonly string[], io: EmulateIo): Promise<number> {
  return await serve(parseCommandArgs(EMULATE_COMMAND, argv), io);
}

async function serve({ flags, positionals }: ParsedArgs, io: EmulateIo): Promise<number> {
  if (positionals.length > 0) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  }
  const envFile = typeof flags["write-env"] === "string" ? flags["write-env"] : undefined;
  if (envFile === "") throw new UsageError("--write-env needs a path, e.g. --write-env emu.env");
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
  let wrote = false;
  try {
    stopFaults = periodicFaults(emulator, flags);
    const lines = exportLines(emulator.env());
    await io.err(
      `# Settrade emulator on ${emulator.url} (MQTT ${emulator.mqttUrl}); Ctrl-C stops it.\n` +
        "# SETTRADE_APP_SECRET is the emulator's own throwaway key.\n",
    );
    if (envFile !== undefined) {
      // Written whole under a temporary name, then renamed: a reader never sees half.
      await writeEnvFile(envFile, lines);
      wrote = true;
      await io.err(`# environment written to ${envFile}\n`);
    }
    if (envFile === undefined || flags["print-env"] === true) await io.out(lines);
    const reason = await io.stopped;
    await io.err(`# stopping (${reason})\n`);
  } finally {
    stopFaults();
    await emulator.stop();
    if (wrote && envFile !== undefined) await removeEnvFile(envFile);
  }
  return 0;
}

/**
 * Runs the command until SIGINT or SIGTERM, or, with `--detach`, starts it in
 * the background and returns once it is ready.
 * @param args Parsed arguments.
 * @param io Streams and environment.
 * @returns The exit code.
 */
async function run(args: ParsedArgs, io: CliIo): Promise<number> {
  if (args.flags.detach === true) {
    const { pid, env } = await detachEmulator(args, io.env);
    await io.err.write(
      `# Settrade emulator running in the background (pid ${pid}); stop it with:\n` +
        `#   kill "$TICKWIRE_EMULATOR_PID"\n`,
    );
    const envFile = args.flags["write-env"];
    if (typeof envFile !== "string" || args.flags["print-env"] === true) {
      await io.out.write(`${exportLines(env)}export TICKWIRE_EMULATOR_PID=${pid}\n`);
    }
    return 0;
  }
  let remove = (): void => {};
  const stopped = new Promise<string>((resolve) => {
    remove = onInterrupt(resolve);
  });
  try {
    return await serve(args, {
      out: (t) => io.out.write(t),
      err: (t) => io.err.write(t),
      stopped,
    });
  } finally {
    remove();
  }
}

/** `tickwire emulate`. */
export const EMULATE_COMMAND: CommandSpec = {
  usage: "emulate [options]",
  description: `Runs a local Settrade Open API emulator on 127.0.0.1 (REST, dispatcher, MQTT
over WebSocket, synthetic market data) until Ctrl-C, and hands the environment
that points the Settrade connector at it (DATA_SOURCE=settrade, SETTRADE_*) to
other shells, without a race:

  # in the background; returns once the emulator is ready
  eval "$(tickwire emulate --print-env --detach)"
  # in the foreground; emu.env appears, complete, once it is ready
  tickwire emulate --write-env emu.env

Without --write-env the export lines go to stdout, the notes to stderr. The
printed SETTRADE_APP_SECRET is the emulator's own throwaway key, generated at
start: it grants nothing anywhere else.`,
  flags: {
    // Not --env-file: Node takes --env-file anywhere on its command line, even
    // after the script (Node 20 and 22), and exits when the file does not exist.
    "write-env": {
      type: "string",
      value: "PATH",
      help: "write the export lines to PATH (atomically, once ready; removed at exit)",
    },
    "print-env": {
      type: "boolean",
      help: "print the export lines on stdout (also with --write-env)",
    },
    detach: {
      type: "boolean",
      help: "run in the background; print the environment and TICKWIRE_EMULATOR_PID once ready",
    },
    port: { type: "string", value: "N", help: "port (default: a free one)" },
    host: {
      type: "string",
      value: "ADDR",
      help: "loopback address to listen on (default 127.0.0.1)",
    },
    seed: { type: "string", value: "N", help: "seed of the synthetic market (default 1)" },
    rate: {
      type: "string",
      value: "R",
      help: "up to R payloads per second per subscribed symbol (default 10)",
    },
    symbols: {
      type: "string",
      value: "A,B",
      help: "known symbols (default AOT,PTT,KBANK,CPALL,SCB)",
    },
    markets: {
      type: "string",
      value: "M,N",
      help: "known markets among SET,mai,TFEX (default all)",
    },
    "token-ttl": {
      type: "string",
      value: "S",
      help: "access-token lifetime in seconds (default 3600)",
    },
    "app-id": { type: "string", value: "ID", help: "app id to accept (default tickwire-emulator)" },
    "broker-id": { type: "string", value: "ID", help: "broker id (default 098)" },
    "app-code": { type: "string", value: "CODE", help: "app code (default ALGO)" },
    "tls-key": {
      type: "string",
      value: "FILE",
      help: "TLS key (PEM): serve https/wss (with --tls-cert)",
    },
    "tls-cert": { type: "string", value: "FILE", help: "TLS certificate (PEM)" },
    "drop-every": {
      type: "string",
      value: "S",
      help: "drop every MQTT connection every S seconds",
    },
    "stall-every": { type: "string", value: "S", help: "stall publishing every S seconds ..." },
    "stall-ms": { type: "string", value: "MS", help: "... for MS milliseconds (default 5000)" },
    "malformed-rate": {
      type: "string",
      value: "F",
      help: "send a fraction F (0..1) of payloads malformed",
    },
    "refuse-logins": { type: "boolean", help: "refuse every login (401)" },
  },
  notes: `Faults can also be injected while it runs, over HTTP on the same port:
  POST /_emulator/drop            POST /_emulator/expire-tokens?after=S
  POST /_emulator/stall?ms=N      POST /_emulator/malformed?count=N (or ?rate=F)
  POST /_emulator/refuse-logins?on=true
  POST /_emulator/revoke-dispatcher-tokens
  GET  /_emulator/stats`,
  run,
};
