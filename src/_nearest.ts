/**
 * "Did you mean ...?" for option keys: the candidate nearest to a misspelt key
 * by edit distance (insertions, deletions, substitutions and swaps of two
 * neighbours), when it is near enough to be a likely typo.
 *
 * @module
 */

/** Edit distance with adjacent transpositions (optimal string alignment). */
function distance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(
        d[(i - 1) * cols + j]! + 1,
        d[i * cols + j - 1]! + 1,
        d[(i - 1) * cols + j - 1]! + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, d[(i - 2) * cols + j - 2]! + 1);
      }
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1]!;
}

/**
 * @param key A key nobody accepts.
 * @param candidates The keys that are accepted.
 * @returns The nearest candidate within a third of the key's length (at least 2
 *   edits, case ignored), or `undefined`.
 */
export function nearestKey(key: string, candidates: Iterable<string>): string | undefined {
  const k = key.toLowerCase();
  const limit = Math.max(2, Math.floor(key.length / 3));
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(k, c.toLowerCase());
    if (d < bestD || (d === bestD && best !== undefined && c < best)) {
      best = c;
      bestD = d;
    }
  }
  return bestD <= limit ? best : undefined;
}

/**
 * The issue message for an unknown option.
 * @param key The unknown key. @param candidates The accepted keys.
 * @returns `unknown option; did you mean "seed"?`, or without the suggestion.
 */
export function unknownOptionMessage(key: string, candidates: Iterable<string>): string {
  const near = nearestKey(key, candidates);
  return near === undefined ? "unknown option" : `unknown option; did you mean "${near}"?`;
}
