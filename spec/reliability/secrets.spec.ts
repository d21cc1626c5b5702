/**
 * Secrets never leak. A full session — connect, every operation, order lookups over REST
 * (found, not found, invalid, REST down, refused credentials, a clock 30 s off corrected),
 * errors (validation, gateway, timeout, disconnect, malformed answers), a reconnect, an
 * authentication failure of a second client, and close — with a capturing logger and the
 * default event listeners attached.
 * Everything the library hands out is captured: log lines, every event (`on` and `events$`),
 * every state, every parsed frame, quotas and latencies, every response, and every error's
 * message, stack, JSON and util.inspect (causes included), plus JSON.stringify and
 * util.inspect of the clients. Neither secret nor passphrase — nor the signed passphrase nor
 * any URL signature of any connection attempt, nor any KC-API-SIGN of a REST request — may
 * appear in any of it.
 */
import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import { filter, firstValueFrom } from 'rxjs';
import {
  AuthenticationError,
  type FetchFunction,
  ClientClosedError,
  DisconnectedError,
  GatewayError,
  ProtocolError,
  TimeoutError,
  ValidationError,
  type WebsocketAPIClient,
  type WsApiCall,
} from '../../src';
import type { Simulator } from '../../src/simulator';
import { makeNodeWebSocket, type WebSocketFactory } from '../../src/transport/websocket';
import { futuresBuy, limitBuy, stateIs, useHarness } from '../client/harness';
import { settle, until } from '../support/reliability';
import { EVENT_TYPES } from '../../src/client/events';

const h = useHarness();

const KEY = 'reliability-key-5e2b';
const SECRET = 'SECRET-7d1f0c-never-print-me';
const PASSPHRASE = 'PASSPHRASE-39be4a-never-print-me';
const WRONG_SECRET = 'WRONG-SECRET-a9c4-never-print-me';

const hmac = (key: string, message: string): string =>
  createHmac('sha256', key).update(message).digest('base64');

/** Everything captured, as text. */
class Capture {
  readonly texts: string[] = [];

  add(label: string, value: unknown): void {
    let json = '';
    try {
      json = JSON.stringify(value) ?? '';
    } catch (e) {
      json = `(JSON.stringify threw: ${String(e)})`;
    }
    this.texts.push(`${label} ${json}`, inspect(value, { depth: 10, showHidden: true }));
    if (value instanceof Error) {
      // Message, stack and the whole cause chain, each as text too.
      for (let e: unknown = value, i = 0; e instanceof Error && i < 10; e = e.cause, i++)
        this.texts.push(String(e), e.message, String(e.stack), JSON.stringify(e) ?? '');
    }
  }

  /** Every client output: logs, events (both ways), states, frames, quotas, latencies. */
  watch(client: WebsocketAPIClient, logger: { lines: string[] }): void {
    // Every event the emitter knows, so that a new one is watched too.
    for (const type of EVENT_TYPES) client.getWSClient().on(type, (e) => this.add(`on:${type}`, e));
    client.events$.subscribe((e) => this.add('events$', e));
    client.state$.subscribe((s) => this.add('state$', s));
    client.messages$.subscribe((m) => this.add('messages$', m));
    client.rateLimit$.subscribe((r) => this.add('rateLimit$', r));
    client.latency$.subscribe((l) => this.add('latency$', l));
    client.exceptions$.subscribe((e) => this.add('exceptions$', e));
    this.loggers.push(logger); // its lines are read at the end, by all()
  }

  private readonly loggers: Array<{ lines: string[] }> = [];

  /** All text, logs included. */
  all(): string {
    return [...this.texts, ...this.loggers.flatMap((l) => l.lines)].join('\n');
  }
}

/** A logger that keeps each line, at every level, as console would print it (util.inspect of each argument). */
function capturingLogger(): {
  lines: string[];
  info: (...a: unknown[]) => void;
  error: (...a: unknown[]) => void;
  warn: (...a: unknown[]) => void;
  debug: (...a: unknown[]) => void;
} {
  const lines: string[] = [];
  const line = (level: string, args: unknown[]) =>
    lines.push(
      [level, ...args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 10 })))].join(' '),
    );
  return {
    lines,
    info: (...a) => line('info', a),
    error: (...a) => line('error', a),
    warn: (...a) => line('warn', a),
    debug: (...a) => line('debug', a),
  };
}

/** A WebSocket factory that remembers every signed URL it was given (to know the signatures). */
function recordingFactory(urls: string[]): WebSocketFactory {
  return (url, protocols) => {
    urls.push(url);
    return makeNodeWebSocket(url, protocols);
  };
}

/** A fetch that remembers the signature headers of every REST request it sends. */
function recordingFetch(signatures: string[]): FetchFunction {
  return (input, init) => {
    const headers = new Headers(init.headers);
    for (const name of ['KC-API-SIGN', 'KC-API-PASSPHRASE']) {
      const v = headers.get(name);
      if (v) signatures.push(v);
    }
    return globalThis.fetch(input, init);
  };
}

/** The values no output may contain, raw and URL-encoded. */
function forbidden(urls: readonly string[], restSignatures: readonly string[] = []): string[] {
  const values = new Set<string>([
    SECRET,
    PASSPHRASE,
    WRONG_SECRET,
    hmac(SECRET, PASSPHRASE),
    hmac(WRONG_SECRET, PASSPHRASE),
    ...restSignatures,
  ]);
  for (const url of urls) {
    const q = new URL(url).searchParams;
    for (const name of ['sign', 'passphrase']) {
      const v = q.get(name);
      if (v) values.add(v);
    }
  }
  return [...values].flatMap((v) => [v, encodeURIComponent(v)]);
}

async function everyOperation(client: WebsocketAPIClient, capture: Capture): Promise<void> {
  const run = async (label: string, call: WsApiCall<unknown>) => capture.add(label, await settle(call));
  await run('spot.order', client.submitNewSpotOrder(limitBuy({ clientOid: 'sec-1' })));
  await run('spot.sync_order', client.submitSyncSpotOrder(limitBuy({ clientOid: 'sec-2' })));
  await run(
    'spot.modify',
    client.modifySpotOrder({ symbol: 'BTC-USDT', clientOid: 'sec-1', newPrice: '20001' }),
  );
  await run('spot.cancel', client.cancelSpotOrder({ symbol: 'BTC-USDT', clientOid: 'sec-2' }));
  await run('spot.sync_cancel', client.cancelSyncSpotOrder({ symbol: 'BTC-USDT', clientOid: 'sec-1' }));
  await run(
    'margin.order',
    client.submitMarginOrder({
      side: 'buy',
      symbol: 'BTC-USDT',
      price: '20000',
      size: '0.001',
      clientOid: 'sec-3',
    }),
  );
  await run('margin.cancel', client.cancelMarginOrder({ symbol: 'BTC-USDT', clientOid: 'sec-3' }));
  await run('futures.order', client.submitFuturesOrder(futuresBuy({ clientOid: 'sec-4' })));
  await run('futures.cancel', client.cancelFuturesOrder({ clientOid: 'sec-4', symbol: 'XBTUSDTM' }));
  await run(
    'futures.multi_order',
    client.submitMultipleFuturesOrders([
      futuresBuy({ clientOid: 'sec-5' }),
      futuresBuy({ clientOid: 'sec-6' }),
    ]),
  );
  await run(
    'futures.multi_cancel',
    client.cancelMultipleFuturesOrders({ clientOidsList: [{ symbol: 'XBTUSDTM', clientOid: 'sec-5' }] }),
  );
}

/** Lookups of every kind: found in each market, not found, invalid, REST down. */
async function everyLookup(client: WebsocketAPIClient, sim: Simulator, capture: Capture): Promise<void> {
  const spot = await client.submitNewSpotOrder(limitBuy({ clientOid: 'sec-lookup-1' }));
  const futures = await client.submitFuturesOrder(futuresBuy({ clientOid: 'sec-lookup-2' }));
  const lookups: Array<[string, Promise<unknown>]> = [
    [
      'lookup spot',
      client.lookupOrder({ clientOid: spot.data.clientOid, symbol: 'BTC-USDT', market: 'spot' }),
    ],
    ['lookup futures', client.lookupOrder({ clientOid: futures.data.clientOid, market: 'futures' })],
    [
      'lookup margin (none)',
      client.lookupOrder({ clientOid: 'sec-none', symbol: 'BTC-USDT', market: 'margin' }),
    ],
    ['lookup invalid', client.lookupOrder({ clientOid: 'a b', market: 'spot' })],
  ];
  for (const [label, lookup] of lookups) capture.add(label, await settle(lookup));
  expect(await settle(lookups[0][1])).toMatchObject({ clientOid: 'sec-lookup-1', status: 'open' });
  sim.faults.restDown(true);
  const down = await settle(client.lookupOrder({ clientOid: 'sec-lookup-2', market: 'futures' }));
  sim.faults.restDown(false);
  expect(down).toBeInstanceOf(GatewayError);
  capture.add('lookup rest down', down);
}

describe('secrets', () => {
  it('a full session leaks neither secret nor passphrase (nor any signature) anywhere', async () => {
    const sim: Simulator = await h.sim({
      accounts: [
        {
          apiKey: KEY,
          apiSecret: SECRET,
          apiPassphrase: PASSPHRASE,
          balances: { USDT: '1000000', BTC: '100', ETH: '1000' },
        },
      ],
    });
    const urls: string[] = [];
    const restSignatures: string[] = [];
    const capture = new Capture();
    const logger = capturingLogger();
    const rest = {
      restBaseUrl: sim.restUrl,
      futuresRestBaseUrl: sim.restUrl,
      fetch: recordingFetch(restSignatures),
    };
    const client = h.client(sim, {
      apiKey: KEY,
      apiSecret: SECRET,
      apiPassphrase: PASSPHRASE,
      ...rest,
      attachEventListeners: true,
      logger,
      makeWebSocket: recordingFactory(urls),
      requestTimeoutMs: 400,
      reconnect: { initialDelayMs: 5, maxDelayMs: 20 },
    });
    capture.watch(client, logger);
    capture.add('client (new)', client);

    // Connect both connections, then every operation (successes and gateway refusals).
    await client.connect();
    await client.connect('wsApiFuturesV1');
    await everyOperation(client, capture);
    await everyLookup(client, sim, capture);

    // Errors of every kind the client raises.
    const invalid = await settle(client.submitNewSpotOrder(limitBuy({ price: '-1' })));
    expect(invalid).toBeInstanceOf(ValidationError);
    capture.add('validation', invalid);
    const refused = await settle(client.cancelSpotOrder({ symbol: 'BTC-USDT', orderId: 'no-such-order' }));
    expect(refused).toBeInstanceOf(GatewayError);
    capture.add('gateway', refused);
    sim.faults.sendMalformed('bad-data');
    const malformed = await settle(client.submitNewSpotOrder(limitBuy()));
    expect(malformed).toBeInstanceOf(ProtocolError);
    capture.add('protocol', malformed);
    sim.faults.sendMalformed('not-json');
    await firstValueFrom(client.exceptions$);
    sim.faults.pause();
    const timedOut = await settle(client.submitNewSpotOrder(limitBuy()));
    expect(timedOut).toBeInstanceOf(TimeoutError);
    capture.add('timeout', timedOut);

    // A reconnect: a call written into the silence fails as disconnected when the link is cut.
    const written = client.submitNewSpotOrder(limitBuy());
    await until(() => sim.countFrames((f) => f.id === written.id) === 1, 'the call reached the gateway');
    const reconnected = firstValueFrom(client.events$.pipe(filter((e) => e.type === 'reconnected')));
    sim.faults.dropSessions();
    sim.faults.resume();
    const disconnected = await settle(written);
    expect(disconnected).toBeInstanceOf(DisconnectedError);
    capture.add('disconnected', disconnected);
    await reconnected;
    await everyOperation(client, capture);
    capture.add('client (after reconnect)', client);

    // A second client with the wrong secret: refused, closed, its calls rejected.
    const wrongLogger = capturingLogger();
    const wrong = h.client(sim, {
      apiKey: KEY,
      apiSecret: WRONG_SECRET,
      apiPassphrase: PASSPHRASE,
      ...rest,
      attachEventListeners: true,
      logger: wrongLogger,
      makeWebSocket: recordingFactory(urls),
    });
    capture.watch(wrong, wrongLogger);
    const restRefused = await settle(wrong.lookupOrder({ clientOid: 'sec-lookup-1', market: 'futures' }));
    expect(restRefused).toBeInstanceOf(AuthenticationError);
    capture.add('lookup refused', restRefused);
    const authFailure = await settle(wrong.submitNewSpotOrder(limitBuy()));
    expect(authFailure).toBeInstanceOf(AuthenticationError);
    capture.add('auth failure', authFailure);
    capture.add('connect after auth failure', await wrong.connect().catch((e: unknown) => e));
    capture.add('wrong client', wrong);

    // A gateway whose clock is 30 s ahead: the WS API and a lookup recover by measuring it.
    const skewed = await h.sim({
      clockOffsetMs: 30_000,
      accounts: [
        { apiKey: KEY, apiSecret: SECRET, apiPassphrase: PASSPHRASE, balances: { USDT: '1000000' } },
      ],
    });
    const skewLogger = capturingLogger();
    const late = h.client(skewed, {
      apiKey: KEY,
      apiSecret: SECRET,
      apiPassphrase: PASSPHRASE,
      restBaseUrl: skewed.restUrl,
      futuresRestBaseUrl: skewed.restUrl,
      fetch: recordingFetch(restSignatures),
      attachEventListeners: true,
      logger: skewLogger,
      makeWebSocket: recordingFactory(urls),
    });
    capture.watch(late, skewLogger);
    capture.add('skewed lookup', await settle(late.lookupOrder({ clientOid: 'sec-x', market: 'futures' })));
    capture.add('skewed order', await settle(late.submitNewSpotOrder(limitBuy())));
    expect(late.clockOffsetMs).toBeGreaterThan(25_000);
    expect(skewLogger.lines.join('\n')).toMatch(/^warn .*signing with the server clock/m);
    capture.add('skewed client', late);

    // Close: calls after it are rejected.
    const closing = client.close();
    capture.add('closing state', client.stateOf('wsApiSpotV1'));
    await closing;
    const closed = await settle(client.submitNewSpotOrder(limitBuy()));
    expect(closed).toBeInstanceOf(ClientClosedError);
    capture.add('closed', closed);
    capture.add('lookup closed', await settle(client.lookupOrder({ clientOid: 'sec-1', market: 'futures' })));
    await stateIs(client, 'closed');

    // The clients as users print them.
    for (const c of [client, wrong, late]) {
      capture.texts.push(
        JSON.stringify(c),
        inspect(c, { depth: 10 }),
        inspect(c, { depth: 10, showHidden: true }),
        String(c),
      );
    }

    const text = capture.all();
    const secrets = forbidden(urls, restSignatures);
    // Two signature headers for each of the 7 lookups sent: 3 answered and 1 during the outage,
    // 1 refused (wrong secret), and the skewed one twice (refused with 400002, then signed again).
    expect(restSignatures.length).toBe(14);
    expect(urls.length).toBeGreaterThanOrEqual(4); // spot, futures, the reconnect, the wrong client
    expect(logger.lines.join('\n')).toMatch(/reconnecting/);
    expect(logger.lines.join('\n')).toMatch(/exception/);
    expect(logger.lines.join('\n')).toMatch(/^debug .*socket open/m);
    expect(wrongLogger.lines.join('\n')).toMatch(/^error .*connection closed: authentication refused/m);
    expect(text.length).toBeGreaterThan(10_000); // the capture did capture
    expect(text).toContain(KEY.slice(0, 4)); // the key's hint is allowed, and shows the search works
    const leaks = secrets.filter((s) => text.includes(s));
    expect(leaks).toEqual([]);
  });

  it('not even util.inspect without the custom view (the raw object graph) shows a secret or signature', async () => {
    const sim = await h.sim({
      accounts: [{ apiKey: KEY, apiSecret: SECRET, apiPassphrase: PASSPHRASE, balances: { USDT: '1000' } }],
    });
    const urls: string[] = [];
    const client = h.client(sim, {
      apiKey: KEY,
      apiSecret: SECRET,
      apiPassphrase: PASSPHRASE,
      makeWebSocket: recordingFactory(urls),
    });
    const calls = [client.submitNewSpotOrder(limitBuy()), client.submitFuturesOrder(futuresBuy())];
    for (const r of await Promise.all(calls)) expect(r.code).toBe('200000'); // both sockets open now
    const raw = inspect(client, { customInspect: false, showHidden: true, depth: 12, maxArrayLength: 1_000 });
    const leaks = forbidden(urls).filter((s) => raw.includes(s));
    expect(leaks).toEqual([]);
  });
});
