/**
 * A recording process for the crash-safety test: records the synthetic feed at
 * the maximum rate to the file named by its first argument, prints "recording"
 * once the recorder is open, and runs until it is killed.
 *
 * @module
 */

import { createFeed } from "../../mod.ts";
import { syntheticConnector } from "../../connectors/synthetic/mod.ts";
import { createRecorder } from "../../connectors/replay/mod.ts";

const proc = (globalThis as unknown as {
  process: { argv: string[]; stdout: { write(s: string): boolean } };
}).process;
const out = proc.argv[2];
if (out === undefined) throw new Error("usage: _record-child.ts OUT");
const recorder = await createRecorder({ out, flushBytes: 4096, flushMs: 20, overwrite: true });
await createFeed({
  source: recorder.connector(syntheticConnector),
  symbols: ["PTT", "AOT", "KBANK"],
  channels: ["quote", "book", "trade"],
  rate: "max",
  buffer: false,
  logLevel: "silent",
});
proc.stdout.write("recording\n");
setInterval(() => {}, 1_000);
