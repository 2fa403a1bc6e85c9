/**
 * A tiny HTTP server on 127.0.0.1 for auth tests: every request is recorded and
 * answered by the test's handler. Also: the test vector's key and a node:crypto
 * verifier independent of the code under test.
 */
import { createPublicKey, createVerify } from "node:crypto";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** The signer library's test vector. */
export const VECTOR_SECRET = "AIKi/X7lvfu0haz0SttdbCj+nXmWBt/jfrbPAHRjwNHq";
export const VECTOR_PUBLIC =
  "BHgE2uNGubxdex5rWgKdGeVZZKat+DQQ5R+EGmW30d53SeYZ83frLak9MWbgcl3Wz68ROIu9kWLwzbaBqB6rciY=";

/** SubjectPublicKeyInfo prefix of an uncompressed P-256 point. */
const SPKI_PREFIX = "3059301306072a8648ce3d020106082a8648ce3d030107034200";

/** Verifies a DER hex signature over `message` with node:crypto (SPKI key). */
export function nodeVerify(publicB64: string, message: string, sigHex: string): boolean {
  const spki = Buffer.concat([Buffer.from(SPKI_PREFIX, "hex"), Buffer.from(publicB64, "base64")]);
  const key = createPublicKey({ key: spki, format: "der", type: "spki" });
  const v = createVerify("SHA256");
  v.update(Buffer.from(message, "utf8"));
  v.end();
  return v.verify({ key, dsaEncoding: "der" }, Buffer.from(sigHex, "hex"));
}

export interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
  readonly json: any;
}

export interface Reply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

export type Handler = (req: Recorded) => Reply | Promise<Reply>;

export interface TestServer {
  readonly url: string;
  readonly requests: Recorded[];
  handler: Handler;
  close(): Promise<void>;
}

export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: Recorded[] = [];
  const state: TestServer = {
    url: "",
    requests,
    handler,
    close: () => Promise.resolve(),
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let json: unknown;
      try {
        json = body ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      const rec: Recorded = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body,
        json,
      };
      requests.push(rec);
      try {
        const reply = await state.handler(rec);
        const text = reply.body === undefined
          ? ""
          : typeof reply.body === "string"
          ? reply.body
          : JSON.stringify(reply.body);
        res.writeHead(reply.status ?? 200, {
          "Content-Type": "application/json",
          Connection: "close",
          ...reply.headers,
        });
        res.end(text);
      } catch (e) {
        res.writeHead(500, { Connection: "close" });
        res.end(String(e));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  });
}

/** Waits (bounded) until `cond()` holds, yielding to the event loop between checks. */
export async function until(cond: () => boolean, what: string, tries = 400): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}
