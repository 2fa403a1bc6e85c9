import { afterEach, describe, expect, it } from "vitest";
import {
  connectorNames,
  createFeedFromEnv,
  registerConnector,
  resolveConnector,
  resolveEnvConfig,
  unregisterConnector,
} from "../mod.ts";
import type { ConnectorDefinition } from "../src/connector.ts";
import { ConfigError, isConfigError } from "../src/errors.ts";
import { scriptedConnector } from "./_helpers/scripted-connector.ts";

const silent = { logLevel: "silent" as const };

async function configError(p: Promise<unknown>): Promise<ConfigError> {
  try {
    await p;
  } catch (e) {
    if (isConfigError(e)) return e;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

const secretive: ConnectorDefinition<{ token?: string; port?: number }> = {
  name: "secretive",
  capabilities: scriptedConnector.capabilities,
  create: (_options, ctx) => scriptedConnector.create({}, ctx),
  defaultSymbols: () => ["PTT"],
  env: [
    { name: "SECRETIVE_TOKEN", option: "token", description: "token", secret: true },
    {
      name: "SECRETIVE_PORT",
      option: "port",
      description: "port",
      parse: (raw) => {
        const n = Number(raw);
        if (!Number.isInteger(n)) throw new TypeError("expected an integer");
        return n;
      },
    },
  ],
  parseOptions(input: unknown) {
    const o = input as { token?: string; port?: number };
    const issues = [];
    if (o.token !== undefined && o.token.length < 8) {
      issues.push({ key: "token", message: "too short" });
    }
    if (o.port !== undefined && o.port > 65535) {
      issues.push({ key: "port", message: `out of range, got ${o.port}` });
    }
    if (issues.length > 0) throw new ConfigError("[secretive] invalid options", issues);
    return o;
  },
};

afterEach(() => {
  unregisterConnector("scripted");
  unregisterConnector("secretive");
});

describe("registry", () => {
  it("lists built-ins and registered connectors by name", () => {
    registerConnector("scripted", scriptedConnector);
    expect(connectorNames()).toContain("synthetic");
    expect(connectorNames()).toContain("scripted");
  });

  it("resolves a lazily registered connector only when asked", async () => {
    let loads = 0;
    registerConnector("scripted", () => {
      loads++;
      return Promise.resolve(scriptedConnector);
    });
    expect(loads).toBe(0);
    expect((await resolveConnector("scripted")).name).toBe("scripted");
    expect(loads).toBe(1);
  });

  it("names the unknown source and lists the known ones", async () => {
    const e = await configError(resolveConnector("nasdaq"));
    expect(e.message).toMatch(/unknown source "nasdaq"; known sources: .*synthetic/);
    expect(e.issues[0]!.key).toBe("DATA_SOURCE");
  });

  it("rejects malformed names", () => {
    expect(() => registerConnector("Bad Name", scriptedConnector)).toThrow(TypeError);
    expect(() => registerConnector("ok", null as never)).toThrow(TypeError);
  });
});

describe("configuration from the environment", () => {
  it("picks the connector by DATA_SOURCE and reads feed variables", async () => {
    registerConnector("scripted", scriptedConnector);
    const cfg = await resolveEnvConfig({
      DATA_SOURCE: "scripted",
      TICKWIRE_SYMBOLS: "ptt, aot",
      TICKWIRE_CHANNELS: "quote,book",
      TICKWIRE_CAPACITY: "64",
      TICKWIRE_STALE_AFTER_MS: "5000",
    });
    expect(cfg.definition.name).toBe("scripted");
    expect(cfg.core).toMatchObject({
      symbols: ["ptt", "aot"],
      channels: ["quote", "book"],
      capacity: 64,
    });
    expect(cfg.core.health).toEqual({ staleAfterMs: 5000 });
  });

  it("defaults to the synthetic source", async () => {
    const cfg = await resolveEnvConfig({});
    expect(cfg.definition.name).toBe("synthetic");
  });

  it("lists every bad variable by name in one error", async () => {
    registerConnector("secretive", secretive);
    const e = await configError(resolveEnvConfig({
      DATA_SOURCE: "secretive",
      TICKWIRE_CAPACITY: "lots",
      TICKWIRE_OVERFLOW: "sometimes",
      SECRETIVE_PORT: "70000",
      SECRETIVE_TOKEN: "hunter2",
    }));
    expect(e.issues.map((i) => i.key).sort()).toEqual([
      "SECRETIVE_PORT",
      "SECRETIVE_TOKEN",
      "TICKWIRE_CAPACITY",
      "TICKWIRE_OVERFLOW",
    ]);
    expect(e.message).toContain('"lots"');
    expect(e.message).toContain('"sometimes"');
    expect(e.message).not.toContain("hunter2");
  });

  it("never quotes a secret whose variable fails to parse", async () => {
    registerConnector("secretive", {
      ...secretive,
      env: [{
        name: "SECRETIVE_TOKEN",
        option: "token",
        description: "t",
        secret: true,
        parse: () => {
          throw new TypeError("expected base64");
        },
      }],
    });
    const e = await configError(
      resolveEnvConfig({ DATA_SOURCE: "secretive", SECRETIVE_TOKEN: "s3cr3t-value" }),
    );
    expect(e.message).toContain("SECRETIVE_TOKEN");
    expect(e.message).not.toContain("s3cr3t-value");
  });

  it("reports an unknown DATA_SOURCE with the registered names", async () => {
    const e = await configError(createFeedFromEnv({ DATA_SOURCE: "bloomberg" }));
    expect(e.message).toMatch(/bloomberg/);
    expect(e.message).toMatch(/synthetic/);
  });

  it("creates a connected feed from the environment, overrides winning", async () => {
    registerConnector("scripted", scriptedConnector);
    const feed = await createFeedFromEnv(
      { DATA_SOURCE: "scripted", TICKWIRE_SYMBOLS: "KBANK" },
      silent,
    );
    expect(feed.source).toBe("scripted");
    expect(feed.health().subscriptions).toEqual([{ channel: "quote", symbol: "KBANK" }]);
    await feed.close();
  });
});
