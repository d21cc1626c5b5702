/**
 * A kill switch: `close()` called from a handler of an order's own events or of a call's answer.
 * Against the simulator on 127.0.0.1 with the real push channel.
 *
 * - An order that filled kept its `filled` event: `close()` from a subscriber of that event used
 *   to error `call.updates$` with ClientClosedError in the middle of it (other subscribers never
 *   got `filled`), and `close()` from an `orderUpdates$` subscriber made before the order did
 *   the same before the tracker had seen the event.
 * - The answers read after `close()` (the rest of the socket read it ran in) used to be reported
 *   as "answer to an unknown or expired request id", one error line each; they are late answers
 *   now, telling the outcome `close()` left unknown.
 */
import { filter, firstValueFrom, lastValueFrom, type Observable } from 'rxjs';
import { ClientClosedError, LateAnswerError, type OrderUpdate, type WsApiError } from '../../src';
import { limitBuy, useHarness } from '../client/harness';
import { settle } from '../support/reliability';

const h = useHarness();

const marketBuy = { side: 'buy', symbol: 'BTC-USDT', type: 'market', size: '0.5' } as const;

/** Every event of `updates$` and how it ended. */
function record(updates$: Observable<OrderUpdate>) {
  const types: string[] = [];
  const ended = new Promise<string>((resolve) =>
    updates$.subscribe({
      next: (u) => types.push(u.type),
      complete: () => resolve('complete'),
      error: (e: unknown) => resolve(`error ${(e as Error).name}`),
    }),
  );
  return { types, ended };
}

/** A simulator and a connected client of it, following orders from the send (`orderUpdates`) or not. */
async function connected(orderUpdates: boolean) {
  const sim = await h.sim();
  const client = orderUpdates
    ? await h.tracking(sim)
    : h.client(sim, { restBaseUrl: sim.restUrl, futuresRestBaseUrl: sim.restUrl });
  await client.connect();
  return { sim, client };
}

describe('close() as a kill switch', () => {
  it.each([true, false])(
    'from a subscriber of the filled event (orderUpdates: %s): every subscriber gets filled and the stream completes',
    async (orderUpdates) => {
      const { sim, client } = await connected(orderUpdates);
      const call = client.submitNewSpotOrder(marketBuy);
      const final = lastValueFrom(call.updates$);
      call.updates$.subscribe((u) => {
        if (u.type === 'filled') void client.close();
      });
      const second = record(call.updates$);
      await expect(final).resolves.toMatchObject({ type: 'filled' });
      expect(await second.ended).toBe('complete');
      expect(second.types.at(-1)).toBe('filled');
      const replay = record(call.updates$);
      expect(await replay.ended).toBe('complete');
      expect(replay.types).toEqual(second.types);
      expect(sim.exchange.ledger(call.clientOid as string)?.status).toBe('done');
    },
  );

  it.each([true, false])(
    'from an orderUpdates$ subscriber made before the order (orderUpdates: %s): updates$ still ends with the terminal event',
    async (orderUpdates) => {
      const { client } = await connected(orderUpdates);
      client.orderUpdates$.subscribe({
        next: (u) => {
          if (u.type === 'canceled') void client.close();
        },
        error: () => undefined,
      });
      await firstValueFrom(client.stateOf$('pushSpot').pipe(filter((s) => s.status === 'ready')));
      const call = client.submitNewSpotOrder(limitBuy());
      const updates = record(call.updates$);
      const { orderId } = (await call).data;
      await firstValueFrom(call.updates$.pipe(filter((u) => u.type === 'open')));
      void settle(client.cancelSpotOrder({ symbol: 'BTC-USDT', orderId }));
      expect(await updates.ended).toBe('complete');
      expect(updates.types.at(-1)).toBe('canceled');
    },
  );

  it('from the handler of one answer among many read together: the others are late answers telling the outcome, not unknown ids', async () => {
    const sim = await h.sim();
    const client = h.client(sim);
    await client.connect();
    const exceptions: WsApiError[] = [];
    client.exceptions$.subscribe((e) => exceptions.push(e.error as WsApiError));
    const calls = Array.from({ length: 50 }, (_, i) =>
      client.submitNewSpotOrder(limitBuy({ price: String(15_000 + i * 10) })),
    );
    let closing: Promise<void> | undefined;
    calls[0].subscribe(() => (closing = client.close()));
    const outcomes = await Promise.all(calls.map(settle));
    await closing;
    const closedSent = outcomes.filter((o) => o instanceof ClientClosedError && o.sent === true);
    expect(outcomes[0]).toMatchObject({ code: '200000' });
    expect(closedSent.length).toBe(49);
    expect(exceptions.filter((e) => /unknown or expired/.test(e.message))).toEqual([]);
    // The answers read after close() tell each order was placed (the review saw all 49 in the same read).
    const late = exceptions.filter((e): e is LateAnswerError => e instanceof LateAnswerError);
    expect(late.length).toBeGreaterThan(0);
    expect(late.length).toBe(exceptions.length);
    for (const e of late) {
      expect(e.message).toMatch(
        /failed as outcome unknown \(ClientClosedError\), and tells its outcome: it is a success/,
      );
      expect(sim.exchange.ledger(e.clientOid as string)?.status).toBe('open');
    }
  });
});
