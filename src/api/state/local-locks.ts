/**
 * Named locks within one process: a FIFO queue per name. Callers take several names in sorted
 * order, so two requests that need the same names never wait for each other in a cycle. A caller
 * may bound its wait: it then gives up with LockTimeoutError, and its place in the queue is let go
 * as soon as it comes up, so the callers behind it are not held.
 */
import { LockTimeoutError } from "../../errors";

export class LocalLocks {
  /** Per held name, the release of its last taker (resolved when that taker lets go). */
  private readonly tails = new Map<string, Promise<void>>();

  /** Takes every name (sorted); resolves with the function that releases them all. */
  async acquire(names: readonly string[], waitMs = Infinity): Promise<() => void> {
    const releases: (() => void)[] = [];
    const releaseAll = () => {
      for (const release of releases.reverse()) release();
    };
    const deadline = Date.now() + waitMs;
    for (const name of [...new Set(names)].sort()) {
      const { turn, release } = this.enqueue(name);
      if (!(await arrives(turn, deadline - Date.now()))) {
        void turn.then(release); // leave the queue when our turn comes
        releaseAll();
        throw new LockTimeoutError(`${name} is still held after ${waitMs} ms`);
      }
      releases.push(release);
    }
    return releaseAll;
  }

  /** Names held or waited for (for tests). */
  get held(): number {
    return this.tails.size;
  }

  private enqueue(name: string): { turn: Promise<void>; release: () => void } {
    const before = this.tails.get(name) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    this.tails.set(name, mine);
    return {
      turn: before,
      release: () => {
        if (this.tails.get(name) === mine) this.tails.delete(name);
        release();
      },
    };
  }
}

/** True when `turn` resolves within `ms`. */
async function arrives(turn: Promise<void>, ms: number): Promise<boolean> {
  if (ms === Infinity) return turn.then(() => true);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, ms))));
  try {
    return await Promise.race([turn.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}
