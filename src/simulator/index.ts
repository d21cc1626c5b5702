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
import { Gateway } from './gateway';

export * from './exchange/types';
export type { SessionInfo, Simulator } from './api';
export type { MalformedKind, SimulatorFaults } from './faults';
export type { ParsedFrame, ReceivedFrame } from './frame-log';
export type { SimulatorOptions } from './options';
export type { PushSessionInfo } from './push';
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
  let port: number;
  try {
    port = await gateway.listen();
  } catch (error) {
    // A port in use: the gateway's timers (the push endpoint's idle rule) and everything they
    // hold go now, instead of staying for the life of the process.
    await gateway.close();
    throw error;
  }
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  const { apiKey, apiSecret, apiPassphrase } = o.accounts[0];
  const faults: SimulatorFaults = {
    dropSessions: (filter) => {
      const kind = filter?.kind;
      const apiKey = filter?.apiKey;
      let n = 0;
      if (kind !== 'push') {
        if (apiKey === undefined) n += gateway.dropSessions();
        else for (const s of gateway.sessions) if (s.apiKey === apiKey && s.drop()) n++;
      }
      if (kind !== 'wsapi') n += gateway.push.drop(apiKey);
      return n;
    },
    expireTokens: () => gateway.push.expireTokens(),
    restDown: (on) => {
      gateway.faults.restDown = on;
    },
    pause: () => gateway.pause(),
    resume: () => gateway.resume(),
    delay: (ms) => gateway.delay(ms),
    sendMalformed: (kind) => gateway.sendMalformed(kind),
    refuseConnections: (on) => gateway.refuseConnections(on),
    reset: () => {
      gateway.faults.restDown = false;
      gateway.resetFaults();
    },
  };
  return {
    url: `ws://${host}:${port}`,
    restUrl: `http://${host}:${port}`,
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
    pushSessions: () => gateway.push.info(),
    pushFramesSent: (apiKey) => gateway.push.framesSent(apiKey),
    framesReceived: () => gateway.log.frames(),
    countFrames: (predicate) => gateway.log.count(predicate),
    connectionAttempts: () => gateway.upgrades,
    close: () => gateway.close(),
  };
}
