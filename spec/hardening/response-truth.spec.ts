/**
 * `WSAPIResponse` tells the truth. Its type said `op`, `inTime` and `outTime` are present
 * while the envelope codec made them optional and a cast bridged the gap: an answer without
 * `inTime` resolved with `inTime: undefined`, and `latency$` emitted `gatewayMs: NaN`.
 * The type is now derived from the answer codec. An answer without `op` carries its
 * request's op (the id already ties it to that request); an answer without finite
 * `inTime`/`outTime` is malformed: the call fails with a ProtocolError and an exception event.
 */
import type { CallLatency, WSAPIResponse } from '../../src';
import { ProtocolError } from '../../src';
import { Answer } from '../../src/codecs/envelope';
import { startHostileGateway, type HostileGateway } from '../support/hostile-gateway';
import { settle } from '../support/reliability';

const order = (clientOid: string) =>
  ({ side: 'buy', symbol: 'BTC-USDT', type: 'limit', price: '1', size: '1', clientOid }) as const;

describe('WSAPIResponse tells the truth', () => {
  let gateway: HostileGateway | undefined;
  afterEach(async () => gateway?.close());

  it('answers without op get their request op; answers without usable times fail; latency$ never emits NaN', async () => {
    gateway = await startHostileGateway({
      onFrame: (frame, { socket }) => {
        if (frame.op === 'ping') return;
        const { clientOid } = frame.args as { clientOid: string };
        const base = { id: frame.id, code: '200000', data: { orderId: 'o', clientOid } };
        if (clientOid === 'no-op') socket.send(JSON.stringify({ ...base, inTime: 10, outTime: 13 }));
        else if (clientOid === 'no-times') socket.send(JSON.stringify({ ...base, op: frame.op }));
        else if (clientOid === 'infinite') {
          socket.send(
            `{"id":"${frame.id}","op":"${frame.op}","code":"200000","data":{"orderId":"o","clientOid":"infinite"},"inTime":1e400,"outTime":1e400}`,
          );
        } else socket.send(JSON.stringify({ ...base, op: frame.op, inTime: 1, outTime: 2 }));
      },
    });
    const client = gateway.client();
    const latencies: CallLatency[] = [];
    client.latency$.subscribe((l) => latencies.push(l));
    const exceptions: Error[] = [];
    client.exceptions$.subscribe((e) => exceptions.push(e.error));
    const noOp = client.submitNewSpotOrder(order('no-op'));
    const noTimes = client.submitNewSpotOrder(order('no-times'));
    const infinite = client.submitNewSpotOrder(order('infinite'));
    const good = client.submitNewSpotOrder(order('good'));
    const [a, b, c, d] = await Promise.all([noOp, noTimes, infinite, good].map(settle));
    expect(a).toMatchObject({ op: 'spot.order', inTime: 10, outTime: 13, data: { clientOid: 'no-op' } });
    for (const [error, call] of [
      [b, noTimes],
      [c, infinite],
    ] as const) {
      expect(error).toBeInstanceOf(ProtocolError);
      expect(error).toMatchObject({ requestId: call.id, clientOid: call.clientOid });
      expect((error as Error).message).toMatch(/inTime/);
    }
    expect(d).toMatchObject({ op: 'spot.order', inTime: 1, outTime: 2 });
    expect(exceptions).toEqual([b, c]);
    expect(latencies.map((l) => l.gatewayMs)).toEqual([3, 1]);
    for (const l of latencies) expect(Number.isFinite(l.gatewayMs)).toBe(true);
    const response = a as WSAPIResponse;
    expect(Answer.is(response)).toBe(true);
  });

  it('the type is the codec: op, inTime and outTime are required, msg and rateLimit optional', () => {
    const r: WSAPIResponse<{ orderId: string }, 'spot.order'> = {
      id: '1',
      op: 'spot.order',
      code: '200000',
      data: { orderId: 'o' },
      inTime: 1,
      outTime: 2,
      wsKey: 'wsApiSpotV1',
      isWSAPIResponse: true,
    };
    const gatewayMs: number = r.outTime - r.inTime;
    // @ts-expect-error inTime is required
    const missing: WSAPIResponse = {
      id: '1',
      op: 'x',
      code: '1',
      data: 0,
      outTime: 2,
      wsKey: 'wsApiSpotV1',
      isWSAPIResponse: true,
    };
    expect([gatewayMs, missing.inTime]).toEqual([1, undefined]);
  });
});
