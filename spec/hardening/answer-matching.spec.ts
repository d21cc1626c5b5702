/**
 * An answer is matched by id and op. A `spot.order` call used to resolve with an answer whose
 * `op` was `spot.cancel`, and an answer with `op: "pong"` carrying a pending request id was
 * dropped without a word (the call timed out). A mismatch now fails the call with a
 * ProtocolError and an `exception` event; only pongs to the client's own pings are dropped.
 * An answer whose data names a clientOid the request did not (the answer to another order) was
 * accepted as the call's success; it now fails the call the same way.
 */
import { ProtocolError } from '../../src';
import {
  answerOf,
  startHostileGateway,
  type HostileGateway,
  type RequestLike,
} from '../support/hostile-gateway';
import { settle } from '../support/reliability';

const order = (clientOid: string) =>
  ({ side: 'buy', symbol: 'BTC-USDT', type: 'limit', price: '1', size: '1', clientOid }) as const;

const futuresOrder = {
  symbol: 'XBTUSDTM',
  side: 'buy',
  type: 'limit',
  price: '1',
  size: 1,
  leverage: 1,
  marginMode: 'ISOLATED',
} as const;

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

  it("a success answer naming another clientOid than the request's fails the call with a ProtocolError and an exception event", async () => {
    gateway = await startHostileGateway({
      onFrame: (frame, { socket }) => {
        const args = frame.args as { clientOid?: string; orderId?: string } | undefined;
        if (args?.clientOid === 'mine') {
          socket.send(answerOf(frame, { data: { orderId: 'o-theirs', clientOid: 'somebody-else' } }));
        } else socket.send(answerOf(frame));
      },
    });
    const client = gateway.client({ requestTimeoutMs: 20_000 });
    const exceptions: Error[] = [];
    client.exceptions$.subscribe((e) => exceptions.push(e.error));
    const foreign = client.submitNewSpotOrder(order('mine'));
    const error = await settle(foreign);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ requestId: foreign.id, clientOid: 'mine', op: 'spot.order' });
    expect((error as Error).message).toMatch(/clientOid "somebody-else", which is not the request's/);
    expect(exceptions).toEqual([error]);
    // A request without a clientOid of its own (a cancel by orderId) takes the order's.
    await expect(client.cancelSpotOrder({ symbol: 'BTC-USDT', orderId: 'o-1' })).resolves.toMatchObject({
      data: { clientOid: 'c' },
    });
    await expect(client.submitNewSpotOrder(order('agrees'))).resolves.toMatchObject({
      data: { clientOid: 'agrees' },
    });
  });

  it("a batch answer's items must each name one of the batch's clientOids, once; their order may differ", async () => {
    const batchAnswer = (frame: RequestLike, oids: string[]): string =>
      answerOf(frame, {
        data: oids.map((clientOid, i) => ({
          orderId: `o-${i}`,
          clientOid,
          symbol: 'XBTUSDTM',
          code: '200000',
          msg: '',
        })),
      });
    gateway = await startHostileGateway({
      onFrame: (frame, { socket }) => {
        const orders = (Array.isArray(frame.args) ? frame.args : []) as Array<{ clientOid: string }>;
        const oids = orders.map((o) => o.clientOid);
        if (oids[0] === 'swapped-1') socket.send(batchAnswer(frame, [...oids].reverse()));
        else if (oids[0] === 'empty-1') socket.send(batchAnswer(frame, [oids[0], '']));
        else if (oids[0] === 'short-1') socket.send(batchAnswer(frame, [oids[0]]));
        else if (oids[0] === 'stranger-1') socket.send(batchAnswer(frame, [oids[0], 'stranger-x']));
        else if (oids[0] === 'twice-1') socket.send(batchAnswer(frame, [oids[0], oids[0]]));
        else socket.send(answerOf(frame));
      },
    });
    const client = gateway.client({ requestTimeoutMs: 20_000 });
    const exceptions: Error[] = [];
    client.exceptions$.subscribe((e) => exceptions.push(e.error));
    const batch = (first: string) => [
      { ...futuresOrder, clientOid: first },
      { ...futuresOrder, clientOid: `${first.slice(0, -1)}2` },
    ];
    await expect(client.submitMultipleFuturesOrders(batch('swapped-1'))).resolves.toMatchObject({
      data: [{ clientOid: 'swapped-2' }, { clientOid: 'swapped-1' }],
    });
    const stranger = await settle(client.submitMultipleFuturesOrders(batch('stranger-1')));
    expect(stranger).toBeInstanceOf(ProtocolError);
    expect((stranger as Error).message).toMatch(/clientOid "stranger-x"/);
    const twice = await settle(client.submitMultipleFuturesOrders(batch('twice-1')));
    expect(twice).toBeInstanceOf(ProtocolError);
    expect((twice as Error).message).toMatch(/clientOid "twice-1"/);
    // An empty clientOid names none: the item is paired by position, as the tracker pairs it.
    await expect(client.submitMultipleFuturesOrders(batch('empty-1'))).resolves.toMatchObject({
      data: [{ clientOid: 'empty-1' }, { clientOid: '' }],
    });
    // An answer that leaves an order out does not describe the request.
    const short = await settle(client.submitMultipleFuturesOrders(batch('short-1')));
    expect(short).toBeInstanceOf(ProtocolError);
    expect((short as Error).message).toMatch(/1 item\(s\) for the batch's 2 order\(s\)/);
    expect(exceptions).toEqual([stranger, twice, short]);
  });
});
