#!/usr/bin/env node
/**
 * kucoin-wsapi-sim: runs the gateway simulator until SIGINT/SIGTERM.
 *
 *   kucoin-wsapi-sim [--port 8899] [--host 127.0.0.1] [--seed 1] [--mode full|ack]
 *                    [--rate-limit 1600[/30000]] [--json]
 *
 * The printed credentials are those of the local simulator's demo account: printing them
 * is the point, they open nothing else.
 */
import { startSimulator, type SimulatorOptions } from '../simulator';

const USAGE =
  'usage: kucoin-wsapi-sim [--port 8899] [--host 127.0.0.1] [--seed 1] [--mode full|ack] [--rate-limit LIMIT[/WINDOW_MS]] [--json]';

interface Cli {
  readonly options: SimulatorOptions;
  readonly json: boolean;
}

function integer(flag: string, text: string | undefined): number {
  if (text === undefined || !/^\d+$/.test(text)) throw new Error(`${flag} needs a whole number`);
  return Number(text);
}

/** Parses argv (without node and the script). Throws with a readable message on bad input. */
export function parseArgs(argv: readonly string[]): Cli {
  const options: SimulatorOptions = { port: 8899 };
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2) as [string, string | undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--port':
        options.port = integer(flag, value());
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
        const [limit, windowMs] = (value() ?? '').split('/');
        options.rateLimit = {
          limit: integer(flag, limit),
          windowMs: windowMs === undefined ? 30_000 : integer(flag, windowMs),
        };
        break;
      }
      case '--json':
        json = true;
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  return { options, json };
}

async function main(): Promise<void> {
  let cli: Cli;
  try {
    cli = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`kucoin-wsapi-sim: ${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const sim = await startSimulator(cli.options);
  // Handlers first, then the ready line: stdout to a pipe is written synchronously, so a parent
  // may read the line and signal before the next statement runs.
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (cli.json) {
    // One line for programs that start the simulator as a child process (the benchmarks).
    console.log(
      JSON.stringify({ url: sim.url, restUrl: sim.restUrl, port: sim.port, demoAccount: sim.demoAccount }),
    );
  } else {
    const { apiKey, apiSecret, apiPassphrase } = sim.demoAccount;
    console.log(`kucoin-wsapi-sim listening on ${sim.url}`);
    console.log(`  endpoint:       ${sim.url}/v1/private`);
    console.log(`  REST:           ${sim.restUrl}`);
    console.log(`  mode:           ${cli.options.mode ?? 'full'}`);
    console.log('  demo account (local simulator only):');
    console.log(`    apiKey:        ${apiKey}`);
    console.log(`    apiSecret:     ${apiSecret}`);
    console.log(`    apiPassphrase: ${apiPassphrase}`);
  }
}

main().catch((e: unknown) => {
  console.error(`kucoin-wsapi-sim: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
