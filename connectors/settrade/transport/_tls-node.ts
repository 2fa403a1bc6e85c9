/**
 * The TLS adapter for Node, Bun and Deno: `node:https` and `node:fs/promises`,
 * loaded only when a CA file or `insecureSkipTlsVerify` is set.
 *
 * @module
 */

import * as https from "node:https";
import { readFile } from "node:fs/promises";
import { ConnectionError } from "../../../src/errors.ts";
import type { TlsAdapter, TlsRequestOptions } from "./_tls-adapter.ts";

/** Reads files and sends HTTPS requests with `node:` modules. */
export const tlsAdapter: TlsAdapter = {
  readText: (path) => readFile(path, "utf8"),
  send,
};

function send(url: string, init: RequestInit, tls: TlsRequestOptions): Promise<Response> {
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
