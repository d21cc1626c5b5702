import {
  add,
  compare,
  div,
  floorTo,
  formatDecimal,
  isMultiple,
  mul,
  ONE,
  parseDecimal,
  parseDecimalCached,
  sub,
} from '../../src/simulator/exchange/decimal';

const d = (text: string): bigint => {
  const value = parseDecimal(text);
  if (value === undefined) throw new Error(`bad decimal ${text}`);
  return value;
};

describe('decimal', () => {
  it('parses to 18-decimal scaled integers', () => {
    expect(d('1')).toBe(ONE);
    expect(d('0.1')).toBe(10n ** 17n);
    expect(d('20000')).toBe(20000n * ONE);
    expect(d('-1.5')).toBe(-15n * 10n ** 17n);
    expect(d('0.000000000000000001')).toBe(1n);
    expect(d('123456789012345678.123456789012345678')).toBe(123456789012345678123456789012345678n);
  });

  it('rejects what it cannot represent exactly', () => {
    for (const bad of [
      '',
      '.',
      '1.',
      '.5',
      '1e5',
      '1.2.3',
      'abc',
      '--1',
      '0.0000000000000000001',
      ' 1',
      '1,5',
    ])
      expect(parseDecimal(bad)).toBeUndefined();
  });

  it('formats canonically without trailing zeros', () => {
    expect(formatDecimal(d('0.0001'))).toBe('0.0001');
    expect(formatDecimal(d('20000'))).toBe('20000');
    expect(formatDecimal(d('20000.50'))).toBe('20000.5');
    expect(formatDecimal(d('-0.25'))).toBe('-0.25');
    expect(formatDecimal(0n)).toBe('0');
    expect(formatDecimal(1n)).toBe('0.000000000000000001');
  });

  it('adds and subtracts exactly where floating point does not', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(formatDecimal(add(d('0.1'), d('0.2')))).toBe('0.3');
    expect(formatDecimal(sub(d('1'), d('0.9')))).toBe('0.1');
    let sum = 0n;
    for (let i = 0; i < 1000; i++) sum = add(sum, d('0.001'));
    expect(formatDecimal(sum)).toBe('1');
  });

  it('multiplies and divides with truncation at 18 decimals', () => {
    expect(formatDecimal(mul(d('30000.1'), d('0.00000001')))).toBe('0.000300001');
    expect(formatDecimal(mul(d('1.5'), d('-2')))).toBe('-3');
    expect(formatDecimal(div(d('1'), d('3')))).toBe('0.333333333333333333');
    expect(formatDecimal(div(d('100'), d('30000')))).toBe('0.003333333333333333');
    expect(() => div(ONE, 0n)).toThrow(RangeError);
  });

  it('compares, checks steps and floors to steps', () => {
    expect(compare(d('1'), d('2'))).toBe(-1);
    expect(compare(d('2'), d('2.0'))).toBe(0);
    expect(compare(d('2.01'), d('2'))).toBe(1);
    expect(isMultiple(d('30000.1'), d('0.1'))).toBe(true);
    expect(isMultiple(d('30000.15'), d('0.1'))).toBe(false);
    expect(formatDecimal(floorTo(d('0.123456789'), d('0.00000001')))).toBe('0.12345678');
  });
});

describe('parseDecimalCached', () => {
  it('returns the same values as parseDecimal, sharing one BigInt per text', () => {
    for (const text of ['30000.1', '0.001', '1', '-2.5'])
      expect(parseDecimalCached(text)).toBe(parseDecimal(text));
    expect(parseDecimalCached('nope')).toBeUndefined();
    expect(parseDecimalCached('nope')).toBeUndefined();
  });

  it('stays correct past its size limit', () => {
    for (let i = 0; i < 10_000; i++) expect(parseDecimalCached(`${i}.5`)).toBe(BigInt(i) * ONE + ONE / 2n);
  });
});
