import { describe, expect, it } from "vitest";
import { ConnectOnce } from "../src/mod.ts";
import { waitUntil } from "./conformance/_wait.ts";

function gate(): { gate: ConnectOnce; ended: unknown[] } {
  const ended: unknown[] = [];
  return { gate: new ConnectOnce((e) => ended.push(e)), ended };
}

describe("ConnectOnce", () => {
  it("starts the run once: a second connect gets the first call's promise", async () => {
    const { gate: g, ended } = gate();
    let runs = 0;
    const run = (): Promise<void> => {
      runs++;
      return Promise.resolve();
    };
    const first = g.connect(undefined, run);
    expect(g.connect(undefined, run)).toBe(first);
    await first;
    expect(runs).toBe(1);
    expect(ended).toEqual([]);
  });

  it("a failed first run reaches end once and is thrown to the caller", async () => {
    const { gate: g, ended } = gate();
    const boom = new Error("refused");
    await expect(g.connect(undefined, () => Promise.reject(boom))).rejects.toBe(boom);
    expect(ended).toEqual([boom]);
  });

  it("a failed later attempt reaches end; a good one does not", async () => {
    const { gate: g, ended } = gate();
    const boom = new Error("gone");
    let settled = 0;
    g.again(() => Promise.resolve().then(() => void settled++));
    g.again(() => Promise.reject(boom).finally(() => void settled++));
    await waitUntil(() => settled === 2 && ended.length === 1, 1_000, "both attempts settled");
    expect(ended).toEqual([boom]);
  });

  it("after stop, the run's signal is aborted and a failure no longer reaches end", async () => {
    const { gate: g, ended } = gate();
    let seen: AbortSignal | undefined;
    let fail: ((e: Error) => void) | undefined;
    const p = g.connect(undefined, (s) => {
      seen = s;
      return new Promise<void>((_, reject) => (fail = reject));
    });
    expect(seen?.aborted).toBe(false);
    g.stop();
    g.stop();
    expect(g.signal.aborted).toBe(true);
    expect(seen?.aborted).toBe(true);
    fail!(new Error("aborted by stop"));
    await expect(p).rejects.toThrow("aborted by stop");
    expect(ended).toEqual([]);
  });

  it("the caller's signal aborts the run but does not stop the connector", async () => {
    const { gate: g, ended } = gate();
    const caller = new AbortController();
    let seen: AbortSignal | undefined;
    const p = g.connect(caller.signal, (s) => {
      seen = s;
      return new Promise<void>((_, reject) =>
        s.addEventListener("abort", () => reject(new Error("cancelled")), { once: true })
      );
    });
    caller.abort();
    await expect(p).rejects.toThrow("cancelled");
    expect(seen?.aborted).toBe(true);
    expect(g.signal.aborted).toBe(false);
    expect(ended).toHaveLength(1);
  });
});
