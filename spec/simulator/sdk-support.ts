/**
 * What the `kucoin-api` SDK specs share: a watch on every TCP connection the process opens (the
 * SDK's default hosts are KuCoin's, so a URL it did not take from us would show here), and the
 * SDK's own partner keys, read from the installed package.
 */
import net from 'node:net';
import { dirname, join } from 'node:path';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** The host (or socket path) of one `net.Socket.prototype.connect` call, in any of its forms. */
function targetOf(args: unknown[]): string {
  // net.connect()/createConnection() pass their normalised arguments as one array.
  const call = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  const first = call[0];
  if (typeof first === 'object' && first !== null) {
    const o = first as { host?: string; path?: string };
    return o.path ?? o.host ?? 'localhost';
  }
  return typeof call[1] === 'string' ? call[1] : 'localhost';
}

export interface LoopbackGuard {
  /** Every connection attempted so far whose host is not loopback (empty when all stayed local). */
  outside(): string[];
  /** How many connections were attempted so far. */
  count(): number;
  restore(): void;
}

/** Watches (without changing) every TCP and TLS connection this process opens from now on. */
export function loopbackGuard(): LoopbackGuard {
  const spy = jest.spyOn(net.Socket.prototype, 'connect');
  const targets = (): string[] => spy.mock.calls.map((args) => targetOf(args as unknown[]));
  return {
    outside: () => targets().filter((host) => !LOOPBACK.has(host)),
    count: () => spy.mock.calls.length,
    restore: () => spy.mockRestore(),
  };
}

/**
 * The partner names and keys the SDK signs its requests with (`KC-API-PARTNER` and
 * `KC-API-PARTNER-SIGN` on REST, `partner` and `partner_sign` on the WS API URL). They are
 * published in its source but not exported, so they are read from the installed build.
 */
export function sdkPartners(): Record<string, string> {
  const lib = join(dirname(require.resolve('kucoin-api')), 'lib', 'requestUtils.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const utils = require(lib) as Record<string, unknown>;
  const pairs: Array<[unknown, unknown]> = [
    [utils.APIIDMain, utils.APIIDMainSign],
    [utils.APIIDFutures, utils.APIIDFuturesSign],
  ];
  const partners: Record<string, string> = {};
  for (const [name, key] of pairs) {
    if (typeof name !== 'string' || typeof key !== 'string' || key === '')
      throw new Error(`kucoin-api's partner constants are not where they were (${lib})`);
    partners[name] = key;
  }
  return partners;
}
