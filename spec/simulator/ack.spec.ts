import fc from 'fast-check';
import { OPERATIONS, type MethodName } from '../../src/operations';
import { startSimulator, type Simulator } from '../../src/simulator';
import { valid } from '../support/request-arbitraries';
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
const ARGS = {
  'futures.multi_order': [
    { ...fut, clientOid: 'a5' },
    { ...fut, clientOid: 'a6' },
  ],
};

describe('ack mode', () => {
  it.each(Object.keys(OPERATIONS) as MethodName[])(
    'answers every valid %s request with data its response codec accepts',
    async (method) => {
      const { op, response } = OPERATIONS[method];
      // Valid requests from the operation table's arbitraries (fixed seed, so replayable).
      for (const args of fc.sample(valid[method], { seed: 11, numRuns: 8 })) {
        const a = await client.answerTo(client.request(op, args));
        expect(a).toMatchObject({ code: '200000', op });
        expect(response.is(a.data)).toBe(true);
        expect(a.rateLimit).toBeDefined();
      }
    },
  );

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
