import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { memoryIo } from "../_helpers/memory-io.ts";
import { killChildren, startChild } from "../connectors/_replay-helpers.ts";
import { Recorder, TOKEN, waitUntil } from "./_helpers.ts";

const children: ChildProcess[] = [];
afterAll(() => killChildren(children));
const IS_DENO = (globalThis as { Deno?: unknown }).Deno !== undefined;
const bin = fileURLToPath(new URL("../../cli/bin.ts", import.meta.url));

describe("tickwire serve", () => {
  it("serves until SIGTERM, then closes its clients with 1001 and exits 0 within 5 s", async () => {
    const run = startChild(
      bin,
      ["serve", "--port", "0", "--symbols", "PTT,AOT", "--rate", "50"],
      children,
    );
    let url = "";
    await waitUntil(
      () => {
        url = /on (http:\/\/127\.0\.0\.1:\d+) /.exec(run.output().stdout)?.[1] ?? "";
        return url !== "";
      },
      15_000,
      "the URL line",
    );
    const health = await (await fetch(`${url}/health`)).json();
    expect(health).toMatchObject({ status: "serving", source: "synthetic" });
    const c = new Recorder(`${url.replace("http", "ws")}/ws`);
    await c.opened;
    c.send({ op: "subscribe", symbols: ["PTT"], channels: ["quote", "book"] });
    await waitUntil(() => c.of("book").length > 0, 5_000, "a book");
    const t0 = performance.now();
    run.child.kill("SIGTERM");
    const { code, signal, stdout } = await run.done;
    expect(stdout).toMatch(/tickwire serve: stopped \(SIGTERM\)\n$/);
    // Deno's child_process reports a child it signalled as killed, whatever its exit code.
    if (IS_DENO) expect(code === 0 || signal === "SIGTERM").toBe(true);
    else expect(code).toBe(0);
    expect(performance.now() - t0).toBeLessThan(5_000);
    await c.closed();
    expect(c.closeCode).toBe(1001);
    expect(c.closeReason).toBe("server shutting down");
  });

  it("stops the same way on SIGINT", async () => {
    const run = startChild(bin, ["serve", "--port", "0", "--rate", "10"], children);
    await waitUntil(
      () => /on http:\/\/127\.0\.0\.1:\d+ /.test(run.output().stdout),
      15_000,
      "the URL line",
    );
    const t0 = performance.now();
    run.child.kill("SIGINT");
    const { code, signal, stdout } = await run.done;
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(stdout).toMatch(/tickwire serve: stopped \(SIGINT\)\n$/);
    if (IS_DENO) expect(code === 0 || signal === "SIGINT").toBe(true);
    else expect(code).toBe(0);
  });

  it("prints its help, and exits 2 for a bad flag or a public address without a token", async () => {
    const help = memoryIo();
    expect(await main(["serve", "--help"], help)).toBe(0);
    expect(help.stdout()).toMatch(/GET \/metrics/);
    for (
      const argv of [["serve", "--port", "70000"], ["serve", "--client-rate", "0"], [
        "serve",
        "--bogus",
      ]]
    ) {
      const io = memoryIo();
      expect(await main(argv, io)).toBe(2);
      expect(io.stderr()).toMatch(/^tickwire: /);
    }
    const open = memoryIo({ TICKWIRE_SERVE_TOKEN: "" });
    expect(await main(["serve", "--host", "0.0.0.0", "--port", "0"], open)).toBe(2);
    expect(open.stderr()).toMatch(
      /binding "0\.0\.0\.0" exposes the service.*TICKWIRE_SERVE_TOKEN/s,
    );
    const weak = memoryIo({ TICKWIRE_SERVE_TOKEN: "abc" });
    expect(await main(["serve", "--port", "0"], weak)).toBe(2);
    expect(weak.stderr()).toMatch(/token: must be a string of at least 16 characters/);
    expect(weak.stderr()).not.toContain("abc\n");
    void TOKEN;
  });
});
