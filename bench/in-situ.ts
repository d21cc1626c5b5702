/**
 * `npx tsx bench/in-situ.ts`: what checking an order costs inside the sequential benchmark,
 * against what the same code costs in a loop. Our client runs sequential calls against the
 * minimal gateway (bench/min-gateway.ts, its own process); the spot order codec's
 * `exceptClientOid`, the client's first look at an order, is wrapped so that before it ONE
 * probe runs and is timed: the probes take turns, so each runs first after a round trip, as
 * the client's own check does. Then the same probes run again in a tight loop over the same
 * orders. Prints, per probe, the median ns in situ and in a loop, each minus the empty probe's
 * (the timer's own cost).
 *
 * On a 2-core machine the gateway and the kernel run on the client's core between two calls
 * and push the client's code and data out of the caches (and its pages out of the TLB), so a
 * step costs several times what a loop says. The benchmark's clientOid is a fresh
 * randomUUID(), which V8 keeps as a rope of strings: reading its characters flattens it first
 * (in situ; in the loop it is flat already), and `JSON.stringify` flattens it far more cheaply
 * as it writes it, hence the client's order of work (the last probe; the one before is how the
 * client checked before). The answers get the same treatment: `ws`' 'message' event is wrapped
 * so that each answer's text goes through one answer probe before the client sees it.
 * IN_SITU_N (default 40,000) calls.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { WebsocketAPIClient } from '../src';
import { strictObject } from '../src/codecs/object';
import { ClientOid, isDecimalString, isSymbol } from '../src/codecs/primitives';
import { OPERATIONS } from '../src/operations';
import { requestFrame } from '../src/rpc/prepare';
import { isAnswer } from '../src/rpc/response-envelope';
import { openOurs, type Target } from './clients';
import { sequentialSamples, windowedTimed } from './scenarios';
import { median } from './worker-process';

const ROOT = join(__dirname, '..');
const N = Number(process.env.IN_SITU_N ?? '40000');

type Fields = Record<string, unknown>;
type Probe<T> = readonly [name: string, run: (input: T) => unknown];

/** Probes that take turns on the inputs of one step, timed in situ, then again in a loop. */
class Prober<T> {
  private readonly inSitu: number[][];
  private readonly inputs: T[] = [];
  private turn = 0;

  constructor(private readonly probes: ReadonlyArray<Probe<T>>) {
    this.inSitu = probes.map((): number[] => []);
  }

  /** Runs the next probe on `input`, timed. */
  probe(input: T): void {
    const i = this.turn++ % this.probes.length;
    const t0 = process.hrtime.bigint();
    const ok = this.probes[i][1](input);
    this.inSitu[i].push(Number(process.hrtime.bigint() - t0));
    if (ok === false) throw new Error(`probe ${this.probes[i][0]} failed`);
    this.inputs.push(input);
  }

  /** The table: each probe's median in situ and in a loop over the same inputs, minus the first (empty) probe's. */
  table(): string {
    const inLoop = this.probes.map((): number[] => []);
    for (let rep = 0; rep < 3; rep++) {
      this.probes.forEach(([, run], i) => {
        for (const input of this.inputs) {
          const t0 = process.hrtime.bigint();
          run(input);
          inLoop[i].push(Number(process.hrtime.bigint() - t0));
        }
      });
    }
    const base = [median(this.inSitu[0]), median(inLoop[0])];
    const rows = this.probes.map(([name], i) => {
      const [s, l] = i === 0 ? base : [median(this.inSitu[i]) - base[0], median(inLoop[i]) - base[1]];
      return `| ${name} | ${s.toFixed(0)} | ${l.toFixed(0)} |`;
    });
    return ['| probe | in situ (ns) | in a loop (ns) |', '| --- | --- | --- |', ...rows].join('\n');
  }
}

async function main(): Promise<void> {
  const spot = OPERATIONS.submitNewSpotOrder;
  const codec = spot.request;
  const except = codec.exceptClientOid as (o: Fields) => boolean;
  // The same fields checked the generic way (strictObject's own fast path), without the
  // cross-field rules: a lower bound of what the hand-written check replaces.
  const generic = strictObject('generic', codec.required, codec.optional).exceptClientOid as (
    o: Fields,
  ) => boolean;
  const frame = (o: Fields): boolean => requestFrame('1', 'spot.order', o).length > 0;
  const requests = new Prober<Fields>([
    ['empty (subtracted)', (o) => o !== null],
    [
      'symbol, price and size checks',
      (o) =>
        isSymbol(o.symbol as string) &&
        isDecimalString(o.price as string) &&
        isDecimalString(o.size as string),
    ],
    ['the clientOid check', (o) => ClientOid.is(o.clientOid)],
    ['every rule but the clientOid characters, hand-written', (o) => except(o)],
    ["the same fields by strictObject's generic check, without cross-field rules", (o) => generic(o)],
    // The clocks a call may read (calls into C++; the order call reads the wall clock only for reconcile).
    ['performance.now()', () => performance.now() > 0],
    ['Date.now()', () => Date.now() > 0],
    ['the codec check, then the frame', (o) => codec.isOwnData(o) && frame(o)],
    [
      'all but the clientOid, the frame, the clientOid',
      (o) => except(o) && frame(o) && ClientOid.is(o.clientOid),
    ],
  ]);
  const answers = new Prober<string>([
    ['empty (subtracted)', (text) => text.length > 0],
    ['JSON.parse', (text) => JSON.parse(text) !== null],
    [
      'JSON.parse, envelope and data checks',
      (text) => {
        const answer = JSON.parse(text) as Fields;
        return isAnswer(answer) && spot.response.is(answer.data);
      },
    ],
  ]);
  let measuring = false;
  // The client's first look at an order (src/rpc/prepare.ts): each call runs one probe first.
  (codec as { exceptClientOid?: (o: Fields) => boolean }).exceptClientOid = (o: Fields): boolean => {
    if (measuring) requests.probe(o);
    return except(o);
  };
  // Each answer, as `ws` hands it to its listeners.
  const emit = WebSocket.prototype.emit;
  WebSocket.prototype.emit = function (this: WebSocket, event: string | symbol, ...args: unknown[]): boolean {
    if (measuring && event === 'message') answers.probe(String(args[0]));
    return emit.call(this, event, ...args);
  };

  const gateway = spawn(process.execPath, ['--import', 'tsx', 'bench/min-gateway.ts'], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((r) => createInterface({ input: gateway.stdout! }).once('line', r));
  const bench = await openOurs(WebsocketAPIClient, JSON.parse(line) as Target);
  // The same warm-up as a benchmark worker's.
  await windowedTimed(bench.place, 20_000, 100);
  await sequentialSamples(bench.place, 5_000);
  measuring = true;
  await sequentialSamples(bench.place, N);
  measuring = false;
  await bench.close();
  gateway.stdin!.end();
  WebSocket.prototype.emit = emit;

  console.log(`Checking an order:\n\n${requests.table()}\n\nReading its answer:\n\n${answers.table()}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
