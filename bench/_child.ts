/**
 * Entry point of one benchmark section in a process of its own:
 * `<runtime> bench/_child.ts SECTION [OPTIONS_JSON]`. Prints progress on stderr
 * and the result as one line `@@result <json>` on stdout, read by `main.ts`.
 * A fresh process per section keeps one section's JIT state, heap and garbage
 * out of the next one's figures.
 *
 * @module
 */

import { RESULT_MARK } from "./_proc.ts";

async function run(section: string, options: Record<string, unknown>): Promise<unknown> {
  switch (section) {
    case "decode":
      return (await import("./decode.ts")).runDecode(options);
    case "latency":
      return (await import("./latency.ts")).runLatency(options);
    case "dispatcher":
      return (await import("./dispatcher.ts")).runDispatcher(options);
    case "memory":
      return (await import("./memory.ts")).runMemory(options.events as number | undefined);
    case "e2e":
      return (await import("./e2e.ts")).runE2e(options);
    case "serve":
      return (await import("./serve.ts")).runServe(options);
    case "replay":
      return (await import("./replay.ts")).runReplay(options);
    case "record":
      return (await import("./record.ts")).runRecord(options);
    case "record-play":
      return (await import("./record.ts")).recordOnce(options);
    case "subscriber":
      return (await import("./subscriber.ts")).runSubscriber(options);
    case "nats":
      return (await import("./nats.ts")).runNats(options);
    case "replay-play":
      return (await import("./replay.ts")).playOnce(options);
    default:
      throw new Error(`bench: unknown section ${JSON.stringify(section)}`);
  }
}

const [section, json] = process.argv.slice(2);
if (section !== undefined) {
  try {
    const result = await run(section, json === undefined ? {} : JSON.parse(json));
    process.stdout.write(`${RESULT_MARK}${JSON.stringify(result)}\n`);
  } catch (e) {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exitCode = 1;
  }
}
