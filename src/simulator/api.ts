import type { ExchangeApi } from './exchange/types';
import type { SimulatorFaults } from './faults';
import type { ParsedFrame, ReceivedFrame } from './frame-log';
import type { PushSessionInfo } from './push';

/** One open socket that passed the URL check. */
export interface SessionInfo {
  readonly id: string;
  readonly apiKey: string;
  readonly state: 'handshake' | 'ready';
  readonly framesReceived: number;
}

/** A running simulator. */
export interface Simulator {
  /** 'ws://<host>:<port>'; clients connect to `${url}/v1/private?apikey=…`. */
  readonly url: string;
  /**
   * 'http://<host>:<port>': the REST API on the same port (server time, push tokens, order
   * lookups by clientOid). Spot, margin and futures share it.
   */
  readonly restUrl: string;
  readonly port: number;
  /** The first configured account: credentials of a funded account of this local simulator. */
  readonly demoAccount: {
    readonly apiKey: string;
    readonly apiSecret: string;
    readonly apiPassphrase: string;
  };
  /** The exchange behind the gateway, for inspection: ledger, acceptedCount, allOrders, balances. */
  readonly exchange: ExchangeApi;
  /** Fault injection. */
  readonly faults: SimulatorFaults;
  /** The sessions open now. */
  sessions(): SessionInfo[];
  /** The private push channel's open sessions. */
  pushSessions(): PushSessionInfo[];
  /** Push frames (welcome, pong, ack, error, events) written to `apiKey`'s push sockets so far. */
  pushFramesSent(apiKey: string): number;
  /** Text frames received from clients, oldest first (the last `frameLogSize`, default 100000). */
  framesReceived(): ReadonlyArray<ReceivedFrame>;
  /**
   * WebSocket upgrade requests received since the start, whatever became of them (refused
   * with 503 or 404, refused by the URL check, or admitted): how many times clients tried.
   */
  connectionAttempts(): number;
  /** How many received frames that parsed as JSON objects satisfy `predicate`. */
  countFrames(predicate: (frame: ParsedFrame) => boolean): number;
  /** Closes every socket and the server and clears every timer. */
  close(): Promise<void>;
}
