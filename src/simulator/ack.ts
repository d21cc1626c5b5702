import { CODES } from '../codecs/codes';
import { AckOrders } from './ack-orders';
import type { RequestOf } from '../client/types';
import type { OperationName } from '../operations';
import type { ExchangeApi, LedgerEntry, OpResult, OrderEventSink, OrderView } from './exchange/types';
import { OrderIds } from './exchange/ids';
import { OPERATION_HANDLERS, type AckAnswer, type AckDesk } from './operation-handlers';

/** Operation name → ack answer, for names that arrive as strings. */
const ACK_ANSWERS: ReadonlyMap<string, AckAnswer<OperationName>> = new Map(
  Object.entries(OPERATION_HANDLERS).map(([op, h]) => [op, h.ack as AckAnswer<OperationName>]),
);

/**
 * The 'ack' mode's stand-in for the exchange: every valid request succeeds at once with data
 * shaped like the operation's real answer (OPERATION_HANDLERS' `ack`), and nothing is matched
 * or held. The client benchmarks run against it so that they measure the client, not the
 * engine. What it remembers of acknowledged orders feeds REST lookups and the push channel.
 */
export class AckExchange implements ExchangeApi {
  private readonly desk: AckDesk;

  constructor(seed: number) {
    const ids = new OrderIds(seed);
    this.desk = { nextOrderId: () => ids.next(), orders: new AckOrders() };
  }

  /** Arguments were validated with the operation's request codec by the gateway before this is called. */
  handle(apiKey: string, op: string, args: unknown, now: number): OpResult {
    const answer = ACK_ANSWERS.get(op);
    if (answer === undefined) return { code: CODES.SPOT_PARAM_ERROR, msg: `unsupported operation ${op}` };
    return { code: CODES.SUCCESS, data: answer(args as RequestOf<OperationName>, this.desk, apiKey, now) };
  }

  findOrder(apiKey: string, line: 'spot' | 'margin' | 'futures', clientOid: string): OrderView | undefined {
    return this.desk.orders.find(apiKey, line, clientOid);
  }

  findOrderById(apiKey: string, line: 'spot' | 'margin' | 'futures', orderId: string): OrderView | undefined {
    return this.desk.orders.findById(apiKey, line, orderId);
  }

  onOrderEvents(apiKey: string, sink: OrderEventSink | undefined): void {
    this.desk.orders.onOrderEvents(apiKey, sink);
  }

  /** Nothing is remembered in ack mode. */
  ledger(): LedgerEntry | undefined {
    return undefined;
  }

  acceptedCount(): number {
    return 0;
  }

  allOrders(): readonly LedgerEntry[] {
    return [];
  }

  balances(): Record<string, { available: string; hold: string }> {
    return {};
  }
}
