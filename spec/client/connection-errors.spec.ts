/**
 * Connection failures, as callers see them: a call that times out unsent carries the last
 * connection error (refused port, unknown host, a gateway that closes at once) as `cause`
 * and names it in its message; connect() settles — on exhausted attempts, on its own
 * timeout, or on an abort — and says why.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import {
  ClientClosedError,
  TimeoutError,
  WebsocketAPIClient,
  type WebsocketAPIClientOptions,
} from '../../src';
import { startSimulator, type Simulator } from '../../src/simulator';
import { settle } from '../support/reliability';
import { limitBuy, stateIs } from './harness';

const clients: WebsocketAPIClient[] = [];
const servers: Array<{ close(): unknown }> = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const CREDENTIALS = { apiKey: 'key', apiSecret: 'secret', apiPassphrase: 'passphrase' };

function clientAt(wsBaseUrl: string, options: WebsocketAPIClientOptions = {}): WebsocketAPIClient {
  const client = new WebsocketAPIClient({
    ...CREDENTIALS,
    wsBaseUrl,
    attachEventListeners: false,
    requestTimeoutMs: 250,
    reconnect: { initialDelayMs: 5, maxDelayMs: 20 },
    ...options,
  });
  clients.push(client);
  return client;
}

/** A loopback port nothing listens on (bound, then released). */
async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A call made once the first attempt has failed: it times out unsent. */
async function timedOutUnsent(client: WebsocketAPIClient): Promise<TimeoutError> {
  client.connect().catch(() => undefined); // starts connecting; settles when the client closes
  await stateIs(client, 'reconnecting');
  const error = await settle(client.submitNewSpotOrder(limitBuy()));
  expect(error).toBeInstanceOf(TimeoutError);
  expect(error).toMatchObject({ sent: false, timeoutMs: 250 });
  return error as TimeoutError;
}

describe('a call that times out unsent names the last connection error', () => {
  it('refused port: cause is the ECONNREFUSED error, and the message says so', async () => {
    const port = await refusedPort();
    const error = await timedOutUnsent(clientAt(`ws://127.0.0.1:${port}`));
    expect(error.cause).toBeInstanceOf(Error);
    expect((error.cause as Error).message).toBe(`connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(error.message).toBe(
      `spot.order timed out: not sent within 250 ms (no ready connection; last connection error: connect ECONNREFUSED 127.0.0.1:${port})`,
    );
  });

  it('unknown host: cause is the resolver error', async () => {
    const error = await timedOutUnsent(clientAt('ws://nonexistent-host.invalid:8899'));
    expect((error.cause as Error).message).toMatch(
      /^getaddrinfo (ENOTFOUND|EAI_AGAIN) nonexistent-host\.invalid$/,
    );
    expect(error.message).toMatch(
      /\(no ready connection; last connection error: getaddrinfo (ENOTFOUND|EAI_AGAIN) nonexistent-host\.invalid\)$/,
    );
  });

  it('a gateway that closes at once with a hostile reason: control characters escaped, long text cut', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    servers.push(server);
    await new Promise((resolve) => server.once('listening', resolve));
    const reason = `bad\nline\u0007${'x'.repeat(100)}`;
    server.on('connection', (socket) => socket.close(4000, reason));
    const { port } = server.address() as AddressInfo;
    const error = await timedOutUnsent(clientAt(`ws://127.0.0.1:${port}`));
    // The close reason comes from the gateway: already in the cause it is one escaped line.
    expect((error.cause as Error).message).toContain('bad\\u000aline\\u0007xxx');
    expect(error.message).toContain('; last connection error: ');
    expect(error.message).toContain('bad\\u000aline\\u0007xxx');
    // eslint-disable-next-line no-control-regex -- none may be left
    expect(error.message).not.toMatch(/[\u0000-\u001f]/);
    expect(error.message).toMatch(/x…\)$/); // cut
    expect(error.msg.length).toBeLessThan(260);

    const long = `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.invalid`;
    const unknown = await timedOutUnsent(clientAt(`ws://${long}:1`));
    expect((unknown.cause as Error).message).toContain(long);
    expect(unknown.message).not.toContain(long);
    expect(unknown.message).toMatch(/…\)$/);
  });

  it('a call that times out before any attempt failed has no cause', async () => {
    // A listener that never answers the upgrade: the first attempt is still pending.
    const accepted: Socket[] = [];
    const server = createServer((socket) => void accepted.push(socket));
    servers.push({ close: () => (accepted.forEach((socket) => socket.destroy()), server.close()) });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const client = clientAt(`ws://127.0.0.1:${port}`, { handshakeTimeoutMs: 60_000 });
    const error = await settle(client.submitNewSpotOrder(limitBuy()));
    expect(error).toMatchObject({ name: 'TimeoutError', sent: false });
    expect((error as Error).cause).toBeUndefined();
    expect((error as Error).message).toBe(
      'spot.order timed out: not sent within 250 ms (no ready connection)',
    );
    expect(client.stateOf('wsApiSpotV1').status).toBe('connecting');
  });
});

describe('connect() settles', () => {
  it('rejects once reconnect.maxAttempts is spent, naming the attempts and the last error', async () => {
    const port = await refusedPort();
    const client = clientAt(`ws://127.0.0.1:${port}`, {
      reconnect: { initialDelayMs: 1, maxDelayMs: 5, maxAttempts: 3 },
    });
    const attempts: number[] = [];
    client.stateOf$('wsApiSpotV1').subscribe((s) => s.status === 'connecting' && attempts.push(s.attempt));
    const error = await client.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ClientClosedError);
    expect((error as Error).message).toBe(
      `client closed: wsApiSpotV1 gave up after 3 reconnect attempts (reconnect.maxAttempts): connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect(((error as Error).cause as Error).message).toBe(`connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(attempts).toEqual([0, 1, 2, 3]); // the first connection and three retries
    expect(client.stateOf('wsApiSpotV1').status).toBe('closed');
  });

  describe('with { timeoutMs } or { signal }', () => {
    let sim: Simulator;
    beforeEach(async () => {
      sim = await startSimulator({ port: 0, seed: 1 });
      servers.push(sim);
      sim.faults.refuseConnections(true); // HTTP 503 to every upgrade
    });
    const client = (options: WebsocketAPIClientOptions = {}) =>
      clientAt(sim.url, { ...sim.demoAccount, requestTimeoutMs: 10_000, ...options });

    it('timeoutMs: rejects with a TimeoutError naming the last connection error; the client keeps trying and connects later', async () => {
      const c = client();
      const error = await c.connect({ timeoutMs: 1_500 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error).toMatchObject({ op: 'connect', timeoutMs: 1_500, sent: false, code: 'REQUEST_TIMEOUT' });
      expect((error as Error).message).toMatch(
        /^connect timed out: wsApiSpotV1 not ready within 1500 ms \(last connection error: .*503.*\)$/,
      );
      expect(((error as Error).cause as Error).message).toMatch(/503/);
      // Not closed: the connection goes on retrying, and a call made meanwhile waits for it.
      expect(['connecting', 'reconnecting']).toContain(c.stateOf('wsApiSpotV1').status);
      const call = c.submitNewSpotOrder(limitBuy());
      sim.faults.refuseConnections(false);
      await c.connect({ timeoutMs: 20_000 });
      await expect(call).resolves.toMatchObject({ code: '200000' });
    });

    it("signal: an abort rejects with the signal's reason and leaves the client connecting", async () => {
      const c = client();
      const controller = new AbortController();
      const connecting = c.connect('wsApiFuturesV1', { signal: controller.signal }).then(
        () => undefined,
        (e: unknown) => e,
      );
      await stateIs(c, 'reconnecting', 'wsApiFuturesV1');
      controller.abort();
      const error = await connecting;
      expect(error).toBe(controller.signal.reason);
      expect(error).toMatchObject({ name: 'AbortError' });
      expect(c.stateOf('wsApiFuturesV1').status).not.toBe('closed');
      sim.faults.refuseConnections(false);
      await c.connect('wsApiFuturesV1');
      expect(c.stateOf('wsApiFuturesV1').status).toBe('ready');
    });

    it('an already aborted signal rejects at once and starts nothing; a bad timeoutMs is a RangeError', async () => {
      const c = client();
      const reason = new Error('shutting down');
      await expect(c.connect({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
      await expect(c.connect({ timeoutMs: 0 })).rejects.toBeInstanceOf(RangeError);
      await expect(c.connect({ timeoutMs: Number.NaN })).rejects.toBeInstanceOf(RangeError);
      expect(c.stateOf('wsApiSpotV1').status).toBe('idle');
      expect(sim.connectionAttempts()).toBe(0);
    });

    it('an abort or timeout after ready changes nothing; close() while waiting rejects with ClientClosedError', async () => {
      sim.faults.refuseConnections(false);
      const c = client();
      const controller = new AbortController();
      await c.connect({ signal: controller.signal, timeoutMs: 20_000 });
      controller.abort();
      expect(c.stateOf('wsApiSpotV1').status).toBe('ready');

      sim.faults.refuseConnections(true);
      const waiting = c.connect('wsApiFuturesV1', { timeoutMs: 20_000 }).catch((e: unknown) => e);
      await stateIs(c, 'reconnecting', 'wsApiFuturesV1');
      await c.close();
      expect(await waiting).toBeInstanceOf(ClientClosedError);
    });
  });
});
