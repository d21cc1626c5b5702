/** The simulator's REST API against the protocol text: endpoints, fields, auth, limits, isolation. */
import { connect as connectTcp, type Socket } from 'node:net';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator';
import { connect, hmac, type RawClient } from './raw-client';
import {
  alice,
  bob,
  futuresLookup,
  marginLookup,
  openPush,
  type PushClient,
  signed,
  spotLookup,
  unsigned,
} from './rest-client';

let sim: Simulator | undefined;
const clients: Array<RawClient | PushClient> = [];
async function start(o: SimulatorOptions = {}): Promise<Simulator> {
  sim = await startSimulator({ seed: 5, accounts: [alice, bob], ...o });
  return sim;
}
async function wsOf(s: Simulator, creds = alice): Promise<RawClient> {
  const { client } = await connect(s.url, creds);
  clients.push(client);
  return client;
}
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await sim?.close();
  sim = undefined;
});

describe('GET /api/v1/timestamp', () => {
  it('is public and answers the simulator clock, clockOffsetMs included', async () => {
    const s = await start({ clockOffsetMs: 60_000 });
    expect(s.restUrl).toBe(`http://127.0.0.1:${s.port}`);
    const before = Date.now();
    const a = await unsigned(s.restUrl, 'GET', '/api/v1/timestamp');
    expect(a.status).toBe(200);
    expect(a.headers.get('content-type')).toBe('application/json');
    expect(a.json.code).toBe('200000');
    expect(typeof a.json.data).toBe('number');
    expect(a.json.data).toBeGreaterThanOrEqual(before + 60_000);
    expect(a.json.data).toBeLessThanOrEqual(Date.now() + 60_000);
  });
});

describe('keep-alive', () => {
  /** Resolves with the next complete HTTP answer read from `socket` (headers and a Content-Length body). */
  function nextAnswer(socket: Socket): Promise<string> {
    return new Promise((resolve, reject) => {
      let text = '';
      const onData = (chunk: Buffer): void => {
        text += chunk.toString('latin1');
        const end = text.indexOf('\r\n\r\n');
        const length = /content-length: *(\d+)/i.exec(text);
        if (end >= 0 && length !== null && text.length >= end + 4 + Number(length[1])) {
          done();
          resolve(text);
        }
      };
      const onEnd = (error?: Error): void => {
        done();
        reject(error ?? new Error(`connection closed before an answer (read: ${JSON.stringify(text)})`));
      };
      const done = (): void => {
        socket.off('data', onData).off('error', onEnd).off('close', onClose);
      };
      const onClose = (): void => onEnd();
      socket.on('data', onData).on('error', onEnd).on('close', onClose);
    });
  }

  it('keeps an idle connection about a minute, as real gateways do, and says so (Keep-Alive: timeout=60)', async () => {
    // With Node's default of 5 s, a request that reached a kept-alive connection while the
    // simulator's loop stalled 5 s or more was reset: the idle timer ran before the socket was read.
    const s = await start();
    const socket = connectTcp(s.port, '127.0.0.1');
    try {
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      const request = `GET /api/v1/timestamp HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\n\r\n`;
      for (let i = 0; i < 2; i++) {
        const answer = nextAnswer(socket);
        socket.write(request);
        const text = await answer;
        expect(text).toMatch(/^HTTP\/1\.1 200/);
        expect(text).toMatch(/\r\nconnection: keep-alive\r\n/i);
        expect(text).toMatch(/\r\nkeep-alive: timeout=60\r\n/i);
      }
    } finally {
      socket.destroy();
    }
  });
});

describe('POST /api/v1/bullet-private', () => {
  it('answers a token and an endpoint on the same port with the ping settings', async () => {
    const s = await start({ pingInterval: 5_000, pingTimeout: 2_000 });
    const a = await signed(s.restUrl, alice, 'POST', '/api/v1/bullet-private');
    expect(a.status).toBe(200);
    expect(a.json.code).toBe('200000');
    expect(typeof a.json.data.token).toBe('string');
    expect(a.json.data.token.length).toBeGreaterThan(20);
    expect(a.json.data.instanceServers).toEqual([
      {
        endpoint: expect.stringMatching(new RegExp(`^ws://127\\.0\\.0\\.1:${s.port}/`)),
        encrypt: false,
        protocol: 'websocket',
        pingInterval: 5_000,
        pingTimeout: 2_000,
      },
    ]);
    // A body, when sent, is signed like any other and may be a JSON object.
    const withBody = await signed(s.restUrl, alice, 'POST', '/api/v1/bullet-private', '{}');
    expect(withBody.json.code).toBe('200000');
    expect(withBody.json.data.token).not.toBe(a.json.data.token);
  });
});

describe('order lookups by clientOid', () => {
  it('spot: the documented detail, agreeing with the ledger, for a resting then cancelled order', async () => {
    const s = await start();
    const ws = await wsOf(s);
    const args = {
      type: 'limit',
      symbol: 'BTC-USDT',
      side: 'sell',
      price: '90000',
      size: '0.5',
      clientOid: 'rest-spot-1',
    };
    const placed = await ws.answerTo(ws.request('spot.order', args));
    const a = await signed(s.restUrl, alice, 'GET', spotLookup('rest-spot-1', 'BTC-USDT'));
    expect(a.status).toBe(200);
    const d = a.json.data;
    const ledger = s.exchange.ledger('rest-spot-1')!;
    expect(d).toMatchObject({
      id: placed.data.orderId,
      clientOid: 'rest-spot-1',
      symbol: 'BTC-USDT',
      type: 'limit',
      side: 'sell',
      price: '90000',
      size: '0.5',
      dealSize: ledger.dealSize,
      dealFunds: '0',
      fee: '0',
      feeCurrency: 'USDT',
      timeInForce: 'GTC',
      postOnly: false,
      hidden: false,
      iceberg: false,
      cancelExist: false,
      active: true,
      inOrderBook: true,
      cancelledSize: '0',
      remainSize: '0.5',
      tradeType: 'TRADE',
    });
    for (const field of ['funds', 'createdAt', 'lastUpdatedAt']) expect(d).toHaveProperty(field);
    expect(typeof d.createdAt).toBe('number');
    await ws.answerTo(ws.request('spot.cancel', { symbol: 'BTC-USDT', clientOid: 'rest-spot-1' }));
    const after = (await signed(s.restUrl, alice, 'GET', spotLookup('rest-spot-1', 'BTC-USDT'))).json.data;
    expect(after).toMatchObject({
      active: false,
      inOrderBook: false,
      cancelExist: true,
      cancelledSize: '0.5',
    });
    expect(s.exchange.ledger('rest-spot-1')!.status).toBe('done');
    expect(after.lastUpdatedAt).toBeGreaterThanOrEqual(after.createdAt);
  });

  it('spot by funds: funds returned unspent show as cancelledFunds with cancelExist, as push says canceled', async () => {
    // ETH-USDT without house liquidity: the only sell is the one rested here.
    const s = await start({
      accounts: [{ ...alice, balances: { ...alice.balances, ETH: '1' } }, bob],
      referencePrices: { 'BTC-USDT': '30000' },
    });
    const { push } = await openPush(s.restUrl, alice);
    clients.push(push);
    await push.subscribe('/spotMarket/tradeOrdersV2');
    const ws = await wsOf(s);
    const buy = (clientOid: string, symbol: string, funds: string, o: object = {}) =>
      ws.answerTo(ws.request('spot.order', { type: 'market', symbol, side: 'buy', funds, clientOid, ...o }));
    const detail = async (clientOid: string, symbol: string) =>
      (await signed(s.restUrl, alice, 'GET', spotLookup(clientOid, symbol))).json.data;
    const terminal = async (clientOid: string) =>
      (await push.waitFor((f) => f.data?.clientOid === clientOid && f.data.status === 'done')).data;

    // Nothing to buy: the whole 500 comes back.
    await buy('funds-none', 'ETH-USDT', '500');
    expect((await terminal('funds-none')).type).toBe('canceled');
    expect(await detail('funds-none', 'ETH-USDT')).toMatchObject({
      funds: '500',
      dealFunds: '0',
      dealSize: '0',
      active: false,
      cancelExist: true,
      cancelledSize: '0',
      cancelledFunds: '500',
      remainFunds: '0',
    });

    // STP stops it at its own order: no size was cancelled (it has none), the funds were.
    await ws.answerTo(
      ws.request('spot.order', {
        type: 'limit',
        symbol: 'ETH-USDT',
        side: 'sell',
        price: '2000',
        size: '0.1',
        clientOid: 'own-ask',
      }),
    );
    await buy('funds-stp', 'ETH-USDT', '500', { stp: 'CN' });
    expect((await terminal('funds-stp')).canceledSize).toBe('0');
    expect(await detail('funds-stp', 'ETH-USDT')).toMatchObject({
      cancelExist: true,
      cancelledSize: '0',
      cancelledFunds: '500',
    });

    // 200 of 500 bought, then the book ran out: 300 came back.
    await buy('funds-part', 'ETH-USDT', '500');
    const partEnd = await terminal('funds-part');
    expect([partEnd.type, partEnd.filledSize, partEnd.remainFunds]).toEqual(['canceled', '0.1', '300']);
    expect(await detail('funds-part', 'ETH-USDT')).toMatchObject({
      dealSize: '0.1',
      dealFunds: '200',
      cancelExist: true,
      cancelledFunds: '300',
      remainFunds: '0',
    });

    // A deep book: it trades until what is left cannot buy a size step; that dust is no cancel.
    await buy('funds-deep', 'BTC-USDT', '1000');
    expect((await terminal('funds-deep')).type).toBe('filled');
    const deep = await detail('funds-deep', 'BTC-USDT');
    expect(deep).toMatchObject({ cancelExist: false, active: false, remainFunds: '0' });
    expect(Number(deep.dealFunds)).toBeGreaterThan(990);
    expect(Number(deep.cancelledFunds)).toBeCloseTo(1000 - Number(deep.dealFunds), 9);
  });

  it('margin: the same detail with the margin trade type; a spot lookup does not find it', async () => {
    const s = await start();
    const ws = await wsOf(s);
    const args = {
      clientOid: 'rest-margin-1',
      symbol: 'BTC-USDT',
      side: 'buy',
      type: 'limit',
      price: '1000',
      size: '0.01',
      isIsolated: true,
    };
    expect((await ws.answerTo(ws.request('margin.order', args))).code).toBe('200000');
    const a = await signed(s.restUrl, alice, 'GET', marginLookup('rest-margin-1', 'BTC-USDT'));
    expect(a.json.data).toMatchObject({
      clientOid: 'rest-margin-1',
      tradeType: 'MARGIN_ISOLATED_TRADE',
      active: true,
      size: '0.01',
    });
    const spot = await signed(s.restUrl, alice, 'GET', spotLookup('rest-margin-1', 'BTC-USDT'));
    expect(spot.json.code).toBe('400100');
    expect(spot.json.data).toBeUndefined();
  });

  it('futures: the detail with sizes in lots; an unknown clientOid is success with null data', async () => {
    const s = await start();
    const ws = await wsOf(s);
    const args = {
      clientOid: 'rest-fut-1',
      symbol: 'XBTUSDTM',
      side: 'sell',
      type: 'market',
      size: 3,
      leverage: '10',
      marginMode: 'CROSS',
    };
    expect((await ws.answerTo(ws.request('futures.order', args))).code).toBe('200000');
    const d = (await signed(s.restUrl, alice, 'GET', futuresLookup('rest-fut-1'))).json.data;
    expect(d).toMatchObject({
      clientOid: 'rest-fut-1',
      symbol: 'XBTUSDTM',
      type: 'market',
      side: 'sell',
      size: 3,
      dealSize: 3,
      filledSize: 3,
      leverage: '10',
      marginMode: 'CROSS',
      reduceOnly: false,
      status: 'done',
      isActive: false,
      cancelExist: false,
    });
    expect(Number(d.dealValue)).toBeGreaterThan(0);
    expect(String(d.dealSize)).toBe(s.exchange.ledger('rest-fut-1')!.dealSize);
    const none = await signed(s.restUrl, alice, 'GET', futuresLookup('never-placed'));
    expect(none.status).toBe(200);
    expect(none.json).toEqual({ code: '200000', data: null });
  });

  it("reports the order's own cancelAfter, closeOrder and forceHold, not fixed values", async () => {
    const s = await start();
    const ws = await wsOf(s);
    const ok = async (op: string, args: object) =>
      expect((await ws.answerTo(ws.request(op, args))).code).toBe('200000');
    const bid = { type: 'limit', symbol: 'BTC-USDT', side: 'buy', price: '20000', size: '0.001' };
    await ok('spot.order', { ...bid, clientOid: 'gtt', timeInForce: 'GTT', cancelAfter: 3600 });
    await ok('spot.order', { ...bid, clientOid: 'gtc' });
    const spot = async (clientOid: string) =>
      (await signed(s.restUrl, alice, 'GET', spotLookup(clientOid, 'BTC-USDT'))).json.data;
    expect(await spot('gtt')).toMatchObject({ timeInForce: 'GTT', cancelAfter: 3600 });
    expect(await spot('gtc')).toMatchObject({ timeInForce: 'GTC', cancelAfter: 0 });

    const futures = { symbol: 'XBTUSDTM', leverage: '5' };
    await ok('futures.order', { ...futures, clientOid: 'open', side: 'buy', type: 'market', size: 2 });
    await ok('futures.order', {
      ...futures,
      clientOid: 'close',
      side: 'sell',
      price: '90000',
      closeOrder: true,
    });
    await ok('futures.order', {
      ...futures,
      clientOid: 'hold',
      side: 'buy',
      price: '20000',
      size: 1,
      forceHold: true,
    });
    await ok('futures.order', { ...futures, clientOid: 'plain', side: 'buy', price: '20000', size: 1 });
    const detail = async (clientOid: string) =>
      (await signed(s.restUrl, alice, 'GET', futuresLookup(clientOid))).json.data;
    expect(await detail('close')).toMatchObject({ closeOrder: true, reduceOnly: true, forceHold: false });
    expect(await detail('hold')).toMatchObject({ closeOrder: false, reduceOnly: false, forceHold: true });
    expect(await detail('plain')).toMatchObject({ closeOrder: false, forceHold: false });
  });

  it('tolerates extra signed query parameters and answers not found for another symbol', async () => {
    const s = await start();
    const ws = await wsOf(s);
    const args = {
      type: 'limit',
      symbol: 'ETH-USDT',
      side: 'buy',
      price: '100',
      size: '0.01',
      clientOid: 'rest-q',
    };
    await ws.answerTo(ws.request('spot.order', args));
    const extra = await signed(
      s.restUrl,
      alice,
      'GET',
      '/api/v1/hf/orders/client-order/rest-q?clientOid=rest-q&symbol=ETH-USDT',
    );
    expect(extra.json.data.clientOid).toBe('rest-q');
    const other = await signed(s.restUrl, alice, 'GET', spotLookup('rest-q', 'BTC-USDT'));
    expect(other.status).toBe(200);
    expect(other.json).toEqual({ code: '400100', msg: 'order not exist.' });
    const noSymbol = await signed(s.restUrl, alice, 'GET', '/api/v1/hf/orders/client-order/rest-q');
    expect(noSymbol.status).toBe(400);
    expect(noSymbol.json.code).toBe('400100');
  });

  it("never shows another account's order, even under the same clientOid", async () => {
    const s = await start();
    const a = await wsOf(s, alice);
    const b = await wsOf(s, bob);
    const order = (price: string) => ({
      type: 'limit',
      symbol: 'BTC-USDT',
      side: 'buy',
      price,
      size: '0.01',
      clientOid: 'shared-oid',
    });
    await a.answerTo(a.request('spot.order', order('1000')));
    // Bob's lookup before he has any order: not found.
    expect((await signed(s.restUrl, bob, 'GET', spotLookup('shared-oid', 'BTC-USDT'))).json.code).toBe(
      '400100',
    );
    await b.answerTo(b.request('spot.order', order('2000')));
    const seenByAlice = (await signed(s.restUrl, alice, 'GET', spotLookup('shared-oid', 'BTC-USDT'))).json;
    const seenByBob = (await signed(s.restUrl, bob, 'GET', spotLookup('shared-oid', 'BTC-USDT'))).json;
    expect(seenByAlice.data.price).toBe('1000');
    expect(seenByBob.data.price).toBe('2000');
    expect(seenByAlice.data.id).not.toBe(seenByBob.data.id);
  });
});

describe('order lookups by orderId', () => {
  const spotById = (id: string, symbol: string) => `/api/v1/hf/orders/${id}?symbol=${symbol}`;
  const marginById = (id: string, symbol: string) => `/api/v3/hf/margin/orders/${id}?symbol=${symbol}`;
  const futuresById = (id: string) => `/api/v1/orders/${id}`;

  it('spot: the same detail as the clientOid lookup, open then cancelled; other symbol or unknown id: not found', async () => {
    const s = await start();
    const ws = await wsOf(s);
    const args = {
      type: 'limit',
      symbol: 'BTC-USDT',
      side: 'sell',
      price: '90000',
      size: '0.5',
      clientOid: 'oid-spot-1',
    };
    const { orderId } = (await ws.answerTo(ws.request('spot.order', args))).data;
    const byId = await signed(s.restUrl, alice, 'GET', spotById(orderId, 'BTC-USDT'));
    expect(byId.status).toBe(200);
    expect(byId.json.data).toMatchObject({
      id: orderId,
      clientOid: 'oid-spot-1',
      active: true,
      remainSize: '0.5',
    });
    const byOid = await signed(s.restUrl, alice, 'GET', spotLookup('oid-spot-1', 'BTC-USDT'));
    expect(byId.json.data).toEqual(byOid.json.data);
    await ws.answerTo(ws.request('spot.cancel', { symbol: 'BTC-USDT', orderId }));
    const after = (await signed(s.restUrl, alice, 'GET', spotById(orderId, 'BTC-USDT'))).json.data;
    expect(after).toMatchObject({ id: orderId, active: false, cancelExist: true, cancelledSize: '0.5' });
    const other = await signed(s.restUrl, alice, 'GET', spotById(orderId, 'ETH-USDT'));
    expect(other.status).toBe(200);
    expect(other.json).toEqual({ code: '400100', msg: 'order not exist.' });
    const unknown = await signed(s.restUrl, alice, 'GET', spotById('6700000000000000000000ff', 'BTC-USDT'));
    expect(unknown.json).toEqual({ code: '400100', msg: 'order not exist.' });
    const noSymbol = await signed(s.restUrl, alice, 'GET', `/api/v1/hf/orders/${orderId}`);
    expect(noSymbol.status).toBe(400);
    expect(noSymbol.json.code).toBe('400100');
  });

  it('margin: found on the margin path only; futures: the detail in lots, an unknown id is success with null', async () => {
    const s = await start();
    const ws = await wsOf(s);
    const margin = {
      clientOid: 'oid-m-1',
      symbol: 'BTC-USDT',
      side: 'buy',
      type: 'limit',
      price: '1000',
      size: '0.01',
      isIsolated: true,
    };
    const mid = (await ws.answerTo(ws.request('margin.order', margin))).data.orderId as string;
    const m = await signed(s.restUrl, alice, 'GET', marginById(mid, 'BTC-USDT'));
    expect(m.json.data).toMatchObject({ id: mid, clientOid: 'oid-m-1', tradeType: 'MARGIN_ISOLATED_TRADE' });
    expect((await signed(s.restUrl, alice, 'GET', spotById(mid, 'BTC-USDT'))).json.code).toBe('400100');
    const fut = {
      clientOid: 'oid-f-1',
      symbol: 'XBTUSDTM',
      side: 'sell',
      type: 'market',
      size: 3,
      leverage: '10',
      marginMode: 'CROSS',
    };
    const fid = (await ws.answerTo(ws.request('futures.order', fut))).data.orderId as string;
    const f = await signed(s.restUrl, alice, 'GET', futuresById(fid));
    expect(f.json.data).toMatchObject({ id: fid, clientOid: 'oid-f-1', size: 3, status: 'done' });
    expect(f.json.data).toEqual((await signed(s.restUrl, alice, 'GET', futuresLookup('oid-f-1'))).json.data);
    // The spot order's id is not a futures order.
    expect((await signed(s.restUrl, alice, 'GET', futuresById(mid))).json).toEqual({
      code: '200000',
      data: null,
    });
    expect((await signed(s.restUrl, alice, 'GET', futuresById('nope'))).json).toEqual({
      code: '200000',
      data: null,
    });
    // The fixed futures route still answers the clientOid lookup, and a bad id is a parameter error.
    expect((await signed(s.restUrl, alice, 'GET', futuresLookup('oid-f-1'))).json.data.id).toBe(fid);
    const bad = await signed(s.restUrl, alice, 'GET', futuresById('a%20b'));
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe('100001');
  });

  it("never shows another account's order, and is signed like every private request", async () => {
    const s = await start();
    const a = await wsOf(s, alice);
    const args = {
      type: 'limit',
      symbol: 'BTC-USDT',
      side: 'buy',
      price: '1000',
      size: '0.01',
      clientOid: 'oid-iso',
    };
    const { orderId } = (await a.answerTo(a.request('spot.order', args))).data;
    expect((await signed(s.restUrl, alice, 'GET', spotById(orderId, 'BTC-USDT'))).json.data.id).toBe(orderId);
    expect((await signed(s.restUrl, bob, 'GET', spotById(orderId, 'BTC-USDT'))).json).toEqual({
      code: '400100',
      msg: 'order not exist.',
    });
    const fut = {
      clientOid: 'oid-iso-f',
      symbol: 'XBTUSDTM',
      side: 'buy',
      type: 'limit',
      price: '1000',
      size: 1,
      leverage: '5',
    };
    const fid = (await a.answerTo(a.request('futures.order', fut))).data.orderId as string;
    expect((await signed(s.restUrl, bob, 'GET', futuresById(fid))).json).toEqual({
      code: '200000',
      data: null,
    });
    const anonymous = await unsigned(s.restUrl, 'GET', spotById(orderId, 'BTC-USDT'));
    expect(anonymous.status).toBe(401);
    expect(anonymous.json.code).toBe('400001');
  });

  it('ack mode: a remembered order by id, cancelled by id; not for another account', async () => {
    const s = await start({ mode: 'ack' });
    const ws = await wsOf(s);
    const args = {
      type: 'limit',
      symbol: 'BTC-USDT',
      side: 'buy',
      price: '1000',
      size: '0.01',
      clientOid: 'oid-ack',
    };
    const { orderId } = (await ws.answerTo(ws.request('spot.order', args))).data;
    expect((await signed(s.restUrl, alice, 'GET', spotById(orderId, 'BTC-USDT'))).json.data).toMatchObject({
      id: orderId,
      clientOid: 'oid-ack',
      active: true,
    });
    await ws.answerTo(ws.request('spot.cancel', { symbol: 'BTC-USDT', orderId }));
    expect((await signed(s.restUrl, alice, 'GET', spotById(orderId, 'BTC-USDT'))).json.data.active).toBe(
      false,
    );
    expect((await signed(s.restUrl, bob, 'GET', spotById(orderId, 'BTC-USDT'))).json.code).toBe('400100');
  });
});

describe('authentication (KC-API headers)', () => {
  const target = '/api/v1/bullet-private';
  it('refuses with the handshake codes and HTTP 401, checked in the handshake order', async () => {
    const s = await start();
    const post = (o: Parameters<typeof signed>[5]) => signed(s.restUrl, alice, 'POST', target, '', o);
    const cases: Array<[Parameters<typeof signed>[5], string]> = [
      [{ omit: ['KC-API-KEY'] }, '400001'],
      [{ omit: ['KC-API-SIGN'] }, '400001'],
      [{ omit: ['KC-API-TIMESTAMP'] }, '400001'],
      [{ omit: ['KC-API-PASSPHRASE'] }, '400001'],
      [{ omit: ['KC-API-KEY-VERSION'] }, '400001'],
      [{ timestamp: Date.now() - 6_000 }, '400002'],
      [{ key: 'nobody' }, '400003'],
      [{ passphrase: hmac(alice.apiSecret, 'wrong') }, '400004'],
      [{ sign: hmac('wrong-secret', 'x') }, '400005'],
      // Checked in order: a stale timestamp is reported before an unknown key, an unknown key
      // before a bad signature, a bad signature before a bad passphrase.
      [{ timestamp: Date.now() - 6_000, key: 'nobody' }, '400002'],
      [{ key: 'nobody', sign: 'x' }, '400003'],
      [{ sign: 'x', passphrase: 'y' }, '400005'],
    ];
    for (const [o, code] of cases) {
      const a = await post(o);
      expect({ o, status: a.status, code: a.json.code }).toEqual({ o, status: 401, code });
      expect(typeof a.json.msg).toBe('string');
      expect(a.json.data).toBeUndefined();
    }
  });

  it('signs the exact path with query and the body', async () => {
    const s = await start();
    // Signed for another body than the one sent.
    const headers = (await import('./rest-client')).kcHeaders(alice, 'POST', target, '{"a":1}');
    const res = await fetch(s.restUrl + target, { method: 'POST', headers, body: '{"a":2}' });
    expect(res.status).toBe(401);
    expect((await res.json()).code).toBe('400005');
  });

  it('verifies partner headers when partners are configured, and ignores them otherwise', async () => {
    const partnered = { extra: { 'KC-API-PARTNER': 'p1', 'KC-API-PARTNER-SIGN': 'nonsense' } };
    let s = await start();
    expect((await signed(s.restUrl, alice, 'POST', target, '', partnered)).json.code).toBe('200000');
    await s.close();
    s = await start({ partners: { p1: 'partner-key' } });
    expect((await signed(s.restUrl, alice, 'POST', target, '', partnered)).json.code).toBe('400201');
    const unknown = { extra: { 'KC-API-PARTNER': 'p2', 'KC-API-PARTNER-SIGN': 'x' } };
    expect((await signed(s.restUrl, alice, 'POST', target, '', unknown)).json.code).toBe('400200');
    const ts = Date.now();
    const good = {
      timestamp: ts,
      extra: { 'KC-API-PARTNER': 'p1', 'KC-API-PARTNER-SIGN': hmac('partner-key', ts + 'p1' + alice.apiKey) },
    };
    expect((await signed(s.restUrl, alice, 'POST', target, '', good)).json.code).toBe('200000');
  });
});

describe('rate limit', () => {
  it('answers 429000 with HTTP 429 past the quota of the key, not of other keys', async () => {
    const s = await start({ rateLimit: { limit: 3, windowMs: 60_000 } });
    const codes: string[] = [];
    for (let i = 0; i < 5; i++)
      codes.push((await signed(s.restUrl, alice, 'POST', '/api/v1/bullet-private')).json.code);
    expect(codes).toEqual(['200000', '200000', '200000', '429000', '429000']);
    const refused = await signed(s.restUrl, alice, 'GET', futuresLookup('x'));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('gw-ratelimit-remaining')).toBe('0');
    expect(Number(refused.headers.get('gw-ratelimit-reset'))).toBeGreaterThan(0);
    expect((await signed(s.restUrl, bob, 'GET', futuresLookup('x'))).json.code).toBe('200000');
    // The public clock is not rate-limited by key.
    expect((await unsigned(s.restUrl, 'GET', '/api/v1/timestamp')).json.code).toBe('200000');
  });
});

describe('faults.restDown', () => {
  it('answers every REST request 503 while on, and leaves the WS API alone', async () => {
    const s = await start();
    s.faults.restDown(true);
    const a = await unsigned(s.restUrl, 'GET', '/api/v1/timestamp');
    expect(a.status).toBe(503);
    expect(a.json.code).toBe('503000');
    expect((await signed(s.restUrl, alice, 'POST', '/api/v1/bullet-private')).status).toBe(503);
    const ws = await wsOf(s);
    expect((await ws.answerTo(ws.request('ping-free', {}))).code).toBe('400100');
    s.faults.reset();
    expect((await unsigned(s.restUrl, 'GET', '/api/v1/timestamp')).status).toBe(200);
    s.faults.restDown(true);
    s.faults.restDown(false);
    expect((await unsigned(s.restUrl, 'GET', '/api/v1/timestamp')).status).toBe(200);
  });
});

describe('CORS (a page from another origin)', () => {
  it('answers the preflight of a signed request, and every answer allows any origin', async () => {
    const s = await start();
    const preflight = await fetch(`${s.restUrl}/api/v1/bullet-private`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:1',
        'access-control-request-method': 'POST',
        'access-control-request-headers':
          'content-type,kc-api-key,kc-api-key-version,kc-api-passphrase,kc-api-sign,kc-api-timestamp',
      },
    });
    expect(preflight.status).toBe(204);
    expect(await preflight.text()).toBe('');
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, POST');
    const allowed = (preflight.headers.get('access-control-allow-headers') ?? '').split(', ');
    for (const name of ['content-type', 'kc-api-key', 'kc-api-sign', 'kc-api-timestamp', 'kc-api-passphrase'])
      expect(allowed).toContain(name);
    expect(allowed).toContain('kc-api-key-version');

    // The signed request itself, and a refusal, carry the origin header and expose the quota.
    const ok = await signed(s.restUrl, alice, 'POST', '/api/v1/bullet-private');
    expect(ok.json.code).toBe('200000');
    expect(ok.headers.get('access-control-allow-origin')).toBe('*');
    expect(ok.headers.get('access-control-expose-headers')).toContain('gw-ratelimit-remaining');
    const refused = await signed(s.restUrl, alice, 'POST', '/api/v1/bullet-private', '', { sign: 'x' });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
    // A preflight reads nothing and changes nothing: the quota is untouched by it.
    expect(ok.headers.get('gw-ratelimit-remaining')).toBe(
      String(Number(ok.headers.get('gw-ratelimit-limit')) - 1),
    );
  });
});
