/** 10,000 calls in flight at once: each resolves with its own answer (ids never crossed). */
import { futuresBuy, limitBuy, useHarness } from './harness';

const h = useHarness();
const BIG_QUOTA = { limit: 1_000_000, windowMs: 60_000 };

describe('many calls in flight', () => {
  it('10,000 spot orders issued at once all resolve with their own clientOid and orderId', async () => {
    const { client, sim } = await h.start({ rateLimit: BIG_QUOTA });
    await client.connect();
    const calls = Array.from({ length: 10_000 }, (_, i) =>
      client.submitNewSpotOrder(limitBuy({ clientOid: `load-${i}`, price: String(10_000 + (i % 5_000)) })),
    );
    const responses = await Promise.all(calls);
    responses.forEach((r, i) => {
      expect(r.id).toBe(calls[i].id);
      expect(r.data.clientOid).toBe(`load-${i}`);
    });
    // The answers match the exchange's own ledger, and every order went out exactly once.
    for (const i of [0, 1, 4_999, 9_999]) {
      expect(sim.exchange.ledger(`load-${i}`)?.orderId).toBe(responses[i].data.orderId);
      expect(sim.exchange.acceptedCount(`load-${i}`)).toBe(1);
    }
    expect(sim.countFrames((f) => f.op === 'spot.order')).toBe(10_000);
    expect(new Set(responses.map((r) => r.data.orderId)).size).toBe(10_000);
  });

  it('interleaved on both connections, queued before ready, with the Observable view', async () => {
    const { client } = await h.start({ rateLimit: BIG_QUOTA });
    const calls = Array.from({ length: 2_000 }, (_, i) =>
      i % 2 === 0
        ? client.submitNewSpotOrder(limitBuy({ clientOid: `s-${i}` }))
        : client.submitFuturesOrder(futuresBuy({ clientOid: `f-${i}` })),
    );
    const { lastValueFrom, merge, toArray } = await import('rxjs');
    const all = await lastValueFrom(merge(...calls.map((c) => c.response$)).pipe(toArray()));
    expect(all).toHaveLength(2_000);
    for (const r of all) {
      const i = Number(r.data.clientOid.slice(2));
      expect(r.wsKey).toBe(i % 2 === 0 ? 'wsApiSpotV1' : 'wsApiFuturesV1');
      expect(r.id).toBe(calls[i].id);
    }
  });
});
