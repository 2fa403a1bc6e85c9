/**
 * The emulator: wires the REST server, the MQTT broker, the publisher, the
 * tokens and the faults together, and tears them down.
 *
 * @module
 */

import { SettradeApi } from "./_api.ts";
import { MqttBroker } from "./_broker.ts";
import { control, CONTROL_PREFIX } from "./_control.ts";
import {
  Faults,
  type LoginRefusal,
  type MalformedSpec,
  type RefusableEndpoint,
} from "./_faults.ts";
import { type ApiRequest, type HttpServer, startHttp } from "./_http.ts";
import { type LoginKey, publicKeyBase64, resolveLoginKey } from "./_keys.ts";
import { MarketRest } from "./_market-rest.ts";
import { type ResolvedOptions, resolveOptions, type SettradeEmulatorOptions } from "./_options.ts";
import { Publisher } from "./_publisher.ts";
import { RateLimits } from "./_rate-limit.ts";
import { Counters, RequestLog, type SecondCount, type SettradeEmulatorStats } from "./_stats.ts";
import { TokenStore } from "./_tokens.ts";
import type { SettradeEmulator } from "./_types.ts";
import type { SettradeOptionsInput } from "../config.ts";

const P = "[settrade-emulator]";

/** The emulator's implementation. */
export class Emulator implements SettradeEmulator {
  readonly url: string;
  readonly mqttUrl: string;
  readonly port: number;
  readonly dispatcherHost: string;
  readonly appId: string;
  readonly appCode: string;
  readonly brokerId: string;
  readonly publicKeyBase64: string;
  readonly #key: LoginKey;
  readonly #tokens: TokenStore;
  readonly #faults: Faults;
  readonly #counters: Counters;
  readonly #log: RequestLog;
  readonly #publisher: Publisher;
  readonly #broker: MqttBroker;
  readonly #http: HttpServer;
  #stopping: Promise<void> | undefined;

  private constructor(
    o: ResolvedOptions,
    parts: {
      key: LoginKey;
      tokens: TokenStore;
      faults: Faults;
      counters: Counters;
      log: RequestLog;
      publisher: Publisher;
      broker: MqttBroker;
      http: HttpServer;
      hostPort: string;
    },
  ) {
    this.port = parts.http.port;
    this.dispatcherHost = parts.hostPort;
    this.url = `${o.tls ? "https" : "http"}://${parts.hostPort}`;
    this.mqttUrl = `${
      o.tls ? "wss" : "ws"
    }://${parts.hostPort}/api/dispatcher/v3/${o.brokerId}/mqtt`;
    this.appId = o.appId;
    this.appCode = o.appCode;
    this.brokerId = o.brokerId;
    this.#key = parts.key;
    this.publicKeyBase64 = publicKeyBase64(parts.key);
    this.#tokens = parts.tokens;
    this.#faults = parts.faults;
    this.#counters = parts.counters;
    this.#log = parts.log;
    this.#publisher = parts.publisher;
    this.#broker = parts.broker;
    this.#http = parts.http;
  }

  /**
   * Starts an emulator.
   * @param input Options.
   * @returns The running emulator.
   */
  static async start(input?: SettradeEmulatorOptions): Promise<Emulator> {
    const o = resolveOptions(input);
    const key = resolveLoginKey(o.appSecret, o.publicKey);
    const tokens = new TokenStore(o.clock, o.accessTokenTtlSec);
    const faults = new Faults(o.clock, o.seed);
    const counters = new Counters();
    const log = new RequestLog();
    // Built before the broker and the server, which refer back to them.
    const late: { broker?: MqttBroker; emulator?: Emulator; hostPort: string } = { hostPort: "" };
    const publisher = new Publisher(
      o,
      faults,
      (topic, payload) => late.broker?.publish(topic, payload),
    );
    const broker = late.broker = await MqttBroker.create({
      mqttPath: `/api/dispatcher/v3/${o.brokerId}/mqtt`,
      tokens,
      clock: o.clock,
      dropOnTokenExpiry: o.dropOnTokenExpiry,
      universe: { symbols: new Set(o.symbols), markets: new Set(o.markets) },
      publisher,
      counters,
      logger: o.logger,
      faults,
    });
    const api = new SettradeApi({
      options: o,
      key,
      tokens,
      faults,
      counters,
      market: new MarketRest(o, publisher),
      limits: new RateLimits(o.clock, o.perSecond, o.perMinute, o.announceLimits),
      log,
      dispatcherHost: () => late.hostPort,
    });
    const handle = (req: ApiRequest) =>
      o.control && req.path.startsWith(CONTROL_PREFIX) && late.emulator !== undefined
        ? control(req, late.emulator)
        : api.handle(req);
    let http: HttpServer;
    try {
      http = await startHttp(
        o.host,
        o.port,
        o.tls,
        handle,
        (req, socket, head) => broker.handleUpgrade(req, socket, head),
      );
    } catch (e) {
      await broker.close();
      throw e;
    }
    const hostPort = late.hostPort = `${
      o.host.includes(":") ? `[${o.host}]` : o.host
    }:${http.port}`;
    const emulator = late.emulator = new Emulator(o, {
      key,
      tokens,
      faults,
      counters,
      log,
      publisher,
      broker,
      http,
      hostPort,
    });
    try {
      await publisher.start();
    } catch (e) {
      await emulator.stop();
      throw e;
    }
    o.logger.info(`${P} listening`, { url: emulator.url });
    return emulator;
  }

  get appSecretBase64(): string | undefined {
    return this.#key.secretBase64;
  }

  env(): Record<string, string> {
    const secret = this.#key.secretBase64;
    return {
      DATA_SOURCE: "settrade",
      SETTRADE_APP_ID: this.appId,
      ...(secret === undefined ? {} : { SETTRADE_APP_SECRET: secret }),
      SETTRADE_APP_CODE: this.appCode,
      SETTRADE_BROKER_ID: this.brokerId,
      SETTRADE_BASE_URL: this.url,
      SETTRADE_MARKET_URL: this.url,
    };
  }

  connectorOptions(): SettradeOptionsInput {
    const secret = this.#key.secretBase64;
    if (secret === undefined) {
      throw new Error(
        "[settrade-emulator] started with a public key only, so it cannot hand out the app " +
          "secret: give appSecret yourself, with the rest of connectorOptions()",
      );
    }
    return {
      appId: this.appId,
      appSecret: secret,
      appCode: this.appCode,
      brokerId: this.brokerId,
      baseUrl: this.url,
      marketUrl: this.url,
    };
  }

  dropConnections(): number {
    return this.#broker.dropConnections();
  }

  expireTokensAfter(seconds: number): void {
    if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) {
      throw new RangeError(
        `${P} expireTokensAfter needs a finite number of seconds >= 0, got ${String(seconds)}`,
      );
    }
    this.#tokens.expireAfter(seconds * 1_000);
    this.#broker.rearm();
  }

  stall(ms: number): void {
    this.#faults.stall(ms);
  }

  sendMalformed(spec: MalformedSpec): void {
    this.#faults.sendMalformed(spec);
  }

  refuseLogins(on: boolean, how?: LoginRefusal): void {
    this.#faults.refuseLogins(on, how);
  }

  revokeDispatcherTokens(): void {
    this.#tokens.revokeDispatcher();
  }

  revokeSessions(): void {
    this.#tokens.revokeAll();
  }

  outage(ms: number): number {
    this.#faults.outage(ms);
    return this.#broker.dropConnections();
  }

  refuse(endpoint: RefusableEndpoint, on: boolean, how?: LoginRefusal): void {
    this.#faults.refuse(endpoint, on, how);
  }

  slowMarket(ms: number): void {
    this.#faults.slowMarket(ms);
  }

  requestsPerSecond(): SecondCount[] {
    return this.#log.list();
  }

  get logins(): number {
    return this.#counters.logins;
  }

  get refreshes(): number {
    return this.#counters.refreshes;
  }

  get dispatcherTokens(): number {
    return this.#counters.dispatcherTokens;
  }

  get connections(): number {
    return this.#counters.connections;
  }

  get published(): number {
    return this.#publisher.counts().published;
  }

  stats(): SettradeEmulatorStats {
    return { ...this.#counters, openConnections: this.#broker.open, ...this.#publisher.counts() };
  }

  subscriptions(): readonly string[] {
    return [...this.#publisher.topics().keys()].sort();
  }

  stop(): Promise<void> {
    return this.#stopping ??= (async () => {
      await this.#publisher.stop();
      await this.#broker.close();
      await this.#http.close();
    })();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  /** @returns A summary without the secret. */
  toJSON(): { url: string; appId: string; appCode: string; brokerId: string } {
    return { url: this.url, appId: this.appId, appCode: this.appCode, brokerId: this.brokerId };
  }
}
