import { tickWriter } from '../../src/transport/writer';

/** A TCP socket's cork count and what left it, in order: frames sent while uncorked leave at once. */
class FakeTcp {
  corks = 0;
  readonly log: string[] = [];
  private held: string[] = [];
  cork(): void {
    this.corks++;
  }
  uncork(): void {
    if (this.corks === 0) throw new Error('uncorked more often than corked');
    if (--this.corks === 0) this.flush();
  }
  send(text: string): void {
    this.held.push(text);
    if (this.corks === 0) this.flush();
  }
  private flush(): void {
    if (this.held.length > 0) this.log.push(this.held.join('+'));
    this.held = [];
  }
}

function setup() {
  const tcp = new FakeTcp();
  const writer = tickWriter((text) => tcp.send(text), tcp);
  return { tcp, writer };
}

/** Lets the microtasks queued so far run (the end of a corked tick is one). */
const endOfTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('tickWriter (frames written together leave together)', () => {
  it('sends a lone frame at once, and after an inbound frame the next one at once too', async () => {
    const { tcp, writer } = setup();
    writer.write('a');
    expect(tcp.log).toEqual(['a']);
    await endOfTick();
    writer.arrived();
    writer.write('b');
    expect(tcp.log).toEqual(['a', 'b']);
    expect(tcp.corks).toBe(0);
  });

  it('corks from the second frame of a tick and uncorks at its end: one write for the rest', async () => {
    const { tcp, writer } = setup();
    writer.write('a');
    writer.write('b');
    writer.write('c');
    expect(tcp.log).toEqual(['a']);
    expect(tcp.corks).toBe(1);
    await Promise.resolve(); // the end of the tick is a microtask queued after this one's
    await endOfTick();
    expect(tcp.log).toEqual(['a', 'b+c']);
    expect(tcp.corks).toBe(0);
    // A corked tick's end starts afresh: the next frame goes out at once.
    writer.write('d');
    expect(tcp.log).toEqual(['a', 'b+c', 'd']);
  });

  it('corks a frame written in a later tick with no inbound frame between, and still sends it in that tick', async () => {
    const { tcp, writer } = setup();
    writer.write('a');
    await endOfTick();
    writer.write('b');
    expect(tcp.log).toEqual(['a']);
    await endOfTick();
    expect(tcp.log).toEqual(['a', 'b']);
    expect(tcp.corks).toBe(0);
  });

  it('an inbound frame during a corked tick leaves the cork to the end of the tick', async () => {
    const { tcp, writer } = setup();
    writer.write('a');
    writer.write('b');
    writer.arrived();
    writer.write('c');
    expect(tcp.corks).toBe(1);
    await endOfTick();
    expect(tcp.log).toEqual(['a', 'b+c']);
    expect(tcp.corks).toBe(0);
  });

  it('releases a long burst in slices of 32 frames', async () => {
    const { tcp, writer } = setup();
    for (let i = 0; i < 100; i++) writer.write(String(i));
    await endOfTick();
    expect(tcp.log.map((w) => w.split('+').length)).toEqual([1, 32, 32, 32, 3]);
    expect(tcp.log.join('+')).toBe(Array.from({ length: 100 }, (_, i) => String(i)).join('+'));
  });

  it('is the plain send without a TCP socket', () => {
    const sent: string[] = [];
    const writer = tickWriter((text) => sent.push(text), undefined);
    writer.write('a');
    writer.arrived();
    writer.write('b');
    expect(sent).toEqual(['a', 'b']);
  });
});
