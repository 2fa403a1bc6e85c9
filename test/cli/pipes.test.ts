/**
 * The CLI as a Unix tool, as real processes of the runtime running the test:
 * every line reaches a slow reader before the exit, a reader that goes away
 * (`| head`) ends the program quietly with exit 0, and logs go to stderr only.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { inspectCapture } from "../../connectors/replay/mod.ts";
import { cliCommand, collect, exited, spawnCli } from "../_helpers/cli-process.ts";
import { memoryIo } from "../_helpers/memory-io.ts";
import { tempDirAndChildren, until } from "../connectors/_replay-helpers.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const { tmp, children } = tempDirAndChildren("tickwire-pipes-");

const capture = tmp.path("session.twr");
let recorded = 0;
beforeAll(async () => {
  const io = memoryIo();
  const argv = ["record", "--rate", "max", "--duration", "0.4", "--out", capture];
  expect(await main([...argv, "--channels", "quote,book,trade"], io), io.stderr()).toBe(0);
  recorded = (await inspectCapture(capture)).counts.event;
}, 30_000);

const slowReader = fileURLToPath(new URL("../_helpers/slow-reader.mjs", import.meta.url));

/**
 * Runs the CLI into a real pipe (`tickwire ... | slow-reader`): the reader takes
 * 4 KiB every 2 ms, so the pipe stays full and the CLI must wait for it before
 * exiting. Resolves with the CLI's exit code and what the reader counted.
 */
async function throughSlowReader(
  args: readonly string[],
): Promise<{ code: number | null; lines: number; notJson: number; rest: number; stderr: string }> {
  const { program, args: pre } = cliCommand();
  const child = spawn(
    "bash",
    ["-c", '"$@" | node "$SLOW_READER"; exit "${PIPESTATUS[0]}"', "bash", program, ...pre, ...args],
    {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, SLOW_READER: slowReader },
    },
  );
  children.push(child);
  const out = collect(child.stdout);
  const err = collect(child.stderr);
  const { code } = await exited(child);
  return { code, ...JSON.parse(out()), stderr: err() };
}

/** Reads until the first full line, then closes the pipe, as `head -1` does. */
function readOneLineAndClose(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    const onData = (chunk: unknown): void => {
      text += String(chunk);
      const nl = text.indexOf("\n");
      if (nl < 0) return;
      child.stdout!.off("data", onData);
      child.stdout!.destroy();
      resolve(text.slice(0, nl));
    };
    child.stdout!.on("data", onData);
  });
}

describe("tickwire output through a pipe", () => {
  it("prints every stream line to a slow reader before it exits", async () => {
    const r = await throughSlowReader(
      ["stream", "--rate", "max", "--limit", "5000", "--format", "ndjson", "--symbols", "PTT,AOT"],
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r).toMatchObject({ lines: 5000, notJson: 0, rest: 0 });
  }, 60_000);

  it("prints every replayed line to a slow reader before it exits", async () => {
    expect(recorded).toBeGreaterThan(1000);
    const r = await throughSlowReader(["replay", capture, "--speed", "max", "--format", "ndjson"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r).toMatchObject({ lines: recorded, notJson: 0, rest: 0 });
  }, 60_000);

  for (
    const [name, args] of [
      ["stream", ["stream"]],
      ["replay", ["replay", capture, "--speed", "max"]],
    ] as const
  ) {
    it(`ends ${name} quietly with exit 0 when the reader closes the pipe (| head -1)`, async () => {
      const child = spawnCli(args, {}, children);
      const err = collect(child.stderr);
      const first = await readOneLineAndClose(child);
      expect(JSON.parse(first)).toHaveProperty("type");
      const end = exited(child);
      let done = false;
      void end.then(() => (done = true));
      // The next write finds the pipe closed: the default synthetic rate writes every ~50 ms.
      await until(() => done, `${name} to exit after its reader went away`, 15_000);
      expect((await end).code, err()).toBe(0);
      expect(err()).toBe("");
    }, 30_000);
  }

  it("writes logs to stderr only, stdout holding nothing but events", async () => {
    const child = spawnCli(
      ["stream", "--rate", "max", "--limit", "300", "--format", "ndjson"],
      { TICKWIRE_LOG_LEVEL: "debug" },
      children,
    );
    const out = collect(child.stdout);
    const err = collect(child.stderr);
    expect((await exited(child)).code, err()).toBe(0);
    const lines = out().trim().split("\n");
    expect(lines).toHaveLength(300);
    for (const line of lines) expect(JSON.parse(line)).toHaveProperty("source", "synthetic");
    expect(err()).toMatch(/^tickwire (debug|info) \[synthetic\] connect/m);
  }, 30_000);

  it("writes one JSON object per log line with TICKWIRE_LOG_FORMAT=json", async () => {
    const child = spawnCli(
      ["stream", "--rate", "max", "--limit", "100", "--format", "ndjson"],
      { TICKWIRE_LOG_LEVEL: "debug", TICKWIRE_LOG_FORMAT: "json" },
      children,
    );
    const err = collect(child.stderr);
    expect((await exited(child)).code, err()).toBe(0);
    const logs = err().trim().split("\n").map((line) => JSON.parse(line));
    expect(logs.length).toBeGreaterThan(0);
    for (const log of logs) {
      expect(Object.keys(log).slice(0, 4)).toEqual(["time", "level", "message", "source"]);
      expect(new Date(log.time).toISOString()).toBe(log.time);
    }
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: "info",
        message: "connected",
        source: "synthetic",
        epoch: 0,
      }),
    );
  }, 30_000);
});
