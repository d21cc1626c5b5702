/**
 * The REST client's calls that lookupOrder does not make, against the simulator on 127.0.0.1:
 * the server time, and the push token (bullet-private) the push channel will use.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClientClosedError, ProtocolError, TimeoutError } from '../../src';
import { ServerClock } from '../../src/rest/clock';
import { MAX_REST_ANSWER_BYTES, RestClient } from '../../src/rest/rest-client';
import type { Simulator } from '../../src/simulator';
import { createSigner } from '../../src/transport/auth';
import { settle } from '../support/reliability';
import { useHarness } from './harness';

const h = useHarness();

function restOf(sim: Simulator, credentials = sim.demoAccount): RestClient {
  const clock = new ServerClock();
  const signer = createSigner(credentials, () => clock.now());
  return new RestClient({
    endpoint: async () => ({ spotBaseUrl: sim.restUrl, futuresBaseUrl: sim.restUrl, signer }),
    clock,
    fetch: (input, init) => globalThis.fetch(input, init),
    timeoutMs: 5_000,
  });
}

describe('RestClient', () => {
  it('serverTime reads the simulator clock (its offset included)', async () => {
    const sim = await h.sim({ clockOffsetMs: 60_000 });
    const before = Date.now();
    const time = await restOf(sim).serverTime();
    expect(time).toBeGreaterThanOrEqual(before + 60_000);
    expect(time).toBeLessThanOrEqual(Date.now() + 60_000);
  });

  it('bulletPrivate returns a token and a push server, from either host', async () => {
    const sim = await h.sim();
    const rest = restOf(sim);
    for (const base of ['spot', 'futures'] as const) {
      const bullet = await rest.bulletPrivate(base);
      expect(bullet.token.length).toBeGreaterThan(0);
      expect(bullet.instanceServers).toHaveLength(1);
      expect(bullet.instanceServers[0]).toMatchObject({ protocol: 'websocket', encrypt: false });
      expect(bullet.instanceServers[0].endpoint.startsWith(sim.url)).toBe(true);
      expect(bullet.instanceServers[0].pingInterval).toBeGreaterThan(0);
    }
  });

  it('bulletPrivate with wrong credentials: AuthenticationError; with the clock off: corrected once', async () => {
    const sim = await h.sim({ clockOffsetMs: -30_000 });
    const refused = await settle(
      restOf(sim, { ...sim.demoAccount, apiPassphrase: 'wrong' }).bulletPrivate('spot'),
    );
    // The clock is corrected first; then the passphrase is what is wrong.
    expect(refused).toMatchObject({ name: 'AuthenticationError', code: '400004', op: 'bulletPrivate' });
    const bullet = await restOf(sim).bulletPrivate('spot');
    expect(bullet.token.length).toBeGreaterThan(0);
  });

  it('measureClock: a reading whose round trip a stall made long is taken again; the offset is right', async () => {
    const sim = await h.sim({ clockOffsetMs: 60_000 });
    const clock = new ServerClock();
    const signer = createSigner(sim.demoAccount, () => clock.now());
    let readings = 0;
    const rest = new RestClient({
      endpoint: async () => ({ spotBaseUrl: sim.restUrl, futuresBaseUrl: sim.restUrl, signer }),
      clock,
      fetch: async (input, init) => {
        const answer = await globalThis.fetch(input, init);
        if (++readings === 1) {
          // The first answer is in; this process then stalls (a synchronous busy loop) for 2 s
          // before anyone can read the time it carries: its round trip is over 2 s.
          const end = performance.now() + 2_000;
          while (performance.now() < end) {
            // CPU-bound work
          }
        }
        return answer;
      },
      timeoutMs: 5_000,
    });
    const offsetMs = await rest.measureClock();
    // One reading taken as it came would be about 1 s (half the stall) off.
    expect(Math.abs(offsetMs - 60_000)).toBeLessThan(250);
    expect(readings).toBe(2);
    expect(clock.offsetMs).toBe(offsetMs);
  });

  describe('an answer larger than MAX_REST_ANSWER_BYTES is refused without being read whole', () => {
    const TOTAL_MIB = 64;
    /** A REST host whose every answer is `TOTAL_MIB` MiB of JSON whitespace, then a valid answer. */
    async function hugeHost(withLength: boolean) {
      const chunk = Buffer.alloc(1 << 20, 0x20);
      const tail = '{"code":"200000","data":1700000000000}';
      let written = 0;
      let finished = false;
      const server = createServer((_req, res: ServerResponse) => {
        res.writeHead(200, {
          'content-type': 'application/json',
          ...(withLength ? { 'content-length': String(TOTAL_MIB * chunk.length + tail.length) } : {}),
        });
        let sent = 0;
        const pump = (): void => {
          while (sent < TOTAL_MIB && !res.destroyed) {
            sent++;
            written += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          if (res.destroyed) return;
          finished = true;
          res.end(tail);
        };
        res.on('close', () => res.removeAllListeners('drain'));
        pump();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const signer = createSigner({ apiKey: 'k', apiSecret: 's', apiPassphrase: 'p' }, () => Date.now());
      const rest = new RestClient({
        endpoint: async () => ({ spotBaseUrl: url, futuresBaseUrl: url, signer }),
        clock: new ServerClock(),
        fetch: (input, init) => globalThis.fetch(input, init),
        timeoutMs: 20_000,
      });
      const close = () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        });
      return { rest, close, written: () => written, finished: () => finished };
    }

    for (const withLength of [false, true]) {
      it(
        withLength
          ? 'with a Content-Length: refused before reading'
          : 'streamed: refused once the limit is read',
        async () => {
          const host = await hugeHost(withLength);
          try {
            const outcome = await settle(host.rest.serverTime());
            expect(outcome).toBeInstanceOf(ProtocolError);
            expect((outcome as Error).message).toContain(`larger than ${MAX_REST_ANSWER_BYTES} bytes`);
            expect(outcome).toMatchObject({ op: 'serverTime' });
            // The host could not send its whole answer: the client stopped reading.
            expect(host.finished()).toBe(false);
            expect(host.written()).toBeLessThan((TOTAL_MIB / 2) * 2 ** 20);
          } finally {
            await host.close();
          }
        },
      );
    }
  });
});

describe('RestClient with a fetch that ignores its abort signal', () => {
  function deafRest(timeoutMs: number): { rest: RestClient; calls: () => number } {
    const clock = new ServerClock();
    const signer = createSigner({ apiKey: 'k', apiSecret: 's', apiPassphrase: 'p' }, () => clock.now());
    let calls = 0;
    const rest = new RestClient({
      endpoint: async () => ({
        spotBaseUrl: 'http://127.0.0.1:9',
        futuresBaseUrl: 'http://127.0.0.1:9',
        signer,
      }),
      clock,
      fetch: () => {
        calls++;
        return new Promise<Response>(() => undefined);
      },
      timeoutMs,
    });
    return { rest, calls: () => calls };
  }

  it('still times out at restTimeoutMs (the request used to wait for ever)', async () => {
    const { rest, calls } = deafRest(100);
    const error = await settle(rest.serverTime());
    expect(calls()).toBe(1);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toContain('within 100 ms');
  });

  it('close() rejects the request under way at once and leaves no timer behind', async () => {
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const { rest, calls } = deafRest(60_000);
    const pending = settle(rest.serverTime());
    await new Promise<void>((resolve) => {
      const check = (): void => (calls() > 0 ? resolve() : void setImmediate(check));
      check();
    });
    expect(timers()).toBeGreaterThan(before); // the request's deadline, 60 s
    rest.close(() => new ClientClosedError({ op: 'serverTime' }));
    expect(await pending).toBeInstanceOf(ClientClosedError);
    expect(timers()).toBeLessThanOrEqual(before);
  });
});
