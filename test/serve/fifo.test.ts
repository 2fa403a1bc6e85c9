import { describe, expect, it } from "vitest";
import { Fifo } from "../../serve/_fifo.ts";

describe("client FIFO", () => {
  it("gives items back in order across emptying, compaction and clear", () => {
    const f = new Fifo<number>();
    const out: number[] = [];
    let next = 0;
    // Bursts of growing size, drained partly or wholly: every path of shift.
    for (let round = 1; round <= 40; round++) {
      for (let i = 0; i < round * 97; i++) f.push(next++);
      const take = round % 3 === 0 ? f.length : Math.floor(f.length / 2);
      for (let i = 0; i < take; i++) out.push(f.shift());
    }
    while (f.length > 0) out.push(f.shift());
    expect(out).toEqual(Array.from({ length: next }, (_, i) => i));
    f.push(1);
    f.clear();
    expect(f.length).toBe(0);
    f.push(2);
    expect(f.shift()).toBe(2);
  });
});
