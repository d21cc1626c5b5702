/**
 * A gateway or proxy that echoes what it received (the signed KC-API headers, the signed
 * connection URL) in its refusal text: the client must not repeat it. The passphrase header
 * and the URL's passphrase are HMAC(apiSecret, apiPassphrase), fixed for the key's life.
 * Before the fix the echoed values reached error.message, msg, toJSON(), the close event,
 * state$ and log lines.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { WebsocketAPIClient, type WebsocketAPIClientOptions } from '../../src';
import { startHostileGateway, type HostileGateway } from '../support/hostile-gateway';
import { settle } from '../support/reliability';

const CREDENTIALS = {
  apiKey: 'spec-key-0001',
  apiSecret: 'spec-secret-9f1c2e7a-0b44',
  apiPassphrase: 'spec-passphrase-71d3',
};
const PASSPHRASE_SIGN = createHmac('sha256', CREDENTIALS.apiSecret)
  .update(CREDENTIALS.apiPassphrase)
  .digest('base64');

/** Everything a client shows: its errors, events, states and log lines. */
function observe(options: WebsocketAPIClientOptions): { client: WebsocketAPIClient; seen: () => string } {
  const lines: unknown[] = [];
  const log = (...args: unknown[]): void => void lines.push(args);
  const client = new WebsocketAPIClient({
    ...CREDENTIALS,
    logger: { info: log, warn: log, error: log, debug: log },
    ...options,
  });
  const events: unknown[] = [];
  const states: unknown[] = [];
  client.events$.subscribe((e) => events.push(e));
  client.state$.subscribe((s) => states.push(s));
  client.exceptions$.subscribe((e) => events.push(e));
  return {
    client,
    seen: () => inspect([events, states, lines], { depth: 10 }) + JSON.stringify([events, states]),
  };
}

/** Each secret, as sent and URL-encoded, must not appear in `text`. */
function expectClean(text: string, secrets: readonly string[]): void {
  expect(secrets.filter((s) => s.length > 0).length).toBeGreaterThanOrEqual(2);
  for (const secret of secrets) {
    if (secret === '') continue;
    expect(text).not.toContain(secret);
    expect(text).not.toContain(encodeURIComponent(secret));
  }
}

const shown = (error: unknown): string =>
  `${(error as Error).message} ${(error as { msg?: string }).msg} ${JSON.stringify(error)} ${inspect(error, { depth: 10 })}`;

describe('echoed credentials', () => {
  let gateway: HostileGateway | undefined;
  afterEach(async () => gateway?.close());

  it('a REST host echoing the signed headers (401, 400, 429): scrubbed everywhere', async () => {
    let headers: IncomingHttpHeaders = {};
    const answers = [
      { status: 401, code: '400005' },
      { status: 400, code: '400100' },
      { status: 429, code: '429000' },
    ];
    let n = 0;
    const server = createServer((req, res) => {
      headers = req.headers;
      const { status, code } = answers[n++ % answers.length];
      const echo =
        `received KC-API-PASSPHRASE=${String(req.headers['kc-api-passphrase'])} ` +
        `KC-API-SIGN=${String(req.headers['kc-api-sign'])} secret ${CREDENTIALS.apiSecret} ` +
        `passphrase ${CREDENTIALS.apiPassphrase} url ?sign=${encodeURIComponent(String(req.headers['kc-api-sign']))}`;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code, msg: echo }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const restBaseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const { client, seen } = observe({
        wsBaseUrl: 'ws://127.0.0.1:9',
        restBaseUrl,
        attachEventListeners: true,
      });
      const names: string[] = [];
      for (let i = 0; i < answers.length; i++) {
        const error = await settle(
          client.lookupOrder({ orderId: `id-${i}`, symbol: 'BTC-USDT', market: 'spot' }),
        );
        names.push((error as Error).name);
        expect(headers['kc-api-passphrase']).toBe(PASSPHRASE_SIGN);
        expect((error as { msg: string }).msg).toContain('[redacted]');
        expectClean(shown(error), [
          PASSPHRASE_SIGN,
          String(headers['kc-api-sign']),
          CREDENTIALS.apiSecret,
          CREDENTIALS.apiPassphrase,
        ]);
      }
      expect(names).toEqual(['AuthenticationError', 'GatewayError', 'RateLimitError']);
      await client.close();
      expectClean(seen(), [PASSPHRASE_SIGN, CREDENTIALS.apiSecret, CREDENTIALS.apiPassphrase]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('a WS gateway quoting the signed URL (handshake refusal, order refusal, close reason): scrubbed everywhere', async () => {
    let url = '';
    let mode: 'refuse' | 'answer' = 'answer';
    const params = (): string[] => {
      const query = new URLSearchParams(url.split('?')[1]);
      return [query.get('passphrase') ?? '', query.get('sign') ?? ''];
    };
    const echo = (): string => {
      const [passphrase, sign] = params();
      return `Invalid sign for ${url}: passphrase ${passphrase} sign ${sign}`;
    };
    gateway = await startHostileGateway({
      welcome: () =>
        mode === 'refuse'
          ? JSON.stringify({ code: '400005', msg: echo() })
          : JSON.stringify({ sessionId: 's-1', data: 'welcome', pingInterval: 18_000, pingTimeout: 10_000 }),
      onFrame: (frame, { socket }) => {
        if (frame.op === 'ping') return;
        const rateLimit = { limit: 10, remaining: 0, reset: 1000 };
        const base = { id: frame.id, op: frame.op, inTime: 1, outTime: 2 };
        if ((frame.args as { clientOid?: string } | undefined)?.clientOid === 'rate') {
          socket.send(JSON.stringify({ ...base, code: '429000', msg: echo(), rateLimit }));
        } else {
          socket.send(JSON.stringify({ ...base, code: '400100', msg: echo() }));
          // A close reason quoting the passphrase signature (a reason holds 123 bytes at most).
          socket.close(4000, `400005 bad passphrase ${params()[0]}`);
        }
      },
    });
    gateway.server.on('connection', (_socket, request) => (url = request.url ?? ''));

    const { client, seen } = observe({ wsBaseUrl: gateway.url, attachEventListeners: true });
    const order = { side: 'buy', symbol: 'BTC-USDT', type: 'limit', price: '1', size: '1' } as const;
    const limited = await settle(client.submitNewSpotOrder({ ...order, clientOid: 'rate' }));
    expect(limited).toMatchObject({ name: 'RateLimitError' });
    const refused = await settle(client.submitNewSpotOrder(order));
    expect(refused).toMatchObject({ name: 'GatewayError', code: '400100' });
    const [passphrase, sign] = params();
    expect(passphrase).toBe(PASSPHRASE_SIGN);
    expectClean(shown(limited) + shown(refused), [passphrase, sign, CREDENTIALS.apiSecret]);
    await client.close();

    // The session refused with the URL quoted: the client closes with an AuthenticationError.
    mode = 'refuse';
    const second = observe({ wsBaseUrl: gateway.url, attachEventListeners: true });
    const failed = await settle(second.client.connect());
    expect(failed).toMatchObject({ name: 'AuthenticationError', code: '400005' });
    expect(shown(failed)).toContain('[redacted]');
    const [passphrase2, sign2] = params();
    expectClean(shown(failed), [passphrase2, sign2]);
    await second.client.close();
    expectClean(seen() + second.seen(), [passphrase, sign, passphrase2, sign2, CREDENTIALS.apiSecret]);
  });
});
