/**
 * Reads a certificate-authority file for the transport. The only file access of
 * the Settrade connector, through the runtime's TLS adapter (`#settrade-tls`),
 * imported only when a `caFile` is configured.
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
    const { tlsAdapter } = await import("#settrade-tls");
    text = await tlsAdapter.readText(path);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
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
