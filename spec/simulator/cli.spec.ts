import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, spotOrder } from './raw-client';

const ROOT = join(__dirname, '..', '..');

// node --import tsx, not the tsx CLI: the CLI runs the script in a second child process and
// relays signals to it, one more hop between the test's SIGTERM and the simulator's exit code.
function run(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli/simulator.ts', ...args], {
    cwd: ROOT,
    stdio: 'pipe',
  });
}

/** Resolves with stdout once it contains `pattern`. */
function output(child: ChildProcessWithoutNullStreams, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} in ${JSON.stringify(text)}`)), timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString();
      if (pattern.test(text)) {
        clearTimeout(timer);
        resolve(text);
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      reject(new Error(`exited early: ${text}`));
    });
  });
}

const exited = (child: ChildProcessWithoutNullStreams): Promise<number | null> =>
  new Promise((resolve) => child.on('exit', (code) => resolve(code)));

/** Runs to the end; resolves with the exit code and both outputs. */
function finished(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = run(args);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** Collects a stream's text until the child exits. */
function collect(stream: NodeJS.ReadableStream): () => string {
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return () => text;
}

describe('kucoin-wsapi-sim', () => {
  it('prints its URL and demo credentials, serves them, and exits 0 on SIGTERM', async () => {
    const child = run(['--port', '0', '--seed', '5', '--mode', 'ack', '--rate-limit', '10/1000']);
    try {
      const text = await output(child, /apiPassphrase:\s+\S+/);
      const url = /kucoin-wsapi-sim listening on (ws:\/\/127\.0\.0\.1:\d+)/.exec(text)![1];
      const field = (name: string) => new RegExp(`${name}:\\s+(\\S+)`).exec(text)![1];
      expect(field('REST')).toBe(url.replace('ws://', 'http://'));
      const creds = {
        apiKey: field('apiKey'),
        apiSecret: field('apiSecret'),
        apiPassphrase: field('apiPassphrase'),
      };
      const { client } = await connect(url, creds);
      const a = await client.answerTo(client.request('spot.order', spotOrder()));
      expect(a).toMatchObject({ code: '200000', rateLimit: { limit: 10 } });
      const rest = collect(child.stdout);
      const exit = exited(child);
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
      expect(rest()).toBe('kucoin-wsapi-sim: SIGTERM received, stopping\nkucoin-wsapi-sim: stopped\n');
      await client.waitClosed();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('prints one JSON line with --json and exits 0 on SIGINT', async () => {
    const child = run(['--port', '0', '--json']);
    try {
      const text = await output(child, /\}\n/);
      const info = JSON.parse(text);
      expect(info.url).toBe(`ws://127.0.0.1:${info.port}`);
      expect(info.restUrl).toBe(`http://127.0.0.1:${info.port}`);
      const time = (await (await fetch(`${info.restUrl}/api/v1/timestamp`)).json()) as { code: string };
      expect(time.code).toBe('200000');
      expect(Object.keys(info.demoAccount).sort()).toEqual(['apiKey', 'apiPassphrase', 'apiSecret']);
      const errors = collect(child.stderr);
      const rest = collect(child.stdout);
      const exit = exited(child);
      child.kill('SIGINT');
      expect(await exit).toBe(0);
      // With --json, stdout stays one JSON line: the status goes to stderr.
      expect(rest()).toBe('');
      expect(errors()).toBe('kucoin-wsapi-sim: SIGINT received, stopping\nkucoin-wsapi-sim: stopped\n');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it.each([
    [['--mode', 'turbo'], /--mode/],
    [['--port', '99999'], /--port must be between 0 and 65535/],
    [['--rate-limit', '0/0'], /--rate-limit must be between 1 and/],
    [['--rate-limit', '10/0'], /--rate-limit must be between 1 and/],
    [['--rate-limit', '5/1000/junk'], /--rate-limit takes LIMIT or LIMIT\/WINDOW_MS/],
    [['--json=no'], /--json takes no value/],
    [['--seed=7=8'], /--seed needs a whole number/],
  ])('exits 2 with usage on a bad argument: %j', async (args, why) => {
    const { code, stdout, stderr } = await finished(args);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toMatch(why);
    expect(stderr).toMatch(/usage/);
  });

  it('--help lists every flag the parser accepts, and exits 0', async () => {
    const source = readFileSync(join(ROOT, 'src', 'cli', 'simulator.ts'), 'utf8');
    const accepted = [...source.matchAll(/case '(-{1,2}[a-z-]+)':/g)].map((m) => m[1]);
    expect(accepted).toEqual(expect.arrayContaining(['--port', '--json', '--help', '--version', '-h', '-v']));
    for (const flag of ['--help', '-h']) {
      const { code, stdout, stderr } = await finished([flag]);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(stdout).toMatch(/^kucoin-wsapi-sim \d+\.\d+\.\d+\S*: /);
      for (const a of accepted) expect(stdout).toMatch(new RegExp(`(^|[ ,])${a}\\b`, 'm'));
      expect(stdout).toMatch(/SIGINT/);
      expect(stdout).toMatch(/--json .*\{ url, restUrl, port, demoAccount \}/);
    }
  });

  it('--version and -v print the package version and exit 0', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      expect(await finished([flag])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });
});
