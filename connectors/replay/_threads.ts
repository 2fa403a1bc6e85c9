/**
 * Worker threads for the replay, through `node:worker_threads`: Node, Bun and
 * Deno all have it (and Deno's Web `Worker` cannot be unreferenced, so an
 * abandoned replay would keep the process alive). Loaded only when a worker
 * is started; on a runtime without it, {@link startWorker} rejects.
 *
 * @module
 */

/** The side of a worker thread that its creator holds. */
export interface WorkerLink {
  /**
   * Sends a message (structured clone).
   * @param message The message.
   */
  post(message: unknown): void;
  /**
   * Receives the worker's messages, and its failure: an error thrown in it
   * (a module it could not load, say) or its exit.
   * @param onMessage Each message. @param onFailure Once, at most.
   */
  listen(onMessage: (message: unknown) => void, onFailure: (error: Error) => void): void;
  /**
   * Whether the worker keeps the process alive. Held only while its creator
   * waits on it, so that an abandoned replay does not keep a process from exiting.
   * @param on Keep the process alive.
   */
  hold(on: boolean): void;
  /** Stops the worker. */
  terminate(): void;
}

/**
 * Starts a worker thread running an ES module.
 * @param url The module.
 * @returns The link to it.
 * @throws Error when the runtime has no worker threads.
 */
export async function startWorker(url: URL): Promise<WorkerLink> {
  const { Worker } = await import("node:worker_threads");
  const worker = new Worker(url);
  return {
    post: (message) => worker.postMessage(message),
    listen(onMessage, onFailure): void {
      let failed = false;
      const fail = (error: Error): void => {
        if (failed) return;
        failed = true;
        onFailure(error);
      };
      worker.on("message", onMessage);
      worker.on("error", fail);
      worker.on("exit", (code) => fail(new Error(`the worker exited (code ${code})`)));
    },
    hold: (on) => void (on ? worker.ref() : worker.unref()),
    terminate: () => void worker.terminate(),
  };
}
