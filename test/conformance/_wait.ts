/**
 * Bounded waiting for the conformance suite: poll a condition in small steps,
 * never longer than a deadline.
 *
 * @module
 */

/** Polling step, ms. */
export const POLL_MS = 5;

/**
 * @param ms Milliseconds.
 * @returns A promise resolving after `ms` of real time.
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `done` every {@link POLL_MS} until it returns `true`.
 * @param done The condition.
 * @param timeoutMs Longest wait, ms.
 * @param what What is awaited, for the error message.
 * @throws Error when the time runs out.
 */
export async function waitUntil(
  done: () => boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await sleep(POLL_MS);
  }
}
