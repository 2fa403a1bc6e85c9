/**
 * The TLS adapter for runtimes without `node:https` (browsers, workers): the
 * Web `fetch` takes no certificate authority and cannot skip checks, so both
 * options are refused with an error naming them.
 *
 * @module
 */

import { ConfigError } from "../../../src/errors.ts";
import type { TlsAdapter } from "./_tls-adapter.ts";

function refuse(key: string, what: string): ConfigError {
  return new ConfigError(`[settrade] ${what} is not possible in this runtime`, [{
    key,
    message: "browsers and workers cannot set TLS options on fetch; use the system's trusted " +
      "certificates (leave caFile and insecureSkipTlsVerify unset) or run on Node, Bun or Deno",
  }]);
}

/** Refuses both: this runtime has no file system and no TLS options on fetch. */
export const tlsAdapter: TlsAdapter = {
  readText(_path: string): Promise<string> {
    return Promise.reject(refuse("caFile", "reading a CA file"));
  },
  send(): Promise<Response> {
    return Promise.reject(refuse("insecureSkipTlsVerify", "a request with TLS options"));
  },
};
