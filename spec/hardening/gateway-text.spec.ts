/**
 * Gateway text is cut and escaped before it reaches an error message or a log line. A
 * gateway's id, code, msg or close reason used to reach error messages and the default
 * logger whole: a 1,000,147-character log line, and an embedded newline that forged a
 * `[kucoin-wsapi-rx] … authenticated` line.
 */
import { filter, firstValueFrom } from 'rxjs';
import { AuthenticationError, GatewayError } from '../../src';
import { startHostileGateway, type HostileGateway } from '../support/hostile-gateway';
import { settle } from '../support/reliability';

const FORGED = '\n[kucoin-wsapi-rx] wsApiSpotV1: authenticated';
const HUGE = 'm'.repeat(1_000_000);
/** The most a message may carry of one gateway field (200 characters and an ellipsis), and room for ours. */
const MAX_LINE = 1_000;

describe('gateway text in errors and logs', () => {
  let gateway: HostileGateway | undefined;
  afterEach(async () => gateway?.close());

  it('ids, codes, messages and close reasons are cut and escaped: no huge or forged log lines', async () => {
    gateway = await startHostileGateway({
      onFrame: (frame, { socket }) => {
        if (frame.op === 'ping') return;
        socket.send(JSON.stringify({ id: `${HUGE}${FORGED}`, op: frame.op, code: '200000', data: {} }));
        socket.send(JSON.stringify({ code: `500000${HUGE}${FORGED}`, msg: `${HUGE}${FORGED}` }));
        socket.send(
          JSON.stringify({
            id: frame.id,
            op: frame.op,
            code: '400100',
            msg: `${HUGE}${FORGED}`,
            inTime: 1,
            outTime: 2,
          }),
        );
        socket.close(4000, `bye${FORGED}`.slice(0, 120));
      },
    });
    const lines: string[] = [];
    const logger = {
      info: (...a: unknown[]) => lines.push(a.join(' ')),
      error: (...a: unknown[]) => lines.push(a.join(' ')),
    };
    const client = gateway.client({ attachEventListeners: true, logger, reconnect: { initialDelayMs: 10 } });
    const errors: Error[] = [];
    client.exceptions$.subscribe((e) => errors.push(e.error));
    const reconnecting = firstValueFrom(
      client.stateOf$('wsApiSpotV1').pipe(filter((s) => s.status === 'reconnecting')),
    );
    const outcome = await settle(
      client.submitNewSpotOrder({ side: 'buy', symbol: 'BTC-USDT', type: 'limit', price: '1', size: '1' }),
    );
    const dropped = await reconnecting;
    expect(outcome).toBeInstanceOf(GatewayError);
    const gatewayError = outcome as GatewayError;
    // `msg` is cut and escaped like the message (it reaches log lines too); the envelope in
    // `response` keeps what the gateway sent.
    expect(gatewayError.msg.length).toBeLessThanOrEqual(201);
    expect(gatewayError.msg).not.toMatch(/[\n\r]/);
    expect(gatewayError.response?.msg).toBe(`${HUGE}${FORGED}`);
    errors.push(gatewayError, dropped.error as Error);
    expect(errors).toHaveLength(4);
    const messages = errors.map((e) => e.message);
    console.log(
      `gateway text: longest error message ${Math.max(...messages.map((m) => m.length))} chars, longest log line ${Math.max(...lines.map((l) => l.length))} chars (${lines.length} lines)`,
    );
    for (const text of [...messages, ...lines]) {
      expect(text.length).toBeLessThan(MAX_LINE);
      expect(text).not.toMatch(/[\n\r\u2028\u2029]/);
    }
    expect(messages.join(' ')).toContain('\\u000a[kucoin-wsapi-rx]');
    expect(lines.filter((l) => l.startsWith('[kucoin-wsapi-rx] wsApiSpotV1: authenticated'))).toHaveLength(1);
  });

  it('a refusal with a huge message closes the client with a short AuthenticationError', async () => {
    gateway = await startHostileGateway({
      welcome: () => JSON.stringify({ code: '400003', msg: `${HUGE}${FORGED}` }),
    });
    const lines: string[] = [];
    const logger = {
      info: (...a: unknown[]) => lines.push(a.join(' ')),
      error: (...a: unknown[]) => lines.push(a.join(' ')),
    };
    const client = gateway.client({ attachEventListeners: true, logger });
    const error = await client.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message.length).toBeLessThan(MAX_LINE);
    expect((error as Error).message).not.toMatch(/\n/);
    expect((error as AuthenticationError).msg.length).toBeLessThanOrEqual(201);
    for (const line of lines) expect(line.length).toBeLessThan(MAX_LINE);
  });
});
