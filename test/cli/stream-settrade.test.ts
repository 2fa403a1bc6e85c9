import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { validateEvent } from "../../src/schemas.ts";
import { memoryIo } from "../_helpers/memory-io.ts";
import { emulatorPerTest } from "../settrade/_emulator-per-test.ts";

const emulators = emulatorPerTest({ rate: 50 });

/** Runs `tickwire stream --format ndjson` against a fresh emulator; the events printed. */
async function streamEmulator(
  seed: number,
  symbols: string,
  channels: string,
  limit: number,
): Promise<{ events: Record<string, unknown>[]; io: ReturnType<typeof memoryIo> }> {
  const emu = await emulators.start({ seed });
  const io = memoryIo(emu.env());
  const argv = ["stream", "--format", "ndjson", "--symbols", symbols, "--channels", channels];
  expect(await main([...argv, "--limit", String(limit)], io)).toBe(0);
  return { events: io.stdout().trim().split("\n").map((l) => JSON.parse(l)), io };
}

describe("tickwire stream with DATA_SOURCE=settrade", () => {
  it("streams every Settrade channel from the emulator with only its environment", async () => {
    const { events, io } = await streamEmulator(3, "PTT,AOT", "quote,book,info,bar", 120);
    expect(events).toHaveLength(120);
    for (const ev of events) expect(validateEvent(ev)).toEqual([]);
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(["quote", "book", "info", "bar"]));
    expect(new Set(events.map((e) => e.symbol))).toEqual(new Set(["PTT", "AOT"]));
    expect(events.every((e) => e.source === "settrade")).toBe(true);
    expect(io.stderr()).toBe("");
    expect(io.stdout()).not.toContain(emulators.current!.env().SETTRADE_APP_SECRET);
  });

  it("streams market status for SET and TFEX", async () => {
    const { events } = await streamEmulator(4, "SET,TFEX", "market", 6);
    expect(new Set(events.map((e) => e.symbol))).toEqual(new Set(["SET", "TFEX"]));
    expect(events.every((e) => e.type === "market")).toBe(true);
  });

  it("exits 2 naming every missing Settrade variable, without quoting the secret", async () => {
    const io = memoryIo({ DATA_SOURCE: "settrade", SETTRADE_APP_SECRET: "not-base64-!!" });
    expect(await main(["stream", "--format", "ndjson", "--limit", "1"], io)).toBe(2);
    expect(io.stderr()).toMatch(/appId|SETTRADE_APP_ID/);
    expect(io.stderr()).toMatch(/SETTRADE_APP_SECRET/);
    expect(io.stderr()).not.toContain("not-base64-!!");
  });
});
