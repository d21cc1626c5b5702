import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator';
import { connect, hmac, RawClient, signedUrl } from './raw-client';

let sim: Simulator | undefined;
const clients: RawClient[] = [];

async function start(o: SimulatorOptions = {}): Promise<Simulator> {
  sim = await startSimulator(o);
  return sim;
}

async function open(url: string): Promise<RawClient> {
  const c = await RawClient.open(url);
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await sim?.close();
  sim = undefined;
});

/** Connects with `url` and expects a connection error frame `code`, then a normal close. */
async function expectRefused(url: string, code: string, msg?: string | RegExp): Promise<any> {
  const c = await open(url);
  const frame = await c.waitFor((j) => j?.code !== undefined);
  expect(frame.json.code).toBe(code);
  if (msg !== undefined) expect(frame.json.msg).toMatch(msg);
  expect(typeof frame.json.inTime).toBe('number');
  expect(typeof frame.json.outTime).toBe('number');
  const closed = await c.waitClosed();
  expect(closed.code).toBe(1000);
  expect(closed.reason.startsWith(code)).toBe(true);
  // No challenge was ever offered to a refused connection.
  expect(c.frames.some((f) => f.json?.sessionId !== undefined)).toBe(false);
  return frame.json;
}

describe('URL authentication (docs/protocol.md §1)', () => {
  it('400002 when the timestamp is more than 5 s behind or ahead of the gateway clock', async () => {
    const s = await start();
    await expectRefused(signedUrl(s.url, s.demoAccount, { timestamp: Date.now() - 6_000 }), '400002');
    await expectRefused(signedUrl(s.url, s.demoAccount, { timestamp: Date.now() + 6_000 }), '400002');
  });

  it('400002 follows the gateway clock (clockOffsetMs), not the client clock', async () => {
    const s = await start({ clockOffsetMs: 10_000 });
    await expectRefused(signedUrl(s.url, s.demoAccount), '400002', /KC-API-TIMESTAMP/);
    const ok = await connect(s.url, s.demoAccount, { timestamp: Date.now() + 10_000 });
    clients.push(ok.client);
    expect(ok.welcome.data).toBe('welcome');
  });

  it('accepts a timestamp 4 s off', async () => {
    const s = await start();
    const { client } = await connect(s.url, s.demoAccount, { timestamp: Date.now() - 4_000 });
    clients.push(client);
    expect(client.isOpen).toBe(true);
  });

  it('400002 for a missing or non-numeric timestamp', async () => {
    const s = await start();
    const url = signedUrl(s.url, s.demoAccount).replace(/timestamp=\d+/, 'timestamp=soon');
    await expectRefused(url, '400002');
  });

  it('400003 with the documented text for an unknown key', async () => {
    const s = await start();
    const frame = await expectRefused(
      signedUrl(s.url, { ...s.demoAccount, apiKey: 'nobody' }),
      '400003',
      /^KC-API-KEY not exists\.$/,
    );
    expect(Object.keys(frame).sort()).toEqual(['code', 'inTime', 'msg', 'outTime']);
  });

  it('400004 for a passphrase signed with the wrong passphrase', async () => {
    const s = await start();
    const passphrase = hmac(s.demoAccount.apiSecret, 'not-the-passphrase');
    await expectRefused(signedUrl(s.url, s.demoAccount, { passphrase }), '400004');
  });

  it('400004 for a plain-text passphrase (it must be signed)', async () => {
    const s = await start();
    await expectRefused(
      signedUrl(s.url, s.demoAccount, { passphrase: s.demoAccount.apiPassphrase }),
      '400004',
    );
  });

  it('400005 for a URL signature over the wrong message or with the wrong secret', async () => {
    const s = await start();
    const ts = Date.now();
    await expectRefused(
      signedUrl(s.url, s.demoAccount, { timestamp: ts, sign: hmac(s.demoAccount.apiSecret, `${ts}`) }),
      '400005',
    );
    await expectRefused(
      signedUrl(s.url, s.demoAccount, { timestamp: ts, sign: hmac('wrong', s.demoAccount.apiKey + ts) }),
      '400005',
    );
    await expectRefused(signedUrl(s.url, s.demoAccount, { sign: '' }), '400005');
  });

  it('checks the URL signature before the passphrase: a wrong secret is 400005, not 400004', async () => {
    const s = await start();
    // Everything signed with the wrong secret, as a client configured with it would sign.
    const wrong = { ...s.demoAccount, apiSecret: 'not-the-secret' };
    await expectRefused(signedUrl(s.url, wrong), '400005');
    // The right secret with the wrong passphrase: the URL signature passes, the passphrase fails.
    await expectRefused(
      signedUrl(s.url, { ...s.demoAccount, apiPassphrase: 'not-the-passphrase' }),
      '400004',
    );
  });

  it('never puts a secret into an error frame or close reason', async () => {
    const s = await start();
    const c = await open(signedUrl(s.url, s.demoAccount, { sign: 'x' }));
    await c.waitClosed();
    const everything = c.frames.map((f) => f.text).join('\n') + (await c.closed).reason;
    expect(everything).not.toContain(s.demoAccount.apiSecret);
    expect(everything).not.toContain(s.demoAccount.apiPassphrase);
  });

  it('refuses other paths with HTTP 404', async () => {
    const s = await start();
    await expect(RawClient.open(signedUrl(s.url, s.demoAccount, { path: '/v1/public' }))).rejects.toThrow(
      'HTTP 404',
    );
  });
});

describe('partner verification', () => {
  const partners = { 'ACME-SDK': 'partner-key-1' };

  it('accepts a correctly signed partner pair', async () => {
    const s = await start({ partners });
    const { client } = await connect(s.url, s.demoAccount, {
      partner: 'ACME-SDK',
      partnerKey: 'partner-key-1',
    });
    clients.push(client);
    expect(client.isOpen).toBe(true);
  });

  it('400200 for an unknown partner and 400201 for a wrong partner sign', async () => {
    const s = await start({ partners });
    await expectRefused(signedUrl(s.url, s.demoAccount, { partner: 'OTHER', partnerKey: 'x' }), '400200');
    await expectRefused(
      signedUrl(s.url, s.demoAccount, { partner: 'ACME-SDK', partnerKey: 'partner-key-2' }),
      '400201',
    );
  });

  it('accepts plain clients without a partner even when partners are configured', async () => {
    const s = await start({ partners });
    const { client } = await connect(s.url, s.demoAccount);
    clients.push(client);
    expect(client.isOpen).toBe(true);
  });

  it('ignores the partner pair when no partner keys are configured', async () => {
    const s = await start();
    const { client } = await connect(s.url, s.demoAccount, { partner: 'ANY', partnerSign: 'garbage' });
    clients.push(client);
    expect(client.isOpen).toBe(true);
  });
});

describe('session handshake (docs/protocol.md §2)', () => {
  it('sends a challenge {sessionId: uuid, timestamp} and a welcome with the ping settings', async () => {
    const s = await start({ pingInterval: 1234, pingTimeout: 567 });
    const { client, challengeText, welcome } = await connect(s.url, s.demoAccount);
    clients.push(client);
    const challenge = JSON.parse(challengeText);
    expect(Object.keys(challenge)).toEqual(['sessionId', 'timestamp']);
    expect(challenge.sessionId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(Math.abs(challenge.timestamp - Date.now())).toBeLessThan(5_000);
    expect(welcome).toEqual({
      sessionId: challenge.sessionId,
      data: 'welcome',
      pingInterval: 1234,
      pingTimeout: 567,
    });
  });

  it('gives every session its own id, deterministically from the simulator’s seed', async () => {
    const ids = async (): Promise<string[]> => {
      const s = await start({ seed: 7 });
      const a = await connect(s.url, s.demoAccount);
      const b = await connect(s.url, s.demoAccount);
      clients.push(a.client, b.client);
      const out = [a.welcome.sessionId, b.welcome.sessionId];
      for (const c of clients.splice(0)) c.close();
      await s.close();
      return out;
    };
    const first = await ids();
    expect(first[0]).not.toBe(first[1]);
    expect(await ids()).toEqual(first);
  });

  it('400011 then close for a wrong session signature', async () => {
    const s = await start();
    const c = await open(signedUrl(s.url, s.demoAccount));
    const challenge = await c.waitFor((j) => j?.sessionId !== undefined);
    // Signed over a re-serialised challenge: not byte for byte the text that was sent.
    c.send(hmac(s.demoAccount.apiSecret, JSON.stringify(challenge.json, null, 1)));
    const err = await c.waitFor((j) => j?.code !== undefined);
    expect(err.json).toMatchObject({ code: '400011' });
    expect((await c.waitClosed()).code).toBe(1000);
    expect(c.frames.some((f) => f.json?.data === 'welcome')).toBe(false);
  });

  it('400011 for a request sent instead of the signature', async () => {
    const s = await start();
    const c = await open(signedUrl(s.url, s.demoAccount));
    await c.waitFor((j) => j?.sessionId !== undefined);
    c.send({ id: '1', op: 'ping', timestamp: Date.now() });
    expect((await c.waitFor((j) => j?.code !== undefined)).json.code).toBe('400011');
    await c.waitClosed();
  });

  it('answers requests sent right behind the signature after the welcome, in order', async () => {
    const s = await start();
    const c = await open(signedUrl(s.url, s.demoAccount));
    const challenge = await c.waitFor((j) => j?.sessionId !== undefined);
    // One TCP write: the requests reach the gateway while the signature is being checked.
    const tcp = (c.ws as any)._socket;
    tcp.cork();
    c.send(hmac(s.demoAccount.apiSecret, challenge.text));
    for (const id of ['p1', 'p2', 'p3']) c.send({ id, op: 'ping', timestamp: Date.now() });
    tcp.uncork();
    await c.answerTo('p3');
    const order = c.frames.slice(1).map((f) => f.json?.id ?? f.json?.data ?? f.json?.code);
    expect(order).toEqual(['welcome', 'p1', 'p2', 'p3']);
  });

  it('answers no request sent right behind a wrong signature', async () => {
    const s = await start();
    const c = await open(signedUrl(s.url, s.demoAccount));
    await c.waitFor((j) => j?.sessionId !== undefined);
    const tcp = (c.ws as any)._socket;
    tcp.cork();
    c.send(hmac(s.demoAccount.apiSecret, 'not the challenge'));
    c.send({ id: 'p1', op: 'ping', timestamp: Date.now() });
    tcp.uncork();
    expect((await c.waitFor((j) => j?.code !== undefined)).json.code).toBe('400011');
    await c.waitClosed();
    expect(c.frames.slice(1).map((f) => f.json?.code ?? f.json?.id)).toEqual(['400011']);
  });

  it('400012 then close when no signature arrives within handshakeTimeoutMs', async () => {
    const s = await start({ handshakeTimeoutMs: 150 });
    // Taken before the connection: the gateway's handshake timer starts later, so reading the
    // challenge late (a stalled process) cannot make the wait look shorter.
    const started = Date.now();
    const c = await open(signedUrl(s.url, s.demoAccount));
    const challenge = await c.waitFor((j) => j?.sessionId !== undefined);
    const err = await c.waitFor((j) => j?.code !== undefined, 3_000);
    expect(err.json).toMatchObject({ code: '400012' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect((await c.waitClosed()).code).toBe(1000);
    expect(challenge.json.sessionId).toBeDefined();
  });

  it('does not time out a session that completed the handshake', async () => {
    const s = await start({ handshakeTimeoutMs: 100 });
    const { client } = await connect(s.url, s.demoAccount);
    clients.push(client);
    // Well past the handshake timeout, the session still answers.
    const started = Date.now();
    let answered = 0;
    while (Date.now() - started < 300) {
      client.send({ id: `p${answered}`, op: 'ping', timestamp: Date.now() });
      await client.answerTo(`p${answered}`);
      answered++;
    }
    expect(client.isOpen).toBe(true);
    expect(client.frames.some((f) => f.json?.code === '400012')).toBe(false);
  });

  it('lists sessions by state: handshake, then ready', async () => {
    const s = await start();
    const c = await open(signedUrl(s.url, s.demoAccount));
    const challenge = await c.waitFor((j) => j?.sessionId !== undefined);
    expect(s.sessions()).toEqual([
      { id: challenge.json.sessionId, apiKey: s.demoAccount.apiKey, state: 'handshake', framesReceived: 0 },
    ]);
    c.send(hmac(s.demoAccount.apiSecret, challenge.text));
    await c.waitFor((j) => j?.data === 'welcome');
    expect(s.sessions()).toEqual([
      { id: challenge.json.sessionId, apiKey: s.demoAccount.apiKey, state: 'ready', framesReceived: 1 },
    ]);
  });
});
