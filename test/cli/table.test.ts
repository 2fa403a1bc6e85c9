/**
 * The live table: fitted to the terminal's width, redrawn from a cleared screen
 * when the terminal is resized.
 */
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { TopOfBookTable } from "../../cli/table.ts";
import { type CliIo, Out, type WritableLike } from "../../cli/_runtime.ts";
import { createFeed } from "../../mod.ts";

const ESC = String.fromCharCode(27);
/** Removes the cursor movement and clearing codes. */
const visible = (text: string): string[] =>
  text.replace(new RegExp(`${ESC}\\[[0-9;]*[A-Za-z]`, "g"), "").split("\n").filter((l) => l !== "");

/** A table fed with a few hundred events of five symbols on four channels. */
async function filledTable(): Promise<{ table: TopOfBookTable; render(cols: number): string }> {
  const feed = await createFeed({
    source: "synthetic",
    rate: "max",
    channels: ["quote", "book", "trade", "info"],
    logLevel: "silent",
  });
  const table = new TopOfBookTable();
  for (const ev of feed.poll(400)) table.update(ev);
  for await (const ev of feed) {
    table.update(ev);
    if (feed.health().queue.polled >= 600) break;
  }
  await feed.close();
  const health = feed.health();
  return { table, render: (cols) => table.render(health, performance.now(), cols) };
}

describe("the live table", () => {
  it("fits an 80-column terminal, keeping symbol, bid and ask", async () => {
    const { render } = await filledTable();
    const lines = visible(render(80));
    expect(lines.length).toBeGreaterThanOrEqual(7); // status, header, five symbols
    for (const line of lines) expect(line.length, line).toBeLessThan(80);
    expect(lines[1]).toMatch(/^SYMBOL\s+.*\bBID\s+ASK\b/);
    expect(lines.slice(2).map((l) => l.split(/\s+/)[0]).sort()).toEqual(
      ["AOT", "CPALL", "KBANK", "PTT", "SCB"],
    );
  });

  it("shows every column on a wide terminal and only the essentials on a narrow one", async () => {
    const { render } = await filledTable();
    const wide = visible(render(160));
    for (const h of ["SYMBOL", "BID SIZE", "BID", "ASK", "ASK SIZE", "LAST", "VOLUME", "AGE"]) {
      expect(wide[1]).toContain(h);
    }
    const narrow = visible(render(44));
    for (const line of narrow) expect(line.length, line).toBeLessThan(44);
    expect(narrow[1]).toMatch(/^SYMBOL\s+BID\s+ASK/);
    expect(narrow[1]).not.toContain("VOLUME");
  });

  it("moves up over its previous rendering, and clears the screen after invalidate()", async () => {
    const { table, render } = await filledTable();
    const first = render(80);
    const height = visible(first).length;
    expect(render(80).startsWith(`${ESC}[${height}F${ESC}[J`)).toBe(true);
    table.invalidate();
    expect(render(80).startsWith(`${ESC}[2J${ESC}[H`)).toBe(true);
  });

  it("redraws at the new width when the terminal is resized while streaming", async () => {
    const chunks: string[] = [];
    let resize: (() => void) | undefined;
    const tty: WritableLike & { columns: number } = {
      write(chunk: string, cb?: () => void) {
        chunks.push(chunk);
        // After the first rendering, the terminal shrinks to 50 columns.
        if (chunks.length === 1 && resize !== undefined) {
          tty.columns = 50;
          resize();
        }
        cb?.();
        return true;
      },
      once: () => undefined,
      on: ((event: string, fn: () => void) => {
        if (event === "resize") resize = fn;
        return undefined;
      }) as WritableLike["on"],
      off(event: string) {
        if (event === "resize") resize = undefined;
        return undefined;
      },
      isTTY: true,
      columns: 120,
    };
    const quiet: WritableLike = { write: () => true, once: () => undefined, on: () => undefined };
    const io: CliIo = { out: new Out(tty), err: new Out(quiet), env: {} };
    expect(await main(["stream", "--rate", "200", "--limit", "60", "--symbols", "PTT,AOT"], io))
      .toBe(0);
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expect(chunks[1]!.startsWith(`${ESC}[2J${ESC}[H`)).toBe(true);
    for (const chunk of chunks.slice(1)) {
      for (const line of visible(chunk)) expect(line.length, line).toBeLessThan(50);
    }
    expect(resize, "the resize listener is removed at the end").toBeUndefined();
  });
});
