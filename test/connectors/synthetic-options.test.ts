import { describe, expect, it } from "vitest";
import { ConfigError, isConfigError } from "../../src/errors.ts";
import { CHANNELS } from "../../src/events.ts";
import { silentLogger } from "../../src/log.ts";
import { systemClock } from "../../src/clock.ts";
import {
  createSyntheticConnector,
  parseSyntheticOptions,
  syntheticConnector,
} from "../../connectors/synthetic/mod.ts";
import { createRecordingSink } from "../conformance/mod.ts";

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (isConfigError(e)) return e;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

function envSpec(name: string) {
  const spec = syntheticConnector.env.find((s) => s.name === name);
  if (spec?.parse === undefined) throw new Error(`no parser for ${name}`);
  return spec.parse;
}

describe("synthetic connector: options", () => {
  it("fills in the defaults", () => {
    const o = parseSyntheticOptions(undefined);
    expect(o).toMatchObject({
      symbols: ["AOT", "PTT", "KBANK", "CPALL", "SCB"],
      seed: 1,
      rate: 10,
      channels: CHANNELS,
      startTs: Date.UTC(2026, 0, 5, 3, 0, 0),
      phases: [],
      stallMs: 5_000,
      malformedRate: 0,
    });
    expect(o.disconnectEvery ?? o.stallAfter ?? o.limit).toBeUndefined();
    expect(syntheticConnector.defaultSymbols!(o)).toEqual(o.symbols);
  });

  it("upper-cases and de-duplicates symbols and sorts phases", () => {
    const o = parseSyntheticOptions({
      symbols: ["ptt", "PTT", "aot"],
      rate: "max",
      phases: [{ at: 500, phase: "atc" }, { at: 0, phase: "ato" }],
    });
    expect(o.symbols).toEqual(["PTT", "AOT"]);
    expect(o.rate).toBe("max");
    expect(o.phases.map((p) => p.at)).toEqual([0, 500]);
  });

  it("lists every bad option in one ConfigError, by key, with the value quoted", () => {
    const err = configError(() =>
      parseSyntheticOptions({
        symbols: ["AOT", ""],
        seed: 1.5,
        rate: "fast",
        channels: ["quote", "depth"],
        malformedRate: 2,
        disconnectEvery: 0,
        stallMs: -1,
        phases: [{ at: -1, phase: "lunch" }],
        colour: "blue",
      })
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message.startsWith("[synthetic] ")).toBe(true);
    expect(err.issues.map((i) => i.key).sort()).toEqual([
      "symbols.1",
      "seed",
      "rate",
      "channels.1",
      "disconnectEvery",
      "stallMs",
      "malformedRate",
      "phases.0.at",
      "phases.0.phase",
      "colour",
    ].sort());
    const byKey = Object.fromEntries(err.issues.map((i) => [i.key, i.message]));
    expect(byKey.rate).toContain('"fast"');
    expect(byKey.seed).toContain('"1.5"');
    expect(byKey["channels.1"]).toContain('"depth"');
    expect(byKey.malformedRate).toContain('"2"');
    expect(byKey["phases.0.phase"]).toContain('"lunch"');
    expect(byKey.colour).toContain("unknown option");
  });

  it("rejects options that are not an object", () => {
    expect(configError(() => parseSyntheticOptions("fast")).issues).toEqual([
      { key: "options", message: 'expected an options object, got "fast"' },
    ]);
  });

  it("makes createSyntheticConnector throw the same ConfigError", () => {
    const ctx = { sink: createRecordingSink().sink, logger: silentLogger, clock: systemClock };
    const err = configError(() => createSyntheticConnector({ rate: 0, limit: 2.5 }, ctx));
    expect(err.issues.map((i) => i.key)).toEqual(["rate", "limit"]);
  });
});

describe("synthetic connector: environment variables", () => {
  it("declares every SYNTHETIC_ variable with a parser", () => {
    expect(syntheticConnector.env.map((s) => s.name)).toEqual([
      "SYNTHETIC_SEED",
      "SYNTHETIC_SYMBOLS",
      "SYNTHETIC_RATE",
      "SYNTHETIC_CHANNELS",
      "SYNTHETIC_DISCONNECT_EVERY",
      "SYNTHETIC_STALL_AFTER",
      "SYNTHETIC_STALL_MS",
      "SYNTHETIC_MALFORMED_RATE",
    ]);
    for (const spec of syntheticConnector.env) expect(typeof spec.parse).toBe("function");
  });

  it("parses good values into option values", () => {
    expect(envSpec("SYNTHETIC_SEED")("-7")).toBe(-7);
    expect(envSpec("SYNTHETIC_SYMBOLS")(" aot, ptt ,,")).toEqual(["AOT", "PTT"]);
    expect(envSpec("SYNTHETIC_RATE")("MAX")).toBe("max");
    expect(envSpec("SYNTHETIC_RATE")("2.5")).toBe(2.5);
    expect(envSpec("SYNTHETIC_CHANNELS")("Quote,trade")).toEqual(["quote", "trade"]);
    expect(envSpec("SYNTHETIC_DISCONNECT_EVERY")("1000")).toBe(1000);
    expect(envSpec("SYNTHETIC_STALL_AFTER")("5")).toBe(5);
    expect(envSpec("SYNTHETIC_STALL_MS")("0")).toBe(0);
    expect(envSpec("SYNTHETIC_MALFORMED_RATE")("0.25")).toBe(0.25);
  });

  it("rejects bad values with a TypeError saying what was expected", () => {
    const bad: [string, string, string][] = [
      ["SYNTHETIC_SEED", "abc", "integer"],
      ["SYNTHETIC_SEED", "1.5", "integer"],
      ["SYNTHETIC_SYMBOLS", " , ", "symbols"],
      ["SYNTHETIC_SYMBOLS", "AOT,P T T", "symbols"],
      ["SYNTHETIC_RATE", "fast", '"max"'],
      ["SYNTHETIC_RATE", "0", '"max"'],
      ["SYNTHETIC_RATE", "0x10", '"max"'],
      ["SYNTHETIC_CHANNELS", "quote,depth", "channels"],
      ["SYNTHETIC_DISCONNECT_EVERY", "2.5", "positive integer"],
      ["SYNTHETIC_STALL_AFTER", "", "positive integer"],
      ["SYNTHETIC_STALL_MS", "-1", "ms"],
      ["SYNTHETIC_MALFORMED_RATE", "1.5", "0 to 1"],
    ];
    for (const [name, raw, words] of bad) {
      const parse = envSpec(name);
      expect(() => parse(raw), `${name}=${raw}`).toThrow(TypeError);
      expect(() => parse(raw), `${name}=${raw}`).toThrow(words);
    }
  });
});
