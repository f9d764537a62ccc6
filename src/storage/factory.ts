import type { StorageConfig } from "../config";
import { ConfigError } from "../errors";
import { LocalStorage } from "./local-storage";
import type { Storage } from "./storage";

/** The Storage the configuration asks for. */
export function createStorage(config: StorageConfig): Storage {
  switch (config.kind) {
    case "local":
      return new LocalStorage(config.warehouse);
    case "hdfs":
      throw new ConfigError("STORAGE=hdfs is not available yet", "STORAGE");
  }
}
