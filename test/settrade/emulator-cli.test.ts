import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { collect, exited, spawnCli } from "../_helpers/cli-process.ts";
import { runEmulate, shellQuote } from "../../cli/emulate.ts";
import { UsageError } from "../../cli/args.ts";
import { until } from "./_emulator-helpers.ts";

/** Runs the command in-process until the test stops it. */
function start(argv: string[]) {
  let out = "";
  let err = "";
  let stop!: (reason: string) => void;
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  const done = runEmulate(argv, {
    out: (t) => Promise.resolve(void (out += t)),
    err: (t) => Promise.resolve(void (err += t)),
    stopped,
  });
  return { done, stop, out: () => out, err: () => err };
}

function exports(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const m of text.matchAll(/^export ([A-Z_]+)=(.*)$/gm)) {
    env[m[1]!] = m[2]!.replace(/^'(.*)'$/, "$1");
  }
  return env;
}

const dir = mkdtempSync(join(tmpdir(), "tickwire-emulate-test-"));
const children: ChildProcess[] = [];
const detached: number[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  for (const pid of detached) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

const VARIABLES = [
  "DATA_SOURCE",
  "SETTRADE_APP_CODE",
  "SETTRADE_APP_ID",
  "SETTRADE_APP_SECRET",
  "SETTRADE_BASE_URL",
  "SETTRADE_BROKER_ID",
  "SETTRADE_MARKET_URL",
];

describe("tickwire emulate", () => {
  it("prints export lines that reach the running emulator, then stops on request", async () => {
    const run = start(["--seed", "3", "--symbols", "PTT,AOT", "--token-ttl", "120"]);
    try {
      await until(() => run.out().includes("SETTRADE_MARKET_URL"), "the export lines");
      const env = exports(run.out());
      expect(Object.keys(env).sort()).toEqual(VARIABLES);
      expect(env.SETTRADE_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(run.err()).toContain("throwaway key");
      const res = await fetch(`${env.SETTRADE_BASE_URL}/api/dispatcher/v3/098/token`);
      expect(res.status).toBe(401);
      run.stop("test");
      expect(await run.done).toBe(0);
      // A refused connection: fetch rejects with a TypeError on every runtime.
      await expect(fetch(`${env.SETTRADE_BASE_URL}/api/dispatcher/v3/098/token`)).rejects.toThrow(
        TypeError,
      );
    } finally {
      run.stop("test");
      await run.done.catch(() => {});
    }
  });

  it("writes --write-env whole, only once the emulator answers, and removes it at exit", async () => {
    const file = join(dir, "emu.env");
    const run = start(["--write-env", file, "--symbols", "PTT"]);
    try {
      // Every time the file is seen, it is complete: it is renamed into place.
      let seen: Record<string, string> | undefined;
      await until(
        () => {
          if (!existsSync(file)) return false;
          seen = exports(readFileSync(file, "utf8"));
          expect(Object.keys(seen).sort()).toEqual(VARIABLES);
          return true;
        },
        "the env file",
        4_000,
      );
      expect(run.out()).toBe(""); // without --print-env the lines go to the file only
      expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
      const res = await fetch(`${seen!.SETTRADE_BASE_URL}/api/dispatcher/v3/098/token`);
      expect(res.status).toBe(401);
      run.stop("test");
      expect(await run.done).toBe(0);
      expect(existsSync(file)).toBe(false);
    } finally {
      run.stop("test");
      await run.done.catch(() => {});
    }
  });

  it(
    "detaches: prints the environment once the emulator is ready, and it runs until killed",
    async () => {
      const child = spawnCli(
        ["emulate", "--print-env", "--detach", "--symbols", "PTT"],
        {},
        children,
      );
      const out = collect(child.stdout);
      const err = collect(child.stderr);
      const { code } = await exited(child);
      expect(code, err()).toBe(0);
      const env = exports(out());
      const pid = Number(env.TICKWIRE_EMULATOR_PID);
      expect(Number.isInteger(pid) && pid > 0).toBe(true);
      detached.push(pid);
      expect(Object.keys(env).sort()).toEqual([...VARIABLES, "TICKWIRE_EMULATOR_PID"].sort());
      expect(err()).toContain('kill "$TICKWIRE_EMULATOR_PID"');
      // Ready when the parent returned: the first request is answered.
      const res = await fetch(`${env.SETTRADE_BASE_URL}/api/dispatcher/v3/098/token`);
      expect(res.status).toBe(401);
      process.kill(pid, "SIGTERM");
      const deadline = performance.now() + 15_000;
      const up = () =>
        fetch(`${env.SETTRADE_BASE_URL}/_emulator/stats`).then(() => true, () => false);
      while (await up()) {
        if (performance.now() > deadline) throw new Error("the emulator did not stop on SIGTERM");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    60_000,
  );

  it("refuses bad usage", async () => {
    await expect(start(["--host", "0.0.0.0"]).done).rejects.toThrow(UsageError);
    await expect(start(["--rate", "fast"]).done).rejects.toThrow(UsageError);
    await expect(start(["--nope"]).done).rejects.toThrow(UsageError);
  });

  it("quotes values for a shell only when needed", () => {
    expect(shellQuote("http://127.0.0.1:8080")).toBe("http://127.0.0.1:8080");
    expect(shellQuote("AIKi/X7l+q=")).toBe("AIKi/X7l+q=");
    expect(shellQuote("it's here")).toBe(`'it'\\''s here'`);
  });
});
