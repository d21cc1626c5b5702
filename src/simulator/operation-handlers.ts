import type { RequestOf, ResponseOf } from '../client/types';
import { CODES } from '../codecs/codes';
import type { OperationName } from '../operations';
import type { AckCancel, AckOrders } from './ack-orders';
import type { Account } from './exchange/accounts';
import {
  cancelFuturesOrder,
  cancelFuturesOrders,
  placeFuturesOrder,
  placeFuturesOrders,
} from './exchange/futures';
import { placeMarginOrder } from './exchange/margin';
import {
  cancelOrder,
  cancelSpotOrderSync,
  modifySpotOrder,
  placeSpotOrder,
  placeSpotOrderSync,
} from './exchange/spot';
import type { ExchangeState } from './exchange/state';
import type { OpResult } from './exchange/types';

/**
 * The exchange engine's handler of an operation. `args` are as received: the engine checks
 * what it reads itself, so that it can also be driven without the gateway in front of it.
 */
export type ExchangeHandler = (
  state: ExchangeState,
  account: Account,
  args: unknown,
  now: number,
) => OpResult;

/** What an ack-mode answer may use: fresh order ids and ack mode's memory of its orders. */
export interface AckDesk {
  nextOrderId(): string;
  readonly orders: AckOrders;
}

/**
 * Ack mode's answer to an operation: data shaped like the real answer (its type is the
 * operation's response type), given arguments the gateway has validated with the operation's
 * request codec. It also tells `desk.orders` what was placed or cancelled.
 */
export type AckAnswer<Op extends OperationName> = (
  args: RequestOf<Op>,
  desk: AckDesk,
  apiKey: string,
  now: number,
) => ResponseOf<Op>;

/** What the simulator does with one operation: in the exchange engine, and in ack mode. */
export interface OperationHandlers<Op extends OperationName> {
  readonly exchange: ExchangeHandler;
  readonly ack: AckAnswer<Op>;
}

/**
 * Operation name → what the simulator does with it. A mapped type over the operation table
 * (src/operations.ts): an operation added there without an entry here does not compile, and
 * each ack answer must return its operation's response type.
 */
export const OPERATION_HANDLERS: { readonly [Op in OperationName]: OperationHandlers<Op> } = {
  'spot.order': {
    exchange: placeSpotOrder,
    ack: (a, desk, apiKey, now) => placed(desk, apiKey, 'spot', a, now),
  },
  'spot.sync_order': {
    exchange: placeSpotOrderSync,
    ack: (a, desk, apiKey, now) => {
      const { orderId, clientOid } = placed(desk, apiKey, 'spot', a, now);
      const size = a.size ?? '0';
      return {
        orderId,
        clientOid,
        orderTime: now,
        originSize: size,
        dealSize: '0',
        remainSize: size,
        canceledSize: '0',
        status: 'open',
        matchTime: now,
      };
    },
  },
  'spot.modify': {
    exchange: modifySpotOrder,
    ack: (a, desk, apiKey, now) => {
      const newOrderId = desk.nextOrderId();
      const clientOid = desk.orders.modified(apiKey, a, newOrderId, now);
      return { newOrderId, clientOid: clientOid ?? a.clientOid ?? '' };
    },
  },
  'spot.cancel': {
    exchange: (s, account, args) => cancelOrder(s, account, 'spot', args),
    ack: (a, desk, apiKey, now) => canceled(desk, apiKey, 'spot', a, now),
  },
  'spot.sync_cancel': {
    exchange: (s, account, args) => cancelSpotOrderSync(s, account, args),
    ack: (a, desk, apiKey, now) => {
      const order = desk.orders.cancel(apiKey, 'spot', a, now);
      // Nothing trades in ack mode: a remembered order's whole size is what was cancelled.
      const size = order?.size ?? '0';
      return {
        ...answerOf(order, a),
        originSize: size,
        dealSize: '0',
        remainSize: '0',
        canceledSize: size,
        status: 'done',
      };
    },
  },
  'margin.order': {
    exchange: placeMarginOrder,
    ack: (a, desk, apiKey, now) => ({
      ...placed(desk, apiKey, 'margin', a, now),
      borrowSize: '0',
      loanApplyId: null,
    }),
  },
  'margin.cancel': {
    exchange: (s, account, args) => cancelOrder(s, account, 'margin', args),
    ack: (a, desk, apiKey, now) => canceled(desk, apiKey, 'margin', a, now),
  },
  'futures.order': {
    exchange: placeFuturesOrder,
    ack: (a, desk, apiKey, now) => placed(desk, apiKey, 'futures', a, now),
  },
  'futures.cancel': {
    exchange: (s, account, args) => cancelFuturesOrder(s, account, args),
    ack: (a, desk, apiKey, now) => {
      desk.orders.canceled(apiKey, 'futures', a, now);
      return a.orderId !== undefined ? { cancelledOrderIds: [a.orderId] } : { clientOid: a.clientOid ?? '' };
    },
  },
  'futures.multi_order': {
    exchange: placeFuturesOrders,
    ack: (list, desk, apiKey, now) =>
      list.map((o) => ({
        ...placed(desk, apiKey, 'futures', o, now),
        symbol: o.symbol,
        code: CODES.SUCCESS,
        msg: '',
      })),
  },
  'futures.multi_cancel': {
    exchange: (s, account, args) => cancelFuturesOrders(s, account, args),
    ack: (a, desk, apiKey, now) => [
      ...(a.orderIdsList ?? []).map((orderId) => ({
        orderId,
        clientOid: desk.orders.cancel(apiKey, 'futures', { orderId }, now)?.clientOid ?? null,
        code: CODES.SUCCESS,
        msg: '',
      })),
      ...(a.clientOidsList ?? []).map((r) => ({
        orderId: desk.orders.cancel(apiKey, 'futures', { clientOid: r.clientOid }, now)?.orderId ?? null,
        clientOid: r.clientOid,
        code: CODES.SUCCESS,
        msg: '',
      })),
    ],
  },
};

type Line = 'spot' | 'margin' | 'futures';

/** A new order id for an acknowledged order, which ack mode then remembers. */
function placed(
  desk: AckDesk,
  apiKey: string,
  line: Line,
  args: { readonly clientOid?: string },
  now: number,
): { orderId: string; clientOid: string } {
  const orderId = desk.nextOrderId();
  desk.orders.placed(apiKey, line, orderId, args, now);
  return { orderId, clientOid: args.clientOid ?? '' };
}

/** An acknowledged cancel: the order it names (if remembered) is done, and the answer names it. */
function canceled(
  desk: AckDesk,
  apiKey: string,
  line: Line,
  args: { readonly orderId?: string; readonly clientOid?: string },
  now: number,
): { orderId: string; clientOid: string } {
  return answerOf(desk.orders.cancel(apiKey, line, args, now), args);
}

/** A cancel's ids: the remembered order's, else what the request gave. */
function answerOf(
  order: AckCancel | undefined,
  args: { readonly orderId?: string; readonly clientOid?: string },
): { orderId: string; clientOid: string } {
  return order === undefined
    ? { orderId: args.orderId ?? '', clientOid: args.clientOid ?? '' }
    : { orderId: order.orderId, clientOid: order.clientOid };
}
