import { describe, expect, it } from "vitest";
import { EMULATE_HELP, runEmulate, shellQuote } from "../../cli/emulate.ts";
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

describe("tickwire emulate", () => {
  it("prints export lines that reach the running emulator, then stops on request", async () => {
    const run = start(["--seed", "3", "--symbols", "PTT,AOT", "--token-ttl", "120"]);
    try {
      await until(() => run.out().includes("SETTRADE_MARKET_URL"), "the export lines");
      const env = exports(run.out());
      expect(Object.keys(env).sort()).toEqual([
        "DATA_SOURCE",
        "SETTRADE_APP_CODE",
        "SETTRADE_APP_ID",
        "SETTRADE_APP_SECRET",
        "SETTRADE_BASE_URL",
        "SETTRADE_BROKER_ID",
        "SETTRADE_MARKET_URL",
      ]);
      expect(env.SETTRADE_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(run.err()).toContain("throwaway key");
      const res = await fetch(`${env.SETTRADE_BASE_URL}/api/dispatcher/v3/098/token`);
      expect(res.status).toBe(401);
      run.stop("test");
      expect(await run.done).toBe(0);
      await expect(fetch(`${env.SETTRADE_BASE_URL}/api/dispatcher/v3/098/token`)).rejects.toThrow();
    } finally {
      run.stop("test");
      await run.done.catch(() => {});
    }
  });

  it("prints its help and refuses bad usage", async () => {
    const help = start(["--help"]);
    expect(await help.done).toBe(0);
    expect(help.out()).toBe(`${EMULATE_HELP}\n`);
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
