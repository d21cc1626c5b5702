/** Ack mode serves REST and the push channel from what it remembers of acknowledged orders. */
import { startSimulator, type Simulator } from '../../src/simulator';
import { connect, spotOrder, type RawClient } from './raw-client';
import { futuresLookup, openPush, signed, spotLookup, type PushClient } from './rest-client';

let sim: Simulator;
const closeMe: Array<RawClient | PushClient> = [];
afterAll(async () => {
  for (const c of closeMe) c.close();
  await sim.close();
});

it('pushes received and open per acknowledged order, canceled per acknowledged cancel; REST finds them', async () => {
  sim = await startSimulator({ mode: 'ack' });
  const creds = sim.demoAccount;
  const { push } = await openPush(sim.restUrl, creds);
  closeMe.push(push);
  await push.subscribe('/spotMarket/tradeOrdersV2');
  await push.subscribe('/contractMarket/tradeOrders');
  const { client } = await connect(sim.url, creds);
  closeMe.push(client);

  const placed = await client.answerTo(client.request('spot.order', spotOrder({ clientOid: 'ack-1' })));
  await push.waitEvent('ack-1', 'open');
  expect(push.eventsOf('ack-1').map((e) => [e.type, e.status])).toEqual([
    ['received', 'new'],
    ['open', 'open'],
  ]);
  expect(push.eventsOf('ack-1')[0].orderId).toBe(placed.data.orderId);
  const fut = { symbol: 'XBTUSDTM', side: 'buy', type: 'limit', price: '30000', size: 2, leverage: 5 };
  await client.answerTo(client.request('futures.order', { ...fut, clientOid: 'ack-f' }));
  expect((await push.waitEvent('ack-f', 'open')).size).toBe('2');
  expect(push.eventsOf('ack-f').map((e) => e.type)).toEqual(['open']);

  const detail = await signed(sim.restUrl, creds, 'GET', spotLookup('ack-1', 'BTC-USDT'));
  expect(detail.json.data).toMatchObject({
    id: placed.data.orderId,
    active: true,
    dealSize: '0',
    size: '0.001',
  });
  expect((await signed(sim.restUrl, creds, 'GET', futuresLookup('ack-f'))).json.data).toMatchObject({
    status: 'open',
    size: 2,
  });

  await client.answerTo(client.request('spot.cancel', { symbol: 'BTC-USDT', clientOid: 'ack-1' }));
  expect(await push.waitEvent('ack-1', 'canceled')).toMatchObject({ status: 'done', canceledSize: '0.001' });
  const after = await signed(sim.restUrl, creds, 'GET', spotLookup('ack-1', 'BTC-USDT'));
  expect(after.json.data).toMatchObject({ active: false, cancelExist: true });
  // A market order by funds has no size: what a cancel returned shows as cancelledFunds.
  const funds = { type: 'market', symbol: 'BTC-USDT', side: 'buy', funds: '50', clientOid: 'ack-funds' };
  await client.answerTo(client.request('spot.order', funds));
  const fundsOpen = (await signed(sim.restUrl, creds, 'GET', spotLookup('ack-funds', 'BTC-USDT'))).json.data;
  expect(fundsOpen).toMatchObject({
    active: true,
    cancelExist: false,
    remainFunds: '50',
    cancelledFunds: '0',
  });
  await client.answerTo(client.request('spot.cancel', { symbol: 'BTC-USDT', clientOid: 'ack-funds' }));
  const fundsDone = (await signed(sim.restUrl, creds, 'GET', spotLookup('ack-funds', 'BTC-USDT'))).json.data;
  expect(fundsDone).toMatchObject({
    active: false,
    cancelExist: true,
    remainFunds: '0',
    cancelledFunds: '50',
  });
  // Never acknowledged: not found.
  expect((await signed(sim.restUrl, creds, 'GET', spotLookup('never', 'BTC-USDT'))).json.code).toBe('400100');
  expect((await signed(sim.restUrl, creds, 'GET', futuresLookup('never'))).json.data).toBeNull();
  // The ledger stays empty in ack mode.
  expect(sim.exchange.ledger('ack-1')).toBeUndefined();
});

it('an acknowledged spot.modify cancels the remembered order and opens its replacement, same clientOid', async () => {
  const s = await startSimulator({ mode: 'ack' });
  try {
    const creds = s.demoAccount;
    const { push } = await openPush(s.restUrl, creds);
    closeMe.push(push);
    await push.subscribe('/spotMarket/tradeOrdersV2');
    const { client } = await connect(s.url, creds);
    closeMe.push(client);
    const placed = await client.answerTo(client.request('spot.order', spotOrder({ clientOid: 'ack-m' })));
    await push.waitEvent('ack-m', 'open');
    const modify = { symbol: 'BTC-USDT', orderId: placed.data.orderId, newPrice: '2', newSize: '0.002' };
    const answer = await client.answerTo(client.request('spot.modify', modify));
    // By orderId, the answer still names the order's clientOid.
    expect(answer.data.clientOid).toBe('ack-m');
    const opened = await push.waitFor(
      (f) =>
        f.data?.clientOid === 'ack-m' &&
        f.data?.type === 'open' &&
        f.data?.orderId === answer.data.newOrderId,
    );
    expect(opened.data).toMatchObject({ price: '2', size: '0.002' });
    expect(push.eventsOf('ack-m').map((e) => e.type)).toEqual([
      'received',
      'open',
      'canceled',
      'received',
      'open',
    ]);
    const detail = await signed(s.restUrl, creds, 'GET', spotLookup('ack-m', 'BTC-USDT'));
    expect(detail.json.data).toMatchObject({
      id: answer.data.newOrderId,
      active: true,
      price: '2',
      size: '0.002',
    });
  } finally {
    await s.close();
  }
});

it('after an acknowledged spot.modify the replaced order is still found by its orderId, cancelled, as in the engine', async () => {
  // The client reconciles a lost modify by looking the named order up by orderId: if ack mode
  // forgot it, the modify would look as if it never happened.
  for (const mode of ['ack', 'full'] as const) {
    const s = await startSimulator({ mode, referencePrices: { 'BTC-USDT': '30000' } });
    try {
      const creds = s.demoAccount;
      const { client } = await connect(s.url, creds);
      closeMe.push(client);
      const placed = await client.answerTo(
        client.request('spot.order', spotOrder({ clientOid: 'ack-r', price: '20000' })),
      );
      const oldId = placed.data.orderId as string;
      const answer = await client.answerTo(
        client.request('spot.modify', { symbol: 'BTC-USDT', clientOid: 'ack-r', newPrice: '20001' }),
      );
      expect(answer.code).toBe('200000');
      const old = await signed(s.restUrl, creds, 'GET', `/api/v1/hf/orders/${oldId}?symbol=BTC-USDT`);
      expect({ mode, data: old.json.data }).toMatchObject({
        mode,
        data: { id: oldId, clientOid: 'ack-r', price: '20000', active: false, cancelExist: true },
      });
      const latest = await signed(s.restUrl, creds, 'GET', spotLookup('ack-r', 'BTC-USDT'));
      expect(latest.json.data).toMatchObject({ id: answer.data.newOrderId, price: '20001', active: true });
    } finally {
      await s.close();
    }
  }
});

it('answers a cancel of a remembered order with its ids and sizes, as full mode does and its push and REST say', async () => {
  for (const mode of ['ack', 'full'] as const) {
    const s = await startSimulator({ mode });
    try {
      const creds = s.demoAccount;
      const { push } = await openPush(s.restUrl, creds);
      closeMe.push(push);
      await push.subscribe('/contractMarket/tradeOrders');
      const { client } = await connect(s.url, creds);
      closeMe.push(client);
      const ask = async (op: string, args: unknown): Promise<any> => {
        const a = await client.answerTo(client.request(op, args));
        expect({ mode, op, code: a.code }).toEqual({ mode, op, code: '200000' });
        return a.data;
      };
      const ids: Record<string, string> = {};
      for (const oid of ['c-1', 'c-2', 'c-3'])
        ids[oid] = (await ask('spot.order', spotOrder({ clientOid: oid, size: '0.01' }))).orderId;
      ids['m-1'] = (await ask('margin.order', spotOrder({ clientOid: 'm-1' }))).orderId;
      const fut = { symbol: 'XBTUSDTM', side: 'buy', type: 'limit', price: '10000', size: 2, leverage: 5 };
      for (const oid of ['f-1', 'f-2'])
        ids[oid] = (await ask('futures.order', { ...fut, clientOid: oid })).orderId;

      const cancels = [
        await ask('spot.cancel', { symbol: 'BTC-USDT', clientOid: 'c-1' }),
        await ask('spot.cancel', { symbol: 'BTC-USDT', orderId: ids['c-2'] }),
        await ask('margin.cancel', { symbol: 'BTC-USDT', clientOid: 'm-1' }),
        await ask('spot.sync_cancel', { symbol: 'BTC-USDT', clientOid: 'c-3' }),
        await ask('futures.multi_cancel', {
          orderIdsList: [ids['f-1']],
          clientOidsList: [{ symbol: 'XBTUSDTM', clientOid: 'f-2' }],
        }),
      ];
      expect({ mode, cancels }).toEqual({
        mode,
        cancels: [
          { orderId: ids['c-1'], clientOid: 'c-1' },
          { orderId: ids['c-2'], clientOid: 'c-2' },
          { orderId: ids['m-1'], clientOid: 'm-1' },
          {
            orderId: ids['c-3'],
            clientOid: 'c-3',
            originSize: '0.01',
            dealSize: '0',
            remainSize: '0',
            canceledSize: '0.01',
            status: 'done',
          },
          [
            { orderId: ids['f-1'], clientOid: 'f-1', code: '200000', msg: '' },
            { orderId: ids['f-2'], clientOid: 'f-2', code: '200000', msg: '' },
          ],
        ],
      });
      // The batch cancel is reflected like the others: push and REST say the orders were cancelled.
      expect((await push.waitEvent('f-2', 'canceled')).orderId).toBe(ids['f-2']);
      expect((await push.waitEvent('f-1', 'canceled')).orderId).toBe(ids['f-1']);
      expect((await signed(s.restUrl, creds, 'GET', futuresLookup('f-1'))).json.data).toMatchObject({
        id: ids['f-1'],
        status: 'done',
        cancelExist: true,
      });
    } finally {
      await s.close();
    }
  }
});
