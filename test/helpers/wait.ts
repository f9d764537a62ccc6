/** Polling with a deadline, for tests: a wait that cannot end fails with what it waited for. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` every `everyMs` until it returns true; throws naming `what` once `timeoutMs` has passed. */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, { timeoutMs = 20_000, everyMs = 50 } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
