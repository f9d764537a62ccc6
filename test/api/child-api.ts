/** `npm run api` as a child process, for the tests that kill it or run several replicas. */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { after } from "node:test";

const BIN = path.join(__dirname, "..", "..", "src", "bin", "api.js");
const children = new Set<ChildProcess>();
after(() => {
  for (const c of children) c.kill("SIGKILL");
});

export interface ChildApi {
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

/** Starts the API with `env` (on an ephemeral loopback port); resolves once it listens (its log line names the URL). */
export function startChildApi(env: Record<string, string>): Promise<ChildApi> {
  const child = spawn(process.execPath, [BIN], {
    env: { PATH: process.env.PATH, PORT: "0", API_HOST: "127.0.0.1", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return new Promise((resolve, reject) => {
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      const url = /listening url=(\S+)/.exec(stderr)?.[1];
      if (url) resolve({ url, exited, kill: (s) => child.kill(s) });
    });
    void exited.then(({ code, signal }) => reject(new Error(`the API exited before listening (${code ?? signal}): ${stderr.slice(-2000)}`)));
  });
}
