/**
 * The gateway simulator: a WebSocket server on loopback that behaves like KuCoin's WS API
 * gateway (docs/protocol.md), with a matching engine behind it. See docs/simulator.md.
 */
import { AckExchange } from './ack';
import type { Simulator } from './api';
import { Exchange } from './exchange';
import type { ExchangeApi } from './exchange/types';
import type { SimulatorFaults } from './faults';
import { resolveOptions, type SimulatorOptions } from './options';
import { Gateway } from './server';

export * from './exchange/types';
export type { SessionInfo, Simulator } from './api';
export type { MalformedKind, SimulatorFaults } from './faults';
export type { ParsedFrame, ReceivedFrame } from './frameLog';
export type { SimulatorOptions } from './options';
export { demoAccount } from './accounts';

/**
 * Starts a simulator and resolves once it listens.
 *
 * ```ts
 * const sim = await startSimulator({ port: 0, seed: 1 });
 * const url = `${sim.url}/v1/private?apikey=…`;
 * await sim.close();
 * ```
 */
export async function startSimulator(options?: SimulatorOptions): Promise<Simulator> {
  const o = resolveOptions(options);
  const exchange: ExchangeApi =
    o.mode === 'ack'
      ? new AckExchange(o.seed)
      : new Exchange({
          seed: o.seed,
          accounts: o.accounts,
          symbols: o.symbols,
          referencePrices: o.referencePrices,
        });
  const gateway = new Gateway(o, exchange);
  const port = await gateway.listen();
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  const { apiKey, apiSecret, apiPassphrase } = o.accounts[0];
  const faults: SimulatorFaults = {
    dropSessions: () => gateway.dropSessions(),
    pause: () => gateway.pause(),
    resume: () => gateway.resume(),
    delay: (ms) => gateway.delay(ms),
    sendMalformed: (kind) => gateway.sendMalformed(kind),
    refuseConnections: (on) => gateway.refuseConnections(on),
    reset: () => gateway.resetFaults(),
  };
  return {
    url: `ws://${host}:${port}`,
    port,
    demoAccount: { apiKey, apiSecret, apiPassphrase },
    exchange,
    faults,
    sessions: () =>
      [...gateway.sessions].map((s) => ({
        id: s.id,
        apiKey: s.apiKey,
        state: s.state,
        framesReceived: s.framesReceived,
      })),
    framesReceived: () => gateway.log.frames(),
    countFrames: (predicate) => gateway.log.count(predicate),
    connectionAttempts: () => gateway.upgrades,
    close: () => gateway.close(),
  };
}
