import { describe, it } from "node:test";
import { loadConfig } from "../../src/config";
import { WebHdfsStorage } from "../../src/storage";
import { runStorageContract } from "./contract";
import { requireService } from "./stack-gate";

const config = loadConfig({ ...process.env, STORAGE: "hdfs" }).storage;
const storage = new WebHdfsStorage({ url: config.webhdfsUrl, hdfsUri: config.hdfsUri, user: config.hdfsUser, root: "/tmp/storage-contract" });

async function main() {
  const skip = await requireService("WebHDFS", `${config.webhdfsUrl}/webhdfs/v1/?op=GETFILESTATUS&user.name=${config.hdfsUser}`);
  if (skip) {
    describe("Storage contract: HDFS through WebHDFS", () => it("runs against a real NameNode", { skip }, () => undefined));
    return;
  }
  runStorageContract("HDFS through WebHDFS", { open: async () => storage });
}

void main();
