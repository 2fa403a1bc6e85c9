/**
 * A TCP proxy on loopback between a client and a nats-server: dropping its
 * connections is how the tests cut a client off without touching the server.
 */

import { createServer, type Server, Socket } from "node:net";

/** A running proxy. */
export class TcpProxy {
  readonly #server: Server;
  readonly #pairs = new Set<[Socket, Socket]>();
  /** While true, new connections are refused (closed at once). */
  refusing = false;
  readonly port: number;

  private constructor(server: Server, port: number) {
    this.#server = server;
    this.port = port;
  }

  /** `nats://127.0.0.1:<port>`. */
  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** @param targetPort The server's port. @returns The proxy, listening on a free port. */
  static start(targetPort: number): Promise<TcpProxy> {
    return new Promise((resolve, reject) => {
      let proxy: TcpProxy;
      const server = createServer((client) => {
        if (proxy.refusing) return void client.destroy();
        const upstream = new Socket();
        const pair: [Socket, Socket] = [client, upstream];
        proxy.#pairs.add(pair);
        const close = (): void => {
          client.destroy();
          upstream.destroy();
          proxy.#pairs.delete(pair);
        };
        client.on("error", close).on("close", close);
        upstream.on("error", close).on("close", close);
        upstream.connect(targetPort, "127.0.0.1");
        client.pipe(upstream);
        upstream.pipe(client);
      });
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        proxy = new TcpProxy(server, (server.address() as { port: number }).port);
        resolve(proxy);
      });
    });
  }

  /** Closes every proxied connection (the clients see a lost connection). */
  dropClients(): void {
    for (const [a, b] of this.#pairs) {
      a.destroy();
      b.destroy();
    }
    this.#pairs.clear();
  }

  /** Stops listening and drops every connection. */
  close(): Promise<void> {
    this.dropClients();
    return new Promise((r) => this.#server.close(() => r()));
  }
}
