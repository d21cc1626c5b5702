import { startSimulator, type Simulator } from '../../src/simulator';
import { connect, type RawClient, spotOrder } from './raw-client';

/**
 * The seam between gateway and exchange, end to end: the session's account reaches the
 * exchange, the exchange's codes and data reach the envelope, inspection sees the result.
 * Matching itself is tested by the exchange's own suites.
 */
let sim: Simulator;
let client: RawClient;

beforeAll(async () => {
  sim = await startSimulator({ seed: 1 });
  client = (await connect(sim.url, sim.demoAccount)).client;
});
afterAll(async () => {
  client.close();
  await sim.close();
});

describe('gateway → exchange', () => {
  it('records an accepted order under the session account and answers with its id', async () => {
    const a = await client.answerTo(client.request('spot.order', spotOrder({ clientOid: 'seam-1' })));
    expect(a).toMatchObject({ code: '200000', data: { clientOid: 'seam-1' } });
    expect(sim.exchange.ledger('seam-1')).toMatchObject({
      apiKey: sim.demoAccount.apiKey,
      orderId: a.data.orderId,
      op: 'spot.order',
    });
    expect(sim.exchange.acceptedCount('seam-1')).toBe(1);
  });

  it('passes the exchange error codes through the envelope (200004 when the balance is short)', async () => {
    const a = await client.answerTo(
      client.request('spot.order', spotOrder({ clientOid: 'seam-2', price: '10000', size: '100000' })),
    );
    expect(a.code).toBe('200004');
    expect(typeof a.msg).toBe('string');
    expect(a.rateLimit).toBeDefined();
    expect(sim.exchange.acceptedCount('seam-2')).toBe(0);
  });

  it('holds the funds of a resting buy in the account of the session', async () => {
    const before = Number(sim.exchange.balances(sim.demoAccount.apiKey).USDT.hold);
    const a = await client.answerTo(
      client.request('spot.order', spotOrder({ clientOid: 'seam-3', price: '10000', size: '0.01' })),
    );
    expect(a.code).toBe('200000');
    expect(Number(sim.exchange.balances(sim.demoAccount.apiKey).USDT.hold)).toBeCloseTo(before + 100, 6);
  });

  it('answers spot.sync_order with the fill state after matching', async () => {
    const a = await client.answerTo(
      client.request('spot.sync_order', {
        type: 'market',
        symbol: 'BTC-USDT',
        side: 'buy',
        size: '0.001',
        clientOid: 'seam-4',
      }),
    );
    expect(a).toMatchObject({
      code: '200000',
      data: { clientOid: 'seam-4', status: 'done', dealSize: '0.001' },
    });
  });
});
