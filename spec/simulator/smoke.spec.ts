import { startSimulator, type Simulator } from '../../src/simulator';
import { connect } from './raw-client';

let sim: Simulator;
afterEach(async () => sim?.close());

it('handshake, ping and one order in full and ack mode', async () => {
  for (const mode of ['full', 'ack'] as const) {
    sim = await startSimulator({ mode });
    const { client, welcome } = await connect(sim.url, sim.demoAccount);
    expect(welcome).toMatchObject({ data: 'welcome', pingInterval: 18000, pingTimeout: 10000 });
    client.send({ id: 'p1', op: 'ping', timestamp: Date.now() });
    expect(await client.answerTo('p1')).toMatchObject({ op: 'pong' });
    const id = client.request('spot.order', {
      type: 'limit',
      symbol: 'BTC-USDT',
      side: 'buy',
      price: '10000',
      size: '0.001',
      clientOid: 'c1',
    });
    const a = await client.answerTo(id);
    expect(a).toMatchObject({ code: '200000', op: 'spot.order', data: { clientOid: 'c1' } });
    client.close();
    await sim.close();
  }
});
