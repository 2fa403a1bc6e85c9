/**
 * Reads a certificate-authority file for the transport. The only file access of
 * the Settrade connector: `node:fs/promises` (present on Node, Bun and Deno) is
 * imported only when a `caFile` is configured, so other runtimes never load it.
 *
 * @module
 */

import { ConfigError } from "../../../src/errors.ts";

/**
 * Reads a PEM file as text.
 * @param path File path.
 * @returns The file's text.
 * @throws ConfigError (key `caFile`) when the file cannot be read or holds no PEM certificate.
 */
export async function readCaFile(path: string): Promise<string> {
  let text: string;
  try {
    const fs = await import("node:fs/promises");
    text = await fs.readFile(path, "utf8");
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw new ConfigError("[settrade] cannot read the CA file", [{
      key: "caFile",
      message: `cannot read ${JSON.stringify(path)}${typeof code === "string" ? ` (${code})` : ""}`,
    }], { cause: e });
  }
  if (!text.includes("-----BEGIN CERTIFICATE-----")) {
    throw new ConfigError("[settrade] invalid CA file", [{
      key: "caFile",
      message: `${JSON.stringify(path)} holds no PEM certificate`,
    }]);
  }
  return text;
}
