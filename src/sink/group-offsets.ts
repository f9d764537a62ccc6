/**
 * Reports the sink's committed position to its consumer group, for lag monitoring only (the
 * position on restart comes from the committed files). In the background, latest position only:
 * no commit waits for it, and a burst of commits costs one offset commit.
 *
 * Why in the background: a commit is a round trip to the group coordinator that no batch needs to
 * wait for (and on the kafkajs client this project once used, a commit from outside a live member
 * joined the group and waited out a fetch, ~5 s each: bench/RESULTS.md "sink on the real stack").
 * The runner settles the last report before it hands partitions over, while this worker is still
 * a live member: a group with live members takes commits only from one of them.
 */
import type { Logger } from "../logger";
import type { Transport } from "../transport";

export class GroupOffsets {
  private latest: Map<number, number> | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly transport: Transport,
    private readonly groupId: string,
    private readonly topic: string,
    private readonly logger: Logger,
  ) {}

  /** Commits `positions` (next offset per partition) soon; replaces a report not yet sent. */
  report(positions: ReadonlyMap<number, number>): void {
    this.latest = new Map(positions);
    this.running ??= this.drain();
  }

  /** Resolves once the latest report is committed (or its failure logged). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    for (let offsets = this.latest; offsets; offsets = this.latest) {
      this.latest = null;
      await this.transport.commitOffsets(this.groupId, this.topic, offsets).catch((error: unknown) =>
        this.logger.warn("could not commit consumer-group offsets (lag monitoring only)", { error: String(error) }),
      );
    }
    this.running = null;
  }
}
