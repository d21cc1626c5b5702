import { spawn } from 'node:child_process';
import { createHook } from 'node:async_hooks';
import { connect as tcpConnect, type Socket } from 'node:net';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/simulator';

const ROOT = join(__dirname, '..', '..');

/** Far above the < 1 s these take; a hang (the old behaviour) fails here instead of at the test timeout. */
const GUARD_MS = 5_000;

const peers: Socket[] = [];
let sim: Simulator | undefined;

afterEach(async () => {
  for (const p of peers.splice(0)) p.destroy();
  await sim?.close();
  sim = undefined;
});

/**
 * A peer that sends a WebSocket upgrade request for `path`, reads the HTTP answer, and then keeps
 * its side of TCP open: it never ends and never closes (allowHalfOpen), as a stuck or hostile
 * client may. Resolves with the status line.
 */
function stubbornPeer(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ port, host: '127.0.0.1', allowHalfOpen: true });
    peers.push(socket);
    let text = '';
    socket.on('error', reject);
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      const end = text.indexOf('\r\n');
      if (end >= 0) resolve(text.slice(0, end));
    });
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
  });
}

/** Resolves with what `promise` resolved to, or rejects after `ms` with `what`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} still pending after ${ms} ms`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

describe('simulator close() with peers that keep TCP open', () => {
  it('finishes when a peer refused with 404 (wrong path) keeps its side open', async () => {
    sim = await startSimulator({ port: 0 });
    expect(await stubbornPeer(sim.port, '/elsewhere')).toBe('HTTP/1.1 404 Not Found');
    const s = sim;
    sim = undefined;
    await within(s.close(), GUARD_MS, 'close()');
  });

  it('finishes when peers refused with 503 under refuseConnections keep their side open', async () => {
    sim = await startSimulator({ port: 0 });
    sim.faults.refuseConnections(true);
    for (let i = 0; i < 3; i++) {
      expect(await stubbornPeer(sim.port, '/v1/private')).toBe('HTTP/1.1 503 Service Unavailable');
    }
    const s = sim;
    sim = undefined;
    await within(s.close(), GUARD_MS, 'close()');
  });

  it('finishes when a peer refused with 400 (unreadable URL) keeps its side open', async () => {
    sim = await startSimulator({ port: 0 });
    expect(await stubbornPeer(sim.port, '//[')).toBe('HTTP/1.1 400 Bad Request');
    const s = sim;
    sim = undefined;
    await within(s.close(), GUARD_MS, 'close()');
  });
});

describe('kucoin-wsapi-sim and SIGTERM with peers that keep TCP open', () => {
  it('exits 0 on SIGTERM while a refused peer keeps its side open', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/simulator.ts', '--port', '0', '--json'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const line = await within(
        new Promise<string>((resolve) => {
          let text = '';
          child.stdout.on('data', (d: Buffer) => {
            text += d.toString();
            if (text.includes('\n')) resolve(text);
          });
        }),
        20_000,
        'the ready line',
      );
      const { port } = JSON.parse(line) as { port: number };
      expect(await stubbornPeer(port, '/elsewhere')).toBe('HTTP/1.1 404 Not Found');
      child.kill('SIGTERM');
      expect(await within(exit, GUARD_MS, 'exit after SIGTERM')).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('a start that fails', () => {
  it('a port in use rejects the start and leaves no timer behind', async () => {
    sim = await startSimulator();
    // Timeouts made and not yet gone (unref'd ones included, which getActiveResourcesInfo omits).
    const live = new Set<number>();
    const hook = createHook({
      init: (id, type) => {
        if (type === 'Timeout') live.add(id);
      },
      destroy: (id) => live.delete(id),
    }).enable();
    try {
      for (let i = 0; i < 3; i++)
        await expect(startSimulator({ port: sim.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
      // A cleared timer's destroy hook runs once the loop has moved past it.
      await new Promise((r) => setImmediate(r));
      expect(live.size).toBe(0);
    } finally {
      hook.disable();
    }
  });
});

describe('options a simulator cannot work with are refused before it listens', () => {
  it.each([
    [{ frameLogSize: 2 ** 32 }, /frameLogSize must be an integer from 0 to 1000000/],
    [{ frameLogSize: 1e8 }, /frameLogSize must be an integer from 0 to 1000000/],
    [{ host: '' }, /host must be a host name or address/],
    [{ host: '  ' }, /host must be a host name or address/],
  ])('%j', async (options, message) => {
    await expect(startSimulator(options)).rejects.toThrow(message);
  });

  it('the largest frame log is accepted', async () => {
    sim = await startSimulator({ frameLogSize: 1_000_000 });
    expect(sim.framesReceived()).toEqual([]);
  });
});
