/** Reading a process's Prometheus endpoint in tests. */

/** The value of one sample (`name` plus its labels) in a Prometheus text body, or undefined. */
export function sample(body: string, name: string): number | undefined {
  const line = body.split("\n").find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

/** Every sample of a metric family by its labels (`{partition="3"}` -> 1; "" for none). */
export function samples(body: string, family: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of body.split("\n")) {
    const m = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (m && m[1] === family) out.set(m[2] ?? "", Number(m[3]));
  }
  return out;
}
