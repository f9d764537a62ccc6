/**
 * A batch run's fixed cost on the real stack (issue 18), and its timeline (what ran when).
 * Each round lands a pre-filled topic into an emptied warehouse whose tables are already registered
 * (an increment of `--events`; the sink group's offsets are deleted with the warehouse, as a user's
 * group reports what its warehouse holds), then runs again with nothing new (an empty increment).
 * Prints per run the wall time, the CPU seconds and the peak RSS of the sink process, the load
 * average at the start and the end, and the timeline of each run of the last round, read from the
 * sink's `LOG_LEVEL=debug` log. `--baseline <checkout>` runs that checkout's build too, alternating
 * which goes first, each in its own warehouse, schema and consumer group.
 *
 *   npm run bench -- sink-timeline [--events 10000] [--rounds 3] [--partitions 2] [--baseline ../other-checkout]
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { topicTools } from "./reference/lib/kafka";
import { benchSettings, runDir } from "./reference/lib/settings";
import { fmt, markdownTable, median } from "./reference/lib/stats";
import { formatTimeline, parseTimeline } from "./reference/lib/timeline";
import { WebHdfs } from "./reference/lib/webhdfs";
import { measure, prepareTopic, startOurSink } from "./reference/sink";

type Build = "this" | "baseline";
type Kind = "increment" | "empty";

interface TimedRun {
  build: Build;
  round: number;
  kind: Kind;
  exit: number | string;
  wallSeconds: number;
  /** CPU of the sink process (user + system): what the run costs, whatever the machine's load. */
  cpuSeconds: number;
  peakRssMiB: number;
  timeline: string;
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      events: { type: "string", default: "10000" },
      rounds: { type: "string", default: "3" },
      partitions: { type: "string", default: "2" },
      baseline: { type: "string" },
    },
  });
  const settings = benchSettings(process.env);
  const events = Number(values.events);
  const partitions = Number(values.partitions);
  const rounds = Number(values.rounds);
  const topic = `bench-sink-timeline-${events}-p${partitions}`;
  const dir = runDir("sink-timeline");
  const roots: Record<Build, string | null> = { this: settings.repoRoot, baseline: values.baseline ? path.resolve(values.baseline) : null };
  const builds = (Object.keys(roots) as Build[]).filter((b) => roots[b] !== null);
  const hdfs = new WebHdfs(settings.webhdfsUrl, settings.hdfsUser);
  log(`work dir ${dir}; topic ${topic} (${events} events, ${partitions} partitions); builds ${builds.map((b) => `${b}=${roots[b]}`).join(" ")}`);

  const kafka = await topicTools(settings.brokers);
  const runs: TimedRun[] = [];
  const loadAtStart = loadAverage();
  try {
    await prepareTopic(kafka, topic, events, partitions);
    for (let round = 1; round <= rounds; round++) {
      for (const build of round % 2 === 1 ? builds : [...builds].reverse()) {
        // One warehouse, schema and group per build for every round: the tables stay registered, as for a user's next increment.
        const base = `/bench/sink-timeline-${build}`;
        const env = { PRESTO_SCHEMA: `bench_sink_timeline_${build}`, SINK_GROUP: `bench-sink-timeline-${build}`, LOG_LEVEL: "debug" };
        await hdfs.delete(base);
        // The group's offsets go with the warehouse: a user's group has reported what its warehouse holds.
        await kafka.deleteGroup(env.SINK_GROUP);
        for (const kind of ["increment", "empty"] as const) {
          const name = `${build}-${kind}-${round}`;
          const startedAt = Date.now();
          const m = await measure(startOurSink(settings, name, dir, topic, base, env, roots[build]!));
          const timeline = formatTimeline(parseTimeline(fs.readFileSync(path.join(dir, `${name}.log`), "utf8"), startedAt), m.wallSeconds);
          const peakRssMiB = m.usage.peakRssBytes / 2 ** 20;
          runs.push({ build, round, kind, exit: m.exit, wallSeconds: m.wallSeconds, cpuSeconds: m.usage.cpuSeconds, peakRssMiB, timeline });
          log(`round ${round} ${build} ${kind}: exit ${m.exit}, ${fmt(m.wallSeconds, 2)} s wall, ${fmt(m.usage.cpuSeconds, 2)} s CPU, peak RSS ${fmt(peakRssMiB, 0)} MiB`);
        }
      }
    }
  } finally {
    await kafka.close();
  }
  const label = (kind: Kind) => (kind === "increment" ? `${events} events` : "empty increment");
  const rows = builds.flatMap((build) =>
    (["increment", "empty"] as const).map((kind) => {
      const of = runs.filter((r) => r.build === build && r.kind === kind);
      return [build, label(kind), String(of.length), of.map((r) => String(r.exit)).join(","), of.map((r) => fmt(r.wallSeconds, 2)).join(", "), fmt(median(of.map((r) => r.wallSeconds)), 2),
        of.map((r) => fmt(r.cpuSeconds, 2)).join(", "), fmt(median(of.map((r) => r.cpuSeconds)), 2), fmt(median(of.map((r) => r.peakRssMiB)), 0)];
    }),
  );
  const last = runs.filter((r) => r.round === rounds);
  const out = [
    markdownTable(["build", "batch run", "runs", "exit", "wall s (each round)", "wall s (median)", "CPU s (each round)", "CPU s (median)", "peak RSS MiB (median)"], rows),
    "",
    ...last.flatMap((r) => [`Timeline, ${r.build}, round ${r.round}, ${label(r.kind)}:`, "", r.timeline, ""]),
    `load average at the start: ${loadAtStart}; at the end: ${loadAverage()}`,
  ];
  process.stdout.write(out.join("\n") + "\n");
  log(`logs: ${dir}`);
}

function loadAverage(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(" ");
}

function log(msg: string): void {
  process.stderr.write(`[sink-timeline] ${msg}\n`);
}
