/**
 * Hostile HTTP clients against the REST API, over raw TCP: whatever they send, they get a
 * KuCoin-style `{ code, msg }` with an HTTP error status (never 500), within bounded time, and
 * the server keeps serving everyone else.
 */
import { connect as tcp, type Socket } from 'node:net';
import { startSimulator, type Simulator } from '../../src/simulator';
import { hmac } from './raw-client';
import { kcHeaders, signed, unsigned } from './rest-client';

let sim: Simulator;
const REST_TIMEOUT_MS = 400;

beforeAll(async () => {
  sim = await startSimulator({ seed: 9, restTimeoutMs: REST_TIMEOUT_MS });
});
afterAll(() => sim.close());

interface RawReply {
  status: number;
  body: any;
  closed: boolean;
  text: string;
}

/** Writes `parts` (a pause between each when `gapMs`), reads until the server closes or answers. */
function raw(
  parts: Array<string | Buffer>,
  o: { gapMs?: number; waitClose?: boolean } = {},
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket: Socket = tcp(sim.port, '127.0.0.1');
    let text = '';
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer; got ${JSON.stringify(text.slice(0, 300))}`));
    }, 10_000);
    const finish = (closed: boolean): void => {
      clearTimeout(guard);
      const head = /^HTTP\/1\.1 (\d{3})/.exec(text);
      const bodyAt = text.indexOf('\r\n\r\n');
      let body: any;
      try {
        body = JSON.parse(text.slice(bodyAt + 4));
      } catch {
        body = undefined;
      }
      socket.destroy();
      resolve({ status: head ? Number(head[1]) : 0, body, closed, text });
    };
    socket.on('data', (d) => {
      text += d.toString('latin1');
      const bodyAt = text.indexOf('\r\n\r\n');
      const len = /content-length: (\d+)/i.exec(text);
      if (!o.waitClose && bodyAt !== -1 && len && text.length - bodyAt - 4 >= Number(len[1])) finish(false);
    });
    socket.on('close', () => finish(true));
    socket.on('error', () => undefined);
    void (async () => {
      for (const p of parts) {
        if (socket.destroyed) return;
        socket.write(p);
        if (o.gapMs) await new Promise((r) => setTimeout(r, o.gapMs));
      }
    })();
  });
}

const req = (lines: string[], body = ''): string => `${lines.join('\r\n')}\r\n\r\n${body}`;
const signedLines = (method: string, target: string, body = ''): string[] =>
  Object.entries(kcHeaders(sim.demoAccount, method, target, body)).map(([k, v]) => `${k}: ${v}`);

function expectKucoinError(r: RawReply, status: number): void {
  expect(r.status).toBe(status);
  expect(typeof r.body?.code).toBe('string');
  expect(r.body.code).not.toBe('200000');
  expect(typeof r.body.msg).toBe('string');
}

afterEach(async () => {
  // Whatever the hostile client did, the server still answers a plain request.
  expect((await unsigned(sim.restUrl, 'GET', '/api/v1/timestamp')).json.code).toBe('200000');
});

describe('unknown paths and methods', () => {
  it.each([
    ['GET', '/'],
    ['GET', '/api/v1/nothing'],
    ['GET', '/api/v1/timestamp/extra'],
    ['GET', '/api/v1/hf/orders/client-order/'],
    ['GET', '/api/v1/hf/orders/client-order/a/b?symbol=BTC-USDT'],
    ['GET', '/v1/private'],
  ])('%s %s: 404', async (method, path) => {
    const r = await unsigned(sim.restUrl, method, path);
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ code: '404000', msg: 'Url Not Found' });
  });

  it.each([
    ['POST', '/api/v1/timestamp', 'GET'],
    ['DELETE', '/api/v1/bullet-private', 'POST'],
    ['GET', '/api/v1/bullet-private', 'POST'],
    ['PUT', '/api/v1/orders/byClientOid?clientOid=x', 'GET'],
  ])('%s %s: 405 with Allow', async (method, path, allow) => {
    const r = await unsigned(sim.restUrl, method, path);
    expect(r.status).toBe(405);
    expect(r.json.code).toBe('405000');
    expect(r.headers.get('allow')).toBe(allow);
  });

  it('an odd method on the raw socket', async () => {
    const r = await raw([req(['BREW /api/v1/timestamp HTTP/1.1', 'Host: x'])]);
    expect([400, 405]).toContain(r.status);
    expect(typeof r.body.code).toBe('string');
  });
});

describe('path traversal and hostile clientOids', () => {
  it.each([
    '/api/v1/../v1/timestamp',
    '/api/v1/hf/orders/client-order/../../../etc/passwd?symbol=BTC-USDT',
    '/api/v1/hf/orders/client-order/%2e%2e?symbol=BTC-USDT',
    '/api/v1/./timestamp',
  ])('%s: no endpoint, no file', async (path) => {
    const r = await raw([req([`GET ${path} HTTP/1.1`, 'Host: x', ...signedLines('GET', path)])]);
    expect([400, 404]).toContain(r.status);
    expect(typeof r.body.code).toBe('string');
    expect(r.text).not.toContain('root:');
  });

  it('a clientOid of 10,000 characters: 400 with 400100', async () => {
    const r = await signed(
      sim.restUrl,
      sim.demoAccount,
      'GET',
      `/api/v1/hf/orders/client-order/${'a'.repeat(10_000)}?symbol=BTC-USDT`,
    );
    expect(r.status).toBe(400);
    expect(r.json.code).toBe('400100');
    const f = await signed(
      sim.restUrl,
      sim.demoAccount,
      'GET',
      `/api/v1/orders/byClientOid?clientOid=${'b'.repeat(10_000)}`,
    );
    expect(f.status).toBe(400);
    expect(f.json.code).toBe('100001');
  });

  it('bad percent-encoding, control characters and repeated query parameters: 400', async () => {
    for (const path of [
      '/api/v1/hf/orders/client-order/%E0%A4%A?symbol=BTC-USDT',
      '/api/v1/hf/orders/client-order/a%00b?symbol=BTC-USDT',
      '/api/v1/hf/orders/client-order/abc?symbol=BTC-USDT&symbol=ETH-USDT',
    ]) {
      const r = await signed(sim.restUrl, sim.demoAccount, 'GET', path);
      expect({ path, status: r.status }).toEqual({ path, status: 400 });
      expect(r.json.code).toBe('400100');
    }
  });
});

describe('malformed and huge requests', () => {
  it('a KC-API header sent twice: 401 with 400001', async () => {
    const lines = signedLines('POST', '/api/v1/bullet-private');
    const r = await raw([
      req(['POST /api/v1/bullet-private HTTP/1.1', 'Host: x', 'Content-Length: 0', ...lines, lines[0]]),
    ]);
    expectKucoinError(r, 401);
    expect(r.body.code).toBe('400001');
  });

  it('a body that is not JSON on bullet-private: 400', async () => {
    const r = await signed(sim.restUrl, sim.demoAccount, 'POST', '/api/v1/bullet-private', '{"token":');
    expect(r.status).toBe(400);
    expect(r.json.code).toBe('400100');
  });

  it('a declared body over the limit: 413 before reading it', async () => {
    const r = await raw([
      req(['POST /api/v1/bullet-private HTTP/1.1', 'Host: x', `Content-Length: ${100 * 1024 * 1024}`]),
    ]);
    expectKucoinError(r, 413);
  });

  it('a chunked body that grows past the limit: 413 and the connection is cut', async () => {
    const chunk = 'x'.repeat(16 * 1024);
    const parts = [req(['POST /api/v1/bullet-private HTTP/1.1', 'Host: x', 'Transfer-Encoding: chunked'])];
    for (let i = 0; i < 20; i++) parts.push(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    const r = await raw(parts, { waitClose: true });
    expectKucoinError(r, 413);
    expect(r.closed).toBe(true);
  });

  it('headers larger than the parser allows: 431 with a KuCoin body', async () => {
    const r = await raw(
      [req(['GET /api/v1/timestamp HTTP/1.1', 'Host: x', `X-Big: ${'y'.repeat(64 * 1024)}`])],
      {
        waitClose: true,
      },
    );
    expectKucoinError(r, 431);
  });

  it('a request line that is not HTTP: 400 with a KuCoin body', async () => {
    const r = await raw(['\x16\x03\x01 hello there\r\n\r\n'], { waitClose: true });
    expectKucoinError(r, 400);
  });

  it('a bad Content-Length: 400', async () => {
    const r = await raw([req(['POST /api/v1/bullet-private HTTP/1.1', 'Host: x', 'Content-Length: -5'])], {
      waitClose: true,
    });
    expectKucoinError(r, 400);
  });
});

describe('slow clients', () => {
  it('headers trickling in are cut with 408 within the bound', async () => {
    const started = Date.now();
    const parts = [
      'GET /api/v1/timestamp HTTP/1.1\r\n',
      ...Array.from({ length: 200 }, (_, i) => `X-${i}: a\r\n`),
    ];
    const r = await raw(parts, { gapMs: 50, waitClose: true });
    expect(r.closed).toBe(true);
    expect([408, 0]).toContain(r.status);
    if (r.status === 408) expect(r.body.code).toBe('408000');
    // Bounded: far less than the 10 s the client would take to finish.
    expect(Date.now() - started).toBeLessThan(6_000);
  });

  it('a body that never completes is answered 408 and cut', async () => {
    const target = '/api/v1/bullet-private';
    const r = await raw(
      [
        req(
          [`POST ${target} HTTP/1.1`, 'Host: x', 'Content-Length: 10', ...signedLines('POST', target, '{}')],
          '{',
        ),
      ],
      { waitClose: true },
    );
    expectKucoinError(r, 408);
    expect(r.closed).toBe(true);
  });
});

describe('hostile credentials', () => {
  it('huge and binary header values are refused as credentials, not crashes', async () => {
    const target = '/api/v1/bullet-private';
    const r = await signed(sim.restUrl, sim.demoAccount, 'POST', target, '', {
      key: 'k'.repeat(8_000),
      sign: hmac('x', 'y'),
      timestamp: Date.now(),
    });
    expect(r.status).toBe(401);
    expect(r.json.code).toBe('400003');
    const t = await signed(sim.restUrl, sim.demoAccount, 'POST', target, '', { timestamp: 1e20 });
    expect(t.json.code).toBe('400002');
  });
});
