/**
 * The conformance suite's checks over a recording: each returns a list of
 * problems in words (empty when the connector behaved), so a failure names them.
 *
 * @module
 */

import { type Subscription, subscriptionKey } from "../../src/connector.ts";
import type { FeedEvent, MarketEvent } from "../../src/events.ts";
import { validateEvent } from "../../src/schemas.ts";

/** Most problems listed per check; the rest are counted. */
const MAX_LISTED = 10;

/**
 * @param sub A subscription as given.
 * @returns Its key with the symbol upper-cased, as events are matched against it.
 */
export function subKey(sub: Subscription): string {
  return subscriptionKey({ ...sub, symbol: sub.symbol.toUpperCase() });
}

/**
 * @param ev A market event.
 * @returns The key of the subscription it answers (`channel:SYMBOL`, `bar:SYMBOL:interval`).
 */
export function pairKey(ev: MarketEvent): string {
  return ev.type === "bar" ? `bar:${ev.symbol}:${ev.interval}` : `${ev.type}:${ev.symbol}`;
}

/**
 * @param ev Any feed event.
 * @returns A short description for problem lists.
 */
export function describeEvent(ev: FeedEvent): string {
  return ev.type === "status"
    ? `status "${ev.kind}" (epoch ${ev.epoch})`
    : `${ev.type} "${ev.symbol}" (seq ${ev.seq}, epoch ${ev.epoch})`;
}

/** Collects problems, listing the first few and counting the rest. */
export class Problems {
  readonly #list: string[] = [];
  #more = 0;

  /** @param problem One problem in words. */
  add(problem: string): void {
    if (this.#list.length < MAX_LISTED) this.#list.push(problem);
    else this.#more++;
  }

  /** @returns The problems listed, plus a line counting those left out. */
  list(): string[] {
    return this.#more === 0 ? this.#list : [...this.#list, `... and ${this.#more} more`];
  }
}

/**
 * Checks every event against the event schema and that its `source` is the connector's name.
 * @param all Recorded events and statuses.
 * @param name Expected `source`.
 * @returns Problems found.
 */
export function shapeProblems(all: readonly FeedEvent[], name: string): string[] {
  const problems = new Problems();
  for (const ev of all) {
    const issues = validateEvent(ev);
    if (issues.length > 0) {
      const where = issues[0]!.path === "" ? "" : ` at "${issues[0]!.path}"`;
      problems.add(`${describeEvent(ev)} is invalid${where}: ${issues[0]!.message}`);
    }
    if (ev.source !== name) {
      problems.add(`${describeEvent(ev)} has source "${ev.source}", expected "${name}"`);
    }
  }
  return problems.list();
}

/**
 * Checks that each market event's symbol is upper case.
 * @param events Recorded market events.
 * @returns Problems found.
 */
export function symbolCaseProblems(events: readonly MarketEvent[]): string[] {
  const problems = new Problems();
  for (const ev of events) {
    if (ev.symbol !== ev.symbol.toUpperCase()) {
      problems.add(`${describeEvent(ev)} has a symbol that is not upper case`);
    }
  }
  return problems.list();
}

/**
 * Checks that `seq` strictly increases over all market events.
 * @param events Recorded market events.
 * @returns Problems found.
 */
export function seqProblems(events: readonly MarketEvent[]): string[] {
  const problems = new Problems();
  for (let i = 1; i < events.length; i++) {
    if (!(events[i]!.seq > events[i - 1]!.seq)) {
      problems.add(`${describeEvent(events[i]!)} follows seq ${events[i - 1]!.seq}`);
    }
  }
  return problems.list();
}

/**
 * Checks that every market event answers one of the subscriptions.
 * @param events Recorded market events.
 * @param subscribed Keys from {@link subKey}.
 * @returns Problems found.
 */
export function pairProblems(
  events: readonly MarketEvent[],
  subscribed: ReadonlySet<string>,
): string[] {
  const problems = new Problems();
  for (const ev of events) {
    const key = pairKey(ev);
    if (!subscribed.has(key)) {
      problems.add(`${describeEvent(ev)} answers no subscription ("${key}")`);
    }
  }
  return problems.list();
}

/**
 * Walks the recording through the contract's state machine: `connecting` →
 * `connected` (epochs 0, 1, 2, ...) → events stamped with the current epoch →
 * `disconnected` → `reconnecting` → `connecting` → ..., `end` last.
 * `stale`, `recovered`, `mode`, `subscribe-error` and `error` may come at any time
 * before `end`. An event marked `via` (polled or backfilled) may also arrive while
 * not connected, carrying the epoch of the last connection.
 * @param all Recorded events and statuses, in order.
 * @returns Problems found.
 */
export function lifecycleProblems(all: readonly FeedEvent[]): string[] {
  const problems = new Problems();
  let state: "idle" | "connecting" | "connected" | "disconnected" | "reconnecting" = "idle";
  let epoch = -1;
  let ended = false;
  let lostSinceConnected = false;
  let retriedSinceConnected = false;
  for (const [i, ev] of all.entries()) {
    const at = `#${i} ${describeEvent(ev)}`;
    if (ended) {
      problems.add(`${at} comes after end`);
      continue;
    }
    if (ev.type !== "status") {
      const fetched = ev.via !== undefined && epoch >= 0;
      if (state !== "connected" && !fetched) problems.add(`${at} arrives while ${state}`);
      else if (ev.epoch !== Math.max(0, epoch)) problems.add(`${at} should carry epoch ${epoch}`);
      continue;
    }
    switch (ev.kind) {
      case "connecting":
        if (state === "connected") {
          problems.add(`${at} while connected (expected disconnected first)`);
        }
        state = "connecting";
        break;
      case "connected":
        if (state !== "connecting") problems.add(`${at} without connecting first`);
        if (ev.epoch !== epoch + 1) problems.add(`${at} should carry epoch ${epoch + 1}`);
        if (epoch >= 0 && !(lostSinceConnected && retriedSinceConnected)) {
          problems.add(`${at} reconnects without disconnected and reconnecting first`);
        }
        epoch = ev.epoch;
        state = "connected";
        lostSinceConnected = retriedSinceConnected = false;
        break;
      case "disconnected":
        if (state === "idle") problems.add(`${at} before any connection`);
        if (typeof ev.reason !== "string" || ev.reason === "") problems.add(`${at} has no reason`);
        state = "disconnected";
        lostSinceConnected = true;
        break;
      case "reconnecting":
        if (state === "connected") {
          problems.add(`${at} while connected (expected disconnected first)`);
        }
        if (!(typeof ev.attempt === "number" && ev.attempt >= 1)) {
          problems.add(`${at} has no attempt >= 1`);
        }
        if (!(typeof ev.delayMs === "number" && ev.delayMs >= 0)) {
          problems.add(`${at} has no delayMs`);
        }
        state = "reconnecting";
        retriedSinceConnected = true;
        break;
      case "end":
        if (state === "connected") {
          problems.add(`${at} while connected (expected disconnected first)`);
        }
        ended = true;
        break;
      default:
        break;
    }
  }
  const first = all.find((ev) =>
    ev.type === "status" &&
    ["connecting", "connected", "disconnected", "reconnecting"].includes(ev.kind)
  );
  if (first !== undefined && (first as { kind?: string }).kind !== "connecting") {
    problems.add(`the first lifecycle status is ${describeEvent(first)}, expected "connecting"`);
  }
  return problems.list();
}
