/**
 * A binary min-heap keyed by a number. The exchange keeps GTT expiries in one so that checking
 * "has anything expired?" on every request costs a single comparison.
 */
export class MinHeap<T> {
  private readonly keys: number[] = [];
  private readonly values: T[] = [];

  /** How many entries are queued. */
  get size(): number {
    return this.keys.length;
  }

  /** The smallest key, or undefined when empty. */
  peekKey(): number | undefined {
    return this.keys[0];
  }

  /** Adds `value` under `key` in O(log n). */
  push(key: number, value: T): void {
    this.keys.push(key);
    this.values.push(value);
    this.up(this.keys.length - 1);
  }

  /** Removes and returns the value with the smallest key in O(log n). */
  pop(): T | undefined {
    const n = this.keys.length;
    if (n === 0) return undefined;
    const top = this.values[0];
    const lastKey = this.keys.pop() as number;
    const lastValue = this.values.pop() as T;
    if (n > 1) {
      this.keys[0] = lastKey;
      this.values[0] = lastValue;
      this.down(0);
    }
    return top;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keys[parent] <= this.keys[i]) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.keys.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      if (l < n && this.keys[l] < this.keys[smallest]) smallest = l;
      if (r < n && this.keys[r] < this.keys[smallest]) smallest = r;
      if (smallest === i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }

  private swap(a: number, b: number): void {
    [this.keys[a], this.keys[b]] = [this.keys[b], this.keys[a]];
    [this.values[a], this.values[b]] = [this.values[b], this.values[a]];
  }
}
