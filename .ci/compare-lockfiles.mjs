// Compares two package-lock.json files: the committed one and the one `npm install` wrote.
// Fails when any installed package differs (path, version, resolved or integrity); only
// warns when the root entry (the copy of package.json's dependency ranges) differs.
//
// Usage: node .ci/compare-lockfiles.mjs <committed-lock> <installed-lock>

import { readFileSync } from "node:fs";

const [committedPath, installedPath] = process.argv.slice(2);
if (committedPath === undefined || installedPath === undefined) {
  console.error("usage: node .ci/compare-lockfiles.mjs <committed-lock> <installed-lock>");
  process.exit(2);
}

/**
 * The `packages` map of a lockfile.
 * @param {string} path Path of a package-lock.json (lockfileVersion 2 or 3).
 * @returns {Record<string, Record<string, unknown>>} Entries by install path.
 */
function packagesOf(path) {
  const lock = JSON.parse(readFileSync(path, "utf8"));
  return lock.packages ?? {};
}

/**
 * What identifies an installed package.
 * @param {Record<string, unknown> | undefined} entry A lockfile entry.
 * @returns {string} Version, resolved URL and integrity, or "absent".
 */
function identity(entry) {
  if (entry === undefined) return "absent";
  return JSON.stringify([entry.version, entry.resolved, entry.integrity, entry.link]);
}

const committed = packagesOf(committedPath);
const installed = packagesOf(installedPath);

const changed = [];
for (const path of new Set([...Object.keys(committed), ...Object.keys(installed)])) {
  if (path === "") continue;
  if (identity(committed[path]) !== identity(installed[path])) {
    changed.push(`${path}: ${identity(committed[path])} -> ${identity(installed[path])}`);
  }
}

const rootBefore = JSON.stringify(committed[""] ?? {});
const rootAfter = JSON.stringify(installed[""] ?? {});
if (rootBefore !== rootAfter) {
  console.log(
    "warning: package-lock.json's root entry does not match package.json; " +
      "run `npm install --package-lock-only --ignore-scripts` and commit package-lock.json",
  );
}

if (changed.length > 0) {
  console.error("package-lock.json is out of date: npm install changed these packages:");
  for (const line of changed) console.error(`  ${line}`);
  process.exit(1);
}
console.log("package-lock.json: npm install kept every locked package");
