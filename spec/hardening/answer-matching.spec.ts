/**
 * An answer is matched by id and op. A `spot.order` call used to resolve with an answer whose
 * `op` was `spot.cancel`, and an answer with `op: "pong"` carrying a pending request id was
 * dropped without a word (the call timed out). A mismatch now fails the call with a
 * ProtocolError and an `exception` event; only pongs to the client's own pings are dropped.
 */
import { ProtocolError } from '../../src';
import { answerOf, startHostileGateway, type HostileGateway } from '../support/hostile-gateway';
import { settle } from '../support/reliability';

const order = (clientOid: string) =>
  ({ side: 'buy', symbol: 'BTC-USDT', type: 'limit', price: '1', size: '1', clientOid }) as const;

describe('answers are matched by id and op', () => {
  let gateway: HostileGateway | undefined;
  afterEach(async () => gateway?.close());

  it("an answer whose op is not the request's fails the call with a ProtocolError and an exception event; a pong with a request's id too", async () => {
    gateway = await startHostileGateway({
      onFrame: (frame, { socket }) => {
        const args = frame.args as { clientOid?: string } | undefined;
        if (args?.clientOid === 'wrong-op') socket.send(answerOf(frame, { op: 'spot.cancel' }));
        else if (args?.clientOid === 'pong')
          socket.send(JSON.stringify({ id: frame.id, op: 'pong', timestamp: Date.now() }));
        else socket.send(answerOf(frame));
      },
    });
    const client = gateway.client({ requestTimeoutMs: 20_000 });
    const exceptions: Error[] = [];
    client.exceptions$.subscribe((e) => exceptions.push(e.error));
    const wrongOp = client.submitNewSpotOrder(order('wrong-op'));
    const pong = client.submitNewSpotOrder(order('pong'));
    const good = client.submitNewSpotOrder(order('good'));
    const [a, b] = await Promise.all([settle(wrongOp), settle(pong)]);
    expect(a).toBeInstanceOf(ProtocolError);
    expect(a).toMatchObject({ requestId: wrongOp.id, clientOid: 'wrong-op', op: 'spot.order' });
    expect((a as Error).message).toMatch(/op "spot\.cancel" .*spot\.order/);
    expect(b).toBeInstanceOf(ProtocolError);
    expect(b).toMatchObject({ requestId: pong.id, clientOid: 'pong' });
    expect((b as Error).message).toMatch(/op "pong"/);
    await expect(good).resolves.toMatchObject({ op: 'spot.order', data: { clientOid: 'good' } });
    expect(exceptions).toEqual([a, b]);
    expect(client.stateOf('wsApiSpotV1').status).toBe('ready');
  });

  it('an answer whose code is not digits fails the call with a ProtocolError and an exception event, as other malformed answers', async () => {
    gateway = await startHostileGateway({
      onFrame: (frame, { socket }) =>
        socket.send(
          answerOf(frame, frame.op === 'ping' ? {} : { code: 'bad\ncode', msg: 'no', data: undefined }),
        ),
    });
    const client = gateway.client({ requestTimeoutMs: 20_000 });
    const exceptions: Error[] = [];
    client.exceptions$.subscribe((e) => exceptions.push(e.error));
    const call = client.submitNewSpotOrder(order('bad-code'));
    const error = await settle(call);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toBe('malformed frame: answer code bad\\u000acode is not digits');
    expect(exceptions).toEqual([error]);
  });
});
