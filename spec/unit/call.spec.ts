import { firstValueFrom, from, lastValueFrom, retry, toArray } from 'rxjs';
import { OPERATIONS } from '../../src/operations';
import { WsApiCall } from '../../src/rpc/call';
import type { WSAPIResponse } from '../../src/rpc/response';
import { TimeoutError } from '../../src/errors';
import { unhandledRejectionsDuring } from '../support/unhandled';

const spec = OPERATIONS.submitNewSpotOrder;
const makeCall = () => new WsApiCall<{ orderId: string }>('7', spec, 'wsApiSpotV1', 'oid-7', undefined, 0);
const response = (): WSAPIResponse<{ orderId: string }> => ({
  id: '7',
  op: 'spot.order',
  code: '200000',
  data: { orderId: 'o1' },
  inTime: 1,
  outTime: 2,
  wsKey: 'wsApiSpotV1',
  isWSAPIResponse: true,
});
const failure = () => new TimeoutError({ op: 'spot.order', requestId: '7', timeoutMs: 5, sent: true });

describe('WsApiCall (a Promise and an Observable of one outcome)', () => {
  it('exposes id, op, wsKey and clientOid at once', () => {
    const call = makeCall();
    expect([call.id, call.op, call.wsKey, call.clientOid, call.status]).toEqual([
      '7',
      'spot.order',
      'wsApiSpotV1',
      'oid-7',
      'pending',
    ]);
  });

  it('await gives the response; Observable, from() and late subscribers see the same object', async () => {
    const call = makeCall();
    const early = firstValueFrom(call.response$);
    const r = response();
    call.resolve(r);
    await expect(call).resolves.toBe(r);
    await expect(early).resolves.toBe(r);
    await expect(firstValueFrom(from(call))).resolves.toBe(r);
    await expect(lastValueFrom(call.response$.pipe(toArray()))).resolves.toEqual([r]);
    expect(call.status).toBe('resolved');
  });

  it('rejections reach await, catch and every subscriber with the same error', async () => {
    const call = makeCall();
    const errors: unknown[] = [];
    call.response$.subscribe({ error: (e) => errors.push(e) });
    call.response$.subscribe({ error: (e) => errors.push(e) });
    const e = failure();
    call.reject(e);
    await expect(call).rejects.toBe(e);
    await expect(call.catch((x) => x)).resolves.toBe(e);
    expect(errors).toEqual([e, e]);
    await expect(firstValueFrom(call.response$)).rejects.toBe(e);
  });

  it('settles once: later resolve/reject calls are ignored', async () => {
    const call = makeCall();
    const r = response();
    expect(call.resolve(r)).toBe(true);
    expect(call.reject(failure())).toBe(false);
    expect(call.resolve(response())).toBe(false);
    await expect(call).resolves.toBe(r);
  });

  it('retry() replays the stored outcome instead of re-running anything', async () => {
    const call = makeCall();
    const e = failure();
    call.reject(e);
    let subscriptions = 0;
    const counted = new (await import('rxjs')).Observable((s) => {
      subscriptions++;
      return call.response$.subscribe(s);
    });
    await expect(firstValueFrom(counted.pipe(retry(3)))).rejects.toBe(e);
    expect(subscriptions).toBe(4);
  });

  it('creates no Promise until asked, so an Observable-only caller never sees an unhandled rejection', async () => {
    const call = makeCall();
    const seen: unknown[] = [];
    const ignored = makeCall();
    const unhandled = await unhandledRejectionsDuring(async () => {
      call.response$.subscribe({ error: (e) => seen.push(e) });
      call.reject(failure());
      ignored.reject(failure());
    });
    expect(unhandled).toEqual([]);
    expect(seen).toHaveLength(1);
    expect((call as unknown as { promise: unknown }).promise).toBeUndefined();
    expect((ignored as unknown as { promise: unknown }).promise).toBeUndefined();
    // Asking for it afterwards still works, and is handled by whoever asked.
    await expect(ignored).rejects.toBeInstanceOf(TimeoutError);
  });

  it('an unsubscribed observer is not called', () => {
    const call = makeCall();
    const seen: unknown[] = [];
    const a = call.response$.subscribe((v) => seen.push(['a', v]));
    call.response$.subscribe((v) => seen.push(['b', v.id]));
    a.unsubscribe();
    call.resolve(response());
    expect(seen).toEqual([['b', '7']]);
  });

  it('is a thenable that async functions can return and Promise.all can take', async () => {
    const call = makeCall();
    const viaAsync = (async () => call)();
    setImmediate(() => call.resolve(response())); // after both awaiters are attached
    const [a, b] = await Promise.all([viaAsync, call]);
    expect(a).toBe(b);
    expect(a.data.orderId).toBe('o1');
    expect(Object.prototype.toString.call(call)).toBe('[object WsApiCall]');
  });

  it('finally runs on both outcomes', async () => {
    const ok = makeCall();
    let ran = 0;
    ok.resolve(response());
    await ok.finally(() => ran++);
    const bad = makeCall();
    bad.reject(failure());
    await bad.finally(() => ran++).catch(() => undefined);
    expect(ran).toBe(2);
  });

  it('tells the unobserved-failure hook only about a failure nobody awaited or subscribed to', async () => {
    const told: unknown[] = [];
    const hooked = () =>
      new WsApiCall('9', spec, 'wsApiSpotV1', 'oid-9', undefined, 0, (call, error) =>
        told.push([call, error]),
      );
    const lone = hooked();
    const e = failure();
    expect(lone.observed).toBe(false);
    lone.reject(e);
    expect(told).toEqual([[lone, e]]);

    const awaited = hooked();
    const outcome = awaited.then(
      () => 'resolved',
      (x: unknown) => x,
    );
    expect(awaited.observed).toBe(true);
    awaited.reject(failure());
    await expect(outcome).resolves.toBeInstanceOf(TimeoutError);

    // Every subscriber left while it was pending: unobserved again, the hook is told.
    const left = hooked();
    const one = left.subscribe({ error: () => undefined });
    const two = left.subscribe({ error: () => undefined });
    expect(left.observed).toBe(true);
    one.unsubscribe();
    expect(left.observed).toBe(true);
    two.unsubscribe();
    expect(left.observed).toBe(false);
    const leftError = failure();
    left.reject(leftError);
    expect(told).toEqual([
      [lone, e],
      [left, leftError],
    ]);

    // One still there when it fails: observed, the hook is not told.
    const stayed = hooked();
    stayed.subscribe({ error: () => undefined }).unsubscribe();
    stayed.subscribe({ error: () => undefined });
    stayed.reject(failure());
    // Subscribed and left, then awaited: the Promise observes for good.
    const awaitedLater = hooked();
    awaitedLater.subscribe({ error: () => undefined }).unsubscribe();
    const later = awaitedLater.then(undefined, () => 'caught');
    awaitedLater.reject(failure());
    await expect(later).resolves.toBe('caught');
    // Left after it settled: nothing to tell.
    const settled = hooked();
    const sub = settled.subscribe({ error: () => undefined });
    settled.reject(failure());
    sub.unsubscribe();
    expect(told).toHaveLength(2);
  });

  it('settles the Promise and every subscriber together, whichever came first', async () => {
    const call = new WsApiCall('9', spec, 'wsApiSpotV1', 'oid-9', undefined, 0, () => {
      throw new Error('observed: the hook must not run');
    });
    const seen: unknown[] = [];
    call.subscribe((r) => seen.push(['first', r.id]));
    const awaited = call.toPromise();
    expect(call.toPromise()).toBe(awaited);
    call.subscribe((r) => seen.push(['last', r.id]));
    call.resolve(response());
    await expect(awaited).resolves.toMatchObject({ id: '7' });
    expect(seen).toEqual([
      ['first', '7'],
      ['last', '7'],
    ]);
  });

  it('a call sent on another connection than its operation names that connection', () => {
    const call = new WsApiCall('9', spec, 'wsApiFuturesV1', 'oid-9', undefined, 0);
    const again = new WsApiCall('10', spec, 'wsApiFuturesV1', 'oid-10', undefined, 0);
    expect([call.wsKey, call.op, call.spec.response]).toEqual([
      'wsApiFuturesV1',
      'spot.order',
      spec.response,
    ]);
    expect(again.spec).toBe(call.spec);
    expect(makeCall().spec).toBe(spec);
  });

  it('keeps its frame while queued and, once written, when; a settled call drops the frame only', () => {
    const queued = makeCall();
    queued.frame = '{"id":"7"}';
    expect([queued.frame, queued.sent]).toEqual(['{"id":"7"}', false]);
    queued.reject(failure());
    expect([queued.frame, queued.sent]).toEqual([undefined, false]);
    const written = makeCall();
    written.frame = '{"id":"7"}';
    written.frame = undefined;
    written.sentAt = 12.5;
    expect([written.frame, written.sentAt, written.sent]).toEqual([undefined, 12.5, true]);
    written.resolve(response());
    expect([written.sentAt, written.sent]).toEqual([12.5, true]);
  });

  it('toJSON summarises without parameters', () => {
    const call = makeCall();
    expect(JSON.parse(JSON.stringify(call))).toEqual({
      id: '7',
      op: 'spot.order',
      wsKey: 'wsApiSpotV1',
      clientOid: 'oid-7',
      status: 'pending',
    });
  });
});
