// Module hooks that let Node 20 run TypeScript files (the benchmark suite, and the
// child scripts of some tests): each `.ts` file is transpiled on load with the
// project's own TypeScript compiler, using the build's target (ES2022), so the
// code measured is the code `tsc` ships.
//
// Transpiled files are cached on disk (node_modules/.cache/tickwire-ts, keyed by
// the source text, the compiler's version and the options), and the compiler is
// loaded only on a miss. Each worker thread runs its own copy of these hooks: a
// worker started by code under test (the replay's reading thread) then starts in
// milliseconds instead of loading the compiler again.
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const CACHE = fileURLToPath(new URL("../node_modules/.cache/tickwire-ts/", import.meta.url));

/** @type {Promise<typeof import("typescript")> | undefined} */
let compiler;

/** @param {typeof import("typescript")} ts */
function options(ts) {
  /** @type {import("typescript").CompilerOptions} */
  return {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    verbatimModuleSyntax: true,
    sourceMap: false,
    inlineSourceMap: true,
    inlineSources: false,
  };
}

/** The compiler's version, read without loading it. */
const version = JSON.parse(
  await readFile(new URL("../node_modules/typescript/package.json", import.meta.url), "utf8"),
).version;

/**
 * @param {string} fileName
 * @param {string} text
 * @returns {Promise<string>}
 */
async function transpile(fileName, text) {
  const key = createHash("sha256").update(`${version}\0v1\0${fileName}\0${text}`).digest("hex");
  const cached = `${CACHE}${key}.js`;
  try {
    return await readFile(cached, "utf8");
  } catch {
    // not cached yet
  }
  compiler ??= import("typescript").then((m) => m.default);
  const ts = await compiler;
  const out = ts.transpileModule(text, { fileName, compilerOptions: options(ts) }).outputText;
  try {
    await mkdir(CACHE, { recursive: true });
    const tmp = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    await writeFile(tmp, out);
    await rename(tmp, cached);
  } catch {
    // a read-only tree: transpile again next time
  }
  return out;
}

/**
 * Transpiles `.ts` files; everything else goes to the next loader.
 * @param {string} url
 * @param {{ format?: string }} context
 * @param {(url: string, context: object) => Promise<object>} nextLoad
 * @returns {Promise<object>}
 */
export async function load(url, context, nextLoad) {
  if (!url.startsWith("file:") || !url.endsWith(".ts")) return nextLoad(url, context);
  const fileName = fileURLToPath(url);
  const text = await readFile(fileName, "utf8");
  return { format: "module", source: await transpile(fileName, text), shortCircuit: true };
}

/**
 * Resolves the package's own `#` imports (package.json `imports`) to the
 * TypeScript sources, as the `tickwire-source` condition does for vitest and tsc.
 * @param {string} specifier
 * @param {{ conditions: string[] }} context
 * @param {(specifier: string, context: object) => Promise<object>} nextResolve
 * @returns {Promise<object>}
 */
export function resolve(specifier, context, nextResolve) {
  if (!specifier.startsWith("#")) return nextResolve(specifier, context);
  return nextResolve(specifier, {
    ...context,
    conditions: ["tickwire-source", ...context.conditions],
  });
}
