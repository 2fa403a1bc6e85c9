// Extracts the code blocks of a Markdown file so that CI can type-check and run
// them: every ```ts block becomes NN.ts and every ```sh block NN.sh in OUTDIR,
// listed in OUTDIR/blocks.json as { file, lang, line, awaitUsing }.
//
// A block that cannot run in CI is fenced as ```ts ignore (or ```sh ignore) and
// has, on the line right above the fence, a comment saying why:
//   <!-- not run: needs Settrade credentials -->
// Any other language, or an ignored block without its reason, fails the check.
//
// Usage: node .ci/readme-blocks.mjs README.md OUTDIR

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [source, outDir] = process.argv.slice(2);
if (source === undefined || outDir === undefined) {
  console.error("usage: node .ci/readme-blocks.mjs README.md OUTDIR");
  process.exit(2);
}

const LANGS = { ts: "ts", typescript: "ts", sh: "sh", bash: "sh", shell: "sh" };
const REASON = /^<!--\s*not run:\s*(\S.*?)\s*-->$/;

const lines = readFileSync(source, "utf8").split("\n");
const blocks = [];
const problems = [];
let skipped = 0;
for (let i = 0; i < lines.length; i++) {
  const open = /^(\s*)```(\S*)(.*)$/.exec(lines[i]);
  if (open === null) continue;
  const [, indent, lang, rest] = open;
  const start = i;
  const body = [];
  for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]); i++) {
    body.push(lines[i].slice(indent.length));
  }
  if (i >= lines.length) problems.push(`${source}:${start + 1}: the block is not closed`);
  const flags = rest.trim().split(/\s+/).filter(Boolean);
  const where = `${source}:${start + 1}`;
  if (flags.includes("ignore")) {
    const reason = REASON.exec((lines[start - 1] ?? "").trim());
    if (reason === null) {
      problems.push(
        `${where}: an ignored block needs its reason on the line above: <!-- not run: why -->`,
      );
    }
    skipped++;
    continue;
  }
  const kind = LANGS[lang];
  if (kind === undefined) {
    problems.push(
      `${where}: a \`\`\`${lang || "(no language)"} block cannot be run; use ts or sh, ` +
        "or mark it ignore with <!-- not run: why --> above it",
    );
    continue;
  }
  const file = `${String(blocks.length + 1).padStart(2, "0")}.${kind}`;
  const text = body.join("\n");
  blocks.push({ file, lang: kind, line: start + 1, awaitUsing: /\bawait using\b/.test(text) });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, file), `${text}\n`);
}

if (problems.length > 0) {
  for (const p of problems) console.error(`readme-blocks: ${p}`);
  process.exit(1);
}
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, "blocks.json"), JSON.stringify(blocks, null, 2));
console.log(
  `${source}: ${blocks.length} blocks to run (${
    blocks.filter((b) => b.lang === "ts").length
  } TypeScript, ${blocks.filter((b) => b.lang === "sh").length} shell), ${skipped} marked not run`,
);
