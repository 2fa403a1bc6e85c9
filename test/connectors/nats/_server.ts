/**
 * nats-server processes for the tests: each on a free loopback port with its
 * own store folder, stopped by its own pid. `natsServerBinary()` is undefined
 * where the binary is missing, and the tests then skip with a visible message.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** @returns The nats-server binary (`NATS_SERVER_BIN`, /usr/sbin, /usr/bin, /usr/local/bin), if any. */
export function natsServerBinary(): string | undefined {
  const env = globalThis.process?.env?.NATS_SERVER_BIN;
  for (
    const p of [env, "/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"]
  ) {
    if (p !== undefined && p !== "" && existsSync(p)) return p;
  }
  return undefined;
}

/** Why the real-server tests are skipped, or undefined when they run. */
export function skipReason(): string | undefined {
  const env = globalThis.process?.env ?? {};
  if (env.CI !== "true" && env.TICKWIRE_INTEGRATION !== "1") {
    return "set TICKWIRE_INTEGRATION=1 (or CI=true) to run the NATS tests against real nats-server processes";
  }
  if (natsServerBinary() === undefined) {
    return "no nats-server binary (NATS_SERVER_BIN, /usr/sbin/nats-server): NATS tests skipped";
  }
  return undefined;
}

/** @returns A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(500, () => done(false));
    s.once("error", () => done(false));
    s.connect(port, "127.0.0.1", () => done(true));
  });
}

/** Waits for a condition, polling, for at most `timeoutMs`. */
export async function waitFor(
  what: string,
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One nats-server process (restartable on the same port and store). */
export class NatsServer {
  readonly port: number;
  readonly storeDir: string;
  readonly args: readonly string[];
  #proc: ChildProcess | undefined;
  #log = "";

  private constructor(port: number, storeDir: string, args: readonly string[]) {
    this.port = port;
    this.storeDir = storeDir;
    this.args = args;
  }

  /** @returns `nats://127.0.0.1:<port>`. */
  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** The pid of the running process. */
  get pid(): number | undefined {
    return this.#proc?.pid;
  }

  /**
   * Starts a JetStream server.
   * @param extra More arguments (cluster options). @param port A port. @default a free one
   * @returns The running server.
   */
  static async start(extra: readonly string[] = [], port?: number): Promise<NatsServer> {
    const p = port ?? await freePort();
    const dir = mkdtempSync(join(tmpdir(), "tickwire-nats-"));
    const s = new NatsServer(p, dir, extra);
    await s.restart();
    return s;
  }

  /** Starts the process again (same port, same store). @param waitReady Wait for the port. */
  async restart(waitReady = true): Promise<void> {
    if (this.#proc !== undefined) throw new Error("nats-server is running");
    const args = [
      "-js",
      "-a",
      "127.0.0.1",
      "-p",
      String(this.port),
      "-sd",
      this.storeDir,
      ...this.args,
    ];
    const proc = spawn(natsServerBinary()!, args, { stdio: ["ignore", "ignore", "pipe"] });
    proc.stderr!.on("data", (d: Buffer) => {
      this.#log = (this.#log + d.toString()).slice(-4_000);
    });
    this.#proc = proc;
    proc.once("exit", () => {
      if (this.#proc === proc) this.#proc = undefined;
    });
    if (waitReady) {
      await waitFor(
        `nats-server on port ${this.port} (log: ${this.#log})`,
        () => canConnect(this.port),
      );
    }
  }

  /** Stops the process by its pid. @param signal SIGTERM (clean) or SIGKILL. */
  async stop(signal: "SIGTERM" | "SIGKILL" = "SIGTERM"): Promise<void> {
    const proc = this.#proc;
    if (proc === undefined) return;
    const exited = new Promise<void>((r) => proc.once("exit", () => r()));
    proc.kill(signal);
    const t = setTimeout(() => {
      if (proc.exitCode === null) proc.kill("SIGKILL");
    }, 5_000);
    await exited;
    clearTimeout(t);
    this.#proc = undefined;
  }

  /** Stops the process and removes its store. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}
