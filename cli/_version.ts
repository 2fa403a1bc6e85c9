/**
 * The package version the CLI reports with `--version`. CI checks that it equals
 * the version in package.json and deno.json (`test/cli/help.test.ts`).
 *
 * @module
 */

/** The version of tickwire. */
export const VERSION: string = "0.1.0";
