/**
 * Helpers for the emulator tests: signed logins with the project's signer,
 * a plain `mqtt` client with the dispatcher header, and bounded waits.
 */
import mqtt, { type MqttClient } from "mqtt";
import { signLogin } from "../../connectors/settrade/auth/signer.ts";
import type { SettradeEmulator } from "../../connectors/settrade/emulator/mod.ts";
import { Secret } from "../../src/secret.ts";

export { until } from "./_auth-server.ts";

/** A JSON answer of the emulator. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly json: any;
}

/** Sends a request to the emulator and reads the JSON answer. */
export async function call(
  emulator: SettradeEmulator,
  path: string,
  init: { method?: string; body?: unknown; token?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (init.body !== undefined) headers["Content-Type"] = "application/json";
  if (init.token !== undefined) headers.Authorization = `Bearer ${init.token}`;
  const res = await fetch(`${emulator.url}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    json: text === "" ? undefined : JSON.parse(text),
  };
}

/** Path of the login endpoint for broker 098, app code ALGO. */
export const LOGIN = "/api/oam/v1/098/broker-apps/ALGO/login";
/** Path of the refresh endpoint. */
export const REFRESH = "/api/oam/v1/098/broker-apps/ALGO/refresh-token";
/** Path of the dispatcher token endpoint. */
export const DISPATCHER = "/api/dispatcher/v3/098/token";

/** A login body signed with `secret` (default: the emulator's own). */
export async function loginBody(
  emulator: SettradeEmulator,
  timestamp: number,
  secret: string = emulator.appSecretBase64!,
): Promise<Record<string, string>> {
  const ts = String(Math.floor(timestamp));
  const signature = await signLogin(new Secret(secret), emulator.appId, "", ts);
  return { apiKey: emulator.appId, params: "", signature, timestamp: ts };
}

/** Logs in and fetches a dispatcher token; returns both tokens. */
export async function dispatcherToken(
  emulator: SettradeEmulator,
  now: number,
): Promise<{ access: string; refresh: string; token: string; hosts: string[] }> {
  const login = await call(emulator, LOGIN, { body: await loginBody(emulator, now) });
  if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
  const d = await call(emulator, DISPATCHER, { token: login.json.access_token });
  if (d.status !== 200) throw new Error(`dispatcher token failed: ${d.status}`);
  return {
    access: login.json.access_token,
    refresh: login.json.refresh_token,
    token: d.json.token,
    hosts: d.json.hosts,
  };
}

/** A connection attempt's outcome: the client, and whether CONNACK arrived. */
export interface Attempt {
  readonly client: MqttClient;
  readonly connected: boolean;
}

/** Opens a plain MQTT-over-WebSocket connection; resolves on connect or close (bounded). */
export function connectMqtt(url: string, token: string | undefined): Promise<Attempt> {
  const headers: Record<string, string> = token === undefined
    ? {}
    : { Authorization: `Bearer ${token}` };
  const client = mqtt.connect(url, {
    reconnectPeriod: 0,
    connectTimeout: 5_000,
    protocolVersion: 4,
    clean: true,
    wsOptions: { headers },
  } as mqtt.IClientOptions);
  client.on("error", () => {});
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ client, connected: false }), 8_000);
    client.once("connect", () => {
      clearTimeout(timer);
      resolve({ client, connected: true });
    });
    client.once("close", () => {
      clearTimeout(timer);
      resolve({ client, connected: false });
    });
  });
}

/** Subscribes and waits for the SUBACK. */
export function subscribe(client: MqttClient, topics: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    client.subscribe(topics, { qos: 0 }, (err) => (err ? reject(err) : resolve()));
  });
}

/** Closes a client at once (bounded). */
export function closeClient(client: MqttClient | undefined): Promise<void> {
  if (client === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 2_000);
    client.end(true, {}, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Every message a client receives, in order. */
export function record(client: MqttClient): { topic: string; payload: Uint8Array }[] {
  const got: { topic: string; payload: Uint8Array }[] = [];
  client.on("message", (topic, payload) => got.push({ topic, payload: new Uint8Array(payload) }));
  return got;
}
