import type { OperationName } from '../operations';
import type { OrderMarket } from '../rest/order-snapshot';

/** What an operation does to orders, for tracking (`call.updates$`) and `reconcile: true`. */
export interface OrderRole {
  readonly market: OrderMarket;
  /** It places orders whose events `updates$` follows. */
  readonly places: boolean;
  /**
   * How a lost answer is reconciled: by looking the placed order(s) up ('place'), the cancelled
   * one ('cancel'), each order a batch cancel names ('cancel-batch'), or the modified order and
   * its replacement ('modify'); undefined: it is not.
   */
  readonly reconcile: 'place' | 'cancel' | 'cancel-batch' | 'modify' | undefined;
}

/**
 * Every operation's role, a record over the operation table's names: an operation added to
 * the table without its row here does not compile.
 */
const ORDER_OPS: { readonly [Op in OperationName]: OrderRole } = {
  'spot.order': { market: 'spot', places: true, reconcile: 'place' },
  'spot.sync_order': { market: 'spot', places: true, reconcile: 'place' },
  'spot.modify': { market: 'spot', places: true, reconcile: 'modify' },
  'spot.cancel': { market: 'spot', places: false, reconcile: 'cancel' },
  'spot.sync_cancel': { market: 'spot', places: false, reconcile: 'cancel' },
  'margin.order': { market: 'margin', places: true, reconcile: 'place' },
  'margin.cancel': { market: 'margin', places: false, reconcile: 'cancel' },
  'futures.order': { market: 'futures', places: true, reconcile: 'place' },
  'futures.cancel': { market: 'futures', places: false, reconcile: 'cancel' },
  'futures.multi_order': { market: 'futures', places: true, reconcile: 'place' },
  'futures.multi_cancel': { market: 'futures', places: false, reconcile: 'cancel-batch' },
};

/** The role of `op`; undefined for a name that is not an operation (inherited names such as 'toString' included). */
export function orderRoleOf(op: string): OrderRole | undefined {
  return Object.prototype.hasOwnProperty.call(ORDER_OPS, op) ? ORDER_OPS[op as OperationName] : undefined;
}
