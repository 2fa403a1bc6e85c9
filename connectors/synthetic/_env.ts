/**
 * Environment variables of the synthetic connector. Each `parse` checks the
 * text and throws a `TypeError` saying what was expected; the configuration
 * reader adds the variable's name and the quoted value.
 *
 * @module
 */

import type { EnvVarSpec } from "../../src/connector.ts";
import { type Channel, CHANNELS } from "../../src/events.ts";
import { isRate, isSymbol, NUMBER_FIELDS, type NumberField, RATE_WHAT } from "./_options.ts";

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function list(raw: string): string[] {
  return raw.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
}

function numberOf(field: NumberField): (raw: string) => number {
  return (raw) => {
    const s = raw.trim();
    const n = DECIMAL.test(s) ? Number(s) : NaN;
    if (!field.ok(n)) throw new TypeError(`expected ${field.what}`);
    return n;
  };
}

function parseRate(raw: string): number | "max" {
  const s = raw.trim();
  if (s.toLowerCase() === "max") return "max";
  const n = DECIMAL.test(s) ? Number(s) : NaN;
  if (!isRate(n)) throw new TypeError(`expected ${RATE_WHAT}`);
  return n;
}

function parseSymbols(raw: string): string[] {
  const symbols = list(raw);
  if (symbols.length === 0 || !symbols.every(isSymbol)) {
    throw new TypeError("expected comma-separated symbols (letters, digits, . & _ -)");
  }
  return symbols.map((s) => s.toUpperCase());
}

function parseChannels(raw: string): Channel[] {
  const channels = list(raw).map((s) => s.toLowerCase());
  if (channels.length === 0 || !channels.every((c) => (CHANNELS as string[]).includes(c))) {
    throw new TypeError(`expected comma-separated channels from ${CHANNELS.join(", ")}`);
  }
  return channels as Channel[];
}

/** The variables `createFeedFromEnv` reads for the synthetic connector. */
export const SYNTHETIC_ENV: readonly EnvVarSpec[] = [
  {
    name: "SYNTHETIC_SEED",
    option: "seed",
    description: "PRNG seed, an integer (default 1)",
    parse: numberOf(NUMBER_FIELDS.seed),
  },
  {
    name: "SYNTHETIC_SYMBOLS",
    option: "symbols",
    description: "Symbols, comma-separated (default AOT,PTT,KBANK,CPALL,SCB)",
    parse: parseSymbols,
  },
  {
    name: "SYNTHETIC_RATE",
    option: "rate",
    description: 'Up to R market events per second per symbol, or "max" (default 10)',
    parse: parseRate,
  },
  {
    name: "SYNTHETIC_CHANNELS",
    option: "channels",
    description: "Channels, comma-separated (default all six)",
    parse: parseChannels,
  },
  {
    name: "SYNTHETIC_DISCONNECT_EVERY",
    option: "disconnectEvery",
    description: "Simulate a lost connection every N market events",
    parse: numberOf(NUMBER_FIELDS.disconnectEvery),
  },
  {
    name: "SYNTHETIC_STALL_AFTER",
    option: "stallAfter",
    description: "Go silent once after N market events",
    parse: numberOf(NUMBER_FIELDS.stallAfter),
  },
  {
    name: "SYNTHETIC_STALL_MS",
    option: "stallMs",
    description: "Length of that silence, ms (default 5000)",
    parse: numberOf(NUMBER_FIELDS.stallMs),
  },
  {
    name: "SYNTHETIC_MALFORMED_RATE",
    option: "malformedRate",
    description: "Fraction (0..1) of messages reported as undecodable and skipped (default 0)",
    parse: numberOf(NUMBER_FIELDS.malformedRate),
  },
];
