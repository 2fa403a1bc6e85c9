/**
 * Writes the hostile captures of `_hostile.ts` to this folder (the fuzz test's
 * stored corpus): `node --import ./test/connectors/_ts-register.mjs
 * test/connectors/capture/corpus/make.ts` from the repository root.
 *
 * @module
 */

import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CORPUS } from "../_hostile.ts";

for (const [name, build] of Object.entries(CORPUS)) {
  const bytes = await build();
  writeFileSync(fileURLToPath(new URL(name, import.meta.url)), bytes);
  console.log(`${name}: ${bytes.length} bytes`);
}
