/**
 * The live page in a real browser: Debian's Chromium driven by playwright-core.
 * Runs on Node where /usr/bin/chromium exists (CI installs it); elsewhere it is
 * skipped with a message saying why. Keeps a screenshot in .tmp/serve-page.png
 * (TICKWIRE_UPDATE_SCREENSHOT=1 also writes serve/page/screenshot.png for the README).
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFeed } from "../../mod.ts";
import type { Feed } from "../../src/feed.ts";
import { silentLogger } from "../../src/log.ts";
import { type FeedServer, serveFeed } from "../../serve/mod.ts";

const CHROMIUM = process.env.TICKWIRE_CHROMIUM ?? "/usr/bin/chromium";
const g = globalThis as { Bun?: unknown; Deno?: unknown };
const why = g.Bun !== undefined || g.Deno !== undefined
  ? "runs on Node only (one runtime is enough for the browser test)"
  : !existsSync(CHROMIUM)
  ? `no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set TICKWIRE_CHROMIUM)`
  : undefined;
if (why !== undefined) console.warn(`[page.browser.test] skipped: ${why}`);

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const ARTIFACT = join(ROOT, ".tmp", "serve-page.png");

describe.skipIf(why !== undefined)("the live page in Chromium", () => {
  let feed: Feed;
  let server: FeedServer | undefined;
  let profile: string;
  // deno-lint-ignore no-explicit-any
  let context: any;

  beforeAll(async () => {
    feed = await createFeed({
      source: "synthetic",
      symbols: ["PTT", "AOT", "KBANK", "CPALL", "SCB"],
      channels: ["quote", "book", "trade", "info"],
      rate: 20,
      seed: 3,
      buffer: false,
      logger: silentLogger,
    });
    server = await serveFeed(feed, { port: 0, logger: silentLogger });
    const { chromium } = await import("playwright-core");
    profile = mkdtempSync(join(tmpdir(), "tickwire-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport: { width: 900, height: 340 },
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    await feed?.close();
    if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
  });

  it(
    "shows updating prices, the ladder of a clicked symbol, and recovers after a server restart",
    async () => {
      const page = await context.newPage();
      await page.goto(`${server!.url}/`);
      await page.waitForFunction(
        () => document.querySelectorAll("#quotes tbody tr").length === 5,
        null,
        {
          timeout: 10_000,
        },
      );
      await page.waitForFunction(() =>
        document.getElementById("conn")?.textContent === "connected"
      );
      await page.waitForFunction(() =>
        document.getElementById("health")?.textContent === "serving"
      );
      // Prices move: some bid cell changes within a few seconds.
      const bids = () =>
        page.$$eval("#quotes td.bid", (tds: HTMLElement[]) => tds.map((t) => t.textContent).join());
      /** Waits until some bid cell differs from `before` (what `bids()` read). */
      const bidsChangeFrom = (before: string) =>
        page.waitForFunction(
          (b: string) =>
            [...document.querySelectorAll("#quotes td.bid")].map((t) => t.textContent).join() !==
              b,
          before,
          { timeout: 10_000 },
        );
      await bidsChangeFrom(await bids());
      expect(await page.textContent('#quotes tr[data-symbol="PTT"] td.last')).toMatch(
        /^\d+\.\d\d$/,
      );
      // The ladder of a clicked symbol: ten levels with prices.
      await page.click('#quotes tr[data-symbol="PTT"]');
      await page.waitForFunction(
        () => {
          const rows = document.querySelectorAll("#ladder tbody tr");
          return rows.length === 10 &&
            /\d/.test(rows[0]!.querySelector("td.bid")?.textContent ?? "");
        },
        null,
        { timeout: 10_000 },
      );
      expect(await page.textContent("#ladder-symbol")).toBe("PTT");
      mkdirSync(join(ROOT, ".tmp"), { recursive: true });
      await page.waitForFunction(() => Number(document.getElementById("rate")?.textContent) > 0);
      await page.screenshot({ path: ARTIFACT });
      if (process.env.TICKWIRE_UPDATE_SCREENSHOT === "1") {
        copyFileSync(ARTIFACT, join(ROOT, "serve", "page", "screenshot.png"));
      }

      // Restart the server on the same port: the page notices, then reconnects by itself.
      const port = server!.port;
      await server!.close();
      server = undefined;
      await page.waitForFunction(
        () => document.getElementById("conn")?.className === "down",
        null,
        {
          timeout: 10_000,
        },
      );
      server = await serveFeed(feed, { port, logger: silentLogger });
      await page.waitForFunction(
        () => document.getElementById("conn")?.textContent === "connected",
        null,
        {
          timeout: 15_000,
        },
      );
      await bidsChangeFrom(await bids());
      await page.close();
    },
    60_000,
  );
});
