import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { validateEvent } from "../../src/schemas.ts";
import { memoryIo } from "../_helpers/memory-io.ts";

function lines(text: string): unknown[] {
  return text.trim().split("\n").map((l) => JSON.parse(l));
}

const strip = (e: Record<string, unknown>): Record<string, unknown> => {
  const { recvTs: _a, recvMono: _b, ...rest } = e;
  return rest;
};

describe("tickwire stream", () => {
  it("prints exactly --limit valid market events as NDJSON", async () => {
    const io = memoryIo();
    const code = await main(
      ["stream", "--format", "ndjson", "--limit", "1000", "--rate", "max"],
      io,
    );
    expect(code).toBe(0);
    const events = lines(io.stdout());
    expect(events).toHaveLength(1000);
    for (const ev of events) expect(validateEvent(ev)).toEqual([]);
    expect(io.stderr()).toBe("");
  });

  it("prints the same events for the same seed, timestamps aside", async () => {
    const run = async () => {
      const io = memoryIo({ SYNTHETIC_SEED: "99" });
      const argv = [
        "stream",
        "--format",
        "ndjson",
        "--limit",
        "300",
        "--rate",
        "max",
        "--channels",
        "quote,book,trade,bar,info",
      ];
      expect(await main(argv, io)).toBe(0);
      return lines(io.stdout()).map((e) => strip(e as Record<string, unknown>));
    };
    const [a, b] = [await run(), await run()];
    expect(a).toEqual(b);
    expect(new Set(a.map((e) => e.type)).size).toBeGreaterThanOrEqual(4);
  });

  it("includes lifecycle events with --status", async () => {
    const io = memoryIo();
    expect(
      await main(["stream", "--format", "ndjson", "--limit", "3", "--status", "--rate", "max"], io),
    ).toBe(0);
    const kinds = lines(io.stdout()).map((e) =>
      (e as { type: string; kind?: string }).kind ?? (e as { type: string }).type
    );
    expect(kinds.slice(0, 2)).toEqual(["connecting", "connected"]);
    expect(kinds.filter((k) => k === "quote")).toHaveLength(3);
  });

  it("renders a top-of-book table with a status line on a terminal", async () => {
    const io = memoryIo({}, true);
    expect(await main(["stream", "--limit", "50", "--rate", "max", "--symbols", "PTT,AOT"], io))
      .toBe(0);
    const text = io.stdout();
    expect(text).toMatch(/synthetic \| connected \| epoch 0/);
    expect(text).toMatch(/SYMBOL\s+BID SIZE\s+BID\s+ASK/);
    expect(text).toMatch(/\nPTT\s/);
    expect(text).toMatch(/\nAOT\s/);
  });

  it("exits 2 with the ConfigError message and no stack for bad configuration", async () => {
    const io = memoryIo({ SYNTHETIC_RATE: "fast", TICKWIRE_CAPACITY: "-5" });
    expect(await main(["stream", "--format", "ndjson", "--limit", "1"], io)).toBe(2);
    expect(io.stderr()).toMatch(/SYNTHETIC_RATE: .*"fast"/);
    expect(io.stderr()).toMatch(/TICKWIRE_CAPACITY/);
    expect(io.stderr()).not.toMatch(/\n\s+at /);
  });

  it("exits 2 for an unknown option, an unknown command or a bad --format", async () => {
    for (
      const argv of [["stream", "--colour"], ["strem"], ["stream", "--format", "xml"], [
        "stream",
        "--limit",
        "0",
      ]]
    ) {
      const io = memoryIo();
      expect(await main(argv, io)).toBe(2);
      expect(io.stderr()).toMatch(/^tickwire: /);
    }
  });

  it("exits 2 for an unknown source and names the known ones", async () => {
    const io = memoryIo({ DATA_SOURCE: "nyse" });
    expect(await main(["stream", "--limit", "1"], io)).toBe(2);
    expect(io.stderr()).toMatch(/unknown source "nyse"; known sources: .*synthetic/);
  });
});
