import { LateAnswerError } from '../../src';
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
