/**
 * The smallest useful app: the core and the synthetic connector. Its bundle
 * size is the budget `bundle.test.ts` holds (25 KB gzipped).
 *
 * @module
 */

import { createFeed } from "tickwire/core";
import { syntheticConnector } from "tickwire/connectors/synthetic";

/** Both, so the bundler keeps them. */
export const parts: readonly unknown[] = [createFeed, syntheticConnector];
