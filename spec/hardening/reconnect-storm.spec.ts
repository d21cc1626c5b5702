/**
 * No reconnect storm from a gateway that drops every session right after its welcome. Every
 * welcome used to reset the attempt count: backoff never grew (24 connections in 3 s) and
 * `maxAttempts` never applied. The count is reset only once a session has stayed ready for a
 * ping interval.
 */
import { filter, firstValueFrom } from 'rxjs';
import type { ClientEventOf } from '../../src';
import { startHostileGateway, type HostileGateway } from '../support/hostile-gateway';

describe('a gateway that drops every session right after its welcome', () => {
  let gateway: HostileGateway | undefined;
  afterEach(async () => gateway?.close());

  const dropAfterWelcome = () =>
    startHostileGateway({ onReady: ({ socket }) => socket.close(1001, 'going away') });

  it('backoff grows and maxAttempts ends it', async () => {
    gateway = await dropAfterWelcome();
    const client = gateway.client({ reconnect: { initialDelayMs: 20, maxDelayMs: 1_000, maxAttempts: 3 } });
    const reconnects: Array<ClientEventOf<'reconnect'>> = [];
    client.getWSClient().on('reconnect', (e) => reconnects.push(e));
    // Bounded either way: the client closes after 3 retries, or we stop looking after 6.
    const closed = firstValueFrom(client.stateOf$('wsApiSpotV1').pipe(filter((s) => s.status === 'closed')));
    const sixth = new Promise<void>((resolve) =>
      client.getWSClient().on('reconnect', () => reconnects.length >= 6 && resolve()),
    );
    client.connect().catch(() => undefined);
    await Promise.race([closed, sixth]);
    expect(reconnects.map((e) => e.attempt)).toEqual([1, 2, 3]);
    expect(client.stateOf('wsApiSpotV1').status).toBe('closed');
    expect(gateway.connections()).toBe(4);
  });

  it('with the default backoff, at most ~10 connections in 3 s', async () => {
    gateway = await dropAfterWelcome();
    const client = gateway.client();
    client.connect().catch(() => undefined);
    // A rate over a fixed window: the window is the measurement, not a wait for an event.
    await new Promise((r) => setTimeout(r, 3_000));
    const connections = gateway.connections();
    console.log(`reconnect storm: ${connections} connections in 3 s with the default backoff`);
    expect(connections).toBeLessThanOrEqual(10);
  });
});
