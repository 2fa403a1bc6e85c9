/**
 * Plain edge bundles: the edge app (`app.ts`) is bundled by esbuild for the
 * browser platform, in one file, without code splitting, from the built package
 * (`dist/`, as a user gets it), then run in workerd and in headless Chromium.
 * Every event must arrive, in order, and the replay must give back what was
 * recorded. The core plus the synthetic connector must stay within 25 KB gzipped.
 *
 * Runs on Node (the bundler and the two runtimes are started from here). The
 * Chromium part is skipped, saying so, where no Chromium is installed
 * (`CHROMIUM_PATH`, default `/usr/bin/chromium`); CI installs it.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EdgeResult } from "./app.ts";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = join(here, "../..");
const onNode = !("Bun" in globalThis) && !("Deno" in globalThis);
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const hasDist = existsSync(join(root, "dist/src/mod.js"));
if (!hasDist) {
  console.warn("[edge] skipping: bundles are made from dist/; run `npm run build` first");
}
const LIVE = 500;

async function bundle(entry: string, outfile: string): Promise<string> {
  const { build } = await import("esbuild");
  await build({
    entryPoints: [join(here, entry)],
    outfile,
    bundle: true,
    format: "esm",
    platform: "browser",
    minify: true,
    splitting: false,
    logLevel: "error",
    absWorkingDir: root,
  });
  return readFileSync(outfile, "utf8");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function checkResult(r: EdgeResult & { error?: string }): void {
  expect(r.error).toBeUndefined();
  expect(r.live).toBe(LIVE);
  expect(r.replayed).toBe(LIVE);
  expect(r.liveInOrder).toBe(true);
  expect(r.replayInOrder).toBe(true);
  expect(r.sameEvents).toBe(true);
  expect(Object.keys(r.types).sort()).toEqual(["book", "quote", "trade"]);
}

describe.skipIf(!onNode || !hasDist)("plain edge bundles", () => {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "tickwire-edge-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("bundles the core and the synthetic connector to at most 25 KB gzipped", async () => {
    const { build } = await import("esbuild");
    const out = await build({
      entryPoints: [join(here, "core-synthetic.ts")],
      bundle: true,
      format: "esm",
      platform: "browser",
      minify: true,
      write: false,
      absWorkingDir: root,
    });
    const code = out.outputFiles[0]!.contents;
    expect(gzipSync(code).length).toBeLessThanOrEqual(25 * 1024);
    expect(new TextDecoder().decode(code)).not.toMatch(/node:|mqtt|protobuf/);
  }, 60_000);

  it("bundles every entry point a browser can use, with no node: module left", async () => {
    // The root pulls in every built-in connector by name; Settrade's TLS
    // options, replay's files and NATS's TCP transport sit behind package
    // conditions, so the browser build resolves to their Web versions.
    const { build } = await import("esbuild");
    for (
      const entry of ["tickwire", "tickwire/connectors/settrade", "tickwire/connectors/replay"]
    ) {
      const out = await build({
        stdin: { contents: `export * from "${entry}";`, resolveDir: root, loader: "js" },
        bundle: true,
        format: "esm",
        platform: "browser",
        minify: true,
        splitting: false,
        write: false,
        logLevel: "silent",
        absWorkingDir: root,
      });
      const code = new TextDecoder().decode(out.outputFiles[0]!.contents);
      expect(code, entry).not.toMatch(/["']node:/);
    }
  }, 120_000);

  it("runs in workerd: every event, in order, and the replay of its recording", async () => {
    const code = await bundle("worker.ts", join(dir, "worker.js"));
    expect(code).not.toMatch(/["']node:/);
    const port = await freePort();
    writeFileSync(
      join(dir, "config.capnp"),
      `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .edge) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const edge :Workerd.Worker = (
  modules = [ (name = "worker", esModule = embed "worker.js") ],
  compatibilityDate = "2025-01-01",
);
`,
    );
    const bin = join(root, "node_modules/.bin/workerd");
    const child = spawn(bin, ["serve", join(dir, "config.capnp")], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    try {
      let res: Response | undefined;
      for (let i = 0; i < 100 && res === undefined; i++) {
        if (child.exitCode !== null) throw new Error(`workerd exited: ${stderr}`);
        res = await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined);
        if (res === undefined) await new Promise((r) => setTimeout(r, 100));
      }
      if (res === undefined) throw new Error(`workerd did not answer: ${stderr}`);
      checkResult(await res.json() as EdgeResult);
    } finally {
      child.kill("SIGTERM");
    }
  }, 60_000);

  const browser = existsSync(chromium);
  if (!browser) {
    console.warn(
      `[edge] skipping the Chromium run: no Chromium at ${chromium} (set CHROMIUM_PATH)`,
    );
  }
  it.skipIf(!browser)(
    "runs in headless Chromium: every event, in order, and the replay",
    async () => {
      const code = await bundle("page.ts", join(dir, "page.js"));
      const { chromium: pw } = await import("playwright-core");
      const b = await pw.launch({
        executablePath: chromium,
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
      });
      try {
        const page = await b.newPage();
        const errors: string[] = [];
        page.on("pageerror", (e) => errors.push(e.message));
        await page.setContent("<!doctype html><title>tickwire edge</title>");
        await page.addScriptTag({ content: code, type: "module" });
        await page.waitForFunction(
          () => (globalThis as { __edge?: unknown }).__edge !== undefined,
          {
            timeout: 30_000,
          },
        );
        const result = await page.evaluate(() => (globalThis as { __edge?: unknown }).__edge);
        expect(errors).toEqual([]);
        checkResult(result as EdgeResult);
      } finally {
        await b.close();
      }
    },
    60_000,
  );
});
