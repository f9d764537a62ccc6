/** Test doubles for the publisher: a clock driven by hand and a producer acknowledged by hand. */
import type { Clock, TimerHandle } from "../../src/api";
import type { LogProducer, OutgoingMessage } from "../../src/transport";

export class FakeClock implements Clock {
  private time = 0;
  private timers: { at: number; fn: () => void; cancelled: boolean }[] = [];

  now(): number {
    return this.time;
  }

  after(ms: number, fn: () => void): TimerHandle {
    const timer = { at: this.time + ms, fn, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => !t.cancelled && t.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      due.cancelled = true;
      this.time = due.at;
      due.fn();
    }
    this.time = target;
    this.timers = this.timers.filter((t) => !t.cancelled);
  }
}

export interface PendingSend {
  messages: readonly OutgoingMessage[];
  ack(): void;
  fail(error?: Error): void;
}

export class FakeProducer implements LogProducer {
  readonly sends: PendingSend[] = [];
  closed = false;

  send(_topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.sends.push({ messages, ack: resolve, fail: (e = new Error("broker down")) => reject(e) });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** Lets pending promise callbacks run. */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
