/**
 * The simulator in its own process for the benchmarks, in "ack" mode by default so that
 * the client, not the matching engine, is measured. Prints one JSON line with its URL,
 * demo credentials and a control URL (POST /delay?ms=N) for the memory scenario.
 */
import { createServer } from 'node:http';
import { startSimulator } from '../src/simulator';

async function main(): Promise<void> {
  const mode = process.argv.includes('--full') ? 'full' : 'ack';
  const sim = await startSimulator({
    port: 0,
    seed: 1,
    mode,
    rateLimit: { limit: 1_000_000_000, windowMs: 30_000 },
    // The raw client never pings: with the default 18 + 10 s, a busy machine made a round's
    // memory phase long enough for the simulator to close its idle session, and the raw
    // worker then waited forever for answers.
    pingInterval: 600_000,
    pingTimeout: 600_000,
  });
  const control = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/delay') sim.faults.delay(Number(url.searchParams.get('ms') ?? '0'));
    res.end('ok');
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  const address = control.address();
  const controlPort = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(
    JSON.stringify({
      url: sim.url,
      credentials: sim.demoAccount,
      control: `http://127.0.0.1:${controlPort}`,
    }) + '\n',
  );
  const stop = (): void => {
    control.close();
    void sim.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop); // the parent went away
  process.stdin.resume();
}

void main();
