/**
 * A fixed set of resources (Kafka producer slots, DuckDB connections) lent to one caller at a
 * time; callers wait in arrival order while all of them are lent.
 */
export class Pool<T> {
  private readonly idle: T[];
  private readonly waiters: ((item: T) => void)[] = [];

  constructor(items: readonly T[]) {
    this.idle = [...items];
  }

  /** Runs `task` with a free item and gives the item back (to the next waiter first) when it settles. */
  async use<R>(task: (item: T) => Promise<R>): Promise<R> {
    const item = this.idle.pop() ?? (await new Promise<T>((resolve) => this.waiters.push(resolve)));
    try {
      return await task(item);
    } finally {
      const next = this.waiters.shift();
      if (next) next(item);
      else this.idle.push(item);
    }
  }
}
