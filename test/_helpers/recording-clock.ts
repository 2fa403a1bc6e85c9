import { ManualClock, type TimerOptions } from "../../src/clock.ts";

/** A manual clock that also keeps the options of each timer set, to check which are unref'd. */
export class RecordingClock extends ManualClock {
  readonly options: (TimerOptions | undefined)[] = [];
  override setTimeout(fn: () => void, ms: number, options?: TimerOptions): unknown {
    this.options.push(options);
    return super.setTimeout(fn, ms);
  }
}
