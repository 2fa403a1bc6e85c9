/**
 * The `record`, `replay` and `inspect` commands: in process (through `main` with
 * in-memory streams), and as real processes of the runtime running the test, for
 * the README's record-then-replay and for SIGTERM during a recording.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type CliIo, Out, type WritableLike } from "../../cli/_runtime.ts";
import { main } from "../../cli/main.ts";
import type { FeedEvent, MarketEvent } from "../../src/events.ts";
import { inspectCapture } from "../../connectors/replay/mod.ts";
import { memoryIo } from "../_helpers/memory-io.ts";
import {
  type Child,
  comparable,
  parseLines,
  startChild,
  tempDirAndChildren,
  until,
} from "./_replay-helpers.ts";

const { tmp, children } = tempDirAndChildren();

/** The escape character of terminal control sequences. */
const ESC = String.fromCharCode(27);

const markets = (evs: readonly FeedEvent[]): MarketEvent[] =>
  evs.filter((e): e is MarketEvent => e.type !== "status");

function ttyIo(): CliIo & { stderr(): string } {
  const err: string[] = [];
  const tty: WritableLike = {
    write: (chunk) => (err.push(chunk), true),
    once: () => undefined,
    on: () => undefined,
    isTTY: true,
  };
  const base = memoryIo();
  return { out: base.out, err: new Out(tty), env: {}, stderr: () => err.join("") };
}

describe("tickwire record, replay and inspect", () => {
  const capture = tmp.path("s.twr");
  const events = tmp.path("s.ndjson");

  it("records a source for a duration, raw and NDJSON, with a progress line on a terminal", async () => {
    const io = ttyIo();
    const argv = [
      "record",
      "--source",
      "synthetic",
      "--rate",
      "100",
      "--symbols",
      "PTT,AOT",
      "--channels",
      "quote,trade",
      "--duration",
      "0.8",
      "--out",
      capture,
      "--events",
      events,
    ];
    expect(await main(argv, io)).toBe(0);
    const err = io.stderr();
    const progress = new RegExp(
      `\r${ESC}\\[K\\d[\\d,]* events \\| [\\d.]+ (B|KB|MB) \\| [\\d,]+/s \\| 00:00`,
    );
    expect(err).toMatch(progress);
    expect(err).toMatch(/recorded \d[\d,]* events/);
    expect(err).toContain(`files: ${capture}, ${events}`);
    const summary = await inspectCapture(capture);
    expect(summary).toMatchObject({ closedCleanly: true, symbols: ["AOT", "PTT"], issues: [] });
    expect(summary.header?.meta).toMatchObject({
      recordedBy: "tickwire record",
      symbols: ["PTT", "AOT"],
      channels: ["quote", "trade"],
    });
  });

  it("replays the capture at max as NDJSON: the recorded events, stamped as replayed", async () => {
    const io = memoryIo();
    expect(await main(["replay", capture, "--speed", "max", "--format", "ndjson"], io)).toBe(0);
    const replayed = parseLines(io.stdout()) as MarketEvent[];
    const recorded = markets(parseLines(readFileSync(events, "utf8")));
    expect(replayed.length).toBeGreaterThan(10);
    expect(replayed.map(comparable)).toEqual(recorded.map(comparable));
    expect(replayed.every((e) => e.source === "replay" && e.origin === "synthetic")).toBe(true);
    expect(io.stderr()).toBe("");
    const some = memoryIo();
    expect(await main(["replay", capture, "--speed", "max", "--symbols", "aot", "--status"], some))
      .toBe(0);
    const lines = parseLines(some.stdout());
    expect(lines[0]).toMatchObject({ type: "status", kind: "connecting" });
    expect(new Set(markets(lines).map((e) => e.symbol))).toEqual(new Set(["AOT"]));
  });

  it("inspects a capture: header, counts, time span, symbols, clean close", async () => {
    const io = memoryIo();
    expect(await main(["inspect", capture], io)).toBe(0);
    const text = io.stdout();
    expect(text).toMatch(/^file +.*s\.twr$/m);
    expect(text).toMatch(/^format +raw capture, format version 2$/m);
    expect(text).toMatch(/^source +synthetic$/m);
    expect(text).toMatch(/^records +\d[\d,]* \(payload 0, event \d[\d,]*, status 4, close 1\)$/m);
    expect(text).toMatch(/^time span +\d{4}-\d\d-\d\dT.* to .* \([\d.]+ s\)$/m);
    expect(text).toMatch(/^symbols +AOT, PTT \(2\)$/m);
    expect(text).toMatch(/^closed +cleanly$/m);
    expect(text).toMatch(/^problems +none$/m);
    const json = memoryIo();
    expect(await main(["inspect", events, "--json"], json)).toBe(0);
    expect(JSON.parse(json.stdout())).toMatchObject({ format: "ndjson", issues: [] });
  });

  it("reports a damaged capture from replay --strict and inspect with its place, exiting with 1", async () => {
    const bytes = readFileSync(capture);
    const cut = tmp.path("cut.twr");
    writeFileSync(cut, bytes.subarray(0, bytes.length - 40));
    const io = memoryIo();
    expect(await main(["replay", cut, "--speed", "max", "--format", "ndjson", "--strict"], io))
      .toBe(1);
    expect(parseLines(io.stdout()).length).toBeGreaterThan(10);
    expect(io.stderr()).toMatch(
      /tickwire: \[capture\] ".*cut\.twr": record \d+ at byte \d+ ends inside it/,
    );
    const ins = memoryIo();
    expect(await main(["inspect", cut], ins)).toBe(1);
    expect(ins.stdout()).toMatch(/^closed +no/m);
    expect(ins.stdout()).toMatch(/^problems +1$/m);
    expect(ins.stdout()).toMatch(/ {2}- \[capture\] .*record \d+ at byte \d+ ends inside it/);
    const bad = tmp.path("bad.twr.gz");
    writeFileSync(bad, bytes);
    const gz = memoryIo();
    expect(await main(["inspect", bad], gz)).toBe(1);
    expect(gz.stderr()).toMatch(
      /DecodeError: \[capture\] ".*bad\.twr\.gz" is named \.gz but is not gzip-compressed/,
    );
  });

  it("refuses bad usage with exit code 2 and an existing output without --force", async () => {
    for (
      const argv of [["record"], ["replay"], ["replay", capture, "--speed", "0"], ["inspect"], [
        "replay",
        capture,
        "--on-corrupt",
        "ignore",
      ]]
    ) {
      const io = memoryIo();
      expect(await main(argv, io)).toBe(2);
      expect(io.stderr()).toMatch(/^tickwire: /);
    }
    const io = memoryIo();
    expect(await main(["record", "--out", capture, "--duration", "0.1"], io)).toBe(2);
    // Once, naming the file and the flag that overwrites it.
    expect(io.stderr()).toBe(
      `tickwire: ${JSON.stringify(capture)} exists already; add --force to overwrite it\n`,
    );
    expect((await inspectCapture(capture)).closedCleanly).toBe(true);
  });

  it("lists the commands in its help", async () => {
    const io = memoryIo();
    expect(await main(["--help"], io)).toBe(0);
    expect(io.stdout()).toMatch(/record .*\n.*replay .*\n.*inspect /);
  });

  it("record aborts on a third interrupt, saying so (in process: signals do not queue)", async () => {
    const out = tmp.path("third.twr");
    let exited: number | undefined;
    const io = { ...memoryIo(), exit: (code: number) => void (exited = code) };
    const stderr = (): string => io.stderr();
    const running = main(["record", "--source", "synthetic", "--rate", "max", "--out", out], io);
    await until(() => existsSync(out) && statSync(out).size > 0, "the first flush", 30_000);
    const sigint = process.listeners("SIGINT").at(-1)!;
    // Three at once: the capture cannot have closed in between.
    for (let i = 0; i < 3; i++) sigint("SIGINT");
    await until(() => exited !== undefined, "the abort", 10_000);
    expect(await running).toBe(0);
    expect(exited).toBe(130);
    expect(stderr()).toMatch(
      /SIGINT: stopping[^]*still closing[^]*SIGINT: aborted; .*third\.twr.* has no close record/,
    );
  });
});

const bin = fileURLToPath(new URL("../../cli/bin.ts", import.meta.url));

/** Runs the CLI in the runtime that runs this test. */
function cli(args: readonly string[]): Child {
  return startChild(bin, args, children);
}

/**
 * Sends a signal to a child by its pid, unless it has already gone. Not
 * `child.kill()`: Deno's `child_process` then reports a child that exited 0 on
 * its own as killed by the signal (code null), and these tests read the code.
 */
function signal(child: Child["child"], name: "SIGTERM"): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(child.pid!, name);
  } catch (e) {
    // Reaped, its exit event still queued: it has gone.
    if ((e as { code?: unknown }).code !== "ESRCH") throw e;
  }
}

/**
 * Records the synthetic source to `name` at `rate` and sends SIGTERM once the
 * first block is on disk (or the process has already gone).
 */
async function terminatedAfterFirstFlush(
  name: string,
  rate: string,
): Promise<{ out: string; run: Child }> {
  const out = tmp.path(name);
  const run = cli(["record", "--source", "synthetic", "--rate", rate, "--out", out]);
  const size = (): number => (existsSync(out) ? statSync(out).size : 0);
  await until(() => size() > 0 || run.child.exitCode !== null, "the first flush", 30_000);
  signal(run.child, "SIGTERM");
  return { out, run };
}

describe("tickwire as a process", () => {
  it(
    "records the synthetic source for a duration, then replays it at max as the recorded events",
    async () => {
      const out = tmp.path("p.twr");
      const nd = tmp.path("p.ndjson");
      const rec = await cli([
        "record",
        "--source",
        "synthetic",
        "--duration",
        "1",
        "--out",
        out,
        "--events",
        nd,
      ]).done;
      expect(rec.code, rec.stderr).toBe(0);
      const play = await cli(["replay", out, "--speed", "max", "--format", "ndjson"]).done;
      expect(play.code, play.stderr).toBe(0);
      const replayed = parseLines(play.stdout) as MarketEvent[];
      expect(replayed.length).toBeGreaterThan(0);
      expect(replayed.map(comparable)).toEqual(
        markets(parseLines(readFileSync(nd, "utf8"))).map(comparable),
      );
    },
    60_000,
  );

  it("closes the capture cleanly on SIGTERM", async () => {
    const { out, run } = await terminatedAfterFirstFlush("term.twr.gz", "200");
    const result = await run.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/recorded \d[\d,]* events/);
    const summary = await inspectCapture(out);
    expect(summary).toMatchObject({ closedCleanly: true, issues: [] });
    expect(summary.counts.event).toBeGreaterThan(0);
  }, 60_000);

  it("still writes the close record when a second SIGTERM comes while it closes", async () => {
    const { out, run } = await terminatedAfterFirstFlush("term2.twr.gz", "max");
    await until(
      () => /stopping/.test(run.output().stderr) || run.child.exitCode !== null,
      "the first signal to be handled",
      30_000,
    );
    signal(run.child, "SIGTERM");
    const result = await run.done;
    // Exit 0; or, when the second signal came after the capture was closed and
    // the handlers removed, the default action of SIGTERM (Deno's child_process
    // reports any signalled child that way). The file is complete either way.
    if (result.code !== 0) expect(result.signal).toBe("SIGTERM");
    const summary = await inspectCapture(out);
    expect(summary).toMatchObject({ closedCleanly: true, issues: [] });
  }, 60_000);

  for (const name of ["crashed.twr", "crashed.twr.gz"]) {
    it(
      `replays every complete record of ${name} cut by a crash, exit 0 with one warning; --strict exits 1`,
      async () => {
        const whole = tmp.path(`whole-${name}`);
        const rec = cli([
          "record",
          "--source",
          "synthetic",
          "--rate",
          "2000",
          "--duration",
          "1",
          "--out",
          whole,
        ]);
        expect((await rec.done).code).toBe(0);
        const bytes = readFileSync(whole);
        const cut = tmp.path(name);
        writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
        const summary = await inspectCapture(cut);
        const last = summary.issues.at(-1)!;
        expect(last).toMatchObject({ code: "truncated", tail: true });

        const lenient = await cli(["replay", cut, "--speed", "max", "--format", "ndjson"]).done;
        expect(lenient.code, lenient.stderr).toBe(0);
        expect(markets(parseLines(lenient.stdout))).toHaveLength(summary.counts.event);
        const lines = lenient.stderr.trim().split("\n");
        expect(lines, lenient.stderr).toHaveLength(1);
        expect(lines[0]).toMatch(new RegExp(`cut short at byte ${last.offset}\\b.*--strict`));

        const strict = await cli([
          "replay",
          cut,
          "--speed",
          "max",
          "--format",
          "ndjson",
          "--strict",
        ]).done;
        expect(strict.code).toBe(1);
        expect(strict.stderr).toMatch(/ends inside/);
      },
      60_000,
    );
  }
});
