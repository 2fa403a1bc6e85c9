/**
 * The errors of the settrade wire decoders.
 *
 * @module
 */

import { DecodeError } from "../../../src/errors.ts";

/**
 * Builds the {@link DecodeError} every settrade decoder throws.
 *
 * @param code Failure class.
 * @param offset Byte offset of the element that failed.
 * @param what Sentence fragment describing the failure.
 * @returns The error (for `throw`).
 * @example Throwing a decode error
 * ```ts
 * import { decodeError } from "./_wire-error.ts";
 * const err = decodeError("truncated", 7, "truncated varint");
 * console.log(err.message); // [settrade] truncated varint at byte 7
 * ```
 */
export function decodeError(code: string, offset: number, what: string): DecodeError {
  return new DecodeError(`[settrade] ${what} at byte ${offset}`, { code, offset });
}

/**
 * Builds the error for a known field sent with a wire type not its own.
 *
 * @param fieldNo Field number.
 * @param got Wire type seen.
 * @param want Wire type the field has.
 * @param offset Offset of the tag.
 * @returns The error (for `throw`).
 * @example
 * ```ts
 * import { wireTypeError } from "./_wire-error.ts";
 * console.log(wireTypeError(12, 2, 0, 40).code); // "wire-type"
 * ```
 */
export function wireTypeError(
  fieldNo: number,
  got: number,
  want: number,
  offset: number,
): DecodeError {
  return decodeError(
    "wire-type",
    offset,
    `field ${fieldNo} has wire type ${got}, expected ${want},`,
  );
}
