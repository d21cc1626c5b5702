import { OPERATIONS_BY_OP } from '../../src/operations';
import { startSimulator, type Simulator } from '../../src/simulator';
import { connect, type RawClient, spotOrder } from './raw-client';

let sim: Simulator;
let client: RawClient;

beforeAll(async () => {
  sim = await startSimulator({ mode: 'ack' });
  client = (await connect(sim.url, sim.demoAccount)).client;
});
afterAll(async () => {
  client.close();
  await sim.close();
});

const fut = { symbol: 'XBTUSDTM', side: 'buy', type: 'limit', price: '30000', size: 1, leverage: 5 };
const ARGS: Record<string, unknown> = {
  'spot.order': spotOrder({ clientOid: 'a1' }),
  'spot.sync_order': spotOrder({ clientOid: 'a2' }),
  'spot.modify': { symbol: 'BTC-USDT', clientOid: 'a1', newPrice: '10001' },
  'spot.cancel': { symbol: 'BTC-USDT', orderId: 'o1' },
  'spot.sync_cancel': { symbol: 'BTC-USDT', clientOid: 'a2' },
  'margin.order': { symbol: 'BTC-USDT', side: 'buy', price: '10000', size: '0.001', clientOid: 'a3' },
  'margin.cancel': { symbol: 'BTC-USDT', clientOid: 'a3' },
  'futures.order': { ...fut, clientOid: 'a4' },
  'futures.cancel': { orderId: 'o4' },
  'futures.multi_order': [
    { ...fut, clientOid: 'a5' },
    { ...fut, clientOid: 'a6' },
  ],
  'futures.multi_cancel': { orderIdsList: ['o5'], clientOidsList: [{ symbol: 'XBTUSDTM', clientOid: 'a6' }] },
};

describe('ack mode', () => {
  it.each([...OPERATIONS_BY_OP.keys()])('answers %s with data its response codec accepts', async (op) => {
    const a = await client.answerTo(client.request(op, ARGS[op]));
    expect(a).toMatchObject({ code: '200000', op });
    expect(OPERATIONS_BY_OP.get(op)!.response.is(a.data)).toBe(true);
    expect(a.rateLimit).toBeDefined();
  });

  it('echoes clientOids and answers batches item by item', async () => {
    const a = await client.answerTo(client.request('futures.multi_order', ARGS['futures.multi_order']));
    expect(a.data.map((x: any) => [x.clientOid, x.code])).toEqual([
      ['a5', '200000'],
      ['a6', '200000'],
    ]);
    const c = await client.answerTo(
      client.request('futures.cancel', { clientOid: 'a4', symbol: 'XBTUSDTM' }),
    );
    expect(c.data).toEqual({ clientOid: 'a4' });
  });

  it('still validates with the shared codecs', async () => {
    const a = await client.answerTo(client.request('spot.order', spotOrder({ price: '-1' })));
    expect(a.code).toBe('400100');
    expect(a.msg).toMatch(/^price: /);
  });

  it('gives distinct order ids and remembers nothing', async () => {
    const x = await client.answerTo(client.request('spot.order', spotOrder()));
    const y = await client.answerTo(client.request('spot.order', spotOrder()));
    expect(x.data.orderId).toMatch(/^[0-9a-f]{24}$/);
    expect(x.data.orderId).not.toBe(y.data.orderId);
    expect(sim.exchange.allOrders()).toEqual([]);
  });
});
