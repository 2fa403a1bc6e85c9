import type { Logger } from "../../src/log.ts";

/** One line a {@link captureLogger} kept. */
export interface CapturedLine {
  readonly level: string;
  readonly message: string;
  readonly fields?: unknown;
}

/** A logger that keeps every line it is given, in `lines`. */
export function captureLogger(): Logger & { lines: CapturedLine[] } {
  const lines: CapturedLine[] = [];
  const at = (level: string) => (message: string, fields?: unknown) =>
    void lines.push({ level, message, fields });
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}
