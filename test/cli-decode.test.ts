/**
 * `tickwire decode`: its core (`decodeLines`), the command with stdin and stdout
 * in memory, and one real run of the CLI in a child process.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { DECODE_COMMAND, decodeLines, EXAMPLE_HEX, runDecode } from "../cli/decode.ts";
import { parseCommandArgs } from "../cli/command.ts";
import { main } from "../cli/main.ts";
import { validateEvent } from "../src/schemas.ts";
import { SUBSCRIBE_ERROR_TOPIC } from "../connectors/settrade/mod.ts";
import { memoryIo } from "./_helpers/memory-io.ts";
import { bidOfferBytes, infoBytes } from "./settrade/_fixtures.ts";

const BOOK = "proto/topic/bidofferv3/PTT";
const hex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
const bookHex = hex(bidOfferBytes({
  symbol: "PTT",
  bids: [{ price: "0.01", size: 100 }],
  asks: [{ price: "34.25", size: 2_500 }],
}));

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield new TextEncoder().encode(p);
}

describe("decodeLines", () => {
  it("turns a book payload into a quote and a book, with prices as JSON numbers", () => {
    const [line] = decodeLines(BOOK, [bookHex], () => 1_700_000_000_000);
    expect(line).toContain('"bid":0.01,');
    expect(line).toContain('"ask":34.25,');
    const events = JSON.parse(line);
    expect(events.map((e: { type: string }) => e.type)).toEqual(["quote", "book"]);
    expect(events.map((e: { seq: number }) => e.seq)).toEqual([1, 2]);
    for (const ev of events) expect(validateEvent(ev)).toEqual([]);
    expect(events[0]).toMatchObject({
      symbol: "PTT",
      source: "settrade",
      recvTs: 1_700_000_000_000,
    });
  });

  it("prints one line per payload, an error object for a bad one, and skips blank lines", () => {
    const info = hex(infoBytes({ symbol: "PTT", last: "34.5" }));
    const out = decodeLines("proto/topic/infov3/PTT", [info, "", "0a0950", "xyz", `0x${info}`]);
    expect(out).toHaveLength(4);
    expect(JSON.parse(out[0])).toMatchObject([{ type: "info", last: 34.5, seq: 1 }]);
    expect(JSON.parse(out[1])).toEqual({
      error: { code: "malformed", message: expect.stringMatching(/^\[settrade\]/) },
    });
    expect(JSON.parse(out[2]).error.code).toBe("hex");
    expect(JSON.parse(out[3])).toMatchObject([{ type: "info", seq: 2 }]);
  });

  it("reports a topic that carries no market data as an error", () => {
    const [line] = decodeLines("proto/topic/nothing/PTT", ["0a03505454"]);
    expect(JSON.parse(line).error.code).toBe("topic");
  });

  it("reads subscription-error payloads as text and JSON with the symbol", () => {
    const payload = JSON.stringify({
      topic: "proto/topic/infov3/ZZZ",
      code: "E404",
      message: "no",
    });
    const [line] = decodeLines(SUBSCRIBE_ERROR_TOPIC, [hex(new TextEncoder().encode(payload))]);
    expect(JSON.parse(line).subscribeError).toMatchObject({
      symbol: "ZZZ",
      json: { code: "E404" },
    });
  });
});

describe("tickwire decode", () => {
  it("decodes --hex and exits with 0", async () => {
    const io = memoryIo();
    expect(await main(["decode", "--topic", BOOK, "--hex", bookHex], io)).toBe(0);
    const lines = io.stdout().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toHaveLength(2);
  });

  it("reads one payload per line from stdin, across chunk boundaries, and exits with 1 on a failure", async () => {
    const io = memoryIo();
    const half = bookHex.length >> 1;
    const code = await runDecode(
      parseCommandArgs(DECODE_COMMAND, ["--topic", BOOK]),
      io,
      () => chunks(bookHex.slice(0, half), `${bookHex.slice(half)}\n\nnot-hex\r\n`, bookHex),
    );
    expect(code).toBe(1);
    const lines = io.stdout().trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0].map((e: { seq: number }) => e.seq)).toEqual([1, 2]);
    expect(lines[1].error.code).toBe("hex");
    expect(lines[2].map((e: { seq: number }) => e.seq)).toEqual([3, 4]);
  });

  it("needs --topic (usage error, exit code 2)", async () => {
    const io = memoryIo();
    expect(await main(["decode", "--hex", "00"], io)).toBe(2);
    expect(io.stderr()).toMatch(/--topic is required/);
  });

  it("prints its help", async () => {
    const io = memoryIo();
    expect(await main(["decode", "--help"], io)).toBe(0);
    expect(io.stdout()).toMatch(/tickwire decode --topic TOPIC/);
  });

  it("decodes the help's example payload into a real PTT book", async () => {
    const io = memoryIo();
    expect(await main(["decode", "--help"], io)).toBe(0);
    expect(io.stdout()).toContain(`--hex ${EXAMPLE_HEX}`);
    const [line] = decodeLines(BOOK, [EXAMPLE_HEX]);
    const [quote, book] = JSON.parse(line!);
    expect(quote).toMatchObject({ type: "quote", symbol: "PTT", bid: 34.75, ask: 35 });
    expect(quote).toMatchObject({ bidSize: 1_000, askSize: 2_500 });
    expect(book.type).toBe("book");
  });

  it("runs as a real command reading stdin", () => {
    // Bun runs the TypeScript entry directly (Node 20 cannot strip types).
    const bun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined"
      ? process.execPath
      : "node_modules/.bin/bun";
    const r = spawnSync(bun, ["cli/bin.ts", "decode", "--topic", BOOK], {
      input: `${bookHex}\n`,
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.trim()).map((e: { type: string }) => e.type)).toEqual([
      "quote",
      "book",
    ]);
  }, 40_000);
});
