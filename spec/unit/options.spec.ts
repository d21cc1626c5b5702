import { ConfigurationError, WebsocketAPIClient } from '../../src';
import { resolveSettings, type WebsocketAPIClientOptions } from '../../src/client/options';

describe('resolveSettings', () => {
  it('caps handshakeTimeoutMs at what setTimeout can wait (a longer delay, Infinity too, would fire after 1 ms)', () => {
    expect(resolveSettings({ handshakeTimeoutMs: Infinity }).handshakeTimeoutMs).toBe(2 ** 31 - 1);
    expect(resolveSettings({ handshakeTimeoutMs: 2 ** 40 }).handshakeTimeoutMs).toBe(2 ** 31 - 1);
    expect(resolveSettings({ handshakeTimeoutMs: 1_234 }).handshakeTimeoutMs).toBe(1_234);
    expect(resolveSettings({}).handshakeTimeoutMs).toBe(10_000);
  });

  it('still refuses a handshakeTimeoutMs that is not a positive number', () => {
    expect(() => resolveSettings({ handshakeTimeoutMs: 0 })).toThrow(RangeError);
    expect(() => resolveSettings({ handshakeTimeoutMs: Number.NaN })).toThrow(RangeError);
  });
});

describe('options that would not do what their name says are refused', () => {
  const refused = (options: unknown): string => {
    try {
      resolveSettings(options as WebsocketAPIClientOptions);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      return (error as Error).message;
    }
    throw new Error('accepted');
  };

  it.each(['true', 1, 'yes', null, {}])('testnet: %p (not a boolean) never means production', (value) => {
    expect(refused({ testnet: value })).toMatch(/option testnet must be true or false \(got \w+\)/);
  });

  it('every boolean option, and the credentials, logger, makeWebSocket and fetch by their type', () => {
    for (const key of ['attachEventListeners', 'rateLimitGate', 'orderUpdates', 'reconcile'])
      expect(refused({ [key]: 'false' })).toContain(`${key} must be true or false (got string)`);
    expect(refused({ apiKey: 42 })).toContain('apiKey must be a string (got number)');
    expect(refused({ logger: 'console' })).toContain('logger must be an object (got string)');
    expect(refused({ makeWebSocket: {} })).toContain('makeWebSocket must be a function');
    expect(refused({ fetch: 'fetch' })).toContain('fetch must be a function');
    // From the constructor, before anything starts.
    expect(() => new WebsocketAPIClient({ testnet: 'true' } as unknown as WebsocketAPIClientOptions)).toThrow(
      ConfigurationError,
    );
  });

  it('a value is never quoted: a misplaced secret does not reach the message', () => {
    const secret = 'very-secret-value-123';
    expect(refused({ apiSecret: { secret } })).not.toContain(secret);
    expect(refused({ apiSecrett: secret })).not.toContain(secret);
  });

  it('a value from a getter or a prototype is checked as an own one (the client reads it the same way)', () => {
    class Config {
      readonly apiKey = 'k';
      get testnet(): unknown {
        return 'true';
      }
    }
    expect(refused(new Config())).toContain('testnet must be true or false (got string)');
    expect(refused(Object.create({ testnet: 'true' }))).toContain('testnet must be true or false');
    expect(refused(Object.create({ reconcille: true }))).toContain('"reconcille"');
    expect(refused(Object.create({ wsUrl: 'wss://example.invalid' }))).toContain('wsBaseUrl');
    class Good {
      get testnet(): boolean {
        return true;
      }
    }
    expect(resolveSettings(new Good() as WebsocketAPIClientOptions).testnet).toBe(true);
  });

  it('a name inside reconnect that is not one of its options is refused too', () => {
    expect(refused({ reconnect: { maxAttemps: 3 } })).toContain(
      'reconnect."maxAttemps" is not a reconnect option',
    );
    expect(
      resolveSettings({ reconnect: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 2 } }).reconnect,
    ).toEqual({
      maxAttempts: 3,
      initialDelayMs: 1,
      maxDelayMs: 2,
    });
  });

  it('an unknown name (a typo) is refused, naming it', () => {
    expect(refused({ reconcille: true })).toContain('"reconcille" is not an option of this client');
    expect(refused({ apiKeyy: 'k' })).toContain('"apiKeyy"');
  });

  it("kucoin-api's wsUrl and a regional apiRegion are refused; its other options are accepted and ignored", () => {
    expect(refused({ wsUrl: 'wss://example.invalid/v1/private' })).toContain('wsBaseUrl');
    expect(refused({ apiRegion: 'EU' })).toContain('restBaseUrl');
    expect(refused({ apiRegion: 'AU' })).toContain('apiRegion');
    const accepted = resolveSettings({
      apiRegion: 'global',
      recvWindow: 5000,
      pingInterval: 10_000,
      pongTimeout: 1_000,
      reconnectTimeout: 500,
      restOptions: {},
      requestOptions: {},
      wsOptions: {},
      customSignMessageFn: async () => '',
      reauthWSAPIOnReconnect: true,
    } as WebsocketAPIClientOptions);
    expect(accepted.wsBaseUrl).toBe('wss://wsapi.kucoin.com');
    // Every option of this client is known, and undefined ones are left alone.
    expect(() =>
      resolveSettings({
        testnet: undefined,
        apiKey: undefined,
        attachEventListeners: false,
        reconcile: true,
      }),
    ).not.toThrow();
  });
});
