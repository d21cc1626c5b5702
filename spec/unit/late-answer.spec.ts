import { ClientClosedError, LateAnswerError, TimeoutError } from '../../src';
import { lateAnswerDisagreement } from '../../src/rpc/late-answer';
import type { WsApiCall } from '../../src/rpc/call';
import type { WSAPIResponse } from '../../src/rpc/response';

const item = (clientOid: string, orderId: string | null, code = '200000') => ({
  orderId,
  clientOid,
  symbol: 'XBTUSDTM',
  code,
  msg: '',
});

const response = (data: unknown): WSAPIResponse =>
  ({ id: '7', op: 'futures.multi_order', code: '200000', data, inTime: 0, outTime: 0 }) as WSAPIResponse;

/** A batch call reconcile resolved with `data` (only what lateAnswerDisagreement reads). */
const reconciledCall = (data: unknown): WsApiCall =>
  ({
    op: 'futures.multi_order',
    id: '7',
    clientOid: undefined,
    clientOids: ['a', 'b'],
    settledWith: { response: { ...response(data), reconciled: true } },
  }) as unknown as WsApiCall;

describe('lateAnswerDisagreement, a futures.multi_order batch', () => {
  const reconciled = [item('a', 'oa'), item('b', 'ob')];

  it('a late answer with the same items in another order agrees', () => {
    const call = reconciledCall(reconciled);
    expect(lateAnswerDisagreement(call, response([item('b', 'ob'), item('a', 'oa')]))).toBeUndefined();
    expect(lateAnswerDisagreement(call, response([item('a', 'oa'), item('b', 'ob')]))).toBeUndefined();
  });

  it('a late answer that gives an order another orderId, or refuses it, disagrees', () => {
    const call = reconciledCall(reconciled);
    expect(lateAnswerDisagreement(call, response([item('b', 'oa'), item('a', 'ob')]))).toBeInstanceOf(
      LateAnswerError,
    );
    expect(
      lateAnswerDisagreement(call, response([item('b', null, '300003'), item('a', 'oa')])),
    ).toBeInstanceOf(LateAnswerError);
  });
});

describe('lateAnswerDisagreement, a call that failed as outcome unknown', () => {
  const failedCall = (error: unknown): WsApiCall =>
    ({ op: 'futures.order', id: '8', clientOid: 'c8', settledWith: { error } }) as unknown as WsApiCall;
  const placed = {
    id: '8',
    op: 'futures.order',
    code: '200000',
    data: { orderId: 'o8', clientOid: 'c8' },
    inTime: 0,
    outTime: 0,
  } as WSAPIResponse;

  it('says REST could not tell only when reconcile left it unknown, not for a client that closed for a reason', () => {
    const gaveUp = new ClientClosedError({
      op: 'futures.order',
      sent: true,
      reason: 'wsApiSpotV1 gave up after 2 reconnect attempts',
      cause: new Error('socket hang up'),
    });
    const closed = lateAnswerDisagreement(failedCall(gaveUp), placed);
    expect(closed?.message).toContain('failed as outcome unknown (ClientClosedError), and tells its outcome');
    const unknown = new TimeoutError({
      op: 'futures.order',
      timeoutMs: 5,
      sent: true,
      cause: new Error('REST down'),
    });
    expect(lateAnswerDisagreement(failedCall(unknown), placed)?.message).toContain(
      '(TimeoutError; REST could not tell)',
    );
  });
});
