// `node --import ./bench/_register.mjs bench/main.ts`: registers the TypeScript
// hooks of `_ts-hooks.mjs` (Node 20 cannot strip types by itself).
import { register } from "node:module";

register("./_ts-hooks.mjs", import.meta.url);
