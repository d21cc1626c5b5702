/**
 * The REST pieces that need no server: request signing (against node:crypto), the answer
 * codecs, the clock offset, "not found", the snapshot normalisation, base URLs and the
 * lookup's requests.
 */
import { createHmac } from 'node:crypto';
import { isRight } from 'fp-ts/lib/Either';
import { resolveSettings } from '../../src/client/options';
import { ConfigurationError, WebsocketAPIClient } from '../../src';
import { restBaseOfWsUrl, restBaseUrl, wsBaseUrl } from '../../src/rest/base-url';
import { clockOffset, MAX_CLOCK_READINGS, ServerClock, USEFUL_ROUND_TRIP_MS } from '../../src/rest/clock';
import {
  BulletPrivate,
  FuturesOrderDetail,
  HfOrderDetail,
  RestAnswer,
  ServerTime,
} from '../../src/rest/codecs';
import { LookupOrderParams, lookupRequest } from '../../src/rest/lookup-order';
import { futuresSnapshot, hfSnapshot } from '../../src/rest/order-snapshot';
import { isNotFound, type RestReply } from '../../src/rest/rest-client';
import { createSigner } from '../../src/transport/auth';

const hmac = (key: string, message: string): string =>
  createHmac('sha256', key).update(message).digest('base64');

const credentials = {
  apiKey: '6543a1b2c3d4e5f601234567',
  apiSecret: 'f03a5284-5c39-4aef-9b9a-63e6b8a4f5a1',
  apiPassphrase: 'my passphrase+/=&?',
};

const hfDetail = {
  id: '670fd33bf9406e0007ab3945',
  clientOid: 'c-1',
  symbol: 'BTC-USDT',
  type: 'limit',
  side: 'buy',
  price: '20000',
  size: '0.5',
  dealSize: '0.2',
  active: true,
  createdAt: 1742175983882,
  lastUpdatedAt: 1742175983990,
  cancelExist: false,
  cancelledSize: '0',
  remainSize: '0.3',
  somethingKuCoinAddsLater: { nested: true },
};

const futuresDetail = {
  id: '670fd33bf9406e0007ab3946',
  clientOid: 'f-1',
  symbol: 'XBTUSDTM',
  type: 'limit',
  side: 'sell',
  price: '30000',
  size: 5,
  dealSize: 2,
  status: 'done',
  isActive: false,
  cancelExist: true,
  createdAt: 1742175983882,
  updatedAt: 1742175984000,
};

describe('REST signing (createSigner.restHeaders)', () => {
  it('signs timestamp + METHOD + path-with-query + body, as node:crypto does', async () => {
    const signer = createSigner(credentials, () => 1742175983882);
    const target = '/api/v1/hf/orders/client-order/c-1?symbol=BTC-USDT';
    const headers = await signer.restHeaders('GET', target, '');
    expect(headers).toEqual({
      'KC-API-KEY': credentials.apiKey,
      'KC-API-TIMESTAMP': '1742175983882',
      'KC-API-SIGN': hmac(credentials.apiSecret, `1742175983882GET${target}`),
      'KC-API-PASSPHRASE': hmac(credentials.apiSecret, credentials.apiPassphrase),
      'KC-API-KEY-VERSION': '2',
    });
  });

  it('covers the body of a POST, and signs a fresh timestamp every time', async () => {
    let t = 1_000;
    const signer = createSigner(credentials, () => t++);
    const a = await signer.restHeaders('POST', '/api/v1/bullet-private', '{"a":1}');
    const b = await signer.restHeaders('POST', '/api/v1/bullet-private', '{"a":1}');
    expect(a['KC-API-SIGN']).toBe(hmac(credentials.apiSecret, '1000POST/api/v1/bullet-private{"a":1}'));
    expect(b['KC-API-TIMESTAMP']).toBe('1001');
    expect(b['KC-API-SIGN']).not.toBe(a['KC-API-SIGN']);
  });

  it('signs with the clock it is given (the client passes local time + measured offset)', async () => {
    const clock = new ServerClock(() => 10_000);
    await clock.measure(async () => 40_000);
    const signer = createSigner(credentials, () => clock.now());
    expect((await signer.restHeaders('GET', '/x', ''))['KC-API-TIMESTAMP']).toBe('40000');
  });
});

describe('the clock offset', () => {
  it('takes half the round trip off', () => {
    expect(clockOffset(1_000, 31_100, 1_200)).toBe(30_000);
    expect(clockOffset(1_000, 1_100, 1_200)).toBe(0);
    expect(clockOffset(50_000, 20_050, 50_100)).toBe(-30_000);
  });

  it('takes a reading again while its round trip is too long, at most MAX_CLOCK_READINGS, keeping the shortest', async () => {
    let local = 100_000;
    const clock = new ServerClock(() => local);
    /** A reader whose answers take `roundTrips[i]` ms, the server 30 s ahead and reading its clock midway. */
    const reader = (roundTrips: number[], failFrom = Infinity) => {
      let i = 0;
      return {
        reads: () => i,
        read: async (): Promise<number> => {
          const n = i++;
          if (n >= failFrom) throw new Error('down');
          const rt = roundTrips[n] as number;
          // The server read its clock a quarter of the way in (not midway: the error shows).
          const serverTime = local + rt / 4 + 30_000;
          local += rt;
          return serverTime;
        },
      };
    };
    // A short round trip: one reading.
    let r = reader([40]);
    expect(await clock.measure(r.read)).toBe(30_000 - 10);
    expect(r.reads()).toBe(1);
    // A long one, then a short one: taken again, the short one adopted.
    r = reader([USEFUL_ROUND_TRIP_MS + 1, 200]);
    expect(await clock.measure(r.read)).toBe(30_000 - 50);
    expect(r.reads()).toBe(2);
    // Only long ones: MAX_CLOCK_READINGS readings, the shortest adopted.
    r = reader([12_000, 8_000, 16_000, 40]);
    expect(await clock.measure(r.read)).toBe(30_000 - 2_000);
    expect(r.reads()).toBe(MAX_CLOCK_READINGS);
    // A retake that fails: the best reading so far is adopted.
    r = reader([4_000], 1);
    expect(await clock.measure(r.read)).toBe(30_000 - 1_000);
    expect(r.reads()).toBe(2);
  });

  it('adopts a measurement, keeps the old offset when reading fails, and shares one in flight', async () => {
    let local = 100_000;
    const clock = new ServerClock(() => local);
    expect(clock.offsetMs).toBe(0);
    let reads = 0;
    let answer!: (t: number) => void;
    const read = (): Promise<number> => {
      reads++;
      return new Promise<number>((resolve) => (answer = resolve));
    };
    const first = clock.measure(read);
    const second = clock.measure(read);
    local += 20; // the round trip
    answer(130_010);
    expect(await first).toBe(30_000);
    expect(await second).toBe(30_000);
    expect(reads).toBe(1);
    expect(clock.now()).toBe(local + 30_000);

    await expect(clock.measure(() => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(clock.offsetMs).toBe(30_000);
    // A reader that throws at once does not leave a measurement stuck in flight.
    await expect(
      clock.measure(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    await expect(clock.measure(async () => local)).resolves.toBe(0);
  });
});

describe('REST answer codecs', () => {
  it('read { code, data } and { code, msg }; the code must be digits', () => {
    expect(isRight(RestAnswer.decode({ code: '200000', data: 1 }))).toBe(true);
    expect(isRight(RestAnswer.decode({ code: '400100', msg: 'order not exist.' }))).toBe(true);
    for (const bad of [{ code: 200000 }, { code: 'OK' }, { data: 1 }, null, 'x', { code: '200000', msg: 5 }])
      expect(isRight(RestAnswer.decode(bad))).toBe(false);
  });

  it('server time is a positive whole number of ms', () => {
    expect(isRight(ServerTime.decode(1742175983882))).toBe(true);
    for (const bad of ['1742175983882', 0, -1, 1.5, null])
      expect(isRight(ServerTime.decode(bad))).toBe(false);
  });

  it('bullet-private needs a token and at least one server', () => {
    const server = {
      endpoint: 'wss://x',
      encrypt: true,
      protocol: 'websocket',
      pingInterval: 18000,
      pingTimeout: 10000,
    };
    expect(isRight(BulletPrivate.decode({ token: 't', instanceServers: [server] }))).toBe(true);
    expect(isRight(BulletPrivate.decode({ token: 't', instanceServers: [] }))).toBe(false);
    expect(isRight(BulletPrivate.decode({ instanceServers: [server] }))).toBe(false);
    expect(
      isRight(BulletPrivate.decode({ token: 't', instanceServers: [{ ...server, pingInterval: '1' }] })),
    ).toBe(false);
  });

  it('order details: what the snapshot reads is checked, fields added later pass', () => {
    expect(isRight(HfOrderDetail.decode(hfDetail))).toBe(true);
    expect(isRight(HfOrderDetail.decode({ ...hfDetail, active: 'true' }))).toBe(false);
    expect(isRight(HfOrderDetail.decode({ ...hfDetail, side: 'long' }))).toBe(false);
    const { dealSize: _omitted, ...withoutDealSize } = hfDetail;
    expect(isRight(HfOrderDetail.decode(withoutDealSize))).toBe(false);
    expect(isRight(FuturesOrderDetail.decode(futuresDetail))).toBe(true);
    expect(isRight(FuturesOrderDetail.decode({ ...futuresDetail, price: null }))).toBe(true);
    expect(isRight(FuturesOrderDetail.decode({ ...futuresDetail, size: '5' }))).toBe(false);
    expect(isRight(FuturesOrderDetail.decode({ ...futuresDetail, status: 'filled' }))).toBe(false);
  });
});

describe('snapshots', () => {
  it('a spot or margin HF order', () => {
    const s = hfSnapshot('margin', hfDetail as HfOrderDetail);
    expect(s).toMatchObject({
      market: 'margin',
      clientOid: 'c-1',
      orderId: hfDetail.id,
      symbol: 'BTC-USDT',
      side: 'buy',
      type: 'limit',
      status: 'open',
      price: '20000',
      size: '0.5',
      dealSize: '0.2',
      canceledSize: '0',
      canceled: false,
      filled: false,
      createdAt: hfDetail.createdAt,
      updatedAt: hfDetail.lastUpdatedAt,
    });
    expect(s.raw).toBe(hfDetail);
    const done = hfSnapshot('spot', {
      ...hfDetail,
      active: false,
      dealSize: '0.5',
      remainSize: '0',
    } as HfOrderDetail);
    expect(done).toMatchObject({ status: 'done', filled: true, canceled: false });
    const canceled = hfSnapshot('spot', {
      ...hfDetail,
      active: false,
      cancelExist: true,
      cancelledSize: '0.3',
    } as HfOrderDetail);
    expect(canceled).toMatchObject({ status: 'done', filled: false, canceled: true, canceledSize: '0.3' });
    // Without cancelExist, the canceled size tells.
    const { cancelExist: _c, ...noFlag } = { ...hfDetail, active: false, cancelledSize: '0.30' };
    expect(hfSnapshot('spot', noFlag as HfOrderDetail)).toMatchObject({ canceled: true, filled: false });
  });

  it('filled means the whole order traded: funds returned or size untraded is canceled, whatever the flag says', () => {
    const done = { ...hfDetail, active: false, cancelExist: false, cancelledSize: '0', remainSize: '0' };
    const byFunds = { ...done, type: 'market', price: '0', size: '0', funds: '500' };
    // By funds, nothing bought: the funds were returned.
    expect(hfSnapshot('spot', { ...byFunds, dealSize: '0', dealFunds: '0' } as HfOrderDetail)).toMatchObject({
      status: 'done',
      canceled: true,
      filled: false,
    });
    // By funds, the exchange says part was cancelled (funds returned): not filled.
    expect(
      hfSnapshot('spot', {
        ...byFunds,
        dealSize: '0.1',
        dealFunds: '200',
        cancelExist: true,
      } as HfOrderDetail),
    ).toMatchObject({ canceled: true, filled: false });
    // By funds, traded with only dust left and no cancel: filled.
    expect(
      hfSnapshot('spot', { ...byFunds, dealSize: '0.2499', dealFunds: '499.8' } as HfOrderDetail),
    ).toMatchObject({ canceled: false, filled: true });
    // By size, done with less traded than ordered and neither flag nor size says so: canceled.
    expect(hfSnapshot('spot', { ...done, dealSize: '0.2' } as HfOrderDetail)).toMatchObject({
      canceled: true,
      filled: false,
    });
    // The same number written differently is the whole size.
    expect(hfSnapshot('spot', { ...done, size: '0.50', dealSize: '.5' } as HfOrderDetail)).toMatchObject({
      canceled: false,
      filled: true,
    });
  });

  it('a futures order: sizes as decimal strings, what did not trade of a done order canceled', () => {
    const s = futuresSnapshot(futuresDetail as FuturesOrderDetail);
    expect(s).toMatchObject({
      market: 'futures',
      status: 'done',
      size: '5',
      dealSize: '2',
      canceledSize: '3',
      canceled: true,
      filled: false,
      price: '30000',
      updatedAt: futuresDetail.updatedAt,
    });
    const filled = futuresSnapshot({
      ...futuresDetail,
      dealSize: 5,
      cancelExist: false,
    } as FuturesOrderDetail);
    expect(filled).toMatchObject({ filled: true, canceled: false, canceledSize: '0' });
    const open = futuresSnapshot({
      ...futuresDetail,
      status: 'open',
      isActive: true,
      cancelExist: false,
      price: null,
    } as FuturesOrderDetail);
    expect(open).toMatchObject({ status: 'open', canceledSize: '0', filled: false, price: undefined });
  });
});

describe('"not found"', () => {
  const reply = (status: number, code: string, data?: unknown): RestReply => ({
    status,
    code: code as `${number}`,
    msg: undefined,
    data,
    headers: new Headers(),
    receivedAt: 0,
  });

  it('is a success without data, or a business refusal (2xx) about the order', () => {
    expect(isNotFound(reply(200, '200000', null))).toBe(true);
    expect(isNotFound(reply(200, '200000'))).toBe(true);
    expect(isNotFound(reply(200, '200000', {}))).toBe(false);
    expect(isNotFound(reply(200, '400100'))).toBe(true);
    expect(isNotFound(reply(200, '100001'))).toBe(true);
  });

  it('is never an outage, a refusal of the credentials or quota, or an HTTP error status', () => {
    for (const code of [
      '400001',
      '400002',
      '400003',
      '400004',
      '400005',
      '400006',
      '400007',
      '429000',
      '500000',
      '503000',
    ])
      expect(isNotFound(reply(200, code))).toBe(false);
    for (const status of [400, 401, 404, 429, 500, 503])
      expect(isNotFound(reply(status, '400100'))).toBe(false);
  });
});

describe('lookup requests', () => {
  it('one path per market, values URL-encoded, spot and margin on the spot host', () => {
    expect(lookupRequest({ clientOid: 'a_b-1', symbol: 'BTC-USDT', market: 'spot' })).toMatchObject({
      base: 'spot',
      method: 'GET',
      signed: true,
      target: '/api/v1/hf/orders/client-order/a_b-1?symbol=BTC-USDT',
    });
    expect(lookupRequest({ clientOid: 'm1', symbol: 'ETH-USDT', market: 'margin' })).toMatchObject({
      base: 'spot',
      target: '/api/v3/hf/margin/orders/client-order/m1?symbol=ETH-USDT',
    });
    expect(lookupRequest({ clientOid: 'f1', market: 'futures' })).toMatchObject({
      base: 'futures',
      target: '/api/v1/orders/byClientOid?clientOid=f1',
    });
  });

  it('parameters: clientOid and market required, symbol for spot and margin, nothing else', () => {
    const ok = (u: unknown): boolean => isRight(LookupOrderParams.decode(u));
    expect(ok({ clientOid: 'x', market: 'futures' })).toBe(true);
    expect(ok({ clientOid: 'x', market: 'futures', symbol: 'XBTUSDTM' })).toBe(true);
    expect(ok({ clientOid: 'x', market: 'spot' })).toBe(false);
    expect(ok({ clientOid: 'x', market: 'margin' })).toBe(false);
    expect(ok({ clientOid: 'x', market: 'options', symbol: 'BTC-USDT' })).toBe(false);
    expect(ok({ clientOid: 'x'.repeat(41), market: 'futures' })).toBe(false);
    expect(ok({ clientOid: 'a/b', market: 'futures' })).toBe(false);
    expect(ok({ clientOid: 'x', market: 'spot', symbol: 'btc usdt' })).toBe(false);
    expect(ok({ clientOid: 'x', market: 'futures', orderId: '1' })).toBe(false);
  });
});

describe('REST base URLs', () => {
  it('keeps http(s) URLs (a path prefix too) without a trailing slash', () => {
    expect(restBaseUrl('restBaseUrl', 'https://api.kucoin.com/')).toBe('https://api.kucoin.com');
    expect(restBaseUrl('restBaseUrl', 'http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(restBaseUrl('restBaseUrl', 'https://proxy.example/kucoin/')).toBe('https://proxy.example/kucoin');
  });

  it.each([
    ['not a URL', 'api.kucoin.com'],
    ['a WebSocket URL', 'wss://api.kucoin.com'],
    ['credentials', 'https://user:hunter2@api.kucoin.com'],
    ['a query', 'https://api.kucoin.com/?x=1'],
    ['a fragment', 'https://api.kucoin.com/#x'],
    ['not a string', 42],
  ])('refuses %s with a ConfigurationError that does not quote it', (_what, value) => {
    let error: unknown;
    try {
      restBaseUrl('futuresRestBaseUrl', value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('futuresRestBaseUrl');
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('wsBaseUrl: ws(s) URLs kept (a path too) without a trailing slash', () => {
    expect(wsBaseUrl('wsBaseUrl', 'wss://wsapi.kucoin.com/')).toBe('wss://wsapi.kucoin.com');
    expect(wsBaseUrl('wsBaseUrl', 'ws://127.0.0.1:8080/v1/private')).toBe('ws://127.0.0.1:8080/v1/private');
    expect(resolveSettings({ wsBaseUrl: 'ws://127.0.0.1:8080/' }).wsBaseUrl).toBe('ws://127.0.0.1:8080');
  });

  it.each([
    ['not a URL', 'wsapi.kucoin.com'],
    ['an http URL', 'https://wsapi.kucoin.com'],
    ['credentials', 'ws://user:pa55word@127.0.0.1:8080'],
    ['a query', 'wss://wsapi.kucoin.com/?region=eu'],
    ['an empty query', 'wss://wsapi.kucoin.com/?'],
    ['a fragment', 'wss://wsapi.kucoin.com#x'],
    ['not a string', 42],
  ])(
    'wsBaseUrl: refuses %s at construction with a ConfigurationError that does not quote it',
    (_what, value) => {
      let error: unknown;
      try {
        new WebsocketAPIClient({
          wsBaseUrl: value as string,
          apiKey: 'k',
          apiSecret: 's',
          apiPassphrase: 'p',
        });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toContain('wsBaseUrl');
      expect((error as Error).message).not.toContain('pa55word');
    },
  );

  it('the REST base of a simulator given by its WebSocket URL', () => {
    expect(restBaseOfWsUrl('ws://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(restBaseOfWsUrl('wss://sim.example/v1/private')).toBe('https://sim.example');
    expect(restBaseOfWsUrl('http://x')).toBeUndefined();
    expect(restBaseOfWsUrl('nonsense')).toBeUndefined();
  });

  it('options: KuCoin by default; testnet points both at the simulator; bad ones refused at construction', () => {
    expect(resolveSettings({})).toMatchObject({
      restBaseUrl: 'https://api.kucoin.com',
      futuresRestBaseUrl: 'https://api-futures.kucoin.com',
      restTimeoutMs: 10_000,
    });
    // In-process simulator: known once it runs.
    expect(resolveSettings({ testnet: true })).toMatchObject({
      restBaseUrl: undefined,
      futuresRestBaseUrl: undefined,
    });
    expect(resolveSettings({ testnet: true, wsBaseUrl: 'ws://127.0.0.1:9000' })).toMatchObject({
      restBaseUrl: 'http://127.0.0.1:9000',
      futuresRestBaseUrl: 'http://127.0.0.1:9000',
    });
    expect(
      resolveSettings({ testnet: true, wsBaseUrl: 'ws://127.0.0.1:9000', futuresRestBaseUrl: 'http://h:1/' }),
    ).toMatchObject({ restBaseUrl: 'http://127.0.0.1:9000', futuresRestBaseUrl: 'http://h:1' });
    expect(() => resolveSettings({ restBaseUrl: 'ftp://x' })).toThrow(ConfigurationError);
    expect(() => resolveSettings({ restTimeoutMs: 0 })).toThrow(RangeError);
    expect(resolveSettings({ restTimeoutMs: Infinity }).restTimeoutMs).toBe(2 ** 31 - 1);
  });
});
