/**
 * close() while a call is being reconciled settles it at once, whatever its REST lookup does: a
 * `fetch` that ignores the abort signal used to keep the call pending after close() for as long
 * as it never answered. A gateway of our own on 127.0.0.1 that never answers the order.
 */
import { ClientClosedError, TimeoutError } from '../../src';
import { limitBuy } from '../client/harness';
import { answer, startHostileGateway, type HostileGateway } from '../support/hostile-gateway';

describe('close() during reconcile', () => {
  let gateway: HostileGateway | undefined;
  afterEach(async () => gateway?.close());

  it('settles the call being reconciled at once, though its lookup never ends', async () => {
    gateway = await startHostileGateway({
      onFrame: (frame, session) => {
        // The order is never answered (so it times out and reconcile takes it over); pings are.
        if (frame.op === 'ping') answer(frame, session);
      },
    });
    let lookupStarted!: () => void;
    const started = new Promise<void>((resolve) => (lookupStarted = resolve));
    const client = gateway.client({
      reconcile: true,
      requestTimeoutMs: 200,
      restBaseUrl: 'http://127.0.0.1:9',
      futuresRestBaseUrl: 'http://127.0.0.1:9',
      // A fetch that ignores its AbortSignal and never answers.
      fetch: () => {
        lookupStarted();
        return new Promise<Response>(() => undefined);
      },
    });
    await client.connect();
    const call = client.submitNewSpotOrder(limitBuy({ clientOid: 'reconciled-at-close' }));
    const outcome = call.then(
      () => undefined,
      (e: unknown) => e,
    );
    await started;
    expect(call.status).toBe('pending');
    await client.close();
    expect(call.status).toBe('rejected');
    const error = await outcome;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ sent: true, clientOid: 'reconciled-at-close' });
    expect((error as TimeoutError).cause).toBeInstanceOf(ClientClosedError);
  });
});
