/**
 * The `webhdfs` npm package (the user named it) vs the project's own WebHDFS client
 * (src/storage/webhdfs-storage.ts), on the stack's real HDFS: the sink's commit pattern, i.e.
 * write a file under a temp name, then rename it to its final name. Rounds alternate the clients.
 *
 *   npm run bench -- webhdfs-clients [--small 200] [--large 8] [--large-mib 16] [--rounds 3]
 *
 * Needs the stack's HDFS (`npm run stack -- up hdfs`).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { loadConfig } from "../src/config";
import { WebHdfsStorage } from "../src/storage/webhdfs-storage";
import { median } from "./reference/lib/stats";

/** The slice of the `webhdfs` package's callback API this benchmark uses (it ships no types). */
interface PackageClient {
  writeFile(path: string, data: Buffer, callback: (error: Error | null) => void): unknown;
  rename(from: string, to: string, callback: (error: Error | null) => void): void;
  mkdir(path: string, callback: (error: Error | null) => void): void;
  unlink(path: string, recursive: boolean, callback: (error: Error | null) => void): void;
}

interface Client {
  name: string;
  mkdirs(dir: string): Promise<void>;
  writeThenRename(tmp: string, final: string, data: Buffer): Promise<void>;
  remove(dir: string): Promise<void>;
}

const call = (fn: (cb: (error: Error | null) => void) => unknown) =>
  new Promise<void>((resolve, reject) => void fn((error) => (error ? reject(error) : resolve())));

function packageClient(url: URL, user: string): Client {
  const webhdfs = require("webhdfs") as { createClient(opts: Record<string, string>): PackageClient };
  const client = webhdfs.createClient({ host: url.hostname, port: url.port, path: "/webhdfs/v1", user });
  return {
    name: "webhdfs (npm package 1.2)",
    mkdirs: (dir) => call((cb) => client.mkdir(dir, cb)),
    writeThenRename: async (tmp, final, data) => {
      await call((cb) => client.writeFile(tmp, data, cb));
      await call((cb) => client.rename(tmp, final, cb));
    },
    remove: (dir) => call((cb) => client.unlink(dir, true, cb)),
  };
}

function ownClient(url: string, hdfsUri: string, user: string): Client {
  const storage = new WebHdfsStorage({ url, hdfsUri, user, root: "/" });
  return {
    name: "ours (src/storage/webhdfs-storage.ts)",
    mkdirs: (dir) => storage.mkdirs(dir),
    writeThenRename: async (tmp, final, data) => {
      await storage.writeFile(tmp, data);
      if (!(await storage.rename(tmp, final))) throw new Error(`rename refused: ${final} exists`);
    },
    remove: async (dir) => void (await storage.delete(dir)),
  };
}

interface Figures {
  client: string;
  shape: string;
  files: number;
  seconds: number;
  cpuMs: number;
}

async function measure(client: Client, base: string, shape: string, files: number, bytes: number): Promise<Figures> {
  const dir = `${base}/${randomUUID().slice(0, 8)}`;
  await client.mkdirs(`${dir}/_tmp`);
  const data = randomBytes(bytes);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < files; i++) await client.writeThenRename(`${dir}/_tmp/f${i}.parquet`, `${dir}/f${i}.parquet`, data);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  await client.remove(dir);
  return { client: client.name, shape, files, seconds, cpuMs: (cpu.user + cpu.system) / 1000 };
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      small: { type: "string", default: "200" },
      large: { type: "string", default: "8" },
      "large-mib": { type: "string", default: "16" },
      rounds: { type: "string", default: "3" },
    },
  });
  const config = loadConfig({ ...process.env, PIPELINE_STACK: "real" });
  const url = new URL(config.storage.webhdfsUrl);
  const clients = [packageClient(url, config.storage.hdfsUser), ownClient(config.storage.webhdfsUrl, config.storage.hdfsUri, config.storage.hdfsUser)];
  const shapes: [string, number, number][] = [
    ["64 KiB files", Number(values.small), 64 * 1024],
    [`${values["large-mib"]} MiB files`, Number(values.large), Number(values["large-mib"]) * 2 ** 20],
  ];
  const base = `/bench/webhdfs-clients/${Date.now()}`;
  const results: Figures[] = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    const order = round % 2 === 0 ? clients : [...clients].reverse();
    for (const [shape, files, bytes] of shapes) {
      for (const client of order) {
        const r = await measure(client, base, shape, files, bytes);
        process.stderr.write(`[webhdfs-clients] round ${round + 1} ${r.client}, ${files} x ${shape}: ${r.seconds.toFixed(2)} s\n`);
        results.push(r);
      }
    }
  }
  await clients[1].remove(base);
  const lines = ["| client | files | write+rename files/s (median) | MiB/s | client CPU ms per file |", "|---|---|---|---|---|"];
  for (const [shape, files, bytes] of shapes) {
    for (const client of clients) {
      const mine = results.filter((r) => r.client === client.name && r.shape === shape);
      const seconds = median(mine.map((r) => r.seconds));
      const cpu = median(mine.map((r) => r.cpuMs)) / files;
      lines.push(`| ${client.name} | ${files} x ${shape} | ${(files / seconds).toFixed(1)} | ${((files * bytes) / 2 ** 20 / seconds).toFixed(1)} | ${cpu.toFixed(2)} |`);
    }
  }
  process.stdout.write(`\n${lines.join("\n")}\n`);
}
