/**
 * Contract 2: a call is a Promise and an Observable of ONE outcome; the frame is sent once,
 * at call time, whatever is subscribed, awaited, re-subscribed or retried later.
 */
import {
  exhaustMap,
  firstValueFrom,
  from,
  lastValueFrom,
  map,
  Observable,
  of,
  retry,
  tap,
  toArray,
} from 'rxjs';
import { framesFor, limitBuy, useHarness } from './harness';
import { unhandledRejectionsDuring } from '../support/unhandled';
import { GatewayError, type WsApiCall, type WSAPIResponse, type WSAPIOrderResponse } from '../../src';

const h = useHarness();

describe('one call, one frame, one outcome', () => {
  it('a call is an Observable itself: pipe, subscribe, lastValueFrom, firstValueFrom, from and await, one frame', async () => {
    const { client, sim } = await h.start();
    const call = client.submitNewSpotOrder(limitBuy());
    expect(call).toBeInstanceOf(Observable);
    // Types: each of these is checked by tsc (npm test type-checks the specs).
    const last: Promise<WSAPIResponse<WSAPIOrderResponse>> = lastValueFrom(call);
    const first: Promise<WSAPIResponse<WSAPIOrderResponse>> = firstValueFrom(call);
    const piped: Observable<string> = call.pipe(map((r) => r.data.orderId));
    const seen: string[] = [];
    const done = new Promise<void>((resolve, reject) =>
      call.subscribe({ next: (r) => seen.push(r.data.clientOid), error: reject, complete: resolve }),
    );
    const awaited = await call;
    expect(await last).toBe(awaited);
    expect(await first).toBe(awaited);
    expect(await lastValueFrom(piped)).toBe(awaited.data.orderId);
    expect(await lastValueFrom(from(call).pipe(toArray()))).toEqual([awaited]);
    await done;
    expect(seen).toEqual([call.clientOid]);
    expect(call.response$).toBe(call); // the alias
    expect(framesFor(sim, call.id)).toBe(1);
    // A failed call errors every view with the same typed error, and is still sent once.
    const failed = client.cancelSpotOrder({ symbol: 'BTC-USDT', orderId: 'missing' });
    const viaPipe = await lastValueFrom(failed.pipe(map(() => 'resolved'))).catch((e: unknown) => e);
    expect(viaPipe).toBeInstanceOf(GatewayError);
    expect(await lastValueFrom(failed).catch((e: unknown) => e)).toBe(viaPipe);
    expect(
      await failed.then(
        () => 'resolved',
        (e: unknown) => e,
      ),
    ).toBe(viaPipe);
    expect(framesFor(sim, failed.id)).toBe(1);
  });

  it('await, response$, from(call) and several subscribers see the same response; one frame on the wire', async () => {
    const { client, sim } = await h.start();
    const call = client.submitNewSpotOrder(limitBuy());
    const a = firstValueFrom(call.response$);
    const b = lastValueFrom(from(call).pipe(toArray()));
    const awaited = await call;
    expect(await a).toBe(awaited);
    expect(await b).toEqual([awaited]);
    expect(await firstValueFrom(call.response$)).toBe(awaited); // late subscriber
    expect(await call).toBe(awaited); // awaited twice
    expect(framesFor(sim, call.id)).toBe(1);
  });

  it('the frame goes out at call time even if nobody awaits or subscribes', async () => {
    const { client, sim } = await h.start();
    const first = client.submitNewSpotOrder(limitBuy());
    const probe = await client.submitNewSpotOrder(limitBuy()); // answered after `first` was handled
    expect(probe.code).toBe('200000');
    expect(framesFor(sim, first.id)).toBe(1);
    expect(sim.exchange.acceptedCount(first.clientOid!)).toBe(1);
  });

  it('retry() on a failed call replays the error and never re-sends', async () => {
    const { client, sim } = await h.start();
    const call = client.cancelSpotOrder({ symbol: 'BTC-USDT', orderId: 'missing' });
    const seen: unknown[] = [];
    const final = await firstValueFrom(
      call.response$.pipe(retry({ count: 3, delay: (e) => (seen.push(e), of(0)) })),
    ).catch((e: unknown) => e);
    expect(seen).toHaveLength(3);
    expect(new Set([...seen, final]).size).toBe(1); // the very same error object each time
    await expect(call).rejects.toBe(final);
    expect(framesFor(sim, call.id)).toBe(1);
  });

  it('call.pipe(retry(3)) on a failed call: 4 subscriptions, the same typed error, one frame (settled or pending)', async () => {
    const { client, sim } = await h.start();
    const settled = client.cancelSpotOrder({ symbol: 'BTC-USDT', orderId: 'missing' });
    const first = await settled.catch((e: unknown) => e);
    expect(first).toBeInstanceOf(GatewayError);
    // Subscribed while the call is still pending (no answer can arrive before the next await):
    // the first error comes with the answer, the three replays follow at once.
    const pending = client.cancelSpotOrder({ symbol: 'BTC-USDT', orderId: 'missing-too' });
    const runs = [settled, pending].map((call) => {
      const run = { call, subscriptions: 0, final: undefined as unknown };
      run.final = lastValueFrom(
        call.pipe(tap({ subscribe: () => void run.subscriptions++ }), retry(3)),
      ).catch((e: unknown) => e);
      return run;
    });
    for (const run of runs) {
      const final = await run.final;
      expect(final).toBeInstanceOf(GatewayError);
      await expect(run.call).rejects.toBe(final);
      expect(run.subscriptions).toBe(4);
      expect(framesFor(sim, run.call.id)).toBe(1);
    }
  });

  it('retry() on a successful call and several subscribers: still one frame', async () => {
    const { client, sim } = await h.start();
    const call = client.submitNewSpotOrder(limitBuy());
    const results = await Promise.all([
      firstValueFrom(call.response$.pipe(retry(2))),
      firstValueFrom(call.response$),
      firstValueFrom(from(call)),
      call,
    ]);
    expect(new Set(results).size).toBe(1);
    expect(framesFor(sim, call.id)).toBe(1);
  });

  it('composes in RxJS pipelines (exhaustMap over calls) without extra frames', async () => {
    const { client, sim } = await h.start();
    const ids: string[] = [];
    const responses = await lastValueFrom(
      of(1, 2, 3).pipe(
        exhaustMap(() => {
          const call = client.submitNewSpotOrder(limitBuy());
          ids.push(call.id);
          return call;
        }),
        toArray(),
      ),
    );
    // exhaustMap drops signals while busy: only the first call is made (synchronous source).
    expect(responses).toHaveLength(1);
    expect(ids).toHaveLength(1);
    expect(sim.countFrames((f) => f.op === 'spot.order')).toBe(1);
  });

  it('an Observable-only caller gets no unhandledRejection, even for failed calls', async () => {
    // The white-box assertion says why there is none: no Promise exists until someone awaits.
    const { client } = await h.start();
    const errors: unknown[] = [];
    const calls: WsApiCall<unknown>[] = [];
    const unhandled = await unhandledRejectionsDuring(async () => {
      const failed = client.cancelSpotOrder({ symbol: 'BTC-USDT', orderId: 'missing' });
      failed.response$.subscribe({ error: (e) => errors.push(e) });
      const invalid = client.submitNewSpotOrder({ side: 'buy', symbol: 'BTC-USDT', type: 'limit' } as never);
      invalid.response$.subscribe({ error: (e) => errors.push(e) });
      // Fire-and-forget calls that fail are not unhandled rejections either.
      const ignored = client.cancelSpotOrder({ symbol: 'BTC-USDT', orderId: 'missing-too' });
      calls.push(failed, invalid, ignored);
      await client.submitNewSpotOrder(limitBuy()); // answered after the failures
    });
    expect(unhandled).toEqual([]);
    expect(errors).toHaveLength(2);
    for (const call of calls) {
      expect(call.status).toBe('rejected');
      expect((call as unknown as { promise: unknown }).promise).toBeUndefined();
    }
  });

  it('returning a call from an async function gives its response', async () => {
    const { client } = await h.start();
    const place = async () => client.submitNewSpotOrder(limitBuy());
    const r = await place();
    expect(r.isWSAPIResponse).toBe(true);
    const fail = async () => client.cancelSpotOrder({ symbol: 'BTC-USDT', orderId: 'missing' });
    await expect(fail()).rejects.toMatchObject({ name: 'GatewayError' });
  });
});
