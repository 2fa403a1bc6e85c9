/**
 * The emulator's HTTP server (`node:http`, or `node:https` with a key and
 * certificate): reads JSON bodies, hands each request to one handler, writes
 * JSON answers, and passes WebSocket upgrades on.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer as createHttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { EmulatorTls } from "./_options.ts";

/** Largest request body read, bytes. */
const MAX_BODY = 64 * 1024;

/** A request, as the handler sees it. */
export interface ApiRequest {
  readonly method: string;
  /** Path without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly authorization: string | undefined;
  /** Parsed JSON body; `undefined` when there is none. */
  readonly body: unknown;
  /** Whether a body was sent that is not JSON. */
  readonly badBody: boolean;
}

/** An answer: status, JSON body and extra headers. */
export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Handles one request. */
export type ApiHandler = (req: ApiRequest) => ApiAnswer | Promise<ApiAnswer>;

/** Handles one upgrade request. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** A listening server. */
export interface HttpServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * A JSON error answer in Settrade's shape (`code` inferred as `E` + status).
 * @param status HTTP status. @param message Sentence (never a secret or token).
 * @param headers Extra headers.
 * @returns The answer.
 */
export function fail(status: number, message: string, headers?: Record<string, string>): ApiAnswer {
  return { status, body: { code: `E${status}`, message }, ...(headers ? { headers } : {}) };
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function serve(
  handler: ApiHandler,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  let answer: ApiAnswer;
  try {
    const url = new URL(req.url ?? "/", "http://emulator");
    const raw = await readBody(req);
    if (raw === undefined) {
      answer = fail(413, "request body is too large");
    } else {
      let body: unknown;
      let badBody = false;
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw.toString("utf8"));
        } catch {
          badBody = true;
        }
      }
      answer = await handler({
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        authorization: req.headers.authorization,
        body,
        badBody,
      });
    }
  } catch (e) {
    answer = fail(500, `internal error: ${e instanceof Error ? e.message : String(e)}`);
  }
  const text = JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": String(Buffer.byteLength(text)),
    "Cache-Control": "no-store",
    ...answer.headers,
  });
  res.end(text);
}

const pem = (v: string | Uint8Array): string | Buffer => typeof v === "string" ? v : Buffer.from(v);

/**
 * Starts the server.
 * @param host Loopback address. @param port Port (0 = ephemeral).
 * @param tls Key and certificate, for HTTPS.
 * @param handler Answers requests. @param upgrade Takes WebSocket upgrades.
 * @returns The listening server.
 */
export async function startHttp(
  host: string,
  port: number,
  tls: EmulatorTls | undefined,
  handler: ApiHandler,
  upgrade: UpgradeHandler,
): Promise<HttpServer> {
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    void serve(handler, req, res);
  };
  const server: Server = tls === undefined
    ? createHttpServer(onRequest)
    : createHttpsServer({ key: pem(tls.key), cert: pem(tls.cert) }, onRequest) as unknown as Server;
  server.on("upgrade", upgrade);
  server.on("clientError", (_err, socket: Duplex) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  let closing: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
