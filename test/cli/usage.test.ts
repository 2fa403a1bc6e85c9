/**
 * Usage and configuration errors: exit code 2 and one message that names the
 * flag or variable the user set and what it accepts.
 */
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { memoryIo } from "../_helpers/memory-io.ts";

async function run(
  argv: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo(env);
  const code = await main(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

/** Text that valibot writes by default, which a user should never read. */
const RAW_SCHEMA_TEXT = /Invalid (type|value|length)|Expected \(|but received|got [^,\n]+, got/;

describe("tickwire usage errors", () => {
  for (const value of [",", " ", " , ,"]) {
    it(`refuses --symbols ${JSON.stringify(value)} with exit 2, naming the flag`, async () => {
      for (
        const argv of [
          ["stream", "--symbols", value, "--limit", "1"],
          ["record", "--symbols", value, "--out", "x.twr"],
        ]
      ) {
        const r = await run(argv);
        expect(r.code, argv[0]).toBe(2);
        expect(r.err).toMatch(/^tickwire: --symbols needs at least one name, comma-separated/);
        expect(r.out).toBe("");
      }
    });
  }

  it("refuses an empty TICKWIRE_SYMBOLS with exit 2, naming the variable", async () => {
    for (const value of [",", " ", ", ,"]) {
      const r = await run(["stream", "--limit", "1"], { TICKWIRE_SYMBOLS: value });
      expect(r.code, value).toBe(2);
      expect(r.err).toMatch(/TICKWIRE_SYMBOLS: expected at least one name, comma-separated/);
    }
  });

  it("refuses an empty --symbols or --channels list for replay", async () => {
    const r = await run(["replay", "s.twr", "--symbols", ","]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--symbols needs at least one name/);
  });

  it("names the flag and the accepted values for a bad flag value", async () => {
    const cases: [string[], RegExp][] = [
      [
        ["stream", "--channels", "quote,foo"],
        /--channels: expected quote, book, trade, bar, info or market, got "foo"/,
      ],
      [["stream", "--rate", "fast"], /--rate: expected a positive number or "max", got "fast"/],
      [
        ["stream", "--source", "nope"],
        /--source: unknown source "nope"; known sources: .*synthetic/,
      ],
      [["stream", "--format", "xml"], /--format must be table or ndjson, got "xml"/],
      [["stream", "--limit", "0"], /--limit must be a whole number above 0, got "0"/],
      [["replay", "s.twr", "--speed", "0"], /--speed expected a positive number or "max", got "0"/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(RAW_SCHEMA_TEXT);
    }
  });

  it("names the variable and the accepted values for a bad variable", async () => {
    const r = await run(["stream", "--limit", "1"], {
      TICKWIRE_OVERFLOW: "foo",
      TICKWIRE_CHANNELS: "qoute",
      TICKWIRE_LOG_LEVEL: "loud",
      TICKWIRE_LOG_FORMAT: "xml",
    });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /TICKWIRE_OVERFLOW: expected drop-oldest, drop-newest or block, got "foo"/,
    );
    expect(r.err).toMatch(/TICKWIRE_CHANNELS: expected quote, .* or market, got "qoute"/);
    expect(r.err).toMatch(
      /TICKWIRE_LOG_LEVEL: expected debug, info, warn, error or silent, got "loud"/,
    );
    expect(r.err).toMatch(/TICKWIRE_LOG_FORMAT: expected text or json, got "xml"/);
    expect(r.err).not.toMatch(RAW_SCHEMA_TEXT);
  });

  it("names every missing Settrade variable when settrade is selected", async () => {
    for (
      const [argv, env] of [
        [["stream", "--limit", "1"], { DATA_SOURCE: "settrade" }],
        [["stream", "--limit", "1", "--source", "settrade"], {}],
        [["stream", "--limit", "1"], {
          DATA_SOURCE: "settrade",
          SETTRADE_APP_ID: "a",
          SETTRADE_APP_CODE: "ALGO",
        }],
      ] as [string[], Record<string, string>][]
    ) {
      const r = await run(argv, env);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/SETTRADE_APP_SECRET: is required/);
      expect(r.err).toMatch(/SETTRADE_BROKER_ID: is required/);
      expect(r.err).not.toMatch(/appSecret|brokerId/);
      if (env.SETTRADE_APP_ID === undefined) expect(r.err).toMatch(/SETTRADE_APP_ID: is required/);
      else expect(r.err).not.toMatch(/SETTRADE_APP_ID/);
    }
  });
});
