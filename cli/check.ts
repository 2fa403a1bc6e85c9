/**
 * `tickwire check`: the Settrade readiness check (see
 * `connectors/settrade/check.ts`), with the user's Settrade environment.
 *
 * @module
 */

import {
  type Channel,
  ConfigError,
  consoleLogger,
  type FeedOptions,
  resolveEnvConfig,
} from "../mod.ts";
import { listFlag, numberFlag, type ParsedArgs, UsageError } from "./args.ts";
import type { CommandSpec } from "./command.ts";
import type { CliIo } from "./_runtime.ts";

/** Runs the command: 0 when every step passed, 1 when one failed. */
async function run({ flags, positionals }: ParsedArgs, io: CliIo): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const timeout = numberFlag(flags, "timeout");
  const overrides: Record<string, unknown> = { source: "settrade" };
  const symbols = listFlag(flags, "symbols");
  if (symbols !== undefined) overrides.symbols = symbols;
  const channels = listFlag(flags, "channels");
  if (channels !== undefined) overrides.channels = channels;
  const config = await resolveEnvConfig(
    { ...io.env, DATA_SOURCE: "settrade" },
    overrides as Partial<FeedOptions>,
  );
  const list = config.core.symbols ?? [];
  if (list.length === 0) {
    throw new ConfigError("[settrade] the check needs symbols", [
      { key: "--symbols", message: "give at least one (or set TICKWIRE_SYMBOLS)" },
    ]);
  }
  const { checkSettrade, isBrokerOptions } = await import("../connectors/settrade/mod.ts");
  const options = config.connectorOptions as Parameters<typeof checkSettrade>[0];
  if (isBrokerOptions(options)) {
    throw new UsageError("tickwire check needs Settrade credentials, not a brokerUrl");
  }
  const report = await checkSettrade(options, {
    symbols: list,
    ...(config.core.channels === undefined ? {} : { channels: config.core.channels as Channel[] }),
    ...(timeout === undefined ? {} : { timeoutMs: timeout * 1_000 }),
    logger: consoleLogger("warn"),
  });
  if (flags.json === true) {
    await io.out.write(`${JSON.stringify(report, null, 2)}\n`);
    return report.ok ? 0 : 1;
  }
  const t = report.target;
  const lines = [
    `tickwire check: Settrade at ${t.baseUrl}, broker ${t.brokerId}, app ${t.appCode}`,
  ];
  const width = Math.max(...report.steps.map((s) => s.name.length));
  for (const step of report.steps) {
    lines.push(`  ${step.ok ? "PASS" : "FAIL"}  ${step.name.padEnd(width)}  ${step.detail}`);
  }
  const failed = report.steps.find((s) => !s.ok);
  lines.push(
    failed === undefined ? "ready: every step passed" : `not ready: ${failed.name} failed`,
  );
  await io.out.write(`${lines.join("\n")}\n`);
  return report.ok ? 0 : 1;
}

/** `tickwire check`. */
export const CHECK_COMMAND: CommandSpec = {
  usage: "check [options]",
  description: `Checks that a Settrade setup is ready to trade: logs in, fetches a dispatcher
token, reads the announced rate limits, connects the realtime stream, subscribes
the symbols and waits for each one's first event. Prints PASS or FAIL per step
with the login and first-event times, and exits 0 only when every step passed
(1 when one failed, 2 for bad options or settings). Never prints a secret.`,
  flags: {
    symbols: {
      type: "string",
      value: "A,B",
      help: "symbols to subscribe (default: TICKWIRE_SYMBOLS)",
    },
    channels: {
      type: "string",
      value: "C,D",
      help: "quote, book, bar, info, market (default: quote)",
    },
    timeout: {
      type: "string",
      value: "S",
      help: "longest wait for the first events, seconds (default 10)",
    },
    json: { type: "boolean", help: "print the report as JSON" },
  },
  notes: "Settings come from the SETTRADE_* environment variables (see README: Settrade).",
  run,
};
