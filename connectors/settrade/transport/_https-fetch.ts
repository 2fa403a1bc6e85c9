/**
 * A `fetch` for the REST calls (login, refresh, dispatcher, market REST) that
 * honours the same TLS options as the realtime connection: an extra
 * certificate authority (`caFile`) and `insecureSkipTlsVerify`. The Web
 * `fetch` cannot take either, so these requests go through the runtime's TLS
 * adapter (`#settrade-tls`: `node:https` on Node, Bun and Deno; a clear error in
 * browsers and workers), imported only when one of the options is set. Plain `http:` URLs (a local
 * emulator) and requests without TLS options keep the Web `fetch`.
 *
 * @module
 */

import type { FetchLike } from "../auth/rate-limit.ts";
import { readCaFile } from "./_ca-file.ts";
import type { TlsAdapter } from "./_tls-adapter.ts";

/** TLS options of the REST calls. */
export interface RestTls {
  /** Path of an extra certificate authority (PEM) to trust. */
  readonly caFile?: string | undefined;
  /** Skip certificate checks (insecure). */
  readonly insecureSkipTlsVerify: boolean;
}

/**
 * The `fetch` REST calls use: the Web `fetch`, or one that honours the TLS options.
 * @param tls CA file and insecure flag.
 * @returns A fetch, or `undefined` when the Web `fetch` will do.
 */
export function restFetch(tls: RestTls): FetchLike | undefined {
  if (tls.caFile === undefined && !tls.insecureSkipTlsVerify) return undefined;
  let loading: Promise<{ adapter: TlsAdapter; ca: string | undefined }> | undefined;
  const load = () =>
    loading ??= (async () => ({
      adapter: (await import("#settrade-tls")).tlsAdapter,
      ca: tls.caFile === undefined ? undefined : await readCaFile(tls.caFile),
    }))().catch((e) => {
      loading = undefined;
      throw e;
    });
  return async (url, init) => {
    if (new URL(url).protocol !== "https:") return await fetch(url, init);
    const { adapter, ca } = await load();
    return await adapter.send(url, init, {
      ...(ca === undefined ? {} : { ca }),
      rejectUnauthorized: !tls.insecureSkipTlsVerify,
    });
  };
}
