import type { StorageConfig } from "../config";
import { LocalStorage } from "./local-storage";
import type { Storage } from "./storage";
import { WebHdfsStorage } from "./webhdfs-storage";

/** The Storage the configuration asks for. */
export function createStorage(config: StorageConfig): Storage {
  switch (config.kind) {
    case "local":
      return new LocalStorage(config.warehouse);
    case "hdfs":
      return new WebHdfsStorage({ url: config.webhdfsUrl, hdfsUri: config.hdfsUri, user: config.hdfsUser, root: config.warehouse });
  }
}
