/**
 * The edge app as a worker (workerd, Cloudflare Workers): one request runs it
 * and answers with what it saw, as JSON.
 *
 * @module
 */

import { runEdgeApp } from "./app.ts";

export default {
  async fetch(): Promise<Response> {
    try {
      return Response.json(await runEdgeApp());
    } catch (e) {
      return Response.json({ error: e instanceof Error ? e.stack ?? e.message : String(e) }, {
        status: 500,
      });
    }
  },
};
