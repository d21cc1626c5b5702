/**
 * A failed call that nobody awaited or subscribed to is reported once — an `exception` event
 * with `unobserved: true`, which the default listeners log with `logger.error` — and a call
 * that somebody observed (in any way, even after it failed in the same turn) is not. A
 * caller that only uses the Observable side still gets no unhandled rejection.
 *
 * "Nobody observed it" is decided when the failure is a macrotask old: no then/catch/finally/
 * toPromise ever, and no subscription that was still there when the call settled (a call every
 * subscriber left while it was pending, as `switchMap` leaves a dropped one, is unobserved again).
 */
import {
  catchError,
  EMPTY,
  filter,
  firstValueFrom,
  from,
  lastValueFrom,
  Subject,
  switchMap,
  take,
  toArray,
} from 'rxjs';
import {
  ClientClosedError,
  GatewayError,
  ProtocolError,
  ValidationError,
  type ClientEventOf,
  type WebsocketAPIClient,
  type WsApiError,
} from '../../src';
import { unhandledRejectionsDuring } from '../support/unhandled';
import { limitBuy, useHarness } from './harness';

const h = useHarness();

type Exception = ClientEventOf<'exception'>;

/** A logger that keeps every call: level, message, fields. */
function recordingLogger() {
  const lines: Array<{ level: string; message: string; fields: unknown }> = [];
  const at =
    (level: string) =>
    (message: unknown, fields?: unknown): void =>
      void lines.push({ level, message: String(message), fields });
  return { lines, info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
}

/** Every exception event from now on. */
function exceptions(client: WebsocketAPIClient): Exception[] {
  const seen: Exception[] = [];
  client.getWSClient().on('exception', (e) => seen.push(e));
  return seen;
}

/** A cancel the simulator refuses (unknown order): a GatewayError. */
const badCancel = (client: WebsocketAPIClient, tag: string) =>
  client.cancelSpotOrder({ symbol: 'BTC-USDT', orderId: `no-such-order-${tag}` });

/** The request id of the call an exception event reports, if any. */
const requestIdOf = (e: Exception): string | undefined => (e.error as WsApiError).requestId;

/** Fires a cancel nobody observes and waits for its report: every earlier report is in by then. */
async function sentinel(client: WebsocketAPIClient): Promise<Exception> {
  let id = '';
  const reported = firstValueFrom(
    client.exceptions$.pipe(filter((e) => e.unobserved === true && requestIdOf(e) === id)),
  );
  id = badCancel(client, 'sentinel').id;
  return reported;
}

describe('a failed call nobody observed', () => {
  it('a gateway refusal is reported once: an exception event (unobserved) and one logger.error line with fields', async () => {
    const logger = recordingLogger();
    const { client } = await h.start({}, { attachEventListeners: true, logger });
    await client.connect();
    const seen = exceptions(client);
    const call = badCancel(client, 'a'); // fire and forget
    const last = await sentinel(client);

    const reports = seen.filter((e) => e.unobserved);
    expect(reports.map(requestIdOf)).toEqual([call.id, requestIdOf(last)]);
    const [first] = reports;
    expect(first.error).toBeInstanceOf(GatewayError);
    expect(first).toMatchObject({ wsKey: 'wsApiSpotV1', frame: undefined });
    expect((first.error as GatewayError).requestId).toBe(call.id);
    const logged = logger.lines.filter((l) => l.level === 'error' && l.message.includes(call.op));
    expect(logged).toHaveLength(2);
    expect(logged[0].message).toMatch(
      /^\[kucoin-wsapi-rx\] wsApiSpotV1: spot\.cancel failed and nobody awaited or subscribed to it: spot\.cancel failed: 400100/,
    );
    expect(logged[0].fields).toMatchObject({
      wsKey: 'wsApiSpotV1',
      op: 'spot.cancel',
      requestId: call.id,
      code: '400100',
    });
    // Observed now: too late for the report, and it still gives its outcome.
    await expect(call).rejects.toBeInstanceOf(GatewayError);
  });

  it('a validation failure (rejected inside the method) and a close() are reported too', async () => {
    const { client } = await h.start();
    await client.connect();
    const seen = exceptions(client);
    const invalid = client.submitNewSpotOrder(limitBuy({ price: '-1' }));
    await sentinel(client);
    expect(seen.filter((e) => e.unobserved).map((e) => e.error)).toEqual([
      expect.any(ValidationError),
      expect.any(GatewayError),
    ]);
    expect((seen[0].error as ValidationError).requestId).toBe(invalid.id);

    const reported = firstValueFrom(client.exceptions$.pipe(filter((e) => e.unobserved === true)));
    const dropped = client.submitNewSpotOrder(limitBuy({ clientOid: 'closed-unobserved' }));
    void client.close();
    const report = await reported;
    expect(report.error).toBeInstanceOf(ClientClosedError);
    expect((report.error as ClientClosedError).clientOid).toBe(dropped.clientOid);
  });

  it('a call every subscriber left before it failed (switchMap dropped it, a takeUntil fired) is reported', async () => {
    const { client } = await h.start();
    await client.connect();
    const seen = exceptions(client);
    const quiet = () => undefined;
    const left = badCancel(client, 'left');
    left.subscribe({ error: quiet }).unsubscribe();
    const twice = badCancel(client, 'left-twice');
    const a = twice.subscribe({ error: quiet });
    const b = twice.pipe(take(1)).subscribe({ error: quiet });
    a.unsubscribe();
    b.unsubscribe();
    // switchMap drops the first call for the second; only the second's failure reaches the caller.
    const signals = new Subject<string>();
    const calls: Array<ReturnType<typeof badCancel>> = [];
    const caught: unknown[] = [];
    signals
      .pipe(
        switchMap((tag) => {
          const call = badCancel(client, tag);
          calls.push(call);
          return call.pipe(catchError((e: unknown) => (caught.push(e), EMPTY)));
        }),
      )
      .subscribe();
    signals.next('dropped');
    signals.next('kept');
    // Still subscribed when it failed: observed.
    const held = badCancel(client, 'held');
    held.subscribe({ error: quiet });
    const last = await sentinel(client);
    expect(seen.filter((e) => e.unobserved).map(requestIdOf)).toEqual([
      left.id,
      twice.id,
      calls[0].id,
      requestIdOf(last),
    ]);
    expect(caught.map((e) => (e as WsApiError).requestId)).toEqual([calls[1].id]);
  });

  it('a malformed answer is reported once (the frame exception), not a second time as unobserved', async () => {
    const { sim, client } = await h.start();
    await client.connect();
    const seen = exceptions(client);
    sim.faults.sendMalformed('bad-data');
    void client.submitNewSpotOrder(limitBuy());
    await sentinel(client);
    expect(seen.map((e) => [e.error.constructor.name, e.unobserved ?? false])).toEqual([
      ['ProtocolError', false],
      ['GatewayError', true],
    ]);
    expect(seen[0].error).toBeInstanceOf(ProtocolError);
  });
});

describe('a failed call somebody observed is not reported', () => {
  it('await, then, catch, finally, toPromise, response$, from(), lastValueFrom, a subscription after a synchronous failure', async () => {
    const logger = recordingLogger();
    const { client } = await h.start({}, { attachEventListeners: true, logger });
    await client.connect();
    const seen = exceptions(client);
    const quiet = () => undefined;

    await badCancel(client, 'await').catch(quiet);
    badCancel(client, 'then').then(quiet, quiet);
    void badCancel(client, 'catch').catch(quiet);
    void badCancel(client, 'finally').finally(quiet).catch(quiet);
    void badCancel(client, 'toPromise').toPromise().catch(quiet);
    badCancel(client, 'subscribe').response$.subscribe({ error: quiet });
    from(badCancel(client, 'from')).subscribe({ error: quiet });
    void lastValueFrom(from(badCancel(client, 'lastValueFrom'))).catch(quiet);
    client.submitNewSpotOrder(limitBuy({ price: '-1' })).response$.subscribe({ error: quiet });

    const last = await sentinel(client);
    expect(seen.filter((e) => e.unobserved).map(requestIdOf)).toEqual([requestIdOf(last)]);
    expect(logger.lines.filter((l) => /nobody awaited/.test(l.message))).toHaveLength(1);
  });

  it("a failure that reaches a subscriber of the call's updates$ is not reported again as unobserved", async () => {
    const { client } = await h.start();
    await client.connect();
    const seen = exceptions(client);
    // The simulator refuses a symbol it does not list: a GatewayError, told through updates$.
    const call = client.submitNewSpotOrder(limitBuy({ symbol: 'NOPE-USDT' }));
    const told = await lastValueFrom(call.updates$).catch((e: unknown) => e);
    expect(told).toBeInstanceOf(GatewayError);
    await sentinel(client);
    expect(seen.filter((e) => e.unobserved && requestIdOf(e) === call.id)).toEqual([]);
  });

  it('a caller that only uses the Observable gets no unhandled rejection, and no report', async () => {
    const { client } = await h.start();
    await client.connect();
    const seen = exceptions(client);
    const unhandled = await unhandledRejectionsDuring(async () => {
      const errors = await lastValueFrom(
        from(badCancel(client, 'observable-only')).pipe(
          take(1),
          toArray(),
          // The error arrives through the Observable; nothing else looks at the call.
        ),
      ).catch((e: unknown) => [e]);
      expect(errors[0]).toBeInstanceOf(GatewayError);
      await sentinel(client);
    });
    expect(unhandled).toEqual([]);
    expect(seen.filter((e) => e.unobserved)).toHaveLength(1); // the sentinel only
  });

  it('attachEventListeners: false logs nothing, but exceptions$ still carries the report', async () => {
    const logger = recordingLogger();
    const { client } = await h.start({}, { attachEventListeners: false, logger });
    await client.connect();
    const report = await sentinel(client);
    expect(report.error).toBeInstanceOf(GatewayError);
    expect(logger.lines).toEqual([]);
  });
});
