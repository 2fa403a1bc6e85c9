/**
 * The MQTT 3.1.1 packets the benchmark's own traffic sources write by hand
 * (`_publisher.ts`, `_frame-server.ts`): built once, before anything is timed.
 *
 * @module
 */

const encoder = new TextEncoder();

/**
 * The variable-length "remaining length" of a fixed header.
 * @param n Bytes after the fixed header. @returns Its 1-4 bytes.
 */
export function remainingLength(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

/**
 * A QoS 0 PUBLISH packet.
 * @param topic Topic name. @param payload Payload bytes.
 * @returns The whole packet.
 */
export function publishPacket(topic: string, payload: Uint8Array): Uint8Array {
  const t = encoder.encode(topic);
  const head = [
    0x30,
    ...remainingLength(2 + t.length + payload.length),
    t.length >> 8,
    t.length & 255,
  ];
  const out = new Uint8Array(head.length + t.length + payload.length);
  out.set(head, 0);
  out.set(t, head.length);
  out.set(payload, head.length + t.length);
  return out;
}
