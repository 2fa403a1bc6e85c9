// The npm build: `npm run build`, and `prepare` (after `npm install` in a clone,
// and before `npm pack` / `npm publish`).
//
// 1. `tsc --build`: incremental, so a build with nothing changed since the last
//    one writes nothing and takes a moment. This matters because the first
//    `npx tickwire` in a clone runs `prepare` again: npm exec installs the
//    project's own directory into its npx cache to link its `bin`, and runs the
//    `prepare` script of that directory.
// 2. The examples in the declarations import the npm name: the sources (what
//    JSR shows) import "@tickwire/tickwire", the `.d.ts` files (what an npm
//    user's editor shows) "tickwire".
// 3. The CLI entry is made executable, also when dist/ was built afresh.
// 4. The live page of `tickwire serve` (serve/page, but the screenshot) is copied
//    to dist/serve/page, each file only when it differs.
//
// Usage: node scripts/build.mjs

import { execFileSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = join(root, "dist");
const JSR_NAME = "@tickwire/tickwire";
const NPM_NAME = "tickwire";

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "--build", "tsconfig.build.json"], {
  cwd: root,
  stdio: "inherit",
});

/**
 * Every file under a directory.
 * @param {string} dir
 * @returns {string[]}
 */
function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]
  );
}

// `"@tickwire/tickwire"` and `"@tickwire/tickwire/connectors/..."` in JSDoc examples.
const jsrImport = new RegExp(`(["'])${JSR_NAME.replace("/", "\\/")}(?=["/])`, "g");
let rewritten = 0;
for (const file of walk(dist)) {
  if (!file.endsWith(".d.ts") && !file.endsWith(".js")) continue;
  const text = readFileSync(file, "utf8");
  const next = text.replace(jsrImport, `$1${NPM_NAME}`);
  if (next !== text) {
    writeFileSync(file, next);
    rewritten++;
  }
}

chmodSync(join(dist, "cli", "bin.js"), 0o755);

const page = join(root, "serve", "page");
const pageOut = join(dist, "serve", "page");
mkdirSync(pageOut, { recursive: true });
for (const name of readdirSync(page)) {
  if (name.endsWith(".png")) continue;
  const bytes = readFileSync(join(page, name));
  const to = join(pageOut, name);
  if (!existsSync(to) || !readFileSync(to).equals(bytes)) writeFileSync(to, bytes);
}
if (process.env.TICKWIRE_BUILD_QUIET !== "1" && rewritten > 0) {
  console.log(`build: examples in ${rewritten} files of dist/ import "${NPM_NAME}"`);
}
