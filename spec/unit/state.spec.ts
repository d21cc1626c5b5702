import { firstValueFrom, toArray } from 'rxjs';
import { canTransition, ConnectionStateMachine } from '../../src/transport/state';

describe('ConnectionStateMachine', () => {
  it('starts idle and replays the current state to late subscribers', async () => {
    let t = 100;
    const m = new ConnectionStateMachine('wsApiSpotV1', () => t);
    t = 200;
    m.to('connecting');
    const s = await firstValueFrom(m.state$);
    expect(s).toEqual({ status: 'connecting', wsKey: 'wsApiSpotV1', attempt: 0, since: 200 });
  });

  it('walks connect, drop, reconnect and close, and completes after closed', async () => {
    const m = new ConnectionStateMachine('wsApiFuturesV1');
    const all = firstValueFrom(m.state$.pipe(toArray()));
    const drop = new Error('drop');
    m.to('connecting');
    m.to('authenticating');
    m.to('ready');
    m.to('reconnecting', { attempt: 1, error: drop, retryInMs: 120 });
    m.to('connecting');
    m.to('authenticating');
    m.to('ready');
    m.to('closed');
    const states = await all;
    expect(states.map((s) => s.status)).toEqual([
      'idle',
      'connecting',
      'authenticating',
      'ready',
      'reconnecting',
      'connecting',
      'authenticating',
      'ready',
      'closed',
    ]);
    expect(states[4]).toMatchObject({ attempt: 1, error: drop, retryInMs: 120 });
    expect(states[5].attempt).toBe(1); // the attempt is kept until told otherwise
    // A closed machine still replays its last state.
    await expect(firstValueFrom(m.state$)).resolves.toMatchObject({ status: 'closed' });
  });

  it('ignores transitions out of closed and throws on illegal ones', () => {
    const m = new ConnectionStateMachine('wsApiSpotV1');
    expect(() => m.to('ready')).toThrow(/idle → ready/);
    m.to('closed');
    expect(m.to('connecting')).toBeUndefined();
    expect(m.status).toBe('closed');
  });

  it('only allows the documented edges', () => {
    expect(canTransition('idle', 'connecting')).toBe(true);
    expect(canTransition('ready', 'connecting')).toBe(false);
    expect(canTransition('reconnecting', 'connecting')).toBe(true);
    expect(canTransition('authenticating', 'reconnecting')).toBe(true);
    expect(canTransition('closed', 'idle')).toBe(false);
  });
});
