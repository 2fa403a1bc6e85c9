/**
 * A box for a secret string (API secret, password) that never prints its content:
 * `String()`, template literals, `JSON.stringify`, `util.inspect` and `console.log`
 * all show `[redacted]`. Only {@link Secret.reveal} hands the value out, and only the
 * code that needs the raw value (a signer) calls it.
 *
 * @module
 */

const REDACTED = "[redacted]";
/**
 * The inspection hook of `util.inspect` and `console.log`: Node and Bun read it, and
 * so do Deno's console and inspector, so one registry symbol covers all three.
 */
const INSPECT_HOOK: symbol = Symbol.for("nodejs.util.inspect.custom");
const redacted = (): string => REDACTED;

/**
 * A secret string that redacts itself everywhere it could be printed or serialized.
 *
 * @example Keeping an API secret out of logs
 * ```ts
 * import { Secret } from "@tickwire/tickwire";
 * const secret = new Secret("s3cr3t");
 * console.log(String(secret), JSON.stringify({ secret })); // [redacted] {"secret":"[redacted]"}
 * console.log(secret.reveal() === "s3cr3t"); // true
 * ```
 */
export class Secret {
  readonly #value: string;

  /**
   * Wraps a secret value so that it prints, coerces and serializes as `"[redacted]"`.
   * @param value The secret value.
   * @throws TypeError when `value` is not a string (the value itself is not quoted).
   */
  constructor(value: string) {
    if (typeof value !== "string") {
      throw new TypeError(`Secret: expected a string, got ${typeof value}`);
    }
    this.#value = value;
    // Non-enumerable own hooks: `console.log` / `util.inspect` print "[redacted]".
    Object.defineProperty(this, INSPECT_HOOK, { value: redacted });
  }

  /**
   * Returns the secret value. Call it only where the raw value is consumed (signing).
   * @returns The value given to the constructor.
   */
  reveal(): string {
    return this.#value;
  }

  /**
   * Hides the value from string conversion.
   * @returns `"[redacted]"`.
   */
  toString(): string {
    return REDACTED;
  }

  /**
   * Hides the value from `JSON.stringify`.
   * @returns `"[redacted]"`, so `JSON.stringify` never writes the value.
   */
  toJSON(): string {
    return REDACTED;
  }

  /**
   * Hides the value from coercion (template literals, `+`, comparisons).
   * @param hint Coercion hint: `"string"`, `"number"` or `"default"`.
   * @returns `"[redacted]"` for string and default coercion, `NaN` for numbers.
   */
  [Symbol.toPrimitive](hint: string): string | number {
    return hint === "number" ? NaN : REDACTED;
  }
}

/**
 * Whether `x` is a {@link Secret} from this module.
 * @param x Anything.
 * @returns `true` for instances of {@link Secret}.
 * @example
 * ```ts
 * import { isSecret, Secret } from "@tickwire/tickwire";
 * console.log(isSecret(new Secret("x")), isSecret("x")); // true false
 * ```
 */
export function isSecret(x: unknown): x is Secret {
  return x instanceof Secret;
}
