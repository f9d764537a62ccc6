/** An HTTP PUT of a body on node:http (kept for callers of the first version; see datanode-http.ts for why). */
import { dataNodeRequest } from "./datanode-http";

export interface PutAnswer {
  status: number;
  body: string;
}

export async function httpPut(url: string, body: Uint8Array, headers: Record<string, string>, timeoutMs: number): Promise<PutAnswer> {
  const answer = await dataNodeRequest("PUT", url, body, headers, timeoutMs);
  return { status: answer.status, body: answer.body.toString("utf8") };
}
