// Checks that deno.json (JSR) and package.json (npm) describe the same package:
// name, version, license and exports, and that every entry point has its source.
//
// Usage: node .ci/check-manifests.mjs [repo-root]
// Exit code 0 when they agree, 1 with one line per problem otherwise.

import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(process.argv[2] ?? join(fileURLToPath(import.meta.url), "..", ".."));

/**
 * Reads and parses a JSON file of the repository.
 * @param {string} name File name relative to the repository root.
 * @returns {Record<string, unknown>} The parsed object.
 */
function readJson(name) {
  return JSON.parse(readFileSync(join(root, name), "utf8"));
}

/**
 * The npm build output of a TypeScript source path (tsc with rootDir "." and outDir "dist").
 * @param {string} source A `./x/y.ts` path.
 * @returns {{ js: string, dts: string }} The `./dist/x/y.js` and `./dist/x/y.d.ts` paths.
 */
function distOf(source) {
  const stem = source.replace(/^\.\//, "").replace(/\.ts$/, "");
  return { js: `./dist/${stem}.js`, dts: `./dist/${stem}.d.ts` };
}

/**
 * Every disagreement between the two manifests.
 * @param {Record<string, any>} deno Parsed deno.json.
 * @param {Record<string, any>} pkg Parsed package.json.
 * @returns {string[]} One message per problem; empty when they agree.
 */
function compareManifests(deno, pkg) {
  const problems = [];

  const scoped = /^@[a-z0-9][a-z0-9-]*\/([a-z0-9][a-z0-9-]*)$/.exec(String(deno.name));
  if (scoped === null) {
    problems.push(`deno.json name "${deno.name}" is not a JSR name like "@scope/name"`);
  } else if (scoped[1] !== pkg.name) {
    problems.push(
      `names disagree: deno.json "${deno.name}" and package.json "${pkg.name}" (expected "${
        scoped[1]
      }")`,
    );
  }
  if (deno.version !== pkg.version) {
    problems.push(
      `versions disagree: deno.json "${deno.version}" and package.json "${pkg.version}"`,
    );
  }
  if (deno.license !== undefined && deno.license !== pkg.license) {
    problems.push(
      `licenses disagree: deno.json "${deno.license}" and package.json "${pkg.license}"`,
    );
  }

  const denoExports = typeof deno.exports === "string" ? { ".": deno.exports } : deno.exports;
  const npmExports = pkg.exports;
  if (denoExports === null || typeof denoExports !== "object") {
    problems.push("deno.json has no exports map");
    return problems;
  }
  if (npmExports === null || typeof npmExports !== "object") {
    problems.push("package.json has no exports map");
    return problems;
  }
  if (denoExports["."] !== "./mod.ts") {
    problems.push(`deno.json export "." is "${denoExports["."]}", expected "./mod.ts"`);
  }

  for (const [key, source] of Object.entries(denoExports)) {
    if (typeof source !== "string" || !/^\.\/.+\.ts$/.test(source)) {
      problems.push(`deno.json export "${key}" is "${source}", expected a "./….ts" path`);
      continue;
    }
    if (!existsSync(join(root, source))) {
      problems.push(`deno.json export "${key}" points at "${source}", which does not exist`);
    }
    const entry = npmExports[key];
    if (entry === undefined) {
      problems.push(`package.json has no export "${key}" (deno.json has "${source}")`);
      continue;
    }
    const want = distOf(source);
    if (entry === null || typeof entry !== "object") {
      problems.push(
        `package.json export "${key}" must be { types: "${want.dts}", default: "${want.js}" }`,
      );
      continue;
    }
    // `tickwire-source` (the TypeScript source, for tsc, vitest and bun test in this
    // repository) may come first; then `types` before any runtime condition.
    const conditions = Object.keys(entry).filter((c) => c !== "tickwire-source");
    if (conditions[0] !== "types") {
      problems.push(`package.json export "${key}" must list "types" first`);
    }
    if ("tickwire-source" in entry && entry["tickwire-source"] !== source) {
      problems.push(
        `package.json export "${key}" tickwire-source is "${
          entry["tickwire-source"]
        }", expected "${source}"`,
      );
    }
    if (entry.types !== want.dts) {
      problems.push(
        `package.json export "${key}" types is "${entry.types}", expected "${want.dts}"`,
      );
    }
    const runtime = entry.default ?? entry.import;
    if (runtime !== want.js) {
      problems.push(`package.json export "${key}" default is "${runtime}", expected "${want.js}"`);
    }
    if ("require" in entry) {
      problems.push(
        `package.json export "${key}" has a "require" condition; the package is ESM-only`,
      );
    }
  }

  for (const key of Object.keys(npmExports)) {
    if (key === "./package.json") continue;
    if (!(key in denoExports)) {
      problems.push(`package.json export "${key}" has no counterpart in deno.json`);
    }
  }

  // deno.json's imports map resolves what package.json installs, so that mod.ts
  // can be imported from outside the repository (a Deno `links` or workspace
  // entry, JSR): one "name" and one "name/" entry per dependency and peer.
  const imports = deno.imports ?? {};
  const needed = { ...(pkg.dependencies ?? {}), ...(pkg.peerDependencies ?? {}) };
  for (const [name, range] of Object.entries(needed)) {
    const simple = /^[\^~]?\d[\w.+-]*$/.test(range);
    for (const [key, prefix, suffix] of [[name, "npm:", ""], [`${name}/`, "npm:/", "/"]]) {
      const value = imports[key];
      const ok = typeof value === "string" && value.startsWith(`${prefix}${name}@`) &&
        value.endsWith(suffix) && (!simple || value === `${prefix}${name}@${range}${suffix}`);
      if (!ok) {
        problems.push(
          `deno.json imports "${key}" is ${JSON.stringify(value)}, expected "${prefix}${name}@${
            simple ? range : "<range>"
          }${suffix}" (package.json: ${range})`,
        );
      }
    }
  }
  for (const key of Object.keys(imports)) {
    if (key.startsWith("#")) {
      // A package-internal import: package.json must declare it too.
      if (!Object.hasOwn(pkg.imports ?? {}, key)) {
        problems.push(`deno.json imports "${key}", which package.json "imports" does not declare`);
      }
      continue;
    }
    if (!Object.hasOwn(needed, key.replace(/\/$/, ""))) {
      problems.push(`deno.json imports "${key}", which package.json does not depend on`);
    }
  }

  if (typeof pkg.repository !== "object") problems.push("package.json has no repository");
  if (typeof pkg.homepage !== "string") problems.push("package.json has no homepage");
  if (typeof pkg.bugs !== "object") problems.push("package.json has no bugs");
  if (typeof pkg.engines?.node !== "string") problems.push("package.json engines.node is not set");

  if (pkg.type !== "module") {
    problems.push(`package.json "type" is "${pkg.type}", expected "module"`);
  }

  const bins = typeof pkg.bin === "string" ? { [pkg.name]: pkg.bin } : (pkg.bin ?? {});
  for (const [name, target] of Object.entries(bins)) {
    const match = /^\.\/dist\/(.+)\.js$/.exec(String(target));
    if (match === null) {
      problems.push(`package.json bin "${name}" is "${target}", expected a "./dist/….js" path`);
    } else if (!existsSync(join(root, `${match[1]}.ts`))) {
      problems.push(`package.json bin "${name}" has no source "./${match[1]}.ts"`);
    }
  }

  return problems;
}

const isMain = process.argv[1] !== undefined &&
  resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const problems = compareManifests(readJson("deno.json"), readJson("package.json"));
  if (problems.length === 0) {
    console.log("manifests agree: deno.json and package.json name, version and exports match");
  } else {
    for (const problem of problems) console.error(`check-manifests: ${problem}`);
    process.exitCode = 1;
  }
}
