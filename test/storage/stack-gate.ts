/**
 * Stack-tier gate: a test needing a real service runs when the service answers; otherwise it is
 * skipped with a clear message on a developer machine, and fails loudly under CI (env CI set).
 */
import * as https from "node:https";

/** True when `url` answers at all; `ca` is trusted for https (the secured stack's own CA). */
export async function reachable(url: string, timeoutMs = 3000, ca: string | null = null): Promise<boolean> {
  if (ca !== null && url.startsWith("https:")) {
    return new Promise((resolve) => {
      https.get(url, { ca, timeout: timeoutMs }, (res) => resolve(res.resume() !== undefined)).on("error", () => resolve(false)).on("timeout", function (this: { destroy(): void }) {
        this.destroy();
      });
    });
  }
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

/** undefined when `url` answers; a skip message otherwise (throws under CI). */
export async function requireService(service: string, url: string, ca: string | null = null): Promise<string | undefined> {
  if (await reachable(url, 3000, ca)) return undefined;
  const message = `${service} is not reachable at ${url}: start the stack with \`npm run stack -- up\``;
  // CI must run the stack tier for real: an unreachable service there is a failure, not a skip.
  if (process.env.CI) throw new Error(`${message} (CI is set, so this is a failure)`);
  return `${message} (skipped; set CI=1 to make this a failure)`;
}
