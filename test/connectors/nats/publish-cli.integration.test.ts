import type { ChildProcess } from "node:child_process";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exited, spawnCli } from "../../_helpers/cli-process.ts";
import { NatsServer, skipReason, waitFor } from "./_server.ts";

const skip = skipReason();
if (skip !== undefined) console.warn(`[skip] ${skip}`);

const PASSWORD = "pw-that-must-never-be-printed";

function collect(child: ChildProcess): { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  return { out: () => out, err: () => err };
}

describe.skipIf(skip !== undefined)("tickwire publish", () => {
  let server: NatsServer;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    server = await NatsServer.start(["--user", "tw", "--pass", PASSWORD]);
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    await server?.dispose();
  });

  it(
    "publishes with user and password until SIGTERM, exits 0 with every event acknowledged, and never prints the password",
    async () => {
      const child = spawnCli([
        "publish",
        "--server",
        server.url,
        "--symbols",
        "PTT,AOT",
        "--port",
        "0",
      ], {
        DATA_SOURCE: "synthetic",
        SYNTHETIC_RATE: "2000",
        NATS_USER: "tw",
        NATS_PASSWORD: PASSWORD,
        TICKWIRE_LOG_LEVEL: "debug",
      }, children);
      const io = collect(child);
      const nc = await connect({ servers: server.url, user: "tw", pass: PASSWORD });
      const jsm = await jetstreamManager(nc);
      await waitFor("300 messages in the stream", async () => {
        const info = await jsm.streams.info("TICKWIRE").catch(() => undefined);
        return (info?.state.messages ?? 0) >= 300;
      }, 30_000);
      // --port 0: /health and /metrics on a free port, named on stdout.
      await waitFor(
        "the URL of /health",
        () => io.out().includes("/health and /metrics on"),
        30_000,
      );
      const url = io.out().match(/\/health and \/metrics on (http:\/\/127\.0\.0\.1:\d+)/)?.[1];
      expect(url, io.out()).toBeDefined();
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(/^tickwire_publish_published_total [1-9]\d*$/m);
      expect(metrics).toMatch(/^tickwire_publish_connected 1$/m);
      const health = await (await fetch(`${url}/health`)).json();
      expect(health.publisher).toMatchObject({ connected: true, dropped: 0 });
      child.kill("SIGTERM");
      const { code, signal } = await exited(child);
      // Deno's child_process reports a child it signalled as killed, whatever its
      // exit code (a Deno child run by Node reports 0); the line below is printed last.
      if ("Deno" in globalThis) expect(code === 0 || signal === "SIGTERM", io.err()).toBe(true);
      else expect(code, io.err()).toBe(0);
      expect(io.out()).toMatch(
        /tickwire publish: synthetic to nats:\/\/127\.0\.0\.1:\d+, stream TICKWIRE, run \w+/,
      );
      expect(io.out()).toMatch(/"acknowledged":\d+/);
      expect(io.out() + io.err()).not.toContain(PASSWORD);
      const stats = JSON.parse(io.out().match(/stopped \(SIGTERM\) (\{.*\})/)![1]!);
      const info = await jsm.streams.info("TICKWIRE");
      expect(stats.acknowledged).toBe(stats.published);
      expect(stats.dropped).toBe(0);
      // What the feed held when the signal came was published too.
      expect(stats.buffered).toBe(0);
      expect(info.state.messages).toBe(stats.published);
      await nc.close();
    },
    60_000,
  );

  it("fails with a clear error on a wrong password, without printing it", async () => {
    const child = spawnCli(["publish", "--server", server.url], {
      DATA_SOURCE: "synthetic",
      NATS_USER: "tw",
      NATS_PASSWORD: "wrong-" + PASSWORD,
    }, children);
    const io = collect(child);
    const { code } = await exited(child);
    expect(code).not.toBe(0);
    expect(io.err()).toMatch(/authorization/i);
    expect(io.out() + io.err()).not.toContain(PASSWORD);
  }, 60_000);
});
