/**
 * RateLimitError.reset is capped like the send gate's hold (60 s). A gateway's absurd `reset`
 * (5e9 ms) used to pass through raw, and the documented retry, `timer(error.reset + …)`,
 * overflowed setTimeout and retried at once.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_RATE_LIMIT_RESET_MS, RateLimitError } from '../../src/errors';
import { startHostileGateway, type HostileGateway } from '../support/hostile-gateway';
import { settle } from '../support/reliability';

const ABSURD = 5_000_000_000;

describe('RateLimitError.reset', () => {
  let gateway: HostileGateway | undefined;
  afterEach(async () => gateway?.close());

  it('cappedReset: within [0, 60 s], 0 when missing or unusable', () => {
    expect(MAX_RATE_LIMIT_RESET_MS).toBe(60_000);
    const cases: Array<[unknown, number]> = [
      [1500, 1500],
      [0.2, 1],
      [ABSURD, 60_000],
      [Infinity, 60_000],
      [-5, 0],
      [NaN, 0],
      [undefined, 0],
      ['100', 0],
    ];
    expect(cases.map(([raw]) => RateLimitError.cappedReset(raw))).toEqual(cases.map(([, capped]) => capped));
  });

  it('a WS answer with reset 5e9: reset and resetAt are capped at 60 s', async () => {
    gateway = await startHostileGateway({
      onFrame: (frame, { socket }) => {
        if (frame.op === 'ping') return;
        const rateLimit = { limit: 1600, remaining: 0, reset: ABSURD };
        socket.send(
          JSON.stringify({
            id: frame.id,
            op: frame.op,
            code: '429000',
            msg: 'Too many',
            inTime: 1,
            outTime: 2,
            rateLimit,
          }),
        );
      },
    });
    const client = gateway.client();
    const before = Date.now();
    const error = await settle(
      client.submitNewSpotOrder({ side: 'buy', symbol: 'BTC-USDT', type: 'limit', price: '1', size: '1' }),
    );
    expect(error).toBeInstanceOf(RateLimitError);
    const limited = error as RateLimitError;
    expect(limited.reset).toBe(60_000);
    expect(limited.resetAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(limited.resetAt).toBeLessThanOrEqual(Date.now() + 60_000);
    // The envelope keeps what the gateway said.
    expect(limited.response?.rateLimit?.reset).toBe(ABSURD);
  });

  it('a REST 429000 with gw-ratelimit-reset 5e9: reset is capped at 60 s', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'gw-ratelimit-reset': String(ABSURD) });
      res.end('{"code":"429000","msg":"Too many requests"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    gateway = await startHostileGateway();
    const client = gateway.client({
      restBaseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    });
    try {
      const error = await settle(client.lookupOrder({ orderId: 'o-1', symbol: 'BTC-USDT', market: 'spot' }));
      expect(error).toBeInstanceOf(RateLimitError);
      expect((error as RateLimitError).reset).toBe(60_000);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
