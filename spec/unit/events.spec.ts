import { firstValueFrom, toArray } from 'rxjs';
import { WsApiEventEmitter } from '../../src/client/events';

describe('WsApiEventEmitter', () => {
  it('on / once / off by type, in registration order', () => {
    const e = new WsApiEventEmitter();
    const seen: string[] = [];
    const a = () => seen.push('a');
    e.on('open', a);
    e.once('open', () => seen.push('once'));
    e.on('open', () => seen.push('b'));
    e.emit({ type: 'open', wsKey: 'wsApiSpotV1' });
    e.off('open', a);
    e.emit({ type: 'open', wsKey: 'wsApiSpotV1' });
    e.emit({ type: 'authenticated', wsKey: 'wsApiSpotV1' });
    expect(seen).toEqual(['a', 'once', 'b', 'b']);
    expect(e.listenerCount('open')).toBe(1);
    e.off('open');
    expect(e.listenerCount('open')).toBe(0);
  });

  it('wants(type) is true only for types someone watches (the hot path builds no unwatched event)', () => {
    const e = new WsApiEventEmitter();
    expect(e.wants('response')).toBe(false);
    const sub = e.eventsOf$('exception').subscribe();
    expect(e.wants('exception')).toBe(true);
    expect(e.wants('response')).toBe(false);
    sub.unsubscribe();
    const all = e.events$.subscribe();
    expect(e.wants('response')).toBe(true);
    all.unsubscribe();
    e.on('response', () => undefined);
    expect(e.wants('response')).toBe(true);
  });

  it('events$ carries every type in order and completes with the client', async () => {
    const e = new WsApiEventEmitter();
    const all = firstValueFrom(e.events$.pipe(toArray()));
    e.emit({ type: 'open', wsKey: 'wsApiSpotV1' });
    e.emit({ type: 'exception', wsKey: 'wsApiSpotV1', error: new Error('x'), frame: undefined });
    e.emit({ type: 'close', wsKey: 'wsApiSpotV1', error: undefined });
    e.complete();
    expect((await all).map((x) => x.type)).toEqual(['open', 'exception', 'close']);
  });

  it('a throwing handler does not stop the others; its error is rethrown asynchronously', () => {
    jest.useFakeTimers();
    try {
      const e = new WsApiEventEmitter();
      const seen: string[] = [];
      e.on('open', () => {
        throw new Error('bug');
      });
      e.on('open', () => seen.push('second'));
      expect(() => e.emit({ type: 'open', wsKey: 'wsApiSpotV1' })).not.toThrow();
      expect(seen).toEqual(['second']);
      expect(() => jest.runAllTimers()).toThrow('bug');
    } finally {
      jest.useRealTimers();
    }
  });
});
