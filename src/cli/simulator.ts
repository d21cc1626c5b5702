#!/usr/bin/env node
/**
 * kucoin-wsapi-sim: runs the gateway simulator until SIGINT/SIGTERM.
 *
 *   kucoin-wsapi-sim [--port 8899] [--host 127.0.0.1] [--seed 1] [--mode full|ack]
 *                    [--rate-limit 1600[/30000]] [--json] [--help] [--version]
 *
 * The printed credentials are those of the local simulator's demo account: printing them
 * is the point, they open nothing else.
 */
import { version } from '../../package.json';
import { startSimulator, type SimulatorOptions } from '../simulator';

const NAME = 'kucoin-wsapi-sim';

/** Every flag, as --help prints it (the parser below accepts exactly these). */
const FLAGS: ReadonlyArray<readonly [flag: string, what: string]> = [
  ['--port PORT', 'TCP port to listen on; 0 picks a free one (default 8899)'],
  ['--host HOST', 'interface to listen on (default 127.0.0.1)'],
  ['--seed N', 'seed of the liquidity, ids and demo credentials (default 1)'],
  [
    '--mode full|ack',
    'full: the matching engine answers (default); ack: every valid request succeeds at once',
  ],
  ['--rate-limit LIMIT[/WINDOW_MS]', 'requests per API key per window (default 1600/30000)'],
  ['--json', 'print one JSON line { url, restUrl, port, demoAccount } instead of the text'],
  ['-h, --help', 'print this help and exit'],
  ['-v, --version', 'print the version and exit'],
];

const USAGE = `usage: ${NAME} [--port 8899] [--host 127.0.0.1] [--seed 1] [--mode full|ack] [--rate-limit LIMIT[/WINDOW_MS]] [--json]`;

const HELP = [
  `${NAME} ${version}: the KuCoin WS API gateway simulator (a WebSocket server on loopback)`,
  '',
  USAGE,
  '',
  'options:',
  ...FLAGS.map(([flag, what]) => `  ${flag.padEnd(32)} ${what}`),
  '',
  'Prints its URL and the demo account to sign with; runs until SIGINT (Ctrl-C) or SIGTERM.',
].join('\n');

type Cli =
  | { readonly action: 'run'; readonly options: SimulatorOptions; readonly json: boolean }
  | { readonly action: 'help' | 'version' };

function integer(flag: string, text: string | undefined, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (text === undefined || !/^\d+$/.test(text)) throw new Error(`${flag} needs a whole number`);
  const n = Number(text);
  if (n < min || n > max) throw new Error(`${flag} must be between ${min} and ${max}`);
  return n;
}

/** Flags that take no value: `--json=no` is refused rather than read as `--json`. */
const NO_VALUE = new Set(['--json', '--help', '-h', '--version', '-v']);

/** Parses argv (without node and the script). Throws with a readable message on bad input. */
export function parseArgs(argv: readonly string[]): Cli {
  const options: SimulatorOptions = { port: 8899 };
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    // `--flag=value`: the value is everything after the first '=' (`--seed=7=8` is not seed 7).
    const eq = argv[i].indexOf('=');
    const flag = eq < 0 ? argv[i] : argv[i].slice(0, eq);
    const inline = eq < 0 ? undefined : argv[i].slice(eq + 1);
    const value = (): string | undefined => inline ?? argv[++i];
    if (inline !== undefined && NO_VALUE.has(flag)) throw new Error(`${flag} takes no value`);
    switch (flag) {
      case '--port':
        options.port = integer(flag, value(), 0, 65_535);
        break;
      case '--host':
        options.host = value();
        if (!options.host) throw new Error('--host needs a value');
        break;
      case '--seed':
        options.seed = integer(flag, value());
        break;
      case '--mode': {
        const mode = value();
        if (mode !== 'full' && mode !== 'ack') throw new Error("--mode must be 'full' or 'ack'");
        options.mode = mode;
        break;
      }
      case '--rate-limit': {
        const parts = (value() ?? '').split('/');
        if (parts.length > 2) throw new Error(`${flag} takes LIMIT or LIMIT/WINDOW_MS`);
        const [limit, windowMs] = parts;
        options.rateLimit = {
          limit: integer(flag, limit, 1),
          windowMs: windowMs === undefined ? 30_000 : integer(flag, windowMs, 1),
        };
        break;
      }
      case '--json':
        json = true;
        break;
      case '--help':
      case '-h':
        return { action: 'help' };
      case '--version':
      case '-v':
        return { action: 'version' };
      default:
        throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  return { action: 'run', options, json };
}

async function main(): Promise<void> {
  let cli: Cli;
  try {
    cli = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`${NAME}: ${(e as Error).message}\n${USAGE}\n(${NAME} --help lists every option)`);
    process.exit(2);
  }
  if (cli.action !== 'run') {
    console.log(cli.action === 'help' ? HELP : version);
    return;
  }
  const { options, json } = cli;
  const sim = await startSimulator(options);
  // Status lines go to stderr with --json, so that stdout stays one JSON line.
  const say = json ? console.error : console.log;
  // Handlers first, then the ready line: stdout to a pipe is written synchronously, so a parent
  // may read the line and signal before the next statement runs.
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    // A second signal ends the process at once, whatever close() is waiting for.
    if (stopping) {
      say(`${NAME}: ${signal} again, exiting without waiting`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    stopping = true;
    say(`${NAME}: ${signal} received, stopping`);
    sim.close().then(
      () => {
        say(`${NAME}: stopped`);
        process.exit(0);
      },
      (e: unknown) => {
        console.error(`${NAME}: stopped with an error: ${e instanceof Error ? e.message : String(e)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (json) {
    // One line for programs that start the simulator as a child process (the benchmarks).
    console.log(
      JSON.stringify({ url: sim.url, restUrl: sim.restUrl, port: sim.port, demoAccount: sim.demoAccount }),
    );
  } else {
    const { apiKey, apiSecret, apiPassphrase } = sim.demoAccount;
    console.log(`${NAME} listening on ${sim.url}`);
    console.log(`  endpoint:       ${sim.url}/v1/private`);
    console.log(`  REST:           ${sim.restUrl}`);
    console.log(`  mode:           ${options.mode ?? 'full'}`);
    console.log('  demo account (local simulator only):');
    console.log(`    apiKey:        ${apiKey}`);
    console.log(`    apiSecret:     ${apiSecret}`);
    console.log(`    apiPassphrase: ${apiPassphrase}`);
  }
}

main().catch((e: unknown) => {
  console.error(`${NAME}: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
