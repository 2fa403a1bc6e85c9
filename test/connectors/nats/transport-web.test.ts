import { describe, expect, it } from "vitest";
import { isConfigError } from "../../../mod.ts";
import { natsTransport } from "../../../connectors/nats/_transport-web.ts";

describe("the NATS transport of browsers and workers", () => {
  it("connects over WebSocket", () => {
    expect(natsTransport.kind).toBe("websocket");
  });

  it("refuses a credentials file, naming credsFile and what to use instead", async () => {
    const e = await natsTransport.readFile("/etc/nats/user.creds").catch((x: unknown) => x);
    expect(isConfigError(e)).toBe(true);
    const issue = (e as { issues: { key: string; message: string }[] }).issues[0]!;
    expect(issue.key).toBe("credsFile");
    expect(issue.message).toMatch(/NATS_TOKEN/);
  });
});
