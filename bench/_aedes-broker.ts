/**
 * An aedes MQTT broker in a process of its own, for machines without
 * Mosquitto: listens on TCP 127.0.0.1 with an ephemeral port, reports
 * `{ port }` over IPC, and exits when its parent goes away or stops it.
 *
 * @module
 */

import { createServer } from "node:net";
import { Aedes } from "aedes";

const aedes = await Aedes.createBroker();
const server = createServer((socket) => aedes.handle(socket));
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
const address = server.address();
const port = typeof address === "object" && address !== null ? address.port : 0;
const shut = (): void => {
  server.close();
  aedes.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1_000).unref();
};
process.on("disconnect", shut);
process.on("SIGTERM", shut);
process.send!({ port });
