import { ClientClosedError } from '../../src/errors';
import { WsApiCall } from '../../src/rpc/call';
import type { RpcChannel } from '../../src/rpc/channel';
import { createIdGenerator } from '../../src/rpc/ids';
import { clientOidsOf } from '../../src/rpc/prepare';
import { startCall, type RequestContext } from '../../src/rpc/request';

const order = { side: 'buy', symbol: 'BTC-USDT', type: 'limit', price: '1', size: '1' };

function setup(closed = false, writable = true) {
  /** What the channel was asked to follow: each call, its frame, and whether it was written. */
  const submitted: Array<{ call: WsApiCall; frame: string; written: boolean }> = [];
  /** What happened, in order: `write <frame>` (the channel wrote), `make <id>` (the call was made). */
  const events: string[] = [];
  const channel = {
    sendNow: (frame: string) => {
      if (writable) events.push(`write ${frame}`);
      return writable;
    },
    track: (call: WsApiCall, frame: string, written: boolean) => submitted.push({ call, frame, written }),
  };
  const context: RequestContext = {
    nextId: createIdGenerator(),
    channelOf: (wsKey) => (wsKey === 'wsApiSpotV1' ? (channel as unknown as RpcChannel) : undefined),
    closed: () => closed,
    closedError: (call) => new ClientClosedError({ op: call.op, requestId: call.id }),
    onUnobservedFailure: () => undefined,
    makeCall: (id, spec, wsKey, args) => {
      events.push(`make ${id}`);
      const oids = clientOidsOf(spec, args);
      const clientOid = typeof oids === 'string' ? oids : undefined;
      return new WsApiCall(
        id,
        spec,
        wsKey,
        clientOid,
        typeof oids === 'object' ? oids : undefined,
        performance.now(),
      );
    },
  };
  return { context, submitted, events };
}

describe('startCall(): the request core', () => {
  it('prepares, makes the call and hands its frame to the channel of the wsKey', () => {
    const { context, submitted } = setup();
    const call = startCall(context, 'spot.order', order, undefined);
    expect([call.id, call.op, call.wsKey, call.status]).toEqual([
      '1',
      'spot.order',
      'wsApiSpotV1',
      'pending',
    ]);
    expect(submitted).toHaveLength(1);
    expect(submitted[0].call).toBe(call);
    expect(submitted[0].written).toBe(true);
    expect(JSON.parse(submitted[0].frame)).toEqual({
      id: '1',
      op: 'spot.order',
      args: { ...order, clientOid: call.clientOid },
    });
  });

  it('writes the frame before it makes the call, which the channel then follows', () => {
    const { context, submitted, events } = setup();
    startCall(context, 'spot.order', order, undefined);
    expect(events).toEqual([`write ${submitted[0].frame}`, 'make 1']);
  });

  it('a frame the channel cannot write now is handed over with its call, to be queued', () => {
    const { context, submitted, events } = setup(false, false);
    const call = startCall(context, 'spot.order', order, undefined);
    expect(events).toEqual(['make 1']);
    expect(submitted).toEqual([{ call, frame: expect.stringContaining('"id":"1"'), written: false }]);
    expect(call.status).toBe('pending');
  });

  it('an unknown operation fails validation, naming it, and sends nothing', async () => {
    const { context, submitted } = setup();
    const call = startCall(context, 'spot.nope', order, undefined);
    await expect(call).rejects.toMatchObject({
      name: 'ValidationError',
      op: 'spot.nope',
      requestId: '1',
      issues: [{ field: 'op', rule: 'unknown operation "spot.nope"' }],
    });
    expect(call.op).toBe('spot.nope');
    expect(submitted).toHaveLength(0);
  });

  it('a wsKey the client does not have fails validation and sends nothing', async () => {
    const { context, submitted } = setup();
    const call = startCall(context, 'submitNewSpotOrder', order, 'toString' as never);
    await expect(call).rejects.toMatchObject({ name: 'ValidationError', issues: [{ field: 'wsKey' }] });
    expect(call.wsKey).toBe('wsApiSpotV1');
    expect(submitted).toHaveLength(0);
  });

  it('parameters whose getter throws are a ValidationError, not a throw', async () => {
    const { context, submitted } = setup();
    const hostile = Object.defineProperty({ ...order }, 'price', {
      enumerable: true,
      get: () => {
        throw new Error('gotcha');
      },
    });
    let call: WsApiCall | undefined;
    expect(() => (call = startCall(context, 'spot.order', hostile, undefined))).not.toThrow();
    await expect(call).rejects.toMatchObject({
      name: 'ValidationError',
      issues: [{ field: '(request)', rule: expect.stringMatching(/could not be read/) }],
    });
    expect(submitted).toHaveLength(0);
  });

  it('a closed client: the call fails with the closed error, with its clientOid, and nothing is sent', async () => {
    const { context, submitted, events } = setup(true);
    const call = startCall(context, 'spot.order', order, undefined);
    await expect(call).rejects.toBeInstanceOf(ClientClosedError);
    expect(call.clientOid).toEqual(expect.any(String));
    expect(submitted).toHaveLength(0);
    expect(events).toEqual(['make 1']);
  });
});
