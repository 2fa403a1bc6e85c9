/**
 * What the Settrade connector needs from its runtime for TLS options on REST
 * calls: reading a certificate-authority file, and an HTTPS request that
 * takes that authority or skips the checks. The Web `fetch` can do neither.
 * The adapter is chosen by package conditions (the import `#settrade-tls`), so
 * a browser or worker bundle never sees `node:https` or `node:fs`:
 *
 * | condition | adapter |
 * | --- | --- |
 * | `node`, `bun`, `deno` | `_tls-node.ts` (`node:https`, `node:fs/promises`) |
 * | `default` (browsers, workers) | `_tls-web.ts`: says the options need a server runtime |
 *
 * @module
 */

/** TLS settings of one HTTPS request. */
export interface TlsRequestOptions {
  /** Extra certificate authority (PEM text). */
  readonly ca?: string;
  /** Check the server's certificate. */
  readonly rejectUnauthorized: boolean;
}

/** The runtime's file reading and HTTPS requests with TLS options. */
export interface TlsAdapter {
  /**
   * Reads a text file.
   * @param path File path.
   * @returns Its text.
   */
  readText(path: string): Promise<string>;
  /**
   * Sends one HTTPS request with TLS options.
   * @param url Request URL (`https:`).
   * @param init Method, headers, a text body and a signal.
   * @param tls Certificate authority and checks.
   * @returns The response, body read in full.
   */
  send(url: string, init: RequestInit, tls: TlsRequestOptions): Promise<Response>;
}
