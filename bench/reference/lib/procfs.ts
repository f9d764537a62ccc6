/**
 * CPU seconds and peak memory of a whole process tree, sampled from /proc. A Spark run is a
 * python driver, a JVM and short-lived python UDF workers; our sink is one node process: both are
 * measured the same way, as the sum over every process descended from the one the harness started.
 */
import * as fs from "node:fs";

export interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
  /** Start time since boot, in clock ticks: (pid, startTicks) names a process even after pid reuse. */
  startTicks: number;
  rssPages: number;
}

/** Parses one /proc/<pid>/stat line; the command name may contain spaces and parentheses. */
export function parseStat(line: string): ProcStat | null {
  const close = line.lastIndexOf(")");
  if (close < 0) return null;
  const pid = Number(line.slice(0, line.indexOf(" ")));
  // Fields after the command: state(3) ppid(4) ... utime(14) stime(15) ... starttime(22) vsize(23) rss(24).
  const rest = line.slice(close + 2).trim().split(/\s+/);
  const at = (field: number) => Number(rest[field - 3]);
  const stat = { pid, ppid: at(4), cpuTicks: at(14) + at(15), startTicks: at(22), rssPages: at(24) };
  return Object.values(stat).every(Number.isFinite) ? stat : null;
}

/** Pids of `root` and all its descendants in a snapshot. */
export function descendants(root: number, stats: readonly ProcStat[]): Set<number> {
  const children = new Map<number, number[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s.pid]);
  const tree = new Set<number>();
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    if (tree.has(pid)) continue;
    tree.add(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return tree;
}

export interface TreeUsage {
  cpuSeconds: number;
  peakRssBytes: number;
  /** Distinct processes seen in the tree. */
  processes: number;
  samples: number;
}

const CLOCK_TICKS = 100; // USER_HZ: 100 on every Linux build Node supports.
const PAGE_BYTES = 4096;

function snapshot(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = parseStat(fs.readFileSync(`/proc/${name}/stat`, "utf8"));
      if (stat) out.push(stat);
    } catch {
      // The process exited between readdir and read.
    }
  }
  return out;
}

/** Samples the tree under `rootPid` every `intervalMs` until stop() is called. */
export class TreeMonitor {
  private readonly lastTicks = new Map<string, number>();
  private peakPages = 0;
  private samples = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly rootPid: number, intervalMs = 200) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  private sample(): void {
    const stats = snapshot();
    const tree = descendants(this.rootPid, stats);
    let pages = 0;
    for (const s of stats) {
      if (!tree.has(s.pid)) continue;
      this.lastTicks.set(`${s.pid}:${s.startTicks}`, s.cpuTicks);
      pages += s.rssPages;
    }
    this.peakPages = Math.max(this.peakPages, pages);
    this.samples += 1;
  }

  /** Takes a last sample (call it just before the root exits, if possible) and stops. */
  stop(): TreeUsage {
    clearInterval(this.timer);
    return this.usage();
  }

  usage(): TreeUsage {
    let ticks = 0;
    for (const t of this.lastTicks.values()) ticks += t;
    return {
      cpuSeconds: ticks / CLOCK_TICKS,
      peakRssBytes: this.peakPages * PAGE_BYTES,
      processes: this.lastTicks.size,
      samples: this.samples,
    };
  }
}
