/**
 * A protobuf writer for hand-made payloads in tests: fields in any order,
 * repeated, unknown, with explicit zero values, groups, or deliberately broken.
 *
 * @module
 */

/** Wire types. */
export const WT = {
  varint: 0,
  fixed64: 1,
  len: 2,
  startGroup: 3,
  endGroup: 4,
  fixed32: 5,
} as const;

/**
 * Encodes a varint of a 64-bit two's-complement value (negative numbers take 10 bytes).
 * @param value Integer, as a number or a bigint.
 * @returns The varint bytes.
 */
export function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

/** Builds a payload field by field. */
export class RawProto {
  readonly #bytes: number[] = [];

  /** Appends raw bytes. */
  raw(bytes: Iterable<number>): this {
    for (const b of bytes) this.#bytes.push(b);
    return this;
  }

  /** Appends a tag. */
  tag(field: number, wire: number): this {
    return this.raw(varint(field * 8 + wire));
  }

  /** Appends a varint field (any int32/int64/enum, explicit zero allowed). */
  varint(field: number, value: number | bigint): this {
    return this.tag(field, WT.varint).raw(varint(value));
  }

  /** Appends a length-delimited field. */
  bytes(field: number, value: Uint8Array | number[] | RawProto): this {
    const data = value instanceof RawProto ? value.finish() : value;
    return this.tag(field, WT.len).raw(varint(data.length)).raw(data);
  }

  /** Appends a string field (UTF-8). */
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** Appends a fixed32 field. */
  fixed32(field: number, value: number): this {
    const v = value >>> 0;
    return this.tag(field, WT.fixed32).raw([v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24]);
  }

  /** Appends a fixed64 field. */
  fixed64(field: number, value: bigint): this {
    let v = BigInt.asUintN(64, value);
    const out: number[] = [];
    for (let i = 0; i < 8; i++) {
      out.push(Number(v & 0xffn));
      v >>= 8n;
    }
    return this.tag(field, WT.fixed64).raw(out);
  }

  /** Appends a group (start tag, content, matching end tag). */
  group(field: number, content: RawProto): this {
    return this.tag(field, WT.startGroup).raw(content.finish()).tag(field, WT.endGroup);
  }

  /** Current length. */
  get length(): number {
    return this.#bytes.length;
  }

  /** The bytes written so far. */
  finish(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }
}

/**
 * A `google.type.Money` body with the given fields present (explicit zeros kept).
 * @param units Units, or `undefined` to leave the field out.
 * @param nanos Nanos, or `undefined` to leave the field out.
 * @param currency Currency code, or `undefined` to leave it out.
 */
export function rawMoney(
  units: number | bigint | undefined,
  nanos: number | undefined,
  currency?: string,
): RawProto {
  const m = new RawProto();
  if (currency !== undefined) m.string(1, currency);
  if (units !== undefined) m.varint(2, units);
  if (nanos !== undefined) m.varint(3, nanos);
  return m;
}
