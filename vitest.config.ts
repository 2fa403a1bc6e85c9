import { defaultServerConditions } from "vite";
import { configDefaults, defineConfig } from "vitest/config";

// Integration tests use the machine's services (Mosquitto on 127.0.0.1:1883) and run
// only when asked: TICKWIRE_INTEGRATION=1 npx vitest run (CI does this when the port answers).
const integration = process.env.TICKWIRE_INTEGRATION === "1";

// `tickwire-source` makes package.json `imports` (`#replay-files`) resolve to the
// TypeScript sources instead of the built `dist/`.
const conditions = ["tickwire-source", ...defaultServerConditions];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: [integration ? "test/**/*.integration.test.ts" : "test/**/*.test.ts"],
    exclude: integration
      ? configDefaults.exclude
      : [...configDefaults.exclude, "test/**/*.integration.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
