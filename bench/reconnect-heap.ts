/**
 * `node --expose-gc --import tsx bench/reconnect-heap.ts`: what one reconnect leaves behind in
 * the client. One client against an in-process simulator (its frame log off, so the simulator
 * keeps nothing per session); the gateway drops the connection RECONNECT_KEY (default
 * wsApiSpotV1; pushSpot drops the spot push connection, with `orderUpdates$` subscribed) and
 * the client reconnects, RECONNECTS times (default 1,000) after 200 to warm up. Prints the
 * retained heap per reconnect after GC, and the heap snapshots' difference by object type
 * and name (count and bytes per reconnect, the 12 largest): a leak shows as objects of the
 * client's own classes or closures growing by one or more per reconnect. What V8 compiles
 * meanwhile (`code` entries) grows with the run and then stops; it is not the client's data.
 * RECONNECT_ORDER_UPDATES=1 opens the push channel with the client (`orderUpdates: true`).
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { first, firstValueFrom, skipWhile } from 'rxjs';
import { WebsocketAPIClient, type ConnectionKey } from '../src';
import { startSimulator } from '../src/simulator';

const gcOrUndefined = (globalThis as { gc?: () => void }).gc;
if (gcOrUndefined === undefined) throw new Error('run with --expose-gc');
const gc: () => void = gcOrUndefined;

const KEY = (process.env.RECONNECT_KEY ?? 'wsApiSpotV1') as ConnectionKey;
const N = Number(process.env.RECONNECTS ?? '1000');

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/** Objects in a heap snapshot by type and name: [count, bytes]. */
function census(path: string): Map<string, [number, number]> {
  const s = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const fields = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0];
  const [type, name, size] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const byName = new Map<string, [number, number]>();
  for (let i = 0; i < s.nodes.length; i += fields.length) {
    const key = `${types[s.nodes[i + type]]} ${s.strings[s.nodes[i + name]].slice(0, 60)}`;
    const entry = byName.get(key) ?? [0, 0];
    entry[0]++;
    entry[1] += s.nodes[i + size];
    byName.set(key, entry);
  }
  return byName;
}

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function main(): Promise<void> {
  const sim = await startSimulator({ port: 0, frameLogSize: 0 });
  const client = new WebsocketAPIClient({
    ...sim.demoAccount,
    wsBaseUrl: sim.url,
    restBaseUrl: sim.restUrl,
    attachEventListeners: false,
    orderUpdates: process.env.RECONNECT_ORDER_UPDATES === '1',
    reconnect: { initialDelayMs: 1, maxDelayMs: 2 },
  });
  await client.connect();
  const updates = KEY === 'pushSpot' ? client.orderUpdates$.subscribe() : undefined;
  if (updates !== undefined)
    await firstValueFrom(client.stateOf$(KEY).pipe(first((s) => s.status === 'ready')));
  const reconnects = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) {
      const back = firstValueFrom(
        client.stateOf$(KEY).pipe(
          skipWhile((s) => s.status === 'ready'),
          first((s) => s.status === 'ready'),
        ),
      );
      sim.faults.dropSessions({ kind: KEY === 'pushSpot' ? 'push' : 'wsapi' });
      await back;
    }
  };
  await reconnects(200);
  const dir = tmpdir();
  const [before, after] = [
    join(dir, `reconnect-${process.pid}-0.heapsnapshot`),
    join(dir, `reconnect-${process.pid}-1.heapsnapshot`),
  ];
  const h0 = heapAfterGc();
  writeHeapSnapshot(before);
  await reconnects(N);
  const h1 = heapAfterGc();
  writeHeapSnapshot(after);
  updates?.unsubscribe();
  await client.close();
  await sim.close();
  console.log(`${KEY}: ${N} reconnects, retained heap ${((h1 - h0) / N).toFixed(0)} B per reconnect`);
  const [a, b] = [census(before), census(after)];
  rmSync(before);
  rmSync(after);
  const rows = [...b].map(([key, [count, bytes]]) => {
    const [c0, b0] = a.get(key) ?? [0, 0];
    return { key, count: (count - c0) / N, bytes: (bytes - b0) / N };
  });
  rows.sort((x, y) => y.bytes - x.bytes);
  console.log('objects per reconnect   bytes   type and name');
  for (const r of rows.slice(0, 12))
    console.log(`${r.count.toFixed(2).padStart(21)} ${r.bytes.toFixed(0).padStart(7)}   ${r.key}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
