/**
 * The connector registry: maps a `DATA_SOURCE` name to a {@link ConnectorDefinition}.
 *
 * Built-in connectors are listed as lazy imports, so a user of `synthetic` never
 * loads `mqtt`; this table is the only place the core names a connector, and it
 * imports nothing until a name is resolved. Third parties add their own with
 * {@link registerConnector}; nothing is registered at import time.
 *
 * @module
 */

import type { ConnectorDefinition } from "./connector.ts";
import { ConfigError } from "./errors.ts";

/** A definition, or a function that loads one lazily. */
export type ConnectorSource =
  | ConnectorDefinition<any>
  | (() => Promise<ConnectorDefinition<any>>);

const BUILTIN: Readonly<Record<string, () => Promise<ConnectorDefinition<any>>>> = {
  synthetic: async () => (await import("../connectors/synthetic/mod.ts")).syntheticConnector,
  settrade: async () => (await import("../connectors/settrade/mod.ts")).settradeConnector,
  replay: async () => (await import("../connectors/replay/mod.ts")).replayConnector,
};

const registered = new Map<string, ConnectorSource>();

const NAME = /^[a-z][a-z0-9-]*$/;

/**
 * Registers a connector under a name, so `createFeed({ source: name })` and
 * `DATA_SOURCE=name` find it. A later registration of the same name replaces
 * the earlier one (including a built-in).
 *
 * @param name Lower-case name: letters, digits and `-`, starting with a letter.
 * @param source The definition, or a function returning a promise of it (lazy).
 * @throws TypeError when the name is malformed.
 * @example Registering a third-party connector lazily
 * ```ts
 * import { registerConnector } from "@tickwire/tickwire";
 * import { syntheticConnector } from "@tickwire/tickwire/connectors/synthetic";
 * registerConnector("my-venue", async () => ({ ...syntheticConnector, name: "my-venue" }));
 * ```
 */
export function registerConnector(name: string, source: ConnectorSource): void {
  if (typeof name !== "string" || !NAME.test(name)) {
    throw new TypeError(
      `registerConnector: name must be lower case letters, digits and "-", got ${
        JSON.stringify(name)
      }`,
    );
  }
  if (typeof source !== "function" && (typeof source !== "object" || source === null)) {
    throw new TypeError(`registerConnector: "${name}" needs a definition or a loader function`);
  }
  registered.set(name, source);
}

/**
 * Removes a registration made with {@link registerConnector}. Built-ins stay.
 * @param name Registered name.
 * @returns Whether a registration was removed.
 * @example
 * ```ts
 * import { unregisterConnector } from "@tickwire/tickwire";
 * console.log(unregisterConnector("nobody")); // false
 * ```
 */
export function unregisterConnector(name: string): boolean {
  return registered.delete(name);
}

/**
 * Names a feed can be created with: built-ins and registered ones, sorted.
 * @returns The names.
 * @example
 * ```ts
 * import { connectorNames } from "@tickwire/tickwire";
 * console.log(connectorNames().includes("synthetic")); // true
 * ```
 */
export function connectorNames(): string[] {
  return [...new Set([...Object.keys(BUILTIN), ...registered.keys()])].sort();
}

/**
 * Finds a connector definition by name, loading it if it is lazy.
 *
 * @param name The `DATA_SOURCE` name.
 * @returns The definition.
 * @throws ConfigError naming the unknown source and listing the registered names.
 * @example
 * ```ts
 * import { resolveConnector } from "@tickwire/tickwire";
 * const def = await resolveConnector("synthetic");
 * console.log(def.name); // "synthetic"
 * ```
 */
export async function resolveConnector(name: string): Promise<ConnectorDefinition<any>> {
  const source = registered.get(name) ??
    (Object.prototype.hasOwnProperty.call(BUILTIN, name) ? BUILTIN[name] : undefined);
  if (source === undefined) {
    throw new ConfigError("invalid configuration", [{
      key: "DATA_SOURCE",
      message: `unknown source ${JSON.stringify(name)}; known sources: ${
        connectorNames().join(", ")
      }`,
    }]);
  }
  const def = typeof source === "function" ? await source() : source;
  if (typeof def?.create !== "function" || typeof def.parseOptions !== "function") {
    throw new TypeError(`connector "${name}" did not provide a valid ConnectorDefinition`);
  }
  return def;
}
