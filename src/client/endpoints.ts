import { AuthenticationError, ConfigurationError } from '../errors';
import type { ServerClock } from '../rest/clock';
import { RestClient, type FetchFunction, type RestEndpoint } from '../rest/rest-client';
import { createSigner, type Signer } from '../transport/auth';
import type { Endpoint } from '../transport/connection';
import type { LogSink } from './logging';
import type { ClientSettings, WebsocketAPIClientOptions } from './options';
import { startTestnet, type TestnetGateway } from './testnet';

type Credentials = Pick<WebsocketAPIClientOptions, 'apiKey' | 'apiSecret' | 'apiPassphrase'>;

/**
 * Where the client connects and what it signs with: the WS API base URL and the REST hosts,
 * with the signer made from the credentials, or, for `testnet: true` without `wsBaseUrl`, the
 * bundled simulator (started on first use, once, and stopped by `stopTestnet`).
 */
export class Endpoints {
  /** The credentials live in this signer's closure and nowhere else. */
  private readonly signer: Signer | undefined;
  /** The names of the credentials given (never their values): testnet says it ignores them. */
  private readonly credentialsGiven: readonly string[];
  private testnet: Promise<TestnetGateway> | undefined = undefined;
  private testnetEndpoint: Promise<Endpoint> | undefined = undefined;

  constructor(
    private readonly settings: ClientSettings,
    credentials: Credentials,
    private readonly clock: ServerClock,
    private readonly log: LogSink | undefined,
  ) {
    const { apiKey, apiSecret, apiPassphrase } = credentials;
    this.credentialsGiven = (['apiKey', 'apiSecret', 'apiPassphrase'] as const).filter(
      (name) => credentials[name] !== undefined,
    );
    this.signer =
      apiKey && apiSecret && apiPassphrase
        ? createSigner({ apiKey, apiSecret, apiPassphrase }, () => clock.now())
        : undefined;
  }

  /** The base URL and signer for a connection attempt (testnet: the simulator, started once). */
  ws(): Promise<Endpoint> {
    const s = this.settings;
    if (s.testnet && s.wsBaseUrl === undefined) {
      // The local simulator only knows its demo account: given credentials are not used here.
      this.testnetEndpoint ??= (this.testnet = startTestnet(undefined, undefined, () =>
        this.clock.now(),
      )).then(
        (gateway) => {
          this.log?.(
            'info',
            `testnet: started the bundled simulator in-process on ${gateway.url} (close() stops it)`,
            { url: gateway.url },
          );
          if (this.credentialsGiven.length > 0) {
            this.log?.(
              'warn',
              `testnet: the ${this.credentialsGiven.join(', ')} given are not used: the in-process simulator ` +
                'signs with its demo account (pass wsBaseUrl to use your own credentials)',
              { ignored: this.credentialsGiven },
            );
          }
          return { baseUrl: gateway.url, signer: gateway.signer };
        },
        (error: unknown) => {
          // Let the next attempt try again rather than replaying this failure forever.
          this.testnet = this.testnetEndpoint = undefined;
          throw error;
        },
      );
      return this.testnetEndpoint;
    }
    if (this.signer === undefined) {
      return Promise.reject(
        new ConfigurationError('apiKey, apiSecret and apiPassphrase are required (or testnet: true)'),
      );
    }
    return Promise.resolve({ baseUrl: s.wsBaseUrl ?? '', signer: this.signer });
  }

  /**
   * The REST hosts and signer: the options', or the testnet simulator's (started once, shared
   * with the WS API). Rejects with a ConfigurationError without credentials.
   */
  async rest(): Promise<RestEndpoint> {
    const s = this.settings;
    const { signer } = await this.ws();
    if (s.restBaseUrl !== undefined && s.futuresRestBaseUrl !== undefined) {
      return { spotBaseUrl: s.restBaseUrl, futuresBaseUrl: s.futuresRestBaseUrl, signer };
    }
    const testnet = s.testnet && s.wsBaseUrl === undefined ? this.testnet : undefined;
    if (testnet === undefined) {
      throw new ConfigurationError(
        'testnet: true with this wsBaseUrl needs restBaseUrl and futuresRestBaseUrl (the simulator serves REST on its WebSocket port)',
      );
    }
    const simulator = (await testnet).restUrl;
    return {
      spotBaseUrl: s.restBaseUrl ?? simulator,
      futuresBaseUrl: s.futuresRestBaseUrl ?? simulator,
      signer,
    };
  }

  /** Stops the testnet simulator if one was started (or is starting); never rejects. */
  async stopTestnet(): Promise<void> {
    const gateway = await this.testnet?.catch(() => undefined);
    await gateway?.close().catch(() => undefined);
  }
}

/** The client's REST client: hosts and signer from `endpoints`, each clock correction logged. */
export function createRestClient(
  endpoints: Endpoints,
  clock: ServerClock,
  settings: ClientSettings,
  fetch: FetchFunction | undefined,
  log: LogSink | undefined,
): RestClient {
  return new RestClient({
    endpoint: () => endpoints.rest(),
    clock,
    fetch: fetch ?? ((input: string, init: RequestInit) => globalThis.fetch(input, init)),
    timeoutMs: settings.restTimeoutMs,
    onClockCorrected: (offsetMs) =>
      log?.(
        'warn',
        `clock: the exchange refused a timestamp (400002); signing with the server clock, ${offsetMs} ms from this one`,
        { code: '400002', clockOffsetMs: offsetMs },
      ),
  });
}

/**
 * After a 400002 refusal of the WS API: measures the server clock on the spot REST host so
 * that the next attempt is signed with it. Rejects with the refusal (the measurement's
 * failure as cause) when it cannot, which closes the client as before.
 */
export function resyncClock(rest: RestClient, refusal: AuthenticationError): Promise<void> {
  return rest.correctClock('spot').then(
    () => undefined,
    (cause: unknown) => {
      throw new AuthenticationError({
        code: refusal.code,
        msg: `${refusal.msg} (the server clock could not be read to correct it)`,
        cause,
      });
    },
  );
}
