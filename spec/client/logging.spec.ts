/**
 * The default listeners (attachEventListeners, on by default) as a user's logger sees them:
 * the level of each line, `(message, fields)` with wsKey / attempt / code as an object, the
 * close with its reason, a failed first connect that is not called a reconnect, and the
 * testnet simulator's start. A logger without warn/debug gets those lines on info.
 */
import { config, filter, firstValueFrom } from 'rxjs';
import { WebsocketAPIClient, type ConnectionState } from '../../src';
import { limitBuy, stateIs, useHarness } from './harness';

const h = useHarness();

interface Line {
  readonly level: string;
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

/** A logger with all four levels that keeps each call. */
function recordingLogger() {
  const lines: Line[] = [];
  const at =
    (level: string) =>
    (message: unknown, fields?: unknown): void =>
      void lines.push({ level, message: String(message), fields: fields as Record<string, unknown> });
  return { lines, info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
}

const fast = { reconnect: { initialDelayMs: 5, maxDelayMs: 20 } };

/** A reconnecting state of at least this attempt. */
const retrying = (attempt: number) => (s: ConnectionState) =>
  s.status === 'reconnecting' && s.attempt >= attempt;

describe('default listeners', () => {
  it('connect, drop, reconnect, close(): debug / info / warn lines with structured fields', async () => {
    const logger = recordingLogger();
    const { sim, client } = await h.start({}, { attachEventListeners: true, logger, ...fast });
    await client.connect();
    const reconnected = firstValueFrom(client.events$.pipe(filter((e) => e.type === 'reconnected')));
    sim.faults.dropSessions();
    await reconnected;
    await client.close();

    expect(logger.lines.map((l) => [l.level, l.message.replace(/\d+ ms/, 'N ms')])).toEqual([
      ['debug', '[kucoin-wsapi-rx] wsApiSpotV1: socket open, authenticating'],
      ['info', '[kucoin-wsapi-rx] wsApiSpotV1: authenticated, ready'],
      [
        'warn',
        expect.stringMatching(
          /^\[kucoin-wsapi-rx\] wsApiSpotV1: connection lost: .+; reconnecting in N ms \(attempt 1\)$/,
        ),
      ],
      ['debug', '[kucoin-wsapi-rx] wsApiSpotV1: socket open, authenticating'],
      ['info', '[kucoin-wsapi-rx] wsApiSpotV1: authenticated, ready'],
      ['info', '[kucoin-wsapi-rx] wsApiSpotV1: reconnected'],
      ['info', '[kucoin-wsapi-rx] wsApiSpotV1: connection closed'],
    ]);
    const lost = logger.lines[2];
    expect(lost.fields).toEqual({ wsKey: 'wsApiSpotV1', attempt: 1, retryInMs: expect.any(Number) });
    expect(lost.message).toContain(`in ${lost.fields.retryInMs as number} ms`);
    for (const line of logger.lines) expect(line.fields).toMatchObject({ wsKey: 'wsApiSpotV1' });
  });

  it('a first connect that fails is "could not connect", never "reconnecting"', async () => {
    const logger = recordingLogger();
    const sim = await h.sim();
    sim.faults.refuseConnections(true);
    const client = h.client(sim, { attachEventListeners: true, logger, ...fast });
    client.connect().catch(() => undefined);
    await firstValueFrom(client.stateOf$('wsApiSpotV1').pipe(filter(retrying(2))));
    const warns = logger.lines.filter((l) => l.level === 'warn');
    expect(warns[0].message).toMatch(
      /^\[kucoin-wsapi-rx\] wsApiSpotV1: could not connect: .*503.*; retry 1 in \d+ ms$/,
    );
    expect(warns[1].message).toMatch(/could not connect: .*; retry 2 in \d+ ms$/);
    expect(warns[0].fields).toMatchObject({ wsKey: 'wsApiSpotV1', attempt: 1 });
    expect(logger.lines.map((l) => l.message).join('\n')).not.toMatch(/reconnect/);
    // Once connected, losing it is a reconnect.
    sim.faults.refuseConnections(false);
    await stateIs(client, 'ready');
    const before = logger.lines.filter((l) => l.level === 'warn').length;
    sim.faults.refuseConnections(true);
    sim.faults.dropSessions();
    // The attempt count goes on from the failed connects: it starts again only after a session
    // stayed ready for a ping interval. Wait for the retry after the first one.
    const first = await firstValueFrom(client.stateOf$('wsApiSpotV1').pipe(filter(retrying(1))));
    await firstValueFrom(client.stateOf$('wsApiSpotV1').pipe(filter(retrying(first.attempt + 1))));
    const after = logger.lines.filter((l) => l.level === 'warn').slice(before);
    const lost = /connection lost: .*; reconnecting in \d+ ms \(attempt (\d+)\)$/.exec(after[0].message);
    expect(lost).not.toBeNull();
    const attempt = Number(lost?.[1]);
    expect(after[1].message).toMatch(
      new RegExp(`reconnect failed: .*503.*; reconnecting in \\d+ ms \\(attempt ${attempt + 1}\\)$`),
    );
  });

  it('an authentication refusal: "open", then the close at error level with its reason and code', async () => {
    const logger = recordingLogger();
    const sim = await h.sim();
    const client = h.client(sim, { apiKey: 'nobody', attachEventListeners: true, logger });
    await expect(client.connect()).rejects.toMatchObject({ code: '400003' });
    const closes = logger.lines.filter((l) => /connection closed/.test(l.message));
    expect(closes).toEqual([
      {
        level: 'error',
        message: expect.stringMatching(
          /^\[kucoin-wsapi-rx\] wsApiSpotV1: connection closed: authentication refused: 400003 /,
        ),
        fields: { wsKey: 'wsApiSpotV1', code: '400003' },
      },
    ]);
  });

  it('exhausted attempts: the close line says it gave up, with the system error code', async () => {
    const logger = recordingLogger();
    const client = h.track(
      new WebsocketAPIClient({
        apiKey: 'k',
        apiSecret: 's',
        apiPassphrase: 'p',
        wsBaseUrl: 'ws://nonexistent-host.invalid:1',
        logger,
        reconnect: { initialDelayMs: 1, maxDelayMs: 2, maxAttempts: 2 },
      }),
    );
    await expect(client.connect()).rejects.toThrow(/gave up after 2 reconnect attempts/);
    const close = logger.lines.find((l) => /connection closed/.test(l.message));
    expect(close).toMatchObject({
      level: 'error',
      message: expect.stringMatching(
        /wsApiSpotV1: connection closed: wsApiSpotV1 gave up after 2 reconnect attempts \(reconnect\.maxAttempts\): getaddrinfo/,
      ),
      fields: { wsKey: 'wsApiSpotV1', code: expect.stringMatching(/^(ENOTFOUND|EAI_AGAIN)$/) },
    });
  });

  it('a logger with only info and error gets the debug and warn lines on info', async () => {
    const lines: Array<[string, string]> = [];
    const logger = {
      info: (m: unknown) => void lines.push(['info', String(m)]),
      error: (m: unknown) => void lines.push(['error', String(m)]),
    };
    const sim = await h.sim();
    sim.faults.refuseConnections(true);
    const client = h.client(sim, { attachEventListeners: true, logger, ...fast });
    client.connect().catch(() => undefined);
    await stateIs(client, 'reconnecting');
    sim.faults.refuseConnections(false);
    await stateIs(client, 'ready');
    expect(lines.map(([level]) => level)).toEqual(['info', 'info', 'info']);
    expect(lines.map(([, m]) => m)).toEqual([
      expect.stringMatching(/could not connect/),
      expect.stringMatching(/socket open/),
      expect.stringMatching(/authenticated/),
    ]);
  });
});

describe('a logger that fails', () => {
  // RxJS hands an error thrown in a subscriber to config.onUnhandledError (by default it
  // rethrows it on a timer: an uncaught exception that ends the process).
  let uncaught: unknown[] = [];
  let report: jest.SpyInstance;
  beforeEach(() => {
    uncaught = [];
    config.onUnhandledError = (error) => void uncaught.push(error);
    report = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    config.onUnhandledError = null;
    report.mockRestore();
  });

  it.each([
    [
      'throws',
      () => {
        throw new Error('logger broke');
      },
    ],
    ['returns a rejected promise', () => Promise.reject(new Error('logger broke'))],
  ])('%s: the client goes on, nothing uncaught, one report on console.error', async (_what, fail) => {
    let calls = 0;
    const broken = (): unknown => {
      calls++;
      return fail();
    };
    const logger = { info: broken, warn: broken, error: broken, debug: broken };
    const sim = await h.sim();
    const client = h.client(sim, { attachEventListeners: true, logger, ...fast });
    const unobserved = firstValueFrom(client.exceptions$.pipe(filter((e) => e.unobserved === true)));
    // A failure nobody observes is logged at error level.
    void client.cancelSpotOrder({ symbol: 'BTC-USDT', orderId: 'no-such-order' });
    await unobserved;
    const placed = await client.submitNewSpotOrder(limitBuy());
    expect(placed.code).toBe('200000');
    await client.close();
    // Let a timer-based rethrow, and a rejected promise's handler, run.
    await new Promise((resolve) => setTimeout(resolve, 0));
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(uncaught).toEqual([]);
    expect(report).toHaveBeenCalledTimes(1);
    expect(String(report.mock.calls[0][0])).toMatch(/the logger threw \(Error: logger broke\)/);
  });
});

describe('testnet: true', () => {
  it('says that it started the simulator, and that the credentials given are not used (by name only)', async () => {
    const logger = recordingLogger();
    const secret = 'my-real-secret-7f3a';
    const client = h.track(
      new WebsocketAPIClient({
        testnet: true,
        apiKey: 'my-real-key',
        apiSecret: secret,
        apiPassphrase: 'my-real-passphrase',
        logger,
      }),
    );
    await client.submitNewSpotOrder(limitBuy());
    const [started, ignored] = logger.lines.filter((l) => /testnet/.test(l.message));
    expect(started).toMatchObject({
      level: 'info',
      message: expect.stringMatching(
        /^\[kucoin-wsapi-rx\] testnet: started the bundled simulator in-process on ws:\/\/127\.0\.0\.1:\d+ /,
      ),
      fields: { url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+$/) },
    });
    expect(ignored).toEqual({
      level: 'warn',
      message: expect.stringContaining('testnet: the apiKey, apiSecret, apiPassphrase given are not used'),
      fields: { ignored: ['apiKey', 'apiSecret', 'apiPassphrase'] },
    });
    const text = JSON.stringify(logger.lines);
    for (const value of ['my-real-key', secret, 'my-real-passphrase']) expect(text).not.toContain(value);
  });

  it('without credentials it only says that it started the simulator', async () => {
    const logger = recordingLogger();
    const client = h.track(new WebsocketAPIClient({ testnet: true, logger }));
    await client.connect();
    expect(logger.lines.filter((l) => /testnet/.test(l.message)).map((l) => l.level)).toEqual(['info']);
  });
});
