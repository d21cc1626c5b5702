/**
 * Cross-field rules compare decimals exactly. `visibleSize '123456789012345679'` with
 * `size '123456789012345678'` passed validation (both are 123456789012345680 as JS numbers)
 * and reached the wire, where the engine refused it.
 */
import { ValidationError } from '../../src';
import { compareDecimals } from '../../src/codecs/primitives';
import { framesFor, limitBuy, useHarness } from '../client/harness';

const h = useHarness();

const iceberg = (size: string, visibleSize: string) =>
  limitBuy({ size, visibleSize, iceberg: true, clientTimestamp: Date.now() });

describe('cross-field rules compare decimals exactly', () => {
  it.each([
    ['123456789012345678', '123456789012345679'],
    ['0.1', '0.100000000000000001'],
    ['9007199254740992', '9007199254740993'],
  ])('size %s with visibleSize %s is refused before anything is sent', async (size, visibleSize) => {
    const { sim, client } = await h.start();
    const call = client.submitNewSpotOrder(iceberg(size, visibleSize));
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toContainEqual({
      field: 'visibleSize',
      rule: 'must not exceed size',
    });
    expect(call.sent).toBe(false);
    expect(framesFor(sim, call.id)).toBe(0);
  });

  it('an equal visibleSize written differently passes', async () => {
    const { client } = await h.start();
    await expect(client.submitNewSpotOrder(iceberg('1.5', '1.50'))).resolves.toMatchObject({
      code: '200000',
    });
  });

  it('compareDecimals orders canonical decimal strings exactly', () => {
    expect(compareDecimals('123456789012345678', '123456789012345679')).toBe(-1);
    expect(compareDecimals('10', '9.999999999999999999')).toBe(1);
    expect(compareDecimals('0.5', '0.50')).toBe(0);
    expect(compareDecimals('0.05', '0.5')).toBe(-1);
    expect(compareDecimals('2', '2.000000000000000001')).toBe(-1);
  });
});
