import { AuthenticationError, ClientClosedError } from '../../src/errors';
import { OPERATIONS } from '../../src/operations';
import { WsApiCall } from '../../src/rpc/call';
import { Shutdown, type ClientParts } from '../../src/client/shutdown';

const call = () => new WsApiCall('3', OPERATIONS.submitNewSpotOrder, 'wsApiSpotV1', 'oid-3', undefined, 0);

function parts() {
  const failed: unknown[] = [];
  const log: string[] = [];
  let release!: () => void;
  const socketsClosed = new Promise<void>((resolve) => (release = resolve));
  const pending = call();
  const value: ClientParts = {
    routes: [
      {
        channel: { failAll: (errorFor) => failed.push(errorFor(pending)) },
        connection: { close: () => (log.push('close socket'), socketsClosed) },
      },
    ],
    orders: { close: () => log.push('orders') },
    feed: { close: async () => void log.push('push') },
    gate: { dispose: () => log.push('gate') },
    rest: { close: (closedBy) => failed.push(closedBy({ op: 'lookupOrder', clientOid: 'r' } as never)) },
    stopTestnet: async () => void log.push('testnet'),
    closed: () => log.push('events complete'),
    maxAttempts: 3,
  };
  return { value, failed, log, release };
}

describe('Shutdown', () => {
  it('close(): fails calls and REST requests as closed, closes sockets, then the simulator, then ends events; once', async () => {
    const { value, failed, log, release } = parts();
    const shutdown = new Shutdown(value);
    expect(shutdown.done).toBe(false);
    const closing = shutdown.run(undefined);
    expect(shutdown.run(undefined)).toBe(closing);
    expect(shutdown.done).toBe(true);
    expect(failed).toHaveLength(2);
    expect(failed[0]).toBeInstanceOf(ClientClosedError);
    expect(failed[0]).toMatchObject({ op: 'spot.order', requestId: '3', clientOid: 'oid-3' });
    expect(failed[1]).toMatchObject({ name: 'ClientClosedError', op: 'lookupOrder', clientOid: 'r' });
    expect(log).toEqual(['orders', 'gate', 'close socket', 'push']);
    release();
    await closing;
    expect(log).toEqual(['orders', 'gate', 'close socket', 'push', 'testnet', 'events complete']);
  });

  it('a refusal that closes the client is what every pending call gets, and the reason of later calls', async () => {
    const { value, failed, release } = parts();
    const shutdown = new Shutdown(value);
    const refusal = new AuthenticationError({ code: '400003', msg: 'KC-API-KEY not exists.' });
    const closing = shutdown.run(refusal, 'wsApiSpotV1');
    expect(failed).toEqual([refusal, refusal]);
    const later = shutdown.closedError(call());
    expect(later.message).toBe(`spot.order failed: client closed: ${refusal.message}`);
    expect((later as Error).cause).toBe(refusal);
    release();
    await closing;
  });

  it('a connection that gave up: the words say after how many attempts, and why', async () => {
    const { value, release } = parts();
    const shutdown = new Shutdown(value);
    const drop = new Error('connection closed (close 1006)');
    expect(shutdown.closeReason('wsApiFuturesV1', drop)).toBe(
      'wsApiFuturesV1 gave up after 3 reconnect attempts (reconnect.maxAttempts): connection closed (close 1006)',
    );
    const closing = shutdown.run(drop, 'wsApiFuturesV1');
    expect(shutdown.closedError().message).toMatch(/^client closed: wsApiFuturesV1 gave up after 3/);
    release();
    await closing;
  });

  it('never rejects, even when a socket fails to close', async () => {
    const { value } = parts();
    const shutdown = new Shutdown({
      ...value,
      routes: [
        {
          channel: { failAll: () => undefined },
          connection: { close: () => Promise.reject(new Error('x')) },
        },
      ],
    });
    await expect(shutdown.run(undefined)).resolves.toBeUndefined();
  });
});
