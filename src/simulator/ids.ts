import { createHash } from 'node:crypto';

/**
 * Session ids and demo credentials, deterministic: the same seed gives the same ones,
 * so a failing test run can be replayed. Not secret and not meant to be unguessable.
 */
export class SeededIds {
  private n = 0;

  constructor(
    private readonly seed: number,
    private readonly namespace: string,
  ) {}

  /** 64 hex digits, a pure function of seed, namespace and a counter. */
  nextHex(): string {
    return hexOf(`${this.namespace}:${this.seed}:${this.n++}`);
  }

  /** A version-4-shaped UUID, as KuCoin's session ids are. */
  nextUuid(): string {
    const h = this.nextHex();
    const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

export function hexOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
