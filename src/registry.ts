/**
 * The connector registry: maps a `DATA_SOURCE` name to a {@link ConnectorDefinition}.
 *
 * The core names no connector. A name is looked up among the connectors
 * registered with {@link registerConnector}, then in the table the caller
 * passes ({@link ConnectorTable}): the root entry point passes the built-ins
 * (`connectors/builtin.ts`), each a lazy import, so a user of `synthetic`
 * never loads `mqtt`. Nothing is registered at import time.
 *
 * Options are type-checked per source through {@link ConnectorOptionsMap}, an
 * interface a third-party connector extends by declaration merging.
 *
 * @module
 */

import type { ConnectorDefinition } from "./connector.ts";
import { ConfigError } from "./errors.ts";

/** A definition, or a function that loads one lazily. */
export type ConnectorSource =
  | ConnectorDefinition<any, any>
  | (() => Promise<ConnectorDefinition<any, any>>);

/** Connectors by name, each a definition or a lazy loader. */
export type ConnectorTable = Readonly<Record<string, ConnectorSource>>;

/**
 * The options each registered connector name accepts, for type-checking
 * `createFeed({ source: name, ... })`. The root entry point adds the built-ins;
 * a third-party connector adds itself by declaration merging.
 *
 * @example Declaring a registered connector's options
 * ```ts ignore
 * import { registerConnector } from "tickwire";
 * import { myVenueConnector, type MyVenueOptions } from "./my-venue.ts";
 *
 * declare module "tickwire" {
 *   interface ConnectorOptionsMap {
 *     "my-venue": MyVenueOptions;
 *   }
 * }
 * registerConnector("my-venue", myVenueConnector);
 * ```
 */
// deno-lint-ignore no-empty-interface
export interface ConnectorOptionsMap {}

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
 * Names a feed can be created with: registered ones and those of `table`, sorted.
 * @param table Connectors known besides the registered ones. @default {}
 * @returns The names.
 * @example
 * ```ts
 * import { connectorNames } from "@tickwire/tickwire";
 * console.log(connectorNames().includes("synthetic")); // true
 * ```
 */
export function connectorNames(table: ConnectorTable = {}): string[] {
  return [...new Set([...Object.keys(table), ...registered.keys()])].sort();
}

/**
 * Finds a connector definition by name, loading it if it is lazy.
 *
 * @param name The `DATA_SOURCE` name.
 * @param table Connectors known besides the registered ones (which win). @default {}
 * @returns The definition.
 * @throws ConfigError naming the unknown source and listing the registered names.
 * @example
 * ```ts
 * import { resolveConnector } from "@tickwire/tickwire";
 * const def = await resolveConnector("synthetic");
 * console.log(def.name); // "synthetic"
 * ```
 */
export async function resolveConnector(
  name: string,
  table: ConnectorTable = {},
): Promise<ConnectorDefinition<any, any>> {
  const source = registered.get(name) ??
    (Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined);
  if (source === undefined) {
    throw new ConfigError("invalid configuration", [{
      key: "DATA_SOURCE",
      message: `unknown source ${JSON.stringify(name)}; known sources: ${
        connectorNames(table).join(", ") || "none registered"
      }`,
    }]);
  }
  const def = typeof source === "function" ? await source() : source;
  if (typeof def?.create !== "function" || typeof def.parseOptions !== "function") {
    throw new TypeError(`connector "${name}" did not provide a valid ConnectorDefinition`);
  }
  return def;
}
