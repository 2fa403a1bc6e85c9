/**
 * How many cases a property test runs: its own count, scaled by
 * `TICKWIRE_PROPERTY_SCALE` (a fraction; default 1). Mutation runs set it low,
 * because every mutant reruns the property tests (TESTING.md): fewer cases can
 * only let more mutants survive, so a score measured that way is a floor.
 *
 * @param n Cases in an ordinary run.
 * @returns Cases in this run, at least 20.
 */
export function propertyRuns(n: number): number {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  const scale = Number(env?.TICKWIRE_PROPERTY_SCALE ?? 1);
  return Number.isFinite(scale) && scale > 0 && scale < 1 ? Math.max(20, Math.ceil(n * scale)) : n;
}
