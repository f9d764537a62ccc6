/**
 * Splits a request sequence into one lane per connection so that concurrency cannot change
 * outcomes: every player belongs to exactly one lane, and a lane is sent strictly in order
 * (one request in flight per connection), so each player's requests reach the API in sequence.
 */
import type { PlannedRequest } from "./request";

export interface Lanes {
  readonly count: number;
  /** Requests in lane i; undefined when the lanes are unbounded (duration runs). */
  readonly sizes?: readonly number[];
  /** The next request of lane i, or undefined when the lane is exhausted. */
  next(lane: number): PlannedRequest | undefined;
}

/**
 * Fixed lanes for a known list: players are dealt to the least-loaded lane, busiest player
 * first, so lanes end at about the same time. Lanes with no players are dropped.
 */
export function fixedLanes(requests: readonly PlannedRequest[], connections: number): Lanes {
  const perPlayer = new Map<number, number>();
  for (const r of requests) perPlayer.set(r.playerIndex, (perPlayer.get(r.playerIndex) ?? 0) + 1);
  const count = Math.max(1, Math.min(connections, perPlayer.size));
  const loads = new Array<number>(count).fill(0);
  const laneOf = new Map<number, number>();
  const busiestFirst = [...perPlayer.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  for (const [player, n] of busiestFirst) {
    const lane = loads.indexOf(Math.min(...loads));
    laneOf.set(player, lane);
    loads[lane] += n;
  }
  const queues: PlannedRequest[][] = Array.from({ length: count }, () => []);
  for (const r of requests) queues[laneOf.get(r.playerIndex) ?? 0].push(r);
  const cursors = new Array<number>(count).fill(0);
  return {
    count,
    sizes: queues.map((q) => q.length),
    next: (lane) => queues[lane][cursors[lane]++],
  };
}

/**
 * Unbounded lanes over an endless sequence: player i goes to lane i mod count; requests of
 * other lanes met while looking for the next one are kept for them (in sequence order).
 */
export function streamingLanes(source: Iterator<PlannedRequest>, connections: number, players: number): Lanes {
  const count = Math.max(1, Math.min(connections, players));
  const buffers: PlannedRequest[][] = Array.from({ length: count }, () => []);
  const heads = new Array<number>(count).fill(0);
  return {
    count,
    next(lane) {
      for (;;) {
        const buffer = buffers[lane];
        if (heads[lane] < buffer.length) {
          const request = buffer[heads[lane]++];
          if (heads[lane] > 1024 && heads[lane] * 2 > buffer.length) {
            buffer.splice(0, heads[lane]);
            heads[lane] = 0;
          }
          return request;
        }
        const step = source.next();
        if (step.done) return undefined;
        buffers[step.value.playerIndex % count].push(step.value);
      }
    },
  };
}
