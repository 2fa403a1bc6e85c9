import { describe, expect, it } from "vitest";
import { eventLine } from "../../../connectors/replay/capture/ndjson.ts";
import { quote, readAll, status, utf8 } from "./_helpers.ts";

const lines = (...evs: unknown[]): string =>
  evs.map((e) => (typeof e === "string" ? `${e}\n` : eventLine(e as never))).join("");

describe("NDJSON event captures", () => {
  it("reads every event back, with line numbers, skipping blank lines", async () => {
    const text = `${lines(status("connected"), quote(1))}\n  \n${lines(quote(2))}`;
    const { records, issues } = await readAll(utf8(text), { chunk: 5 });
    expect(issues).toEqual([]);
    expect(records.map((r) => [r.kind, r.record])).toEqual([["status", 1], ["event", 2], [
      "event",
      5,
    ]]);
    expect(records[2]!.kind === "event" && records[2]!.event).toEqual(quote(2));
  });

  it("reports a line that is not JSON with its line number and stops by default, keeping the lines before", async () => {
    const { records, issues } = await readAll(utf8(lines(quote(1), "{not json", quote(3))), {
      name: "e.ndjson",
    });
    expect(records).toHaveLength(1);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: "json", record: 2, tail: false });
    expect(issues[0]!.message).toMatch(
      /"e\.ndjson": line 2 at byte \d+ is not valid JSON .*reading stops here/,
    );
  });

  it("names the field of an invalid event and skips the line with onCorrupt skip", async () => {
    const bad = { ...quote(2), bidSize: -5 };
    const wrongType = { ...quote(3), type: "tick" };
    const { records, issues } = await readAll(utf8(lines(quote(1), bad, wrongType, quote(4))), {
      onCorrupt: "skip",
    });
    expect(records.map((r) => r.kind === "event" && (r.event as { seq: number }).seq)).toEqual([
      1,
      4,
    ]);
    expect(issues.map((i) => [i.code, i.record, i.field])).toEqual([["schema", 2, "bidSize"], [
      "schema",
      3,
      "type",
    ]]);
    expect(issues[0]!.message).toMatch(
      /line 2 at byte \d+ is not a valid event: field "bidSize".*line skipped/,
    );
  });

  it("treats a cut last line as a truncated tail and accepts a complete last line without newline", async () => {
    const full = lines(quote(1), quote(2));
    const cut = full.slice(0, full.length - 20);
    const truncated = await readAll(utf8(cut));
    expect(truncated.records).toHaveLength(1);
    expect(truncated.issues).toEqual([
      expect.objectContaining({ code: "truncated", record: 2, tail: true }),
    ]);
    expect(truncated.issues[0]!.message).toMatch(
      /line 2 at byte \d+ has no newline and is cut short/,
    );
    const noNewline = await readAll(utf8(full.slice(0, -1)));
    expect(noNewline.issues).toEqual([]);
    expect(noNewline.records).toHaveLength(2);
  });

  it("reports a line of an unsupported shape before anything is lost", async () => {
    const { records, issues } = await readAll(utf8(lines(quote(1), "[1,2,3]")));
    expect(records).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: "schema", record: 2 });
  });
});
