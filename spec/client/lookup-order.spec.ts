/**
 * `lookupOrder` against the simulator's REST API on 127.0.0.1: orders placed over the WS API
 * are found by clientOid, per market, in the state the exchange shows; unknown orders and
 * other accounts' orders are null; every failure is a typed error; bad input sends nothing.
 * Failures the simulator cannot produce (silence, no listener, a non-JSON answer) come from
 * small HTTP servers on loopback.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ClientClosedError,
  ConfigurationError,
  GatewayError,
  NetworkError,
  ProtocolError,
  RateLimitError,
  TimeoutError,
  ValidationError,
  WebsocketAPIClient,
  type FetchFunction,
  type WebsocketAPIClientOptions,
} from '../../src';
import { demoAccount, type Simulator } from '../../src/simulator';
import { settle } from '../support/reliability';
import { futuresBuy, limitBuy, useHarness } from './harness';

const h = useHarness();

/** A fetch that counts what it sends. */
function countingFetch(): { fetch: FetchFunction; targets: string[] } {
  const targets: string[] = [];
  return {
    targets,
    fetch: (input, init) => {
      targets.push(`${init.method ?? 'GET'} ${new URL(input).pathname}`);
      return globalThis.fetch(input, init);
    },
  };
}

/** A client of `sim` with both REST hosts on the simulator. */
function restClient(sim: Simulator, o: WebsocketAPIClientOptions = {}): WebsocketAPIClient {
  return h.client(sim, { restBaseUrl: sim.restUrl, futuresRestBaseUrl: sim.restUrl, ...o });
}

/** An HTTP server on loopback with `handler`; closed after the test. */
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});
async function httpServer(handler: (res: ServerResponse) => void): Promise<string> {
  const server = createServer((_req, res) => handler(res));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('lookupOrder finds what the exchange shows', () => {
  it('a resting spot order: open, nothing traded', async () => {
    const sim = await h.sim();
    const client = restClient(sim);
    const placed = await client.submitNewSpotOrder(limitBuy({ size: '0.002' }));
    const order = await client.lookupOrder({
      clientOid: placed.data.clientOid,
      symbol: 'BTC-USDT',
      market: 'spot',
    });
    expect(order).toMatchObject({
      market: 'spot',
      clientOid: placed.data.clientOid,
      orderId: placed.data.orderId,
      symbol: 'BTC-USDT',
      side: 'buy',
      type: 'limit',
      status: 'open',
      price: '20000',
      size: '0.002',
      dealSize: '0',
      canceled: false,
      filled: false,
    });
    expect(order?.raw).toMatchObject({ id: placed.data.orderId, active: true, inOrderBook: true });
  });

  it('a taker that filled: done, dealSize = size, as the ledger says', async () => {
    const sim = await h.sim();
    const client = restClient(sim);
    const placed = await client.submitNewSpotOrder({
      side: 'buy',
      symbol: 'BTC-USDT',
      type: 'market',
      size: '0.001',
    });
    const order = await client.lookupOrder({
      clientOid: placed.data.clientOid,
      symbol: 'BTC-USDT',
      market: 'spot',
    });
    const ledger = sim.exchange.allOrders().find((o) => o.clientOid === placed.data.clientOid);
    expect(ledger?.status).toBe('done');
    expect(order).toMatchObject({ status: 'done', dealSize: '0.001', filled: true, canceled: false });
    expect(order?.dealSize).toBe(ledger?.dealSize);
  });

  it('a canceled order: done, canceled, the rest of its size canceled', async () => {
    const sim = await h.sim();
    const client = restClient(sim);
    const placed = await client.submitNewSpotOrder(limitBuy({ size: '0.003' }));
    await client.cancelSpotOrder({ symbol: 'BTC-USDT', clientOid: placed.data.clientOid });
    const order = await client.lookupOrder({
      clientOid: placed.data.clientOid,
      symbol: 'BTC-USDT',
      market: 'spot',
    });
    expect(order).toMatchObject({
      status: 'done',
      canceled: true,
      canceledSize: '0.003',
      dealSize: '0',
      filled: false,
    });
  });

  it('a futures order on the futures host: open, then canceled; sizes in lots as strings', async () => {
    const sim = await h.sim();
    const { fetch, targets } = countingFetch();
    const client = restClient(sim, { fetch });
    const placed = await client.submitFuturesOrder(futuresBuy({ size: 3 }));
    const open = await client.lookupOrder({ clientOid: placed.data.clientOid, market: 'futures' });
    expect(open).toMatchObject({
      market: 'futures',
      orderId: placed.data.orderId,
      symbol: 'XBTUSDTM',
      status: 'open',
      size: '3',
      dealSize: '0',
      canceled: false,
    });
    expect(open?.market === 'futures' && open.raw.leverage).toBe('5');
    await client.cancelFuturesOrder({ clientOid: placed.data.clientOid, symbol: 'XBTUSDTM' });
    const canceled = await client.lookupOrder({ clientOid: placed.data.clientOid, market: 'futures' });
    expect(canceled).toMatchObject({ status: 'done', canceled: true, canceledSize: '3', filled: false });
    expect(targets).toEqual(['GET /api/v1/orders/byClientOid', 'GET /api/v1/orders/byClientOid']);
    // With the symbol given, an order on another symbol is not this one.
    expect(
      await client.lookupOrder({ clientOid: placed.data.clientOid, market: 'futures', symbol: 'ETHUSDTM' }),
    ).toBeNull();
  });

  it('futures and spot hosts are the ones configured', async () => {
    const sim = await h.sim();
    const hosts: string[] = [];
    const client = h.client(sim, {
      restBaseUrl: sim.restUrl,
      // The futures host is reached as "localhost": same simulator, another host name.
      futuresRestBaseUrl: sim.restUrl.replace('127.0.0.1', 'localhost'),
      fetch: (input, init) => {
        hosts.push(new URL(input).hostname);
        return globalThis.fetch(input, init);
      },
    });
    await client.lookupOrder({ clientOid: 'x', market: 'futures' });
    await client.lookupOrder({ clientOid: 'x', market: 'spot', symbol: 'BTC-USDT' });
    await client.lookupOrder({ clientOid: 'x', market: 'margin', symbol: 'BTC-USDT' });
    expect(hosts).toEqual(['localhost', '127.0.0.1', '127.0.0.1']);
  });

  it('a margin order is found as margin, not as spot', async () => {
    const sim = await h.sim();
    const client = restClient(sim);
    const placed = await client.submitMarginOrder({
      side: 'buy',
      symbol: 'BTC-USDT',
      price: '20000',
      size: '0.001',
    });
    const order = await client.lookupOrder({
      clientOid: placed.data.clientOid,
      symbol: 'BTC-USDT',
      market: 'margin',
    });
    expect(order).toMatchObject({
      market: 'margin',
      orderId: placed.data.orderId,
      status: 'open',
      size: '0.001',
    });
    expect(order?.raw).toMatchObject({ tradeType: 'MARGIN_TRADE' });
    expect(
      await client.lookupOrder({ clientOid: placed.data.clientOid, symbol: 'BTC-USDT', market: 'spot' }),
    ).toBeNull();
  });
});

describe('lookupOrder by orderId', () => {
  it('finds the same order as by clientOid in each market, on the by-id paths; unknown or foreign ids are null', async () => {
    const other = {
      apiKey: 'other-key-0002',
      apiSecret: 'other-secret',
      apiPassphrase: 'other-pass',
      balances: { USDT: '100000', BTC: '10' },
    };
    const sim = await h.sim({ accounts: [demoAccount(1), other] });
    const { fetch, targets } = countingFetch();
    const client = restClient(sim, { fetch });
    const spot = await client.submitNewSpotOrder(limitBuy());
    const margin = await client.submitMarginOrder({
      side: 'buy',
      symbol: 'BTC-USDT',
      price: '20000',
      size: '0.001',
    });
    const futures = await client.submitFuturesOrder(futuresBuy({ size: 2 }));
    const bySpotId = await client.lookupOrder({
      orderId: spot.data.orderId,
      symbol: 'BTC-USDT',
      market: 'spot',
    });
    const byMarginId = await client.lookupOrder({
      orderId: margin.data.orderId,
      symbol: 'BTC-USDT',
      market: 'margin',
    });
    const byFuturesId = await client.lookupOrder({ orderId: futures.data.orderId, market: 'futures' });
    expect(bySpotId).toMatchObject({
      market: 'spot',
      orderId: spot.data.orderId,
      clientOid: spot.data.clientOid,
      status: 'open',
    });
    expect(byMarginId).toMatchObject({
      market: 'margin',
      orderId: margin.data.orderId,
      clientOid: margin.data.clientOid,
    });
    expect(byFuturesId).toMatchObject({ market: 'futures', orderId: futures.data.orderId, size: '2' });
    expect(targets.slice(-3)).toEqual([
      `GET /api/v1/hf/orders/${spot.data.orderId}`,
      `GET /api/v3/hf/margin/orders/${margin.data.orderId}`,
      `GET /api/v1/orders/${futures.data.orderId}`,
    ]);
    const byOid = await client.lookupOrder({
      clientOid: spot.data.clientOid,
      symbol: 'BTC-USDT',
      market: 'spot',
    });
    expect(bySpotId).toEqual(byOid);
    // Another market, another symbol, an unknown id, another account: null.
    expect(
      await client.lookupOrder({ orderId: spot.data.orderId, symbol: 'BTC-USDT', market: 'margin' }),
    ).toBeNull();
    expect(
      await client.lookupOrder({ orderId: spot.data.orderId, symbol: 'ETH-USDT', market: 'spot' }),
    ).toBeNull();
    expect(
      await client.lookupOrder({ orderId: futures.data.orderId, market: 'futures', symbol: 'ETHUSDTM' }),
    ).toBeNull();
    expect(await client.lookupOrder({ orderId: 'never-placed', market: 'futures' })).toBeNull();
    const stranger = restClient(sim, {
      apiKey: other.apiKey,
      apiSecret: other.apiSecret,
      apiPassphrase: other.apiPassphrase,
    });
    expect(
      await stranger.lookupOrder({ orderId: spot.data.orderId, symbol: 'BTC-USDT', market: 'spot' }),
    ).toBeNull();
    expect(await stranger.lookupOrder({ orderId: futures.data.orderId, market: 'futures' })).toBeNull();
  });

  it('an answer about another order is a ProtocolError', async () => {
    const sim = await h.sim();
    const client = restClient(sim);
    const placed = await client.submitFuturesOrder(futuresBuy());
    const found = await client.lookupOrder({ orderId: placed.data.orderId, market: 'futures' });
    expect(found?.orderId).toBe(placed.data.orderId);
    // A server that answers with that order whatever is asked.
    const body = JSON.stringify({ code: '200000', data: found?.raw });
    const url = await httpServer((res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(body),
    );
    const confused = restClient(sim, { futuresRestBaseUrl: url });
    const error = await settle(confused.lookupOrder({ orderId: 'another-id', market: 'futures' }));
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toMatch(/another orderId/);
    expect(await confused.lookupOrder({ orderId: placed.data.orderId, market: 'futures' })).toMatchObject({
      orderId: placed.data.orderId,
    });
  });
});

describe('lookupOrder: not found is null', () => {
  it('an unknown clientOid in each market, and a known one on another symbol', async () => {
    const sim = await h.sim();
    const client = restClient(sim);
    expect(
      await client.lookupOrder({ clientOid: 'never-placed', symbol: 'BTC-USDT', market: 'spot' }),
    ).toBeNull();
    expect(
      await client.lookupOrder({ clientOid: 'never-placed', symbol: 'BTC-USDT', market: 'margin' }),
    ).toBeNull();
    expect(await client.lookupOrder({ clientOid: 'never-placed', market: 'futures' })).toBeNull();
    const placed = await client.submitNewSpotOrder(limitBuy());
    expect(
      await client.lookupOrder({ clientOid: placed.data.clientOid, symbol: 'ETH-USDT', market: 'spot' }),
    ).toBeNull();
  });

  it("another account's order is null", async () => {
    const other = {
      apiKey: 'other-key-0001',
      apiSecret: 'other-secret',
      apiPassphrase: 'other-pass',
      balances: { USDT: '100000', BTC: '10' },
    };
    const sim = await h.sim({ accounts: [demoAccount(1), other] });
    const owner = restClient(sim);
    const stranger = restClient(sim, {
      apiKey: other.apiKey,
      apiSecret: other.apiSecret,
      apiPassphrase: other.apiPassphrase,
    });
    const spot = await owner.submitNewSpotOrder(limitBuy());
    const futures = await owner.submitFuturesOrder(futuresBuy());
    expect(
      await owner.lookupOrder({ clientOid: spot.data.clientOid, symbol: 'BTC-USDT', market: 'spot' }),
    ).not.toBeNull();
    expect(
      await stranger.lookupOrder({ clientOid: spot.data.clientOid, symbol: 'BTC-USDT', market: 'spot' }),
    ).toBeNull();
    expect(await stranger.lookupOrder({ clientOid: futures.data.clientOid, market: 'futures' })).toBeNull();
  });
});

describe('lookupOrder failures are typed', () => {
  it('REST down: GatewayError with the REST code; works again once it is back', async () => {
    const sim = await h.sim();
    const client = restClient(sim);
    sim.faults.restDown(true);
    const error = await settle(client.lookupOrder({ clientOid: 'c-1', market: 'futures' }));
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: '503000', op: 'lookupOrder', clientOid: 'c-1' });
    sim.faults.restDown(false);
    await expect(client.lookupOrder({ clientOid: 'c-1', market: 'futures' })).resolves.toBeNull();
  });

  it('over the quota: RateLimitError with the reset the server reported', async () => {
    const sim = await h.sim({ rateLimit: { limit: 3, windowMs: 60_000 } });
    const client = restClient(sim);
    for (let i = 0; i < 3; i++)
      expect(await client.lookupOrder({ clientOid: `c-${i}`, market: 'futures' })).toBeNull();
    const error = await settle(client.lookupOrder({ clientOid: 'c-3', symbol: 'BTC-USDT', market: 'spot' }));
    expect(error).toBeInstanceOf(RateLimitError);
    const limited = error as RateLimitError;
    expect(limited).toMatchObject({ code: '429000', op: 'lookupOrder', clientOid: 'c-3' });
    expect(limited.reset).toBeGreaterThan(0);
    expect(limited.reset).toBeLessThanOrEqual(60_000);
  });

  it('wrong credentials: AuthenticationError with the REST code, and the client stays usable', async () => {
    const sim = await h.sim();
    const client = restClient(sim, { apiSecret: 'not-the-secret' });
    await expect(client.lookupOrder({ clientOid: 'c-1', market: 'futures' })).rejects.toMatchObject({
      name: 'AuthenticationError',
      code: '400005',
    });
    expect(client.stateOf('wsApiSpotV1').status).toBe('idle');
  });

  it('no answer within restTimeoutMs: TimeoutError', async () => {
    const sim = await h.sim();
    const silent = await httpServer(() => undefined);
    const client = restClient(sim, { restBaseUrl: silent, restTimeoutMs: 200 });
    const error = await settle(client.lookupOrder({ clientOid: 'c-1', symbol: 'BTC-USDT', market: 'spot' }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ op: 'lookupOrder', clientOid: 'c-1', timeoutMs: 200 });
  });

  it('nobody listening: NetworkError', async () => {
    const sim = await h.sim();
    const gone = await httpServer(() => undefined);
    const server = servers.pop() as Server;
    await new Promise((r) => server.close(r));
    const client = restClient(sim, { futuresRestBaseUrl: gone });
    const error = await settle(client.lookupOrder({ clientOid: 'c-1', market: 'futures' }));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', op: 'lookupOrder', clientOid: 'c-1' });
    expect((error as Error).message).toMatch(/ECONNREFUSED|fetch failed/);
  });

  it('an answer that is not JSON, or not an order: ProtocolError', async () => {
    const sim = await h.sim();
    const html = await httpServer((res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad Gateway</html>');
    });
    const odd = await httpServer((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"code":"200000","data":{"id":1,"clientOid":"c-1"}}');
    });
    const a = restClient(sim, { futuresRestBaseUrl: html });
    const b = restClient(sim, { futuresRestBaseUrl: odd });
    const notJson = await settle(a.lookupOrder({ clientOid: 'c-1', market: 'futures' }));
    expect(notJson).toBeInstanceOf(ProtocolError);
    expect((notJson as Error).message).toContain('HTTP 502');
    const notOrder = await settle(b.lookupOrder({ clientOid: 'c-1', market: 'futures' }));
    expect(notOrder).toBeInstanceOf(ProtocolError);
    expect((notOrder as Error).message).toMatch(/id: /);
  });

  it('a closed client: ClientClosedError, for a lookup under way too', async () => {
    const sim = await h.sim();
    const silent = await httpServer(() => undefined);
    const { fetch, targets } = countingFetch();
    const client = restClient(sim, { futuresRestBaseUrl: silent, fetch });
    const pending = settle(client.lookupOrder({ clientOid: 'c-1', market: 'futures' }));
    while (targets.length === 0) await new Promise((r) => setImmediate(r));
    await client.close();
    expect(await pending).toBeInstanceOf(ClientClosedError);
    const later = await settle(client.lookupOrder({ clientOid: 'c-2', symbol: 'BTC-USDT', market: 'spot' }));
    expect(later).toBeInstanceOf(ClientClosedError);
    expect(later).toMatchObject({ op: 'lookupOrder', clientOid: 'c-2' });
    expect(targets).toHaveLength(1);
  });

  it('no credentials (and no testnet): ConfigurationError, nothing sent', async () => {
    const { fetch, targets } = countingFetch();
    const client = h.track(new WebsocketAPIClient({ attachEventListeners: false, fetch }));
    await expect(client.lookupOrder({ clientOid: 'c-1', market: 'futures' })).rejects.toBeInstanceOf(
      ConfigurationError,
    );
    expect(targets).toEqual([]);
  });

  it('a REST base URL that cannot work is refused at construction', () => {
    expect(() => new WebsocketAPIClient({ restBaseUrl: 'wss://api.kucoin.com' })).toThrow(ConfigurationError);
    expect(() => new WebsocketAPIClient({ futuresRestBaseUrl: 'not a url' })).toThrow(ConfigurationError);
  });
});

describe('lookupOrder: bad input sends nothing', () => {
  const hostile = Object.defineProperty({ market: 'futures' }, 'clientOid', {
    enumerable: true,
    get() {
      throw new Error('boom');
    },
  });
  it.each<[string, unknown, string]>([
    ['spot without symbol', { clientOid: 'c-1', market: 'spot' }, 'symbol'],
    ['margin without symbol', { clientOid: 'c-1', market: 'margin' }, 'symbol'],
    ['no clientOid', { market: 'futures' }, 'clientOid'],
    ['a clientOid KuCoin refuses', { clientOid: 'a b', market: 'futures' }, 'clientOid'],
    ['a 41-character clientOid', { clientOid: 'x'.repeat(41), market: 'futures' }, 'clientOid'],
    ['an unknown market', { clientOid: 'c-1', market: 'options' }, 'market'],
    ['a bad symbol', { clientOid: 'c-1', market: 'spot', symbol: 'btc/usdt' }, 'symbol'],
    ['both clientOid and orderId', { clientOid: 'c-1', market: 'futures', orderId: '1' }, 'orderId'],
    ['neither clientOid nor orderId', { market: 'spot', symbol: 'BTC-USDT' }, 'clientOid'],
    ['an orderId with a space', { orderId: 'a b', market: 'futures' }, 'orderId'],
    ['an orderId but no spot symbol', { orderId: 'x1', market: 'spot' }, 'symbol'],
    // Dot segments: fetch would drop them from the path, so the path sent is not the one signed.
    ['orderId "." (spot)', { orderId: '.', market: 'spot', symbol: 'BTC-USDT' }, 'orderId'],
    ['orderId ".." (spot)', { orderId: '..', market: 'spot', symbol: 'BTC-USDT' }, 'orderId'],
    ['orderId ".." (margin)', { orderId: '..', market: 'margin', symbol: 'BTC-USDT' }, 'orderId'],
    ['orderId "." (futures)', { orderId: '.', market: 'futures' }, 'orderId'],
    ['an orderId with a lone surrogate', { orderId: 'a\uD800', market: 'futures' }, 'orderId'],
    ['clientOid ".."', { clientOid: '..', market: 'spot', symbol: 'BTC-USDT' }, 'clientOid'],
    ['an unknown field', { clientOid: 'c-1', market: 'futures', id: '1' }, 'id'],
    ['null', null, '(request)'],
    ['a string', 'c-1', '(request)'],
    ['a throwing getter', hostile, '(request)'],
  ])('%s: ValidationError naming the field, nothing sent', async (_what, params, field) => {
    const sim = await h.sim();
    const { fetch, targets } = countingFetch();
    const client = restClient(sim, { fetch });
    const error = await settle(client.lookupOrder(params as never));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).op).toBe('lookupOrder');
    expect((error as ValidationError).issues.map((i) => i.field)).toContain(field);
    expect(targets).toEqual([]);
  });
});

describe('lookupOrder: the path sent is the path signed', () => {
  it.each(['...', 'a.b', '%2e', '%2E%2E', 'a/..', '?x'])(
    'orderId %j: sent as one path segment, found nowhere (null), signature accepted',
    async (orderId) => {
      const sim = await h.sim();
      const sent: string[] = [];
      const client = restClient(sim, {
        fetch: (input, init) => {
          sent.push(new URL(input).pathname);
          return globalThis.fetch(input, init);
        },
      });
      // The simulator checks the signature over the path it received: a 400005 would say they differ.
      expect(await client.lookupOrder({ orderId, market: 'spot', symbol: 'BTC-USDT' })).toBeNull();
      expect(sent).toEqual([`/api/v1/hf/orders/${encodeURIComponent(orderId)}`]);
    },
  );
});

describe('lookupOrder with testnet: true', () => {
  it('uses the in-process simulator for REST too', async () => {
    const { fetch, targets } = countingFetch();
    const client = h.track(new WebsocketAPIClient({ testnet: true, attachEventListeners: false, fetch }));
    const placed = await client.submitNewSpotOrder(limitBuy());
    const order = await client.lookupOrder({
      clientOid: placed.data.clientOid,
      symbol: 'BTC-USDT',
      market: 'spot',
    });
    expect(order).toMatchObject({ orderId: placed.data.orderId, status: 'open' });
    expect(targets).toHaveLength(1);
  });
});

describe('lookupOrder with a clock 30 s off', () => {
  it.each([30_000, -30_000])(
    'server clock %i ms away: one refusal (400002), the clock measured, the lookup signed again and answered',
    async (offset) => {
      const sim = await h.sim({ clockOffsetMs: offset });
      const { fetch, targets } = countingFetch();
      const client = restClient(sim, { fetch });
      expect(client.clockOffsetMs).toBe(0);
      expect(await client.lookupOrder({ clientOid: 'c-1', symbol: 'BTC-USDT', market: 'spot' })).toBeNull();
      expect(targets).toEqual([
        'GET /api/v1/hf/orders/client-order/c-1',
        'GET /api/v1/timestamp',
        'GET /api/v1/hf/orders/client-order/c-1',
      ]);
      // Within the 5 s the server tolerates (loopback round trips are far shorter).
      expect(Math.abs(client.clockOffsetMs - offset)).toBeLessThan(2_500);
      // The offset stays in use: the next lookup goes through at once.
      expect(await client.lookupOrder({ clientOid: 'c-2', market: 'futures' })).toBeNull();
      expect(targets).toHaveLength(4);
    },
  );

  it('a second 400002 right after the correction is final: AuthenticationError, no third try', async () => {
    const sim = await h.sim({ clockOffsetMs: 30_000 });
    const { fetch: counting, targets } = countingFetch();
    // The server time is misreported as this machine's: the correction cannot help.
    const lying: FetchFunction = (input, init) =>
      new URL(input).pathname === '/api/v1/timestamp'
        ? Promise.resolve(new Response(JSON.stringify({ code: '200000', data: Date.now() })))
        : counting(input, init);
    const client = restClient(sim, { fetch: lying });
    const error = await settle(client.lookupOrder({ clientOid: 'c-1', market: 'futures' }));
    expect(error).toMatchObject({ name: 'AuthenticationError', code: '400002', op: 'lookupOrder' });
    expect(targets).toEqual(['GET /api/v1/orders/byClientOid', 'GET /api/v1/orders/byClientOid']);
  });

  it('the server clock cannot be read: AuthenticationError 400002 with the reason as cause', async () => {
    const sim = await h.sim({ clockOffsetMs: -30_000 });
    const failing: FetchFunction = (input, init) =>
      new URL(input).pathname === '/api/v1/timestamp'
        ? Promise.reject(new TypeError('fetch failed'))
        : globalThis.fetch(input, init);
    const client = restClient(sim, { fetch: failing });
    const error = await settle(client.lookupOrder({ clientOid: 'c-1', market: 'futures' }));
    expect(error).toMatchObject({ name: 'AuthenticationError', code: '400002' });
    expect((error as Error).cause).toBeInstanceOf(NetworkError);
    expect(client.clockOffsetMs).toBe(0);
  });
});
