/**
 * The operation table (src/operations.ts) drives the simulator's handlers and ack answers, the
 * test arbitraries and the client's method list. Most of this file is checked by the compiler
 * (`tsc --noEmit`, part of `npm test`): each `@ts-expect-error` below is a table row without
 * its handler, ack answer, arbitrary, method or order effects, and fails the type-check if it
 * ever compiles.
 * The runtime checks say the same of the values.
 */
import type fc from 'fast-check';
import {
  OPERATIONS,
  WebsocketAPIClient,
  type MethodName,
  type OperationName,
  type OperationSpec,
  type OrderRole,
} from '../../src';
import { orderRoleOf } from '../../src/operations';
import type { OperationMethods } from '../../src/client/types';
import { OPERATION_HANDLERS, type AckAnswer } from '../../src/simulator/operation-handlers';
import { FIELDS, valid, type FieldKind } from '../support/request-arbitraries';

/** true when A and B are the same type (not merely assignable either way). */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const same = <A, B>(proof: Equals<A, B>): Equals<A, B> => proof;

type Handlers = typeof OPERATION_HANDLERS;
/** An operation that is not in the table (yet). */
type NextOperation = OperationName | 'spot.teleport';
type NextMethod = MethodName | 'teleportSpotOrder';

describe('the operation table drives everything (checked by tsc)', () => {
  it('the simulator has one entry per operation name, no more, no fewer', () => {
    same<keyof Handlers, OperationName>(true);
    same<OperationName, (typeof OPERATIONS)[MethodName]['op']>(true);
    // A row added to the table is a name the handler record lacks:
    // @ts-expect-error 'spot.teleport' has no handlers
    const next: { readonly [Op in NextOperation]: unknown } = OPERATION_HANDLERS;
    // …which is exactly a record with one row missing:
    const { 'spot.modify': _modify, ...withoutModify } = OPERATION_HANDLERS;
    // @ts-expect-error 'spot.modify' is missing
    const missing: Handlers = withoutModify;
    expect([next, missing]).toHaveLength(2);
    expect(Object.keys(OPERATION_HANDLERS).sort()).toEqual(
      Object.values(OPERATIONS)
        .map((s) => s.op)
        .sort(),
    );
  });

  it('an ack answer must return its operation’s response type', () => {
    // @ts-expect-error spot.modify answers { newOrderId, clientOid }, not { orderId, clientOid }
    const wrong: AckAnswer<'spot.modify'> = () => ({ orderId: 'x', clientOid: 'y' });
    const right: AckAnswer<'spot.modify'> = () => ({ newOrderId: 'x', clientOid: 'y' });
    // @ts-expect-error an ack entry is required next to each engine handler
    const noAck: Handlers['spot.cancel'] = { exchange: OPERATION_HANDLERS['spot.cancel'].exchange };
    expect([wrong, right, noAck]).toHaveLength(3);
  });

  it('each row says what its operation does to orders', () => {
    // Every row's order effects are an OrderRole (the row's constructor requires them), never undefined:
    const rows = Object.values(OPERATIONS);
    const roles: readonly OrderRole[] = rows.map((row) => row.orders);
    const { orders: _orders, ...withoutOrders } = OPERATIONS.submitNewSpotOrder;
    // @ts-expect-error an operation spec without its order effects
    const bare: OperationSpec = withoutOrders;
    expect([roles, bare]).toHaveLength(2);
    for (const row of rows) {
      expect(['spot', 'margin', 'futures']).toContain(row.orders.market);
      expect(orderRoleOf(row.op)).toBe(row.orders);
    }
    // What updates$ follows and what reconcile looks up, by op:
    expect(rows.filter((r) => r.orders.places).map((r) => r.op)).toEqual([
      'spot.order',
      'spot.sync_order',
      'spot.modify',
      'margin.order',
      'futures.order',
      'futures.multi_order',
    ]);
    expect(rows.every((r) => r.orders.reconcile !== undefined)).toBe(true);
    expect(orderRoleOf('toString')).toBeUndefined();
  });

  it('the test arbitraries have one entry per method', () => {
    same<keyof typeof valid, MethodName>(true);
    same<keyof typeof FIELDS, MethodName>(true);
    // @ts-expect-error 'teleportSpotOrder' has no arbitrary
    const arbitraries: { readonly [M in NextMethod]: fc.Arbitrary<unknown> } = valid;
    // @ts-expect-error 'teleportSpotOrder' has no field kinds
    const fields: { readonly [M in NextMethod]: Record<string, FieldKind> } = FIELDS;
    expect([arbitraries, fields]).toHaveLength(2);
    expect(Object.keys(valid).sort()).toEqual(Object.keys(OPERATIONS).sort());
    expect(Object.keys(FIELDS).sort()).toEqual(Object.keys(OPERATIONS).sort());
  });

  it('the client has one method per row, with the row’s request and response types', async () => {
    same<keyof OperationMethods, MethodName>(true);
    const client = new WebsocketAPIClient({ attachEventListeners: false });
    const methods: OperationMethods = client;
    // A client without one of the methods does not implement the table:
    // @ts-expect-error submitNewSpotOrder is missing
    const partial: OperationMethods = {} as Omit<WebsocketAPIClient, 'submitNewSpotOrder'>;
    // @ts-expect-error a method whose response type drifts from its row
    const drifted: OperationMethods['cancelFuturesOrder'] = methods.submitNewSpotOrder;
    expect([partial, drifted]).toHaveLength(2);
    for (const method of Object.keys(OPERATIONS) as MethodName[]) {
      expect(typeof methods[method]).toBe('function');
    }
    await client.close();
  });
});
