/**
 * The floor of the machine for the decode section: the least work any decoder of
 * these payloads must do, measured on the same data in the same process.
 *
 * {@link floorParse} walks a `BidOfferV3` payload once and keeps the same values
 * tickwire's decoder keeps (twenty prices as units and nanos, twenty volumes,
 * two flags, the symbol's bounds), with no check at all: it trusts every
 * length, handles only the encodings these payloads use, and builds no event.
 * No correct decoder can beat it by much, so tickwire's time over the floor's
 * says how close the hot path is to the limit of the machine.
 *
 * @module
 */

const units = new Float64Array(20);
const nanos = new Int32Array(20);
const volumes = new Float64Array(20);
const routes = new Uint8Array(44);
for (let i = 0; i < 5; i++) {
  routes[2 + i] = 32 | i;
  routes[24 + i] = 32 | (5 + i);
  routes[7 + i] = 32 | (10 + i);
  routes[29 + i] = 32 | (15 + i);
  routes[12 + i] = 64 | i;
  routes[34 + i] = 64 | (5 + i);
  routes[17 + i] = 64 | (10 + i);
  routes[39 + i] = 64 | (15 + i);
}
routes[1] = 1;
routes[22] = 2;
routes[23] = 3;

/** What the last {@link floorParse} kept besides the arrays. */
export const floorState: {
  bidFlag: number;
  askFlag: number;
  symbolStart: number;
  symbolEnd: number;
} = {
  bidFlag: 0,
  askFlag: 0,
  symbolStart: 0,
  symbolEnd: 0,
};

/**
 * Walks one payload with no checks, keeping prices, volumes, flags and symbol bounds.
 * @param b A well-formed `BidOfferV3` payload (fields up to 43, varints under 2^28).
 * @returns The best bid volume (so the work cannot be optimized away).
 * @example
 * ```ts
 * import { floorParse } from "./_floor.ts";
 * console.log(floorParse(new Uint8Array([0x60, 0xe8, 0x07]))); // 1000 (bid_volume1)
 * ```
 */
export function floorParse(b: Uint8Array): number {
  units.fill(0);
  nanos.fill(0);
  volumes.fill(0);
  const s = floorState;
  let pos = 0;
  const end = b.length;
  while (pos < end) {
    let t = b[pos++];
    if (t >= 0x80) t = (t & 0x7f) | (b[pos++] << 7);
    const field = t >>> 3;
    const r = field < 44 ? routes[field] : 0;
    if (r >= 64) {
      let x = b[pos++];
      let v = x & 0x7f;
      if (x >= 0x80) {
        x = b[pos++];
        v |= (x & 0x7f) << 7;
        if (x >= 0x80) {
          x = b[pos++];
          v |= (x & 0x7f) << 14;
          if (x >= 0x80) v |= (b[pos++] & 0x7f) << 21;
        }
      }
      volumes[r & 31] = v;
    } else if (r >= 32) {
      const mend = pos + 1 + b[pos];
      pos++;
      const slot = r & 31;
      while (pos < mend) {
        const mt = b[pos++];
        let x = b[pos++];
        let v = x & 0x7f;
        if (x >= 0x80) {
          x = b[pos++];
          v |= (x & 0x7f) << 7;
          if (x >= 0x80) {
            x = b[pos++];
            v |= (x & 0x7f) << 14;
            if (x >= 0x80) {
              x = b[pos++];
              v |= (x & 0x7f) << 21;
              if (x >= 0x80) {
                x = b[pos++];
                v |= (x & 0x0f) << 28;
                if (x >= 0x80) pos += 5; // a negative int32: ten bytes in all
              }
            }
          }
        }
        if (mt === 0x10) units[slot] = v;
        else if (mt === 0x18) nanos[slot] = v;
      }
    } else if (r === 1) {
      s.symbolStart = pos + 1;
      pos += 1 + b[pos];
      s.symbolEnd = pos;
    } else if (r === 2) s.bidFlag = b[pos++];
    else if (r === 3) s.askFlag = b[pos++];
    else pos++;
  }
  return volumes[0];
}
