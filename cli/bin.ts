#!/usr/bin/env node
/**
 * Executable entry of the `tickwire` command: `npx tickwire stream`,
 * `bunx tickwire stream`, `deno run -A cli/bin.ts stream`.
 *
 * @module
 */

import { defaultIo, host } from "./_runtime.ts";
import { main } from "./main.ts";

const io = defaultIo();
const code = await main(host().argv.slice(2), io);
// An exit drops what the streams still buffer: a slow reader gets every line.
await Promise.all([io.out.flush(), io.err.flush()]);
host().exit(code);
