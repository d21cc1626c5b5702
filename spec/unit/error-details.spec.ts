import { DisconnectedError, ValidationError } from '../../src/errors';
import { OPERATIONS } from '../../src/operations';
import { WsApiCall } from '../../src/rpc/call';
import { requestDetails } from '../../src/rpc/error-details';

describe('requestDetails(): how every error names its request', () => {
  it('a call: op, correlation id and clientOid', () => {
    const call = new WsApiCall('7', OPERATIONS.submitNewSpotOrder, 'wsApiSpotV1', 'oid-7', undefined, 0);
    expect(requestDetails(call)).toEqual({
      op: 'spot.order',
      requestId: '7',
      clientOid: 'oid-7',
      clientOids: undefined,
    });
  });

  it("a batch call: the orders' clientOids", () => {
    const spec = OPERATIONS.submitMultipleFuturesOrders;
    const call = new WsApiCall('8', spec, 'wsApiFuturesV1', undefined, ['a', 'b'], 0);
    expect(new DisconnectedError(requestDetails(call)).toJSON()).toMatchObject({
      op: 'futures.multi_order',
      requestId: '8',
      clientOids: ['a', 'b'],
    });
  });

  it('a REST request (no correlation id): op and clientOid only, and nothing else the object holds', () => {
    const request = { op: 'lookupOrder', clientOid: 'x', target: '/api/v1/x?secret', body: '{"k":1}' };
    const json = new ValidationError(
      [{ field: 'symbol', rule: 'required' }],
      requestDetails(request),
    ).toJSON();
    expect(json).toMatchObject({ op: 'lookupOrder', clientOid: 'x' });
    expect(JSON.stringify(json)).not.toMatch(/secret|target|body/);
    expect(json).not.toHaveProperty('requestId');
  });
});
