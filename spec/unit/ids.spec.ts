import { createIdGenerator } from '../../src/rpc/ids';

describe('request ids', () => {
  it('counts from "1" as strings', () => {
    const next = createIdGenerator();
    expect([next(), next(), next()]).toEqual(['1', '2', '3']);
  });

  it('generators are independent', () => {
    const a = createIdGenerator();
    const b = createIdGenerator();
    a();
    a();
    expect(b()).toBe('1');
    expect(a()).toBe('3');
  });

  it('puts the prefix in front (pings use their own namespace)', () => {
    const next = createIdGenerator('ping-');
    expect([next(), next()]).toEqual(['ping-1', 'ping-2']);
  });

  it('never repeats over many ids', () => {
    const next = createIdGenerator();
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) seen.add(next());
    expect(seen.size).toBe(100_000);
  });
});
