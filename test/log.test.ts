import { describe, expect, it } from "vitest";
import { consoleLogger, isLogFormat, type LogSink } from "../src/log.ts";
import { Secret } from "../src/secret.ts";

/** A console stand-in that keeps each call, by method. */
function recordingConsole(): LogSink & { calls: [string, unknown[]][] } {
  const calls: [string, unknown[]][] = [];
  const record = (name: string) => (...args: unknown[]) => void calls.push([name, args]);
  // Methods that write to stdout on Node are present too, so a call to them is seen.
  return Object.assign(
    { calls, warn: record("warn"), error: record("error") },
    { log: record("log"), info: record("info"), debug: record("debug") },
  );
}

describe("consoleLogger", () => {
  it("writes every level through console.warn or console.error, never the stdout methods", () => {
    const sink = recordingConsole();
    const log = consoleLogger({ level: "debug", sink });
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
    expect(sink.calls.map(([method]) => method)).toEqual(["error", "error", "warn", "error"]);
  });

  it("writes nothing below its level", () => {
    const sink = recordingConsole();
    const log = consoleLogger({ level: "warn", sink });
    log.debug("d");
    log.info("i");
    expect(sink.calls).toEqual([]);
    consoleLogger({ level: "silent", sink }).error("e");
    expect(sink.calls).toEqual([]);
  });

  it("still takes a bare level, as before", () => {
    const sink = recordingConsole();
    consoleLogger({ sink }).info("hidden at the default warn level");
    expect(sink.calls).toEqual([]);
    expect(() => consoleLogger("info")).not.toThrow();
  });

  it("writes one text line with the level, the source and the fields", () => {
    const sink = recordingConsole();
    const log = consoleLogger({ level: "info", sink });
    log.info("[settrade] login failed; retrying", { attempt: 2, error: "timed out after 5 s" });
    log.warn("queue filling up");
    expect(sink.calls).toEqual([
      ["error", [
        'tickwire info [settrade] login failed; retrying attempt=2 error="timed out after 5 s"',
      ]],
      ["warn", ["tickwire warn [tickwire] queue filling up"]],
    ]);
  });

  it("writes one JSON object per line: time, level, message, source and snake-case fields", () => {
    const sink = recordingConsole();
    const log = consoleLogger({ level: "debug", format: "json", sink, now: () => 0 });
    log.warn("[synthetic] stale", { lagMs: 31_000, epoch: 2, symbol: "PTT" });
    log.error("listener failed", { error: new Error("boom"), big: 12n });
    const lines = sink.calls.map(([, args]) => args);
    for (const args of lines) {
      expect(args).toHaveLength(1);
      expect(String(args[0])).not.toContain("\n");
    }
    expect(JSON.parse(String(lines[0]![0]))).toEqual({
      time: "1970-01-01T00:00:00.000Z",
      level: "warn",
      message: "stale",
      source: "synthetic",
      lag_ms: 31_000,
      epoch: 2,
      symbol: "PTT",
    });
    expect(JSON.parse(String(lines[1]![0]))).toMatchObject({
      level: "error",
      source: "tickwire",
      error: "boom",
      big: "12",
    });
  });

  it("never writes a secret's value", () => {
    const sink = recordingConsole();
    consoleLogger({ format: "json", sink }).warn("login", { secret: new Secret("s3cr3t") });
    consoleLogger({ sink }).warn("login", { secret: new Secret("s3cr3t") });
    expect(JSON.stringify(sink.calls)).not.toContain("s3cr3t");
  });
});

describe("isLogFormat", () => {
  it("accepts text and json only", () => {
    expect([isLogFormat("text"), isLogFormat("json"), isLogFormat("xml")]).toEqual([
      true,
      true,
      false,
    ]);
  });
});
