import { resolveSettings } from '../../src/client/options';

describe('resolveSettings', () => {
  it('caps handshakeTimeoutMs at what setTimeout can wait (a longer delay, Infinity too, would fire after 1 ms)', () => {
    expect(resolveSettings({ handshakeTimeoutMs: Infinity }).handshakeTimeoutMs).toBe(2 ** 31 - 1);
    expect(resolveSettings({ handshakeTimeoutMs: 2 ** 40 }).handshakeTimeoutMs).toBe(2 ** 31 - 1);
    expect(resolveSettings({ handshakeTimeoutMs: 1_234 }).handshakeTimeoutMs).toBe(1_234);
    expect(resolveSettings({}).handshakeTimeoutMs).toBe(10_000);
  });

  it('still refuses a handshakeTimeoutMs that is not a positive number', () => {
    expect(() => resolveSettings({ handshakeTimeoutMs: 0 })).toThrow(RangeError);
    expect(() => resolveSettings({ handshakeTimeoutMs: Number.NaN })).toThrow(RangeError);
  });
});
