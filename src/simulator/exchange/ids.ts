import { mulberry32 } from './prng';

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

/**
 * Order ids (and the exchange's other ids, such as margin's loanApplyId), KuCoin-style:
 * 24 hex characters ('670fd33bf9406e0007ab3945'), 16 derived from `seed`, then an
 * 8-character sequence number. Deterministic for a seed, unique for 2^32
 * ids, cheap to make, and the sequence number doubles as an array index for lookups by id.
 */
export class OrderIds {
  private counter = 0;
  private readonly prefix: string;

  /** Ids of one exchange; two exchanges with the same seed hand out the same sequence. */
  constructor(seed: number) {
    const random = mulberry32(seed ^ 0x5eed1d5);
    this.prefix = hex8(Math.floor(random() * 2 ** 32)) + hex8(Math.floor(random() * 2 ** 32));
  }

  /** The next sequence number (use `format` for its id). */
  nextSequence(): number {
    this.counter += 1;
    return this.counter;
  }

  /** The id of a sequence number. */
  format(sequence: number): string {
    return this.prefix + hex8(sequence);
  }

  /** The next id. */
  next(): string {
    return this.format(this.nextSequence());
  }

  /**
   * The sequence number of an id this generator made; undefined for any other string. Only the
   * canonical spelling matches: `parseInt` alone would also read '+00000ec', '0x0000ec',
   * '000eczzz' or upper case as the order 0xec, and cancel it.
   */
  sequenceOf(id: string): number | undefined {
    if (id.length !== 24 || !id.startsWith(this.prefix)) return undefined;
    const sequence = parseInt(id.slice(16), 16);
    return Number.isInteger(sequence) &&
      sequence > 0 &&
      sequence <= this.counter &&
      this.format(sequence) === id
      ? sequence
      : undefined;
  }
}
