import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator';
import { connect, RawClient, signedUrl, spotOrder } from './raw-client';

let sim: Simulator | undefined;
const clients: RawClient[] = [];

async function start(o: SimulatorOptions = {}): Promise<Simulator> {
  sim = await startSimulator(o);
  return sim;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await sim?.close();
  sim = undefined;
});

describe('inspection', () => {
  it('records every text frame with session, key and time, including the handshake answer', async () => {
    const s = await start();
    const { client, welcome } = await connect(s.url, s.demoAccount);
    clients.push(client);
    const before = Date.now();
    const id = client.request('spot.order', spotOrder({ clientOid: 'insp-1' }));
    await client.answerTo(id);
    client.send('garbage');
    await client.waitFor((j) => j?.code === '4001002');
    const frames = s.framesReceived();
    expect(frames).toHaveLength(3);
    expect(frames.every((f) => f.sessionId === welcome.sessionId && f.apiKey === s.demoAccount.apiKey)).toBe(
      true,
    );
    expect(JSON.parse(frames[1].text)).toMatchObject({ id, op: 'spot.order' });
    expect(frames[1].at).toBeGreaterThanOrEqual(before - 1);
    expect(frames[2].text).toBe('garbage');
    expect(s.sessions()[0].framesReceived).toBe(3);
  });

  it('counts parsed request frames by predicate', async () => {
    const s = await start({ mode: 'ack' });
    const { client } = await connect(s.url, s.demoAccount);
    clients.push(client);
    for (let i = 0; i < 3; i++)
      await client.answerTo(client.request('spot.order', spotOrder({ clientOid: `same` })));
    client.send({ id: 'p', op: 'ping', timestamp: 1 });
    await client.answerTo('p');
    expect(s.countFrames((f) => f.op === 'spot.order')).toBe(3);
    expect(s.countFrames((f) => f.op === 'ping')).toBe(1);
    expect(s.countFrames((f) => (f.args as { clientOid?: string } | undefined)?.clientOid === 'same')).toBe(
      3,
    );
    expect(s.countFrames(() => true)).toBe(4);
  });

  it('keeps only the last frameLogSize frames', async () => {
    const s = await start({ frameLogSize: 3, mode: 'ack' });
    const { client } = await connect(s.url, s.demoAccount);
    clients.push(client);
    for (let i = 0; i < 5; i++) await client.answerTo(client.request('spot.order', spotOrder(), `r${i}`));
    expect(s.framesReceived().map((f) => JSON.parse(f.text).id)).toEqual(['r2', 'r3', 'r4']);
    expect(s.countFrames(() => true)).toBe(3);
  });

  it('stores a cut copy of oversized frames', async () => {
    const s = await start({ maxFrameBytes: 1024 });
    const { client } = await connect(s.url, s.demoAccount);
    clients.push(client);
    client.send('y'.repeat(100_000));
    await client.waitFor((j) => j?.code === '4001002');
    const last = s.framesReceived().at(-1)!;
    expect(last.text.length).toBeLessThan(10_000);
  });

  it('counts connection attempts, admitted or refused (503, 404, URL check)', async () => {
    const s = await start();
    expect(s.connectionAttempts()).toBe(0);
    const { client } = await connect(s.url, s.demoAccount);
    clients.push(client);
    expect(s.connectionAttempts()).toBe(1);
    // Refused by the URL check: the socket opens, gets the error frame, and is closed.
    const refused = await RawClient.open(signedUrl(s.url, { ...s.demoAccount, apiKey: 'nobody' }));
    clients.push(refused);
    await refused.waitClosed();
    await expect(RawClient.open(signedUrl(s.url, s.demoAccount, { path: '/elsewhere' }))).rejects.toThrow(
      'HTTP 404',
    );
    s.faults.refuseConnections(true);
    await expect(RawClient.open(signedUrl(s.url, s.demoAccount))).rejects.toThrow('HTTP 503');
    expect(s.connectionAttempts()).toBe(4);
    // Frames on an open session are not attempts.
    await client.answerTo(client.request('spot.order', spotOrder()));
    expect(s.connectionAttempts()).toBe(4);
  });

  it('exposes the demo account, derived from the simulator’s seed', async () => {
    const a = (await start({ seed: 3 })).demoAccount;
    await sim!.close();
    const b = (await start({ seed: 3 })).demoAccount;
    await sim!.close();
    const c = (await start({ seed: 4 })).demoAccount;
    expect(b).toEqual(a);
    expect(c.apiKey).not.toBe(a.apiKey);
    expect(Object.keys(a).sort()).toEqual(['apiKey', 'apiPassphrase', 'apiSecret']);
  });

  it('uses the first configured account as the demo account', async () => {
    const account = { apiKey: 'k', apiSecret: 's', apiPassphrase: 'p', balances: { USDT: '5' } };
    const s = await start({ accounts: [account] });
    expect(s.demoAccount).toEqual({ apiKey: 'k', apiSecret: 's', apiPassphrase: 'p' });
    expect(s.url).toBe(`ws://127.0.0.1:${s.port}`);
  });

  it('rejects options that cannot work', async () => {
    await expect(startSimulator({ accounts: [] })).rejects.toThrow(RangeError);
    await expect(startSimulator({ rateLimit: { limit: 0, windowMs: 1000 } })).rejects.toThrow(RangeError);
    const dup = { apiKey: 'k', apiSecret: 's', apiPassphrase: 'p' };
    await expect(startSimulator({ accounts: [dup, dup] })).rejects.toThrow(/duplicate/);
    // Web Crypto, which verifies the signatures, has no zero-length HMAC keys.
    await expect(startSimulator({ accounts: [{ ...dup, apiSecret: '' }] })).rejects.toThrow(
      /empty apiSecret/,
    );
    await expect(startSimulator({ partners: { p: '' } })).rejects.toThrow(/empty partner key/);
  });
});
