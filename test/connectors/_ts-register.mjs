// `node --import ./test/connectors/_ts-register.mjs script.ts`: lets Node 20 run the
// TypeScript child scripts of the replay tests (it cannot strip types by itself),
// with the same hooks as the benchmark suite.
import { register } from "node:module";

register("../../bench/_ts-hooks.mjs", import.meta.url);
