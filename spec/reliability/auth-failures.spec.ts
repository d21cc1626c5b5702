/**
 * Authentication failures: a wrong key, secret or passphrase. (A clock more than 5 s off is
 * corrected rather than refused: spec/client/clock-skew.spec.ts.) The client
 * must close with an AuthenticationError naming the gateway's code after ONE connection
 * attempt (counted by the simulator), reject every pending call with that error, end state$
 * in `closed` with it, and never try again.
 */
import { lastValueFrom, toArray } from 'rxjs';
import {
  AuthenticationError,
  ClientClosedError,
  type ClientEvent,
  type WebsocketAPIClientOptions,
  type WsApiCall,
} from '../../src';
import type { SimulatorOptions } from '../../src/simulator';
import { futuresBuy, limitBuy, useHarness } from '../client/harness';
import { settle } from '../support/reliability';

const h = useHarness();

/** A retry, if there were one, would start within a millisecond of the refusal. */
const eagerReconnect = { reconnect: { initialDelayMs: 1, maxDelayMs: 1 } };

interface Case {
  what: string;
  code: string;
  sim: SimulatorOptions;
  client: (demo: { apiKey: string; apiSecret: string; apiPassphrase: string }) => WebsocketAPIClientOptions;
}

const cases: Case[] = [
  { what: 'a wrong key', code: '400003', sim: {}, client: () => ({ apiKey: 'no-such-key-0001' }) },
  { what: 'a wrong secret', code: '400005', sim: {}, client: () => ({ apiSecret: 'not-the-secret' }) },
  {
    what: 'a wrong passphrase',
    code: '400004',
    sim: {},
    client: () => ({ apiPassphrase: 'not-the-passphrase' }),
  },
];

/**
 * Proves time has passed beyond any backoff delay without sleeping: a healthy client on a
 * simulator of its own connects and is answered (several round trips and signatures).
 */
async function healthyRoundTrip(): Promise<void> {
  const healthy = h.client(await h.sim());
  await expect(healthy.submitNewSpotOrder(limitBuy())).resolves.toMatchObject({ code: '200000' });
  await healthy.close();
}

describe('authentication failures', () => {
  it.each(cases)(
    '$what: closed with AuthenticationError $code after one attempt, every pending call rejected with it',
    async ({ code, sim: simOptions, client: credentials }) => {
      const sim = await h.sim(simOptions);
      const client = h.client(sim, { ...credentials(sim.demoAccount), ...eagerReconnect });
      const events: ClientEvent[] = [];
      client.events$.subscribe((e) => events.push(e));
      const states = lastValueFrom(client.stateOf$('wsApiSpotV1').pipe(toArray()));
      const calls: Array<WsApiCall<unknown>> = [
        client.submitNewSpotOrder(limitBuy()),
        client.submitSyncSpotOrder(limitBuy()),
        client.submitMarginOrder({ side: 'buy', symbol: 'BTC-USDT', price: '20000', size: '0.001' }),
        client.cancelSpotOrder({ symbol: 'BTC-USDT', clientOid: 'any' }),
      ];
      const connecting = client.connect().catch((e: unknown) => e);

      // state$ completes, ending in closed with the refusal; it never went to reconnecting.
      const all = await states;
      const last = all.at(-1)!;
      expect(last.status).toBe('closed');
      expect(last.error).toBeInstanceOf(AuthenticationError);
      const error = last.error as AuthenticationError;
      expect(error.code).toBe(code);
      expect(error.message).toContain(code);
      expect(all.map((s) => s.status)).not.toContain('reconnecting');
      expect(all.map((s) => s.status)).not.toContain('ready');

      for (const call of calls) expect(await settle(call)).toBe(error);
      expect(await connecting).toBe(error);
      expect(events.filter((e) => e.type === 'close')).toEqual([
        { type: 'close', wsKey: 'wsApiSpotV1', error },
      ]);
      expect(sim.connectionAttempts()).toBe(1);

      // No retry afterwards, and nothing reaches the gateway later.
      await healthyRoundTrip();
      expect(sim.connectionAttempts()).toBe(1);
      const later = await settle(client.submitNewSpotOrder(limitBuy()));
      expect(later).toBeInstanceOf(ClientClosedError);
      expect((later as ClientClosedError).cause).toBe(error);
      expect(sim.connectionAttempts()).toBe(1);
      expect(sim.exchange.allOrders().filter((o) => o.clientOid === calls[0].clientOid)).toHaveLength(0);
    },
  );

  it('calls pending on both connections all reject with the first refusal; at most one attempt per connection', async () => {
    const sim = await h.sim();
    const client = h.client(sim, { apiSecret: 'not-the-secret', ...eagerReconnect });
    const calls: Array<WsApiCall<unknown>> = [
      client.submitNewSpotOrder(limitBuy()),
      client.submitFuturesOrder(futuresBuy()),
      client.submitMultipleFuturesOrders([futuresBuy(), futuresBuy()]),
      client.cancelMarginOrder({ symbol: 'BTC-USDT', orderId: 'x' }),
    ];
    const errors = await Promise.all(calls.map(settle));
    const first = errors[0];
    expect(first).toBeInstanceOf(AuthenticationError);
    expect(first).toMatchObject({ code: '400005' });
    for (const e of errors) expect(e).toBe(first);
    expect(client.stateOf('wsApiSpotV1')).toMatchObject({ status: 'closed', error: first });
    expect(client.stateOf('wsApiFuturesV1')).toMatchObject({ status: 'closed' });
    await healthyRoundTrip();
    expect(sim.connectionAttempts()).toBeGreaterThanOrEqual(1);
    expect(sim.connectionAttempts()).toBeLessThanOrEqual(2);
  });
});
