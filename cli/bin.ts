#!/usr/bin/env node
/**
 * Executable entry of the `tickwire` command: `npx tickwire stream`,
 * `bunx tickwire stream`, `deno run -A cli/bin.ts stream`.
 *
 * @module
 */

import { host } from "./_runtime.ts";
import { main } from "./main.ts";

const code = await main(host().argv.slice(2));
host().exit(code);
