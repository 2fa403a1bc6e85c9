/**
 * `tickwire decode`: decodes captured Settrade payloads, for debugging.
 *
 * @module
 */

import { isDecodeError, type MarketEvent } from "../mod.ts";
import {
  decodeSubscribeError,
  readSubscribeError,
  SettradeDecoder,
  SUBSCRIBE_ERROR_TOPIC,
  WANT_BOTH,
} from "../connectors/settrade/mod.ts";
import { type ParsedArgs, UsageError } from "./args.ts";
import type { CommandSpec } from "./command.ts";
import { type CliIo, host } from "./_runtime.ts";

/**
 * A real BidOfferV3 payload, as hex: a PTT book with bid 34.75 x 1,000 and ask
 * 35 x 2,500 (the help's and the README's example; a test decodes it).
 */
export const EXAMPLE_HEX: string =
  "0a03505454120810221880afd0e5023a02102360e8078801c413b00101b80101";

function errorLine(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

function parseHex(text: string): Uint8Array | string {
  const hex = text.trim().replace(/^0x/i, "").replace(/[\s:]+/g, "");
  if (hex.length % 2 !== 0) return "odd number of hex digits";
  if (!/^[0-9a-fA-F]*$/.test(hex)) return "not hexadecimal";
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** Decodes payloads of one topic, numbering events across them. */
class PayloadPrinter {
  readonly #topic: string;
  readonly #now: () => number;
  readonly #decoder = new SettradeDecoder();
  #seq = 1;
  /** Payloads that failed. */
  failed = 0;

  constructor(topic: string, now: () => number) {
    this.#topic = topic;
    this.#now = now;
  }

  /** @returns The JSON line for one hex payload. */
  line(hexText: string): string {
    const bytes = parseHex(hexText);
    if (typeof bytes === "string") {
      this.failed++;
      return errorLine("hex", `payload is not valid hex: ${bytes}`);
    }
    if (this.#topic === SUBSCRIBE_ERROR_TOPIC) {
      const info = readSubscribeError(bytes);
      const { text, json } = decodeSubscribeError(bytes);
      return JSON.stringify({ subscribeError: { ...info, text, json } });
    }
    const events: MarketEvent[] = [];
    const meta = {
      source: "settrade",
      seq: this.#seq,
      recvTs: this.#now(),
      recvMono: performance.now(),
      epoch: 0,
    };
    try {
      this.#seq += this.#decoder.decode(this.#topic, bytes, meta, WANT_BOTH, (ev) => {
        events.push(ev);
      });
    } catch (e) {
      this.failed++;
      if (isDecodeError(e)) return errorLine(e.code, e.message);
      return errorLine("internal", e instanceof Error ? e.message : String(e));
    }
    return JSON.stringify(events);
  }
}

/**
 * Decodes hex payloads of one topic into JSON lines: one line per non-blank
 * input line, an array of events or an `{"error": ...}` object.
 *
 * @param topic Topic the payloads came from.
 * @param lines Hex payloads, one per entry (blank entries are skipped).
 * @param now Wall clock for `recvTs`. @default Date.now
 * @returns The output lines, without newlines.
 * @example Decoding a captured book payload and a broken one
 * ```ts
 * import { decodeLines, EXAMPLE_HEX } from "./decode.ts";
 * const [book, broken] = decodeLines("proto/topic/bidofferv3/PTT", [EXAMPLE_HEX, "zz"]);
 * console.log(JSON.parse(book!)[0].bid); // 34.75
 * console.log(broken); // {"error":{"code":"hex","message":"payload is not valid hex: ..."}}
 * ```
 */
export function decodeLines(
  topic: string,
  lines: readonly string[],
  now: () => number = Date.now,
): string[] {
  const printer = new PayloadPrinter(topic, now);
  return lines.filter((l) => l.trim() !== "").map((l) => printer.line(l));
}

async function* splitLines(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  const utf8 = new TextDecoder();
  let rest = "";
  for await (const chunk of chunks) {
    rest += typeof chunk === "string" ? chunk : utf8.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = rest.indexOf("\n")) >= 0) {
      yield rest.slice(0, nl);
      rest = rest.slice(nl + 1);
    }
  }
  rest += utf8.decode();
  if (rest !== "") yield rest;
}

/** Standard input of the host process. */
function hostStdin(): AsyncIterable<Uint8Array | string> {
  return host().stdin;
}

/**
 * Runs the command.
 * @param args Parsed arguments.
 * @param io Where to write.
 * @param stdin Where hex lines come from without `--hex`. @default the host's stdin
 * @returns The exit code: 0 when every payload decoded, 1 otherwise.
 * @throws UsageError for missing or unknown options.
 */
export async function runDecode(
  { flags, positionals }: ParsedArgs,
  io: CliIo,
  stdin: () => AsyncIterable<Uint8Array | string> = hostStdin,
): Promise<number> {
  if (positionals.length > 0) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  }
  const topic = flags.topic;
  if (typeof topic !== "string" || topic.trim() === "") {
    throw new UsageError("--topic is required (e.g. --topic proto/topic/bidofferv3/PTT)");
  }
  const printer = new PayloadPrinter(topic.trim(), Date.now);
  if (typeof flags.hex === "string") {
    await io.out.write(`${printer.line(flags.hex)}\n`);
  } else {
    for await (const line of splitLines(stdin())) {
      if (io.out.closed) break;
      if (line.trim() === "") continue;
      await io.out.write(`${printer.line(line)}\n`);
    }
  }
  return printer.failed === 0 ? 0 : 1;
}

/** `tickwire decode`. */
export const DECODE_COMMAND: CommandSpec = {
  usage: "decode --topic TOPIC [--hex PAYLOAD]",
  description: `Decodes Settrade payloads (protobuf, as hex) captured from the topic TOPIC and
prints one JSON line per payload: an array of the normalized events it yields
(a book topic yields a quote and a book), or {"error": {"code", "message"}}.
Prices are JSON numbers. Without --hex, reads one hex payload per line from
stdin (blank lines are skipped). Exits with 1 when any payload failed.

Payloads of ${SUBSCRIBE_ERROR_TOPIC} print as
{"subscribeError": {"symbol", "topic", "reason", "text", "json"}}.`,
  flags: {
    topic: {
      type: "string",
      value: "TOPIC",
      help: "topic the payloads came from, e.g. proto/topic/bidofferv3/PTT",
    },
    hex: {
      type: "string",
      value: "PAYLOAD",
      help: "one payload as hex (spaces, colons and a 0x prefix allowed)",
    },
  },
  notes: `Example (a PTT book: bid 34.75 x 1,000, ask 35 x 2,500):
  tickwire decode --topic proto/topic/bidofferv3/PTT \\
    --hex ${EXAMPLE_HEX}`,
  run: (args, io) => runDecode(args, io),
};
