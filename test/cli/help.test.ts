/**
 * Help and version for the program and every command in the command table, from
 * the one generic mechanism (`cli/command.ts`): a command added to the table gets
 * `-h`, `--help`, `help <command>` and `--version` without code of its own.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { flagType } from "../../cli/args.ts";
import { type CommandSpec, formatHelp } from "../../cli/command.ts";
import { COMMANDS, main, VERSION_LINE } from "../../cli/main.ts";
import { VERSION } from "../../cli/_version.ts";
import { memoryIo } from "../_helpers/memory-io.ts";

const root = new URL("../../", import.meta.url);
const manifest = (name: string): { version: string } =>
  JSON.parse(readFileSync(new URL(name, root), "utf8"));

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo();
  const code = await main(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

describe("tickwire help and version", () => {
  it("prints the program's help on stdout for -h, --help and help, naming every command", async () => {
    for (const argv of [["-h"], ["--help"], ["help"]]) {
      const r = await run(argv);
      expect(r.code, argv.join(" ")).toBe(0);
      expect(r.err).toBe("");
      expect(r.out).toMatch(/^Usage: tickwire <command> \[options\]/);
      for (const name of Object.keys(COMMANDS)) expect(r.out).toMatch(new RegExp(`\n  ${name} `));
    }
  });

  it("prints the help on stderr and exits 2 when no command is given", async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/^Usage: tickwire <command>/);
  });

  it("prints the version of package.json and deno.json for the program and every command", async () => {
    expect(VERSION).toBe(manifest("package.json").version);
    expect(VERSION).toBe(manifest("deno.json").version);
    for (
      const argv of [
        ["--version"],
        ["version"],
        ...Object.keys(COMMANDS).map((c) => [c, "--version"]),
      ]
    ) {
      const r = await run(argv);
      expect(r.code, argv.join(" ")).toBe(0);
      expect(r.out).toBe(`${VERSION_LINE}\n`);
    }
  });

  for (const name of Object.keys(COMMANDS)) {
    it(`answers -h, --help and "help ${name}" for ${name} with its usage and every flag`, async () => {
      const spec = await COMMANDS[name]!.load() as CommandSpec;
      const want = formatHelp(spec);
      expect(want).toMatch(new RegExp(`^Usage: tickwire ${name}\\b`));
      for (const flag of Object.keys(spec.flags)) expect(want).toContain(`--${flag}`);
      expect(want).toContain("-h, --help");
      expect(want).toContain("--version");
      const wide = want.split("\n").filter((line) => line.length > 80);
      expect(wide, "lines wider than an 80-column terminal").toEqual([]);
      for (
        const argv of [[name, "-h"], [name, "--help"], ["help", name], [name, "--bogus", "-h"]]
      ) {
        const r = await run(argv);
        expect(r.code, argv.join(" ")).toBe(0);
        expect(r.out).toBe(want);
        expect(r.err).toBe("");
      }
    });
  }

  it("gives every flag of every command a help line", async () => {
    for (const [name, entry] of Object.entries(COMMANDS)) {
      const spec = await entry.load() as CommandSpec;
      for (const [flag, def] of Object.entries(spec.flags)) {
        expect(typeof def === "object" && (def.help ?? "") !== "", `${name} --${flag}`).toBe(true);
        expect(flagType(spec.flags, flag)).toMatch(/^(string|boolean)$/);
      }
    }
  });

  it("refuses an unknown command or option with exit 2, naming the commands", async () => {
    const unknown = await run(["strem"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/^tickwire: unknown command "strem"; commands: stream, /);
    const option = await run(["--verbose"]);
    expect(option.code).toBe(2);
    expect(option.err).toMatch(/unknown option --verbose/);
    const help = await run(["help", "nope"]);
    expect(help.code).toBe(2);
  });

  it("lays long option names out on their own line", () => {
    const text = formatHelp({
      usage: "demo",
      description: "Demo.",
      flags: { "a-rather-long-option-name": { type: "string", value: "VALUE", help: "explained" } },
      run: () => Promise.resolve(0),
    });
    expect(text).toMatch(/\n {2}--a-rather-long-option-name VALUE\n {2,}explained\n/);
  });
});
