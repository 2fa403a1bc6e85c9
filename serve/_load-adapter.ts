/**
 * Picks the server adapter of the runtime this code runs on, loading only that
 * runtime's module (hono's Node server and `ws` never load on Bun or Deno).
 *
 * @module
 */

import type { ServerAdapter } from "./_adapter.ts";

/**
 * Loads the adapter of the runtime this code runs on.
 * @returns Node's (`@hono/node-server` + `ws`), Bun's (`Bun.serve`) or Deno's (`Deno.serve`).
 */
export async function loadAdapter(): Promise<ServerAdapter> {
  const g = globalThis as { Bun?: unknown; Deno?: unknown };
  if (g.Bun !== undefined) return (await import("./_adapter-bun.ts")).bunAdapter();
  if (g.Deno !== undefined) return (await import("./_adapter-deno.ts")).denoAdapter();
  return (await import("./_adapter-node.ts")).nodeAdapter();
}
