/**
 * The REST client's calls that lookupOrder does not make, against the simulator on 127.0.0.1:
 * the server time, and the push token (bullet-private) the push channel will use.
 */
import { ServerClock } from '../../src/rest/clock';
import { RestClient } from '../../src/rest/rest-client';
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
});
