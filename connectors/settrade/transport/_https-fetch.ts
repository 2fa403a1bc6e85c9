/**
 * A `fetch` for the REST calls (login, refresh, dispatcher, market REST) that
 * honours the same TLS options as the realtime connection: an extra
 * certificate authority (`caFile`) and `insecureSkipTlsVerify`. The Web
 * `fetch` cannot take either, so these requests go through `node:https`
 * (present on Node, Bun and Deno, and what the WebSocket transport uses too),
 * imported only when one of the options is set. Plain `http:` URLs (a local
 * emulator) and requests without TLS options keep the Web `fetch`.
 *
 * @module
 */

import { ConnectionError } from "../../../src/errors.ts";
import type { FetchLike } from "../auth/rate-limit.ts";
import { readCaFile } from "./_ca-file.ts";

/** TLS options of the REST calls. */
export interface RestTls {
  /** Path of an extra certificate authority (PEM) to trust. */
  readonly caFile?: string | undefined;
  /** Skip certificate checks (insecure). */
  readonly insecureSkipTlsVerify: boolean;
}

type HttpsModule = typeof import("node:https");

/**
 * The `fetch` REST calls use: the Web `fetch`, or one that honours the TLS options.
 * @param tls CA file and insecure flag.
 * @returns A fetch, or `undefined` when the Web `fetch` will do.
 */
export function restFetch(tls: RestTls): FetchLike | undefined {
  if (tls.caFile === undefined && !tls.insecureSkipTlsVerify) return undefined;
  let loading: Promise<{ https: HttpsModule; ca: string | undefined }> | undefined;
  const load = () =>
    loading ??= (async () => ({
      https: await import("node:https"),
      ca: tls.caFile === undefined ? undefined : await readCaFile(tls.caFile),
    }))().catch((e) => {
      loading = undefined;
      throw e;
    });
  return async (url, init) => {
    if (new URL(url).protocol !== "https:") return await fetch(url, init);
    const { https, ca } = await load();
    return await send(https, url, init, {
      ...(ca === undefined ? {} : { ca }),
      rejectUnauthorized: !tls.insecureSkipTlsVerify,
    });
  };
}

function send(
  https: HttpsModule,
  url: string,
  init: RequestInit,
  tls: { ca?: string; rejectUnauthorized: boolean },
): Promise<Response> {
  const signal = init.signal ?? undefined;
  signal?.throwIfAborted();
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, key) => (headers[key] = value));
  const body = typeof init.body === "string" ? init.body : undefined;
  if (init.body != null && body === undefined) {
    throw new TypeError("[settrade] REST bodies are JSON text");
  }
  return new Promise<Response>((resolve, reject) => {
    const req = https.request(url, { method: init.method ?? "GET", headers, ...tls }, (res) => {
      const chunks: Uint8Array[] = [];
      res.on("data", (chunk: Uint8Array) => chunks.push(chunk));
      res.on("error", fail);
      res.on("end", () => {
        signal?.removeEventListener("abort", onAbort);
        const out = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          if (v !== undefined) out.set(k, Array.isArray(v) ? v.join(", ") : v);
        }
        const status = res.statusCode ?? 502;
        const empty = status === 204 || status === 205 || status === 304;
        resolve(new Response(empty ? null : concat(chunks), { status, headers: out }));
      });
    });
    function fail(e: unknown): void {
      signal?.removeEventListener("abort", onAbort);
      reject(e instanceof Error ? e : new ConnectionError(String(e)));
    }
    function onAbort(): void {
      req.destroy();
      fail(signal!.reason);
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    req.on("error", fail);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function concat(chunks: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
