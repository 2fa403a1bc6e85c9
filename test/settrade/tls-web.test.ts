import { describe, expect, it } from "vitest";
import { isConfigError } from "../../mod.ts";
import { tlsAdapter } from "../../connectors/settrade/transport/_tls-web.ts";

describe("Settrade TLS options in a browser or worker", () => {
  it("refuses a CA file, naming caFile", async () => {
    const e = await tlsAdapter.readText("/etc/ca.pem").catch((x: unknown) => x);
    expect(isConfigError(e)).toBe(true);
    expect((e as { issues: { key: string }[] }).issues[0]!.key).toBe("caFile");
    expect(String((e as Error).message)).toMatch(/not possible in this runtime/);
  });

  it("refuses a request with TLS options, naming insecureSkipTlsVerify", async () => {
    const e = await tlsAdapter.send("https://example.invalid/", {}, { rejectUnauthorized: false })
      .catch((x: unknown) => x);
    expect(isConfigError(e)).toBe(true);
    expect((e as { issues: { key: string }[] }).issues[0]!.key).toBe("insecureSkipTlsVerify");
  });
});
