/**
 * A benchmark worker in a child process of its own (bench/worker.ts): one command per stdin
 * line, one JSON line back per command. Shared by `npm run bench` (bench/run.ts) and the A/B
 * latency tool (bench/ab-latency.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export class WorkerProcess {
  private readonly lines: string[] = [];
  private readonly waiting: Array<(line: string) => void> = [];
  private exited: Error | undefined;

  constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const w = this.waiting.shift();
      if (w) w(line);
      else this.lines.push(line);
    });
    child.once('exit', (code) => {
      this.exited = new Error(`${name} worker exited with ${code}`);
      for (const w of this.waiting.splice(0)) w('');
    });
  }

  /** Starts bench/worker.ts of the checkout `cwd` for client `kind` against `target`. */
  static start(
    name: string,
    kind: string,
    target: string,
    { cwd, env }: { cwd: string; env?: Record<string, string> },
  ): WorkerProcess {
    const args = ['--expose-gc', '--import', 'tsx', 'bench/worker.ts', kind, target];
    const child = spawn(process.execPath, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    return new WorkerProcess(name, child);
  }

  /** The next answer line, parsed; throws once the worker has exited with nothing left. */
  async next<T>(): Promise<T> {
    const line = this.lines.shift() ?? (await new Promise<string>((r) => this.waiting.push(r)));
    if (line === '' && this.exited) throw this.exited;
    return JSON.parse(line) as T;
  }

  ask<T>(command: string): Promise<T> {
    this.child.stdin!.write(command + '\n');
    return this.next<T>();
  }
}

/** The median (the mean of the two middle values for an even count). */
export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
