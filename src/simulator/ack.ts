import { CODES } from '../codecs/codes';
import type { ExchangeApi, LedgerEntry, OpResult } from './exchange/types';
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

  constructor(seed: number) {
    this.nextOrderId = orderIdSource(seed, 'ack-order');
  }

  /** Arguments were validated by the gateway before this is called. */
  handle(_apiKey: string, op: string, args: unknown, now: number): OpResult {
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
