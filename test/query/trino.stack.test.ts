import { describe, it } from "node:test";
import { loadConfig } from "../../src/config";
import { PrestoEngine } from "../../src/query";
import { WebHdfsStorage } from "../../src/storage";
import { requireService } from "../storage/stack-gate";
import { runQueryContract } from "./contract";

const config = loadConfig({ ...process.env, PIPELINE_STACK: "real" });
const { storage: s, query: q } = config;
const kind = q.kind === "presto" ? "presto" : "trino";

async function main() {
  const skip =
    (await requireService("WebHDFS", `${s.webhdfsUrl}/webhdfs/v1/?op=GETFILESTATUS&user.name=${s.hdfsUser}`)) ??
    (await requireService(kind === "trino" ? "Trino" : "Presto", `${q.prestoUrl}/v1/info`));
  if (skip) {
    describe(`QueryEngine contract: ${kind} over HDFS`, () => it("runs against a real coordinator", { skip }, () => undefined));
    return;
  }
  runQueryContract(`${kind} over HDFS`, {
    open: async () => ({
      engine: new PrestoEngine({ kind, url: q.prestoUrl, catalog: q.catalog, schema: `contract_${Date.now().toString(36)}`, user: q.user }),
      storage: new WebHdfsStorage({ url: s.webhdfsUrl, hdfsUri: s.hdfsUri, user: s.hdfsUser, root: "/tmp/query-contract" }),
    }),
  });
}

void main();
