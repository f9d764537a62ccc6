/**
 * The sink process's JavaScript heap stays small: imported first by the sink's entry (sink.ts), so
 * it applies from the start of the process.
 *
 * V8 doubles the young generation whenever objects keep surviving its scavenges, up to 64 MiB per
 * semi-space on this kind of machine (128 MiB of new space). The sink always has records in
 * flight across its awaits (a fetch round, a batch being staged), so under a steady stream the new
 * space grew to its maximum and stayed there: ~75 MiB of a 1,000,000-event batch run's peak RSS
 * (bench/RESULTS.md, issue 18). With a growth factor of 1 it keeps its initial size (1 MiB
 * semi-spaces); what survives is promoted and collected with the old generation, for about the same
 * CPU. V8 reads this flag each time it would grow the new space, so setting it at run time works
 * (unlike --max-semi-space-size, which is read once at start-up and needs a command-line flag).
 */
import * as v8 from "node:v8";

v8.setFlagsFromString("--semi-space-growth-factor=1");
