import type { OrderIds } from './ids';
import type { Order } from './order';

/**
 * Live orders by id: an array indexed by the id's sequence number, so registering and looking
 * up an order costs no hashing (done orders leave an empty slot behind).
 */
export class LiveOrders {
  private readonly slots: Array<Order | undefined> = [];

  /** Lookups parse ids made by `ids`. */
  constructor(private readonly ids: OrderIds) {}

  /** Registers a live order. */
  add(order: Order): void {
    this.slots[order.sequence] = order;
  }

  /** The live order with this id. */
  get(id: string): Order | undefined {
    const sequence = this.ids.sequenceOf(id);
    return sequence === undefined ? undefined : this.slots[sequence];
  }

  /** Forgets a done order. */
  delete(order: Order): void {
    if (this.slots[order.sequence] === order) this.slots[order.sequence] = undefined;
  }
}
