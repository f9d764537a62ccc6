/**
 * Named locks within one process: a FIFO queue per name. Callers take several names in sorted
 * order, so two requests that need the same names never wait for each other in a cycle.
 */
export class LocalLocks {
  /** Per held name, the release of its last taker (resolved when that taker lets go). */
  private readonly tails = new Map<string, Promise<void>>();

  /** Takes every name (sorted); resolves with the function that releases them all. */
  async acquire(names: readonly string[]): Promise<() => void> {
    const releases: (() => void)[] = [];
    for (const name of [...new Set(names)].sort()) releases.push(await this.take(name));
    return () => {
      for (const release of releases.reverse()) release();
    };
  }

  /** Names held or waited for (for tests). */
  get held(): number {
    return this.tails.size;
  }

  private async take(name: string): Promise<() => void> {
    const before = this.tails.get(name);
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    this.tails.set(name, mine);
    if (before) await before;
    return () => {
      if (this.tails.get(name) === mine) this.tails.delete(name);
      release();
    };
  }
}
