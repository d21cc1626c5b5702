/**
 * The response types derived from the codecs are exact: a field that does not exist is a type
 * error (checked by `tsc` in `npm test`), not `any`. The margin order and the futures batch
 * items once had an index signature of `any` from an untyped helper.
 */
import {
  FuturesMultiOrderItem,
  MarginSubmitOrderV3Response,
  type FuturesMultiOrderResponse,
} from '../../src/codecs/responses';

describe('response types', () => {
  it('margin.order data: orderId is a string, borrowSize optional, unknown fields are type errors', () => {
    const data: MarginSubmitOrderV3Response = {
      orderId: 'a',
      clientOid: 'b',
      borrowSize: '1',
      loanApplyId: null,
    };
    const orderId: string = data.orderId;
    const borrowed: string | undefined = data.borrowSize;
    // @ts-expect-error not a field of the answer
    const typo: unknown = data.borrowSizes;
    // @ts-expect-error orderId is a string, not a number
    const wrong: number = data.orderId;
    expect([orderId, borrowed, typo, wrong]).toEqual(['a', '1', undefined, 'a']);
    expect(MarginSubmitOrderV3Response.is(data)).toBe(true);
    expect(MarginSubmitOrderV3Response.is({ clientOid: 'b' })).toBe(false);
  });

  it('futures.multi_order items: code and msg are strings, orderId string or null', () => {
    const items: FuturesMultiOrderResponse = [
      { orderId: null, clientOid: 'c', symbol: 'XBTUSDTM', code: '100001', msg: 'refused' },
    ];
    const code: string = items[0].code;
    // @ts-expect-error not a field of an item
    const typo: unknown = items[0].status;
    expect([code, typo]).toEqual(['100001', undefined]);
    expect(FuturesMultiOrderItem.is(items[0])).toBe(true);
  });
});
