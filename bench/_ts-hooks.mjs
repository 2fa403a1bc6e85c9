// Module hooks that let Node 20 run TypeScript files (the benchmark suite, and the
// child scripts of some tests): each `.ts` file is transpiled on load with the
// project's own TypeScript compiler, using the build's target (ES2022), so the
// code measured is the code `tsc` ships.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import ts from "typescript";

/** @type {import("typescript").CompilerOptions} */
const OPTIONS = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  verbatimModuleSyntax: true,
  sourceMap: false,
  inlineSourceMap: true,
  inlineSources: false,
};

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
  const out = ts.transpileModule(text, { fileName, compilerOptions: OPTIONS });
  return { format: "module", source: out.outputText, shortCircuit: true };
}
