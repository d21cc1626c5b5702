import { CODES } from '../codecs/codes';
import { AckOrders } from './ack-orders';
import type { ExchangeApi, LedgerEntry, OpResult, OrderEventSink, OrderView } from './exchange/types';
import { orderIdSource } from './ids';

type Args = Record<string, unknown>;

const str = (v: unknown, fallback: string): string => (typeof v === 'string' ? v : fallback);

/**
 * The 'ack' mode's stand-in for the exchange: every valid request succeeds at once with data
 * shaped like the operation's real answer, and nothing is matched, held or remembered. The
 * client benchmarks run against it so that they measure the client, not the engine.
 */
export class AckExchange implements ExchangeApi {
  private readonly nextOrderId: () => string;
  /** What REST lookups and the push channel know of acknowledged orders. */
  private readonly memory = new AckOrders();

  constructor(seed: number) {
    this.nextOrderId = orderIdSource(seed, 'ack-order');
  }

  /** Arguments were validated by the gateway before this is called. */
  handle(apiKey: string, op: string, args: unknown, now: number): OpResult {
    const result = this.answer(op, args, now);
    if (result.code === CODES.SUCCESS) this.remember(apiKey, op, args, result.data, now);
    return result;
  }

  private remember(apiKey: string, op: string, args: unknown, data: unknown, now: number): void {
    const a = (typeof args === 'object' && args !== null ? args : {}) as Args;
    const d = (typeof data === 'object' && data !== null ? data : {}) as Args;
    switch (op) {
      case 'spot.order':
      case 'spot.sync_order':
      case 'margin.order':
      case 'futures.order': {
        const line = op.startsWith('margin') ? 'margin' : op.startsWith('futures') ? 'futures' : 'spot';
        this.memory.placed(apiKey, line, str(d.orderId, ''), a, now);
        return;
      }
      case 'futures.multi_order':
        if (Array.isArray(args) && Array.isArray(data))
          args.forEach((o: Args, i) =>
            this.memory.placed(apiKey, 'futures', str((data[i] as Args).orderId, ''), o, now),
          );
        return;
      case 'spot.cancel':
      case 'spot.sync_cancel':
        return this.memory.canceled(apiKey, 'spot', a, now);
      case 'margin.cancel':
        return this.memory.canceled(apiKey, 'margin', a, now);
      case 'futures.cancel':
        return this.memory.canceled(apiKey, 'futures', a, now);
    }
  }

  findOrder(apiKey: string, line: 'spot' | 'margin' | 'futures', clientOid: string): OrderView | undefined {
    return this.memory.find(apiKey, line, clientOid);
  }

  onOrderEvents(apiKey: string, sink: OrderEventSink | undefined): void {
    this.memory.onOrderEvents(apiKey, sink);
  }

  private answer(op: string, args: unknown, now: number): OpResult {
    const a = (typeof args === 'object' && args !== null ? args : {}) as Args;
    switch (op) {
      case 'spot.order':
      case 'futures.order':
        return ok({ orderId: this.nextOrderId(), clientOid: str(a.clientOid, '') });
      case 'margin.order':
        return ok({
          orderId: this.nextOrderId(),
          clientOid: str(a.clientOid, ''),
          borrowSize: '0',
          loanApplyId: null,
        });
      case 'spot.sync_order': {
        const size = str(a.size, '0');
        return ok({
          orderId: this.nextOrderId(),
          clientOid: str(a.clientOid, ''),
          orderTime: now,
          originSize: size,
          dealSize: '0',
          remainSize: size,
          canceledSize: '0',
          status: 'open',
          matchTime: now,
        });
      }
      case 'spot.modify':
        return ok({ newOrderId: this.nextOrderId(), clientOid: str(a.clientOid, '') });
      case 'spot.cancel':
      case 'margin.cancel':
        return ok({ orderId: str(a.orderId, ''), clientOid: str(a.clientOid, '') });
      case 'spot.sync_cancel':
        return ok({
          orderId: str(a.orderId, ''),
          clientOid: str(a.clientOid, ''),
          originSize: '0',
          dealSize: '0',
          remainSize: '0',
          canceledSize: '0',
          status: 'done',
        });
      case 'futures.cancel':
        return ok(
          a.orderId !== undefined
            ? { cancelledOrderIds: [str(a.orderId, '')] }
            : { clientOid: str(a.clientOid, '') },
        );
      case 'futures.multi_order':
        return ok(
          (Array.isArray(args) ? (args as Args[]) : []).map((o) => ({
            orderId: this.nextOrderId(),
            clientOid: str(o.clientOid, ''),
            symbol: str(o.symbol, ''),
            code: CODES.SUCCESS,
            msg: '',
          })),
        );
      case 'futures.multi_cancel': {
        const byId = Array.isArray(a.orderIdsList) ? (a.orderIdsList as unknown[]) : [];
        const byOid = Array.isArray(a.clientOidsList) ? (a.clientOidsList as Args[]) : [];
        return ok([
          ...byId.map((id) => ({ orderId: str(id, ''), clientOid: null, code: CODES.SUCCESS, msg: '' })),
          ...byOid.map((r) => ({
            orderId: null,
            clientOid: str(r.clientOid, ''),
            code: CODES.SUCCESS,
            msg: '',
          })),
        ]);
      }
      default:
        return { code: CODES.INTERNAL_ERROR, msg: `ack mode has no answer for '${op}'` };
    }
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

const ok = (data: unknown): OpResult => ({ code: CODES.SUCCESS, data });
