/**
 * Late answers with `reconcile: true`: the gateway's answer to a call whose timeout fired after
 * it was written, arriving while reconcile looks the call up or after it has settled it. It is
 * recognised as that call's answer (never an "unknown id" exception): it settles a call still
 * being reconciled (which stops the lookups), is silent when it agrees with how reconcile
 * settled the call, and is one LateAnswerError exception event when it does not.
 * Against the simulator on 127.0.0.1, answers held back with `faults.delay`; each request
 * reaches the gateway once.
 */
import { filter, firstValueFrom } from 'rxjs';
import {
  GatewayError,
  LateAnswerError,
  OPERATIONS,
  TimeoutError,
  type ClientEventOf,
  type FetchFunction,
  type WebsocketAPIClient,
  type WebsocketAPIClientOptions,
  type WSAPIResponse,
} from '../../src';
import { OrderDesk } from '../../src/orders/desk';
import type { Simulator } from '../../src/simulator';
import { framesFor, limitBuy, useHarness } from '../client/harness';
import { settle, until } from '../support/reliability';

const h = useHarness();

/** A reconciling client whose calls time out after 300 ms (the simulator then answers later). */
function reconciling(sim: Simulator, o: WebsocketAPIClientOptions = {}): WebsocketAPIClient {
  return h.reconciling(sim, { requestTimeoutMs: 300, ...o });
}

/** Every exception event from now on. */
function exceptions(client: WebsocketAPIClient): Array<ClientEventOf<'exception'>> {
  const seen: Array<ClientEventOf<'exception'>> = [];
  client.getWSClient().on('exception', (e) => seen.push(e));
  return seen;
}

/** The 'response' event of request `id` (a late answer is an answered request's envelope too). */
function answerOf(client: WebsocketAPIClient, id: () => string): Promise<WSAPIResponse> {
  return firstValueFrom(
    client
      .getWSClient()
      .eventsOf$('response')
      .pipe(filter((e) => e.response.id === id())),
  ).then((e) => e.response);
}

/** A fetch that holds every REST request until `release()`, counting them; `started` resolves at the first. */
function heldFetch(): {
  fetch: FetchFunction;
  requests: () => number;
  started: Promise<void>;
  release: () => void;
} {
  let n = 0;
  let release!: () => void;
  let start!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const started = new Promise<void>((r) => (start = r));
  return {
    requests: () => n,
    started,
    release: () => release(),
    fetch: async (input, init) => {
      n++;
      start();
      await gate;
      return globalThis.fetch(input, init);
    },
  };
}

describe('late answers with reconcile: true', () => {
  it('after reconcile resolved the call, an answer that agrees: no exception, the response event carries it', async () => {
    const sim = await h.sim();
    const client = reconciling(sim);
    const seen = exceptions(client);
    await client.connect();
    sim.faults.delay(2_000); // the lookups settle the call well before it
    let id = '';
    const late = answerOf(client, () => id);
    const call = client.submitNewSpotOrder(limitBuy());
    id = call.id;
    const response = await call;
    expect(response.reconciled).toBe(true);
    const answer = await late;
    expect(answer).toMatchObject({ id: call.id, code: '200000', data: { orderId: response.data.orderId } });
    expect(answer.reconciled).toBeUndefined();
    expect(seen).toEqual([]);
    expect(framesFor(sim, call.id)).toBe(1);
  });

  it('after reconcile resolved the call, an answer that disagrees: one LateAnswerError saying both sides', async () => {
    const sim = await h.sim();
    // REST misreports the order's creation time as a minute later: reconcile cannot tell it
    // from an order this call placed (it was placed by another client of the account, so this
    // one does not know it either).
    const client = reconciling(sim, {
      fetch: async (input, init) => {
        const response = await globalThis.fetch(input, init);
        if (!input.includes('/client-order/')) return response;
        const body = (await response.json()) as { data?: { createdAt?: number } | null };
        if (body.data?.createdAt !== undefined) body.data.createdAt = Date.now() + 60_000;
        return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
      },
    });
    const placed = await h.client(sim).submitNewSpotOrder(limitBuy());
    await client.connect();
    const reported = firstValueFrom(client.exceptions$);
    sim.faults.delay(2_000); // the lookup settles the call well before it
    // The clientOid of an open order again: the gateway refuses it, but a lookup by that
    // clientOid finds the open order, and reconcile takes it for this one.
    const again = client.submitNewSpotOrder(limitBuy({ clientOid: placed.data.clientOid, price: '20001' }));
    const response = await again;
    expect(response).toMatchObject({ reconciled: true, data: { orderId: placed.data.orderId } });
    const { error, frame, wsKey } = await reported;
    expect(error).toBeInstanceOf(LateAnswerError);
    expect(error).toMatchObject({
      code: 'LATE_ANSWER_DISAGREES',
      op: 'spot.order',
      requestId: again.id,
      clientOid: placed.data.clientOid,
      settled: response,
      response: { id: again.id, code: '400100' },
    });
    expect((error as LateAnswerError).answer).toBeInstanceOf(GatewayError);
    expect(error.message).toBe(
      `spot.order: the gateway's answer came after reconcile had resolved the call from REST (order ${placed.data.orderId}), and disagrees: it is a refusal, 400100 "clientOid duplicated: an open order of this account already uses it"`,
    );
    expect(wsKey).toBe('wsApiSpotV1');
    expect(frame).toContain(again.id);
    // The call stays as it settled; the request went out once.
    expect(again.status).toBe('resolved');
    // (The other client's first request has the same id: counted by this one's price.)
    expect(
      sim.countFrames((f) => f.id === again.id && (f.args as { price?: string }).price === '20001'),
    ).toBe(1);
  });

  it('after REST could not tell (outcome unknown), the answer that comes tells it: a LateAnswerError with the outcome', async () => {
    const sim = await h.sim();
    const client = reconciling(sim);
    await client.connect();
    const reported = firstValueFrom(client.exceptions$);
    // Long enough for the refused lookups to settle the call first, even on a loaded machine.
    sim.faults.delay(3_000);
    sim.faults.restDown(true);
    const call = client.submitNewSpotOrder(limitBuy());
    const error = await settle(call);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).cause).toMatchObject({ op: 'lookupOrder', code: '503000' });
    const { error: late } = await reported;
    const orderId = sim.exchange.ledger(call.clientOid as string)?.orderId as string;
    expect(late).toBeInstanceOf(LateAnswerError);
    expect(late).toMatchObject({
      requestId: call.id,
      settled: error,
      answer: { code: '200000', data: { orderId } },
    });
    expect(late.message).toBe(
      `spot.order: the gateway's answer came after the call had failed as outcome unknown (TimeoutError; REST could not tell), and tells its outcome: it is a success, order ${orderId}`,
    );
    expect(framesFor(sim, call.id)).toBe(1);
  });

  it('while reconcile’s lookup is under way: the answer settles the call (not reconciled), silently', async () => {
    const sim = await h.sim();
    const held = heldFetch();
    const client = reconciling(sim, { fetch: held.fetch });
    const seen = exceptions(client);
    await client.connect();
    sim.faults.delay(1_000);
    const call = client.submitNewSpotOrder(limitBuy());
    // The timeout fired and reconcile's lookup is under way (held) when the answer comes.
    await held.started;
    const response = await call;
    held.release();
    expect(response.reconciled).toBeUndefined();
    expect(response).toMatchObject({
      id: call.id,
      code: '200000',
      data: { orderId: sim.exchange.ledger(call.clientOid as string)?.orderId, clientOid: call.clientOid },
    });
    expect(held.requests()).toBe(1);
    expect(seen).toEqual([]);
    expect(framesFor(sim, call.id)).toBe(1);
  });

  it('while reconcile waits out its grace: a refusal settles the call with the gateway’s error', async () => {
    const sim = await h.sim();
    const client = reconciling(sim, { reconcileGraceMs: 60_000 });
    const seen = exceptions(client);
    await client.connect();
    sim.faults.delay(1_000);
    // Unknown to the exchange: the lookup finds nothing and reconcile waits a minute to look again.
    const cancel = client.cancelSpotOrder({ symbol: 'BTC-USDT', orderId: 'never-placed-0001' });
    const error = await settle(cancel);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: '400100', op: 'spot.cancel', requestId: cancel.id });
    expect(seen).toEqual([]);
    expect(framesFor(sim, cancel.id)).toBe(1);
  });
});

describe('late answers without reconcile', () => {
  it('a timed-out order whose answer comes: one LateAnswerError telling its outcome, never an unknown id', async () => {
    const sim = await h.sim();
    const client = h.client(sim, { requestTimeoutMs: 300 });
    const seen = exceptions(client);
    await client.connect();
    sim.faults.delay(1_000);
    const call = client.submitNewSpotOrder(limitBuy());
    const late = answerOf(client, () => call.id);
    late.catch(() => undefined); // awaited below; the client's close must not make it unhandled
    const error = await settle(call);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ sent: true });
    expect((error as TimeoutError).cause).toBeUndefined();
    await late;
    const orderId = sim.exchange.ledger(call.clientOid as string)?.orderId as string;
    expect(seen.map((e) => e.error)).toEqual([expect.any(LateAnswerError)]);
    expect(seen[0]?.error).toMatchObject({
      requestId: call.id,
      settled: error,
      answer: { data: { orderId } },
    });
    expect(seen[0]?.error.message).toBe(
      `spot.order: the gateway's answer came after the call had failed as outcome unknown (TimeoutError), and tells its outcome: it is a success, order ${orderId}`,
    );
    expect(framesFor(sim, call.id)).toBe(1);
  });

  it('a timed-out cancel whose refusal comes: the LateAnswerError carries the gateway error', async () => {
    const sim = await h.sim();
    const client = h.client(sim, { requestTimeoutMs: 300 });
    const seen = exceptions(client);
    await client.connect();
    sim.faults.delay(1_000);
    const cancel = client.cancelSpotOrder({ symbol: 'BTC-USDT', orderId: 'never-placed-0001' });
    const late = answerOf(client, () => cancel.id);
    late.catch(() => undefined); // awaited below; the client's close must not make it unhandled
    expect(await settle(cancel)).toBeInstanceOf(TimeoutError);
    await late;
    expect(seen).toHaveLength(1);
    const error = seen[0]?.error as LateAnswerError;
    expect(error).toBeInstanceOf(LateAnswerError);
    expect(error.answer).toBeInstanceOf(GatewayError);
    expect(error.answer).toMatchObject({ code: '400100', requestId: cancel.id });
    expect(error.message).toMatch(
      /^spot\.cancel: .*outcome unknown \(TimeoutError\), and tells its outcome: it is a refusal, 400100/,
    );
  });
});

describe('the order desk stops a reconciliation whose call settled meanwhile (unit)', () => {
  it('a wait for the grace ends at once and no second lookup is made', async () => {
    let lookups = 0;
    const desk = new OrderDesk({
      reconcile: true,
      graceMs: 60_000,
      lookup: () => {
        lookups++;
        return Promise.resolve(null);
      },
    });
    const spec = OPERATIONS.cancelSpotOrder;
    const call = desk.makeCall('1', spec, 'wsApiSpotV1', { symbol: 'BTC-USDT', orderId: 'x1' }, 0, () => {});
    call.reject(new TimeoutError({ op: spec.op, requestId: '1', timeoutMs: 300, sent: true }));
    expect(call.status).toBe('pending');
    await until(() => lookups === 1 && desk.reconcilingCount === 1, 'the first lookup was made');
    // One macrotask later every microtask has run: the lookup's null is in, and the
    // reconciliation waits on its 60 s grace timer.
    await new Promise((r) => setImmediate(r));
    const late: WSAPIResponse = {
      id: '1',
      op: spec.op,
      code: '200000',
      data: { orderId: 'x1', clientOid: 'c1' },
      inTime: 1,
      outTime: 1,
      wsKey: 'wsApiSpotV1',
      isWSAPIResponse: true,
    };
    expect(call.resolve(late)).toBe(true);
    await until(() => desk.reconcilingCount === 0, 'the reconciliation stopped');
    expect(lookups).toBe(1);
    expect(await call).toBe(late);
    desk.close();
  });
});
