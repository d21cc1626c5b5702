import { spawn, type ChildProcess } from 'node:child_process';

/** A child process talking in lines: `nextLine` reads its stdout, `ask` writes a line (if any) and reads one. */
export interface LineChild {
  readonly child: ChildProcess;
  nextLine(): Promise<string>;
  ask(line: string): Promise<string>;
}

/**
 * `script` run as a child with `args` under tsx, in `cwd`. With `cpuProfileDir` the child
 * writes a V8 CPU profile there (`--cpu-prof`, for BENCH_PROF_DIR).
 */
export function spawnLineChild(
  script: string,
  args: readonly string[],
  cwd: string,
  cpuProfileDir?: string,
): LineChild {
  const flags = cpuProfileDir !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [];
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', script, ...args], {
    cwd,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  let buffered = '';
  child.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      const w = waiting.shift();
      if (w) w(line);
      else lines.push(line);
    }
  });
  const nextLine = (): Promise<string> =>
    new Promise((resolve) => {
      const l = lines.shift();
      if (l !== undefined) resolve(l);
      else waiting.push(resolve);
    });
  const ask = (line: string): Promise<string> => {
    if (line !== '') child.stdin!.write(`${line}\n`);
    return nextLine();
  };
  return { child, nextLine, ask };
}
