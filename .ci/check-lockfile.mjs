// Checks that package-lock.json is complete for every platform and agrees with
// package.json, so that `npm ci` succeeds on any machine:
//
// - every dependency that a locked package declares (optional ones included: the
//   platform binaries of deno, bun, @bufbuild/buf, rolldown, ...) has an entry
//   where Node's resolution finds it (its own node_modules or an ancestor's), with
//   a version and an integrity hash; npm refuses a lockfile without them, even
//   for a platform it would skip;
// - the root entry lists the same dependency ranges as package.json.
//
// Usage: node .ci/check-lockfile.mjs [repo-root]
// Exit code 0 when complete, 1 with one line per problem otherwise.

import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(process.argv[2] ?? join(fileURLToPath(import.meta.url), "..", ".."));
const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"));
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const packages = lock.packages ?? {};
const problems = [];

if (lock.lockfileVersion < 2) {
  problems.push(`lockfileVersion ${lock.lockfileVersion}: expected 2 or 3`);
}

/**
 * Where Node's resolution finds `name` from the package installed at `from`.
 * @param {string} from Install path of the depending package ("" for the root).
 * @param {string} name Package name.
 * @returns {string | undefined} The install path of the lockfile entry, if any.
 */
function resolveFrom(from, name) {
  let dir = from;
  for (;;) {
    const candidate = dir === "" ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
    if (packages[candidate] !== undefined) return candidate;
    if (dir === "") return undefined;
    const cut = dir.lastIndexOf("/node_modules/");
    dir = cut < 0 ? "" : dir.slice(0, cut);
  }
}

for (const [path, entry] of Object.entries(packages)) {
  if (path !== "" && entry.link !== true) {
    if (entry.version === undefined) problems.push(`${path}: no version`);
    if (entry.integrity === undefined) problems.push(`${path}: no integrity hash`);
  }
  if (path === "" || entry.link === true) continue;
  for (const field of ["dependencies", "optionalDependencies"]) {
    for (const name of Object.keys(entry[field] ?? {})) {
      if (resolveFrom(path, name) === undefined) {
        problems.push(`${path} needs ${name} (${field}), which has no entry`);
      }
    }
  }
}

// The root entry is npm's copy of package.json's ranges: out of date when they differ.
const rootEntry = packages[""] ?? {};
for (
  const field of ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"]
) {
  const want = JSON.stringify(Object.entries(pkg[field] ?? {}).sort());
  const have = JSON.stringify(Object.entries(rootEntry[field] ?? {}).sort());
  if (want !== have) {
    problems.push(
      `package-lock.json's root ${field} differ from package.json: run ` +
        "`npm install --package-lock-only --ignore-scripts` and commit package-lock.json",
    );
  }
}
for (
  const name of [
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.devDependencies ?? {}),
  ]
) {
  if (packages[`node_modules/${name}`] === undefined) {
    problems.push(`${name} (package.json) has no entry node_modules/${name}`);
  }
}

if (problems.length > 0) {
  for (const p of problems) console.error(`check-lockfile: ${p}`);
  process.exit(1);
}
const optional = Object.values(packages).filter((e) => e.optional === true).length;
console.log(
  `package-lock.json is complete: ${Object.keys(packages).length - 1} packages, ` +
    `${optional} of them optional (platform binaries for every platform included)`,
);
