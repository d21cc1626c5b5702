/**
 * The TypeScript blocks of README.md and docs/*.md, and a way to run one of them in-process
 * against a simulator that the test owns (so that the test can inspect what the block did).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as rxjs from 'rxjs';
import * as kucoinApi from 'kucoin-api';
import * as ts from 'typescript';
import * as lib from '../../src';
import * as simulatorModule from '../../src/simulator';
import type { Simulator } from '../../src/simulator';

export const ROOT = join(__dirname, '..', '..');

/** README.md, then every Markdown file of docs/ (sorted). */
export function docFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => join(ROOT, 'docs', f));
  return [join(ROOT, 'README.md'), ...docs];
}

export interface Block {
  /** Path relative to the repository root, e.g. `docs/rxjs.md`. */
  readonly file: string;
  /** Line of the opening fence (1-based). */
  readonly line: number;
  readonly lang: string;
  readonly code: string;
  /** `docs/rxjs.md:77`, for test names and messages. */
  readonly name: string;
}

/** The fenced code blocks of one Markdown file whose language is one of `langs`. */
export function codeBlocks(path: string, langs: readonly string[] = ['ts', 'typescript']): Block[] {
  const markdown = readFileSync(path, 'utf8');
  const file = relative(ROOT, path);
  const blocks: Block[] = [];
  const fence = /^```(\w+)[^\n]*\n([\s\S]*?)^```/gm;
  for (let m = fence.exec(markdown); m !== null; m = fence.exec(markdown)) {
    if (!langs.includes(m[1])) continue;
    const line = markdown.slice(0, m.index).split('\n').length;
    blocks.push({ file, line, lang: m[1], code: m[2], name: `${file}:${line}` });
  }
  return blocks;
}

/** Whether a block sends orders or cancels (any order method, or `request(...)`). */
export function placesOrders(code: string): boolean {
  return /\.(submit\w+|cancel\w+|modify\w+|request)\(/.test(code);
}

export interface BlockRun {
  /** What the block exports (its `export function …`), for tests that drive it further. */
  readonly exports: Record<string, unknown>;
  /** Every `console.log`/`info` line, and every `console.error`/`warn` line, of the block. */
  readonly logs: string[];
  readonly errors: string[];
  /** Every client the block constructed. */
  readonly clients: lib.WebsocketAPIClient[];
}

const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
  ...args: string[]
) => (...values: unknown[]) => Promise<void>;

const text = (args: unknown[]): string =>
  args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? a.message : JSON.stringify(a))).join(' ');

/**
 * Runs a block as a user would after pasting it, with one difference: a client it constructs
 * talks to `sim` (with the simulator's demo account) unless the block gave it a loopback URL of
 * its own. `testnet: true` means "a simulator" anyway; here it is one the test can inspect, and
 * the placeholder credentials of the quick start become the demo account's. The package's
 * imports resolve to the sources; rxjs is the one the library uses. Rejects if the block
 * throws or outlives `timeoutMs`. `onError` hears each `console.error` line as it is written.
 */
export async function runBlock(
  block: Block,
  sim: Simulator,
  { timeoutMs = 20_000, onError }: { timeoutMs?: number; onError?: (line: string) => void } = {},
): Promise<BlockRun> {
  const clients: lib.WebsocketAPIClient[] = [];
  const logs: string[] = [];
  const errors: string[] = [];
  const consoleShim = {
    log: (...a: unknown[]) => logs.push(text(a)),
    info: (...a: unknown[]) => logs.push(text(a)),
    error: (...a: unknown[]) => {
      errors.push(text(a));
      onError?.(text(a));
    },
    warn: (...a: unknown[]) => errors.push(text(a)),
  };
  class SimulatorClient extends lib.WebsocketAPIClient {
    constructor(options: lib.WebsocketAPIClientOptions = {}) {
      const own = options.wsBaseUrl !== undefined && /^wss?:\/\/127\.0\.0\.1[:/]/.test(options.wsBaseUrl);
      // The default logger is the console, which for a block is the one it was given.
      const logged = { logger: consoleShim, ...options };
      super(
        own
          ? logged
          : {
              ...logged,
              testnet: false,
              wsBaseUrl: sim.url,
              restBaseUrl: sim.restUrl,
              futuresRestBaseUrl: sim.restUrl,
              ...sim.demoAccount,
            },
      );
      clients.push(this);
    }
  }
  const modules: Record<string, unknown> = {
    'kucoin-wsapi-rx': { ...lib, WebsocketAPIClient: SimulatorClient },
    'kucoin-wsapi-rx/simulator': simulatorModule,
    // KuCoin's own SDK, for the block that points it at the simulator (docs/simulator.md).
    'kucoin-api': kucoinApi,
    rxjs,
  };
  const requireShim = (id: string): unknown => {
    if (!(id in modules))
      throw new Error(`${block.name} imports ${id}, which the docs runner does not provide`);
    return modules[id];
  };
  const js = ts.transpileModule(block.code, {
    fileName: `${block.name}.ts`,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  }).outputText;
  const module = { exports: {} as Record<string, unknown> };
  const body = new AsyncFunction('require', 'module', 'exports', 'console', js);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${block.name} did not finish within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([body(requireShim, module, module.exports, consoleShim), timeout]);
  } catch (error) {
    await Promise.all(clients.map((c) => c.close()));
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return { exports: module.exports, logs, errors, clients };
}
