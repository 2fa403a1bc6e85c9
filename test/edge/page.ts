/**
 * The edge app in a browser page: runs it and leaves what it saw on
 * `globalThis.__edge` for the test to read.
 *
 * @module
 */

import { runEdgeApp } from "./app.ts";

const g = globalThis as { __edge?: unknown };
runEdgeApp().then(
  (result) => (g.__edge = result),
  (e) => (g.__edge = { error: e instanceof Error ? e.stack ?? e.message : String(e) }),
);
