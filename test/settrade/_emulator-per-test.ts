/**
 * One Settrade emulator per test: a test starts it with the file's defaults,
 * and it is stopped after that test, whether the test passed or not.
 */
import { afterEach } from "vitest";
import {
  type SettradeEmulator,
  type SettradeEmulatorOptions,
  startSettradeEmulator,
} from "../../connectors/settrade/emulator/mod.ts";

/** The emulator of the running test. */
export interface EmulatorPerTest {
  /** Starts the test's emulator on 127.0.0.1, `options` over the file's defaults. */
  start(options?: SettradeEmulatorOptions): Promise<SettradeEmulator>;
  /** The emulator the running test started, if it started one. */
  readonly current: SettradeEmulator | undefined;
}

/**
 * Registers the `afterEach` that stops the emulator a test started.
 * @param defaults Options every test of the file starts with.
 * @returns How a test starts its emulator and finds it again.
 */
export function emulatorPerTest(defaults: SettradeEmulatorOptions = {}): EmulatorPerTest {
  let current: SettradeEmulator | undefined;
  afterEach(async () => {
    const started = current;
    current = undefined;
    await started?.stop();
  });
  return {
    async start(options: SettradeEmulatorOptions = {}): Promise<SettradeEmulator> {
      current = await startSettradeEmulator({ ...defaults, ...options });
      return current;
    },
    get current(): SettradeEmulator | undefined {
      return current;
    },
  };
}
