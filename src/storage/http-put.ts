/**
 * An HTTP PUT of a body on node:http. Used for the DataNode leg of a WebHDFS CREATE: the
 * DataNode answers "100 Continue" before "201 Created" even when the request did not ask for
 * it, and undici's fetch rejects that unsolicited 1xx as a bad response; node:http skips it.
 */
import * as http from "node:http";

export interface PutAnswer {
  status: number;
  body: string;
}

export function httpPut(url: string, body: Uint8Array, headers: Record<string, string>, timeoutMs: number): Promise<PutAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: "PUT", headers: { ...headers, "content-length": String(body.byteLength) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      response.on("error", reject);
    });
    request.setTimeout(timeoutMs, () => request.destroy(Object.assign(new Error(`timed out after ${timeoutMs} ms`), { name: "TimeoutError" })));
    request.on("error", reject);
    request.end(body);
  });
}
