import { loadConfig } from "../../src/config";
import { WebHdfsStorage } from "../../src/storage";
import { ensureStack } from "../stack/stack";
import { runStorageContract } from "./contract";

const config = loadConfig({ ...process.env, STORAGE: "hdfs" }).storage;
const storage = new WebHdfsStorage({ url: config.webhdfsUrl, hdfsUri: config.hdfsUri, user: config.hdfsUser, root: "/tmp/storage-contract" });

runStorageContract("HDFS through WebHDFS", {
  open: async () => {
    await ensureStack(["hdfs"]);
    return storage;
  },
});
